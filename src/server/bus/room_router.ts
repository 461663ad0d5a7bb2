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
import { AUDIENCE_CONN_PREFIX, RemoteAudience } from "./remote_audience.ts";
import { BusDownError, type BusHealth, type RoomBus } from "./room_bus.ts";

/** WebSocket close code "service restart": the client reconnects. */
export const CLOSE_SERVICE_RESTART = 1012;
/** The close reason of a socket whose room lives elsewhere now. */
const MOVED = "this game moved to another server; reconnect";
/** How many codes to try before giving up on a claim. */
const CLAIM_ATTEMPTS = 20;
/** How long a ping through this instance's channel may take, in ms. */
const PING_PATIENCE_MS = 3_000;
/** Token digests kept for record writes before the cache is emptied. */
const HASH_CACHE_SIZE = 4_096;

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
  /** Frames of one socket that may wait for a lookup. @default 16 */
  maxWaiting?: number;
  /** Receives events worth logging. @default ignore */
  log?: (event: RouterEvent) => void;
  /** Per-address counters all instances share (over the bus's store). */
  limitCounters?: LimitCounters;
  /**
   * The answer that sends a joining socket to its room's owner instead of
   * relaying it (`moveTo`), given the owner's URL. @default never moves
   */
  move?: (msg: ClientMessage, ownerUrl?: string) => ServerMessage | undefined;
}

/** A local socket whose room lives on another instance. */
interface Forwarded {
  owner: string;
  code: string;
  /** Whether the owner knows the socket (its address went with a frame). */
  opened: boolean;
  /** Frames gathered while the socket's waiting frames are routed. */
  held?: string[];
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
  /** Until when (`performance.now()`) this instance is known alive. */
  #aliveUntil = 0;
  /** Work held while liveness may have lapsed (after a long pause). */
  readonly #held: (() => void)[] = [];
  #rechecking: Promise<void> | undefined;
  readonly #maxWaiting: number;
  readonly #log: (event: RouterEvent) => void;
  readonly #addresses = new Map<string, string>();
  readonly #forwarded = new Map<string, Forwarded>();
  /** Local audience sockets of rooms owned elsewhere. */
  readonly #audience = new RemoteAudience();
  /** Frames of sockets whose lookup is in flight, in order. */
  readonly #waiting = new Map<string, { raw: string; msg: ClientMessage }[]>();
  readonly #proxies = new Map<string, RemoteConnection>();
  readonly #hashes = new Map<string, string>();
  readonly #move: NonNullable<RoomRouterOptions["move"]>;
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
    this.#maxWaiting = options.maxWaiting ?? 16;
    this.#log = options.log ?? (() => {});
    this.#move = options.move ?? (() => undefined);
    // The owner's audience fan-out: one envelope per instance per update.
    this.#registry.setAudienceRelay((instance, code, msg) =>
      this.#bus.publish(instance, {
        kind: "out",
        from: this.#bus.instanceId,
        conn: `${AUDIENCE_CONN_PREFIX}${code}`,
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
    this.#addresses.set(conn.id, address);
    this.#boundary.run(
      { where: "socket open", connId: conn.id, address },
      () => this.#registry.open(conn, address),
    );
  }

  /**
   * One raw frame from a local socket: charged and parsed first; frames of
   * one socket stay in order, and at most `maxWaiting` wait for a lookup.
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
    this.#held.push(work);
    const where = { where: "bus timer" };
    this.#rechecking ??= this.tick().catch((error) =>
      this.#boundary.fault(where, error)
    ).finally(() => {
      this.#rechecking = undefined;
      for (const held of this.#held.splice(0)) {
        this.#boundary.run({ where: "held work" }, held);
      }
    });
  }

  #receive(connId: string, raw: unknown): void {
    const queue = this.#waiting.get(connId);
    if (queue && queue.length >= this.#maxWaiting) {
      return this.#registry.refuse(connId, "rate limited");
    }
    const msg = this.#registry.admit(connId, raw);
    if (!msg) return;
    if (queue) queue.push({ raw: raw as string, msg });
    else this.#route(connId, raw as string, msg);
  }

  /** A local socket closed. */
  closed(connId: string): void {
    this.#addresses.delete(connId);
    this.#waiting.delete(connId);
    this.#boundary.run({ where: "socket close", connId }, () => {
      this.#unforward(connId);
      this.#registry.closed(connId);
    });
  }

  /** Keeps a room's record in step with the registry (its `onChange`). */
  readonly onChange = (change: RoomChange): void => {
    const { code, type } = change;
    const room = this.#registry.room(code);
    // A write lost while the bus is down is repaired by the next one.
    let write: Promise<void> | undefined;
    if (this.#closed || type === "room created") return; // Claim wrote it.
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
            ...seat.tokens.map(this.#hash),
          ],
        },
      );
    } else if (type === "room changed" && room) {
      write = this.#bus.saveRoom(
        code,
        this.#hash(room.hostToken),
        room.started,
      );
    } else if (
      type === "room closed" && change.reason !== "code lost" &&
      change.reason !== "server shutdown"
    ) write = this.#bus.release(code);
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
      this.#log({ event: "code lost", room: code });
      registry.dropRoom(code, CLOSE_SERVICE_RESTART, MOVED);
    }
    for (const code of missing) await this.#claimAgain(code);
    const others = this.#peers();
    if (others.size === 0) return;
    const alive = await bus.alive([...others]);
    for (const instance of others) {
      if (alive.has(instance)) continue;
      this.#log({ event: "instance gone", detail: instance });
      this.#deliver({ kind: "gone", from: instance });
    }
  }

  /** Routing and bus figures. */
  figures(): BusGauges {
    const codes = new Set<string>();
    for (const forwarded of this.#forwarded.values()) codes.add(forwarded.code);
    return {
      ...this.#bus.counters(),
      instanceId: this.#bus.instanceId,
      busUp: this.#bus.health().up,
      roundTripMs: this.#roundTripMs,
      roomsOwned: this.#registry.roomCount,
      roomsElsewhere: codes.size,
      socketsForwarded: this.#forwarded.size,
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
    peers.delete(this.#bus.instanceId);
    return peers;
  }

  #route(connId: string, raw: string, msg: ClientMessage): void {
    const registry = this.#registry;
    const code = msg.action === "joinRoom" || msg.action === "reclaimRoom" ||
        msg.action === "watchRoom"
      ? msg.room.toUpperCase()
      : undefined;
    const forwarded = this.#forwarded.get(connId);
    if (forwarded) {
      if (
        code === forwarded.code ||
        (code === undefined && msg.action !== "createRoom")
      ) {
        return this.#forward(connId, forwarded, raw);
      }
      // Another room asked for: the socket leaves the owner it was sent to.
      this.#unforward(connId);
    }
    if (msg.action === "createRoom") {
      return registry.inRoom(connId)
        ? registry.handle(connId, msg)
        : this.#wait(connId, this.#create(connId));
    }
    if (
      code === undefined || registry.inRoom(connId) ||
      (msg.action !== "joinRoom" && msg.action !== "reclaimRoom" &&
        msg.action !== "watchRoom")
    ) {
      return registry.handle(connId, msg);
    }
    if (registry.hasRoom(code)) {
      return msg.action === "reclaimRoom"
        ? this.#wait(connId, this.#reclaimHere(connId, code, msg.hostToken))
        : registry.handle(connId, msg);
    }
    this.#wait(connId, this.#elsewhere(connId, raw, msg, code));
  }

  /** Holds a socket's next frames until `work` is done, then routes them. */
  #wait(connId: string, work: Promise<void>): void {
    this.#waiting.set(connId, []);
    const resume = () => {
      const queue = this.#waiting.get(connId);
      this.#waiting.delete(connId);
      try {
        while (queue && queue.length > 0) {
          const { raw, msg } = queue.shift()!;
          if (this.#proxies.has(connId)) this.#ownedMsg(connId, msg);
          else this.#route(connId, raw, msg);
          const again = this.#waiting.get(connId);
          if (again) {
            again.push(...queue);
            return;
          }
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
      address: this.#addresses.get(connId),
    };
    const fail = () => this.#fail(connId);
    this.#boundary.run(
      where,
      () => work.finally(() => this.#boundary.run(where, resume, fail)),
      fail,
    );
  }

  async #create(connId: string): Promise<void> {
    const registry = this.#registry;
    const action = "createRoom";
    const hostToken = randomToken();
    const hostHash = tokenDigest(hostToken);
    let code: string | undefined;
    try {
      for (let i = 0; i < CLAIM_ATTEMPTS && code === undefined; i++) {
        const candidate = randomRoomCode().toUpperCase();
        if (isBlockedCode(candidate) || registry.hasRoom(candidate)) continue;
        const claim = await this.#bus.claim(candidate, hostHash, false);
        if (claim.claimed) code = candidate;
      }
    } catch (error) {
      if (!(error instanceof BusDownError)) throw error;
      this.#log({ event: "room refused", conn: connId, detail: error.message });
      return registry.refuse(connId, "unavailable", { action });
    }
    if (code === undefined) {
      return registry.refuse(connId, "server full", { action, noCode: true });
    }
    // The record is in the store already: the host hears confirmRoom now.
    if (!registry.createRoom(connId, code, hostToken)) {
      await this.#bus.release(code).catch(() => {});
    }
  }

  /** A reclaim here: the renewed token's digest is stored before it is sent. */
  async #reclaimHere(connId: string, code: string, token: string) {
    const registry = this.#registry;
    const room = registry.room(code);
    if (!room || !registry.hostTokenMatches(code, token)) {
      return registry.reclaimRoom(connId, code, token);
    }
    const renewed = randomToken();
    try {
      await this.#bus.saveRoom(code, this.#hash(renewed), room.started);
    } catch {
      // Down: nobody can adopt the room meanwhile either.
    }
    registry.reclaimRoom(connId, code, token, renewed);
    if (registry.room(code)?.hostToken !== renewed && registry.room(code)) {
      // Another reclaim came first: the record follows the room's token.
      this.onChange({ type: "room changed", code });
    }
  }

  async #elsewhere(
    connId: string,
    raw: string,
    msg: Extract<
      ClientMessage,
      { action: "joinRoom" | "reclaimRoom" | "watchRoom" }
    >,
    code: string,
  ): Promise<void> {
    const registry = this.#registry;
    let found: { owner?: string; url?: string; record: boolean };
    try {
      found = await this.#bus.lookup(code);
    } catch (error) {
      if (!(error instanceof BusDownError)) throw error;
      if (registry.hasRoom(code)) return await this.#here(connId, msg, code);
      return registry.refuse(connId, "unavailable", { action: msg.action });
    }
    if (!registry.connection(connId)) return;
    if (registry.hasRoom(code) || found.owner === this.#bus.instanceId) {
      // The room opened here meanwhile (or its code is ours).
      return await this.#here(connId, msg, code);
    }
    if (found.owner !== undefined) {
      const move = this.#move(msg, found.url);
      if (move) return registry.connection(connId)?.send(move);
      return this.#forwardTo(connId, found.owner, code, raw);
    }
    if (msg.action === "reclaimRoom") {
      return await this.#adopt(connId, raw, msg, code);
    }
    if (found.record) {
      // Its owner died and its host has not taken it back yet: the client
      // retries (as after any lost connection) and finds it then.
      return registry.connection(connId)?.close(CLOSE_SERVICE_RESTART, MOVED);
    }
    registry.handle(connId, msg);
  }

  /** A join or reclaim for a room held here, inside a wait already. */
  async #here(
    connId: string,
    msg: Extract<
      ClientMessage,
      { action: "joinRoom" | "reclaimRoom" | "watchRoom" }
    >,
    code: string,
  ): Promise<void> {
    if (msg.action !== "reclaimRoom") return this.#registry.handle(connId, msg);
    await this.#reclaimHere(connId, code, msg.hostToken);
  }

  /** Takes over a room whose owner died, from its record. */
  async #adopt(
    connId: string,
    raw: string,
    msg: Extract<ClientMessage, { action: "reclaimRoom" }>,
    code: string,
  ): Promise<void> {
    const registry = this.#registry;
    const action = msg.action;
    try {
      const digest = tokenDigest(msg.hostToken);
      const claim = await this.#bus.claim(code, digest, true);
      if (!claim.claimed) {
        if ("owner" in claim) {
          return this.#forwardTo(connId, claim.owner, code, raw);
        }
        if (claim.reason === "bad token") {
          return registry.refuse(connId, "bad token", { action });
        }
        return registry.handle(connId, msg);
      }
      const record = await this.#bus.loadRecord(code);
      if (!record || registry.hasRoom(code)) {
        if (!registry.hasRoom(code)) await this.#bus.release(code);
        return registry.handle(connId, msg);
      }
      registry.restoreRoom({
        code,
        hostToken: msg.hostToken,
        started: record.started,
        address: this.#addresses.get(connId) ?? "unknown",
        seats: [...record.seats].map(([name, seat]) => ({ name, ...seat })),
      });
    } catch (error) {
      if (!(error instanceof BusDownError)) throw error;
      return registry.refuse(connId, "unavailable", { action });
    }
    this.#log({ event: "room adopted", room: code, conn: connId });
    await this.#reclaimHere(connId, code, msg.hostToken);
  }

  /** Claims a code again that a restarted store forgot, with its record. */
  async #claimAgain(code: string): Promise<void> {
    const room = this.#registry.room(code);
    if (!room) return;
    const digest = this.#hash(room.hostToken);
    const claim = await this.#bus.claim(code, digest, false);
    if (!claim.claimed) {
      this.#log({ event: "code lost", room: code });
      this.#registry.dropRoom(code, CLOSE_SERVICE_RESTART, MOVED);
      return;
    }
    this.onChange({ type: "room changed", code });
    for (const seat of room.seats()) {
      this.onChange({ type: "seat changed", code, username: seat.username });
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
    if (!frames || frames.length === 0) return;
    const from = this.#bus.instanceId;
    const envelope: Envelope = { kind: "in", from, conn: connId, frames };
    if (!forwarded.opened) {
      forwarded.opened = true;
      envelope.address = this.#addresses.get(connId) ?? "unknown";
    }
    this.#bus.publish(forwarded.owner, envelope);
  }

  #unforward(connId: string): void {
    const forwarded = this.#forwarded.get(connId);
    if (!forwarded) return;
    this.#audience.set(connId, undefined);
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
        proxy.hold();
        try {
          for (const frame of envelope.frames) this.#owned(id, frame);
        } finally {
          proxy.flush();
        }
        return;
      }
      case "out": {
        if (envelope.conn.startsWith(AUDIENCE_CONN_PREFIX)) {
          const code = envelope.conn.slice(AUDIENCE_CONN_PREFIX.length);
          return this.#audience.deliver(
            code,
            envelope.msgs,
            (connId) =>
              this.#forwarded.get(connId)?.owner === envelope.from
                ? registry.connection(connId)
                : undefined,
          );
        }
        const forwarded = this.#forwarded.get(envelope.conn);
        if (forwarded?.owner !== envelope.from) return;
        const conn = registry.connection(envelope.conn);
        for (const msg of envelope.msgs) {
          if (msg.type === "watching" || msg.type === "roomClosed") {
            this.#audience.set(
              envelope.conn,
              msg.type === "watching" ? forwarded.code : undefined,
            );
          }
          conn?.send(msg);
        }
        if (envelope.close) {
          conn?.close(envelope.close.code, envelope.close.reason);
        }
        return;
      }
      case "gone": {
        const { from, conn } = envelope;
        if (conn !== undefined) {
          const id = `${from}:${conn}`;
          if (this.#proxies.delete(id)) registry.closed(id);
          return;
        }
        for (const [id, proxy] of [...this.#proxies]) {
          if (proxy.instance !== from) continue;
          this.#proxies.delete(id);
          registry.closed(id);
        }
        for (const [connId, forwarded] of [...this.#forwarded]) {
          if (forwarded.owner !== from) continue;
          this.#audience.set(connId, undefined);
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

  /** Closes a socket (local or remote) after a fault while serving it. */
  #fail(connId: string | undefined): void {
    if (connId === undefined) return;
    this.#registry.connection(connId)?.close(1011, "internal error");
  }

  /** One frame of a remote socket, on its room's owner. */
  #owned(id: string, frame: string): void {
    const queue = this.#waiting.get(id);
    const msg = this.#registry.admit(id, frame);
    if (!msg) return;
    if (queue) queue.push({ raw: frame, msg });
    else this.#ownedMsg(id, msg);
  }

  #ownedMsg(id: string, msg: ClientMessage): void {
    if (msg.action === "reclaimRoom" && this.#registry.hasRoom(msg.room)) {
      const code = msg.room.toUpperCase();
      return this.#wait(id, this.#reclaimHere(id, code, msg.hostToken));
    }
    this.#registry.handle(id, msg);
  }

  /** A token's digest, from the cache when hashed before. */
  readonly #hash = (token: string): string => {
    let hash = this.#hashes.get(token);
    if (hash === undefined) {
      hash = tokenDigest(token);
      if (this.#hashes.size >= HASH_CACHE_SIZE) this.#hashes.clear();
      this.#hashes.set(token, hash);
    }
    return hash;
  };
}

/**
 * The owner's stand-in for a socket on another instance: the registry
 * sends to it as to a local socket; what one inbound frame causes leaves
 * in one `out` envelope (`hold` … `flush`), anything else at once.
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
    const close = { code, reason: reason?.slice(0, 123) };
    if (this.#held) this.#close = close;
    else this.#publish([], close);
  }

  hold(): void {
    this.#held ??= [];
  }

  flush(): void {
    const msgs = this.#held;
    const close = this.#close;
    this.#held = this.#close = undefined;
    if (msgs && (msgs.length > 0 || close)) this.#publish(msgs, close);
  }

  #publish(msgs: ServerMessage[], close?: { code?: number; reason?: string }) {
    const { bus, conn } = this;
    const out = { kind: "out" as const, from: bus.instanceId, conn, msgs };
    bus.publish(this.instance, close ? { ...out, close } : out);
  }
}
