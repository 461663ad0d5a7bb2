/**
 * A household evening through real sockets, all from one address
 * (198.51.100.50, given through `X-Forwarded-For` to a server that trusts
 * 127.0.0.1 as its proxy): a host and 12 phones play 4 games, with two
 * mistyped codes per game, a Wi-Fi blip where every phone rejoins with its
 * token, the host's laptop dying and the room closing after the grace
 * period, every phone then reloading its old link once, and the next game
 * on a new code. Every real join succeeds first time; nothing is `rate
 * limited`. On one instance (a fake clock spreads the evening over hours)
 * and on three `server.ts` processes sharing one Redis (black-box).
 */
import assert from "node:assert/strict";
import { ignoreWithout } from "../_helpers/external_tools.ts";
import { startServer } from "../../src/server/app_server.ts";
import { loadConfig } from "../../src/server/config.ts";
import { type Received, WsClient } from "../_helpers/ws_client.ts";
import { startTestRedis } from "../_helpers/redis_server.ts";
import {
  type ServerProcess,
  startServerProcess,
} from "../_helpers/server_process.ts";

const HOME = { "X-Forwarded-For": "198.51.100.50" };
const OFFER = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" };
const WAIT_MS = 20_000;
const PHONES = 12;
const MINUTE = 60_000;

/** What the evening saw, for the assertions and the log line. */
interface Evening {
  joins: number;
  typos: number;
  reloads: number;
  blipRejoins: number;
}

/**
 * Plays the evening. Phones connect to `urls` in turn (the host to the
 * first); `pass(ms)` lets that much of the evening go by.
 */
async function playEvening(
  urls: string[],
  pass: (ms: number) => Promise<void>,
): Promise<Evening> {
  const seen: Evening = { joins: 0, typos: 0, reloads: 0, blipRejoins: 0 };
  const open = new Set<WsClient>();
  const connect = async (url: string) => {
    const client = await WsClient.connect(url, "/", HOME);
    open.add(client);
    return client;
  };
  const ask = async (
    client: WsClient,
    room: string,
    name: string,
    token?: string,
  ): Promise<Received> => {
    client.send({
      action: "joinRoom",
      room,
      username: name,
      offer: OFFER,
      keepsToken: true,
      ...(token ? { reconnectToken: token } : {}),
    });
    return await client.next(
      (m) => m.type === "joined" || m.type === "error",
      WAIT_MS,
    );
  };
  try {
    for (let game = 0; game < 4; game++) {
      const host = await connect(urls[0]);
      host.send({ action: "createRoom" });
      const created = await host.next(
        (m) => m.type === "confirmRoom" || m.type === "error",
        WAIT_MS,
      );
      assert.equal(created.type, "confirmRoom", JSON.stringify(created));
      const room = String(created.room);
      const phones: { client: WsClient; name: string; token: string }[] = [];
      for (let i = 0; i < PHONES; i++) {
        const name = `Kid ${i}`;
        const client = await connect(urls[i % urls.length]);
        if (i < 2) {
          // Two mistyped codes a game: "wrong room", then the right one.
          const typo = room[0] === "Q" ? "XQQQ" : `Q${room.slice(1)}`;
          const answer = await ask(client, typo, name);
          assert.equal(answer.val, "wrong room", JSON.stringify(answer));
          seen.typos++;
        }
        const answer = await ask(client, room, name);
        assert.equal(
          answer.type,
          "joined",
          `game ${game}, ${name}: ${JSON.stringify(answer)}`,
        );
        seen.joins++;
        phones.push({ client, name, token: String(answer.reconnectToken) });
      }
      await pass(15 * MINUTE);
      if (game === 1) {
        // The Wi-Fi blips: every phone drops and rejoins with its token.
        await Promise.all(phones.map(async (phone) => {
          await phone.client.close();
          open.delete(phone.client);
        }));
        await Promise.all(phones.map(async (phone, i) => {
          phone.client = await connect(urls[(i + 1) % urls.length]);
          const answer = await ask(phone.client, room, phone.name, phone.token);
          assert.equal(answer.type, "joined", JSON.stringify(answer));
          assert.equal(answer.reconnected, true);
          phone.token = String(answer.reconnectToken);
          seen.blipRejoins++;
        }));
      }
      await pass(15 * MINUTE);
      // The host's laptop dies: after the grace period the room closes.
      await host.close();
      open.delete(host);
      await Promise.all(
        phones.map((phone) => phone.client.nextOfType("roomClosed", WAIT_MS)),
      );
      // Every phone reloads its old link once: told the game has ended.
      await Promise.all(phones.map(async (phone, i) => {
        await phone.client.close();
        open.delete(phone.client);
        phone.client = await connect(urls[(i + 2) % urls.length]);
        const answer = await ask(phone.client, room, phone.name, phone.token);
        assert.equal(answer.val, "room closed", JSON.stringify(answer));
        assert.equal(
          answer.message,
          "This game has ended — ask the host for the new code",
        );
        seen.reloads++;
        await phone.client.close();
        open.delete(phone.client);
      }));
      await pass(5 * MINUTE);
    }
    return seen;
  } finally {
    await Promise.all([...open].map((c) => c.close()));
  }
}

Deno.test("household evening through real sockets from one address, one instance with the default limits: every real join first time", async () => {
  let now = Date.now();
  const server = await startServer(
    loadConfig(() => undefined, {
      port: 0,
      hostname: "127.0.0.1",
      staticDir: new URL("../fixtures/static", import.meta.url).pathname,
      trustProxy: ["127.0.0.1"],
      // The laptop's death is seen at once (the grace is not a limit).
      hostGraceMs: 0,
      sweepIntervalMs: 20,
    }),
    { limitsNow: () => now },
  );
  try {
    const seen = await playEvening([server.localUrl], (ms) => {
      now += ms;
      return Promise.resolve();
    });
    assert.deepEqual(seen, {
      joins: 4 * PHONES,
      typos: 8,
      reloads: 4 * PHONES,
      blipRejoins: PHONES,
    });
    const text = await (await fetch(`${server.localUrl}/metrics`)).text();
    assert.doesNotMatch(text, /pizza_errors_total\{code="rate limited"\}/);
    console.log(`household, one instance: ${JSON.stringify(seen)}`);
  } finally {
    await server.close();
  }
});

Deno.test({
  name:
    "household evening through real sockets from one address, three server.ts processes on one Redis: every real join first time",
  ignore: ignoreWithout("redis-server"),
  async fn() {
    const redis = await startTestRedis();
    const servers: ServerProcess[] = [];
    try {
      const env = {
        STATIC_DIR: "tests/fixtures/static",
        REDIS_URL: redis.url,
        TRUST_PROXY: "127.0.0.1",
        HOST_GRACE_MS: "0",
        SWEEP_INTERVAL_MS: "50",
        // The evening runs in seconds here, so joins per minute are the
        // one limit lifted (a real evening's busiest minute is the blip:
        // 12 rejoins; the one-instance test keeps this limit too).
        JOIN_BURST_PER_ADDRESS: "100000",
      };
      for (let i = 0; i < 3; i++) {
        servers.push(await startServerProcess({ env }));
      }
      const seen = await playEvening(
        servers.map((s) => s.url),
        () => Promise.resolve(),
      );
      assert.equal(seen.joins, 4 * PHONES);
      assert.equal(seen.reloads, 4 * PHONES);
      console.log(`household, three instances: ${JSON.stringify(seen)}`);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await redis.close();
    }
  },
});
