/**
 * Property test of the seat rules: random phones join (with their own
 * token, a wrong one or none; keeping tokens or not), drop, get kicked,
 * while the host starts, opens and closes joining and answers rejoin
 * requests, and time passes. After every step: no seat has two holders,
 * the registry agrees with what the phones were told, and a phone that
 * presents the token of its seat is always let back in.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type Connection,
  RoomRegistry,
} from "../../src/server/room_registry.ts";
import type { ServerMessage } from "../../src/protocol/mod.ts";
import { decideJoin } from "../../src/server/join_rules.ts";
import { tokenDigest } from "../../src/server/room_codes.ts";

type Msg = { type: string; [key: string]: unknown };

class Phone implements Connection {
  readonly sent: Msg[] = [];
  closed = false;
  constructor(readonly id: string) {}
  send(msg: ServerMessage): void {
    this.sent.push(JSON.parse(JSON.stringify(msg)));
  }
  close(): void {
    this.closed = true;
  }
}

const NAMES = ["Ann", "Bob"] as const;
const PHONES = 4;

type Command =
  | {
    k: "join";
    phone: number;
    name: number;
    token: "own" | "none" | "wrong";
    keeps: boolean;
  }
  | { k: "drop"; phone: number }
  | { k: "start" }
  | { k: "joining"; open: boolean }
  | { k: "answer"; approve: boolean }
  | { k: "kick"; name: number }
  | { k: "tick" };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      k: fc.constant("join" as const),
      phone: fc.nat(PHONES - 1),
      name: fc.nat(NAMES.length - 1),
      token: fc.constantFrom("own" as const, "none" as const, "wrong" as const),
      keeps: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant("drop" as const),
      phone: fc.nat(PHONES - 1),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ k: "start" as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("joining" as const),
      open: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("answer" as const),
      approve: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("kick" as const),
      name: fc.nat(NAMES.length - 1),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ k: "tick" as const }) },
);

/** What one phone was told: its seat, the token, and when it was given. */
interface Held {
  name: string;
  token: string;
  /** The seat's epoch (a removed and re-made seat is another seat). */
  epoch: number;
  /** Joins into that seat before this token was given. */
  pushes: number;
}

function run(commands: Command[]): void {
  let time = 1_000_000;
  let ids = 0;
  let tokens = 0;
  const registry = new RoomRegistry({
    limits: {
      maxMessageBytes: 65_536,
      maxPlayersPerRoom: 12,
      maxRooms: 10,
      maxRoomsPerAddress: 10,
      maxMessagesPerSecond: 1e6,
      messageBurst: 1e6,
      hostGraceMs: 600_000,
      lobbySeatGraceMs: 60_000,
      rejoinApprovalMs: 30_000,
    },
    now: () => time,
    generateToken: () => `token${String(++tokens).padStart(6, "0")}`,
  });
  const host = new Phone("host");
  registry.open(host, "10.0.0.1");
  registry.receive("host", JSON.stringify({ action: "createRoom" }));
  const code = String(host.sent[0].room);
  const room = registry.room(code)!;
  const say = (conn: Phone, msg: unknown) =>
    registry.receive(conn.id, JSON.stringify(msg));

  const conns: (Phone | undefined)[] = Array(PHONES).fill(undefined);
  /** The last seat each phone was given (kept after it drops). */
  const held: (Held | undefined)[] = Array(PHONES).fill(undefined);
  const epoch = new Map<string, number>();
  const pushes = new Map<string, number>();
  let hostSeen = 0;

  /** Reads the host's new messages: seats removed start a new epoch. */
  const readHost = () => {
    for (const msg of host.sent.slice(hostSeen)) {
      if (msg.type === "playerLeft" && msg.reason !== "disconnected") {
        const name = String(msg.clientUsername);
        epoch.set(name, (epoch.get(name) ?? 0) + 1);
      }
    }
    hostSeen = host.sent.length;
  };
  /** Reads a phone's new messages; returns the last `joined`, if any. */
  const seen = new Map<Phone, number>();
  const readPhone = (phone: number): Msg | undefined => {
    const conn = conns[phone];
    if (!conn) return undefined;
    let joined: Msg | undefined;
    for (const msg of conn.sent.slice(seen.get(conn) ?? 0)) {
      if (msg.type === "joined") {
        const name = String(msg.username);
        const count = pushes.get(name) ?? 0;
        held[phone] = {
          name,
          token: String(msg.reconnectToken),
          epoch: epoch.get(name) ?? 0,
          pushes: count,
        };
        pushes.set(name, count + 1);
        joined = msg;
      }
    }
    seen.set(conn, conn.sent.length);
    return joined;
  };
  const readAll = () => {
    readHost();
    for (let p = 0; p < PHONES; p++) readPhone(p);
  };

  for (const cmd of commands) {
    switch (cmd.k) {
      case "join": {
        const previous = conns[cmd.phone];
        if (previous) registry.closed(previous.id);
        readAll();
        const conn = new Phone(`p${++ids}`);
        conns[cmd.phone] = conn;
        registry.open(conn, "10.0.0.2");
        const mine = held[cmd.phone];
        const name = cmd.token === "own" && mine ? mine.name : NAMES[cmd.name];
        const token = cmd.token === "own" ? mine?.token : "wrongwrongwrong";
        const before = room.seatOf(name);
        const tokenValid = token !== undefined && cmd.token === "own" &&
          before?.tokens.includes(token) === true;
        const guarded = before?.keepsToken === true;
        say(conn, {
          action: "joinRoom",
          room: code,
          username: name,
          ...(cmd.token === "none" || !token ? {} : { reconnectToken: token }),
          ...(cmd.keeps ? { keepsToken: true } : {}),
        });
        readHost();
        const joined = readPhone(cmd.phone);
        // A seat that keeps its token is never taken back by a name alone
        // (or a wrong token): that waits for the host.
        if (guarded && !tokenValid) {
          assert.notEqual(joined?.reconnected, true, JSON.stringify(cmd));
        }
        // The holder of a seat's token always wins, as long as its seat was
        // not removed and fewer than 4 joins pushed its token out.
        if (
          cmd.token === "own" && mine && room.seatOf(mine.name) &&
          (epoch.get(mine.name) ?? 0) === mine.epoch &&
          (pushes.get(mine.name) ?? 0) - 1 - mine.pushes <= 3
        ) {
          assert.equal(joined?.username, mine.name, JSON.stringify(cmd));
          assert.equal(joined?.reconnected, true);
        }
        break;
      }
      case "drop": {
        const conn = conns[cmd.phone];
        if (conn) registry.closed(conn.id);
        conns[cmd.phone] = undefined;
        break;
      }
      case "start":
        say(host, { action: "startGame" });
        break;
      case "joining":
        say(host, { action: "setJoining", open: cmd.open });
        break;
      case "answer": {
        const [request] = room.rejoinRequests.values();
        if (request) {
          say(host, {
            action: "approveRejoin",
            requestId: request.id,
            approve: cmd.approve,
          });
        }
        break;
      }
      case "kick":
        say(host, { action: "kickPlayer", clientUsername: NAMES[cmd.name] });
        break;
      case "tick":
        time += 61_000;
        registry.sweep();
        break;
    }
    readAll();

    // Every connected seat is held by a live phone that was told it is in
    // that seat, and no phone holds two.
    const holders = new Map<string, string>();
    for (const seat of room.seats()) {
      if (seat.connId === undefined) continue;
      const phone = conns.findIndex((c) => c?.id === seat.connId);
      assert.ok(phone >= 0, `seat ${seat.username} held by a gone phone`);
      assert.equal(conns[phone]!.closed, false);
      assert.equal(held[phone]?.name, seat.username);
      assert.equal(holders.has(seat.connId), false);
      holders.set(seat.connId, seat.username);
      assert.ok(seat.tokens.length >= 1 && seat.tokens.length <= 4);
    }
    // A phone closed by the server (replaced, kicked) holds nothing.
    for (const conn of conns) {
      if (conn?.closed) assert.equal(holders.has(conn.id), false);
    }
    assert.ok(room.size <= 12);
    // Requests belong to waiting phones that are still open.
    for (const request of room.rejoinRequests.values()) {
      assert.ok(conns.some((c) => c?.id === request.connId && !c.closed));
    }
  }
  registry.shutdown();
}

Deno.test("RoomRegistry seat rules hold over random joins, drops, kicks, answers and time (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.array(command, { minLength: 4, maxLength: 40, size: "max" }),
      (commands) => {
        run(commands);
      },
    ),
    { numRuns: 1_000, seed: 20261201 },
  );
});

Deno.test("decideJoin() (the registry's join decision) keeps the seat rules for any seat, join and room (fast-check)", () => {
  const secret = fc.constantFrom("tok-a", "tok-b", "tok-c", "tok-d");
  fc.assert(
    fc.property(
      fc.option(
        fc.record({
          tokens: fc.array(secret, { maxLength: 4 }),
          hashed: fc.array(secret, { maxLength: 4 }),
          connected: fc.boolean(),
          keepsToken: fc.boolean(),
        }),
        { nil: undefined },
      ),
      fc.record({
        token: fc.option(secret, { nil: undefined }),
        keepsToken: fc.option(fc.boolean(), { nil: undefined }),
      }),
      fc.record({
        joiningOpen: fc.boolean(),
        size: fc.nat(12),
        maxPlayers: fc.integer({ min: 1, max: 12 }),
      }),
      (facts, ask, room) => {
        const seat = facts && {
          tokens: facts.tokens,
          tokenHashes: facts.hashed.map(tokenDigest),
          connId: facts.connected ? "c1" : undefined,
          keepsToken: facts.keepsToken,
        };
        const outcome = decideJoin(seat, {
          reconnectToken: ask.token,
          keepsToken: ask.keepsToken,
        }, room);
        const holdsToken = ask.token !== undefined && seat !== undefined &&
          (facts!.tokens.includes(ask.token) ||
            facts!.hashed.includes(ask.token));
        // The holder of a seat's token always wins, and spends that token.
        if (holdsToken) {
          assert.equal(outcome.kind, "rejoin");
          if (outcome.kind !== "rejoin") return;
          const spent = outcome.token >= 0
            ? seat!.tokens[outcome.token]
            : facts!.hashed[outcome.digest];
          assert.equal(spent, ask.token);
          return;
        }
        if (outcome.kind === "rejoin") {
          // Without its token, only a free seat that never kept one.
          assert.ok(seat && !seat.keepsToken && seat.connId === undefined);
          assert.equal(outcome.token, -1);
          assert.equal(outcome.digest, -1);
        }
        if (outcome.kind === "ask host") {
          assert.ok(seat?.keepsToken);
        }
        if (outcome.kind === "seat") {
          assert.ok(room.joiningOpen && room.size < room.maxPlayers);
          assert.equal(outcome.renamed, seat !== undefined);
          // A renamed join never takes a token-keeping seat's name by
          // itself: the seat stays with its holder.
          if (seat?.keepsToken) assert.ok(seat.connId !== undefined);
        }
        if (outcome.kind === "refuse" && outcome.error === "name taken") {
          assert.ok(seat && !room.joiningOpen && seat.connId !== undefined);
        }
      },
    ),
    { numRuns: 2_000, seed: 20261207 },
  );
});
