/**
 * Bundles the two browser entry points with esbuild: the host (Phaser +
 * simple-peer) and the phone controller (simple-peer + a small UI), and each
 * page's stylesheet (`static/css/`). Writes ONLY into `static/build/`
 * (git-ignored), under stable names (`host.js`, `host.css`, `controller.js`,
 * `controller.css`) that the committed pages (`static/index.html`,
 * `static/play/index.html`) load; the server revalidates them with ETags.
 *
 * Two flags change the bundles, never the pages: a dev build opens the
 * live-reload event stream (a banner in each bundle), and a test build keeps
 * the debug handles browser tests read (`PIZZA_TEST_HOOKS`); a production
 * build drops them.
 *
 * Run: `deno task build`, or `deno run ... scripts/build.ts --if-missing` to
 * build only when the output is missing or older than the sources.
 *
 * @module
 */
import * as esbuild from "esbuild";

/** The controller page (HTML + CSS + JS, gzipped) must stay under this. */
export const CONTROLLER_GZIP_LIMIT_BYTES = 60 * 1024;
/** The phone's catalogue parts beside its common words (`static/i18n/<part>/`). */
const PHONE_WORD_PARTS = ["game", "watch"];
/** Name of the manifest written beside the bundles. */
export const MANIFEST_NAME = "manifest.json";
/** The compile-time flag that keeps the test-only debug handles. */
export const TEST_HOOKS_FLAG = "PIZZA_TEST_HOOKS";

const ROOT = new URL("../", import.meta.url);
/** The committed static folder (pages, CSS sources, icons). */
export const STATIC_DIR = new URL("static/", ROOT).pathname;
/** Where a normal build writes, inside {@link STATIC_DIR}. */
export const DEFAULT_OUT_DIR = `${STATIC_DIR}build`;
const SOURCE_DIRS = [
  "src/client/",
  "src/host/",
  "src/phone/",
  "src/link/",
  "src/protocol/",
  "src/game/",
  "src/bots/",
  "static/css/",
].map((dir) => new URL(dir, ROOT));
const SOURCE_FILES = [new URL("deno.json", ROOT)];

/** One page: its bundles and its committed HTML. */
export interface PageSpec {
  /** Bundle name: the build writes `<entry>.js` and `<entry>.css`. */
  entry: "host" | "controller";
  /** Entry module, relative to the repo root. */
  source: string;
  /** Stylesheet entry, relative to the repo root. */
  style: string;
  /** The committed page, relative to {@link STATIC_DIR}. */
  page: string;
}

/** The two pages. */
export const PAGES: readonly PageSpec[] = [
  {
    entry: "host",
    source: "src/client/host/main.ts",
    style: "static/css/host.css",
    page: "index.html",
  },
  {
    entry: "controller",
    source: "src/client/controller/main.ts",
    style: "static/css/controller.css",
    page: "play/index.html",
  },
];

/** Options of {@link build}. */
export interface BuildOptions {
  /** Folder the bundles go to. @default "static/build" (in the repo) */
  outDir?: string;
  /** Minify bundles. @default true */
  minify?: boolean;
  /** In dev: port of the live-reload event stream; pages reload on a message. */
  liveReloadPort?: number;
  /** Keep the debug handles browser tests read. @default false */
  testHooks?: boolean;
  /** Print the size report. @default true */
  log?: boolean;
}

/** What a build produced, with sizes in bytes. */
export interface BuildManifest {
  /** ISO time of the build. */
  builtAt: string;
  /** Every file written, relative to the output folder. */
  files: string[];
  /** Gzipped sizes of each page's HTML + CSS + JS. */
  gzipBytes: Record<string, number>;
  /** True for a dev build (bundles open the live-reload stream). */
  dev: boolean;
  /** True for a test build (bundles keep the debug handles). */
  testHooks: boolean;
}

/**
 * Builds both pages' bundles.
 *
 * @returns The manifest (also written to `<outDir>/manifest.json`).
 * @throws {Error} When esbuild fails.
 */
export async function build(
  options: BuildOptions = {},
): Promise<BuildManifest> {
  const { minify = true, liveReloadPort, testHooks = false, log = true } =
    options;
  const outDir = resolveDir(options.outDir ?? DEFAULT_OUT_DIR);
  await Deno.mkdir(outDir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT.pathname,
    entryPoints: PAGES.flatMap((p) => [
      { in: p.source, out: p.entry },
      { in: p.style, out: p.entry },
    ]),
    bundle: true,
    minify,
    sourcemap: "linked",
    format: "esm",
    platform: "browser",
    target: ["es2022", "chrome100", "safari15", "firefox100"],
    outdir: outDir,
    entryNames: "[name]",
    assetNames: "[name]-[hash]",
    metafile: true,
    write: true,
    legalComments: "external",
    inject: [
      new URL("src/client/shared/node_globals.js", ROOT).pathname,
    ],
    // simple-peer's `debug` logging, off unless `localStorage.debug` is set:
    // a silent stand-in keeps it (and `ms`) out of the bundles.
    alias: { debug: "./src/client/shared/no_debug.cjs" },
    define: { global: "globalThis", [TEST_HOOKS_FLAG]: String(testHooks) },
    banner: liveReloadPort === undefined
      ? undefined
      : { js: liveReloadScript(liveReloadPort) },
    logLevel: "warning",
  });
  const files = Object.keys(result.metafile.outputs).map((path) =>
    relativeTo(new URL(path, ROOT).pathname, outDir)
  );
  const gzipBytes: Record<string, number> = {};
  for (const spec of PAGES) {
    gzipBytes[spec.entry] =
      await gzipSize(await Deno.readFile(`${STATIC_DIR}${spec.page}`)) +
      await gzipSize(await Deno.readFile(`${outDir}/${spec.entry}.js`)) +
      await gzipSize(await Deno.readFile(`${outDir}/${spec.entry}.css`)) +
      (spec.entry === "controller" ? await largestCatalogueGzip() : 0);
  }
  const manifest: BuildManifest = {
    builtAt: new Date().toISOString(),
    files,
    gzipBytes,
    dev: liveReloadPort !== undefined,
    testHooks,
  };
  await Deno.writeTextFile(
    `${outDir}/${MANIFEST_NAME}`,
    JSON.stringify(manifest, null, 2),
  );
  await removeStale(outDir, new Set(files));
  if (log) console.log(sizeReport(result.metafile, manifest, outDir));
  return manifest;
}

/**
 * True when every bundle of the last build exists, no source file is newer
 * than it, and it is a production build (neither dev nor test).
 */
export async function isBuildCurrent(
  dir: string = DEFAULT_OUT_DIR,
): Promise<boolean> {
  const outDir = resolveDir(dir);
  let manifest: BuildManifest;
  let builtAt: number;
  try {
    const path = `${outDir}/${MANIFEST_NAME}`;
    manifest = JSON.parse(await Deno.readTextFile(path));
    builtAt = (await Deno.stat(path)).mtime?.getTime() ?? 0;
  } catch {
    return false;
  }
  if (manifest.dev || manifest.testHooks) return false;
  for (const file of manifest.files) {
    try {
      await Deno.stat(`${outDir}/${file}`);
    } catch {
      return false;
    }
  }
  return (await newestSourceMtime()) <= builtAt;
}

/**
 * Makes a whole static folder for browser tests and benchmarks at `dir`: a
 * copy of the committed files of {@link STATIC_DIR} plus a test build (with
 * the debug handles) in `dir/build`. The repository's own `static/build/` is
 * never touched. Call {@link stopBuilder} when done building.
 *
 * @returns The manifest of the test build.
 */
export async function buildTestSite(dir: string): Promise<BuildManifest> {
  return await buildSite(dir, { testHooks: true });
}

/**
 * Makes a whole static folder at `dir` (emptied first): a copy of the
 * committed files of {@link STATIC_DIR} plus a build in `dir/build`, a
 * production one unless `testHooks` is set. Call {@link stopBuilder} when
 * done building.
 *
 * @returns The manifest of the build.
 */
export async function buildSite(
  dir: string,
  options: { testHooks?: boolean } = {},
): Promise<BuildManifest> {
  const site = resolveDir(dir);
  await Deno.remove(site, { recursive: true }).catch(() => {});
  await copyCommitted(STATIC_DIR.slice(0, -1), site);
  return await build({
    outDir: `${site}/build`,
    testHooks: options.testHooks ?? false,
    log: false,
  });
}

async function copyCommitted(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const source = `${from}/${entry.name}`;
    if (source === DEFAULT_OUT_DIR) continue;
    if (entry.isDirectory) await copyCommitted(source, `${to}/${entry.name}`);
    else if (entry.isFile) await Deno.copyFile(source, `${to}/${entry.name}`);
  }
}

/** Stops esbuild's service so the process can exit. */
export async function stopBuilder(): Promise<void> {
  await esbuild.stop();
}

/** The script a dev build puts at the top of each bundle: reload on a message. */
export function liveReloadScript(port: number): string {
  return `new EventSource(location.protocol+"//"+location.hostname+":${port}/reload")` +
    `.onmessage=()=>location.reload();`;
}

function resolveDir(dir: string): string {
  const absolute = dir.startsWith("/") ? dir : `${Deno.cwd()}/${dir}`;
  return absolute.endsWith("/") ? absolute.slice(0, -1) : absolute;
}

function relativeTo(path: string, dir: string): string {
  if (!path.startsWith(`${dir}/`)) {
    throw new Error(`${path} is outside ${dir}`);
  }
  return path.slice(dir.length + 1);
}

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/**
 * The gzipped size of the most words one phone loads (`static/i18n/`): one
 * language's common words plus the larger of its parts, `game/` (a player's)
 * or `watch/` (the audience's); a phone is one or the other.
 */
async function largestCatalogueGzip(): Promise<number> {
  const size = async (path: string) =>
    await gzipSize(await Deno.readFile(`${STATIC_DIR}i18n/${path}`));
  let largest = 0;
  for await (const entry of Deno.readDir(`${STATIC_DIR}i18n`)) {
    if (!entry.isFile || !entry.name.endsWith(".json")) continue;
    const parts = await Promise.all(
      PHONE_WORD_PARTS.map((part) => size(`${part}/${entry.name}`)),
    );
    largest = Math.max(largest, await size(entry.name) + Math.max(...parts));
  }
  return largest;
}

async function removeStale(outDir: string, keep: Set<string>): Promise<void> {
  for await (const entry of Deno.readDir(outDir)) {
    if (!entry.isFile || entry.name === MANIFEST_NAME || keep.has(entry.name)) {
      continue;
    }
    await Deno.remove(`${outDir}/${entry.name}`).catch(() => {});
  }
}

async function newestSourceMtime(): Promise<number> {
  let newest = 0;
  const visit = async (dir: URL) => {
    for await (const entry of Deno.readDir(dir)) {
      const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
      if (entry.isDirectory) await visit(url);
      else {newest = Math.max(
          newest,
          (await Deno.stat(url)).mtime?.getTime() ?? 0,
        );}
    }
  };
  for (const dir of SOURCE_DIRS) await visit(dir);
  for (const file of SOURCE_FILES) {
    newest = Math.max(newest, (await Deno.stat(file)).mtime?.getTime() ?? 0);
  }
  return newest;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function sizeReport(
  metafile: esbuild.Metafile,
  manifest: BuildManifest,
  outDir: string,
): string {
  const lines = [`build: wrote ${outDir}/`];
  for (const [path, out] of Object.entries(metafile.outputs)) {
    if (path.endsWith(".map") || path.endsWith(".txt")) continue;
    lines.push(
      `  ${relativeTo(new URL(path, ROOT).pathname, outDir).padEnd(28)} ${
        kb(out.bytes).padStart(10)
      }`,
    );
  }
  const controller = manifest.gzipBytes.controller ?? 0;
  const verdict = controller <= CONTROLLER_GZIP_LIMIT_BYTES
    ? "ok"
    : "OVER BUDGET";
  lines.push(
    `  host page (html+css+js):       ${
      kb(manifest.gzipBytes.host ?? 0)
    } gzipped`,
    `  controller page (html+css+js+catalogue): ${kb(controller)} gzipped ` +
      `(limit ${kb(CONTROLLER_GZIP_LIMIT_BYTES)}: ${verdict})`,
  );
  return lines.join("\n");
}

if (import.meta.main) {
  const ifMissing = Deno.args.includes("--if-missing");
  try {
    if (ifMissing && await isBuildCurrent()) {
      console.log("build: up to date");
    } else {
      const manifest = await build();
      if ((manifest.gzipBytes.controller ?? 0) > CONTROLLER_GZIP_LIMIT_BYTES) {
        console.error("build: the controller page is over its size budget");
        Deno.exitCode = 1;
      }
    }
  } finally {
    await stopBuilder();
  }
}
