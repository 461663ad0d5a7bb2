/**
 * Join cost worker: many rooms, many joins each, against one server.
 *
 * A join is a new WebSocket, the player's offer to the host, the host's
 * answer back, and 4 trickle candidates each way; it ends when the player
 * has the answer and the host's 4 candidates and the host has the player's
 * 4 candidates. The player socket then closes (its close is part of the
 * join's cost). Each room gets `joinsPerRoom` joins, then its host leaves.
 *
 * Server CPU time comes from the server process's own counters
 * (/proc/<pid>/stat), read around the measured phase only, after warm-up;
 * with several instances (`--pid=a,b,c`), summed over all of them. With
 * `--player-urls`, players connect to those instances in turn while hosts
 * stay on `--url` (joins whose host is on another instance). With
 * `--relay-round-trips=N`, one more room then measures N sequential relay
 * round trips (player → server → host → server → player). With
 * `--follow-moves`, players declare `canMove` and follow `moveTo` to the
 * room's owner (the join then spans both sockets).
 *
 * Prints one JSON line: {@link JoinCostResult}.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type SystemId, toSystemId } from "../lib/dialects.ts";
import { cpuTimeMs } from "../lib/proc_stats.ts";
import { BenchRoom, IdSource, inLanes } from "../lib/room_driver.ts";
import { percentile } from "../lib/stats.ts";

/** Wait after warm-up and after the last join, so closes are counted, in ms. */
const SETTLE_MS = 300;

/** What the worker prints. */
export interface JoinCostResult {
  /** Joins completed in the measured phase. */
  joins: number;
  /** Joins or rooms that failed. */
  failures: number;
  /** Completed joins per second of wall time. */
  joinsPerSecond: number;
  /** Median join latency, in ms. */
  p50Ms: number;
  /** 99th percentile join latency, in ms. */
  p99Ms: number;
  /** Server CPU time (user + system, all threads) per join, in µs. */
  cpuUsPerJoin: number;
  /** The same per server process, in `--pid` order, in µs. */
  cpuUsPerJoinByProcess: number[];
  /** Relay round trip (player → host → player through the server), p50, in ms. */
  relayP50Ms?: number;
  /** Relay round trip p99, in ms. */
  relayP99Ms?: number;
  /** First failure, if any. */
  firstError?: string;
}

/** Settings for one run. */
export interface JoinCostOptions {
  /** System under test. */
  system: SystemId;
  /** `ws://127.0.0.1:<port>`. */
  baseUrl: string;
  /** Server process ids (for their CPU counters, summed). */
  pids: number[];
  /** Where players connect, in turn (other instances); empty: `baseUrl`. */
  playerUrls: string[];
  /** Players follow a move to the room's owner (`canMove`). */
  followMoves: boolean;
  /** Relay round trips measured after the joins; 0: none. */
  relayRoundTrips: number;
  /** Rooms in the measured phase. */
  rooms: number;
  /** Rooms before measuring (warm-up). */
  warmupRooms: number;
  /** Joins per room. */
  joinsPerRoom: number;
  /** Rooms running at once. */
  concurrentRooms: number;
  /** Joins in flight per room. */
  joinsInFlightPerRoom: number;
}

async function runRooms(
  options: JoinCostOptions,
  rooms: number,
  ids: IdSource,
  latencies: number[],
  errors: string[],
): Promise<void> {
  await inLanes(rooms, options.concurrentRooms, async () => {
    let room: BenchRoom | undefined;
    try {
      room = await BenchRoom.open(
        options.system,
        options.baseUrl,
        ids,
        options.playerUrls,
        options.followMoves,
      );
      const opened = room;
      await inLanes(
        options.joinsPerRoom,
        options.joinsInFlightPerRoom,
        async () => {
          try {
            latencies.push((await opened.join(false)).latencyMs);
          } catch (error) {
            errors.push(String(error));
          }
        },
      );
    } catch (error) {
      errors.push(String(error));
    } finally {
      await room?.close();
    }
  });
}

/** Server CPU time of each process, in ms. */
function cpuMsOf(pids: readonly number[]): Promise<number[]> {
  return Promise.all(pids.map(cpuTimeMs));
}

/** Gap between relay round trips, in ms (the per-socket rate limit allows it). */
const RELAY_GAP_MS = 10;

async function measureRelay(
  options: JoinCostOptions,
  ids: IdSource,
): Promise<number[]> {
  const room = await BenchRoom.open(
    options.system,
    options.baseUrl,
    ids,
    options.playerUrls,
    options.followMoves,
  );
  try {
    return await room.relayRoundTrips(options.relayRoundTrips, RELAY_GAP_MS);
  } finally {
    await room.close();
  }
}

/**
 * Runs warm-up rooms, then the measured rooms, and reports throughput,
 * latency and the server's CPU time per join.
 *
 * @param options What to run against.
 * @returns The measured figures.
 */
export async function measureJoinCost(
  options: JoinCostOptions,
): Promise<JoinCostResult> {
  const ids = new IdSource();
  await runRooms(options, options.warmupRooms, ids, [], []);
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const latencies: number[] = [];
  const errors: string[] = [];
  const cpuBefore = await cpuMsOf(options.pids);
  const wallStart = performance.now();
  await runRooms(options, options.rooms, ids, latencies, errors);
  const wallMs = performance.now() - wallStart;
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const byProcess = (await cpuMsOf(options.pids)).map((ms, i) =>
    ms - cpuBefore[i]
  );
  const cpuMs = byProcess.reduce((a, b) => a + b, 0);
  const joins = latencies.length;
  let relay: number[] = [];
  if (options.relayRoundTrips > 0) {
    try {
      relay = await measureRelay(options, ids);
    } catch (error) {
      errors.push(String(error));
    }
  }
  return {
    ...(relay.length > 0
      ? {
        relayP50Ms: percentile(relay, 50),
        relayP99Ms: percentile(relay, 99),
      }
      : {}),
    joins,
    failures: errors.length,
    joinsPerSecond: joins / (wallMs / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpuUsPerJoin: joins > 0 ? (cpuMs * 1000) / joins : NaN,
    cpuUsPerJoinByProcess: byProcess.map((ms) =>
      joins > 0 ? (ms * 1000) / joins : NaN
    ),
    firstError: errors[0],
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      system: { type: "string", default: "" },
      url: { type: "string", default: "" },
      pid: { type: "string", default: "0" },
      "player-urls": { type: "string", default: "" },
      "follow-moves": { type: "boolean", default: false },
      "relay-round-trips": { type: "string", default: "0" },
      rooms: { type: "string", default: "200" },
      "warmup-rooms": { type: "string", default: "20" },
      "joins-per-room": { type: "string", default: "12" },
      "concurrent-rooms": { type: "string", default: "8" },
      "in-flight-per-room": { type: "string", default: "2" },
    },
  });
  const result = await measureJoinCost({
    system: toSystemId(values.system),
    baseUrl: values.url,
    pids: values.pid.split(",").map(Number),
    playerUrls: values["player-urls"].split(",").filter((u) => u !== ""),
    followMoves: values["follow-moves"],
    relayRoundTrips: Number(values["relay-round-trips"]),
    rooms: Number(values.rooms),
    warmupRooms: Number(values["warmup-rooms"]),
    joinsPerRoom: Number(values["joins-per-room"]),
    concurrentRooms: Number(values["concurrent-rooms"]),
    joinsInFlightPerRoom: Number(values["in-flight-per-room"]),
  });
  console.log(JSON.stringify(result));
}
