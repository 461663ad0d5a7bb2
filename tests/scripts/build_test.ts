import assert from "node:assert/strict";
import {
  build,
  CONTROLLER_GZIP_LIMIT_BYTES,
  isBuildCurrent,
  PAGES,
  STATIC_DIR,
  stopBuilder,
} from "../../scripts/build.ts";

/** Names of the debug handles only test builds may publish. */
const TEST_HANDLES = ["pizzaHost", "pizzaPhone", "pizzaGame"];

async function withOutDir(
  run: (outDir: string) => Promise<void>,
): Promise<void> {
  const outDir = await Deno.makeTempDir({ prefix: "pizza-build-" });
  try {
    await run(outDir);
  } finally {
    await stopBuilder();
    await Deno.remove(outDir, { recursive: true });
  }
}

Deno.test("build() writes stable bundle names that the committed pages load, and a phone page (controller and audience: one page) under 60 KB gzipped", async () => {
  await withOutDir(async (outDir) => {
    const manifest = await build({ outDir, log: false });
    for (const spec of PAGES) {
      const page = await Deno.readTextFile(`${STATIC_DIR}${spec.page}`);
      assert.ok(page.includes(`src="/build/${spec.entry}.js"`), spec.page);
      assert.ok(page.includes(`href="/build/${spec.entry}.css"`), spec.page);
      assert.ok(manifest.files.includes(`${spec.entry}.js`));
      assert.ok(manifest.files.includes(`${spec.entry}.css`));
      await Deno.stat(`${outDir}/${spec.entry}.js.map`);
    }
    const phoneJs = await Deno.readTextFile(`${outDir}/controller.js`);
    assert.ok(
      !/phaser/i.test(phoneJs),
      "the controller must not bundle Phaser",
    );
    assert.ok(
      manifest.gzipBytes.controller < CONTROLLER_GZIP_LIMIT_BYTES,
      `controller is ${manifest.gzipBytes.controller} bytes gzipped`,
    );
    assert.equal(await isBuildCurrent(outDir), true);
  });
});

Deno.test("build() keeps the test-only debug handles out of production bundles", async () => {
  await withOutDir(async (outDir) => {
    await build({ outDir, log: false });
    for (const name of ["host.js", "controller.js"]) {
      const js = await Deno.readTextFile(`${outDir}/${name}`);
      for (const handle of TEST_HANDLES) {
        assert.ok(!js.includes(handle), `${name} contains ${handle}`);
      }
      assert.ok(!js.includes("EventSource"), `${name} has live reload`);
    }
  });
});

Deno.test("build({ testHooks: true }) publishes the debug handles, and is not a current production build", async () => {
  await withOutDir(async (outDir) => {
    const manifest = await build({ outDir, log: false, testHooks: true });
    assert.equal(manifest.testHooks, true);
    const host = await Deno.readTextFile(`${outDir}/host.js`);
    const phone = await Deno.readTextFile(`${outDir}/controller.js`);
    assert.ok(host.includes("pizzaHost") && host.includes("pizzaGame"));
    assert.ok(phone.includes("pizzaPhone"));
    assert.equal(await isBuildCurrent(outDir), false);
  });
});

Deno.test("build({ liveReloadPort }) opens the reload stream from the bundles, leaving the pages alone", async () => {
  await withOutDir(async (outDir) => {
    const before = await Deno.readTextFile(`${STATIC_DIR}index.html`);
    const manifest = await build({ outDir, log: false, liveReloadPort: 4321 });
    assert.equal(manifest.dev, true);
    const host = await Deno.readTextFile(`${outDir}/host.js`);
    assert.ok(host.includes(":4321/reload"));
    assert.equal(await Deno.readTextFile(`${STATIC_DIR}index.html`), before);
    assert.equal(await isBuildCurrent(outDir), false);
  });
});

Deno.test("the committed pages link the favicon and a web manifest whose icons exist", async () => {
  for (const spec of PAGES) {
    const page = await Deno.readTextFile(`${STATIC_DIR}${spec.page}`);
    assert.ok(page.includes('href="/manifest.webmanifest"'), spec.page);
    assert.ok(page.includes('href="/favicon.svg"'), spec.page);
  }
  const manifest = JSON.parse(
    await Deno.readTextFile(`${STATIC_DIR}manifest.webmanifest`),
  ) as { icons: { src: string; sizes: string }[]; start_url: string };
  assert.equal(manifest.start_url, "/play/");
  assert.ok(manifest.icons.some((icon) => icon.sizes === "512x512"));
  for (const icon of manifest.icons) {
    await Deno.stat(`${STATIC_DIR}${icon.src.slice(1)}`);
  }
  await Deno.stat(`${STATIC_DIR}favicon.ico`);
});
