/**
 * Per-address limits: the guessing budget computed from the configured
 * settings, a household that never meets a limit, and both through real
 * sockets.
 */
import assert from "node:assert/strict";
import { MemoryAddressLimits } from "../../src/server/address_limits.ts";
import { DEFAULTS, loadConfig } from "../../src/server/config.ts";
import { startTestServer } from "../_helpers/test_server.ts";
import { type Received, WsClient } from "../_helpers/ws_client.ts";
import { startServer } from "../../src/server/app_server.ts";
import type { LogEvent } from "../../src/server/event_log.ts";

const CODES = 26 ** 4;
const HOUR = 3_600_000;

/**
 * An attacker on one address guessing as fast as the limits let it for
 * `durationMs` (every guess is wrong): how many guesses got through.
 */
function guessesIn(durationMs: number, stepMs = 50): number {
  const limits = new MemoryAddressLimits(DEFAULTS);
  let guesses = 0;
  for (let now = 0; now < durationMs; now += stepMs) {
    if (!limits.allowJoin("198.51.100.7", now).ok) continue;
    guesses++;
    limits.failedJoin("198.51.100.7", now);
  }
  return guesses;
}

Deno.test("MemoryAddressLimits with the defaults: finding one of 10 live rooms by guessing from one address takes more than an hour", () => {
  const perHour = guessesIn(HOUR);
  const liveRooms = 10;
  // Each guess finds a room with probability liveRooms / CODES at most.
  const chanceInAnHour = perHour * liveRooms / CODES;
  const expectedHours = CODES / liveRooms / perHour;
  console.log(
    `${perHour} guesses an hour from one address; a room found with ` +
      `probability ${(chanceInAnHour * 100).toFixed(3)}% in the first hour; ` +
      `expected ${Math.round(expectedHours)} hours`,
  );
  assert.ok(expectedHours > 1);
  assert.ok(chanceInAnHour < 0.01);
  // The budget is what the settings say, not an accident of the step.
  const bound = DEFAULTS.failedJoinBudget +
    HOUR / DEFAULTS.failedJoinRefillMs + 1;
  assert.ok(perHour <= bound, `${perHour} > ${bound}`);
});

Deno.test("MemoryAddressLimits: a household of a host and 12 phones rejoining all evening never meets a limit", () => {
  const limits = new MemoryAddressLimits(DEFAULTS);
  const home = "192.0.2.10";
  let now = 0;
  const join = (fails = false) => {
    const verdict = limits.allowJoin(home, now);
    assert.equal(
      verdict.ok,
      true,
      `refused at ${now}: ${JSON.stringify(verdict)}`,
    );
    if (fails) limits.failedJoin(home, now);
    now += 100;
  };
  for (let game = 0; game < 4; game++) {
    // Everyone opens a socket: host plus 12 phones.
    for (let i = 0; i < 13; i++) assert.ok(limits.openConnection(home));
    // Two mistyped codes, then all 12 join.
    join(true);
    join(true);
    for (let i = 0; i < 12; i++) join();
    // A Wi-Fi blip: everyone rejoins at once, twice.
    for (let blip = 0; blip < 2; blip++) {
      for (let i = 0; i < 13; i++) join();
    }
    // Another mistype and the host reloading (reclaim counts as a join).
    join(true);
    join();
    for (let i = 0; i < 13; i++) limits.closeConnection(home);
    now += 20 * 60_000; // a game lasts a while
  }
});

Deno.test("MemoryAddressLimits forgets idle addresses on sweep", () => {
  const limits = new MemoryAddressLimits(DEFAULTS);
  limits.failedJoin("a", 0);
  assert.ok(limits.openConnection("b"));
  limits.sweep(24 * HOUR);
  assert.equal(limits.size, 1); // "b" still has a connection
  limits.closeConnection("b");
  limits.sweep(48 * HOUR);
  assert.equal(limits.size, 0);
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
      joinSlowMs: 0,
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
    for (let i = 0; i < 6; i++) {
      answers.push(String((await tryJoin(guesser, wrong, "Eve")).val));
    }
    assert.deepEqual(answers, [
      "wrong room",
      "wrong room",
      "wrong room",
      "wrong room",
      "wrong room",
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
    assert.match(metrics, /pizza_errors_total\{code="rate limited"\} 2/);
  } finally {
    await guesser.close();
    await host.close();
    await logged.close();
  }
});

Deno.test("server with default limits: a household (host and 12 phones on one address) rejoins after a Wi-Fi blip without a limit", async () => {
  const server = await startTestServer();
  const clients: WsClient[] = [];
  try {
    const host = await WsClient.connect(server.localUrl);
    clients.push(host);
    host.send({ action: "createRoom" });
    const room = String((await host.nextOfType("confirmRoom")).room);
    const tokens = new Map<string, string>();
    const phones: WsClient[] = [];
    // A mistyped code or two first.
    const typo = await WsClient.connect(server.localUrl);
    clients.push(typo);
    for (const code of ["QQQQ", "QQQX"]) {
      const answer = await tryJoin(typo, code === room ? "QQQW" : code, "Kid");
      assert.equal(answer.val, "wrong room");
    }
    for (let i = 0; i < 12; i++) {
      const phone = await WsClient.connect(server.localUrl);
      clients.push(phone);
      const joined = await tryJoin(phone, room, `P${i}`);
      assert.equal(joined.type, "joined", JSON.stringify(joined));
      tokens.set(`P${i}`, String(joined.reconnectToken));
      phones.push(phone);
    }
    // The blip: every phone drops and comes back at once, with its token.
    await Promise.all(phones.map((p) => p.close()));
    const again = await Promise.all(
      [...tokens].map(async ([name, token]) => {
        const phone = await WsClient.connect(server.localUrl);
        clients.push(phone);
        phone.send({
          action: "joinRoom",
          room,
          username: name,
          reconnectToken: token,
        });
        return await phone.next((m) =>
          m.type === "joined" || m.type === "error"
        );
      }),
    );
    for (const answer of again) {
      assert.equal(answer.type, "joined", JSON.stringify(answer));
      assert.equal(answer.reconnected, true);
    }
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

Deno.test("MemoryAddressLimits counts a whole IPv6 /64 as one address", () => {
  const limits = new MemoryAddressLimits({ ...DEFAULTS, failedJoinBudget: 3 });
  for (let i = 0; i < 4; i++) {
    limits.failedJoin(`2001:db8:5:6::${(i + 1).toString(16)}`, 0);
  }
  assert.equal(limits.allowJoin("2001:db8:5:6:ffff::9", 1).ok, false);
  assert.equal(limits.allowJoin("2001:db8:5:7::1", 1).ok, true);
});

Deno.test("MemoryAddressLimits slows joins once half the failed-join budget is used, then refuses", () => {
  const settings = { ...DEFAULTS, failedJoinBudget: 4, joinSlowMs: 2_000 };
  const limits = new MemoryAddressLimits(settings);
  const address = "198.51.100.20";
  assert.equal(limits.allowJoin(address, 0).ok, true);
  limits.failedJoin(address, 0);
  assert.equal(limits.allowJoin(address, 10).ok, true);
  limits.failedJoin(address, 10);
  // Half used: the next join must wait for joinSlowMs.
  const slowed = limits.allowJoin(address, 20);
  assert.deepEqual(slowed, { ok: false, reason: "slowed", retryMs: 1_990 });
  assert.equal(limits.allowJoin(address, 2_010).ok, true);
  limits.failedJoin(address, 2_010);
  assert.equal(limits.allowJoin(address, 4_010).ok, true);
  limits.failedJoin(address, 4_010);
  assert.equal(limits.allowJoin(address, 6_010).ok, true);
  // The fifth failure is over the budget: refused for joinBlockMs.
  assert.equal(limits.failedJoin(address, 6_010), true);
  const blocked = limits.allowJoin(address, 8_010);
  assert.equal(blocked.ok, false);
  assert.equal(!blocked.ok && blocked.reason, "blocked");
  assert.equal(
    limits.allowJoin(address, 6_010 + settings.joinBlockMs).ok,
    true,
  );
});
