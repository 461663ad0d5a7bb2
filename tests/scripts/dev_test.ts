import assert from "node:assert/strict";
import { isClientPath, isPagePath, isServerPath } from "../../scripts/dev.ts";

/** How long Ctrl-C may take to stop `deno task dev`, in ms. */
const STOP_BOUND_MS = 5_000;
/** How long the dev loop may take to build and start, in ms (busy machine). */
const START_BOUND_MS = 120_000;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Reads `stream` until its text contains `marker`; returns everything read. */
async function readUntil(
  reader: ReadableStreamDefaultReader<string>,
  marker: string,
  seen: { text: string },
): Promise<void> {
  while (!seen.text.includes(marker)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before "${marker}": ${seen.text}`);
    seen.text += value;
  }
}

Deno.test("dev.ts sorts changed paths into rebuild, restart and reload", () => {
  assert.equal(isClientPath("/r/src/client/host/main.ts"), true);
  assert.equal(isClientPath("/r/static/css/base.css"), true);
  assert.equal(isClientPath("/r/src/server/config.ts"), false);
  assert.equal(isServerPath("/r/src/server/config.ts"), true);
  assert.equal(isServerPath("/r/server.ts"), true);
  assert.equal(isPagePath("/r/static/play/index.html"), true);
  assert.equal(isPagePath("/r/static/build/host.js"), false);
  assert.equal(isPagePath("/r/static/css/host.css"), false);
});

Deno.test("deno task dev stops within 5 s of Ctrl-C while a page holds its live-reload stream open", async () => {
  const port = freePort();
  const reloadPort = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read=.",
      "--allow-write=static",
      "--allow-env",
      "--allow-run",
      "--allow-net",
      "--allow-sys=networkInterfaces",
      "scripts/dev.ts",
    ],
    cwd: new URL("../../", import.meta.url).pathname,
    env: {
      PORT: String(port),
      BIND_ADDRESS: "127.0.0.1",
      LIVE_RELOAD_PORT: String(reloadPort),
      NO_COLOR: "1",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const stderrDone = (async () => {
    let text = "";
    while (true) {
      const { value, done } = await stderr.read();
      if (done) return text;
      text += value;
    }
  })();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const seen = { text: "" };
  let stream: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    let startTimer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      readUntil(stdout, "dev: watching", seen),
      new Promise((_, reject) => {
        startTimer = setTimeout(
          () => reject(new Error(`dev did not start: ${seen.text}`)),
          START_BOUND_MS,
        );
      }),
    ]).finally(() => clearTimeout(startTimer));
    // A page: its event stream (what the dev bundle opens) and the page itself.
    const events = await fetch(`http://127.0.0.1:${reloadPort}/reload`);
    stream = events.body!.getReader();
    const first = new TextDecoder().decode((await stream.read()).value);
    assert.match(first, /connected/);
    const page = await fetch(`http://127.0.0.1:${port}/play/`);
    assert.equal(page.status, 200);
    await page.body?.cancel();

    const sentAt = performance.now();
    child.kill("SIGINT");
    let stopTimer: ReturnType<typeof setTimeout> | undefined;
    const status = await Promise.race([
      child.status,
      new Promise<"late">((resolve) => {
        stopTimer = setTimeout(() => resolve("late"), STOP_BOUND_MS);
      }),
    ]).finally(() => clearTimeout(stopTimer));
    assert.notEqual(status, "late", "dev still running 5 s after Ctrl-C");
    assert.ok(performance.now() - sentAt < STOP_BOUND_MS);
    // The stream the page held was ended by the dev loop, not left hanging.
    assert.equal((await stream.read()).done, true);
    // The server child went with it: nothing listens on its port any more.
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    await child.status;
    await stream?.cancel().catch(() => {});
    await stdout.cancel().catch(() => {});
    await stderrDone;
  }
});
