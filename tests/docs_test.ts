/**
 * Keeps the docs exact where code can check them: every environment
 * variable the server reads is in docs/CONFIGURATION.md, every message and
 * error code of `src/protocol/` is in docs/PROTOCOL.md, and every relative
 * link (and anchor) of the README and the docs resolves.
 */
import assert from "node:assert/strict";
import { ENV_NAMES, LEGACY_ENV_NAMES } from "../src/server/config.ts";
import {
  ClientMessageSchema,
  ERROR_CODES,
  HostMessageSchema,
  PhoneMessageSchema,
  ServerMessageSchema,
} from "../src/protocol/mod.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** Every `.ts` file under `dir`, as paths from the repository root. */
async function tsFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(`${ROOT}${dir}`)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) found.push(...await tsFiles(path));
    else if (entry.name.endsWith(".ts")) found.push(path);
  }
  return found;
}

/** The source without comments (strings are kept; good enough for our code). */
export function withoutComments(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

/**
 * Environment variable names a source file reads: every upper-snake string
 * literal (`"REDIS_URL"`), and any name passed straight to an env reader
 * (`Deno.env.get("PORT")`, `env("PORT")`, `getEnv("PORT")`).
 */
export function envNamesIn(source: string): Set<string> {
  const code = withoutComments(source);
  const names = new Set<string>();
  for (
    const match of code.matchAll(/["'`]([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)["'`]/g)
  ) {
    names.add(match[1]);
  }
  for (
    const match of code.matchAll(
      /(?:Deno\.env\.get|\benv|\bgetEnv)\(\s*["'`]([A-Z][A-Z0-9_]*)["'`]/g,
    )
  ) names.add(match[1]);
  return names;
}

/** Names written as code (`NAME`) in a markdown text. */
function codeSpans(markdown: string): Set<string> {
  const spans = new Set<string>();
  for (const match of markdown.matchAll(/`([^`\n]+)`/g)) spans.add(match[1]);
  return spans;
}

Deno.test("envNamesIn() finds literals and reader calls, not comments", () => {
  const names = envNamesIn(`
    // "IN_A_COMMENT" is not read
    /** Nor "IN_A_DOC" */
    const REDIS = "REDIS_URL";
    const port = Deno.env.get("PORT") ?? env("HOST");
    const t = { a: 'BUS_CODE_TTL_MS' };
    const url = "http://example.org"; // "AFTER_CODE"
  `);
  assert.deepEqual(
    [...names].sort(),
    ["BUS_CODE_TTL_MS", "HOST", "PORT", "REDIS_URL"],
  );
});

Deno.test("every environment variable read in src/ and server.ts is in docs/CONFIGURATION.md", async () => {
  const doc = codeSpans(
    await Deno.readTextFile(`${ROOT}docs/CONFIGURATION.md`),
  );
  const read = new Map<string, string>();
  for (const name of Object.values(ENV_NAMES)) read.set(name, "config.ts");
  for (const { name } of LEGACY_ENV_NAMES) read.set(name, "config.ts");
  for (const file of [...await tsFiles("src"), "server.ts"]) {
    for (const name of envNamesIn(await Deno.readTextFile(`${ROOT}${file}`))) {
      read.set(name, file);
    }
  }
  // The scan must see what the server is known to read.
  for (const known of ["PORT", "REDIS_URL", "BUS_CODE_TTL_MS", "TRUST_PROXY"]) {
    assert.ok(read.has(known), `the scan missed ${known}`);
  }
  const missing = [...read].filter(([name]) => !doc.has(name))
    .map(([name, file]) => `${name} (${file})`);
  assert.deepEqual(missing, [], "variables docs/CONFIGURATION.md leaves out");
});

/** Message names from the schemas, and from a scan of `src/protocol/`. */
async function protocolNames(): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const schema of ClientMessageSchema.options) {
    names.set(schema.entries.action.literal, "client → server");
  }
  for (const schema of ServerMessageSchema.options) {
    names.set(schema.entries.type.literal, "server → client");
  }
  for (const schema of PhoneMessageSchema.options) {
    names.set(schema.entries.t.literal, "phone → host");
  }
  for (const schema of HostMessageSchema.options) {
    names.set(schema.entries.t.literal, "host → phone");
  }
  for (const code of ERROR_CODES) names.set(code, "error code");
  for (const file of await tsFiles("src/protocol")) {
    const code = withoutComments(await Deno.readTextFile(`${ROOT}${file}`));
    for (
      const match of code.matchAll(
        /(?:\b(?:action|type|t):\s*v\.literal\(|actionSchema\()\s*"([^"]+)"/g,
      )
    ) names.set(match[1], file);
  }
  return names;
}

Deno.test("every message and error code in src/protocol is in docs/PROTOCOL.md", async () => {
  const doc = codeSpans(await Deno.readTextFile(`${ROOT}docs/PROTOCOL.md`));
  const names = await protocolNames();
  for (const known of ["createRoom", "confirmRoom", "answer", "move", "bye"]) {
    assert.ok(names.has(known), `the scan missed ${known}`);
  }
  const missing = [...names].filter(([name]) => !doc.has(name))
    .map(([name, where]) => `${name} (${where})`);
  assert.deepEqual(missing, [], "messages docs/PROTOCOL.md leaves out");
});

/** GitHub's anchor for a heading. */
export function slug(heading: string): string {
  return heading.trim().toLowerCase()
    .replace(/[`*_]/g, "")
    .replace(/[^\p{L}\p{N} -]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors a markdown file's headings make. */
function anchors(markdown: string): Set<string> {
  const set = new Set<string>();
  const withoutFences = markdown.replace(/```[\s\S]*?```/g, "");
  for (const match of withoutFences.matchAll(/^#{1,6} (.+)$/gm)) {
    set.add(slug(match[1]));
  }
  return set;
}

Deno.test("slug() makes GitHub's heading anchors", () => {
  assert.equal(
    slug("Over the internet: STUN and TURN"),
    "over-the-internet-stun-and-turn",
  );
  assert.equal(slug("Client → server"), "client--server");
  assert.equal(slug("`joinRoom` and seats"), "joinroom-and-seats");
});

Deno.test("every relative link and anchor in the README and docs/ resolves", async () => {
  const pages = ["README.md", "bench/README.md"];
  for await (const entry of Deno.readDir(`${ROOT}docs`)) {
    if (entry.name.endsWith(".md")) pages.push(`docs/${entry.name}`);
  }
  const broken: string[] = [];
  let checked = 0;
  for (const page of pages) {
    const text = await Deno.readTextFile(`${ROOT}${page}`);
    const prose = text.replace(/```[\s\S]*?```/g, "");
    for (const match of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1];
      if (/^[a-z]+:/i.test(target)) continue;
      checked++;
      const [path, anchor] = target.split("#", 2);
      const resolved = path === ""
        ? page
        : new URL(path, `file://${ROOT}${page}`).pathname.slice(ROOT.length);
      let targetText: string | undefined;
      try {
        const info = await Deno.stat(`${ROOT}${resolved}`);
        if (info.isFile && resolved.endsWith(".md")) {
          targetText = await Deno.readTextFile(`${ROOT}${resolved}`);
        }
      } catch {
        broken.push(`${page}: ${target}`);
        continue;
      }
      if (
        anchor && targetText !== undefined && !anchors(targetText).has(anchor)
      ) {
        broken.push(`${page}: ${target} (no such heading)`);
      }
    }
  }
  assert.ok(checked > 20, `only ${checked} links checked`);
  assert.deepEqual(broken, [], "links that do not resolve");
});
