/**
 * `deno task compile` (scripts/compile.ts): what it leaves out of the
 * binary, and what it says when `deno compile` cannot get its runtime.
 */
import assert from "node:assert/strict";
import {
  isRuntimeDownloadError,
  reachablePackages,
  runtimeHelp,
  TARGETS,
  unusedNodeModules,
} from "../../scripts/compile.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

Deno.test("reachablePackages() follows the graph's npm imports through their dependencies only", () => {
  const graph = {
    modules: [
      { kind: "npm", npmPackage: "ioredis@5.9.3" },
      { kind: "npm", npmPackage: "valibot@1.5.0" },
      { kind: "esm" },
    ],
    npmPackages: {
      "ioredis@5.9.3": {
        dependencies: ["debug@4.4.3", "@ioredis/commands@1.5.0"],
      },
      "debug@4.4.3": { dependencies: ["ms@2.1.3"] },
      "ms@2.1.3": { dependencies: [] },
      "@ioredis/commands@1.5.0": { dependencies: [] },
      "valibot@1.5.0": { dependencies: [] },
      "phaser@4.2.1": { dependencies: ["eventemitter3@5.0.4"] },
      "eventemitter3@5.0.4": { dependencies: [] },
    },
  };
  assert.deepEqual([...reachablePackages(graph)].sort(), [
    "@ioredis/commands@1.5.0",
    "debug@4.4.3",
    "ioredis@5.9.3",
    "ms@2.1.3",
    "valibot@1.5.0",
  ]);
});

Deno.test("unusedNodeModules() excludes every package folder and link the server does not reach", () => {
  const keep = new Set(["ioredis@5.9.3", "@ioredis/commands@1.5.0"]);
  assert.deepEqual(
    unusedNodeModules(
      keep,
      [
        "ioredis@5.9.3",
        "@ioredis+commands@1.5.0",
        "phaser@4.2.1",
        "node_modules",
      ],
      [".deno", ".bin", "ioredis", "phaser", "@types"],
      ["@ioredis", "ioredis", "esbuild"],
    ),
    [
      "node_modules/.deno/phaser@4.2.1",
      "node_modules/.bin",
      "node_modules/phaser",
      "node_modules/@types",
      "node_modules/.deno/node_modules/esbuild",
    ],
  );
});

Deno.test("runtimeHelp() names DENORT_BIN, where denort comes from, and --target", () => {
  const said = [
    "error: Writing deno compile executable to temporary file 'dist/x.tmp'",
    "Caused by:",
    "    0: Setting up base binary.",
    "    1: error sending request for url (https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip): client error (Connect): dns error",
  ].join("\n");
  assert.equal(isRuntimeDownloadError(said), true);
  assert.equal(isRuntimeDownloadError("error: Module not found"), false);
  const help = runtimeHelp("x86_64-unknown-linux-gnu", said);
  assert.match(help, /Deno said: error sending request for url/);
  assert.match(help, /DENORT_BIN=\/path\/to\/denort deno task compile/);
  assert.match(
    help,
    new RegExp(`github\\.com/denoland/deno/releases/tag/v${Deno.version.deno}`),
  );
  assert.match(help, /denort-x86_64-unknown-linux-gnu\.zip/);
  for (const target of TARGETS) assert.ok(help.includes(target), target);
});

/**
 * A Deno cache without the runtime: Deno's own npm cache linked in, no
 * `dl/` folder, and a proxy that refuses every download.
 */
async function cacheWithoutRuntime(
  dir: string,
): Promise<Record<string, string>> {
  const real = Deno.env.get("DENO_DIR") ??
    `${Deno.env.get("HOME") ?? "/root"}/.cache/deno`;
  await Deno.mkdir(dir, { recursive: true });
  try {
    await Deno.symlink(`${real}/npm`, `${dir}/npm`);
  } catch {
    // No npm cache: node_modules is enough.
  }
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? "/root",
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1",
    DENO_DIR: dir,
    HTTPS_PROXY: `http://127.0.0.1:${port}`,
    HTTP_PROXY: `http://127.0.0.1:${port}`,
  };
}

Deno.test("deno task compile without its runtime says what to do, not Deno's raw error, and leaves no empty output folder", async () => {
  const work = await Deno.makeTempDir({ prefix: "pizza-compile-" });
  try {
    const env = await cacheWithoutRuntime(`${work}/deno-dir`);
    const output = `${work}/dist/pizza-peers`;
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["task", "compile", "--output", output],
      cwd: ROOT,
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const said = new TextDecoder().decode(run.stderr);
    assert.equal(run.success, false, said);
    assert.match(said, /could not get its runtime \(denort\)/);
    assert.match(said, /DENORT_BIN=\/path\/to\/denort deno task compile/);
    assert.match(said, /deno task compile --target <target>/);
    assert.doesNotMatch(said, /Stack backtrace|Caused by/);
    assert.equal(
      [...Deno.readDirSync(work)].some((e) => e.name === "dist"),
      false,
      "an empty dist/ was left behind",
    );
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("deno task compile with DENORT_BIN naming no file says so before compiling", async () => {
  const work = await Deno.makeTempDir({ prefix: "pizza-compile-" });
  try {
    const run = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        "scripts/compile.ts",
        "--output",
        `${work}/dist/pizza-peers`,
      ],
      cwd: ROOT,
      env: { DENORT_BIN: `${work}/no-such-denort`, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const said = new TextDecoder().decode(run.stderr);
    assert.equal(run.success, false);
    assert.match(
      said,
      /DENORT_BIN names .*no-such-denort, which does not exist/,
    );
    assert.deepEqual([...Deno.readDirSync(work)], []);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});
