/**
 * The phone's message catalogues (static/i18n/*.json) agree with each other
 * and with the code: every language has every key (and the same plural
 * forms and slots), every key the phone's page and code name exists, and no
 * visible English sentence is written in src/phone or src/client/controller
 * instead of coming from a catalogue.
 */
import assert from "node:assert/strict";
import { INGREDIENTS } from "../../src/game/mod.ts";
import {
  ALLERGY_EXEMPTIONS,
  ERROR_CODES,
  EVENT_IDS,
  OUTCOME_REASONS,
  REACTION_KINDS,
  RoomClosedReasonSchema,
  TOWN_IDS,
} from "../../src/protocol/mod.ts";
import { errorWords, roomClosedWords } from "../../src/phone/error_words.ts";
import { reactionKey } from "../../src/phone/audience_words.ts";
import { LANGUAGES, type Message } from "../../src/phone/translator.ts";
import { catalogue, PHONE_PARTS } from "./_english.ts";
import { phoneWordsKeys } from "../_helpers/phone_words.ts";

const ROOT = new URL("../../", import.meta.url);
const english = catalogue("en");

/** The `{slots}` of a message, sorted. */
function slots(message: Message): string[] {
  const text = typeof message === "string"
    ? message
    : Object.values(message).join(" ");
  return [...new Set(text.match(/\{\w+\}/g) ?? [])].sort();
}

/** A catalogue's problems against English (missing, extra, shape, slots). */
export function catalogueProblems(
  lang: string,
  other: Readonly<Record<string, Message>>,
  folder = "",
): string[] {
  const english = catalogue(`${folder}en`);
  const out: string[] = [];
  for (const key of Object.keys(english)) {
    if (!Object.hasOwn(other, key)) out.push(`${lang} misses ${key}`);
  }
  for (const key of Object.keys(other)) {
    if (!Object.hasOwn(english, key)) out.push(`${lang} has extra ${key}`);
    else if (typeof other[key] !== typeof english[key]) {
      out.push(`${lang}: ${key} plural forms differ from English`);
    } else if (slots(other[key]).join() !== slots(english[key]).join()) {
      out.push(`${lang}: ${key} slots differ from English`);
    } else if (typeof other[key] === "object" && !("other" in other[key])) {
      out.push(`${lang}: ${key} has no "other" form`);
    }
  }
  return out;
}

Deno.test("Catalogues: every language has every key, with the same plural forms and slots", () => {
  for (const lang of LANGUAGES) {
    assert.deepEqual(catalogueProblems(lang, catalogue(lang)), [], lang);
    for (const part of PHONE_PARTS) {
      const name = `${part}/${lang}`;
      assert.deepEqual(
        catalogueProblems(name, catalogue(name), `${part}/`),
        [],
        name,
      );
    }
    assert.deepEqual(
      catalogueProblems(`tv/${lang}`, catalogue(`tv/${lang}`), "tv/"),
      [],
      `tv/${lang}`,
    );
  }
  // The check fails for a catalogue missing a key another has.
  const { "join.button": _, ...missing } = catalogue("de");
  assert.deepEqual(catalogueProblems("de", missing), ["de misses join.button"]);
  assert.deepEqual(
    catalogueProblems("de", { ...catalogue("de"), "say.paused": "Pause" }),
    ["de: say.paused slots differ from English"],
  );
});

Deno.test("Catalogues: the phone's words are split in parts without overlap: common, game (a player's), watch (the audience's)", async () => {
  for (const lang of LANGUAGES) {
    const files = ["", ...PHONE_PARTS.map((p) => `${p}/`)].map((sub) =>
      new URL(`static/i18n/${sub}${lang}.json`, ROOT)
    );
    const parts = await Promise.all(
      files.map(async (f) =>
        Object.keys(JSON.parse(await Deno.readTextFile(f)))
      ),
    );
    const all = parts.flat();
    assert.equal(new Set(all).size, all.length, `${lang}: a key in two parts`);
    assert.ok(parts.every((keys) => keys.length > 10), lang);
  }
  // A player's words are not the audience's, and the other way round.
  assert.ok(Object.hasOwn(catalogue("game/en"), "why.money"));
  assert.ok(Object.hasOwn(catalogue("watch/en"), "watch.help"));
});

Deno.test("Catalogues: every key the page and the code name exists, and every error code, ingredient and host word has words", async () => {
  const named = new Set<string>();
  const html = await Deno.readTextFile(new URL("static/play/index.html", ROOT));
  for (
    const m of html.matchAll(/data-i18n(?:-label|-placeholder)?="([^"]+)"/g)
  ) {
    named.add(m[1]);
  }
  for (const m of html.matchAll(/data-i18n-attrs="([^"]+)"/g)) {
    for (const pair of m[1].split(";")) named.add(pair.split(":")[1]);
  }
  for (const dir of ["src/phone", "src/client/controller"]) {
    for await (const entry of Deno.readDir(new URL(`${dir}/`, ROOT))) {
      const source = await Deno.readTextFile(
        new URL(`${dir}/${entry.name}`, ROOT),
      );
      const keyLike =
        /["`]((?:join|lang|allergy|strip|act|comfort|connect|top|link|howto|backpack|stick|ended|stat|phase|outcome|stats|say|item|toast|error|closed|stage|watch)\.[a-z_]+|stars)["`]/g;
      for (const m of source.matchAll(keyLike)) named.add(m[1]);
    }
  }
  for (const code of ERROR_CODES) named.add(errorWords(code));
  for (const reason of RoomClosedReasonSchema.options) {
    named.add(roomClosedWords(reason));
  }
  for (const name of INGREDIENTS) named.add(`ing.${name}`);
  for (let level = 0; level < 4; level++) {
    named.add(`level.${level}`).add(`hint.level${level}`);
  }
  // Everything the host says to a phone, as data.
  for (const key of phoneWordsKeys()) named.add(key);
  for (const id of EVENT_IDS) named.add(`event.${id}`).add(`event.${id}.blurb`);
  for (const id of TOWN_IDS) named.add(`town.${id}`);
  for (const why of OUTCOME_REASONS) named.add(`outcome.${why}`);
  for (const rule of ALLERGY_EXEMPTIONS) named.add(`allergy.rule_${rule}`);
  for (const kind of REACTION_KINDS) named.add(reactionKey(kind));
  const missing = [...named].filter((key) => !Object.hasOwn(english, key));
  assert.deepEqual(missing, []);
  assert.ok(named.size > 60, `found ${named.size} keys`);
});

/** Visible text of the phone page that is not marked as translated. */
function unmarkedText(html: string): string[] {
  const body = html.slice(html.indexOf("<body"), html.indexOf("<script"));
  const out: string[] = [];
  // Elements whose text comes from a catalogue or is not to be translated.
  const marked = body.replace(
    /<(\w+)[^>]*(?:data-i18n|translate="no")[^>]*>[\s\S]*?<\/\1>/g,
    "",
  ).replace(/<svg[\s\S]*?<\/svg>/g, "").replace(/<[^>]+>/g, "\n");
  for (const line of marked.split("\n")) {
    const text = line.trim();
    if (/\p{L}{2,}/u.test(text)) out.push(text);
  }
  return out;
}

Deno.test("Catalogues: every word the phone page and the TV page write is marked for translation", async () => {
  const html = await Deno.readTextFile(new URL("static/play/index.html", ROOT));
  assert.deepEqual(unmarkedText(html), []);
  const tv = await Deno.readTextFile(new URL("static/index.html", ROOT));
  assert.deepEqual(unmarkedText(tv), []);
  const tvEnglish = catalogue("tv/en");
  const tvKeys = [
    ...tv.matchAll(/data-i18n(?:-label|-placeholder)?="([^"]+)"/g),
  ].map((m) => m[1]);
  assert.deepEqual(tvKeys.filter((key) => !Object.hasOwn(tvEnglish, key)), []);
  assert.deepEqual(unmarkedText("<body><p>Hello there</p><script>"), [
    "Hello there",
  ]);
});

/** English sentences written as string literals in `source` (comments and errors aside). */
export function literalSentences(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(
    /^\s*\/\/.*$/gm,
    "",
  ).replace(/new \w*Error\([\s\S]*?\);/g, "");
  const codes = new Set<string>([
    ...ERROR_CODES,
    ...RoomClosedReasonSchema.options,
  ]);
  const out: string[] = [];
  for (const line of code.split("\n")) {
    if (/Error\(|console\.|throw /.test(line)) continue;
    for (const m of line.matchAll(/"([^"\\]*)"|`([^`\\]*)`/g)) {
      const text = m[1] ?? m[2];
      if (codes.has(text)) continue;
      if (
        /^[A-Z][a-z']+,? [a-z']+/.test(text) ||
        /\b[a-z']+ [a-z']+ [a-z']+\b/.test(text)
      ) {
        out.push(text);
      }
    }
  }
  return out;
}

Deno.test("Catalogues: no English sentence is written in the phone's code", async () => {
  const found: string[] = [];
  for (
    const dir of ["src/phone", "src/client/controller", "src/client/shared"]
  ) {
    for await (const entry of Deno.readDir(new URL(`${dir}/`, ROOT))) {
      const source = await Deno.readTextFile(
        new URL(`${dir}/${entry.name}`, ROOT),
      );
      for (const text of literalSentences(source)) {
        found.push(`${dir}/${entry.name}: ${text}`);
      }
    }
  }
  assert.deepEqual(found, []);
  assert.deepEqual(
    literalSentences('el.textContent = "Waiting for the VIP";'),
    ["Waiting for the VIP"],
  );
});
