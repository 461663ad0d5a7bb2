/**
 * Soak: hundreds of bot players over real sockets join, drop and come back
 * at random (with their token, or by name through the host's approval)
 * while hosts drop and reclaim their rooms. At the end everyone leaves and
 * the server must hold nothing: no room, player or connection, `/metrics`
 * agreeing with what the bots saw, and the heap back near its baseline.
 *
 * Short by default (CI); `SOAK_SECONDS=300 deno test --allow-all
 * --v8-flags=--expose-gc tests/server/soak_test.ts` runs minutes and
 * measures the heap after a full collection. `SOAK_ROOMS`, `SOAK_PLAYERS`
 * (per room) and `SOAK_SEED` change the crowd and the dice.
 */
import assert from "node:assert/strict";
import { startTestServer } from "../_helpers/test_server.ts";
import { type Received, WsClient } from "../_helpers/ws_client.ts";
import type { PizzaServer } from "../../src/server/app_server.ts";

const SECONDS = Number(Deno.env.get("SOAK_SECONDS") ?? "4");
const ROOMS = Number(Deno.env.get("SOAK_ROOMS") ?? "20");
const PLAYERS = Number(Deno.env.get("SOAK_PLAYERS") ?? "10");
const SEED = Number(Deno.env.get("SOAK_SEED") ?? "20261201");
/** Long: a wait ends as soon as its message is here. */
const WAIT_MS = 30_000;
const OFFER = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" };

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** What the bots saw, to compare with the server's own counters. */
class Tally {
  sockets = 0;
  rooms = 0;
  joins = 0;
  reconnects = 0;
  approved = 0;
  refused = 0;
  hostReclaims = 0;
  readonly errors = new Map<string, number>();
  readonly open = new Set<WsClient>();

  constructor(readonly server: PizzaServer) {}

  async connect(): Promise<WsClient> {
    const client = await WsClient.connect(this.server.localUrl);
    this.sockets++;
    this.open.add(client);
    client.socket.addEventListener("message", (event) => {
      const msg = JSON.parse(String(event.data)) as Received;
      if (msg.type === "error") {
        const val = String(msg.val);
        this.errors.set(val, (this.errors.get(val) ?? 0) + 1);
      } else if (msg.type === "joined") {
        this.joins++;
        if (msg.reconnected) this.reconnects++;
      }
    });
    return client;
  }

  async close(client: WsClient): Promise<void> {
    await client.close();
    this.open.delete(client);
  }
}

/** V8's collector, when the run has `--v8-flags=--expose-gc`. */
const gc = (globalThis as { gc?: () => void }).gc;

/** Heap in use, after a full collection when one can be asked for. */
function heapUsed(): number {
  gc?.();
  return Deno.memoryUsage().heapUsed;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends only while the socket is open (a dropped bot's late answer is lost). */
function trySend(client: WsClient, msg: unknown): void {
  if (client.socket.readyState === WebSocket.OPEN) client.send(msg);
}

/** A host: answers rejoin requests at random, drops and reclaims its room. */
class HostBot {
  conn!: WsClient;
  room = "";
  token = "";

  constructor(readonly tally: Tally, readonly random: () => number) {}

  async create(): Promise<void> {
    this.conn = await this.tally.connect();
    this.#answerRequests(this.conn);
    this.conn.send({ action: "createRoom" });
    const confirm = await this.conn.nextOfType("confirmRoom", WAIT_MS);
    this.tally.rooms++;
    this.room = String(confirm.room);
    this.token = String(confirm.hostToken);
  }

  async reclaim(): Promise<void> {
    await this.tally.close(this.conn);
    const old = this.token;
    this.conn = await this.tally.connect();
    this.#answerRequests(this.conn);
    this.conn.send({ action: "reclaimRoom", room: this.room, hostToken: old });
    const confirm = await this.conn.nextOfType("confirmRoom", WAIT_MS);
    this.token = String(confirm.hostToken);
    assert.notEqual(this.token, old, "host tokens rotate on each reclaim");
    this.tally.hostReclaims++;
  }

  async run(until: number): Promise<void> {
    while (Date.now() < until) {
      await sleep(200 + this.random() * 1_000);
      if (this.random() < 0.3) await this.reclaim();
      else {
        this.conn.send({ action: "ping" });
        await this.conn.nextOfType("pong", WAIT_MS);
      }
    }
  }

  async leave(): Promise<void> {
    this.conn.send({ action: "leaveRoom" });
    await this.tally.close(this.conn);
  }

  #answerRequests(conn: WsClient): void {
    conn.socket.addEventListener("message", (event) => {
      const msg = JSON.parse(String(event.data)) as Received;
      if (msg.type !== "rejoinRequest") return;
      const approve = this.random() < 0.6;
      trySend(conn, {
        action: "approveRejoin",
        requestId: msg.requestId,
        approve,
      });
    });
  }
}

/** A phone: keeps its token; drops and comes back with it or by name. */
class PlayerBot {
  conn!: WsClient;
  token = "";

  constructor(
    readonly tally: Tally,
    readonly random: () => number,
    readonly room: string,
    readonly name: string,
  ) {}

  async join(extra: Record<string, unknown>): Promise<Received> {
    this.conn = await this.tally.connect();
    this.conn.send({
      action: "joinRoom",
      room: this.room,
      username: this.name,
      offer: OFFER,
      keepsToken: true,
      ...extra,
    });
    const answer = await this.conn.next(
      (m) => m.type === "joined" || m.type === "error",
      WAIT_MS,
    );
    if (answer.type === "joined") this.token = String(answer.reconnectToken);
    return answer;
  }

  async run(until: number): Promise<void> {
    while (Date.now() < until) {
      await sleep(50 + this.random() * 400);
      const dice = this.random();
      if (dice < 0.15) {
        // Wi-Fi blip: back with the token, always taken back.
        await this.tally.close(this.conn);
        const back = await this.join({ reconnectToken: this.token });
        assert.equal(back.type, "joined", JSON.stringify(back));
        assert.equal(back.reconnected, true);
      } else if (dice < 0.2) {
        // Lost storage: back by name, the host decides.
        await this.tally.close(this.conn);
        const asked = await this.join({});
        if (asked.type === "error") {
          assert.equal(asked.val, "not approved", JSON.stringify(asked));
          this.tally.refused++;
          await this.tally.close(this.conn);
          const back = await this.join({ reconnectToken: this.token });
          assert.equal(back.type, "joined", JSON.stringify(back));
        } else {
          this.tally.approved++;
        }
      } else {
        this.conn.send({ action: "ping" });
        await this.conn.nextOfType("pong", WAIT_MS);
      }
    }
  }

  async leave(): Promise<void> {
    this.conn.send({ action: "leaveRoom" });
    await this.tally.close(this.conn);
  }
}

/** Waits until `check` holds, polling; fails with `describe()` after a while. */
async function waitFor(
  check: () => boolean,
  describe: () => string,
): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await sleep(20);
  }
}

/** One metric's value from the Prometheus text. */
function metric(text: string, name: string): number {
  const match = text.match(new RegExp(`^${name} (\\d+)$`, "m"));
  assert.ok(match, `no ${name} in /metrics`);
  return Number(match[1]);
}

Deno.test(`soak: ${ROOMS} rooms × ${PLAYERS} bots drop and come back for ${SECONDS} s, then nothing is left`, async () => {
  // Every bot is on 127.0.0.1: one address holds the whole crowd, so the
  // per-address budgets are lifted (those the running server does not know
  // yet are ignored by it).
  const server = await startTestServer({
    maxRoomsPerAddress: ROOMS * 2,
    rejoinApprovalMs: 5_000,
    sweepIntervalMs: 100,
    ...{
      maxConnectionsPerAddress: 1_000_000,
      joinBurstPerAddress: 1_000_000,
      joinRefillMs: 1,
      failedJoinBudget: 1_000_000,
    },
  });
  const tally = new Tally(server);
  const random = seeded(SEED);
  const heapBefore = heapUsed();
  try {
    const hosts = Array.from(
      { length: ROOMS },
      () => new HostBot(tally, random),
    );
    await Promise.all(hosts.map((h) => h.create()));
    const players = hosts.flatMap((host) =>
      Array.from(
        { length: PLAYERS },
        (_, i) => new PlayerBot(tally, random, host.room, `Bot ${i}`),
      )
    );
    for (const player of players) {
      const joined = await player.join({});
      assert.equal(joined.type, "joined", JSON.stringify(joined));
    }
    // Started: a name alone for a live seat is a rejoin, never a new player.
    for (const host of hosts) host.conn.send({ action: "startGame" });
    for (const player of players) {
      await player.conn.nextOfType("gameStarted", WAIT_MS);
    }
    assert.equal(server.registry.stats().players, ROOMS * PLAYERS);

    const until = Date.now() + SECONDS * 1_000;
    await Promise.all([
      ...hosts.map((h) => h.run(until)),
      ...players.map((p) => p.run(until)),
    ]);
    // Every seat is still there, each with one player.
    assert.equal(server.registry.stats().players, ROOMS * PLAYERS);
    assert.equal(server.registry.stats().rooms, ROOMS);

    await Promise.all(players.map((p) => p.leave()));
    await Promise.all(hosts.map((h) => h.leave()));
    await waitFor(
      () => {
        const s = server.registry.stats();
        return s.rooms === 0 && s.players === 0 && s.connections === 0;
      },
      () => JSON.stringify(server.registry.stats()),
    );
    assert.equal(tally.open.size, 0);

    const text = await (await fetch(`${server.localUrl}/metrics`)).text();
    assert.equal(metric(text, "pizza_rooms"), 0);
    assert.equal(metric(text, "pizza_players"), 0);
    assert.equal(metric(text, "pizza_connections"), 0);
    assert.equal(metric(text, "pizza_rooms_created_total"), tally.rooms);
    assert.equal(metric(text, "pizza_connections_opened_total"), tally.sockets);
    assert.equal(metric(text, "pizza_joins_total"), tally.joins);
    assert.equal(metric(text, "pizza_reconnects_total"), tally.reconnects);
    // The only errors are refused rejoins, each seen by its bot.
    assert.deepEqual(
      [...tally.errors.keys()].filter((val) => val !== "not approved"),
      [],
    );
    assert.equal(tally.errors.get("not approved") ?? 0, tally.refused);
    const notApproved = text.match(
      /^pizza_errors_total\{code="not approved"\} (\d+)$/m,
    );
    assert.equal(Number(notApproved?.[1] ?? 0), tally.refused);
    // Something happened: the dice did roll every way.
    assert.ok(tally.reconnects > 0 && tally.hostReclaims > 0, "no churn");

    // Let go of the bots' own sockets and queues before measuring.
    hosts.length = 0;
    players.length = 0;
    const heapAfter = heapUsed();
    console.log(
      `soak: ${ROOMS * PLAYERS} players, ${tally.sockets} sockets, ` +
        `${tally.reconnects} reconnects (${tally.approved} approved by the ` +
        `host, ${tally.refused} refused), ${tally.hostReclaims} host ` +
        `reclaims; heap ${(heapBefore / 1e6).toFixed(1)} → ` +
        `${(heapAfter / 1e6).toFixed(1)} MB`,
    );
    // Everything let go. Measured after a full collection (run with
    // --v8-flags=--expose-gc) the heap is back within a few MB whatever the
    // length; without one, garbage not yet collected counts too, so the
    // bound only catches gross leaks in a short run.
    const allowed = gc ? 8e6 : 64e6;
    assert.ok(
      heapAfter - heapBefore < allowed,
      `heap grew by ${((heapAfter - heapBefore) / 1e6).toFixed(1)} MB` +
        (gc ? " after a full collection" : " (no --expose-gc)"),
    );
  } finally {
    await Promise.all([...tally.open].map((c) => c.close()));
    await server.close();
  }
});
