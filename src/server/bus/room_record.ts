/**
 * The small record an owner keeps of each room in the shared store, so that
 * another instance can rebuild the room when its owner dies and the host
 * comes back elsewhere. It holds names, flags and SHA-256 hashes of the host
 * and seat tokens: never the tokens themselves, never SDP.
 *
 * @module
 */
import { tokenDigest } from "../room_codes.ts";
import * as v from "valibot";
import { RoomCodeSchema } from "../../protocol/mod.ts";

/** Bumped when the record's shape changes; older records are ignored. */
export const ROOM_RECORD_VERSION = 1;

const HashSchema = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
const NameSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(20));
const TimeSchema = v.pipe(v.number(), v.finite(), v.minValue(0));

const SeatRecordSchema = v.object({
  /** The player's final, unique name. */
  name: NameSchema,
  /** SHA-256 (hex) of the seat's current reconnect token. */
  tokenHash: HashSchema,
  /**
   * Whether the seat's holder keeps its token: it is then taken back only
   * with that token or with the host's approval, on any instance.
   */
  keepsToken: v.optional(v.boolean()),
  /** When the player first joined, in ms (orders seats; earliest is VIP). */
  joinedAt: TimeSchema,
});

const RoomRecordSchema = v.object({
  version: v.literal(ROOM_RECORD_VERSION),
  code: RoomCodeSchema,
  /** The instance that owned the room when the record was written. */
  owner: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  /** SHA-256 (hex) of the host token. */
  hostTokenHash: HashSchema,
  started: v.boolean(),
  /** The VIP's name, when the room has players. */
  vip: v.optional(NameSchema),
  seats: v.pipe(v.array(SeatRecordSchema), v.maxLength(64)),
  /** When the record was written, in ms. */
  updatedAt: TimeSchema,
});

/** One seat of a {@link RoomRecord}. */
export type SeatRecord = v.InferOutput<typeof SeatRecordSchema>;
/** What the shared store keeps of a room. */
export type RoomRecord = v.InferOutput<typeof RoomRecordSchema>;

/** What a room looks like to its owner, with the tokens in clear. */
export interface RoomSnapshot {
  /** Room code. */
  code: string;
  /** The owning instance. */
  owner: string;
  /** The host token (hashed into the record). */
  hostToken: string;
  /** Whether the game started. */
  started: boolean;
  /**
   * Seats with their current reconnect tokens (hashed into the record), or
   * with the digest kept from an earlier record when the seat's phone has not
   * come back since the room was adopted.
   */
  seats: readonly (
    & { name: string; joinedAt: number; keepsToken?: boolean }
    & ({ token: string } | { tokenHash: string })
  )[];
}

/**
 * SHA-256 of a token, as lower-case hex. Tokens carry ~143 random bits, so
 * a plain hash cannot be reversed by guessing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hashToken } from "./room_record.ts";
 * assert.equal(
 *   await hashToken("abc"),
 *   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
 * );
 * ```
 */
export function hashToken(token: string): Promise<string> {
  return Promise.resolve(hashTokenNow(token));
}

/**
 * {@link hashToken} at once (synchronous: a token is hashed in about a
 * microsecond, far less than a round trip to the crypto worker).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hashTokenNow } from "./room_record.ts";
 * assert.equal(
 *   hashTokenNow("abc"),
 *   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
 * );
 * ```
 */
export function hashTokenNow(token: string): string {
  return tokenDigest(token);
}

/**
 * Whether `token` is the one whose hash is `hash` (compared in time
 * independent of where they differ).
 */
export async function tokenMatchesHash(
  token: string,
  hash: string,
): Promise<boolean> {
  const actual = await hashToken(token);
  if (actual.length !== hash.length) return false;
  let diff = 0;
  for (let i = 0; i < actual.length; i++) {
    diff |= actual.charCodeAt(i) ^ hash.charCodeAt(i);
  }
  return diff === 0;
}

/**
 * Builds the record of a room: tokens hashed, the VIP named (earliest seat).
 *
 * @param room The room as its owner holds it.
 * @param now The time written into the record, in ms.
 * @param hash Hashes a token (a caller may cache hashes). @default hashToken
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildRoomRecord } from "./room_record.ts";
 * const record = await buildRoomRecord({
 *   code: "ABCD", owner: "i-1", hostToken: "host-secret-token", started: false,
 *   seats: [{ name: "Bo", token: "bo-secret-token", joinedAt: 2 },
 *     { name: "Ann", token: "ann-secret-token", joinedAt: 1 }],
 * }, 5);
 * assert.equal(record.vip, "Ann");
 * assert.ok(!JSON.stringify(record).includes("secret"));
 * ```
 */
export async function buildRoomRecord(
  room: RoomSnapshot,
  now: number,
  hash: (token: string) => string | Promise<string> = hashToken,
): Promise<RoomRecord> {
  const seats = await Promise.all(
    room.seats.map(async (seat): Promise<SeatRecord> => ({
      name: seat.name,
      tokenHash: "tokenHash" in seat ? seat.tokenHash : await hash(seat.token),
      joinedAt: seat.joinedAt,
      ...(seat.keepsToken ? { keepsToken: true } : {}),
    })),
  );
  seats.sort((a, b) => a.joinedAt - b.joinedAt);
  const record: RoomRecord = {
    version: ROOM_RECORD_VERSION,
    code: room.code,
    owner: room.owner,
    hostTokenHash: await hash(room.hostToken),
    started: room.started,
    seats,
    updatedAt: now,
  };
  if (seats.length > 0) record.vip = seats[0].name;
  return record;
}

/** The text a record is stored as. */
export function encodeRoomRecord(record: RoomRecord): string {
  return JSON.stringify(record);
}

/**
 * Reads a stored record back, checking its shape and version.
 * @returns The record, or undefined when the text is not a valid record.
 */
export function decodeRoomRecord(text: string): RoomRecord | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = v.safeParse(RoomRecordSchema, data);
  return result.success ? result.output : undefined;
}
