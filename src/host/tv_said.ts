/**
 * Words the TV says, as data: a key of the TV's catalogues
 * (`static/i18n/tv/<lang>.json`) and the values of its `{slots}`. The host's
 * pure modules (phase line, audience board, floating messages) return these;
 * the page turns them into words of its language.
 *
 * @module
 */

/** A message to say: its TV catalogue key and slot values (`count` picks the plural). */
export interface TvSaid {
  /** The catalogue key. */
  key: string;
  /** Values of the `{slots}`: numbers go through `Intl.NumberFormat`, lists of names through `Intl.ListFormat`. */
  params?: Readonly<Record<string, string | number | readonly string[]>>;
}

/**
 * A {@link TvSaid}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { said } from "./tv_said.ts";
 * assert.deepEqual(said("phase.on"), { key: "phase.on", params: {} });
 * ```
 */
export function said(
  key: string,
  params: TvSaid["params"] = {},
): TvSaid {
  return { key, params };
}
