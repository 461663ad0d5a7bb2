/**
 * The seam under the room registry that lets several server instances share
 * one set of room codes: a room directory (code -> owning instance), a
 * channel per instance, counters shared by all instances, and small room
 * records that let another instance rebuild a room whose owner died.
 *
 * Two implementations: `MemoryRoomBus` (in-process, the default) and
 * `RedisRoomBus` (chosen by `REDIS_URL`). docs/SCALE_OUT.md tells the model.
 *
 * @module
 */
import type { BusEnvelope, WireEnvelope } from "./envelope.ts";
import type { RoomRecord } from "./room_record.ts";

/** Settings every bus shares. */
export interface RoomBusOptions {
  /** This instance's id (unique among live instances). @default a random id */
  instanceId?: string;
  /** How long a code stays claimed without a refresh, in ms. @default 15000 */
  codeTtlMs?: number;
  /** How often owned codes are refreshed, in ms (0: only by `refresh()`). @default 5000 */
  keepAliveMs?: number;
  /** Largest client frame carried in an envelope, in bytes. @default 65536 */
  maxMessageBytes?: number;
  /** Current time in ms. @default Date.now */
  now?: () => number;
}

/** Defaults of {@link RoomBusOptions}. */
export const BUS_DEFAULTS = {
  codeTtlMs: 15_000,
  keepAliveMs: 5_000,
  maxMessageBytes: 65_536,
} as const;

/** Whether the bus can reach its shared store. */
export interface BusHealth {
  /** True when claims, lookups and publishes can work. */
  up: boolean;
  /** When `up` last changed, in ms. */
  since: number;
  /** The last error seen (kept after recovery, for the log). */
  lastError?: string;
  /** When it was seen, in ms. */
  lastErrorAt?: number;
}

/** The bus's own figures, for `/metrics`. */
export interface BusFigures {
  /** Envelopes received on this instance's channel and accepted. */
  messagesIn: number;
  /** Envelopes published by this instance (several may share a PUBLISH). */
  messagesOut: number;
  /** Envelopes received and refused by their checks. */
  messagesRefused: number;
  /**
   * Texts received on this instance's channel (each one envelope or a batch
   * of them).
   */
  publishesIn: number;
  /** Texts published (PUBLISH commands): envelopes go in batches. */
  publishesOut: number;
  /** Last measured round trip through the bus, in ms (NaN before any). */
  roundTripMs: number;
  /** Codes this instance owns now. */
  roomsOwned: number;
}

/**
 * Outcome of a claim: the code is ours now, or someone else's (`owner`
 * undefined: no live owner, but a room record still waits for its host).
 */
export type ClaimResult =
  | { claimed: true }
  | { claimed: false; owner: string | undefined };

/**
 * Thrown when the shared store cannot be reached: the caller refuses the new
 * room with a clear error and keeps what it has.
 */
export class BusDownError extends Error {
  constructor(cause?: string) {
    super(
      "The room directory cannot be reached, so no new game can start on " +
        "this server right now. Try again in a moment." +
        (cause ? ` (${cause})` : ""),
    );
    this.name = "BusDownError";
  }
}

/** Counters shared by all instances, e.g. rooms opened per address. */
export interface SharedCounters {
  /**
   * Adds one and (re)sets the key's expiry.
   * @returns The new count.
   * @throws BusDownError when the store is unreachable.
   */
  increment(key: string, ttlMs: number): Promise<number>;
  /**
   * Takes one away (never below 0; the key goes at 0).
   * @returns The new count.
   */
  decrement(key: string): Promise<number>;
  /** The count now (0 when absent). */
  get(key: string): Promise<number>;
}

/** Stores and loads room records (never tokens, only their hashes). */
export interface RoomRecordStore {
  /** Saves the record of an owned room, kept for `ttlMs` (refreshed by keep-alive). */
  save(record: RoomRecord, ttlMs: number): Promise<void>;
  /** The record of a room, or undefined. */
  load(code: string): Promise<RoomRecord | undefined>;
  /** Forgets a room's record. */
  remove(code: string): Promise<void>;
}

/** Receives every checked envelope that arrives on this instance's channel. */
export type EnvelopeHandler = (envelope: BusEnvelope) => void;

/**
 * The seam: a room directory, one channel per instance, shared counters and
 * room records, plus health and figures.
 */
export interface RoomBus {
  /** This instance's id: its channel's name and the owner value of its codes. */
  readonly instanceId: string;
  /** Counters shared by all instances. */
  readonly counters: SharedCounters;
  /** Room records for rebuilding a room elsewhere. */
  readonly records: RoomRecordStore;

  /**
   * Connects, subscribes to this instance's channel, marks the instance alive
   * and starts the keep-alive timer. An unreachable store does not make it
   * fail: the bus reports down and comes up by itself when the store does.
   * @param onEnvelope Called for each checked envelope sent to this instance.
   */
  start(onEnvelope: EnvelopeHandler): Promise<void>;

  /**
   * Claims a code for this instance, atomically (no two instances ever hold
   * the same code). A code whose room record still lives (its owner died and
   * the room waits for its host) is not free either. Kept alive by this
   * instance until released.
   * @throws BusDownError when the store is unreachable.
   */
  claimCode(code: string): Promise<ClaimResult>;

  /**
   * Takes over a code whose owner is `deadOwner` (or nobody), atomically:
   * fails when another live instance holds it.
   * @throws BusDownError when the store is unreachable.
   */
  takeOverCode(code: string, deadOwner: string): Promise<ClaimResult>;

  /** Gives a code up and forgets its record (only if this instance owns it). */
  releaseCode(code: string): Promise<void>;

  /**
   * The instance that owns a code, or undefined when nobody does.
   * @throws BusDownError when the store is unreachable.
   */
  ownerOf(code: string): Promise<string | undefined>;

  /** Whether an instance is alive (its keep-alive has not lapsed). */
  instanceAlive(instanceId: string): Promise<boolean>;

  /** Codes this instance owns now. */
  ownedCodes(): ReadonlySet<string>;

  /** Whether this instance owns a code now (cheaper than `ownedCodes()`). */
  owns(code: string): boolean;

  /**
   * Refreshes this instance's codes, records and liveness now (the timer
   * calls it every `keepAliveMs`). After the store lost its data (a restart),
   * it claims the codes again.
   * @returns Codes lost to another instance meanwhile (rare: a split).
   */
  refresh(): Promise<string[]>;

  /**
   * Publishes an envelope to an instance's channel (relayed, never stored).
   * Envelopes published in one turn of the event loop leave together when
   * it ends: per instance in one text (several when over the size limit),
   * in publish order, all in one write to the store.
   * @returns false when the store is unreachable (the envelope is dropped,
   * and so are the others sent with it).
   */
  publish(instanceId: string, envelope: WireEnvelope): Promise<boolean>;

  /**
   * Measures a round trip through the bus (a ping to this instance's own
   * channel) and keeps it in the figures.
   * @returns The round trip in ms.
   * @throws BusDownError when the store is unreachable or it times out.
   */
  measureRoundTrip(timeoutMs?: number): Promise<number>;

  /** Up or down, and the last error. */
  health(): BusHealth;

  /** Calls `listener` each time the bus goes up or down. @returns unsubscribe */
  onHealthChange(listener: (health: BusHealth) => void): () => void;

  /** Messages in and out, round trip, rooms owned. */
  figures(): BusFigures;

  /**
   * Stops: ends this instance's liveness at once (so other instances may
   * take its rooms over), stops the timer and disconnects. Codes and records
   * stay until they expire, so a room survives when its host comes back
   * through another instance within the grace period. Idempotent.
   */
  close(): Promise<void>;
}

/** A random instance id, e.g. `i-k3J9x0aQ`. */
export function randomInstanceId(): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  const alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let id = "i-";
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return id;
}
