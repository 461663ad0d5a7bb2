/**
 * Taking over a room whose owner died: the host comes back through another
 * instance within the grace period with its host token, and that instance
 * rebuilds the room from the record the owner kept in the shared store.
 *
 * @module
 */
import type { RoomBus } from "./room_bus.ts";
import { type RoomRecord, tokenMatchesHash } from "./room_record.ts";

/** Why a room could not be adopted, and where to go instead. */
export type AdoptionRefusal =
  /** This instance owns the room already: reclaim it locally. */
  | { ok: false; reason: "owned here" }
  /** A live instance owns it: forward the reclaim there. */
  | { ok: false; reason: "owned elsewhere"; owner: string }
  /** No owner and no record: the room is gone ("wrong room"). */
  | { ok: false; reason: "no room" }
  /** The token does not match the record's hash ("bad token"). */
  | { ok: false; reason: "bad token" };

/** Outcome of {@link adoptRoom}. */
export type AdoptionResult =
  | { ok: true; record: RoomRecord }
  | AdoptionRefusal;

/** The bus operations {@link adoptRoom} needs. */
export type AdoptionBus = Pick<
  RoomBus,
  "instanceId" | "ownerOf" | "instanceAlive" | "records" | "takeOverCode"
>;

/**
 * Decides where a `reclaimRoom` goes and, when the owner is dead, takes the
 * room over for this instance: the record is loaded, the host token checked
 * against its hash, and the code taken over atomically (if two instances
 * race, one wins and the other is told where the room went).
 *
 * @param bus This instance's bus.
 * @param code The room code (upper case).
 * @param hostToken The token the host presented.
 * @returns The record to rebuild the room from, or why not.
 * @throws BusDownError when the store is unreachable.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { adoptRoom } from "./room_adoption.ts";
 * import { MemoryBusHub, MemoryRoomBus } from "./memory_room_bus.ts";
 * import { buildRoomRecord } from "./room_record.ts";
 * const hub = new MemoryBusHub();
 * const a = new MemoryRoomBus({ hub, instanceId: "a", keepAliveMs: 0 });
 * const b = new MemoryRoomBus({ hub, instanceId: "b", keepAliveMs: 0 });
 * await a.start(() => {});
 * await b.start(() => {});
 * await a.claimCode("PZZA");
 * await a.records.save(await buildRoomRecord({ code: "PZZA", owner: "a",
 *   hostToken: "host-token-1234", started: false, seats: [] }, 0), 60_000);
 * assert.deepEqual(await adoptRoom(b, "PZZA", "host-token-1234"),
 *   { ok: false, reason: "owned elsewhere", owner: "a" });
 * await a.close(); // "a" stops: its rooms may be adopted at once
 * const adopted = await adoptRoom(b, "PZZA", "host-token-1234");
 * assert.ok(adopted.ok && adopted.record.code === "PZZA");
 * assert.equal(await b.ownerOf("PZZA"), "b");
 * await b.close();
 * ```
 */
export async function adoptRoom(
  bus: AdoptionBus,
  code: string,
  hostToken: string,
): Promise<AdoptionResult> {
  const owner = await bus.ownerOf(code);
  if (owner === bus.instanceId) return { ok: false, reason: "owned here" };
  if (owner !== undefined && await bus.instanceAlive(owner)) {
    return { ok: false, reason: "owned elsewhere", owner };
  }
  const record = await bus.records.load(code);
  if (!record) return { ok: false, reason: "no room" };
  if (!(await tokenMatchesHash(hostToken, record.hostTokenHash))) {
    return { ok: false, reason: "bad token" };
  }
  const taken = await bus.takeOverCode(code, owner ?? record.owner);
  if (!taken.claimed) {
    return taken.owner === undefined
      ? { ok: false, reason: "no room" }
      : { ok: false, reason: "owned elsewhere", owner: taken.owner };
  }
  return { ok: true, record: { ...record, owner: bus.instanceId } };
}
