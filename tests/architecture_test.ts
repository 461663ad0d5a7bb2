/**
 * Keeps docs/ARCHITECTURE.md and its tree true: scans every import
 * under `src/`, `scripts/` and `server.ts` and checks it against the layer
 * rules, and checks that the tree there names every folder.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).pathname;

/** Which layers (folders of `src/`) each layer may import. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  protocol: [],
  game: [],
  bots: ["game"],
  link: ["protocol"],
  host: ["protocol", "game", "bots", "link"],
  phone: ["protocol", "link"],
  server: ["protocol"],
  "server/bus": ["protocol", "server"],
  client: ["protocol", "game", "host", "phone", "link"],
};

/** The layers a script may import: the bot table plays headless games. */
const SCRIPTS_MAY_IMPORT: readonly string[] = ["game", "bots"];

/** npm packages and the only layers that may import them. */
const PACKAGE_OWNERS: Record<string, readonly string[]> = {
  phaser: ["client"],
  "qrcode-generator": ["client"],
  buffer: ["client"],
  process: ["client"],
  "simple-peer": ["link"],
  valibot: [
    "protocol",
    "host",
    "phone",
    "link",
    "server",
    "server/bus",
    "game",
  ],
  esbuild: ["scripts"],
  ioredis: ["server/bus"],
};

/** Code that touches the page: only `src/client` may. */
const DOM_USE =
  /\bdocument\.|\bwindow\.|\bnavigator\.|\blocalStorage\b|\bsessionStorage\b/;
/** The DOM's types, pulled in by a triple-slash reference. */
const DOM_LIB = /<reference lib="dom"/;

/** Source without comments (for the DOM check; strings stay). */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (/\.(ts|js)$/.test(entry.name)) yield path;
  }
}

async function* folders(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isDirectory) continue;
    yield `${dir}/${entry.name}`;
    yield* folders(`${dir}/${entry.name}`);
  }
}

/** Import specifiers of a source file (static, side-effect and type imports). */
function importsOf(source: string): string[] {
  const found: string[] = [];
  const pattern =
    /^\s*(?:import|export)\s+(?:type\s+)?[\w*\s{},$]*?\bfrom\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']/gm;
  for (const match of source.matchAll(pattern)) {
    found.push(match[1] ?? match[2]);
  }
  return found;
}

/** The layer of a path under the repo: `src/<layer>/…`, `scripts`, or `root`. */
function layerOf(path: string): string {
  const relative = path.slice(ROOT.length);
  if (relative.startsWith("src/server/bus/")) return "server/bus";
  const src = /^src\/([a-z]+)\//.exec(relative);
  if (src) return src[1];
  if (relative.startsWith("scripts/")) return "scripts";
  if (relative.startsWith("static/")) return "static";
  return "root";
}

function packageName(specifier: string): string {
  const bare = specifier.replace(/^npm:/, "");
  const parts = bare.split("/");
  return bare.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

async function violations(): Promise<string[]> {
  const found: string[] = [];
  const files: string[] = [`${ROOT}server.ts`];
  for (const dir of ["src", "scripts"]) {
    for await (const file of walk(`${ROOT}${dir}`)) files.push(file);
  }
  for (const file of files) {
    const layer = layerOf(file);
    const name = file.slice(ROOT.length);
    const source = await Deno.readTextFile(file);
    // Doc examples import node:assert and their own module: code only.
    const code = source.replace(/```ts[\s\S]*?```/g, "");
    if (
      layer !== "client" &&
      (DOM_LIB.test(source) || DOM_USE.test(withoutComments(code)))
    ) {
      found.push(`${name} touches the DOM (only src/client may)`);
    }
    for (const specifier of importsOf(code)) {
      if (specifier.startsWith("node:")) continue;
      if (specifier.startsWith(".")) {
        const target = new URL(specifier, `file://${file}`).pathname;
        const to = layerOf(target);
        if (to === layer) continue;
        const allowed = layer === "root"
          ? ["server", "server/bus", "protocol"]
          : layer === "scripts"
          ? SCRIPTS_MAY_IMPORT
          : MAY_IMPORT[layer] ?? [];
        if (!allowed.includes(to)) {
          found.push(`${name} imports ${specifier} (${layer} → ${to})`);
        }
        continue;
      }
      const pkg = packageName(specifier);
      const owners = PACKAGE_OWNERS[pkg];
      if (!owners) {
        found.push(`${name} imports ${pkg}, which no layer owns here`);
      } else if (!owners.includes(layer)) {
        found.push(`${name} imports ${pkg} (only ${owners.join(", ")} may)`);
      }
    }
  }
  return found;
}

Deno.test("src/ keeps its layers: every import follows docs/ARCHITECTURE.md", async () => {
  assert.deepEqual(await violations(), []);
});

/** Every relative import of each file under `src/`, as absolute paths. */
async function importGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for await (const file of walk(`${ROOT}src`)) {
    const code = (await Deno.readTextFile(file)).replace(
      /```ts[\s\S]*?```/g,
      "",
    );
    graph.set(
      file,
      importsOf(code).filter((s) => s.startsWith(".")).map((s) =>
        new URL(s, `file://${file}`).pathname
      ),
    );
  }
  return graph;
}

/** Import circles in `graph` (each as the files around it), by depth-first search. */
function circles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") {
        found.push(
          path.slice(path.indexOf(next)).map((f) => f.slice(ROOT.length)),
        );
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

Deno.test("src/ has no import circle", async () => {
  assert.deepEqual(circles(await importGraph()), []);
});

Deno.test("the circle check finds a circle of three files", () => {
  const graph = new Map([
    [`${ROOT}a.ts`, [`${ROOT}b.ts`]],
    [`${ROOT}b.ts`, [`${ROOT}c.ts`]],
    [`${ROOT}c.ts`, [`${ROOT}a.ts`]],
    [`${ROOT}d.ts`, [`${ROOT}a.ts`]],
  ]);
  assert.deepEqual(circles(graph), [["a.ts", "b.ts", "c.ts"]]);
  assert.deepEqual(circles(new Map([[`${ROOT}a.ts`, [`${ROOT}b.ts`]]])), []);
});

Deno.test("the import scan sees imports of every form it checks", () => {
  assert.deepEqual(
    importsOf(
      'import a from "./a.ts";\nimport type { B } from "../b/b.ts";\n' +
        'import "./side.ts";\nexport { c } from "phaser";\n' +
        "import {\n  d,\n  e,\n} from 'valibot';\n",
    ),
    ["./a.ts", "../b/b.ts", "./side.ts", "phaser", "valibot"],
  );
  assert.equal(DOM_USE.test("const x = document.body;"), true);
  assert.equal(
    DOM_USE.test(withoutComments("// the window. and document.")),
    false,
  );
  assert.equal(DOM_LIB.test('/// <reference lib="dom" />'), true);
});

Deno.test("docs/ARCHITECTURE.md's tree names every folder of src/ and static/", async () => {
  const readme = await Deno.readTextFile(`${ROOT}docs/ARCHITECTURE.md`);
  const start = readme.indexOf("## The tree");
  const end = readme.indexOf("\n## ", start + 1);
  const map = readme.slice(start, end);
  const missing: string[] = [];
  for (const top of ["src", "static", "scripts", "tests", "docs"]) {
    for await (const folder of folders(`${ROOT}${top}`)) {
      const relative = folder.slice(ROOT.length);
      if (relative.startsWith("static/build")) continue;
      if (relative.startsWith("tests/") && relative.split("/").length > 2) {
        continue;
      }
      if (relative.startsWith("docs/")) continue;
      const named = relative.startsWith("tests/")
        ? new RegExp(`(^|\\s)${relative.slice(6)}/`, "m").test(map)
        : map.includes(`${relative}/`) ||
          map.includes(`  ${relative.split("/").at(-1)}/`);
      if (!named) missing.push(`${relative}/`);
    }
  }
  assert.deepEqual(
    missing,
    [],
    "folders the tree in docs/ARCHITECTURE.md does not name",
  );
});
