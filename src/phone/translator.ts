/**
 * Words from message catalogues: one JSON object per language
 * (`static/i18n/<lang>.json`, only the active one is loaded), each message a
 * string with `{name}` slots or, for counts, one string per plural category
 * chosen by `Intl.PluralRules`; numbers go through `Intl.NumberFormat` and
 * lists of names through `Intl.ListFormat`. Pure: the page fetches the
 * catalogue and hands it over.
 *
 * @module
 */

/** The languages with a catalogue. */
export const LANGUAGES = ["en", "nl", "es", "de"] as const;
/** A language with a catalogue. */
export type Language = (typeof LANGUAGES)[number];
/** The pseudo-locale: English with every message wrapped, to make misses visible. */
export const PSEUDO_LANGUAGE = "xx";
/** `localStorage` key of the chosen language. */
export const LANGUAGE_KEY = "pizza-peers:language";

/** One message: a string, or one string per plural category (`other` always). */
export type Message = string | { [category: string]: string; other: string };
/** A language's messages by key. */
export type Catalogue = Readonly<Record<string, Message>>;
/** A message to say later: its key and the values of its slots. */
export interface Said {
  /** The catalogue key. */
  key: string;
  /** Values of the `{slots}`; `count` also picks the plural form. */
  params?: Readonly<Record<string, string | number | readonly string[]>>;
}

/**
 * The language to use: a stored choice if it has a catalogue, else the first
 * of the browser's languages that has one, else English.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pickLanguage } from "./translator.ts";
 * assert.equal(pickLanguage(["de-AT", "en"], null), "de");
 * assert.equal(pickLanguage(["fr"], null), "en");
 * assert.equal(pickLanguage(["de"], "nl"), "nl");
 * ```
 */
export function pickLanguage(
  browser: readonly string[],
  stored: string | null,
): Language | typeof PSEUDO_LANGUAGE {
  if (stored === PSEUDO_LANGUAGE) return PSEUDO_LANGUAGE;
  const known = (tag: string | null): Language | undefined =>
    LANGUAGES.find((lang) => tag?.toLowerCase().split("-")[0] === lang);
  return known(stored) ?? browser.map(known).find((l) => l) ?? "en";
}

/**
 * The pseudo-locale's catalogue: each English message wrapped in ⟦ ⟧, so a
 * word on screen without the brackets did not come from a catalogue.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pseudoCatalogue } from "./translator.ts";
 * assert.deepEqual(pseudoCatalogue({ a: "Hi", b: { one: "1 x", other: "{count} x" } }), {
 *   a: "⟦Hi⟧", b: { one: "⟦1 x⟧", other: "⟦{count} x⟧" },
 * });
 * ```
 */
export function pseudoCatalogue(english: Catalogue): Catalogue {
  const wrap = (text: string) => `⟦${text}⟧`;
  return Object.fromEntries(
    Object.entries(english).map(([key, message]) => [
      key,
      typeof message === "string" ? wrap(message) : Object.fromEntries(
        Object.entries(message).map(([k, v]) => [k, wrap(v)]),
      ) as Message,
    ]),
  );
}

/** Turns keys into words of one language. */
export class Translator {
  readonly #locale: string;
  readonly #catalogue: Catalogue;
  readonly #plurals: Intl.PluralRules;
  readonly #numbers: Intl.NumberFormat;
  readonly #lists: Intl.ListFormat;

  /**
   * @param locale BCP 47 tag for `Intl` (the pseudo-locale formats as English).
   * @param catalogue The language's messages.
   */
  constructor(locale: string, catalogue: Catalogue) {
    this.#locale = locale === PSEUDO_LANGUAGE ? "en" : locale;
    this.#catalogue = catalogue;
    this.#plurals = new Intl.PluralRules(this.#locale);
    this.#numbers = new Intl.NumberFormat(this.#locale);
    this.#lists = new Intl.ListFormat(this.#locale, {
      style: "long",
      type: "conjunction",
    });
  }

  /** The language tag `Intl` uses. */
  get locale(): string {
    return this.#locale;
  }

  /**
   * The words of `key` with its slots filled; a missing key shows as
   * `[[key]]`, so it is seen, not hidden.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Translator } from "./translator.ts";
   * const t = new Translator("de", {
   *   coins: { one: "{count} Münze", other: "{count} Münzen" },
   *   wait: "Warte auf {names}",
   * });
   * assert.equal(t.t("coins", { count: 1 }), "1 Münze");
   * assert.equal(t.t("coins", { count: 1200 }), "1.200 Münzen");
   * assert.equal(t.t("wait", { names: ["Ann", "Bob"] }), "Warte auf Ann und Bob");
   * assert.equal(t.t("nope"), "[[nope]]");
   * ```
   */
  t(key: string, params: Said["params"] = {}): string {
    const message = Object.hasOwn(this.#catalogue, key)
      ? this.#catalogue[key]
      : undefined;
    if (message === undefined) return `[[${key}]]`;
    const count = params.count;
    const text = typeof message === "string"
      ? message
      : message[typeof count === "number" ? this.#plurals.select(count) : ""] ??
        message.other;
    return text.replace(/\{(\w+)\}/g, (slot, name: string) => {
      const value = params[name];
      if (value === undefined) return slot;
      if (typeof value === "number") return this.#numbers.format(value);
      if (typeof value === "string") return value;
      return this.#lists.format(value);
    });
  }

  /**
   * A number in the language's way (`Intl.NumberFormat`).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Translator } from "./translator.ts";
   * assert.equal(new Translator("de", {}).n(1200), "1.200");
   * ```
   */
  n(value: number): string {
    return this.#numbers.format(value);
  }

  /** The words of a {@link Said}. */
  say(said: Said): string {
    return this.t(said.key, said.params);
  }
}
