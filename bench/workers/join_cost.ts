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
 * (/proc/<pid>/stat), read around the measured phase only, after warm-up.
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
  /** First failure, if any. */
  firstError?: string;
}

/** Settings for one run. */
export interface JoinCostOptions {
  /** System under test. */
  system: SystemId;
  /** `ws://127.0.0.1:<port>`. */
  baseUrl: string;
  /** Server process id (for its CPU counters). */
  pid: number;
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
      room = await BenchRoom.open(options.system, options.baseUrl, ids);
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
  const cpuBefore = await cpuTimeMs(options.pid);
  const wallStart = performance.now();
  await runRooms(options, options.rooms, ids, latencies, errors);
  const wallMs = performance.now() - wallStart;
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const cpuMs = await cpuTimeMs(options.pid) - cpuBefore;
  const joins = latencies.length;
  return {
    joins,
    failures: errors.length,
    joinsPerSecond: joins / (wallMs / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpuUsPerJoin: joins > 0 ? (cpuMs * 1000) / joins : NaN,
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
    pid: Number(values.pid),
    rooms: Number(values.rooms),
    warmupRooms: Number(values["warmup-rooms"]),
    joinsPerRoom: Number(values["joins-per-room"]),
    concurrentRooms: Number(values["concurrent-rooms"]),
    joinsInFlightPerRoom: Number(values["in-flight-per-room"]),
  });
  console.log(JSON.stringify(result));
}
