/**
 * The audience across two real `server.ts` processes on one real Redis: the
 * host on A, watchers on A and B. B's watchers get every update through one
 * bus envelope per update (not one per socket), and their votes reach the
 * owner's tally.
 */
import assert from "node:assert/strict";
import { ignoreWithout } from "../_helpers/external_tools.ts";
import { startTestRedis } from "../_helpers/redis_server.ts";
import {
  type ServerProcess,
  startServerProcess,
  waitUntil,
} from "../_helpers/server_process.ts";
import { type Received, WsClient } from "../_helpers/ws_client.ts";

const ENV = {
  STATIC_DIR: "tests/fixtures/static",
  BUS_CODE_TTL_MS: "15000",
  BUS_KEEPALIVE_MS: "5000",
  JOIN_BURST_PER_ADDRESS: "100000",
  MAX_CONNECTIONS_PER_ADDRESS: "100000",
};

const PROMPT = {
  id: 1,
  about: "event",
  options: [
    "rush_hour",
    "rain",
    "road_works",
  ],
  openMs: 15_000,
};

function state(money: number) {
  return {
    phase: "playing",
    paused: false,
    money,
    timeLeftMs: 100_000,
    strikes: 0,
    maxStrikes: 3,
    delivered: 0,
    orders: [],
    event: null,
  };
}

/** A counter of an instance's `/metrics`. */
async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split("\n").find((l) =>
    l.startsWith(`${name} `) || l.startsWith(`${name}{`)
  );
  return line ? Number(line.split(" ").at(-1)) : NaN;
}

Deno.test({
  name:
    "audience on two instances: B's 100 watchers get each update in one envelope, and their votes reach the owner's tally",
  ignore: ignoreWithout("redis-server"),
  async fn() {
    await using redis = await startTestRedis();
    const servers: ServerProcess[] = await Promise.all(
      [0, 1].map(() =>
        startServerProcess({ env: { ...ENV, REDIS_URL: redis.url } })
      ),
    );
    const [A, B] = servers.map((s) => s.url);
    const clients: WsClient[] = [];
    try {
      const host = await WsClient.connect(A, "/ws");
      clients.push(host);
      host.send({ action: "createRoom" });
      const room = String((await host.nextOfType("confirmRoom", 20_000)).room);
      const watch = async (url: string, name: string) => {
        const c = await WsClient.connect(url, "/ws");
        clients.push(c);
        c.send({ action: "watchRoom", room, name });
        await c.nextOfType("watching", 20_000);
        return c;
      };
      const onA = await Promise.all(
        Array.from({ length: 20 }, (_, i) => watch(A, `A${i}`)),
      );
      const onB = await Promise.all(
        Array.from({ length: 100 }, (_, i) => watch(B, `B${i}`)),
      );
      await waitUntil("the owner to count 120 watchers", async () => {
        const t = await host.nextOfType("audienceTally", 20_000);
        return t.watching === 120 ? t : undefined;
      }, 30_000);

      // Updates: every watcher gets each; B receives one envelope per update.
      const before = await metric(B, "pizza_bus_messages_in_total");
      for (let i = 1; i <= 5; i++) {
        host.send({ action: "audienceUpdate", state: state(i) });
        await Promise.all(
          [...onA, ...onB].map((c) =>
            c.next((m: Received) =>
              m.type === "audienceUpdate" &&
              (m.state as { money: number }).money === i, 20_000)
          ),
        );
      }
      const after = await metric(B, "pizza_bus_messages_in_total");
      // Five updates (plus at most a few liveness pings of B's own channel).
      assert.ok(after - before >= 5, `${after - before} envelopes in`);
      assert.ok(after - before <= 10, `${after - before} envelopes in`);

      // Votes from both instances reach the owner's tally.
      host.send({ action: "audiencePrompt", prompt: PROMPT });
      await Promise.all(
        [...onA, ...onB].map((c) => c.nextOfType("audiencePrompt", 20_000)),
      );
      onA.forEach((c) =>
        c.send({ action: "audienceVote", promptId: 1, option: 0 })
      );
      onB.forEach((c, i) =>
        c.send({ action: "audienceVote", promptId: 1, option: i % 2 + 1 })
      );
      // A flooding watcher on B counts once.
      for (let i = 0; i < 50; i++) {
        onB[0].send({ action: "audienceVote", promptId: 1, option: 2 });
      }
      await Promise.all(onB.map((c) => c.nextOfType("voted", 20_000)));
      const t = await waitUntil("every vote in the owner's tally", async () => {
        const m = await host.nextOfType("audienceTally", 20_000);
        const counts = m.counts as number[];
        return counts.reduce((a, b) => a + b, 0) === 120 ? m : undefined;
      }, 30_000);
      assert.deepEqual(t.counts, [20, 50, 50]);

      // A watcher on B leaves: its vote no longer counts.
      await onB[1].close();
      const left = await waitUntil("the leaver's vote gone", async () => {
        const m = await host.nextOfType("audienceTally", 20_000);
        return m.watching === 119 ? m : undefined;
      }, 30_000);
      assert.deepEqual(left.counts, [20, 50, 49]);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      for (const s of servers) await s.stop();
    }
  },
});
