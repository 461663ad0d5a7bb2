/**
 * Puts the room bus under one instance's registry: frames are charged and
 * parsed first, then go to the registry (rooms held here), claim a code
 * (`createRoom`), go to the room's owner (forwarded), or adopt a room whose
 * owner died. Registry changes keep the room's record; one timer keeps
 * liveness and notices lost codes and dead instances.
 *
 * @module
 */
import type { ClientMessage, ServerMessage } from "../../protocol/mod.ts";
import type {
  Connection,
  RegistryEvent,
  RoomChange,
  RoomRegistry,
} from "../room_registry.ts";
import type { AudienceConnection } from "../audience_hall.ts";
import type { FaultBoundary } from "../fault_boundary.ts";
import type { LimitCounters } from "../limit_counters.ts";
import type { BusGauges } from "../metrics.ts";
import {
  isBlockedCode,
  randomRoomCode,
  randomToken,
  tokenDigest,
} from "../room_codes.ts";
import type { Envelope } from "./envelope.ts";
import { BusDownError, type BusHealth, type RoomBus } from "./room_bus.ts";

/** WebSocket close code "service restart": the client reconnects. */
const CLOSE_SERVICE_RESTART = 1012;
/** The close reason of a socket whose room lives elsewhere now. */
const MOVED = "this game moved to another server; reconnect";
/** Frames of one socket that may wait for a lookup. */
const MAX_WAITING = 16;
/** How many codes to try before giving up on a claim. */
const CLAIM_ATTEMPTS = 20;
/** How long a ping through this instance's channel may take, in ms. */
const PING_PATIENCE_MS = 3_000;
/** The `conn` of an `out` envelope for every watcher here of a room. */
const AUDIENCE = "audience:";

/** Something worth a log line (a registry event's fields). */
export type RouterEvent = Pick<
  RegistryEvent,
  "event" | "room" | "conn" | "detail"
>;

/** Options for {@link RoomRouter}. */
export interface RoomRouterOptions {
  /** This instance's registry. */
  registry: RoomRegistry;
  /** This instance's bus (not started: {@link RoomRouter.start} does). */
  bus: RoomBus;
  /** Where every entry from outside runs (socket, bus, timer). */
  boundary: FaultBoundary;
  /** How often liveness is refreshed, in ms (0: only by `tick()`). @default 5000 */
  tickMs?: number;
  /** How long liveness lasts after a refresh, in ms. @default 15000 */
  livenessTtlMs?: number;
  /** Receives events worth logging. @default ignore */
  log?: (event: RouterEvent) => void;
  /** Per-address counters all instances share (over the bus's store). */
  limitCounters?: LimitCounters;
}

/** A local socket whose room lives on another instance. */
interface Forwarded {
  owner: string;
  code: string;
  /** Whether the owner knows the socket (its address went with a frame). */
  opened: boolean;
  /** Frames gathered while the socket's waiting frames are routed. */
  held?: string[];
  /** Whether it watches the room (the owner said `watching`). */
  watching?: boolean;
}

/**
 * Routes one instance's socket traffic through the bus. It has the
 * registry's `open` / `receive` / `closed` / `metrics`, so the socket layer
 * talks to it as to the registry.
 */
export class RoomRouter {
  /** Per-address counters all instances share, when given. */
  readonly limitCounters?: LimitCounters;
  readonly #registry: RoomRegistry;
  readonly #bus: RoomBus;
  readonly #boundary: FaultBoundary;
  readonly #tickMs: number;
  readonly #livenessTtlMs: number;
  readonly #log: (event: RouterEvent) => void;
  /** Until when (`performance.now()`) this instance is known alive. */
  #aliveUntil = 0;
  /** The refresh that work waits for while liveness may have lapsed. */
  #rechecking: Promise<void> | undefined;
  readonly #forwarded = new Map<string, Forwarded>();
  /** Frames of sockets whose lookup (or other bus call) is in flight. */
  readonly #waiting = new Map<string, { raw: string; msg: ClientMessage }[]>();
  /** Stand-ins of other instances' sockets in rooms held here. */
  readonly #proxies = new Map<string, RemoteConnection>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #ping = { id: 0, sentAt: 0, answered: true };
  #roundTripMs = NaN;
  #closed = false;

  constructor(options: RoomRouterOptions) {
    this.#registry = options.registry;
    this.limitCounters = options.limitCounters;
    this.#bus = options.bus;
    this.#boundary = options.boundary;
    this.#tickMs = options.tickMs ?? 5_000;
    this.#livenessTtlMs = options.livenessTtlMs ?? 15_000;
    this.#log = options.log ?? (() => {});
    // The owner's audience fan-out: one envelope per instance per update.
    this.#registry.setAudienceRelay((instance, code, msg) =>
      this.#bus.publish(instance, {
        kind: "out",
        from: this.#bus.instanceId,
        conn: AUDIENCE + code,
        msgs: [msg],
      })
    );
  }

  /** The registry's counters (the socket layer counts its refusals there). */
  get metrics(): RoomRegistry["metrics"] {
    return this.#registry.metrics;
  }

  /** This instance's bus. */
  get bus(): RoomBus {
    return this.#bus;
  }

  /**
   * Starts the bus and the instance timer. Resolves once connected (or
   * found unreachable: the bus comes up by itself later).
   * @param onHealth Called each time the bus goes up or down.
   */
  async start(onHealth: (health: BusHealth) => void = () => {}): Promise<void> {
    const boundary = this.#boundary;
    await this.#bus.start(
      (e: Envelope) => {
        // A fault costs the one socket the envelope is about (1011).
        const connId = e.kind === "in"
          ? `${e.from}:${e.conn}`
          : e.kind === "out"
          ? e.conn
          : undefined;
        const where = { where: `bus delivery (${e.kind})`, connId };
        boundary.run(where, () => this.#deliver(e), () => this.#fail(connId));
      },
      boundary.wrap({ where: "bus connection event" }, (health: BusHealth) => {
        onHealth(health);
        if (!health.up) return;
        this.#aliveUntil = performance.now() + this.#livenessTtlMs;
        return this.tick();
      }),
    );
    if (this.#tickMs > 0 && !this.#closed) {
      this.#timer = setInterval(
        boundary.wrap({ where: "bus timer" }, () => this.tick()),
        this.#tickMs,
      );
    }
  }

  /** Whether the bus is up, and the last error. */
  health(): BusHealth {
    return this.#bus.health();
  }

  /** A local socket opened. */
  open(conn: Connection, address: string): void {
    this.#boundary.run(
      { where: "socket open", connId: conn.id, address },
      () => this.#registry.open(conn, address),
    );
  }

  /**
   * One raw frame from a local socket: charged and parsed first; frames of
   * one socket stay in order, and at most 16 wait for a lookup.
   */
  receive(connId: string, raw: unknown): void {
    this.#boundary.run({ where: "socket message", connId }, () => {
      if (this.#lapsed()) this.#hold(() => this.#receive(connId, raw));
      else this.#receive(connId, raw);
    });
  }

  /**
   * Whether liveness may have lapsed (a long pause): another instance may
   * have adopted rooms held here, so nothing acts until a refresh.
   */
  #lapsed(): boolean {
    return performance.now() > this.#aliveUntil && this.#bus.health().up &&
      this.#registry.roomCount > 0;
  }

  /** Runs `work` after the next refresh (in arrival order). */
  #hold(work: () => void): void {
    const where = { where: "bus timer" };
    this.#rechecking ??= this.tick()
      .catch((error) => this.#boundary.fault(where, error))
      .finally(() => this.#rechecking = undefined);
    this.#rechecking.then(() =>
      this.#boundary.run({ where: "held work" }, work)
    );
  }

  /** One frame of a socket: local, or another instance's on the owner. */
  #receive(connId: string, raw: unknown): void {
    const queue = this.#waiting.get(connId);
    if (queue && queue.length >= MAX_WAITING) {
      return this.#registry.refuse(connId, "rate limited");
    }
    const msg = this.#registry.admit(connId, raw);
    if (!msg) return;
    if (queue) queue.push({ raw: raw as string, msg });
    else this.#route(connId, raw as string, msg);
  }

  /** A local socket closed. */
  closed(connId: string): void {
    this.#waiting.delete(connId);
    this.#boundary.run({ where: "socket close", connId }, () => {
      this.#unforward(connId);
      this.#registry.closed(connId);
    });
  }

  /** Keeps a room's record in step with the registry (its `onChange`). */
  readonly onChange = (change: RoomChange): void => {
    if (this.#closed) return;
    const { code, type } = change;
    const room = this.#registry.room(code);
    // "room created": the claim wrote the new room's record.
    let write: Promise<void> | undefined;
    if (type === "seat changed") {
      const seat = room?.seatOf(change.username);
      write = this.#bus.saveSeat(
        code,
        change.username,
        seat && {
          joinedAt: seat.joinedAt,
          keepsToken: seat.keepsToken,
          tokenHashes: [
            ...seat.tokenHashes ?? [],
            ...seat.tokens.map((token) => tokenDigest(token)),
          ],
        },
      );
    } else if (type === "room changed" && room) {
      write = this.#bus.saveRoom(
        code,
        tokenDigest(room.hostToken),
        room.started,
      );
    } else if (type === "room closed") {
      // A code lost to another instance stays its (release compares).
      write = this.#bus.release(code);
    }
    // A write lost while the bus is down is repaired by the next one.
    write?.catch(() => {});
  };

  /**
   * The instance timer's work: liveness refreshed, rooms whose code went
   * to another instance closed (their sockets reconnect to it), codes a
   * restarted store forgot claimed again, dead instances' sockets dropped,
   * and a ping through this instance's own channel (a subscriber that
   * stopped delivering is made again).
   */
  async tick(): Promise<void> {
    if (this.#closed || !this.#bus.health().up) return;
    const bus = this.#bus;
    const registry = this.#registry;
    const asked = performance.now();
    const ping = this.#ping;
    const late = asked - ping.sentAt > PING_PATIENCE_MS;
    // Unanswered for long: the subscriber stopped delivering.
    if (!ping.answered && late) bus.resubscribe();
    if (ping.answered || late) {
      const id = ping.id + 1;
      this.#ping = { id, sentAt: asked, answered: false };
      bus.publish(bus.instanceId, { kind: "ping", from: bus.instanceId, id });
    }
    const { lost, missing } = await bus.refresh(registry.codes());
    this.#aliveUntil = asked + this.#livenessTtlMs;
    for (const code of lost) {
      registry.dropRoom(code, CLOSE_SERVICE_RESTART, MOVED);
    }
    for (const code of missing) await this.#claimAgain(code);
    const others = this.#peers();
    const alive = await bus.alive([...others]);
    for (const instance of others) {
      if (alive.has(instance)) continue;
      this.#log({ event: "instance gone", detail: instance });
      this.#deliver({ kind: "gone", from: instance });
    }
  }

  /** Routing and bus figures. */
  figures(): BusGauges {
    const forwarded = [...this.#forwarded.values()];
    return {
      ...this.#bus.counters(),
      instanceId: this.#bus.instanceId,
      busUp: this.#bus.health().up,
      roundTripMs: this.#roundTripMs,
      roomsOwned: this.#registry.roomCount,
      roomsElsewhere: new Set(forwarded.map((f) => f.code)).size,
      socketsForwarded: forwarded.length,
      remoteSockets: this.#proxies.size,
    };
  }

  /**
   * Stops: says goodbye to the instances this one talks to, and closes the
   * bus (others may adopt this one's rooms at once). Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (const instance of this.#peers()) {
      this.#bus.publish(instance, { kind: "gone", from: this.#bus.instanceId });
    }
    await this.#bus.close();
  }

  /** The other instances this one holds sockets of or forwards to. */
  #peers(): Set<string> {
    const peers = new Set<string>();
    for (const proxy of this.#proxies.values()) peers.add(proxy.instance);
    for (const forwarded of this.#forwarded.values()) {
      peers.add(forwarded.owner);
    }
    return peers;
  }

  #route(connId: string, raw: string, msg: ClientMessage): void {
    const registry = this.#registry;
    const action = msg.action;
    // Another instance's socket: this instance owns its room.
    if (this.#proxies.has(connId)) {
      return this.#wait(connId, action, this.#local(connId, msg));
    }
    const code = "room" in msg ? msg.room : undefined;
    const forwarded = this.#forwarded.get(connId);
    if (forwarded) {
      if (
        code === forwarded.code ||
        (code === undefined && action !== "createRoom")
      ) {
        return this.#forward(connId, forwarded, raw);
      }
      // Another room asked for: the socket leaves the owner it was sent to.
      this.#unforward(connId);
    }
    if (action === "createRoom" && !registry.inRoom(connId)) {
      return this.#wait(connId, action, this.#create(connId));
    }
    if (
      !("room" in msg) || registry.inRoom(connId) || registry.hasRoom(msg.room)
    ) return this.#wait(connId, action, this.#local(connId, msg));
    this.#wait(connId, action, this.#elsewhere(connId, raw, msg));
  }

  /**
   * Holds a socket's next frames until `work` is done (a bus that is down
   * answers "unavailable"), then routes them.
   */
  #wait(connId: string, action: string, work?: Promise<void>): void {
    if (!work) return;
    this.#waiting.set(connId, []);
    const resume = () => {
      const queue = this.#waiting.get(connId) ?? [];
      this.#waiting.delete(connId);
      try {
        while (queue.length > 0) {
          const { raw, msg } = queue.shift()!;
          this.#route(connId, raw, msg);
          // Another wait began: the rest wait for it.
          const again = this.#waiting.get(connId);
          if (again) return void again.push(...queue);
        }
      } finally {
        // The frames forwarded meanwhile go to the owner in one envelope.
        const forwarded = this.#forwarded.get(connId);
        if (forwarded) this.#send(connId, forwarded);
      }
    };
    const where = {
      where: "frame routing",
      connId,
      address: this.#registry.addressOf(connId),
    };
    const fail = () => this.#fail(connId);
    this.#boundary.run(
      where,
      () =>
        work.catch((error) => {
          if (!(error instanceof BusDownError)) throw error;
          this.#registry.refuse(connId, "unavailable", { action });
        }).finally(() => this.#boundary.run(where, resume, fail)),
      fail,
    );
  }

  /** Claims a free code (its record is written with it), then opens the room. */
  async #create(connId: string): Promise<void> {
    const registry = this.#registry;
    const hostToken = randomToken();
    const hostHash = tokenDigest(hostToken);
    for (let i = 0; i < CLAIM_ATTEMPTS; i++) {
      const code = randomRoomCode();
      if (isBlockedCode(code) || registry.hasRoom(code)) continue;
      if (!(await this.#bus.claim(code, hostHash, false)).claimed) continue;
      // The record is in the store already: the host hears confirmRoom now.
      if (!registry.createRoom(connId, code, hostToken)) {
        await this.#bus.release(code).catch(() => {});
      }
      return;
    }
    const context = { action: "createRoom", noCode: true };
    registry.refuse(connId, "server full", context);
  }

  /** A frame served here (a reclaim that will succeed waits on the bus). */
  #local(connId: string, msg: ClientMessage): Promise<void> | undefined {
    const registry = this.#registry;
    if (
      msg.action !== "reclaimRoom" || registry.inRoom(connId) ||
      !registry.hostTokenMatches(msg.room, msg.hostToken)
    ) return void registry.handle(connId, msg);
    return this.#reclaim(connId, msg.room, msg.hostToken);
  }

  /** A reclaim here: the renewed token's digest is stored before it is sent. */
  async #reclaim(connId: string, code: string, token: string): Promise<void> {
    const registry = this.#registry;
    const renewed = randomToken();
    const started = registry.room(code)?.started ?? false;
    // Down: nobody can adopt the room meanwhile either.
    await this.#bus.saveRoom(code, tokenDigest(renewed), started)
      .catch(() => {});
    registry.reclaimRoom(connId, code, token, renewed);
    // Another reclaim came first: the record follows the room's token.
    if (registry.room(code)?.hostToken !== renewed) {
      this.onChange({ type: "room changed", code });
    }
  }

  /** A join, reclaim or watch of a room not held here: asks who owns it. */
  async #elsewhere(
    connId: string,
    raw: string,
    msg: Extract<ClientMessage, { room: string }>,
  ): Promise<void> {
    const registry = this.#registry;
    const code = msg.room;
    // The bus is down: a room that opened here meanwhile is served still.
    const found = await this.#bus.lookup(code).catch((error) => {
      if (!registry.hasRoom(code)) throw error;
      return { owner: this.#bus.instanceId, record: true };
    });
    if (!registry.connection(connId)) return;
    if (registry.hasRoom(code) || found.owner === this.#bus.instanceId) {
      return await this.#local(connId, msg);
    }
    if (found.owner !== undefined) {
      return this.#forwardTo(connId, found.owner, code, raw);
    }
    if (msg.action === "reclaimRoom") {
      return await this.#adopt(connId, raw, msg);
    }
    if (found.record) {
      // Its owner died and its host has not taken it back yet: the client
      // retries (as after any lost connection) and finds it then.
      return registry.connection(connId)?.close(CLOSE_SERVICE_RESTART, MOVED);
    }
    registry.handle(connId, msg);
  }

  /** Takes over a room whose owner died, from its record; then reclaims it. */
  async #adopt(
    connId: string,
    raw: string,
    msg: Extract<ClientMessage, { action: "reclaimRoom" }>,
  ): Promise<void> {
    const registry = this.#registry;
    const code = msg.room;
    const claim = await this.#bus.claim(code, tokenDigest(msg.hostToken), true);
    if ("owner" in claim) {
      return this.#forwardTo(connId, claim.owner, code, raw);
    }
    if ("reason" in claim && claim.reason === "bad token") {
      return registry.refuse(connId, "bad token", { action: msg.action });
    }
    const record = claim.claimed && await this.#bus.loadRecord(code);
    if (
      record && registry.restoreRoom({
        code,
        hostToken: msg.hostToken,
        started: record.started,
        address: registry.addressOf(connId) ?? "unknown",
        seats: [...record.seats].map(([name, seat]) => ({ name, ...seat })),
      })
    ) this.#log({ event: "room adopted", room: code, conn: connId });
    await this.#local(connId, msg);
  }

  /** Claims a code again that a restarted store forgot, with its record. */
  async #claimAgain(code: string): Promise<void> {
    const room = this.#registry.room(code);
    if (!room) return;
    const digest = tokenDigest(room.hostToken);
    if (!(await this.#bus.claim(code, digest, false)).claimed) {
      return this.#registry.dropRoom(code, CLOSE_SERVICE_RESTART, MOVED);
    }
    this.onChange({ type: "room changed", code });
    for (const { username } of room.seats()) {
      this.onChange({ type: "seat changed", code, username });
    }
  }

  /** Forwards a socket to `owner`; its frame leaves when the wait ends. */
  #forwardTo(connId: string, owner: string, code: string, raw: string): void {
    this.#forwarded.set(connId, { owner, code, opened: false, held: [raw] });
  }

  #forward(connId: string, forwarded: Forwarded, frame: string): void {
    if (forwarded.held) return void forwarded.held.push(frame);
    forwarded.held = [frame];
    this.#send(connId, forwarded);
  }

  /** Publishes the frames a forwarded socket gathered, in one `in`. */
  #send(connId: string, forwarded: Forwarded): void {
    const frames = forwarded.held;
    forwarded.held = undefined;
    if (!frames?.length) return;
    const address = forwarded.opened
      ? undefined
      : this.#registry.addressOf(connId) ?? "unknown";
    forwarded.opened = true;
    const from = this.#bus.instanceId;
    const envelope = { kind: "in" as const, from, conn: connId, frames };
    this.#bus.publish(forwarded.owner, { ...envelope, address });
  }

  /** The socket leaves its owner: what it gathered, then `gone`. */
  #unforward(connId: string): void {
    const forwarded = this.#forwarded.get(connId);
    if (!forwarded) return;
    this.#send(connId, forwarded);
    this.#forwarded.delete(connId);
    this.#bus.publish(forwarded.owner, {
      kind: "gone",
      from: this.#bus.instanceId,
      conn: connId,
    });
  }

  #deliver(envelope: Envelope): void {
    const registry = this.#registry;
    switch (envelope.kind) {
      case "in": {
        if (this.#lapsed()) return this.#hold(() => this.#deliver(envelope));
        const id = `${envelope.from}:${envelope.conn}`;
        let proxy = this.#proxies.get(id);
        if (!proxy) {
          if (envelope.address === undefined) return;
          proxy = new RemoteConnection(this.#bus, envelope.from, envelope.conn);
          this.#proxies.set(id, proxy);
          registry.open(proxy, envelope.address);
        }
        // Everything these frames cause for that socket goes in one envelope.
        return proxy.batch(() => {
          for (const frame of envelope.frames) this.#receive(id, frame);
        });
      }
      case "out": {
        const { from, conn, msgs, close } = envelope;
        if (conn.startsWith(AUDIENCE)) {
          return this.#toAudience(from, conn.slice(AUDIENCE.length), msgs);
        }
        const forwarded = this.#forwarded.get(conn);
        if (forwarded?.owner !== from) return;
        const socket = registry.connection(conn);
        for (const msg of msgs) {
          if (msg.type === "watching") forwarded.watching = true;
          if (msg.type === "roomClosed") forwarded.watching = false;
          socket?.send(msg);
        }
        if (close) socket?.close(close.code, close.reason);
        return;
      }
      case "gone": {
        const { from, conn } = envelope;
        if (conn !== undefined) {
          const id = `${from}:${conn}`;
          if (this.#proxies.delete(id)) registry.closed(id);
          return;
        }
        for (const [id, proxy] of this.#proxies) {
          if (proxy.instance !== from) continue;
          this.#proxies.delete(id);
          registry.closed(id);
        }
        for (const [connId, forwarded] of this.#forwarded) {
          if (forwarded.owner !== from) continue;
          this.#forwarded.delete(connId);
          registry.connection(connId)?.close(CLOSE_SERVICE_RESTART, MOVED);
        }
        return;
      }
      case "ping":
        if (
          envelope.from === this.#bus.instanceId &&
          envelope.id === this.#ping.id
        ) {
          this.#ping.answered = true;
          this.#roundTripMs = performance.now() - this.#ping.sentAt;
        }
        return;
    }
  }

  /**
   * The owner's audience messages of a room: each serialised once, sent to
   * every socket here watching it; a `roomClosed` ends their watching.
   */
  #toAudience(owner: string, code: string, msgs: ServerMessage[]): void {
    for (const msg of msgs) {
      const text = JSON.stringify(msg);
      for (const [connId, to] of this.#forwarded) {
        if (!to.watching || to.owner !== owner || to.code !== code) continue;
        const conn: AudienceConnection | undefined = this.#registry
          .connection(connId);
        if (conn?.sendText) conn.sendText(text);
        else conn?.send(msg);
        if (msg.type === "roomClosed") to.watching = false;
      }
    }
  }

  /** Closes a socket (local or remote) after a fault while serving it. */
  #fail(connId: string | undefined): void {
    if (connId === undefined) return;
    this.#registry.connection(connId)?.close(1011, "internal error");
  }
}

/**
 * The owner's stand-in for a socket on another instance: the registry
 * sends to it as to a local socket; what a `batch` of the socket's frames
 * causes leaves in one `out` envelope, anything else at once.
 */
class RemoteConnection implements Connection {
  readonly id: string;
  #held: ServerMessage[] | undefined;
  #close: { code?: number; reason?: string } | undefined;

  constructor(
    readonly bus: RoomBus,
    readonly instance: string,
    readonly conn: string,
  ) {
    this.id = `${instance}:${conn}`;
  }

  send(msg: ServerMessage): void {
    if (this.#held) this.#held.push(msg);
    else this.#publish([msg]);
  }

  close(code?: number, reason?: string): void {
    this.#close = { code, reason: reason?.slice(0, 123) };
    if (!this.#held) this.#publish([]);
  }

  /** Runs `handle`; what it sends leaves in one envelope. */
  batch(handle: () => void): void {
    this.#held = [];
    try {
      handle();
    } finally {
      const msgs = this.#held;
      this.#held = undefined;
      if (msgs.length > 0 || this.#close) this.#publish(msgs);
    }
  }

  #publish(msgs: ServerMessage[]): void {
    const { bus, conn, instance } = this;
    const close = this.#close;
    this.#close = undefined;
    bus.publish(instance, {
      kind: "out",
      from: bus.instanceId,
      conn,
      msgs,
      close,
    });
  }
}
