/**
 * The audience rows of `deno task bench`: rooms of watch-and-vote sockets
 * (`workers/audience.ts`) on our server and on the bare relay's fan-out
 * (the floor: one `JSON.stringify`, then `socket.send(text)` per watcher,
 * nothing else), interleaved, on fresh servers; ours on 3 instances on one
 * Redis; and the host page's frame rate with and without an audience.
 * Rendered as their own section of the report.
 *
 * @module
 */
import type { AudienceResult } from "../workers/audience.ts";
import type { FpsScenario, HostFpsResult } from "../workers/host_fps.ts";
import { formatNumber } from "./report.ts";
import { median } from "./stats.ts";
import {
  type RunningServer,
  startOursCluster,
  startSystem,
  SYSTEMS,
} from "./systems.ts";
import {
  redisServerAvailable,
  startTestRedis,
} from "../../tests/_helpers/redis_server.ts";

/** One audience scenario: rooms, watchers per room, updates per room. */
export interface AudienceScenario {
  /** Rooms, each with its host socket. */
  rooms: number;
  /** Watchers per room. */
  perRoom: number;
  /** Updates each host sends (600 ms apart). */
  updates: number;
  /** Interleaved runs (ours, then the bare fan-out, each run). */
  runs: number;
  /** Every host sends at once (else the rooms spread over the 600 ms). */
  inStep?: boolean;
}

/** Ours on several instances on one Redis: one room, watchers spread. */
export interface AudienceClusterScenario {
  /** Instances; the host is on the first, watchers on each in turn. */
  instances: number;
  /** Watchers in the room, over every instance. */
  watchers: number;
  /** Updates the host sends. */
  updates: number;
  /** Runs (fresh Redis and instances each). */
  runs: number;
}

/** Everything the audience section measures. */
export interface AudiencePlan {
  /** One instance, ours and the bare fan-out. */
  scenarios: readonly AudienceScenario[];
  /** Instances on Redis (ours only). */
  cluster: AudienceClusterScenario;
  /** Watchers on the room while the host page's frame rate is taken. */
  fpsAudience: number;
  /** Wait before each memory reading, ms. */
  settleMs: number;
}

/** The full run: 1,000 in one room, 10,000 over 10 rooms, 3,000 over 3 instances. */
export const AUDIENCE_FULL: AudiencePlan = {
  scenarios: [
    { rooms: 1, perRoom: 1_000, updates: 30, runs: 3 },
    { rooms: 10, perRoom: 1_000, updates: 15, runs: 2 },
    { rooms: 10, perRoom: 1_000, updates: 10, runs: 1, inStep: true },
  ],
  cluster: { instances: 3, watchers: 3_000, updates: 20, runs: 2 },
  fpsAudience: 1_000,
  settleMs: 2_000,
};

/** The smoke run: tiny counts, every path. */
export const AUDIENCE_SMOKE: AudiencePlan = {
  scenarios: [
    { rooms: 1, perRoom: 20, updates: 3, runs: 1 },
    { rooms: 2, perRoom: 10, updates: 3, runs: 1, inStep: true },
  ],
  cluster: { instances: 3, watchers: 30, updates: 3, runs: 1 },
  fpsAudience: 20,
  settleMs: 300,
};

/** An update must reach the last watcher within this at p99, ms. */
export const AUDIENCE_LAST_P99_TARGET_MS = 50;
/** Server CPU per update per watcher must stay under this, µs. */
export const AUDIENCE_CPU_TARGET_US = 1;
/** Memory per idle watcher at most this multiple of the bare relay's. */
export const AUDIENCE_MEMORY_VS_BARE_TARGET = 1.1;

/** What the audience section measured. */
export interface AudienceResults {
  /** Per scenario: each run of ours and of the bare fan-out. */
  scenarios: {
    scenario: AudienceScenario;
    ours: AudienceResult[];
    bare: AudienceResult[];
  }[];
  /** Ours on instances on Redis, each run ("no redis-server" when absent). */
  cluster: {
    scenario: AudienceClusterScenario;
    runs: AudienceResult[];
    skipped?: string;
  };
}

type RunWorker = (script: string, args: string[]) => Promise<AudienceResult>;

function workerArgs(
  settleMs: number,
  url: string,
  pids: number[],
  rooms: number,
  perRoom: number,
  updates: number,
): string[] {
  return [
    "--settle-ms",
    String(settleMs),
    "--url",
    url,
    "--pid",
    pids.join(","),
    "--rooms",
    String(rooms),
    "--per-room",
    String(perRoom),
    "--updates",
    String(updates),
  ];
}

function check(result: AudienceResult, what: string, errors: string[]): void {
  if (result.failures > 0) {
    errors.push(
      `audience, ${what}: ${result.failures} sockets failed: ${result.firstError}`,
    );
  }
}

/**
 * Runs each scenario on fresh servers: ours and the bare fan-out in turn,
 * `runs` times; then ours on instances on one Redis.
 */
export async function measureAudience(
  plan: AudiencePlan,
  runWorker: RunWorker,
  errors: string[],
): Promise<AudienceResults> {
  const out: AudienceResults = {
    scenarios: [],
    cluster: { scenario: plan.cluster, runs: [] },
  };
  for (const s of plan.scenarios) {
    const entry = {
      scenario: s,
      ours: [] as AudienceResult[],
      bare: [] as AudienceResult[],
    };
    out.scenarios.push(entry);
    for (let run = 0; run < s.runs; run++) {
      const order = run % 2 === 0
        ? ["ours", "bare"] as const
        : ["bare", "ours"] as const;
      for (const id of order) {
        let server: RunningServer | undefined;
        const what = `${id} ${s.rooms}×${s.perRoom}`;
        try {
          server = await startSystem(SYSTEMS.find((x) => x.id === id)!);
          const result = await runWorker(
            "audience.ts",
            [
              ...workerArgs(
                plan.settleMs,
                server.wsUrl,
                [server.pid],
                s.rooms,
                s.perRoom,
                s.updates,
              ),
              ...(s.inStep ? ["--in-step"] : []),
            ],
          );
          check(result, what, errors);
          entry[id].push(result);
          console.error(
            `audience ${what} run ${run + 1}/${s.runs}: last p99 ${
              formatNumber(result.lastP99Ms, 1)
            } ms, ${formatNumber(result.cpuUsPerWatcher, 1)} µs/watcher`,
          );
        } catch (error) {
          errors.push(`audience ${what}: ${error}`);
        } finally {
          await server?.stop();
        }
      }
    }
  }
  const c = plan.cluster;
  if (!redisServerAvailable()) {
    out.cluster.skipped = "no redis-server";
    return out;
  }
  for (let run = 0; run < c.runs; run++) {
    const redis = await startTestRedis();
    let servers: RunningServer[] = [];
    try {
      servers = await startOursCluster(redis.url, c.instances);
      const result = await runWorker("audience.ts", [
        ...workerArgs(
          plan.settleMs,
          servers[0].wsUrl,
          servers.map((s) => s.pid),
          1,
          c.watchers,
          c.updates,
        ),
        "--watch-urls",
        servers.map((s) => s.wsUrl).join(","),
        "--metrics-urls",
        servers.map((s) => s.httpUrl).join(","),
      ]);
      check(result, `${c.instances} instances`, errors);
      out.cluster.runs.push(result);
      console.error(
        `audience ${c.instances} instances run ${run + 1}/${c.runs}: last p99 ${
          formatNumber(result.lastP99Ms, 1)
        } ms`,
      );
    } catch (error) {
      errors.push(`audience ${c.instances} instances: ${error}`);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await redis.close();
    }
  }
  return out;
}

const med = (
  list: readonly AudienceResult[],
  pick: (r: AudienceResult) => number,
) => median(list.map(pick));

/** "a / b (r×)" or "–". */
function pair(ours: number, bare: number, digits: number): string {
  if (!Number.isFinite(ours)) return "–";
  const r = bare > 0 ? ` (${formatNumber(ours / bare, 2)}×)` : "";
  return `${formatNumber(ours, digits)} / ${formatNumber(bare, digits)}${r}`;
}

function fpsCells(s: FpsScenario | undefined): string {
  if (!s) return "not measured |  |  | ";
  return `${formatNumber(s.medianFps)} | ${formatNumber(s.worstWindowFps)} | ${
    formatNumber(s.p99FrameMs, 1)
  } | ${formatNumber(s.chromiumCpuPercent)}`;
}

/** The audience section of the report (markdown). */
export function audienceSection(
  results: AudienceResults,
  fps?: HostFpsResult,
): string {
  const lines = [
    "## Audience (watch-and-vote sockets)",
    "",
    "Ours / the bare relay's fan-out (the floor), medians of interleaved runs on fresh servers; (×) is ours ÷ the floor.",
    "",
    "| scenario | watchers | to the last watcher p50 (ms) | to the last watcher p99 (ms), target ≤ 50 | every watcher p99 (ms) | missed | server CPU per update per watcher (µs), target < 1 | server CPU per update (ms) | load generator CPU per update (ms) | memory per idle watcher (KiB), target ≤ 1.1× |",
    "| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |",
  ];
  for (const { scenario: s, ours, bare } of results.scenarios) {
    const m = (
      pick: (r: AudienceResult) => number,
    ) => [med(ours, pick), med(bare, pick)];
    const [lastP50, bLastP50] = m((r) => r.lastP50Ms);
    const [lastP99, bLastP99] = m((r) => r.lastP99Ms);
    const [allP99, bAllP99] = m((r) => r.allP99Ms);
    const [cpu, bCpu] = m((r) => r.cpuUsPerWatcher);
    const [cpuU, bCpuU] = m((r) => r.cpuMsPerUpdate);
    const [cl, bCl] = m((r) => r.clientCpuMsPerUpdate);
    const [mem, bMem] = m((r) => r.bytesPerWatcher / 1024);
    const missed = [...ours, ...bare].reduce((n, r) => n + r.missed, 0);
    lines.push(
      `| ${s.rooms} room(s) × ${formatNumber(s.perRoom)}${
        s.rooms > 1 ? (s.inStep ? ", hosts in step" : ", hosts spread") : ""
      }, ${s.updates} updates, ${s.runs} run(s) | ${
        formatNumber(s.rooms * s.perRoom)
      } | ${pair(lastP50, bLastP50, 1)} | ${pair(lastP99, bLastP99, 1)} ${
        lastP99 <= AUDIENCE_LAST_P99_TARGET_MS ? "✓" : "✗"
      } | ${pair(allP99, bAllP99, 1)} | ${missed} | ${pair(cpu, bCpu, 1)} ${
        cpu < AUDIENCE_CPU_TARGET_US ? "✓" : "✗"
      } | ${pair(cpuU, bCpuU, 1)} | ${pair(cl, bCl, 1)} | ${
        pair(mem, bMem, 1)
      } ${mem / bMem <= AUDIENCE_MEMORY_VS_BARE_TARGET ? "✓" : "✗"} |`,
    );
  }
  const c = results.cluster;
  lines.push(
    "",
    `**Ours on ${c.scenario.instances} instances on one Redis** (one room, host on the first instance, watchers on each in turn; CPU and memory summed over the instances; medians of ${c.runs.length} run(s))`,
    "",
  );
  if (c.skipped || c.runs.length === 0) {
    lines.push(`Not measured: ${c.skipped ?? "failed"}.`);
  } else {
    const m = (pick: (r: AudienceResult) => number) => med(c.runs, pick);
    const envelopes = Array.from(
      { length: c.scenario.instances },
      (_, i) => {
        const b = (k: "out" | "in" | "idleOut" | "idleIn") =>
          formatNumber(m((r) => r.busPerUpdate?.[i][k] ?? NaN), 2);
        return `#${i + 1} ${b("out")} / ${b("in")} (idle ${b("idleOut")} / ${
          b("idleIn")
        })`;
      },
    ).join("; ");
    lines.push(
      "| watchers | to the last watcher p50 / p99 (ms), target p99 ≤ 50 | every watcher p99 (ms) | missed | server CPU per update per watcher (µs) | memory per idle watcher (KiB) | bus envelopes per update per instance, published / received (the same span idle) |",
      "| --: | --: | --: | --: | --: | --: | --- |",
      `| ${formatNumber(c.scenario.watchers)} | ${
        formatNumber(m((r) => r.lastP50Ms), 1)
      } / ${formatNumber(m((r) => r.lastP99Ms), 1)} ${
        m((r) => r.lastP99Ms) <= AUDIENCE_LAST_P99_TARGET_MS ? "✓" : "✗"
      } | ${formatNumber(m((r) => r.allP99Ms), 1)} | ${
        c.runs.reduce((n, r) => n + r.missed, 0)
      } | ${formatNumber(m((r) => r.cpuUsPerWatcher), 1)} | ${
        formatNumber(m((r) => r.bytesPerWatcher / 1024), 1)
      } | ${envelopes} |`,
    );
  }
  lines.push(
    "",
    "**Host frame rate with an audience** (headless Chromium, software rendering, as in the host frame rate rows; the same run, fresh page each)",
    "",
  );
  const withAudience = fps?.scenarios.find((s) => (s.watchers ?? 0) > 0);
  const without = fps?.scenarios.find(
    (s) => s.players === withAudience?.players && !s.watchers,
  );
  if (!fps || !withAudience) {
    lines.push(
      `Not measured: ${fps?.skipped ?? fps?.error ?? "no audience page"}.`,
    );
  } else {
    lines.push(
      "| players | watchers | median fps | worst 1-s window (fps) | frame time p99 (ms) | Chromium CPU (% of one core) | updates each watcher got in the window |",
      "| --: | --: | --: | --: | --: | --: | --: |",
      `| ${without?.players ?? "–"} | 0 | ${fpsCells(without)} | – |`,
      `| ${withAudience.players} | ${
        formatNumber(withAudience.watchers ?? 0)
      } | ${fpsCells(withAudience)} | ${
        formatNumber(withAudience.watcherUpdates ?? NaN, 1)
      } |`,
    );
  }
  lines.push(
    "",
    "Each host sends an audience update every 600 ms; the server serialises it once and sends the same text to every watcher. " +
      "Times are from the host's send to each watcher's arrival (lean WebSocket clients, `lib/lean_ws.ts`, on the same 2 cores). " +
      "CPU is the server's /proc time over the updates minus the same span idle: it includes the kernel's send of each frame, which on loopback also delivers it to the receiving socket. " +
      'Memory is (RSS after the watchers joined − RSS before) / watchers. See bench/README.md, "Audience".',
  );
  return lines.join("\n");
}
