/**
 * Idle memory worker: fills a fresh server with idle players and reads the
 * server's resident memory (VmRSS) at each step.
 *
 * Players join full rooms (`playersPerRoom` each, plus one host socket per
 * room) with the same offer, answer and 4 candidates each way as the join
 * benchmark, then stay connected and silent. Memory per player is
 * (RSS at N players − RSS before any player) / N; host sockets are part of
 * the difference, the same share for every system.
 *
 * Prints one JSON line: {@link IdleMemoryResult}.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type SystemId, toSystemId } from "../lib/dialects.ts";
import { residentBytes } from "../lib/proc_stats.ts";
import {
  BenchRoom,
  IdSource,
  inLanes,
  type JoinOutcome,
} from "../lib/room_driver.ts";

/** Wait before reading memory, so the server settles, in ms (default). */
const DEFAULT_SETTLE_MS = 2_000;
/** Rooms opened at once while filling. */
const FILL_LANES = 32;
/** Joins in flight per room while filling. */
const JOINS_IN_FLIGHT_PER_ROOM = 4;
/** Rooms used to warm the server up before the baseline reading. */
const WARMUP_ROOMS = 4;

/** Memory at one step. */
export interface MemoryStep {
  /** Idle players connected. */
  players: number;
  /** Server RSS minus the baseline, per player, in bytes. */
  bytesPerPlayer: number;
}

/** What the worker prints. */
export interface IdleMemoryResult {
  /** Server RSS before any idle player, in bytes. */
  baselineBytes: number;
  /** One entry per requested step. */
  steps: MemoryStep[];
  /** Joins that failed while filling. */
  failures: number;
  /** First failure, if any. */
  firstError?: string;
}

/** Settings for one run. */
export interface IdleMemoryOptions {
  /** System under test. */
  system: SystemId;
  /** `ws://127.0.0.1:<port>`. */
  baseUrl: string;
  /** Server process id (for its VmRSS). */
  pid: number;
  /** Player counts to measure at, ascending. */
  steps: number[];
  /** Players per room. */
  playersPerRoom: number;
  /** Wait before each memory reading, in ms. @default 2000 */
  settleMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Warms the server, reads its baseline RSS, then adds idle players up to
 * each step and reads RSS again. Closes every socket before returning.
 *
 * @param options What to run against.
 * @returns Memory per player at each step.
 */
export async function measureIdleMemory(
  options: IdleMemoryOptions,
): Promise<IdleMemoryResult> {
  const { system, baseUrl, pid, playersPerRoom } = options;
  const { settleMs = DEFAULT_SETTLE_MS } = options;
  const ids = new IdSource();
  const rooms: BenchRoom[] = [];
  const players: JoinOutcome[] = [];
  const errors: string[] = [];
  try {
    await inLanes(WARMUP_ROOMS, WARMUP_ROOMS, async () => {
      const room = await BenchRoom.open(system, baseUrl, ids);
      await inLanes(playersPerRoom, 2, async () => {
        await room.join(false);
      });
      await room.close();
    });
    await sleep(settleMs);
    const baselineBytes = await residentBytes(pid);
    const steps: MemoryStep[] = [];
    for (const target of options.steps) {
      const missing = target - players.length;
      const roomCount = Math.ceil(missing / playersPerRoom);
      await inLanes(roomCount, FILL_LANES, async (index) => {
        const joins = Math.min(
          playersPerRoom,
          missing - index * playersPerRoom,
        );
        let room: BenchRoom;
        try {
          room = await BenchRoom.open(system, baseUrl, ids);
        } catch (error) {
          errors.push(String(error));
          return;
        }
        rooms.push(room);
        await inLanes(joins, JOINS_IN_FLIGHT_PER_ROOM, async () => {
          try {
            players.push(await room.join(true, false));
          } catch (error) {
            errors.push(String(error));
          }
        });
      });
      await sleep(settleMs);
      const bytes = await residentBytes(pid);
      steps.push({
        players: players.length,
        bytesPerPlayer: (bytes - baselineBytes) / players.length,
      });
    }
    return {
      baselineBytes,
      steps,
      failures: errors.length,
      firstError: errors[0],
    };
  } finally {
    for (const player of players) player.socket.close();
    await Promise.all(rooms.map((room) => room.close()));
    await Promise.all(players.map((player) => player.socket.closed));
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      system: { type: "string", default: "" },
      url: { type: "string", default: "" },
      pid: { type: "string", default: "0" },
      steps: { type: "string", default: "1000,10000" },
      "players-per-room": { type: "string", default: "12" },
      "settle-ms": { type: "string", default: String(DEFAULT_SETTLE_MS) },
    },
  });
  const result = await measureIdleMemory({
    system: toSystemId(values.system),
    baseUrl: values.url,
    pid: Number(values.pid),
    steps: values.steps.split(",").map(Number),
    playersPerRoom: Number(values["players-per-room"]),
    settleMs: Number(values["settle-ms"]),
  });
  console.log(JSON.stringify(result));
}
