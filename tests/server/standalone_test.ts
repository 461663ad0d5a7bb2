/**
 * The server started from a folder that has no static files: it finds them
 * next to its own module (as a `deno compile` binary does, whose files are
 * inside it); it serves a fresh production build a browser plays through;
 * and the binary `deno task compile` makes, when its runtime is here.
 */
import assert from "node:assert/strict";
import { startServerProcess } from "../_helpers/server_process.ts";
import { ignoreWithout, PERMITTED_IGNORE } from "../_helpers/external_tools.ts";
import { buildSite, stopBuilder } from "../../scripts/build.ts";
import { launchChromium } from "../e2e/chromium.ts";
import { joinThroughPages } from "../e2e/dom_join.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

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

Deno.test("server.ts run from an empty folder serves a fresh production build: /build/host.js and /build/controller.js are the build's own, and a browser joins a game", async (t) => {
  const work = await Deno.makeTempDir({ prefix: "pizza-built-" });
  try {
    const site = `${work}/site`;
    let manifest;
    try {
      manifest = await buildSite(site);
    } finally {
      await stopBuilder();
    }
    // The folder holds the committed pages and only what the build made.
    const built = [...Deno.readDirSync(`${site}/build`)].map((e) => e.name);
    assert.deepEqual(built.sort(), [...manifest.files, "manifest.json"].sort());
    assert.equal(manifest.testHooks, false);
    const empty = `${work}/run`;
    await Deno.mkdir(empty);
    await using server = await startServerProcess({
      cwd: empty,
      env: { STATIC_DIR: site },
    });
    for (const file of ["host.js", "controller.js"]) {
      const response = await fetch(`${server.url}/build/${file}`);
      assert.equal(response.status, 200, file);
      assert.match(response.headers.get("content-type") ?? "", /javascript/);
      const served = new Uint8Array(await response.arrayBuffer());
      assert.deepEqual(served, await Deno.readFile(`${site}/build/${file}`));
    }
    const host = await page(`${server.url}/`);
    assert.equal(host.status, 200);
    assert.match(host.text, /build\/host\.js/);
    const play = await page(`${server.url}/play/`);
    assert.match(play.text, /build\/controller\.js/);
    await t.step({
      name: "a browser creates a game and a phone joins it",
      ignore: ignoreWithout("chromium"),
      async fn() {
        const browser = await launchChromium();
        try {
          const { host } = await joinThroughPages(browser.browser, server.url);
          assert.equal(
            (await host.$$("#players li.player")).length,
            1,
          );
        } finally {
          await browser.close();
        }
      },
    });
    assert.deepEqual([...Deno.readDirSync(empty)], []);
    await server.stop();
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test({
  name: PERMITTED_IGNORE,
  // deno compile needs its runtime: DENORT_BIN, a cached copy, or a download.
  ignore: ignoreWithout("denort"),
  async fn() {
    const work = await Deno.makeTempDir({ prefix: "pizza-binary-" });
    try {
      const output = `${work}/pizza-peers`;
      const compile = await new Deno.Command(Deno.execPath(), {
        args: ["task", "compile", "--output", output],
        cwd: ROOT,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const said = new TextDecoder().decode(compile.stderr);
      assert.ok(compile.success, said);
      // Only what the server needs is inside (deno compile's own report).
      assert.match(said, /Embedded Files/);
      assert.doesNotMatch(said, /phaser|esbuild|puppeteer|wrtc/);
      const empty = `${work}/run`;
      await Deno.mkdir(empty);
      await using server = await startServerProcess({
        cwd: empty,
        command: [output],
      });
      for (const file of ["host.js", "controller.js"]) {
        const response = await fetch(`${server.url}/build/${file}`);
        assert.equal(response.status, 200, file);
        assert.deepEqual(
          new Uint8Array(await response.arrayBuffer()),
          await Deno.readFile(`${ROOT}static/build/${file}`),
        );
      }
      const browser = await launchChromium();
      try {
        await joinThroughPages(browser.browser, server.url);
      } finally {
        await browser.close();
      }
      assert.deepEqual([...Deno.readDirSync(empty)], []);
      await server.stop();
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  },
});
