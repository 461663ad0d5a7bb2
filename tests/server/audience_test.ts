/**
 * The audience over real sockets: a host, and phones that watch and vote.
 */
import assert from "node:assert/strict";
import { startTestServer } from "../_helpers/test_server.ts";
import { type Received, WsClient } from "../_helpers/ws_client.ts";
import type { PizzaServer } from "../../src/server/app_server.ts";
import type { Config } from "../../src/server/config.ts";

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

const STATE = {
  phase: "playing",
  paused: false,
  money: 42,
  timeLeftMs: 200_000,
  strikes: 1,
  maxStrikes: 3,
  delivered: 4,
  orders: [{ ingredients: ["dough", "tomato"], baked: false, leftMs: 30_000 }],
  event: null,
};

/** A server, a host with a room, and a way to add watchers. */
async function setUp(overrides: Partial<Config> = {}) {
  const server = await startTestServer({
    maxConnectionsPerAddress: 5_000,
    joinBurstPerAddress: 5_000,
    maxConnections: 20_000,
    ...overrides,
  });
  const host = await WsClient.connect(server.localUrl);
  host.send({ action: "createRoom" });
  const room = String((await host.nextOfType("confirmRoom")).room);
  return { server, host, room };
}

async function watcher(server: PizzaServer, room: string, name: string) {
  const c = await WsClient.connect(server.localUrl);
  c.send({ action: "watchRoom", room: room.toLowerCase(), name });
  const hello = await c.nextOfType("watching", 20_000);
  assert.equal(hello.room, room);
  return c;
}

/** Waits for the host's tally that satisfies `pred`, collecting every tally on the way. */
async function tallyUntil(
  host: WsClient,
  pred: (t: Received) => boolean,
  seen: Received[] = [],
  timeoutMs = 30_000,
): Promise<Received> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const t = await host.nextOfType(
      "audienceTally",
      Math.max(1, end - performance.now()),
    );
    seen.push({ ...t, at: performance.now() });
    if (pred(t)) return t;
  }
}

async function closeAll(clients: WsClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close()));
}

Deno.test({
  name:
    "1,000 audience sockets in one room vote and every tally matches; each gets the host's update and the close",
  sanitizeResources: true,
  async fn() {
    const { server, host, room } = await setUp();
    const crowd: WsClient[] = [];
    try {
      for (let i = 0; i < 1_000; i += 100) {
        crowd.push(
          ...await Promise.all(
            Array.from(
              { length: 100 },
              (_, k) => watcher(server, room, `Fan ${i + k}`),
            ),
          ),
        );
      }
      host.send({ action: "audiencePrompt", prompt: PROMPT });
      await Promise.all(
        crowd.map((c) => c.nextOfType("audiencePrompt", 20_000)),
      );
      const want = [0, 0, 0];
      crowd.forEach((c, i) => {
        const option = i % 7 === 0 ? 2 : i % 2;
        want[option]++;
        c.send({ action: "audienceVote", promptId: 1, option });
      });
      const acks = await Promise.all(
        crowd.map((c) => c.nextOfType("voted", 20_000)),
      );
      acks.forEach((a, i) => assert.equal(a.option, i % 7 === 0 ? 2 : i % 2));
      const t = await tallyUntil(
        host,
        (x) => (x.counts as number[]).reduce((a, b) => a + b, 0) === 1_000,
      );
      assert.deepEqual(t.counts, want);
      assert.equal(t.watching, 1_000);
      // The update: one frame, the same text for every watcher.
      host.send({ action: "audienceUpdate", state: STATE });
      const got = await Promise.all(
        crowd.map((c) => c.nextOfType("audienceUpdate", 20_000)),
      );
      for (const g of got) assert.deepEqual(g.state, STATE);
      // The close: later votes don't count, and the final tally says so.
      host.send({ action: "audienceClose", promptId: 1 });
      await Promise.all(
        crowd.slice(0, 50).map((c) =>
          c.next(
            (m) => m.type === "audiencePrompt" && m.prompt === null,
            20_000,
          )
        ),
      );
      const late = crowd[1];
      late.send({ action: "audienceVote", promptId: 1, option: 0 });
      assert.equal((await late.nextOfType("error")).val, "vote closed");
      const final = await tallyUntil(host, (x) => x.final === true);
      assert.deepEqual(final.counts, want);
    } finally {
      await closeAll([...crowd, host]);
      await server.close();
    }
  },
});

Deno.test("a flooding audience member counts once, its reactions within budget; the host gets at most 2 tallies a second", async () => {
  const { server, host, room } = await setUp({
    audienceReactionsPerSecond: 2,
    audienceReactionBurst: 6,
  });
  const crowd: WsClient[] = [];
  try {
    for (let i = 0; i < 20; i++) {
      crowd.push(await watcher(server, room, `Fan ${i}`));
    }
    // When each tally arrives (the client queues them; this is the wire time).
    const arrivals: number[] = [];
    host.socket.addEventListener("message", (e) => {
      if (String(e.data).includes('"audienceTally"')) {
        arrivals.push(performance.now());
      }
    });
    host.send({ action: "audiencePrompt", prompt: PROMPT });
    await Promise.all(crowd.map((c) => c.nextOfType("audiencePrompt")));
    const flood = crowd[0];
    const startedAt = performance.now();
    for (let i = 0; i < 300; i++) {
      flood.send({ action: "audienceVote", promptId: 1, option: i % 3 });
      flood.send({ action: "audienceReact", kind: "cheer" });
    }
    // Everyone else votes and reacts for ~3 s, a frame every 50 ms.
    const seen: Received[] = [];
    for (let round = 0; round < 60; round++) {
      const c = crowd[1 + (round % 19)];
      if (round < 19) {
        c.send({ action: "audienceVote", promptId: 1, option: 1 });
      } else c.send({ action: "audienceReact", kind: "laugh" });
      await new Promise((r) => setTimeout(r, 50));
    }
    const t = await tallyUntil(
      host,
      (x) => (x.counts as number[]).reduce((a, b) => a + b, 0) === 20,
      seen,
    );
    const elapsedS = (performance.now() - startedAt) / 1000;
    // The flood's first vote (option 0) counts; the others' option 1.
    assert.deepEqual(t.counts, [1, 19, 0]);
    const cheers = seen.reduce(
      (n, x) => n + ((x.reactions as Record<string, number>).cheer ?? 0),
      0,
    );
    assert.ok(
      cheers >= 1 && cheers <= 6 + 2 * Math.ceil(elapsedS),
      `cheers ${cheers}`,
    );
    // At most 2 tallies a second: over the whole span, and none close together.
    const span = (arrivals.at(-1)! - arrivals[0]) / 1000;
    assert.ok(arrivals.length >= 4, `${arrivals.length} tallies`);
    assert.ok(
      arrivals.length <= 2 * Math.ceil(span) + 1,
      `${arrivals.length} tallies in ${span} s`,
    );
    for (let i = 1; i < arrivals.length; i++) {
      const gap = arrivals[i] - arrivals[i - 1];
      assert.ok(gap >= 300, `tallies ${gap} ms apart`);
    }
  } finally {
    await closeAll([...crowd, host]);
    await server.close();
  }
});

Deno.test("hostile audience frames get a clear error and change nothing: no seat, no token, nothing reaches the host", async () => {
  const { server, host, room } = await setUp();
  const player = await WsClient.connect(server.localUrl);
  const crowd: WsClient[] = [];
  try {
    player.send({ action: "joinRoom", room, username: "Ann" });
    await player.nextOfType("joined");
    await host.nextOfType("playerJoined");
    const bad = await WsClient.connect(server.localUrl);
    crowd.push(bad);
    for (
      const [frame, val] of [
        [{ action: "watchRoom", room: "ZZ", name: "x" }, "bad message"],
        [{ action: "watchRoom", room, name: "" }, "bad message"],
        [{ action: "watchRoom", room, name: "x".repeat(200) }, "bad message"],
        [{ action: "watchRoom", room, name: "a\u0000b" }, "bad message"],
        [{ action: "audienceVote", promptId: 1, option: 0 }, "not in room"],
        [{ action: "audienceReact", kind: "cheer" }, "not in room"],
        [{ action: "audienceReact", kind: "<script>" }, "bad message"],
        [{ action: "audienceVote", promptId: -1, option: 99 }, "bad message"],
        [
          { action: "audienceUpdate", state: { ...STATE, orders: "x" } },
          "bad message",
        ],
      ] as const
    ) {
      bad.send(frame);
      assert.equal(
        (await bad.nextOfType("error")).val,
        val,
        JSON.stringify(frame),
      );
    }
    const fan = await watcher(server, room, "Ann");
    crowd.push(fan);
    for (
      const [frame, val] of [
        [{ action: "joinRoom", room, username: "Ann" }, "already in room"],
        [{ action: "createRoom" }, "already in room"],
        [{ action: "relay", data: { x: 1 } }, "not in room"],
        [
          { action: "signal", data: { type: "offer", sdp: "v=0" } },
          "not in room",
        ],
        [{ action: "kickPlayer", clientUsername: "Ann" }, "not in room"],
        [{ action: "startGame" }, "not in room"],
        [{ action: "audienceUpdate", state: STATE }, "not in room"],
        [{ action: "audiencePrompt", prompt: PROMPT }, "not in room"],
        [{ action: "iceServers" }, "not in room"],
        [{ action: "audienceVote", promptId: 1, option: 0 }, "vote closed"],
      ] as const
    ) {
      fan.send(frame);
      assert.equal(
        (await fan.nextOfType("error")).val,
        val,
        JSON.stringify(frame),
      );
    }
    // A vote out of range of a real prompt, and a vote for another prompt.
    host.send({
      action: "audiencePrompt",
      prompt: { ...PROMPT, options: PROMPT.options.slice(0, 2) },
    });
    await fan.nextOfType("audiencePrompt");
    fan.send({ action: "audienceVote", promptId: 1, option: 2 });
    assert.equal((await fan.nextOfType("error")).val, "bad message");
    fan.send({ action: "audienceVote", promptId: 2, option: 0 });
    assert.equal((await fan.nextOfType("error")).val, "vote closed");
    // Oversized: the socket is closed as usual.
    fan.sendRaw(
      JSON.stringify({ action: "audienceReact", kind: "x".repeat(70_000) }),
    );
    assert.equal((await fan.closed).code, 1009);
    // The host heard of none of it but watcher counts; the player still plays.
    const forHost = host.received.filter((m) => m.type !== "audienceTally");
    assert.deepEqual(forHost, []);
    player.send({ action: "relay", data: { hello: 1 } });
    assert.equal((await host.nextOfType("relay")).clientUsername, "Ann");
  } finally {
    await closeAll([...crowd, player, host]);
    await server.close();
  }
});

Deno.test("AUDIENCE_MAX_PER_ROOM and the server-wide cap refuse watchers; a closed room tells its audience", async () => {
  const { server, host, room } = await setUp({
    audienceMaxPerRoom: 2,
    audienceMaxTotal: 3,
  });
  const host2 = await WsClient.connect(server.localUrl);
  const crowd: WsClient[] = [];
  try {
    host2.send({ action: "createRoom" });
    const room2 = String((await host2.nextOfType("confirmRoom")).room);
    crowd.push(
      await watcher(server, room, "A"),
      await watcher(server, room, "B"),
    );
    const third = await WsClient.connect(server.localUrl);
    crowd.push(third);
    third.send({ action: "watchRoom", room, name: "C" });
    const full = await third.nextOfType("error");
    assert.equal(full.val, "audience full");
    assert.match(String(full.message), /2 people/);
    crowd.push(await watcher(server, room2, "D"));
    third.send({ action: "watchRoom", room: room2, name: "C" });
    assert.equal((await third.nextOfType("error")).val, "audience full");
    third.send({ action: "watchRoom", room: "QQQQ", name: "C" });
    assert.equal((await third.nextOfType("error")).val, "wrong room");
    // The host leaves: its audience is told, and the places free up.
    host.send({ action: "leaveRoom" });
    for (const c of crowd.slice(0, 2)) {
      assert.equal((await c.nextOfType("roomClosed")).type, "roomClosed");
    }
    third.send({ action: "watchRoom", room: room2, name: "C" });
    assert.equal((await third.nextOfType("watching")).room, room2);
  } finally {
    await closeAll([...crowd, host, host2]);
    await server.close();
  }
});

Deno.test("watchRoom to codes that do not exist counts as guessing: the address's failed-join budget ends in rate limited", async () => {
  const server = await startTestServer({ failedJoinBudget: 3 });
  const guesser = await WsClient.connect(server.localUrl);
  const host = await WsClient.connect(server.localUrl);
  try {
    host.send({ action: "createRoom" });
    const room = String((await host.nextOfType("confirmRoom")).room);
    const wrong = room === "ZZZZ" ? "ZZZY" : "ZZZZ";
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) {
      guesser.send({ action: "watchRoom", room: wrong, name: "Eve" });
      answers.push(String((await guesser.nextOfType("error")).val));
    }
    // The budget of 3, plus one for the host seated in its room.
    assert.deepEqual(answers, [
      "wrong room",
      "wrong room",
      "wrong room",
      "wrong room",
      "rate limited",
      "rate limited",
    ]);
    // The right code is refused too now: watching finds no room by guessing.
    guesser.send({ action: "watchRoom", room, name: "Eve" });
    assert.equal((await guesser.nextOfType("error")).val, "rate limited");
  } finally {
    guesser.close();
    host.close();
    await server.close();
  }
});
