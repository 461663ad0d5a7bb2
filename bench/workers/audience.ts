/**
 * Audience worker: rooms full of watch-and-vote sockets on one server (ours
 * or the bare relay's fan-out floor: the same frames). Each room has a host
 * socket; `perRoom` audience sockets watch it. Then:
 *
 * - memory: the server's RSS before and after the watchers connected, per
 *   watcher;
 * - fan-out: each host sends `updates` audience updates, 600 ms apart (the
 *   server passes two a second), the rooms at even offsets within those
 *   600 ms (`--in-step`: all at once); the time from the host's send to
 *   each watcher's arrival is recorded, and per update the time to the
 *   last one;
 * - CPU: the server's CPU time over the updates, minus the same span idle,
 *   per update per watcher.
 *
 * Watchers are lean sockets (`lib/lean_ws.ts`) unless `--client ws` (npm
 * `ws`, the other measures' client: its cost per frame in this process is
 * what the lean client avoids). With `--watch-urls` the watchers are spread
 * over several servers (instances on one Redis bus) in turn, the hosts on
 * `--url`.
 *
 * With `AUDIENCE_DEBUG=1` in the environment, each update's send, first
 * and last arrival (ms since the epoch, `performance.timeOrigin` based) go
 * to stderr, one JSON line each, to line up with timestamps taken in a
 * server.
 *
 * Prints one JSON line: {@link AudienceResult}.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type ClientSocket, openSocket } from "../lib/ws_client.ts";
import { openLean } from "../lib/lean_ws.ts";
import { cpuTimeMs, residentBytes } from "../lib/proc_stats.ts";
import { percentile } from "../lib/stats.ts";
import type { Frame } from "../lib/dialects.ts";
import type { AudienceView } from "../../src/protocol/audience.ts";

/** Gap between two updates of a host, ms (the server passes two a second). */
const UPDATE_GAP_MS = 600;
/** Wait before reading memory, ms (`--settle-ms`). */
const SETTLE_MS = 2_000;
/** After the last update: wait at least this, ms, for its arrivals... */
const TAIL_MIN_MS = 1_000;
/** ...and at most this, ms (what has not arrived by then is missed). */
const TAIL_MAX_MS = 10_000;
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
  /** Server CPU per update (all watchers), ms: the send loop's cost. */
  cpuMsPerUpdate: number;
  /** Which client the watchers used. */
  client: "lean" | "ws";
  /** The load generator's own CPU per update, ms (is it the bottleneck?). */
  clientCpuMsPerUpdate: number;
  /**
   * With `--metrics-urls` (instances on a bus): per instance, bus envelopes
   * published and received over the updates, per update per room, and over
   * the same span idle just before (per as many updates: bus upkeep).
   */
  busPerUpdate?: { out: number; in: number; idleOut: number; idleIn: number }[];
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

function state(money: number): AudienceView {
  return {
    phase: "playing",
    paused: false,
    money,
    timeLeftMs: 120_000,
    strikes: 0,
    maxStrikes: 3,
    delivered: 3,
    orders: [
      {
        ingredients: ["dough", "tomato", "cheese"],
        baked: false,
        leftMs: 40_000,
      },
      { ingredients: ["dough", "spice"], baked: true, leftMs: 75_000 },
    ],
    event: { event: "rain", leftMs: 30_000 },
  };
}

/** A watcher's socket: text frames with their arrival time. */
function openWatcher(
  client: "lean" | "ws",
  url: string,
  onText: (text: string, at: number) => void,
): Promise<ClientSocket> {
  if (client === "lean") return openLean(url, { onText });
  return openSocket(url, {
    onFrame: () => {},
    onText: (text) => onText(text, performance.now()),
  });
}

const MONEY = /"money":(\d+)/;

/** Bus envelopes published and received so far, per instance. */
async function busCounters(
  urls: readonly string[],
): Promise<{ out: number; in: number }[]> {
  return await Promise.all(urls.map(async (url) => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const read = (name: string) =>
      Number(
        new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text)?.[1],
      );
    return {
      out: read("pizza_bus_messages_out_total"),
      in: read("pizza_bus_messages_in_total"),
    };
  }));
}

/** Runs the measure; closes every socket before returning. */
export async function measureAudience(options: {
  url: string;
  /** Server process ids: CPU and memory are summed over them. */
  pids: number[];
  rooms: number;
  perRoom: number;
  updates: number;
  client?: "lean" | "ws";
  /** Where watchers connect, in turn (default: `url`). */
  watchUrls?: string[];
  /** Each instance's `/metrics` (http), to count bus envelopes. */
  metricsUrls?: string[];
  /** Wait before each memory reading, ms. */
  settleMs?: number;
  /** Every room's host sends at the same moment (else spread over the gap). */
  inStep?: boolean;
}): Promise<AudienceResult> {
  const settleMs = options.settleMs ?? SETTLE_MS;
  const { url, pids, rooms, perRoom, updates } = options;
  const client = options.client ?? "lean";
  const watchUrls = options.watchUrls?.length ? options.watchUrls : [url];
  const sockets: ClientSocket[] = [];
  const errors: string[] = [];
  /** Per room: when each update (by its money value) was sent. */
  const sentAt: Map<number, number>[] = [];
  /** Per room and update: arrivals. */
  const arrivals: Map<number, number[]>[] = [];
  const cpu = async () => {
    let sum = 0;
    for (const pid of pids) sum += await cpuTimeMs(pid);
    return sum;
  };
  const rss = async () => {
    let sum = 0;
    for (const pid of pids) sum += await residentBytes(pid);
    return sum;
  };
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
    await sleep(settleMs);
    const before = await rss();
    await inLanes(rooms * perRoom, OPEN_LANES, async (i) => {
      const r = i % rooms;
      const watching = Promise.withResolvers<void>();
      try {
        const s = await openWatcher(
          client,
          `${watchUrls[Math.floor(i / rooms) % watchUrls.length]}/ws`,
          (text, at) => {
            if (text.startsWith('{"type":"audienceUpdate"')) {
              const money = Number(MONEY.exec(text)?.[1]);
              const t = sentAt[r].get(money);
              if (t === undefined) return;
              const list = arrivals[r].get(money) ?? [];
              list.push(at - t);
              arrivals[r].set(money, list);
            } else if (text.startsWith('{"type":"watching"')) {
              watching.resolve();
            } else if (text.startsWith('{"type":"error"')) {
              watching.reject(new Error(text));
            }
          },
        );
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
    await sleep(settleMs);
    const after = await rss();
    const watchers = rooms * perRoom - errors.length;
    // Idle CPU over the span the updates will take.
    const span = updates * UPDATE_GAP_MS;
    const metricsUrls = options.metricsUrls ?? [];
    const bus0 = await busCounters(metricsUrls);
    const idle0 = await cpu();
    await sleep(span);
    const idleCpu = (await cpu()) - idle0;
    const bus1 = await busCounters(metricsUrls);
    const busy0 = await cpu();
    const client0 = await cpuTimeMs(Deno.pid);
    // In step: every host at once. Else each room at its own offset
    // within the gap, as independent games tick.
    const slot = options.inStep ? 0 : UPDATE_GAP_MS / rooms;
    const start = performance.now();
    for (let u = 1; u <= updates; u++) {
      for (let r = 0; r < rooms; r++) {
        const due = start + (u - 1) * UPDATE_GAP_MS + r * slot;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        sentAt[r].set(u, performance.now());
        hosts[r].send(
          JSON.stringify({ action: "audienceUpdate", state: state(u) }),
        );
      }
    }
    await sleep(start + updates * UPDATE_GAP_MS - performance.now());
    // The last updates' arrivals: at least 1 s, until all are in (or 10 s).
    const tail = performance.now();
    const complete = () =>
      arrivals.every((m) =>
        Array.from(
          { length: updates },
          (_, u) => (m.get(u + 1)?.length ?? 0) >= perRoom,
        ).every(Boolean)
      );
    while (
      performance.now() - tail < TAIL_MIN_MS ||
      (!complete() && performance.now() - tail < TAIL_MAX_MS)
    ) await sleep(50);
    const tailMs = performance.now() - tail;
    const busyCpu = (await cpu()) - busy0 - tailMs * idleCpu / span;
    const clientCpu = (await cpuTimeMs(Deno.pid)) - client0;
    const bus2 = await busCounters(metricsUrls);
    const perUpdate = (k: "out" | "in", i: number) =>
      (bus2[i][k] - bus1[i][k]) / (updates * rooms);
    const idlePer = (k: "out" | "in", i: number) =>
      (bus1[i][k] - bus0[i][k]) / (updates * rooms);
    const last: number[] = [];
    const all: number[] = [];
    let missed = 0;
    for (let r = 0; r < rooms; r++) {
      for (let u = 1; u <= updates; u++) {
        const list = arrivals[r].get(u) ?? [];
        for (const x of list) all.push(x);
        if (list.length < perRoom) missed++;
        if (list.length > 0) last.push(Math.max(...list));
        if (Deno.env.get("AUDIENCE_DEBUG") && list.length > 0) {
          const t = performance.timeOrigin + sentAt[r].get(u)!;
          console.error(JSON.stringify({
            sent: t,
            first: t + Math.min(...list),
            last: t + Math.max(...list),
          }));
        }
      }
    }
    const updateCpuMs = Math.max(0, busyCpu - idleCpu);
    return {
      rooms,
      watchers,
      updates,
      lastP50Ms: percentile(last, 50),
      lastP99Ms: percentile(last, 99),
      allP99Ms: percentile(all, 99),
      missed,
      cpuUsPerWatcher: (updateCpuMs * 1000) / (updates * watchers),
      cpuMsPerUpdate: updateCpuMs / (updates * rooms),
      client,
      clientCpuMsPerUpdate: clientCpu / (updates * rooms),
      busPerUpdate: metricsUrls.length > 0
        ? metricsUrls.map((_, i) => ({
          out: perUpdate("out", i),
          in: perUpdate("in", i),
          idleOut: idlePer("out", i),
          idleIn: idlePer("in", i),
        }))
        : undefined,
      bytesPerWatcher: (after - before) / Math.max(1, watchers),
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
      client: { type: "string", default: "lean" },
      "watch-urls": { type: "string", default: "" },
      "metrics-urls": { type: "string", default: "" },
      "settle-ms": { type: "string", default: String(SETTLE_MS) },
      "in-step": { type: "boolean", default: false },
      rooms: { type: "string", default: "1" },
      "per-room": { type: "string", default: "1000" },
      updates: { type: "string", default: "30" },
    },
  });
  const result = await measureAudience({
    url: values.url,
    pids: values.pid.split(",").map(Number),
    client: values.client === "ws" ? "ws" : "lean",
    watchUrls: values["watch-urls"].split(",").filter((x) => x),
    metricsUrls: values["metrics-urls"].split(",").filter((x) => x),
    settleMs: Number(values["settle-ms"]),
    inStep: values["in-step"],
    rooms: Number(values.rooms),
    perRoom: Number(values["per-room"]),
    updates: Number(values.updates),
  });
  console.log(JSON.stringify(result));
}
