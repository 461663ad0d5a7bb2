/**
 * A real `server.ts` on a real Redis that stops and comes back: the log and
 * `/healthz` say so, new rooms are refused with "unavailable", a room held
 * here keeps relaying, and everything recovers when Redis returns.
 */
import { ignoreWithout } from "../_helpers/external_tools.ts";
import assert from "node:assert/strict";
import { startTestRedis } from "../_helpers/redis_server.ts";
import { startServerProcess, waitUntil } from "../_helpers/server_process.ts";
import { WsClient } from "../_helpers/ws_client.ts";

async function health(
  url: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/healthz`);
  return { status: response.status, body: await response.json() };
}

Deno.test({
  name:
    "server.ts on Redis: Redis down gives /healthz 503 and 'unavailable' for new rooms, a local room keeps relaying, and it recovers",
  ignore: ignoreWithout("redis-server"),
  async fn() {
    await using redis = await startTestRedis();
    await using server = await startServerProcess({
      env: {
        REDIS_URL: redis.url,
        STATIC_DIR: "tests/fixtures/static",
        SWEEP_INTERVAL_MS: "200",
        BUS_CODE_TTL_MS: "3000",
        BUS_KEEPALIVE_MS: "500",
      },
    });
    const clients: WsClient[] = [];
    const connect = async () => {
      const client = await WsClient.connect(server.url);
      clients.push(client);
      return client;
    };
    try {
      const up = await health(server.url);
      assert.equal(up.status, 200);
      assert.deepEqual(up.body.bus, { up: true });

      const host = await connect();
      host.send({ action: "createRoom" });
      const room = String((await host.nextOfType("confirmRoom")).room);
      const player = await connect();
      player.send({ action: "joinRoom", room, username: "Ann" });
      await player.nextOfType("joined");

      await redis.stop();
      const down = await waitUntil("healthz 503", async () => {
        const h = await health(server.url);
        return h.status === 503 ? h : undefined;
      });
      assert.equal(down.body.ok, false);
      const bus = down.body.bus as { up: boolean; reason: string };
      assert.equal(bus.up, false);
      assert.match(bus.reason, /Redis.*cannot be reached/);
      await waitUntil(
        "a log line",
        () => /room bus down/.test(server.output()) || undefined,
      );

      const refused = await connect();
      refused.send({ action: "createRoom" });
      const error = await refused.nextOfType("error");
      assert.equal(error.val, "unavailable");
      assert.equal(
        error.message,
        "The game service is having trouble; try again in a minute.",
      );

      // The room held here does not need Redis.
      player.send({ action: "relay", data: { t: "move", x: 1 } });
      assert.deepEqual(
        (await host.nextOfType("relay")).data,
        { t: "move", x: 1 },
      );
      host.send({ action: "relay", clientUsername: "Ann", data: "ok" });
      assert.equal((await player.nextOfType("relay")).data, "ok");

      await redis.start();
      await waitUntil(
        "healthz 200",
        async () => (await health(server.url)).status === 200 || undefined,
      );
      await waitUntil(
        "a log line",
        () => /room bus up/.test(server.output()) || undefined,
      );
      const again = await connect();
      again.send({ action: "createRoom" });
      const confirmed = await again.nextOfType("confirmRoom");
      assert.match(String(confirmed.room), /^[A-Z]{4}$/);
      assert.notEqual(confirmed.room, room);

      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /pizza_bus_up\{instance="[^"]+"\} 1/);
      assert.match(metrics, /pizza_bus_rooms_owned\{instance="[^"]+"\} 2/);
      assert.match(metrics, /pizza_errors_total\{code="unavailable"\} 1/);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await server.stop();
    }
  },
});
