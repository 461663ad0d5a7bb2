/**
 * The TV's words now: one translator of the TV's catalogues
 * (`static/i18n/tv/<lang>.json`), swapped when the host picks another
 * language, read by the page's views and the Phaser scenes each time they
 * draw. Numbers and clocks go through `Intl.NumberFormat`.
 *
 * @module
 */
import { Translator } from "../../phone/translator.ts";
import type { TvSaid } from "../../host/tv_said.ts";

/** The TV's current language and its formatters. */
export class TvWords {
  #words = new Translator("en", {});
  #numbers = new Intl.NumberFormat("en");
  #twoDigits = new Intl.NumberFormat("en", { minimumIntegerDigits: 2 });

  /** Uses `words` from now on. */
  use(words: Translator): void {
    this.#words = words;
    this.#numbers = new Intl.NumberFormat(words.locale);
    this.#twoDigits = new Intl.NumberFormat(words.locale, {
      minimumIntegerDigits: 2,
      useGrouping: false,
    });
  }

  /** The translator in use. */
  get translator(): Translator {
    return this.#words;
  }

  /** The language tag `Intl` uses. */
  get locale(): string {
    return this.#words.locale;
  }

  /** The words of `key` (see {@link Translator.t}). */
  t(key: string, params?: TvSaid["params"]): string {
    return this.#words.t(key, params);
  }

  /** The words of a {@link TvSaid}. */
  say(said: TvSaid): string {
    return this.#words.t(said.key, said.params);
  }

  /** A whole number in the TV's language ("1.234" in German). */
  number(n: number): string {
    return this.#numbers.format(n);
  }

  /**
   * A count of seconds as a clock, minutes:seconds ("5:07"), its digits
   * from `Intl.NumberFormat`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Translator } from "../../phone/translator.ts";
   * import { TvWords } from "./tv_words.ts";
   * const tv = new TvWords();
   * tv.use(new Translator("de", { coins: { one: "{count} Münze", other: "{count} Münzen" } }));
   * assert.equal(tv.clock(307), "5:07");
   * assert.equal(tv.number(1234), "1.234");
   * assert.equal(tv.t("coins", { count: 1 }), "1 Münze");
   * ```
   */
  clock(seconds: number): string {
    const s = Math.max(0, Math.floor(seconds));
    return `${this.#numbers.format(Math.floor(s / 60))}:${
      this.#twoDigits.format(s % 60)
    }`;
  }
}

/** The host page's one {@link TvWords}. */
export const tvWords: TvWords = new TvWords();
