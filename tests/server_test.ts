/**
 * The entry point as a user runs it: a real `server.ts` process with the
 * task's narrow permissions, stopped by a signal, and serving HTTPS.
 */
import assert from "node:assert/strict";
import { WsClient } from "./_helpers/ws_client.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const PERMISSIONS = [
  "--allow-net",
  "--allow-read=.",
  "--allow-env",
  "--allow-sys=networkInterfaces",
];

/** Starts server.ts on a free port and waits for its "running" lines. */
async function spawnServer(env: Record<string, string> = {}) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, "server.ts"],
    cwd: ROOT,
    env: {
      PORT: "0",
      BIND_ADDRESS: "127.0.0.1",
      STATIC_DIR: "tests/fixtures/static",
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  let port = 0;
  const deadline = Date.now() + 20_000;
  while (!port && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    output += value;
    port = Number(
      output.match(/On this computer: https?:\/\/localhost:(\d+)\//)?.[1] ?? 0,
    );
  }
  assert.ok(port > 0, `server did not start: ${output}`);
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return output;
      output += value;
    }
  })();
  const stderr = new Response(child.stderr).text();
  return { child, port, output: () => rest, stderr };
}

Deno.test("server.ts stops cleanly on SIGTERM: players are told and sockets get a close frame", async () => {
  const { child, port, output, stderr } = await spawnServer();
  const url = `http://127.0.0.1:${port}`;
  const host = await WsClient.connect(url);
  const player = await WsClient.connect(url);
  try {
    host.send({ action: "createRoom" });
    const room = String((await host.nextOfType("confirmRoom")).room);
    player.send({ action: "joinRoom", room, username: "Ann" });
    await player.nextOfType("joined");

    child.kill("SIGTERM");
    const closed = await player.nextOfType("roomClosed");
    assert.equal(closed.reason, "server shutdown");
    assert.equal((await player.closed).code, 1001);
    assert.equal((await host.closed).code, 1001);
    const status = await child.status;
    assert.equal(status.code, 0);
    const log = await output();
    assert.match(log, /room created/);
    assert.match(log, /player joined/);
    assert.match(log, /SIGTERM/);
    assert.equal(await stderr, "");
  } finally {
    await host.close();
    await player.close();
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
  }
});

Deno.test("server.ts serves HTTPS with TLS_CERT and TLS_KEY", async () => {
  // Inside the project: the task only grants --allow-read=.
  await Deno.mkdir(`${ROOT}test-output`, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: `${ROOT}test-output` });
  try {
    // A throwaway CA, and a certificate for 127.0.0.1 signed by it.
    await Deno.writeTextFile(
      `${dir}/ext.cnf`,
      "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    );
    const steps = [
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=Test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
      ],
      [
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "key.pem",
        "-out",
        "csr.pem",
      ],
      [
        "x509",
        "-req",
        "-in",
        "csr.pem",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        "ext.cnf",
        "-out",
        "cert.pem",
      ],
    ];
    for (const args of steps) {
      const result = await new Deno.Command("openssl", {
        args,
        cwd: dir,
        stdout: "null",
        stderr: "null",
      }).output();
      assert.ok(result.success, `openssl ${args[0]} failed`);
    }
    const { child, port } = await spawnServer({
      TLS_CERT: `${dir}/cert.pem`,
      TLS_KEY: `${dir}/key.pem`,
    });
    const client = Deno.createHttpClient({
      caCerts: [await Deno.readTextFile(`${dir}/ca.pem`)],
    });
    try {
      const response = await fetch(`https://127.0.0.1:${port}/healthz`, {
        client,
      });
      assert.equal(response.status, 200);
      assert.equal((await response.json()).ok, true);
    } finally {
      client.close();
      child.kill("SIGTERM");
      assert.equal((await child.status).code, 0);
      await child.stdout.cancel().catch(() => {});
      await child.stderr.cancel().catch(() => {});
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("server.ts refuses a bad setting at start with a message naming it", async () => {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, "server.ts"],
    cwd: ROOT,
    env: { PORT: "lots" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(result.success, false);
  assert.match(new TextDecoder().decode(result.stderr), /PORT/);
});

Deno.test("server.ts runs without built pages and says how to build them", async () => {
  const { child, port, stderr } = await spawnServer({
    STATIC_DIR: "test-output/no-such-folder",
  });
  try {
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal((await health.json()).ok, true);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(page.status, 404);
    await page.body?.cancel();
  } finally {
    child.kill("SIGTERM");
    assert.equal((await child.status).code, 0);
    assert.match(await stderr, /deno task build/);
    await child.stdout.cancel().catch(() => {});
  }
});
