/** The English catalogue as the phone loads it, for tests of words. */
import { type Catalogue, Translator } from "../../src/phone/translator.ts";

/** Reads `static/i18n/<lang>.json`. */
export function catalogue(lang: string): Catalogue {
  return JSON.parse(
    Deno.readTextFileSync(
      new URL(`../../static/i18n/${lang}.json`, import.meta.url),
    ),
  );
}

/** A translator for `lang` (English by default). */
export function words(lang = "en"): Translator {
  return new Translator(lang, catalogue(lang));
}
