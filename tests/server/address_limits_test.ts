/**
 * Per-address limits: what an attacker on one address gets (computed from
 * the settings, and searched for a cheaper strategy with fast-check), a
 * household evening that never meets a limit (pure model), one key per
 * IPv6 /64, bounded memory that many addresses cannot wipe, the rate of new
 * rooms, and the same limits through real sockets.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  addressKey,
  AddressLimits,
  isTokenFormat,
} from "../../src/server/address_limits.ts";
import { MemoryLimitCounters } from "../../src/server/limit_counters.ts";
import { DEFAULTS, loadConfig } from "../../src/server/config.ts";
import { randomToken } from "../../src/server/room_codes.ts";
import { startTestServer } from "../_helpers/test_server.ts";
import { type Received, WsClient } from "../_helpers/ws_client.ts";
import { startServer } from "../../src/server/app_server.ts";
import type { LogEvent } from "../../src/server/event_log.ts";
import { LimitsModel } from "./limits_model.ts";

const CODES = 26 ** 4;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const ATTACKER = "198.51.100.7";
const LIVE_ROOMS = 10;

/** Hours an address needs on average to hit one of 10 live rooms. */
function expectedHours(probesPerHour: number): number {
  return CODES / LIVE_ROOMS / probesPerHour;
}

/** A code no model room uses: `Q` and three letters from `n`. */
function unknownCode(n: number): string {
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return "Q" +
    [0, 1, 2].map((i) => letters[Math.floor(n / 26 ** i) % 26]).join("");
}

Deno.test("AddressLimits with the defaults: one address guessing code after code finds one of 10 live rooms in no less than an hour on average", async () => {
  const model = new LimitsModel();
  let refused = 0;
  // One guess a second (the join rate allows 60 a minute) for two hours.
  for (let i = 0; model.now < 2 * HOUR; i++, model.now += 1_000) {
    const outcome = await model.join(ATTACKER, unknownCode(i));
    if (outcome === "rate limited") refused++;
  }
  const perHour = model.probes / 2;
  console.log(
    `guessing from one address: ${perHour} guesses an hour reach the ` +
      `registry (${refused} refused); one of ${LIVE_ROOMS} live rooms found ` +
      `in ${Math.round(expectedHours(perHour))} hours on average`,
  );
  assert.equal(perHour, DEFAULTS.failedJoinBudget);
  assert.ok(expectedHours(perHour) > 1);
});

/** One step of an attacker's plan. */
type Step =
  | { kind: "guess"; parallel: number; token: boolean }
  | { kind: "closedCode"; token: boolean; reclaim: boolean }
  | { kind: "openAndClose" }
  | { kind: "seat"; sockets: number }
  | { kind: "wait"; ms: number };

const STEP: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("guess" as const),
    parallel: fc.integer({ min: 1, max: DEFAULTS.maxConnectionsPerAddress }),
    token: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("closedCode" as const),
    token: fc.boolean(),
    reclaim: fc.boolean(),
  }),
  fc.constant({ kind: "openAndClose" as const }),
  fc.record({
    kind: fc.constant("seat" as const),
    sockets: fc.integer({ min: -20, max: 63 }),
  }),
  fc.record({
    kind: fc.constant("wait" as const),
    ms: fc.integer({ min: 1_000, max: 20 * MINUTE }),
  }),
);

Deno.test("AddressLimits: no mix of tokens, closed codes, seated sockets, parallel joins and waits finds a live room faster than the budget allows (fast-check)", async () => {
  // The most unknown codes one address can try in one failed-join window:
  // the budget, its growth with seated sockets, the token allowance, and
  // joins already in flight when the budget runs out (one per connection).
  const perWindow = DEFAULTS.failedJoinBudget +
    DEFAULTS.seatedFailureBonusMax + DEFAULTS.tokenMissBudget +
    DEFAULTS.maxConnectionsPerAddress - 1;
  let worst = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(STEP, { minLength: 1, maxLength: 40 }),
      async (plan) => {
        const model = new LimitsModel();
        let seated = 0;
        let next = 0;
        const closed: string[] = [];
        // The plan repeats for two hours (two failed-join windows).
        for (let turn = 0; model.now < 2 * HOUR; turn++) {
          const step = plan[turn % plan.length];
          if (step.kind === "guess") {
            const token = step.token ? randomToken() : undefined;
            await Promise.all(
              Array.from(
                { length: step.parallel },
                () => model.join(ATTACKER, unknownCode(next++), !!token),
              ),
            );
          } else if (step.kind === "closedCode") {
            if (closed.length > 0) {
              await model.join(
                ATTACKER,
                closed[next++ % closed.length],
                step.token,
                step.reclaim ? "reclaimRoom" : "joinRoom",
              );
            }
          } else if (step.kind === "openAndClose") {
            const code = `Z${String(next++).padStart(3, "A").slice(-3)}`;
            if (await model.create(ATTACKER, code)) {
              await model.close(code, [ATTACKER]);
              closed.push(code);
            }
          } else if (step.kind === "seat") {
            // Its own sockets seated in its own rooms (at most its
            // connections, one kept for guessing).
            const target = Math.max(0, Math.min(63, seated + step.sockets));
            for (; seated < target; seated++) {
              model.limits.seated(ATTACKER, 1);
            }
            for (; seated > target; seated--) {
              model.limits.seated(ATTACKER, -1);
            }
          } else {
            model.now += step.ms;
          }
          // Each step takes its time (a join answers within seconds).
          model.now += 20_000;
        }
        worst = Math.max(worst, model.probes);
        assert.ok(
          model.probes <= 2 * perWindow,
          `${model.probes} unknown codes tried in 2 hours (bound ${
            2 * perWindow
          })`,
        );
        assert.ok(expectedHours(model.probes / 2) >= 1);
      },
    ),
    { numRuns: 60, seed: 20261207 },
  );
  console.log(
    `cheapest strategy found: ${worst / 2} unknown codes an hour ` +
      `(bound ${perWindow}); one of ${LIVE_ROOMS} live rooms found in ` +
      `${Math.round(expectedHours(Math.max(1, worst) / 2))} hours on average`,
  );
});

Deno.test("AddressLimits: a household evening (host and 12 phones on one address, 4 games) never meets a limit, every real join first time", async () => {
  const model = new LimitsModel();
  const home = "203.0.113.20";
  const phones = Array.from({ length: 12 }, (_, i) => `Kid ${i}`);
  let code = "";
  const joinAll = async (token: boolean) => {
    const answers = await Promise.all(
      phones.map(() => model.join(home, code, token)),
    );
    assert.deepEqual(answers, phones.map(() => "joined"));
  };
  for (let game = 0; game < 4; game++) {
    code = `H${"ABCD"[game]}XY`;
    assert.equal(await model.create(home, code), true, `game ${game}`);
    // Two mistyped codes, each told "wrong room", never "rate limited".
    assert.equal(await model.join(home, `M${game}AA`), "wrong room");
    assert.equal(await model.join(home, `M${game}BB`), "wrong room");
    model.now += 5_000;
    await joinAll(false);
    model.now += 10 * MINUTE;
    if (game === 1) {
      // A Wi-Fi blip: every phone drops and rejoins with its token.
      for (const _ of phones) model.limits.seated(home, -1);
      await joinAll(true);
    }
    model.now += 10 * MINUTE;
    // The host's laptop dies: the room closes after the grace period.
    model.now += DEFAULTS.hostGraceMs;
    await model.close(code, [home, ...phones.map(() => home)]);
    // Every phone reloads its old link once: told the game ended.
    const reloads = await Promise.all(
      phones.map(() => model.join(home, code, true)),
    );
    assert.deepEqual(reloads, phones.map(() => "room closed"));
    model.now += 2 * MINUTE;
  }
  // Nothing was counted as a guess but the typos.
  assert.equal(model.probes, 8);
});

Deno.test("AddressLimits counts a whole IPv6 /64 as one address: 100 addresses in it share one failed-join budget", async () => {
  const model = new LimitsModel();
  const outcomes: string[] = [];
  for (let i = 0; i < 100; i++) {
    outcomes.push(
      await model.join(`2001:db8:7:7:${i.toString(16)}::1`, unknownCode(i)),
    );
  }
  assert.equal(
    outcomes.filter((o) => o === "wrong room").length,
    DEFAULTS.failedJoinBudget,
  );
  // Another /64 is not touched.
  assert.equal(await model.join("2001:db8:7:8::1", "QQQQ"), "wrong room");
  assert.equal(addressKey("2001:db8:7:7:ffff::9"), "2001:db8:7:7::/64");
});

Deno.test("AddressLimits: 20,000 other addresses cannot lift one address's block (memory evicts the least recently used key, never all)", async () => {
  const model = new LimitsModel();
  for (let i = 0; i < DEFAULTS.failedJoinBudget; i++) {
    await model.join(ATTACKER, unknownCode(i));
  }
  assert.equal(await model.join(ATTACKER, "QQQQ"), "rate limited");
  for (let i = 0; i < 20_000; i++) {
    const other = `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
    await model.join(other, unknownCode(i));
    if (i % 2_000 === 0) model.now += 1_000;
  }
  assert.equal(await model.join(ATTACKER, "QQQQ"), "rate limited");
  // Even in a store that holds only 1,000 keys, an address that keeps
  // trying keeps its block: each try reads (and so keeps) its keys, and
  // 20,000 others only push out the least recently used.
  const tiny: LimitsModel = new LimitsModel(
    DEFAULTS,
    new MemoryLimitCounters({ maxKeys: 1_000, now: () => tiny.now }),
  );
  for (let i = 0; i < DEFAULTS.failedJoinBudget; i++) {
    await tiny.join(ATTACKER, unknownCode(i));
  }
  for (let i = 0; i < 20_000; i++) {
    await tiny.join(`10.9.${(i >> 8) & 255}.${i & 255}`, unknownCode(i));
    if (i % 100 === 0) {
      assert.equal(await tiny.join(ATTACKER, "QQQQ"), "rate limited", `${i}`);
    }
  }
  // A bounded store, too: the oldest key goes first, one at a time.
  const small = new MemoryLimitCounters({ maxKeys: 3 });
  await small.set("block:a", 1, HOUR);
  await small.add("x", HOUR);
  await small.add("y", HOUR);
  await small.read(["block:a"]); // used: now the youngest
  await small.add("z", HOUR);
  assert.deepEqual(await small.read(["block:a", "x", "y", "z"]), [1, 0, 1, 1]);
});

Deno.test("AddressLimits: new rooms per address per minute are capped (ROOM_CREATES_PER_MINUTE), and TURN credentials too", async () => {
  const model = new LimitsModel();
  const created: boolean[] = [];
  for (let i = 0; i < DEFAULTS.roomCreatesPerMinute + 2; i++) {
    created.push(await model.create(ATTACKER, `R${i}AA`));
  }
  assert.equal(
    created.filter(Boolean).length,
    DEFAULTS.roomCreatesPerMinute,
  );
  model.now += MINUTE;
  assert.equal(await model.create(ATTACKER, "RNEW"), true);
  const mints: boolean[] = [];
  for (let i = 0; i < DEFAULTS.turnMintsPerMinute + 1; i++) {
    mints.push(await model.limits.mayMintTurn("2001:db8::1"));
  }
  // Another address in the same /64 shares the budget.
  mints.push(await model.limits.mayMintTurn("2001:db8::2"));
  assert.equal(mints.filter(Boolean).length, DEFAULTS.turnMintsPerMinute);
});

Deno.test("AddressLimits: a token of this server's format is no guess within its budget; any other string is", async () => {
  assert.equal(isTokenFormat(randomToken()), true);
  assert.equal(isTokenFormat("x".repeat(23)), false);
  assert.equal(isTokenFormat("!".repeat(24)), false);
  const limits = new AddressLimits(
    { ...DEFAULTS, failedJoinBudget: 2, tokenMissBudget: 3 },
    new MemoryLimitCounters(),
    () => 0,
  );
  const ask = { action: "joinRoom", room: "QQQQ", token: true } as const;
  const verdicts = [];
  for (let i = 0; i < 5; i++) {
    verdicts.push(await limits.failedJoin(ATTACKER, ask, false));
  }
  assert.deepEqual(verdicts, [
    "forgiven",
    "forgiven",
    "forgiven",
    "counted",
    "blocked",
  ]);
});

async function tryJoin(client: WsClient, room: string, username: string) {
  client.send({ action: "joinRoom", room, username });
  return await client.next((m: Received) =>
    m.type === "joined" || m.type === "error"
  );
}

Deno.test("server refuses joins with rate limited once one address used its failed-join budget, and logs it once", async () => {
  const events: LogEvent[] = [];
  const logged = await startServer(
    loadConfig(() => undefined, {
      port: 0,
      hostname: "127.0.0.1",
      staticDir: "/nonexistent-static",
      failedJoinBudget: 4,
    }),
    { log: (event) => events.push(event) },
  );
  const guesser = await WsClient.connect(logged.localUrl);
  const host = await WsClient.connect(logged.localUrl);
  try {
    host.send({ action: "createRoom" });
    const room = String((await host.nextOfType("confirmRoom")).room);
    const wrong = room === "ZZZZ" ? "ZZZY" : "ZZZZ";
    const answers: string[] = [];
    for (let i = 0; i < 7; i++) {
      answers.push(String((await tryJoin(guesser, wrong, "Eve")).val));
    }
    // The budget of 4, plus one for the host seated in its room.
    assert.deepEqual(answers, [
      "wrong room",
      "wrong room",
      "wrong room",
      "wrong room",
      "wrong room",
      "rate limited",
      "rate limited",
    ]);
    // Even the right code is refused now, with words a person understands.
    const refused = await tryJoin(guesser, room, "Eve");
    assert.equal(refused.val, "rate limited");
    assert.match(String(refused.message), /Too many tries .* Wait \d+ s/);
    assert.equal(
      events.filter((e) => e.event === "address refused").length,
      1,
    );
    assert.equal(
      events.find((e) => e.event === "address refused")?.address,
      "127.0.0.1",
    );
    // Every event names the client address, registry events included.
    for (const name of ["connection opened", "room created", "error"]) {
      const event = events.find((e) => e.event === name);
      assert.equal(event?.address, "127.0.0.1", name);
    }
    const metrics = await (await fetch(`${logged.localUrl}/metrics`)).text();
    assert.match(metrics, /pizza_errors_total\{code="rate limited"\} 3/);
  } finally {
    await guesser.close();
    await host.close();
    await logged.close();
  }
});

Deno.test("server answers a join to a code closed lately with 'room closed', which is no guess", async () => {
  const server = await startTestServer({ failedJoinBudget: 1 });
  const clients: WsClient[] = [];
  try {
    const host = await WsClient.connect(server.localUrl);
    clients.push(host);
    host.send({ action: "createRoom" });
    const room = String((await host.nextOfType("confirmRoom")).room);
    host.send({ action: "leaveRoom" });
    await host.nextOfType("roomClosed");
    for (let i = 0; i < 3; i++) {
      const phone = await WsClient.connect(server.localUrl);
      clients.push(phone);
      const answer = await tryJoin(phone, room, "Kid");
      assert.equal(answer.val, "room closed");
      assert.equal(
        answer.message,
        "This game has ended — ask the host for the new code",
      );
    }
    // The budget of one failure is still whole.
    const typo = await WsClient.connect(server.localUrl);
    clients.push(typo);
    assert.equal((await tryJoin(typo, "QQQQ", "Kid")).val, "wrong room");
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  }
});

Deno.test("server refuses a room beyond MAX_ROOMS_PER_ADDRESS from one address", async () => {
  const server = await startTestServer({ maxRoomsPerAddress: 3 });
  const hosts: WsClient[] = [];
  try {
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const host = await WsClient.connect(server.localUrl);
      hosts.push(host);
      host.send({ action: "createRoom" });
      const answer = await host.next((m) =>
        m.type === "confirmRoom" || m.type === "error"
      );
      answers.push(String(answer.type === "error" ? answer.val : answer.type));
    }
    assert.deepEqual(answers, [
      "confirmRoom",
      "confirmRoom",
      "confirmRoom",
      "too many rooms",
    ]);
  } finally {
    await Promise.all(hosts.map((h) => h.close()));
    await server.close();
  }
});

Deno.test("server: 100 addresses in one IPv6 /64 open at most MAX_ROOMS_PER_ADDRESS rooms", async () => {
  const server = await startTestServer({
    trustProxy: ["127.0.0.1"],
    maxConnectionsPerAddress: 1_000,
  });
  const hosts: WsClient[] = [];
  try {
    let confirmed = 0;
    let refused = 0;
    for (let i = 0; i < 100; i++) {
      const host = await WsClient.connect(server.localUrl, "/", {
        "X-Forwarded-For": `2001:db8:5:5:${(i + 1).toString(16)}::7`,
      });
      hosts.push(host);
      host.send({ action: "createRoom" });
      const answer = await host.next((m) =>
        m.type === "confirmRoom" || m.type === "error"
      );
      if (answer.type === "confirmRoom") confirmed++;
      else if (answer.val === "too many rooms") refused++;
    }
    assert.equal(confirmed, DEFAULTS.maxRoomsPerAddress);
    assert.equal(refused, 100 - DEFAULTS.maxRoomsPerAddress);
    // Another /64 still opens one.
    const other = await WsClient.connect(server.localUrl, "/", {
      "X-Forwarded-For": "2001:db8:5:6::7",
    });
    hosts.push(other);
    other.send({ action: "createRoom" });
    await other.nextOfType("confirmRoom");
  } finally {
    await Promise.all(hosts.map((h) => h.close()));
    await server.close();
  }
});

Deno.test("server refuses a new room beyond ROOM_CREATES_PER_MINUTE from one address with rate limited", async () => {
  const server = await startTestServer({ roomCreatesPerMinute: 2 });
  const hosts: WsClient[] = [];
  try {
    const answers: string[] = [];
    for (let i = 0; i < 3; i++) {
      const host = await WsClient.connect(server.localUrl);
      hosts.push(host);
      host.send({ action: "createRoom" });
      const answer = await host.next((m) =>
        m.type === "confirmRoom" || m.type === "error"
      );
      answers.push(String(answer.type === "error" ? answer.val : answer.type));
      if (answer.type === "error") {
        assert.match(String(answer.message), /Too many new games/);
      }
    }
    assert.deepEqual(answers, ["confirmRoom", "confirmRoom", "rate limited"]);
  } finally {
    await Promise.all(hosts.map((h) => h.close()));
    await server.close();
  }
});

Deno.test("server refuses a WebSocket beyond MAX_CONNECTIONS_PER_ADDRESS with 429", async () => {
  const server = await startTestServer({ maxConnectionsPerAddress: 3 });
  const clients: WsClient[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      clients.push(await WsClient.connect(server.localUrl));
    }
    await assert.rejects(WsClient.connect(server.localUrl));
    const response = await fetch(server.localUrl, {
      headers: {
        Upgrade: "websocket",
        Connection: "Upgrade",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": btoa("0123456789abcdef"),
      },
    });
    assert.equal(response.status, 429);
    await response.body?.cancel();
    // One closes: a new one fits again.
    await clients.pop()!.close();
    clients.push(await WsClient.connect(server.localUrl));
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  }
});
