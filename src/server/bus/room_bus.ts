/**
 * The seam under the router: a directory (code → owner), one liveness key
 * per instance, a record per room (token digests, never tokens) so another
 * instance can adopt it, and a channel per instance. `RedisRoomBus` runs it
 * on Redis; docs/SCALE_OUT.md tells the model.
 *
 * @module
 */
import * as v from "valibot";
import type { Envelope } from "./envelope.ts";
import type { FaultBoundary } from "../fault_boundary.ts";
import type { ScaleOutHealth } from "../app_server.ts";
import type { BusGauges } from "../metrics.ts";

/** Whether the bus reaches its store (what the app server asks of it). */
export type BusHealth = ScaleOutHealth;

/** Settings every bus shares. */
export interface RoomBusOptions {
  /** This instance's id (unique among live instances). @default a random id */
  instanceId?: string;
  /** How long liveness lasts without a refresh, in ms. @default 15000 */
  livenessTtlMs?: number;
  /** How long a room outlives its owner's last refresh, in ms. @default 600000 */
  roomTtlMs?: number;
  /** Where the store's connection events run. @default none */
  boundary?: FaultBoundary;
}

const DIGEST = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
const Seat = v.object({
  /** When the player first joined, in ms (the earliest is VIP). */
  joinedAt: v.pipe(v.number(), v.finite()),
  /** Whether the holder keeps its token (then never given away by name). */
  keepsToken: v.boolean(),
  /** SHA-256 digests of every still valid reconnect token of the seat. */
  tokenHashes: v.pipe(v.array(DIGEST), v.maxLength(8)),
});
/** One seat of a room record (stored as JSON, read back through `Seat`). */
export type SeatRecord = v.InferOutput<typeof Seat>;

/** What the store keeps of a room, so another instance can adopt it. */
export interface RoomRecord {
  /** SHA-256 digest of the host token. */
  hostHash: string;
  /** Whether the game started. */
  started: boolean;
  /** Seats by name. */
  seats: Map<string, SeatRecord>;
}

/**
 * Outcome of a claim: ours now, held by a live instance (`owner`), refused
 * (`taken`: a record waits for its host; or nothing to adopt), or, when
 * adopting, a host token that does not match the record.
 */
export type ClaimResult =
  | { claimed: true }
  | { claimed: false; owner: string }
  | { claimed: false; reason: "taken" | "bad token" };

/** Thrown when the store cannot be reached. */
export class BusDownError extends Error {
  override name = "BusDownError";
  constructor(cause?: string) {
    super(`The room directory cannot be reached (${cause ?? "down"}).`);
  }
}

/** Envelopes received and accepted, published, and refused by their checks. */
export type BusCounters = Pick<
  BusGauges,
  "messagesIn" | "messagesOut" | "messagesRefused"
>;

/** A room directory, liveness, room records and channels. */
export interface RoomBus {
  /** This instance's id: its channel and the owner value of its codes. */
  readonly instanceId: string;
  /**
   * Connects and subscribes to this instance's channel. An unreachable
   * store does not make it fail: the bus reports down and comes up by
   * itself.
   * @param onEnvelope Called with each checked envelope for this instance.
   * @param onHealth Called each time the bus goes up or down.
   */
  start(
    onEnvelope: (envelope: Envelope) => void,
    onHealth: (health: BusHealth) => void,
  ): Promise<void>;
  /**
   * The one claim: takes `code` when it is free or its owner is not alive.
   * A new room (`adopt` false) also needs no record waiting for its host,
   * and writes a fresh record with `hostHash`; an adoption needs the
   * record, whose host digest must be `hostHash`.
   * @throws BusDownError when the store is unreachable.
   */
  claim(code: string, hostHash: string, adopt: boolean): Promise<ClaimResult>;
  /** Deletes code and record, if this instance still owns the code. */
  release(code: string): Promise<void>;
  /**
   * The live owner of a code, and, when it has none, whether a record
   * waits for its host (`record` is true whenever there is a live owner).
   * @throws BusDownError when the store is unreachable.
   */
  lookup(code: string): Promise<{ owner?: string; record: boolean }>;
  /** The record of a room (its owner's), if any. @throws BusDownError */
  loadRecord(code: string): Promise<RoomRecord | undefined>;
  /** Writes the host digest and the started flag of a room's record. */
  saveRoom(code: string, hostHash: string, started: boolean): Promise<void>;
  /** Writes (or, with `undefined`, deletes) one seat of a room's record. */
  saveSeat(code: string, name: string, seat?: SeatRecord): Promise<void>;
  /**
   * Refreshes this instance's liveness and its rooms' lifetimes.
   * @param codes The codes this instance holds rooms for.
   * @returns Those another instance owns now (lost) and those the store
   * forgot (it restarted empty): the caller closes or claims them again.
   */
  refresh(
    codes: readonly string[],
  ): Promise<{ lost: string[]; missing: string[] }>;
  /** Which of these instances are alive now. @throws BusDownError */
  alive(instanceIds: readonly string[]): Promise<Set<string>>;
  /** Publishes an envelope to an instance's channel (dropped while down). */
  publish(instanceId: string, envelope: Envelope): void;
  /**
   * Makes the subscriber connection again (it stopped delivering: a ping
   * through this instance's own channel did not come back).
   */
  resubscribe(): void;
  /** Up or down, and the last error. */
  health(): BusHealth;
  /** Envelopes in, out and refused. */
  counters(): BusCounters;
  /**
   * Ends liveness at once (other instances may adopt this one's rooms),
   * and disconnects; codes and records stay for the host's grace.
   * Idempotent.
   */
  close(): Promise<void>;
}

/** A random instance id, e.g. `i-3f9c0a1b`. */
export function randomInstanceId(): string {
  return `i-${crypto.randomUUID().slice(0, 8)}`;
}

const SeatText = v.pipe(v.string(), v.parseJson(), Seat);

/**
 * Reads a record from its hash fields (`host`, `started`, `seat:<name>`);
 * seats that do not parse are left out.
 */
export function recordFromFields(
  fields: Record<string, string>,
): RoomRecord | undefined {
  if (!v.is(DIGEST, fields.host)) return undefined;
  const seats = new Map<string, SeatRecord>();
  for (const [field, text] of Object.entries(fields)) {
    const name = /^seat:([^]{1,20})$/.exec(field)?.[1];
    if (name === undefined) continue;
    const seat = v.safeParse(SeatText, text);
    if (seat.success) seats.set(name, seat.output);
  }
  return { hostHash: fields.host, started: fields.started === "1", seats };
}
