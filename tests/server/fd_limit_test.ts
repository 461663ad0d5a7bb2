/**
 * The process survives running out of file descriptors: a child server
 * under `ulimit -n 256` is flooded with idle TCP connections from one
 * address past its limit, then the flood closes, and it serves again.
 */
import assert from "node:assert/strict";
import { spawnChildServer } from "./_child_server.ts";
import { WsClient } from "../_helpers/ws_client.ts";

/** Retries `fn` until it succeeds or `ms` pass (the server is relistening). */
async function eventually<T>(fn: () => Promise<T>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

Deno.test("server.ts under ulimit -n 256 survives a flood of 400 idle connections and serves again", async () => {
  const server = await spawnChildServer({ ulimit: "-n 256" });
  // A game in progress before the flood.
  const before = await WsClient.connect(server.url);
  before.send({ action: "createRoom" });
  const room = String((await before.nextOfType("confirmRoom")).room);
  const flood: Deno.TcpConn[] = [];
  let refused = 0;
  try {
    for (let i = 0; i < 400; i++) {
      try {
        flood.push(
          await Deno.connect({ hostname: "127.0.0.1", port: server.port }),
        );
      } catch {
        refused++; // The listener closed: the descriptors ran out.
      }
    }
    assert.ok(flood.length > 200, `only ${flood.length} connections opened`);
  } finally {
    for (const conn of flood) conn.close();
  }
  // Once the flood is gone the server answers again, rooms and all.
  const floodClosedAt = Date.now();
  const health = await eventually(async () => {
    const response = await fetch(`${server.url}/healthz`);
    return await response.json();
  }, 20_000);
  assert.equal(health.ok, true);
  // The game from before is still there, its host still connected.
  assert.equal(health.rooms, 1, room);
  before.send({ action: "ping", id: 7 });
  assert.equal((await before.nextOfType("pong", 10_000)).id, 7);
  await before.close();
  const recoveredMs = Date.now() - floodClosedAt;
  const host = await eventually(() => WsClient.connect(server.url), 20_000);
  try {
    host.send({ action: "createRoom" });
    const confirm = await host.nextOfType("confirmRoom", 10_000);
    assert.match(String(confirm.room), /^[A-Z]{4}$/);
  } finally {
    await host.close();
  }
  const { stdout, stderr } = await server.stop();
  assert.doesNotMatch(stderr, /Uncaught/);
  assert.match(stdout, /listener failed|listening again/);
  assert.match(stdout, /Open-file limit 256/);
  console.log(
    `flood: ${flood.length} connections opened, ${refused} refused; ` +
      `serving again ${recoveredMs} ms after the flood closed`,
  );
});

Deno.test("server.ts runs at the hard open-file limit when started with a low soft one", async () => {
  // Deno itself raises the soft limit to the hard one at start; prlimit is
  // the server's fallback where that did not happen.
  const server = await spawnChildServer({ ulimit: "-S -n 256" });
  const { stdout } = await server.stop();
  const hard = Number(
    new TextDecoder().decode(
      (await new Deno.Command("bash", { args: ["-c", "ulimit -H -n"] })
        .output()).stdout,
    ).trim(),
  );
  const limit = Number(stdout.match(/Open-file limit (\d+)/)?.[1]);
  if (Number.isFinite(hard)) assert.equal(limit, hard);
  assert.ok(limit > 256, stdout);
  assert.match(stdout, /at most \d+ connections/);
});

Deno.test("server.ts with DENO_SERVE_ADDRESS ends when its listener fails (the platform restarts it) instead of listening again", async () => {
  const server = await spawnChildServer({
    ulimit: "-n 256",
    env: { DENO_SERVE_ADDRESS: "tcp:127.0.0.1:0" },
  });
  const flood: Deno.TcpConn[] = [];
  try {
    for (let i = 0; i < 400; i++) {
      try {
        flood.push(
          await Deno.connect({ hostname: "127.0.0.1", port: server.port }),
        );
      } catch {
        break; // The listener closed: the descriptors ran out.
      }
    }
  } finally {
    for (const conn of flood) conn.close();
  }
  // SIGCONT changes nothing for a running process: it must end by itself
  // (or be killed after a while, and the test fails on its exit code).
  let timer: ReturnType<typeof setTimeout> | undefined;
  const { stdout, stderr, code } = await Promise.race([
    server.stop("SIGCONT"),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("still running")), 20_000);
    }),
  ]).catch(async (error) => {
    const result = await server.stop("SIGKILL");
    throw new Error(`${error}: ${result.stdout}`);
  }).finally(() => clearTimeout(timer));
  assert.equal(code, 1, stdout + stderr);
  assert.match(stderr, /ending so the platform restarts this process/);
  assert.doesNotMatch(stdout, /listening again/);
});
