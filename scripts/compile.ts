/**
 * `deno task compile`: one executable with the server and `static/` inside
 * (run after `deno task build`). Only the npm packages the server's module
 * graph reaches are embedded (ioredis and valibot with their dependencies),
 * not Phaser, esbuild, puppeteer or wrtc, and the bundles without their
 * source maps. When `deno compile` cannot get its
 * `denort` runtime, this says what to do instead of Deno's raw network error,
 * and leaves no empty output folder behind.
 *
 * Usage: `deno task compile [--output dist/pizza-peers] [--target <triple>]`
 *
 * @module
 */

const ROOT = new URL("..", import.meta.url).pathname;

/** Where the executable goes unless `--output` says otherwise. */
export const DEFAULT_OUTPUT = "dist/pizza-peers";

/** The permissions the executable runs with (those of `deno task serve`). */
export const COMPILE_PERMISSIONS = [
  "--allow-net",
  "--allow-read",
  "--allow-env",
  "--allow-run=prlimit",
  "--allow-sys=networkInterfaces",
] as const;

/** Targets `deno compile --target` takes. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** What `deno info --json` says about a module graph (the parts read here). */
interface GraphInfo {
  modules: { kind?: string; npmPackage?: string }[];
  npmPackages: Record<string, { dependencies: string[] }>;
}

/**
 * The npm packages (`name@version`) a module graph reaches: those its
 * modules import and, transitively, their dependencies.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reachablePackages } from "./compile.ts";
 * const graph = {
 *   modules: [{ kind: "npm", npmPackage: "a@1" }, { kind: "esm" }],
 *   npmPackages: { "a@1": { dependencies: ["b@2"] }, "b@2": { dependencies: [] }, "c@3": { dependencies: [] } },
 * };
 * assert.deepEqual([...reachablePackages(graph)].sort(), ["a@1", "b@2"]);
 * ```
 */
export function reachablePackages(graph: GraphInfo): Set<string> {
  const seen = new Set<string>();
  const todo = graph.modules.flatMap((m) =>
    m.kind === "npm" && m.npmPackage ? [m.npmPackage] : []
  );
  while (todo.length > 0) {
    const next = todo.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    todo.push(...(graph.npmPackages[next]?.dependencies ?? []));
  }
  return seen;
}

/**
 * `--exclude` paths for everything in `node_modules/` the server does not
 * reach: each package folder of `node_modules/.deno/` (named
 * `name@version`, with `/` as `+`), each top-level link or folder, and each
 * link of the hoisted `node_modules/.deno/node_modules/`.
 */
export function unusedNodeModules(
  keep: Set<string>,
  packageDirs: string[],
  topLevel: string[],
  hoisted: string[] = [],
): string[] {
  const keptDirs = new Set([...keep].map((p) => p.replace("/", "+")));
  const keptNames = new Set(
    [...keep].map((p) => p.slice(0, p.lastIndexOf("@")).split("/")[0]),
  );
  return [
    ...packageDirs.filter((dir) => dir !== "node_modules" && !keptDirs.has(dir))
      .map((dir) => `node_modules/.deno/${dir}`),
    ...topLevel.filter((name) => name !== ".deno" && !keptNames.has(name))
      .map((name) => `node_modules/${name}`),
    ...hoisted.filter((name) => !keptNames.has(name))
      .map((name) => `node_modules/.deno/node_modules/${name}`),
  ];
}

/** What to tell a user whose `deno compile` could not get `denort`. */
export function runtimeHelp(target: string, denoError: string): string {
  const version = Deno.version.deno;
  const lines = denoError.split("\n").map((line) =>
    line.trim().replace(/^\d+: /, "")
  );
  const firstLine = lines.find((line) => NETWORK_ERROR.test(line)) ??
    lines.find((line) => /error/i.test(line)) ?? lines[0];
  return [
    `deno compile could not get its runtime (denort) for ${target}.`,
    `  Deno said: ${firstLine}`,
    "",
    `deno compile downloads denort-${target}.zip for Deno ${version} from`,
    "https://dl.deno.land the first time and keeps it in Deno's cache",
    "(DENO_DIR). Without access to that host:",
    `  1. On a machine with internet, download denort-${target}.zip from`,
    `     https://github.com/denoland/deno/releases/tag/v${version}`,
    "     and unzip it (one file, denort).",
    "  2. Run: DENORT_BIN=/path/to/denort deno task compile",
    "",
    "To build for another platform: deno task compile --target <target>, with",
    `<target> one of ${TARGETS.join(", ")};`,
    "its runtime comes the same way (DENORT_BIN must then be that platform's denort).",
  ].join("\n");
}

/** Whether Deno's error is about getting the runtime. */
export function isRuntimeDownloadError(stderr: string): boolean {
  return /dl\.deno\.land|denort|download/i.test(stderr) ||
    NETWORK_ERROR.test(stderr);
}

/** How Deno words a failed download. */
const NETWORK_ERROR =
  /error sending request|dns error|failed to lookup address|tcp connect error|connection refused|DENORT_BIN/i;

function parseArgs(args: string[]): { output: string; target?: string } {
  let output = DEFAULT_OUTPUT;
  let target: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split("=", 2);
    const value = () => inline ?? args[++i];
    if (flag === "--output" || flag === "-o") output = value();
    else if (flag === "--target") target = value();
    else throw new RangeError(`Unknown argument: ${args[i]}`);
  }
  if (!output) throw new RangeError("--output needs a path");
  if (
    target !== undefined && !(TARGETS as readonly string[]).includes(target)
  ) {
    throw new RangeError(
      `Cannot build for ${target}: the targets are ${TARGETS.join(", ")}`,
    );
  }
  return { output, target };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function names(dir: string): Promise<string[]> {
  const found: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) found.push(entry.name);
  } catch {
    // No such folder.
  }
  return found;
}

/** Runs the compile; returns the exit code. */
async function main(args: string[]): Promise<number> {
  const { output, target } = parseArgs(args);
  const triple = target ?? Deno.build.target;
  const denortBin = Deno.env.get("DENORT_BIN");
  if (denortBin && !(await exists(denortBin))) {
    console.error(
      runtimeHelp(
        triple,
        `error: DENORT_BIN names ${denortBin}, which does not exist`,
      ),
    );
    return 1;
  }
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "server.ts"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!info.success) return info.code || 1;
  const graph = JSON.parse(new TextDecoder().decode(info.stdout)) as GraphInfo;
  const excludes = unusedNodeModules(
    reachablePackages(graph),
    await names(`${ROOT}node_modules/.deno`),
    await names(`${ROOT}node_modules`),
    await names(`${ROOT}node_modules/.deno/node_modules`),
  );
  const outputPath = output.startsWith("/") ? output : `${ROOT}${output}`;
  const folder = outputPath.slice(0, outputPath.lastIndexOf("/")) || "/";
  const folderExisted = await exists(folder);
  const compile = await new Deno.Command(Deno.execPath(), {
    args: [
      "compile",
      ...COMPILE_PERMISSIONS,
      "--include",
      "static",
      ...excludes.flatMap((path) => ["--exclude", path]),
      // Source maps help a developer, not a party: 13 MB left out.
      ...(await names(`${ROOT}static/build`)).filter((n) => n.endsWith(".map"))
        .flatMap((name) => ["--exclude", `static/build/${name}`]),
      ...(target ? ["--target", target] : []),
      "--output",
      outputPath,
      "server.ts",
    ],
    cwd: ROOT,
    stdout: "inherit",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(compile.stderr);
  if (compile.success) {
    await Deno.stderr.write(compile.stderr);
    return 0;
  }
  if (!folderExisted && (await names(folder)).length === 0) {
    await Deno.remove(folder).catch(() => {});
  }
  console.error(
    isRuntimeDownloadError(stderr) ? runtimeHelp(triple, stderr) : stderr,
  );
  return compile.code || 1;
}

if (import.meta.main) {
  try {
    Deno.exitCode = await main(Deno.args);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    console.error(error.message);
    Deno.exitCode = 2;
  }
}
