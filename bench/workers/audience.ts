/**
 * Audience worker: rooms full of watch-and-vote sockets on our server. Each
 * room has a host socket; `perRoom` audience sockets watch it. Then:
 *
 * - memory: the server's RSS before and after the watchers connected, per
 *   watcher (and, with `--bare-url`, the bare relay's RSS per idle socket
 *   for the same count: its floor);
 * - fan-out: each host sends `updates` audience updates, 600 ms apart (the
 *   server passes two a second); the time from the host's send to each
 *   watcher's arrival is recorded, and per update the time to the last one;
 * - CPU: the server's CPU time over the updates, minus the same span idle,
 *   per update per watcher.
 *
 * Prints one JSON line: {@link AudienceResult}.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type ClientSocket, openSocket } from "../lib/ws_client.ts";
import { cpuTimeMs, residentBytes } from "../lib/proc_stats.ts";
import { percentile } from "../lib/stats.ts";
import type { Frame } from "../lib/dialects.ts";

/** Gap between two updates of a host, ms (the server passes two a second). */
const UPDATE_GAP_MS = 600;
/** Wait before reading memory, ms. */
const SETTLE_MS = 2_000;
/** Sockets opened at once while filling. */
const OPEN_LANES = 64;

/** What the worker prints. */
export interface AudienceResult {
  /** Rooms. */
  rooms: number;
  /** Watchers connected (all rooms). */
  watchers: number;
  /** Updates sent per room. */
  updates: number;
  /** Per update and room: ms from the host's send to the last watcher, p50. */
  lastP50Ms: number;
  /** The same, p99. */
  lastP99Ms: number;
  /** Every watcher's arrival, p99, ms. */
  allP99Ms: number;
  /** Updates that did not reach every watcher. */
  missed: number;
  /** Server CPU per update per watcher (updates minus idle), µs. */
  cpuUsPerWatcher: number;
  /** Server RSS added per watcher, bytes. */
  bytesPerWatcher: number;
  /** Bare relay RSS added per idle socket, bytes (when measured). */
  bareBytesPerSocket?: number;
  /** Sockets that failed to open or watch. */
  failures: number;
  /** First failure, if any. */
  firstError?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function inLanes(
  count: number,
  lanes: number,
  work: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(lanes, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

function state(money: number) {
  return {
    phase: "playing",
    paused: false,
    money,
    timeLeftMs: 120_000,
    strikes: 0,
    maxStrikes: 3,
    delivered: 3,
    orders: [
      { wanted: "dough + tomato + cheese", leftMs: 40_000 },
      { wanted: "baked dough + spice", leftMs: 75_000 },
    ],
    event: { title: "Rain", blurb: "Everyone walks slower.", leftMs: 30_000 },
  };
}

/** Runs the measure; closes every socket before returning. */
export async function measureAudience(options: {
  url: string;
  pid: number;
  rooms: number;
  perRoom: number;
  updates: number;
  bareUrl?: string;
  barePid?: number;
}): Promise<AudienceResult> {
  const { url, pid, rooms, perRoom, updates } = options;
  const sockets: ClientSocket[] = [];
  const errors: string[] = [];
  /** Per room: when each update (by its money value) was sent. */
  const sentAt: Map<number, number>[] = [];
  /** Per room and update: arrivals. */
  const arrivals: Map<number, number[]>[] = [];
  try {
    const hosts: ClientSocket[] = [];
    const codes: string[] = [];
    for (let r = 0; r < rooms; r++) {
      const confirmed = Promise.withResolvers<string>();
      const host = await openSocket(`${url}/ws`, {
        onFrame: (f: Frame) => {
          if (f.type === "confirmRoom") confirmed.resolve(String(f.room));
        },
      });
      sockets.push(host);
      host.send(JSON.stringify({ action: "createRoom" }));
      hosts.push(host);
      codes.push(await confirmed.promise);
      sentAt.push(new Map());
      arrivals.push(new Map());
    }
    await sleep(SETTLE_MS);
    const before = await residentBytes(pid);
    await inLanes(rooms * perRoom, OPEN_LANES, async (i) => {
      const r = i % rooms;
      const watching = Promise.withResolvers<void>();
      try {
        const s = await openSocket(`${url}/ws`, {
          onFrame: (f: Frame) => {
            if (f.type === "watching") watching.resolve();
            else if (f.type === "audienceUpdate") {
              const money = (f.state as { money: number }).money;
              const t = sentAt[r].get(money);
              if (t === undefined) return;
              const list = arrivals[r].get(money) ?? [];
              list.push(performance.now() - t);
              arrivals[r].set(money, list);
            } else if (f.type === "error") {
              watching.reject(new Error(String(f.val)));
            }
          },
        });
        sockets.push(s);
        s.send(
          JSON.stringify({
            action: "watchRoom",
            room: codes[r],
            name: `W${i}`,
          }),
        );
        await watching.promise;
      } catch (error) {
        errors.push(String(error));
      }
    });
    await sleep(SETTLE_MS);
    const after = await residentBytes(pid);
    const watchers = rooms * perRoom - errors.length;
    // Idle CPU over the span the updates will take.
    const span = updates * UPDATE_GAP_MS;
    const idle0 = await cpuTimeMs(pid);
    await sleep(span);
    const idleCpu = (await cpuTimeMs(pid)) - idle0;
    const busy0 = await cpuTimeMs(pid);
    for (let u = 1; u <= updates; u++) {
      hosts.forEach((host, r) => {
        sentAt[r].set(u, performance.now());
        host.send(
          JSON.stringify({ action: "audienceUpdate", state: state(u) }),
        );
      });
      await sleep(UPDATE_GAP_MS);
    }
    await sleep(1_000);
    const busyCpu = (await cpuTimeMs(pid)) - busy0 - 1_000 * idleCpu / span;
    const last: number[] = [];
    const all: number[] = [];
    let missed = 0;
    for (let r = 0; r < rooms; r++) {
      for (let u = 1; u <= updates; u++) {
        const list = arrivals[r].get(u) ?? [];
        all.push(...list);
        if (list.length < perRoom) missed++;
        if (list.length > 0) last.push(Math.max(...list));
      }
    }
    let bareBytesPerSocket: number | undefined;
    if (options.bareUrl && options.barePid) {
      const bare: ClientSocket[] = [];
      try {
        await sleep(SETTLE_MS);
        const b0 = await residentBytes(options.barePid);
        await inLanes(watchers, OPEN_LANES, async () => {
          try {
            bare.push(
              await openSocket(`${options.bareUrl}/`, { onFrame: () => {} }),
            );
          } catch (error) {
            errors.push(`bare relay: ${error}`);
          }
        });
        await sleep(SETTLE_MS);
        bareBytesPerSocket = ((await residentBytes(options.barePid)) - b0) /
          Math.max(1, bare.length);
      } finally {
        for (const s of bare) s.close();
        await Promise.all(bare.map((s) => s.closed));
      }
    }
    return {
      rooms,
      watchers,
      updates,
      lastP50Ms: percentile(last, 50),
      lastP99Ms: percentile(last, 99),
      allP99Ms: percentile(all, 99),
      missed,
      cpuUsPerWatcher: (Math.max(0, busyCpu - idleCpu) * 1000) /
        (updates * watchers),
      bytesPerWatcher: (after - before) / Math.max(1, watchers),
      bareBytesPerSocket,
      failures: errors.length,
      firstError: errors[0],
    };
  } finally {
    for (const s of sockets) s.close();
    await Promise.all(sockets.map((s) => s.closed));
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      url: { type: "string", default: "" },
      pid: { type: "string", default: "0" },
      rooms: { type: "string", default: "1" },
      "per-room": { type: "string", default: "1000" },
      updates: { type: "string", default: "30" },
      "bare-url": { type: "string" },
      "bare-pid": { type: "string" },
    },
  });
  const result = await measureAudience({
    url: values.url,
    pid: Number(values.pid),
    rooms: Number(values.rooms),
    perRoom: Number(values["per-room"]),
    updates: Number(values.updates),
    bareUrl: values["bare-url"],
    barePid: values["bare-pid"] ? Number(values["bare-pid"]) : undefined,
  });
  console.log(JSON.stringify(result));
}
