/**
 * A page's language: picks it (stored choice, else the browser's), fetches
 * only that language's catalogue (`/i18n/<lang>.json` for the phone,
 * `/i18n/tv/<lang>.json` for the TV), and writes the words into the page's
 * `data-i18n` (text), `data-i18n-label` (`aria-label`) and
 * `data-i18n-placeholder` elements. `?lang=xx` shows the pseudo-locale.
 *
 * @module
 */
/// <reference lib="dom" />
import {
  type Catalogue,
  LANGUAGE_KEY,
  pickLanguage,
  PSEUDO_LANGUAGE,
  pseudoCatalogue,
  Translator,
} from "../../phone/translator.ts";

/** The language to start with (`storageKey`: where the choice is kept). */
export function startLanguage(storageKey = LANGUAGE_KEY): string {
  const asked = new URLSearchParams(location.search).get("lang");
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(storageKey);
  } catch {
    // Storage refused: the browser's language.
  }
  return pickLanguage(
    navigator.languages ?? [navigator.language],
    asked ?? stored,
  );
}

/** Remembers the player's choice. */
export function rememberLanguage(
  lang: string,
  storageKey = LANGUAGE_KEY,
): void {
  try {
    localStorage.setItem(storageKey, lang);
  } catch {
    // Not remembered; still used.
  }
}

/** Catalogues fetched so far, by path (a failed fetch is tried again). */
const catalogues = new Map<string, Promise<Catalogue | null>>();

/** One catalogue file, fetched once; empty when it cannot be fetched. */
async function fetchCatalogue(path: string): Promise<Catalogue> {
  let pending = catalogues.get(path);
  if (!pending) {
    pending = fetch(path).then(
      (response) => response.ok ? response.json() as Promise<Catalogue> : null,
    ).catch(() => null); // Offline: keys stay visible as [[key]].
    catalogues.set(path, pending);
  }
  const catalogue = await pending;
  if (!catalogue) catalogues.delete(path);
  return catalogue ?? {};
}

/**
 * Fetches one language's catalogue from `/i18n/<folder><lang>.json`, with
 * the parts in `parts` (`/i18n/<folder><part>/<lang>.json`, e.g. the
 * phone's `game` words once it plays) merged in; keys stay visible as
 * `[[key]]` when a file cannot be fetched.
 */
export async function loadTranslator(
  lang: string,
  folder = "",
  parts: readonly string[] = [],
): Promise<Translator> {
  const file = lang === PSEUDO_LANGUAGE ? "en" : lang;
  const fetched = await Promise.all(
    ["", ...parts.map((part) => `${part}/`)].map((sub) =>
      fetchCatalogue(`/i18n/${folder}${sub}${file}.json`)
    ),
  );
  let catalogue: Catalogue = Object.assign({}, ...fetched);
  if (lang === PSEUDO_LANGUAGE) catalogue = pseudoCatalogue(catalogue);
  return new Translator(lang, catalogue);
}

/**
 * Writes the words of `words` into the page: `data-i18n` (text),
 * `data-i18n-label` (`aria-label`), `data-i18n-placeholder`, and
 * `data-i18n-attrs="attr:key;attr:key"` (any other attributes).
 */
export function translatePage(words: Translator, lang: string): void {
  document.documentElement.lang = words.locale;
  document.documentElement.dataset.lang = lang;
  for (const el of document.querySelectorAll<HTMLElement>("[data-i18n]")) {
    el.textContent = words.t(el.dataset.i18n!);
  }
  for (
    const el of document.querySelectorAll<HTMLElement>("[data-i18n-label]")
  ) {
    el.setAttribute("aria-label", words.t(el.dataset.i18nLabel!));
  }
  for (
    const el of document.querySelectorAll<HTMLInputElement>(
      "[data-i18n-placeholder]",
    )
  ) {
    el.placeholder = words.t(el.dataset.i18nPlaceholder!);
  }
  for (
    const el of document.querySelectorAll<HTMLElement>("[data-i18n-attrs]")
  ) {
    for (const pair of el.dataset.i18nAttrs!.split(";")) {
      const [attr, key] = pair.split(":");
      if (attr && key) el.setAttribute(attr.trim(), words.t(key.trim()));
    }
  }
}
