/**
 * Bundles the two browser entry points with esbuild: the host (Phaser +
 * simple-peer) and the phone controller (simple-peer + a small UI). Writes
 * hashed, minified bundles with source maps to `static/build/`, and the HTML
 * pages (`static/index.html`, `static/play/index.html`) from the templates in
 * `src/client/`, pointing at those hashed names.
 *
 * Run: `deno task build`, or `deno run ... scripts/build.ts --if-missing` to
 * build only when the output is missing or older than the sources.
 *
 * @module
 */
import * as esbuild from "esbuild";

/** The controller page (HTML + CSS + JS, gzipped) must stay under this. */
export const CONTROLLER_GZIP_LIMIT_BYTES = 60 * 1024;
/** Folder (inside the static dir) for bundles. */
export const BUILD_SUBDIR = "build";
/** Name of the manifest written beside the bundles. */
export const MANIFEST_NAME = "manifest.json";

const ROOT = new URL("../", import.meta.url);
const CLIENT_DIR = new URL("src/client/", ROOT);
const SOURCE_DIRS = [
  "src/client/",
  "src/host/",
  "src/phone/",
  "src/link/",
  "src/protocol/",
  "src/game/",
  "src/bots/",
].map((dir) => new URL(dir, ROOT));
const SOURCE_FILES = [new URL("deno.json", ROOT)];

/** One page the build writes. */
interface PageSpec {
  /** Entry name (also the bundle's name prefix). */
  entry: "host" | "controller";
  /** Entry module, relative to the repo root. */
  source: string;
  /** Stylesheet, relative to the repo root. */
  style: string;
  /** HTML template, relative to the repo root. */
  template: string;
  /** Output HTML path, relative to the static dir. */
  page: string;
}

/** The two pages. */
export const PAGES: readonly PageSpec[] = [
  {
    entry: "host",
    source: "src/client/host/main.ts",
    style: "src/client/host/host.css",
    template: "src/client/host/index.html",
    page: "index.html",
  },
  {
    entry: "controller",
    source: "src/client/controller/main.ts",
    style: "src/client/controller/controller.css",
    template: "src/client/controller/index.html",
    page: "play/index.html",
  },
];

/** Options of {@link build}. */
export interface BuildOptions {
  /** Folder the server serves. @default "static" (in the repo) */
  staticDir?: string;
  /** Minify bundles. @default true */
  minify?: boolean;
  /** In dev: port of the live-reload event stream; pages reload on a message. */
  liveReloadPort?: number;
  /** Print the size report. @default true */
  log?: boolean;
}

/** What a build produced, with sizes in bytes. */
export interface BuildManifest {
  /** ISO time of the build. */
  builtAt: string;
  /** Per entry: URLs of its JS and CSS and the page written. */
  entries: Record<string, { js: string; css: string | null; page: string }>;
  /** Every file written, relative to the static dir. */
  files: string[];
  /** Gzipped sizes of each page's HTML + CSS + JS. */
  gzipBytes: Record<string, number>;
  /** True for a dev build (pages carry the live-reload script). */
  dev: boolean;
}

/**
 * Builds both pages.
 *
 * @returns The manifest (also written to `static/build/manifest.json`).
 * @throws {Error} When esbuild fails.
 */
export async function build(
  options: BuildOptions = {},
): Promise<BuildManifest> {
  const { minify = true, liveReloadPort, log = true } = options;
  const staticDir = resolveDir(
    options.staticDir ?? new URL("static", ROOT).pathname,
  );
  const outDir = `${staticDir}/${BUILD_SUBDIR}`;
  await Deno.mkdir(outDir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT.pathname,
    entryPoints: Object.fromEntries(
      PAGES.flatMap((
        p,
      ) => [[p.entry, p.source], [`${p.entry}-style`, p.style]]),
    ),
    bundle: true,
    minify,
    sourcemap: "linked",
    format: "esm",
    platform: "browser",
    target: ["es2022", "chrome100", "safari15", "firefox100"],
    outdir: outDir,
    entryNames: "[name]-[hash]",
    assetNames: "[name]-[hash]",
    metafile: true,
    write: true,
    legalComments: "external",
    inject: [new URL("shared/node_globals.js", CLIENT_DIR).pathname],
    define: { global: "globalThis" },
    logLevel: "warning",
  });
  const entries: BuildManifest["entries"] = {};
  const files: string[] = [];
  const gzipBytes: Record<string, number> = {};
  for (const spec of PAGES) {
    const outputs = Object.entries(result.metafile.outputs);
    const jsPath = outputs.find(([, out]) => out.entryPoint === spec.source)
      ?.[0];
    const cssPath = outputs.find(([path, out]) =>
      out.entryPoint === spec.style && path.endsWith(".css")
    )?.[0];
    if (!jsPath) {
      throw new Error(`esbuild produced no bundle for ${spec.source}`);
    }
    const js = toUrl(jsPath, staticDir);
    const css = cssPath ? toUrl(cssPath, staticDir) : null;
    const template = await Deno.readTextFile(new URL(spec.template, ROOT));
    const html = renderPage(template, js, css, liveReloadPort);
    const pagePath = `${staticDir}/${spec.page}`;
    await Deno.mkdir(pagePath.slice(0, pagePath.lastIndexOf("/")), {
      recursive: true,
    });
    await Deno.writeTextFile(pagePath, html);
    entries[spec.entry] = { js, css, page: spec.page };
    gzipBytes[spec.entry] = await gzipSize(new TextEncoder().encode(html)) +
      await gzipSize(await Deno.readFile(`${staticDir}${js}`)) +
      (css ? await gzipSize(await Deno.readFile(`${staticDir}${css}`)) : 0);
  }
  for (const path of Object.keys(result.metafile.outputs)) {
    files.push(toUrl(path, staticDir).slice(1));
  }
  const manifest: BuildManifest = {
    builtAt: new Date().toISOString(),
    entries,
    files,
    gzipBytes,
    dev: liveReloadPort !== undefined,
  };
  await Deno.writeTextFile(
    `${outDir}/${MANIFEST_NAME}`,
    JSON.stringify(manifest, null, 2),
  );
  await removeStale(
    outDir,
    new Set(files.map((f) => f.slice(BUILD_SUBDIR.length + 1))),
  );
  if (log) console.log(sizeReport(result.metafile, manifest, staticDir));
  return manifest;
}

/**
 * True when every page and bundle of the last build exists, no source file
 * is newer than it, and it is not a dev build.
 */
export async function isBuildCurrent(
  dir = new URL("static", ROOT).pathname,
): Promise<boolean> {
  const staticDir = resolveDir(dir);
  let manifest: BuildManifest;
  let builtAt: number;
  try {
    const path = `${staticDir}/${BUILD_SUBDIR}/${MANIFEST_NAME}`;
    manifest = JSON.parse(await Deno.readTextFile(path));
    builtAt = (await Deno.stat(path)).mtime?.getTime() ?? 0;
  } catch {
    return false;
  }
  if (manifest.dev) return false;
  const needed = [...manifest.files, ...PAGES.map((p) => p.page)];
  for (const file of needed) {
    try {
      await Deno.stat(`${staticDir}/${file}`);
    } catch {
      return false;
    }
  }
  return (await newestSourceMtime()) <= builtAt;
}

/** Stops esbuild's service so the process can exit. */
export async function stopBuilder(): Promise<void> {
  await esbuild.stop();
}

/** Replaces the build markers of a page template. */
export function renderPage(
  template: string,
  js: string,
  css: string | null,
  liveReloadPort?: number,
): string {
  const cssTag = css ? `<link rel="stylesheet" href="${css}">` : "";
  const reload = liveReloadPort
    ? `<script>new EventSource(location.protocol+"//"+location.hostname+":${liveReloadPort}/reload")` +
      `.onmessage=()=>location.reload()</script>`
    : "";
  return template
    .replace("<!--build:css-->", cssTag)
    .replace(
      "<!--build:js-->",
      `<script type="module" src="${js}"></script>${reload}`,
    );
}

function resolveDir(dir: string): string {
  const absolute = dir.startsWith("/") ? dir : `${Deno.cwd()}/${dir}`;
  return absolute.endsWith("/") ? absolute.slice(0, -1) : absolute;
}

function toUrl(outputPath: string, staticDir: string): string {
  const absolute = new URL(outputPath, ROOT).pathname;
  const base = staticDir.endsWith("/") ? staticDir.slice(0, -1) : staticDir;
  if (!absolute.startsWith(base)) {
    throw new Error(`${outputPath} is outside ${staticDir}`);
  }
  return absolute.slice(base.length);
}

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return (await new Response(stream).arrayBuffer()).byteLength;
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
  staticDir: string,
): string {
  const lines = ["build: wrote"];
  for (const [path, out] of Object.entries(metafile.outputs)) {
    if (path.endsWith(".map") || path.endsWith(".txt")) continue;
    lines.push(
      `  ${toUrl(path, staticDir).padEnd(44)} ${kb(out.bytes).padStart(10)}`,
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
    `  controller page (html+css+js): ${kb(controller)} gzipped ` +
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
