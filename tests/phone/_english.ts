/** The English catalogue as the phone loads it, for tests of words. */
import { type Catalogue, Translator } from "../../src/phone/translator.ts";

/** The parts of a phone catalogue beside the common words (`static/i18n/<part>/`). */
export const PHONE_PARTS = ["game", "watch"] as const;

/**
 * Reads `static/i18n/<lang>.json`; for a phone language (no folder in
 * `lang`) with its parts merged in, as a phone that plays and watches has it.
 */
export function catalogue(lang: string): Catalogue {
  const read = (name: string): Catalogue =>
    JSON.parse(
      Deno.readTextFileSync(
        new URL(`../../static/i18n/${name}.json`, import.meta.url),
      ),
    );
  if (lang.includes("/")) return read(lang);
  return Object.assign(
    read(lang),
    ...PHONE_PARTS.map((part) => read(`${part}/${lang}`)),
  );
}

/** A translator for `lang` (English by default). */
export function words(lang = "en"): Translator {
  return new Translator(lang, catalogue(lang));
}
