/**
 * The entry point as a user runs it: a real `server.ts` process with the
 * task's narrow permissions, stopped by a signal, and serving HTTPS.
 */
import assert from "node:assert/strict";
import { WsClient } from "./_helpers/ws_client.ts";
import { type ChildServer, spawnChildServer } from "./server/_child_server.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const PERMISSIONS = [
  "--allow-net",
  "--allow-read=.",
  "--allow-env",
  "--allow-sys=networkInterfaces",
];

/** Starts server.ts as `deno task serve` would, on a free port. */
function spawnServer(env: Record<string, string> = {}): Promise<ChildServer> {
  return spawnChildServer({ env, permissions: PERMISSIONS });
}

Deno.test("server.ts stops cleanly on SIGTERM: players are told and sockets get a close frame", async () => {
  const server = await spawnServer();
  const host = await WsClient.connect(server.url);
  const player = await WsClient.connect(server.url);
  try {
    host.send({ action: "createRoom" });
    const room = String((await host.nextOfType("confirmRoom")).room);
    player.send({ action: "joinRoom", room, username: "Ann" });
    await player.nextOfType("joined");

    const stopped = server.stop("SIGTERM");
    const closed = await player.nextOfType("roomClosed");
    assert.equal(closed.reason, "server shutdown");
    assert.equal((await player.closed).code, 1001);
    assert.equal((await host.closed).code, 1001);
    const { code, stdout, stderr } = await stopped;
    assert.equal(code, 0);
    assert.match(stdout, /room created/);
    assert.match(stdout, /player joined/);
    assert.match(stdout, /SIGTERM/);
    assert.equal(stderr, "");
  } finally {
    await host.close();
    await player.close();
    await server.stop("SIGKILL");
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
    const server = await spawnServer({
      TLS_CERT: `${dir}/cert.pem`,
      TLS_KEY: `${dir}/key.pem`,
    });
    const client = Deno.createHttpClient({
      caCerts: [await Deno.readTextFile(`${dir}/ca.pem`)],
    });
    try {
      const response = await fetch(`https://127.0.0.1:${server.port}/healthz`, {
        client,
      });
      assert.equal(response.status, 200);
      assert.equal((await response.json()).ok, true);
    } finally {
      client.close();
      assert.equal((await server.stop()).code, 0);
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
  const server = await spawnServer({
    STATIC_DIR: "test-output/no-such-folder",
  });
  try {
    const health = await fetch(`${server.url}/healthz`);
    assert.equal((await health.json()).ok, true);
    const page = await fetch(`${server.url}/`);
    assert.equal(page.status, 404);
    await page.body?.cancel();
  } finally {
    const { code, stderr } = await server.stop();
    assert.equal(code, 0);
    assert.match(stderr, /deno task build/);
  }
});
