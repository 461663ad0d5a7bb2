/**
 * The TV's catalogues (static/i18n/tv/*.json) against the TV's code (that
 * every language has every key is checked with the phone's, in
 * tests/phone/catalogues_test.ts): every
 * key the host page's code names exists, every id the TV words (player
 * states, outcome reasons, audience events, towns, levels, ingredients,
 * room-lost reasons) has words, and no visible word is written in the code
 * of src/client/host or the TV-word modules of src/host: a string literal
 * that reaches the screen (text, title, alt, aria-label, a Phaser text, a
 * banner, a floating message) is a catalogue key, or no word at all (an
 * emoji, digits, a symbol).
 */
import assert from "node:assert/strict";
import {
  AUDIENCE_EVENTS,
  INGREDIENTS,
  TOWN_FLAVOURS,
} from "../../src/game/mod.ts";
import { OutcomeReasonSchema } from "../../src/game/state_schema.ts";
import { ERROR_CODES, RoomClosedReasonSchema } from "../../src/protocol/mod.ts";
import { catalogue } from "../phone/_english.ts";

const ROOT = new URL("../../", import.meta.url);
const english = catalogue("tv/en");

/** The TV's code: the host page, and the modules of src/host that say TV words. */
const TV_SOURCES = [
  "src/client/host",
  "src/host/phase_line.ts",
  "src/host/order_rows.ts",
  "src/host/tv_floats.ts",
  "src/host/tv_said.ts",
];

/**
 * String literals of the TV's code that are allowed though they look like
 * words, each with why: none of them is shown on the TV.
 */
const NOT_TV_WORDS = new Map<string, string>([
  // The reason in the phones' "bye" message: a wire value each phone words
  // itself ("ended.bye" in the phone's catalogue).
  ["The big screen closed the game.", "wire value for the phones"],
  // A key name the page listens for.
  ["Enter", "KeyboardEvent.key"],
  // A result code of RoomGame.serverMessage.
  ["waiting for phones", "result code"],
]);

/** The server's error codes and room-closed reasons: codes, not words. */
const CODES = new Set<string>([
  ...ERROR_CODES,
  ...RoomClosedReasonSchema.options,
]);

/** Every `.ts` file under the TV's sources, with its text. */
async function tvFiles(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (path: string): Promise<void> => {
    const url = new URL(path, ROOT);
    const info = await Deno.stat(url);
    if (info.isFile) {
      if (path.endsWith(".ts")) out.set(path, await Deno.readTextFile(url));
      return;
    }
    for await (const entry of Deno.readDir(url)) {
      await walk(`${path}/${entry.name}`);
    }
  };
  for (const path of TV_SOURCES) await walk(path);
  return out;
}

/** Code without comments, error messages and console lines. */
function codeOf(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/^\s*\/\/.*$/gm, "")
    .replace(/new \w*Error\([\s\S]*?\);/g, "")
    .replace(/^.*(?:console\.|throw ).*$/gm, "");
}

/** A string literal ("…" or `…`, whose `${…}` parts count as no words). */
const LIT = String.raw`("[^"\\\n]*"|\x60[^\x60\\]*\x60)`;

/** Where a literal's text reaches the screen as it is. */
const VALUE_SINKS = [
  String.raw`\.(?:textContent|title|alt|placeholder|innerText)\s*=\s*`,
  String.raw`\.setText\(\s*`,
  String.raw`setAttribute\(\s*"(?:aria-label|title|alt)"\s*,\s*`,
  String.raw`#text\([^,()]+,[^,()]+,\s*`,
  String.raw`add\.text\([^,()]+,[^,()]+,\s*`,
  String.raw`#float\([^,()]+,[^,()]+,\s*`,
].map((sink) => new RegExp(sink + LIT, "g"));

/** Where a literal is a TV catalogue key. */
const KEY_SINKS = [
  String.raw`tvWords\.t\(\s*`,
  String.raw`said\(\s*`,
  String.raw`showBanner\(\s*"\w+",\s*`,
  String.raw`showWelcome\(\s*`,
  String.raw`#label\([\s\S]{0,80}?\),\s*`,
  String.raw`#button\([^,()]+,[^,()]+,\s*`,
  String.raw`\bkey:\s*`,
].map((sink) => new RegExp(sink + LIT, "g"));

/** A literal's text, with `${…}` parts taken out. */
function textOf(literal: string): string {
  return literal.slice(1, -1).replace(/\$\{[^}]*\}/g, "");
}

/** Whether `literal` names a key of the English TV catalogue (a template: some key starts so). */
function isKey(literal: string, keys: Iterable<string>): boolean {
  const body = literal.slice(1, -1);
  if (body === "") return true;
  if (!body.includes("${")) return [...keys].includes(body);
  const head = body.slice(0, body.indexOf("${"));
  return head !== "" && [...keys].some((key) => key.startsWith(head));
}

/**
 * The visible words written in one source of the TV's code: literals
 * reaching the screen that have words, key literals that are no key, and
 * anything that reads as words anywhere (a sentence, a word in capitals, a
 * capitalised word standing alone).
 */
export function tvLiteralWords(
  source: string,
  keys: Iterable<string>,
): string[] {
  const code = codeOf(source);
  const out: string[] = [];
  for (const sink of VALUE_SINKS) {
    for (const m of code.matchAll(sink)) {
      if (/\p{L}{2,}/u.test(textOf(m[1]))) out.push(textOf(m[1]));
    }
  }
  for (const sink of KEY_SINKS) {
    for (const m of code.matchAll(sink)) {
      if (!isKey(m[1], keys)) out.push(`not a key: ${m[1].slice(1, -1)}`);
    }
  }
  for (const m of code.matchAll(new RegExp(LIT, "g"))) {
    const text = textOf(m[1]);
    if (NOT_TV_WORDS.has(text) || CODES.has(text)) continue;
    if (
      // a sentence: a capitalised word and another, or three words
      /^\p{Lu}\p{Ll}+,? \p{Ll}+/u.test(text) ||
      /\b\p{Ll}+ \p{Ll}+ \p{Ll}+\b/u.test(text) ||
      /\b\p{Lu}{3,}\b/u.test(text) && !/^[\p{Lu}\d_]+$/u.test(text) ||
      /^\p{Lu}\p{Ll}+[!?.…]?$/u.test(text) ||
      /^\p{Lu}{3,}[!?.…]?$/u.test(text)
    ) out.push(text);
  }
  return [...new Set(out)];
}

Deno.test("TV catalogues: every key the TV's code names exists, and every id the TV words has words", async () => {
  const named = new Set<string>();
  for (const [, source] of await tvFiles()) {
    const code = codeOf(source);
    for (const sink of KEY_SINKS) {
      for (const m of code.matchAll(sink)) {
        const body = m[1].slice(1, -1);
        if (!body.includes("${") && body !== "") named.add(body);
      }
    }
  }
  const links = [
    "bot",
    "connecting",
    "p2p",
    "relayed",
    "silent",
    "disconnected",
  ];
  for (const link of links) {
    named.add(`state.${link}`).add(`state.${link}.title`);
  }
  for (const reason of OutcomeReasonSchema.options) {
    named.add(`phase.lost.${reason}`).add(`outcome.${reason}`);
  }
  for (const kind of AUDIENCE_EVENTS) {
    named.add(`event.${kind}.title`).add(`event.${kind}.news`);
  }
  for (const flavour of TOWN_FLAVOURS) named.add(`town.${flavour}`);
  for (const about of ["event", "flavour"]) {
    named.add(`vote.${about}`).add(`vote.${about}.left`);
  }
  for (let level = 0; level < 4; level++) {
    named.add(`level.${level}`).add(`level.${level}.line`);
  }
  for (const name of INGREDIENTS) {
    named.add(`ing.${name}`).add(`float.bought.${name}`);
  }
  for (
    const reason of [
      ...RoomClosedReasonSchema.options,
      "room gone",
      "lost too long",
    ]
  ) named.add(`lost.${reason.replace(/ /g, "_")}`);
  for (const reason of ["cannot reach", "connection lost"]) {
    named.add(`unreachable.${reason.replace(/ /g, "_")}`);
  }
  const missing = [...named].filter((key) => !Object.hasOwn(english, key));
  assert.deepEqual(missing, []);
  assert.ok(named.size > 120, `found ${named.size} keys`);
});

Deno.test("TV catalogues: no visible word is written in the TV's code", async () => {
  const keys = Object.keys(english);
  const found: string[] = [];
  const files = await tvFiles();
  assert.ok(files.size > 20, `scanned ${files.size} files`);
  for (const [path, source] of files) {
    for (const text of tvLiteralWords(source, keys)) {
      found.push(`${path}: ${text}`);
    }
  }
  assert.deepEqual(found, []);
  // The check finds each kind of slip.
  const slips = [
    'el.textContent = "Away";',
    'img.alt = "dough";',
    'this.#text(0, 0, "PAUSED", 48);',
    "label.setText(`${n} tiles`);",
    'view.showBanner("info", "Wait for a player.");',
    'tvWords.t("no.such.key");',
    'this.#button(0, 352, "Play again", () => {});',
    'const STATES = { bot: { text: "Bot" } };',
    'const label = "GAME OVER";',
  ];
  for (const slip of slips) {
    assert.notDeepEqual(tvLiteralWords(slip, keys), [], slip);
  }
  // Not words: symbols, digits, emoji, CSS, keys.
  const fine = [
    'kick.textContent = "✕";',
    "el.textContent = `${REACTION_EMOJI[kind]} ${n}`;",
    'g.fillStyle = "#ffb703"; ctx.font = "900 22px system-ui, sans-serif";',
    'this.#text(70, 42, "", 46);',
    'el.textContent = tvWords.t("orders.ask");',
    'view.showBanner("info", "banner.left", { name });',
  ];
  for (const ok of fine) assert.deepEqual(tvLiteralWords(ok, keys), [], ok);
});

Deno.test("TV catalogues: the TV never shows the engine's English (event words, level names, outcome and feedback sentences)", async () => {
  const engineWords =
    /\b(?:EVENT_WORDS|FLAVOUR_WORDS|DIFFICULTY_NAMES|DIFFICULTY_BLURBS|describeMask|describeItem|difficultyName)\b|\b(?:o|event)\.text\b/;
  const found: string[] = [];
  for (const [path, source] of await tvFiles()) {
    const m = codeOf(source).match(engineWords);
    if (m) found.push(`${path}: ${m[0]}`);
  }
  assert.deepEqual(found, []);
  assert.ok(engineWords.test("label.setText(o.text);"));
});
