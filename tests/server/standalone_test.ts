/**
 * The server started from a folder that has no static files: it finds them
 * next to its own module (as a `deno compile` binary does, whose files are
 * inside it); and the compiled binary itself, when `deno compile` can run
 * here.
 */
import assert from "node:assert/strict";
import { startServerProcess } from "../_helpers/server_process.ts";
import { ignoreWithout, PERMITTED_IGNORE } from "../_helpers/external_tools.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/** Whether `path` exists. */
function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

async function page(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}

Deno.test("server.ts run from an empty folder serves the static files beside its module", async () => {
  const empty = await Deno.makeTempDir({ prefix: "pizza-empty-" });
  try {
    await using server = await startServerProcess({
      cwd: empty,
      env: { STATIC_DIR: "tests/fixtures/static" },
    });
    const home = await page(`${server.url}/`);
    assert.equal(home.status, 200);
    assert.match(home.text, /Static fixture for integration tests/);
    assert.deepEqual([...Deno.readDirSync(empty)], []);
    await server.stop();
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test({
  name:
    "server.ts run from an empty folder with STATIC_DIR unset serves the built game",
  // Needs `deno task build` (static/ is generated).
  ignore: !exists(`${ROOT}static/index.html`),
  async fn() {
    const empty = await Deno.makeTempDir({ prefix: "pizza-empty-" });
    try {
      await using server = await startServerProcess({ cwd: empty });
      const host = await page(`${server.url}/`);
      assert.equal(host.status, 200);
      assert.match(host.text, /<html/i);
      assert.equal((await page(`${server.url}/play/`)).status, 200);
      await server.stop();
    } finally {
      await Deno.remove(empty, { recursive: true });
    }
  },
});

Deno.test({
  name: PERMITTED_IGNORE,
  // deno compile downloads `denort` unless DENORT_BIN names a local copy.
  ignore: ignoreWithout("denort") || !exists(`${ROOT}static/index.html`),
  async fn() {
    const work = await Deno.makeTempDir({ prefix: "pizza-binary-" });
    try {
      const output = `${work}/pizza-peers`;
      const compile = await new Deno.Command(Deno.execPath(), {
        args: [
          "compile",
          "--allow-net",
          "--allow-read",
          "--allow-env",
          "--allow-run=prlimit",
          "--allow-sys=networkInterfaces",
          "--include",
          "static",
          "--output",
          output,
          "server.ts",
        ],
        cwd: ROOT,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(
        compile.success,
        new TextDecoder().decode(compile.stderr),
      );
      const empty = `${work}/run`;
      await Deno.mkdir(empty);
      await using server = await startServerProcess({
        cwd: empty,
        command: [output],
      });
      const host = await page(`${server.url}/`);
      assert.equal(host.status, 200);
      assert.match(host.text, /<html/i);
      assert.equal((await page(`${server.url}/play/`)).status, 200);
      await server.stop();
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  },
});
