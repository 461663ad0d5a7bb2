/**
 * Puts the room bus under one instance's registry: every frame of a local
 * socket passes here first. Frames for rooms held here go straight to the
 * registry (synchronously: the hot path is unchanged); `createRoom` claims
 * its code through the bus first; a join or reclaim for a room owned by
 * another instance is forwarded there ({@link BusLink}); a reclaim for a room
 * whose owner died adopts it (`room_adoption.ts`). Room records are saved
 * when rooms change, codes released when they close.
 *
 * @module
 */
import type { FaultBoundary } from "../fault_boundary.ts";
import type { Connection, RoomRegistry } from "../room_registry.ts";
import { roomError } from "../room_errors.ts";
import { isBlockedCode, randomRoomCode } from "../room_codes.ts";
import { BusLink } from "./bus_link.ts";
import type { BusEnvelope } from "./envelope.ts";
import { proxyId } from "./remote_connection.ts";
import { adoptRoom } from "./room_adoption.ts";
import { buildRoomRecord, hashTokenNow } from "./room_record.ts";
import { BusDownError, type BusFigures, type RoomBus } from "./room_bus.ts";

/** WebSocket close code "service restart": the client reconnects. */
export const CLOSE_SERVICE_RESTART = 1012;

/** How many codes to try before giving up on a claim. */
const CLAIM_ATTEMPTS = 20;

/**
 * How long a room's owner, read from the directory for a join, is reused
 * for the next joins to that room, in ms (dropped at once when the owner is
 * found dead).
 */
const OWNER_CACHE_MS = 2_000;

/** Token hashes kept for record saves before the cache is emptied. */
const HASH_CACHE_SIZE = 4_096;

/** Something worth a log line. */
export interface RouterEvent {
  /** Short name, e.g. "room adopted". */
  event: string;
  /** Room code. */
  room?: string;
  /** Connection id. */
  conn?: string;
  /** Extra detail. */
  detail?: string;
}

/** Options for {@link RoomRouter}. */
export interface RoomRouterOptions {
  /** This instance's registry. */
  registry: RoomRegistry;
  /** This instance's bus (not started yet: {@link RoomRouter.start} does). */
  bus: RoomBus;
  /** How long a room waits for its host, in ms (records live that long). */
  hostGraceMs: number;
  /** The bus's code lifetime, in ms (records outlive the grace by this). */
  codeTtlMs: number;
  /**
   * Whether other instances share the bus (Redis): only then are room
   * records worth saving. @default true
   */
  shared?: boolean;
  /**
   * How long changes to a room gather before its record is written, in ms
   * (a burst of joins costs one write; a record is at most this much plus
   * one write behind). 0: at the end of the current task. @default 20
   */
  recordDelayMs?: number;
  /** Current time in ms. @default Date.now */
  now?: () => number;
  /** Receives events worth logging. @default ignore */
  log?: (event: RouterEvent) => void;
  /**
   * Where bus deliveries run and where a throw in a frame's asynchronous
   * routing goes (it costs that socket: closed with 1011).
   * @default throws of async routing are logged as "routing failed"
   */
  boundary?: FaultBoundary;
}

/** The routing figures, beside the bus's own, for `/metrics`. */
export interface RouterFigures extends BusFigures {
  /** This instance's id. */
  instanceId: string;
  /** Whether the bus is up. */
  busUp: boolean;
  /** Rooms other instances own that local sockets are forwarded to. */
  roomsElsewhere: number;
  /** Local sockets whose frames go to another instance. */
  socketsForwarded: number;
  /** Remote sockets in rooms owned here. */
  remoteSockets: number;
}

/** A frame that names a room: create, join or reclaim. */
type RoomRequest =
  | { action: "createRoom" }
  | { action: "joinRoom"; room: string }
  | { action: "reclaimRoom"; room: string; hostToken: string };

/**
 * Routes one instance's socket traffic through the bus. It has the
 * registry's `open` / `receive` / `closed` / `metrics`, so the socket layer
 * talks to it as it would to the registry.
 */
export class RoomRouter {
  readonly #registry: RoomRegistry;
  readonly #bus: RoomBus;
  readonly #now: () => number;
  readonly #log: (event: RouterEvent) => void;
  readonly #recordTtlMs: number;
  readonly #link: BusLink;
  readonly #addresses = new Map<string, string>();
  /** Per socket, the work in flight (frames after it wait their turn). */
  readonly #pending = new Map<string, Promise<void>>();
  /** Forwarded sockets, and the room code each was forwarded for. */
  readonly #forwardedRoom = new Map<string, string>();
  /** Rooms whose record must be saved at the next flush. */
  readonly #dirty = new Set<string>();
  #flushing: Promise<void> | undefined;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #recordDelayMs: number;
  /** Room code → another instance that owned it lately, and when read. */
  readonly #owners = new Map<string, { owner: string; readAt: number }>();
  /** Token → SHA-256 hex, so a save hashes only new tokens. */
  readonly #hashes = new Map<string, string>();
  /** The code the registry takes for the room being created now. */
  #presetCode: string | undefined;
  #closed = false;
  readonly #boundary: FaultBoundary | undefined;
  readonly #shared: boolean;

  constructor(options: RoomRouterOptions) {
    this.#registry = options.registry;
    this.#bus = options.bus;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? (() => {});
    this.#recordTtlMs = options.hostGraceMs + options.codeTtlMs;
    this.#shared = options.shared ?? true;
    this.#recordDelayMs = options.recordDelayMs ?? 20;
    this.#boundary = options.boundary;
    this.#link = new BusLink({
      bus: this.#bus,
      registry: this.#registry,
      localConnection: (id) => this.#registry.connection(id),
    });
  }

  /** The registry's counters (the socket layer counts its refusals there). */
  get metrics(): RoomRegistry["metrics"] {
    return this.#registry.metrics;
  }

  /** This instance's bus. */
  get bus(): RoomBus {
    return this.#bus;
  }

  /** Starts the bus, delivering its envelopes to the link. */
  async start(): Promise<void> {
    const boundary = this.#boundary;
    await this.#bus.start(
      boundary
        ? (envelope) =>
          boundary.run(
            {
              where: `bus delivery (${envelope.kind})`,
              connId: connectionOf(envelope),
            },
            () => this.#link.deliver(envelope),
            () => {
              const connId = connectionOf(envelope);
              if (connId !== undefined) this.#failSocket(connId);
            },
          )
        : (envelope) => this.#link.deliver(envelope),
    );
  }

  /**
   * The code generator to give the registry: the code just claimed while a
   * `createRoom` is handed over, a random one otherwise.
   */
  readonly generateCode = (): string => this.#presetCode ?? randomRoomCode();

  /** A local socket opened. */
  open(conn: Connection, address: string): void {
    this.#addresses.set(conn.id, address);
    this.#registry.open(conn, address);
  }

  /** One raw frame from a local socket; frames of one socket stay in order. */
  receive(connId: string, raw: unknown): void {
    const prior = this.#pending.get(connId);
    if (prior === undefined) {
      const work = this.#route(connId, raw);
      if (work) this.#track(connId, work);
      return;
    }
    this.#track(connId, prior.then(() => this.#route(connId, raw)));
  }

  /** A local socket closed. */
  closed(connId: string): void {
    this.#addresses.delete(connId);
    this.#forwardedRoom.delete(connId);
    this.#link.socketClosed(connId);
    this.#registry.closed(connId);
  }

  /**
   * Called with each registry event: saves the record of a room that
   * changed, releases the code of a room that closed.
   */
  observe(event: { event: string; room?: string; detail?: string }): void {
    const code = event.room;
    if (code === undefined || this.#closed) return;
    if (event.event === "room closed") {
      this.#dirty.delete(code);
      if (event.detail !== "server shutdown") {
        this.#bus.releaseCode(code).catch(() => {});
      }
      return;
    }
    if (!this.#shared) return;
    this.#dirty.add(code);
    this.#scheduleFlush();
  }

  /**
   * Instances that died without a goodbye (SIGKILL, crash), seen both ways:
   * local sockets forwarded to them are closed (their clients reconnect and
   * land where the room is now), and their sockets held here are dropped
   * (the host hears "disconnected"). Call it periodically.
   */
  async checkOwners(): Promise<void> {
    for (const instance of this.#link.remoteInstances()) {
      let alive: boolean;
      try {
        alive = await this.#bus.instanceAlive(instance);
      } catch {
        continue;
      }
      if (alive) continue;
      this.#forgetOwner(instance);
      this.#log({ event: "instance gone", detail: instance });
      this.#link.deliver({ kind: "bye", from: instance });
    }
    for (const [owner, conns] of this.#link.forwardedByOwner()) {
      let alive: boolean;
      try {
        alive = await this.#bus.instanceAlive(owner);
      } catch {
        continue;
      }
      if (alive) continue;
      this.#forgetOwner(owner);
      for (const connId of conns) {
        this.#log({ event: "owner gone", conn: connId, detail: owner });
        this.#forwardedRoom.delete(connId);
        this.#link.socketClosed(connId);
        this.#registry.connection(connId)?.close(
          CLOSE_SERVICE_RESTART,
          "the game moved to another server; reconnect",
        );
      }
    }
  }

  /** Routing and bus figures. */
  figures(): RouterFigures {
    return {
      ...this.#bus.figures(),
      instanceId: this.#bus.instanceId,
      busUp: this.#bus.health().up,
      roomsElsewhere: new Set(this.#forwardedRoom.values()).size,
      socketsForwarded: this.#link.forwardedCount,
      remoteSockets: this.#link.proxyCount,
    };
  }

  /**
   * Stops: saves what changed, says goodbye to the owners local sockets are
   * forwarded to, and closes the bus (other instances may adopt this one's
   * rooms at once). Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#flushTimer !== undefined) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
      this.#flushing ??= this.#flush();
    }
    await this.#flushing;
    this.#closed = true;
    await Promise.allSettled([...this.#pending.values()]);
    await this.#link.close();
    await this.#bus.close();
  }

  // -------------------------------------------------------------------------

  /** Closes a local socket after a fault of the server while serving it. */
  #failSocket(connId: string): void {
    this.#registry.connection(connId)?.close(1011, "internal error");
  }

  #track(connId: string, work: Promise<void>): void {
    const tracked: Promise<void> = work.catch((error) => {
      if (!this.#boundary) {
        this.#log({
          event: "routing failed",
          conn: connId,
          detail: `${error}`,
        });
        return;
      }
      this.#boundary.fault(
        {
          where: "frame routing",
          connId,
          address: this.#addresses.get(connId),
        },
        error,
        () => this.#failSocket(connId),
      );
    }).finally(() => {
      if (this.#pending.get(connId) === tracked) this.#pending.delete(connId);
    });
    this.#pending.set(connId, tracked);
  }

  #route(connId: string, raw: unknown): void | Promise<void> {
    if (typeof raw !== "string") return this.#registry.receive(connId, raw);
    const request = roomRequest(raw);
    const owner = this.#link.ownerFor(connId);
    if (owner !== undefined) {
      const forwardedFor = this.#forwardedRoom.get(connId);
      if (
        request === undefined ||
        ("room" in request && request.room === forwardedFor)
      ) {
        void this.#link.forward(connId, owner, this.#address(connId), raw);
        return;
      }
      // A new room asked for: the socket leaves the owner it was sent to.
      this.#forwardedRoom.delete(connId);
      this.#link.socketClosed(connId);
    }
    if (request === undefined) return this.#registry.receive(connId, raw);
    if (request.action === "createRoom") return this.#create(connId, raw);
    if (this.#registry.hasRoom(request.room)) {
      return this.#registry.receive(connId, raw);
    }
    return this.#elsewhere(connId, raw, request);
  }

  async #create(connId: string, raw: string): Promise<void> {
    let code: string | undefined;
    try {
      for (let i = 0; i < CLAIM_ATTEMPTS && code === undefined; i++) {
        const candidate = randomRoomCode().toUpperCase();
        if (isBlockedCode(candidate) || this.#registry.hasRoom(candidate)) {
          continue;
        }
        if ((await this.#bus.claimCode(candidate)).claimed) code = candidate;
      }
    } catch (error) {
      if (!(error instanceof BusDownError)) throw error;
      this.#log({ event: "room refused", conn: connId, detail: error.message });
      return this.#refuse(connId, "createRoom");
    }
    if (code === undefined) {
      // No free code: the registry says "server full" in its own words.
      this.#presetCode = "****";
      try {
        this.#registry.receive(connId, raw);
      } finally {
        this.#presetCode = undefined;
      }
      return;
    }
    this.#presetCode = code;
    try {
      this.#registry.receive(connId, raw);
    } finally {
      this.#presetCode = undefined;
    }
    const room = this.#registry.room(code);
    if (room === undefined || room.hostConnId !== connId) {
      await this.#bus.releaseCode(code).catch(() => {});
    }
  }

  async #elsewhere(
    connId: string,
    raw: string,
    request: Exclude<RoomRequest, { action: "createRoom" }>,
  ): Promise<void> {
    const code = request.room;
    let owner: string | undefined;
    try {
      owner = request.action === "joinRoom"
        ? await this.#ownerForJoin(code)
        : await this.#bus.ownerOf(code);
      if (request.action === "reclaimRoom" && owner !== this.#bus.instanceId) {
        const adopted = await adoptRoom(this.#bus, code, request.hostToken);
        if (adopted.ok) {
          const record = adopted.record;
          this.#registry.restoreRoom({
            code,
            hostToken: request.hostToken,
            started: record.started,
            address: this.#address(connId),
            seats: record.seats,
          });
          this.#log({ event: "room adopted", room: code, conn: connId });
          owner = undefined;
        } else if (adopted.reason === "owned elsewhere") {
          owner = adopted.owner;
        } else if (adopted.reason === "bad token") {
          if (!this.#registry.connection(connId)) return;
          return this.#send(connId, "bad token", request.action);
        } else owner = undefined;
      }
    } catch (error) {
      if (!(error instanceof BusDownError)) throw error;
      if (this.#registry.hasRoom(code)) {
        return this.#registry.receive(connId, raw);
      }
      return this.#refuse(connId, request.action);
    }
    if (!this.#registry.connection(connId)) return;
    if (
      owner === undefined && request.action === "joinRoom" &&
      !this.#registry.hasRoom(code) && await this.#waitsForHost(code)
    ) {
      // Its owner died and its host has not taken it back yet: the client
      // retries (as after any lost connection) and finds it then.
      this.#registry.connection(connId)?.close(
        CLOSE_SERVICE_RESTART,
        "this game is moving to another server; reconnect",
      );
      return;
    }
    if (
      owner === undefined || owner === this.#bus.instanceId ||
      this.#registry.hasRoom(code)
    ) {
      return this.#registry.receive(connId, raw);
    }
    this.#forwardedRoom.set(connId, code);
    await this.#link.forward(connId, owner, this.#address(connId), raw);
  }

  /**
   * A room's owner for a join: another instance read lately, else the
   * directory's answer (kept when it is another instance).
   */
  async #ownerForJoin(code: string): Promise<string | undefined> {
    const now = this.#now();
    const cached = this.#owners.get(code);
    if (cached && now - cached.readAt < OWNER_CACHE_MS) return cached.owner;
    const owner = await this.#bus.ownerOf(code);
    if (owner === undefined || owner === this.#bus.instanceId) {
      this.#owners.delete(code);
    } else {
      // Bounded: the oldest entry goes (Map order is insertion order).
      if (this.#owners.size >= 10_000) {
        this.#owners.delete(this.#owners.keys().next().value!);
      }
      this.#owners.set(code, { owner, readAt: now });
    }
    return owner;
  }

  #forgetOwner(instance: string): void {
    for (const [code, cached] of this.#owners) {
      if (cached.owner === instance) this.#owners.delete(code);
    }
  }

  /** Whether a room record waits for its host (its owner is gone). */
  async #waitsForHost(code: string): Promise<boolean> {
    if (!this.#shared) return false;
    try {
      return (await this.#bus.records.load(code)) !== undefined;
    } catch {
      return false;
    }
  }

  #refuse(connId: string, action: string): void {
    this.#send(connId, "unavailable", action);
  }

  #send(connId: string, val: "unavailable" | "bad token", action: string) {
    const conn = this.#registry.connection(connId);
    if (!conn) return;
    this.#registry.metrics.countError(val);
    conn.send(roomError(val, { action }));
  }

  #address(connId: string): string {
    return this.#addresses.get(connId) ?? "unknown";
  }

  /**
   * One flush at a time: changes made while records are being written are
   * written right after, in one write per room however many they were.
   */
  #scheduleFlush(): void {
    if (this.#flushing !== undefined || this.#flushTimer !== undefined) return;
    if (this.#recordDelayMs <= 0) {
      this.#flushing = Promise.resolve().then(() => this.#flush());
      return;
    }
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      this.#flushing ??= this.#flush();
    }, this.#recordDelayMs);
  }

  async #flush(): Promise<void> {
    // Let the registry finish the change in progress.
    await Promise.resolve();
    while (this.#dirty.size > 0) {
      const codes = [...this.#dirty];
      this.#dirty.clear();
      await Promise.all(codes.map((code) => this.#save(code)));
    }
    this.#flushing = undefined;
  }

  /** A token's hash, from the cache when this router hashed it before. */
  #hash = (token: string): string => {
    let hash = this.#hashes.get(token);
    if (hash === undefined) {
      hash = hashTokenNow(token);
      if (this.#hashes.size >= HASH_CACHE_SIZE) {
        this.#hashes.delete(this.#hashes.keys().next().value!);
      }
      this.#hashes.set(token, hash);
    }
    return hash;
  };

  async #save(code: string): Promise<void> {
    const room = this.#registry.room(code);
    if (!room || !this.#bus.owns(code)) return;
    try {
      const record = await buildRoomRecord(
        {
          code,
          owner: this.#bus.instanceId,
          hostToken: room.hostToken,
          started: room.started,
          seats: [...room.seats()].map((seat) => ({
            name: seat.username,
            // The newest token; an adopted seat whose phone has not come
            // back yet keeps the digest of the record it came from.
            ...(seat.tokens.length > 0 || !seat.tokenHashes
              ? { token: seat.tokens[seat.tokens.length - 1] }
              : { tokenHash: seat.tokenHashes[seat.tokenHashes.length - 1] }),
            joinedAt: seat.joinedAt,
            keepsToken: seat.keepsToken,
          })),
        },
        this.#now(),
        this.#hash,
      );
      await this.#bus.records.save(record, this.#recordTtlMs);
    } catch (error) {
      this.#log({ event: "record not saved", room: code, detail: `${error}` });
    }
  }
}

/**
 * The room a frame asks for, when it is `createRoom`, `joinRoom` or
 * `reclaimRoom` (cheap test first: most frames are relays). The registry
 * checks the message fully; this only routes it.
 */
export function roomRequest(raw: string): RoomRequest | undefined {
  if (!raw.includes("Room")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { action, room, hostToken } = value as Record<string, unknown>;
  if (action === "createRoom") return { action };
  if (typeof room !== "string" || !/^[A-Za-z]{4}$/.test(room)) {
    return undefined;
  }
  if (action === "joinRoom") return { action, room: room.toUpperCase() };
  if (action === "reclaimRoom" && typeof hostToken === "string") {
    return { action, room: room.toUpperCase(), hostToken };
  }
  return undefined;
}

/**
 * The registry's id of the connection an envelope is about: a local
 * socket's own id, or the proxy id of another instance's socket.
 */
function connectionOf(envelope: BusEnvelope): string | undefined {
  switch (envelope.kind) {
    case "send":
    case "close":
      return envelope.conn;
    case "open":
    case "frame":
    case "gone":
      return proxyId(envelope.from, envelope.conn);
  }
  return undefined;
}
