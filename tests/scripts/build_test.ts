import assert from "node:assert/strict";
import {
  build,
  CONTROLLER_GZIP_LIMIT_BYTES,
  stopBuilder,
} from "../../scripts/build.ts";

Deno.test("build() writes hashed bundles, pages that load them, and a controller under 60 KB gzipped", async () => {
  const staticDir = await Deno.makeTempDir({ prefix: "pizza-build-" });
  try {
    const manifest = await build({ staticDir, log: false });
    const { host, controller } = manifest.entries;
    assert.match(host.js, /^\/build\/host-[A-Z0-9]+\.js$/);
    assert.match(controller.js, /^\/build\/controller-[A-Z0-9]+\.js$/);
    assert.ok(controller.css);
    const hostHtml = await Deno.readTextFile(`${staticDir}/index.html`);
    const phoneHtml = await Deno.readTextFile(`${staticDir}/play/index.html`);
    assert.ok(hostHtml.includes(`src="${host.js}"`));
    assert.ok(phoneHtml.includes(`src="${controller.js}"`));
    assert.ok(phoneHtml.includes(`href="${controller.css}"`));
    assert.ok(!hostHtml.includes("<!--build:"));
    await Deno.stat(`${staticDir}${controller.js}.map`);
    const phoneJs = await Deno.readTextFile(`${staticDir}${controller.js}`);
    assert.ok(
      !/phaser/i.test(phoneJs.slice(0, 200_000)),
      "the controller must not bundle Phaser",
    );
    assert.ok(
      manifest.gzipBytes.controller < CONTROLLER_GZIP_LIMIT_BYTES,
      `controller is ${manifest.gzipBytes.controller} bytes gzipped`,
    );
  } finally {
    await stopBuilder();
    await Deno.remove(staticDir, { recursive: true });
  }
});
