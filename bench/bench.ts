/**
 * `deno task bench`: signaling cost and connection speed of our server side
 * by side with the PeerJS server, the seed article's server and a bare Deno
 * relay, in one run, printed as a markdown table with ratios to ours and
 * written to `bench/results/latest.md` (raw samples beside it as JSON).
 *
 * Every measure runs against a freshly started server; systems are
 * interleaved (their order rotates every run) and the table shows medians of
 * the runs. Our pages' weight and the host page's frame rate (headless
 * Chromium, 12 bots) are measured once, for ours only. See bench/README.md
 * for the method.
 *
 * Flags:
 * - `--smoke`: seconds long, tiny counts, one server per system; writes
 *   `bench/results/smoke.md`. `deno task test` runs it so the bench cannot rot.
 * - `--runs N`: interleaved runs (default 5; memory in the first 3 only).
 * - `--out PATH`: where to write the markdown.
 * - `--only bus`: the join measure alone, ours in memory then on the Redis
 *   bus (1 and 3 instances) in each run; prints each run and the medians
 *   (for A/B work on the bus; writes no report). With `--serial`, one
 *   join at a time (the hops' latency without queueing).
 * - `--only audience`: the audience section alone (ours and the bare
 *   fan-out, 3 instances on Redis, host frame rate with an audience);
 *   writes `bench/results/audience.md` (`audience_smoke.md` with `--smoke`).
 *
 * @module
 */
import { buildTestSite, stopBuilder } from "../scripts/build.ts";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import type { SystemId } from "./lib/dialects.ts";
import {
  formatNumber,
  type MeasureRow,
  renderReport,
  rowMedian,
  type TargetCheck,
} from "./lib/report.ts";
import {
  BASELINES_DIR,
  OUR_BENCH_ENV,
  REPO_ROOT,
  type RunningServer,
  startOursCluster,
  startSystem,
  SYSTEMS,
  type SystemSpec,
} from "./lib/systems.ts";
import {
  redisServerAvailable,
  startTestRedis,
  type TestRedis,
} from "../tests/_helpers/redis_server.ts";
import { median } from "./lib/stats.ts";
import {
  AUDIENCE_FULL,
  AUDIENCE_SMOKE,
  audienceSection,
  measureAudience,
} from "./lib/audience_rows.ts";
import type { AudienceResult } from "./workers/audience.ts";
import type { FpsScenario, HostFpsResult } from "./workers/host_fps.ts";
import type { IdleMemoryResult } from "./workers/idle_memory.ts";
import type { JoinCostResult } from "./workers/join_cost.ts";
import type { PageWeight, PageWeightResult } from "./workers/page_weight.ts";
import type { WebRtcResult } from "./workers/webrtc_bots.ts";

/** How much work each measure does. */
interface BenchPlan {
  runs: number;
  memoryRuns: number;
  joinRooms: number;
  joinWarmupRooms: number;
  joinsPerRoom: number;
  concurrentRooms: number;
  joinsInFlightPerRoom: number;
  memorySteps: number[];
  memorySettleMs: number;
  bots: number[];
  roundTrips: number;
  /** Relay round trips over plain sockets in the join measure (ours, bare). */
  socketRelayRoundTrips: number;
  /** Instances of ours on one Redis for the cross-instance rows. */
  clusterInstances: number;
  /** Host frame rate: player counts (bots), the target's count last. */
  fpsPlayers: number[];
  /** Host frame rate: round time before sampling, in ms. */
  fpsWarmupMs: number;
  /** Host frame rate: sample window, in ms. */
  fpsSampleMs: number;
  /** Start one server per system per run and reuse it for every measure. */
  shareServer: boolean;
}

/** The full benchmark: about 8 minutes on 2 cores. */
const FULL_PLAN: BenchPlan = {
  runs: 5,
  memoryRuns: 3,
  joinRooms: 150,
  joinWarmupRooms: 20,
  joinsPerRoom: 12,
  concurrentRooms: 8,
  joinsInFlightPerRoom: 2,
  memorySteps: [1_000, 10_000],
  memorySettleMs: 2_000,
  bots: [1, 8, 16],
  roundTrips: 100,
  socketRelayRoundTrips: 100,
  clusterInstances: 3,
  fpsPlayers: [4, 12],
  fpsWarmupMs: 2_000,
  fpsSampleMs: 10_000,
  shareServer: false,
};

/** The smoke run: seconds long, every code path, tiny counts. */
const SMOKE_PLAN: BenchPlan = {
  runs: 1,
  memoryRuns: 1,
  joinRooms: 3,
  joinWarmupRooms: 1,
  joinsPerRoom: 4,
  concurrentRooms: 3,
  joinsInFlightPerRoom: 2,
  memorySteps: [24, 48],
  memorySettleMs: 200,
  bots: [1, 2],
  roundTrips: 10,
  socketRelayRoundTrips: 10,
  clusterInstances: 3,
  // One browser page (the target's 12 players) keeps the smoke run short.
  fpsPlayers: [12],
  fpsWarmupMs: 500,
  fpsSampleMs: 2_000,
  shareServer: true,
};

/** The controller page must stay under this many gzipped bytes. */
const CONTROLLER_GZIP_TARGET_BYTES = 60 * 1024;
/** Our CPU per join must be at most this share of PeerJS's and the seed's. */
const CPU_VS_NODE_TARGET = 2 / 3;
/** Our CPU per join must be at most this multiple of the bare relay's (issue 10). */
const CPU_VS_BARE_TARGET = 1.1;
/** Our memory per idle player must be at most this multiple of the bare relay's (issue 10). */
const MEMORY_VS_BARE_TARGET = 1.1;
/** A cross-instance join (Redis bus) may cost this multiple of an in-memory one. */
const CLUSTER_CPU_TARGET = 2;
/** A cross-instance join (Redis bus) may add this much at p50, in ms. */
const CLUSTER_P50_ADDED_TARGET_MS = 2;
/** 16 bots must all have an open data channel within this, in ms. */
const TIME_TO_PLAY_TARGET_MS = 1_000;
/** Bots for the time-to-play target. */
const TIME_TO_PLAY_TARGET_BOTS = 16;
/** The host must hold this many frames in its worst 1-second window. */
const HOST_FPS_TARGET = 55;
/** Players for the host frame rate target (the game's cap). */
const HOST_FPS_TARGET_PLAYERS = 12;
/** Section heading of the host frame rate rows. */
const HOST_FPS_SECTION =
  "Host frame rate (headless Chromium without a GPU: the page picks Canvas, 1920×1080)";
/** The round's clock may stray this far from real time (game ÷ wall). */
const CLOCK_RATE_TOLERANCE = 0.03;
/**
 * Permissions the measuring workers run with: Deno asks for all of them to
 * read another process's /proc counters, and wrtc is a native addon.
 */
const WORKER_PERMISSIONS = ["--allow-all"];

/** Results of one system in one run. */
interface RunSample {
  join?: JoinCostResult;
  /** Ours on the Redis bus, one instance (ours only). */
  bus1?: JoinCostResult;
  /**
   * Ours on the Redis bus, host on one instance, players on the others,
   * relayed there (no `INSTANCE_URL`, as on Deno Deploy).
   */
  busCluster?: JoinCostResult;
  /** As `busCluster`, each instance with its `INSTANCE_URL`: players move. */
  busMoved?: JoinCostResult;
  memory?: IdleMemoryResult;
  webrtc?: WebRtcResult;
}

/** Runs a worker script and parses the JSON line it prints last. */
async function runWorker<T>(script: string, args: string[]): Promise<T> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...WORKER_PERMISSIONS,
      `bench/workers/${script}`,
      ...args,
    ],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout).trim();
  const last = stdout.split("\n").at(-1) ?? "";
  try {
    return JSON.parse(last) as T;
  } catch {
    const stderr = new TextDecoder().decode(output.stderr).trim();
    throw new Error(
      `${script} failed (exit ${output.code}): ${stderr.slice(0, 1_000)}`,
    );
  }
}

async function ensureBaselines(): Promise<void> {
  const needed = ["peer", "express", "websocket"];
  const present = needed.every((name) => {
    try {
      return Deno.statSync(`${BASELINES_DIR}node_modules/${name}`).isDirectory;
    } catch {
      return false;
    }
  });
  if (present) return;
  console.error("Installing the Node baselines (npm ci in bench/baselines)…");
  // npm's output goes to stderr: stdout carries only the report.
  const result = await new Deno.Command("npm", {
    args: ["ci", "--no-audit", "--no-fund"],
    cwd: BASELINES_DIR,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  await Deno.stderr.write(result.stdout);
  if (!result.success) throw new Error("npm ci in bench/baselines failed");
}

async function commandVersion(command: string): Promise<string> {
  try {
    const out = await new Deno.Command(command, { args: ["--version"] })
      .output();
    return new TextDecoder().decode(out.stdout).trim().split("\n")[0];
  } catch {
    return "missing";
  }
}

async function machineLines(): Promise<string[]> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const model = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? "unknown CPU";
  const meminfo = await Deno.readTextFile("/proc/meminfo").catch(() => "");
  const memKb = Number(meminfo.match(/^MemTotal:\s+(\d+)/m)?.[1] ?? NaN);
  return [
    `Machine: ${model}, ${navigator.hardwareConcurrency} cores, ` +
    `${formatNumber(memKb / 1024 / 1024, 0)} GiB, Linux ${Deno.osRelease()}`,
    `Deno ${Deno.version.deno} (ours, bare relay, load generator), ` +
    `Node ${await commandVersion("node")} (PeerJS, seed)`,
  ];
}

async function loadAverage(): Promise<string> {
  const text = await Deno.readTextFile("/proc/loadavg").catch(() => "? ? ?");
  return text.split(" ").slice(0, 3).join(" ");
}

/** Runs one measure against a server, recording failures instead of throwing. */
async function measure<T>(
  what: string,
  spec: SystemSpec,
  errors: string[],
  server: RunningServer | undefined,
  run: (server: RunningServer) => Promise<T>,
): Promise<T | undefined> {
  let own: RunningServer | undefined;
  try {
    const target = server ?? (own = await startSystem(spec));
    return await run(target);
  } catch (error) {
    errors.push(`${spec.label}, ${what}: ${String(error).slice(0, 300)}`);
    return undefined;
  } finally {
    await own?.stop();
  }
}

/** The join measure's arguments for one server (or cluster). */
function joinArgs(
  plan: BenchPlan,
  spec: SystemSpec,
  hostServer: RunningServer,
  all: readonly RunningServer[],
  followMoves = false,
): string[] {
  const players = all.filter((s) => s !== hostServer);
  const relay = spec.id === "ours" || spec.id === "bare"
    ? plan.socketRelayRoundTrips
    : 0;
  return [
    `--system=${spec.id}`,
    `--url=${hostServer.wsUrl}`,
    `--pid=${all.map((s) => s.pid).join(",")}`,
    ...(players.length > 0
      ? [`--player-urls=${players.map((s) => s.wsUrl).join(",")}`]
      : []),
    ...(followMoves ? ["--follow-moves"] : []),
    `--relay-round-trips=${relay}`,
    `--rooms=${plan.joinRooms}`,
    `--warmup-rooms=${plan.joinWarmupRooms}`,
    `--joins-per-room=${plan.joinsPerRoom}`,
    `--concurrent-rooms=${plan.concurrentRooms}`,
    `--in-flight-per-room=${plan.joinsInFlightPerRoom}`,
  ];
}

/**
 * The join measure on `instances` processes of ours sharing one Redis: the
 * host on the first, players on the others (on the one when alone). With
 * `moved`, each instance has its `INSTANCE_URL` and players declare
 * `canMove` and follow `moveTo` to the owner; else they are relayed.
 */
async function measureCluster(
  plan: BenchPlan,
  redis: TestRedis,
  instances: number,
  errors: string[],
  moved = false,
): Promise<JoinCostResult | undefined> {
  const what = `Redis bus, ${instances} instance(s)${moved ? ", moved" : ""}`;
  let servers: RunningServer[] = [];
  try {
    servers = await startOursCluster(redis.url, instances, moved);
    const result = await runWorker<JoinCostResult>(
      "join_cost.ts",
      joinArgs(plan, SYSTEMS[0], servers[0], servers, moved),
    );
    if (result.failures) {
      errors.push(
        `ours, ${what}: ${result.failures} failures (${result.firstError})`,
      );
    }
    return result;
  } catch (error) {
    errors.push(`ours, ${what}: ${String(error).slice(0, 300)}`);
    return undefined;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

async function runOnce(
  plan: BenchPlan,
  spec: SystemSpec,
  withMemory: boolean,
  errors: string[],
  redis: TestRedis | undefined,
): Promise<RunSample> {
  const shared = plan.shareServer ? await startSystem(spec) : undefined;
  try {
    const join = await measure(
      "join cost",
      spec,
      errors,
      shared,
      (s) =>
        runWorker<JoinCostResult>("join_cost.ts", joinArgs(plan, spec, s, [s])),
    );
    if (join?.failures) {
      errors.push(
        `${spec.label}, join cost: ${join.failures} failed joins (${join.firstError})`,
      );
    }
    const memory = withMemory
      ? await measure(
        "memory",
        spec,
        errors,
        shared,
        (s) =>
          runWorker<IdleMemoryResult>("idle_memory.ts", [
            `--system=${spec.id}`,
            `--url=${s.wsUrl}`,
            `--pid=${s.pid}`,
            `--steps=${plan.memorySteps.join(",")}`,
            `--settle-ms=${plan.memorySettleMs}`,
          ]),
      )
      : undefined;
    if (memory?.failures) {
      errors.push(
        `${spec.label}, memory: ${memory.failures} failed joins (${memory.firstError})`,
      );
    }
    const webrtc = await measure(
      "WebRTC bots",
      spec,
      errors,
      shared,
      (s) =>
        runWorker<WebRtcResult>("webrtc_bots.ts", [
          `--system=${spec.id}`,
          `--url=${s.wsUrl}`,
          `--bots=${plan.bots.join(",")}`,
          `--round-trips=${plan.roundTrips}`,
        ]),
    );
    if (webrtc?.firstError) {
      errors.push(`${spec.label}, WebRTC bots: ${webrtc.firstError}`);
    }
    if (spec.id !== "ours" || !redis) return { join, memory, webrtc };
    const bus1 = await measureCluster(plan, redis, 1, errors);
    const busCluster = await measureCluster(
      plan,
      redis,
      plan.clusterInstances,
      errors,
    );
    const busMoved = await measureCluster(
      plan,
      redis,
      plan.clusterInstances,
      errors,
      true,
    );
    return { join, memory, webrtc, bus1, busCluster, busMoved };
  } finally {
    await shared?.stop();
  }
}

async function measurePages(errors: string[]): Promise<PageWeightResult> {
  const ours = SYSTEMS.find((s) => s.id === "ours");
  if (!ours) return { method: "none", error: "no system ours" };
  const result = await measure(
    "page weight",
    ours,
    errors,
    undefined,
    (s) =>
      runWorker<PageWeightResult>(
        "page_weight.ts",
        [`--url=${s.httpUrl}`],
      ),
  );
  return result ?? { method: "none", error: "page weight failed" };
}

/** Static folder with a test build for the frame-rate worker (git-ignored). */
const BENCH_STATIC_DIR = `${REPO_ROOT}test-output/bench-static`;

/** Runs the host frame rate worker against a fresh server of ours. */
async function measureHostFps(
  plan: BenchPlan,
  errors: string[],
  audience = 0,
): Promise<HostFpsResult> {
  const found = SYSTEMS.find((s) => s.id === "ours");
  if (!found) return { scenarios: [], error: "no system ours" };
  // The worker reads the game through the test build's debug handle.
  try {
    await buildTestSite(BENCH_STATIC_DIR);
  } finally {
    await stopBuilder();
  }
  const ours = {
    ...found,
    env: { ...found.env, STATIC_DIR: BENCH_STATIC_DIR },
  };
  const result = await measure(
    "host frame rate",
    ours,
    errors,
    undefined,
    (s) =>
      runWorker<HostFpsResult>("host_fps.ts", [
        `--url=${s.httpUrl}`,
        `--players=${plan.fpsPlayers.join(",")}`,
        `--warmup-ms=${plan.fpsWarmupMs}`,
        `--sample-ms=${plan.fpsSampleMs}`,
        `--audience=${audience}`,
      ]),
  );
  if (result?.error && !result.skipped) {
    errors.push(`ours, host frame rate: ${result.error}`);
  }
  if (result?.renderer && result.renderer !== "canvas") {
    errors.push(
      `ours, host frame rate: without a GPU the page picked ${result.renderer}, not Canvas`,
    );
  }
  return result ?? { scenarios: [], error: "host frame rate failed" };
}

function samplesOf(
  runs: Record<SystemId, RunSample[]>,
  pick: (sample: RunSample) => number | undefined,
): Partial<Record<SystemId, number[]>> {
  const out: Partial<Record<SystemId, number[]>> = {};
  for (const spec of SYSTEMS) {
    out[spec.id] = runs[spec.id]
      .map(pick)
      .filter((v): v is number => v !== undefined && Number.isFinite(v));
  }
  return out;
}

/**
 * Each system's lowest sample: CPU time only grows when other work shares
 * the cores (fewer events per wake-up), so the best run is the least
 * disturbed one.
 */
function bestOf(
  samples: Partial<Record<SystemId, number[]>>,
): Partial<Record<SystemId, number[]>> {
  const out: Partial<Record<SystemId, number[]>> = {};
  for (const [id, values] of Object.entries(samples)) {
    if (values.length > 0) out[id as SystemId] = [Math.min(...values)];
  }
  return out;
}

/** Section heading of the room bus rows. */
const BUS_SECTION =
  "Room bus (ours; joins as above, relay = player → server → host → server → player over plain sockets)";

/** The start of the cross-instance rows' labels. */
function clusterName(plan: BenchPlan): string {
  return `Redis, ${plan.clusterInstances} instances (host on one, players on the others)`;
}

/** The in-memory relay rows and the Redis bus rows (ours only). */
function busRows(
  plan: BenchPlan,
  runs: Record<SystemId, RunSample[]>,
  busMissing: string | undefined,
): MeasureRow[] {
  const rows: MeasureRow[] = [];
  const noRelay = { peerjs: "—", seed: "—" };
  rows.push(
    {
      section: BUS_SECTION,
      label: "In-memory: relay round trip p50 (ms)",
      digits: 2,
      samples: samplesOf(runs, (r) => r.join?.relayP50Ms),
      notApplicable: noRelay,
    },
    {
      section: BUS_SECTION,
      label: "In-memory: relay round trip p99 (ms)",
      digits: 2,
      samples: samplesOf(runs, (r) => r.join?.relayP99Ms),
      notApplicable: noRelay,
    },
  );
  const oursOnly = {
    peerjs: "—",
    seed: "—",
    bare: "—",
    ...(busMissing ? { ours: busMissing } : {}),
  };
  const variants: [string, (r: RunSample) => JoinCostResult | undefined][] = [
    ["Redis, 1 instance", (r) => r.bus1],
    [`${clusterName(plan)}, relayed`, (r) => r.busCluster],
    [`${clusterName(plan)}, moved`, (r) => r.busMoved],
  ];
  for (const [name, pick] of variants) {
    const figures: [
      string,
      number,
      (j: JoinCostResult) => number | undefined,
    ][] = [
      [
        plan.clusterInstances > 1 && name.includes("instances")
          ? "server CPU per join, all instances (µs)"
          : "server CPU per join (µs)",
        0,
        (j) => j.cpuUsPerJoin,
      ],
      ["joins per second", 0, (j) => j.joinsPerSecond],
      ["join latency p50 (ms)", 1, (j) => j.p50Ms],
      ["join latency p99 (ms)", 1, (j) => j.p99Ms],
      ["relay round trip p50 (ms)", 2, (j) => j.relayP50Ms],
      ["relay round trip p99 (ms)", 2, (j) => j.relayP99Ms],
    ];
    for (const [label, digits, value] of figures) {
      rows.push({
        section: BUS_SECTION,
        label: `${name}: ${label}`,
        digits,
        samples: {
          ours: runs.ours
            .map((r) => {
              const j = pick(r);
              return j ? value(j) : undefined;
            })
            .filter((v): v is number => v !== undefined && Number.isFinite(v)),
        },
        notApplicable: oursOnly,
      });
    }
  }
  return rows;
}

function buildRows(
  plan: BenchPlan,
  runs: Record<SystemId, RunSample[]>,
  pages: PageWeightResult,
  fps: HostFpsResult,
  busMissing: string | undefined,
): MeasureRow[] {
  const rows: MeasureRow[] = [];
  const join = "Join cost";
  rows.push(
    {
      section: join,
      label: "Joins per second",
      samples: samplesOf(runs, (r) => r.join?.joinsPerSecond),
    },
    {
      section: join,
      label: "Join latency p50 (ms)",
      digits: 1,
      samples: samplesOf(runs, (r) => r.join?.p50Ms),
    },
    {
      section: join,
      label: "Join latency p99 (ms)",
      digits: 1,
      samples: samplesOf(runs, (r) => r.join?.p99Ms),
    },
    {
      section: join,
      label: "Server CPU per join (µs)",
      samples: samplesOf(runs, (r) => r.join?.cpuUsPerJoin),
    },
    {
      section: join,
      label: "Server CPU per join, best run (µs)",
      samples: bestOf(samplesOf(runs, (r) => r.join?.cpuUsPerJoin)),
    },
  );
  rows.push(...busRows(plan, runs, busMissing));
  plan.memorySteps.forEach((step, index) => {
    rows.push({
      section: "Memory (server RSS per idle connected player)",
      label: `KB per player at ${formatNumber(step)} players`,
      digits: 1,
      samples: samplesOf(runs, (r) => {
        const bytes = r.memory?.steps[index]?.bytesPerPlayer;
        return bytes === undefined ? undefined : bytes / 1024;
      }),
    });
  });
  for (const bots of plan.bots) {
    const pick = (r: RunSample) =>
      r.webrtc?.timeToPlay.find((t) => t.bots === bots);
    const section = "Time to play (join → data channel open, real WebRTC bots)";
    rows.push(
      {
        section,
        label: `${bots} bot${bots > 1 ? "s" : ""} at once: p50 (ms)`,
        samples: samplesOf(runs, (r) => pick(r)?.p50Ms),
      },
      {
        section,
        label: `${bots} bot${bots > 1 ? "s" : ""} at once: p99 (ms)`,
        samples: samplesOf(runs, (r) => pick(r)?.p99Ms),
      },
    );
  }
  const noRelay = { peerjs: "no relay", seed: "no relay" };
  const latency = "Input latency (round trip phone bot → host bot → phone bot)";
  rows.push(
    {
      section: latency,
      label: "P2P data channel p50 (ms)",
      digits: 2,
      samples: samplesOf(runs, (r) => r.webrtc?.p2p?.p50Ms),
    },
    {
      section: latency,
      label: "P2P data channel p99 (ms)",
      digits: 2,
      samples: samplesOf(runs, (r) => r.webrtc?.p2p?.p99Ms),
    },
    {
      section: latency,
      label: "Server relay fallback p50 (ms)",
      digits: 2,
      samples: samplesOf(runs, (r) => r.webrtc?.relay?.p50Ms),
      notApplicable: noRelay,
    },
    {
      section: latency,
      label: "Server relay fallback p99 (ms)",
      digits: 2,
      samples: samplesOf(runs, (r) => r.webrtc?.relay?.p99Ms),
      notApplicable: noRelay,
    },
  );
  const pageCell = (
    value: number | undefined,
  ) => (value === undefined ? {} : { ours: [value / 1024] });
  const notOurs = { peerjs: "—", seed: "—", bare: "—" };
  const notBuilt = pages.error
    ? { ours: pages.error.startsWith("not built") ? "not built" : "failed" }
    : {};
  const pageSection = "Page weight (everything the page loads)";
  const pageNa = { ...notOurs, ...notBuilt };
  const pageRows: [string, (w: PageWeight) => number][] = [
    ["uncompressed", (w) => w.rawBytes],
    ["gzipped", (w) => w.gzipBytes],
    ["as served", (w) => w.wireBytes],
  ];
  for (
    const [name, page] of [["Controller", pages.controller], [
      "Host",
      pages.host,
    ]] as const
  ) {
    for (const [kind, pick] of pageRows) {
      const label = `${name} page, ${kind} (KB)`;
      rows.push({
        section: pageSection,
        label,
        digits: 1,
        samples: pageCell(page ? pick(page) : undefined),
        notApplicable: pageNa,
      });
    }
  }
  const fpsNa = {
    ...notOurs,
    ...(fps.scenarios.length === 0 ? { ours: fps.skipped ?? "failed" } : {}),
  };
  const fpsRows: [string, number, (s: FpsScenario) => number][] = [
    ["median fps (1-s windows)", 0, (s) => s.medianFps],
    ["worst 1-s window (fps)", 0, (s) => s.worstWindowFps],
    ["frame time p99 (ms)", 1, (s) => s.p99FrameMs],
    ["Chromium CPU (% of one core)", 0, (s) => s.chromiumCpuPercent],
    ["round clock ÷ wall clock", 2, (s) => s.clockRate],
  ];
  for (const players of plan.fpsPlayers) {
    const scenario = fps.scenarios.find((s) => s.players === players);
    for (const [kind, digits, pick] of fpsRows) {
      const value = scenario ? pick(scenario) : undefined;
      rows.push({
        section: HOST_FPS_SECTION,
        label: `${players} players (bots): ${kind}`,
        digits,
        samples: value === undefined ? {} : { ours: [value] },
        notApplicable: fpsNa,
      });
    }
  }
  return rows;
}

function findRow(rows: MeasureRow[], label: string): MeasureRow | undefined {
  return rows.find((row) => row.label === label);
}

function ratioCheck(
  target: string,
  row: MeasureRow | undefined,
  other: SystemId,
  limit: number,
  unit: string,
): TargetCheck {
  const ours = row ? rowMedian(row, "ours") : NaN;
  const theirs = row ? rowMedian(row, other) : NaN;
  const ratio = ours / theirs;
  return {
    target,
    evidence: `ours ${formatNumber(ours, 1)} ${unit} vs ${other} ` +
      `${formatNumber(theirs, 1)} ${unit}: ${formatNumber(ratio, 2)}×`,
    holds: Number.isFinite(ratio) ? ratio <= limit : undefined,
  };
}

function buildTargets(
  plan: BenchPlan,
  rows: MeasureRow[],
  runs: Record<SystemId, RunSample[]>,
  pages: PageWeightResult,
  fps: HostFpsResult,
): TargetCheck[] {
  const cpu = findRow(rows, "Server CPU per join (µs)");
  const checks: TargetCheck[] = [
    ratioCheck(
      "Server CPU per join ≤ 2/3 of PeerJS's",
      cpu,
      "peerjs",
      CPU_VS_NODE_TARGET,
      "µs",
    ),
    ratioCheck(
      "Server CPU per join ≤ 2/3 of the seed server's",
      cpu,
      "seed",
      CPU_VS_NODE_TARGET,
      "µs",
    ),
    ratioCheck(
      `Server CPU per join ≤ ${CPU_VS_BARE_TARGET} × the bare relay's`,
      cpu,
      "bare",
      CPU_VS_BARE_TARGET,
      "µs",
    ),
    ratioCheck(
      "Join latency p99 no worse than PeerJS's",
      findRow(rows, "Join latency p99 (ms)"),
      "peerjs",
      1,
      "ms",
    ),
  ];
  for (const step of plan.memorySteps) {
    checks.push(ratioCheck(
      `Memory per idle player at ${
        formatNumber(step)
      } ≤ ${MEMORY_VS_BARE_TARGET} × the bare relay's`,
      findRow(rows, `KB per player at ${formatNumber(step)} players`),
      "bare",
      MEMORY_VS_BARE_TARGET,
      "KB",
    ));
  }
  checks.push(...clusterTargets(plan, rows, cpu));
  const gzip = pages.controller?.gzipBytes;
  checks.push({
    target: "Controller page < 60 KB gzipped",
    evidence: gzip === undefined
      ? `not measured (${pages.error ?? "not built"})`
      : `${formatNumber(gzip / 1024, 1)} KB`,
    holds: gzip === undefined ? undefined : gzip < CONTROLLER_GZIP_TARGET_BYTES,
  });
  const slowest = runs.ours
    .map((r) =>
      r.webrtc?.timeToPlay.find((t) => t.bots === TIME_TO_PLAY_TARGET_BOTS)
    )
    .filter((t) => t !== undefined && t.failures === 0)
    .map((t) => t?.maxMs ?? NaN);
  const failedRuns =
    runs.ours.filter((r) =>
      (r.webrtc?.timeToPlay.find((t) => t.bots === TIME_TO_PLAY_TARGET_BOTS)
        ?.failures ?? 0) > 0
    ).length;
  const slowestMedian = median(slowest);
  checks.push({
    target: "16 bots all connected within 1 s (ours)",
    evidence: slowest.length === 0
      ? "not measured"
      : `slowest bot, median of runs: ${formatNumber(slowestMedian)} ms ` +
        `(per run: ${slowest.map((v) => formatNumber(v)).join(", ")} ms)` +
        (failedRuns ? `; ${failedRuns} run(s) with failed bots` : ""),
    holds: slowest.length === 0
      ? undefined
      : failedRuns === 0 && slowestMedian <= TIME_TO_PLAY_TARGET_MS,
  });
  const full = fps.scenarios.find((s) => s.players === HOST_FPS_TARGET_PLAYERS);
  checks.push({
    target: `Host holds ≥ ${HOST_FPS_TARGET} fps with ` +
      `${HOST_FPS_TARGET_PLAYERS} players (worst 1-s window)`,
    evidence: full === undefined
      ? `not measured (${fps.skipped ?? fps.error ?? "failed"})`
      : `worst 1-s window ${formatNumber(full.worstWindowFps)} fps ` +
        `(median ${formatNumber(full.medianFps)} fps, frame time p99 ` +
        `${formatNumber(full.p99FrameMs, 1)} ms), software rendering`,
    holds: full === undefined
      ? undefined
      : full.worstWindowFps >= HOST_FPS_TARGET,
  });
  checks.push({
    target: `Round clock keeps real time on the host (game ÷ wall within ` +
      `${CLOCK_RATE_TOLERANCE * 100} %, ${HOST_FPS_TARGET_PLAYERS} players)`,
    evidence: full === undefined || !Number.isFinite(full.clockRate)
      ? `not measured (${fps.skipped ?? fps.error ?? "failed"})`
      : `${formatNumber(full.clockRate, 3)} s of round per second, ` +
        `at ${formatNumber(full.medianFps)} fps (${fps.renderer ?? "?"})`,
    holds: full === undefined || !Number.isFinite(full.clockRate)
      ? undefined
      : Math.abs(full.clockRate - 1) <= CLOCK_RATE_TOLERANCE,
  });
  return checks;
}

/**
 * The Redis bus targets: a cross-instance join's CPU and added p50, with
 * players moved to the owner (`INSTANCE_URL`) and relayed (as on Deploy).
 */
function clusterTargets(
  plan: BenchPlan,
  rows: MeasureRow[],
  cpu: MeasureRow | undefined,
): TargetCheck[] {
  const memoryCpu = cpu ? rowMedian(cpu, "ours") : NaN;
  const memoryP50Row = findRow(rows, "Join latency p50 (ms)");
  const memoryP50 = memoryP50Row ? rowMedian(memoryP50Row, "ours") : NaN;
  const checks: TargetCheck[] = [];
  for (
    const [way, words] of [
      ["moved", "phones moved to the owner (INSTANCE_URL)"],
      ["relayed", "relayed (no INSTANCE_URL, as on Deploy)"],
    ]
  ) {
    const prefix = `${clusterName(plan)}, ${way}: `;
    const clusterCpuRow = findRow(
      rows,
      `${prefix}server CPU per join, all instances (µs)`,
    );
    const clusterCpu = clusterCpuRow ? rowMedian(clusterCpuRow, "ours") : NaN;
    const cpuRatio = clusterCpu / memoryCpu;
    const clusterP50Row = findRow(rows, `${prefix}join latency p50 (ms)`);
    const clusterP50 = clusterP50Row ? rowMedian(clusterP50Row, "ours") : NaN;
    const added = clusterP50 - memoryP50;
    checks.push(
      {
        target: `Cross-instance join (Redis bus), ${words}: server CPU, ` +
          `all instances, ≤ ${CLUSTER_CPU_TARGET} × the in-memory join's`,
        evidence: `${formatNumber(clusterCpu)} µs vs ${
          formatNumber(memoryCpu)
        } µs: ${formatNumber(cpuRatio, 2)}×`,
        holds: Number.isFinite(cpuRatio)
          ? cpuRatio <= CLUSTER_CPU_TARGET
          : undefined,
      },
      {
        target: `Cross-instance join (Redis bus), ${words}: adds ≤ ` +
          `${CLUSTER_P50_ADDED_TARGET_MS} ms at p50 (loopback)`,
        evidence: `p50 ${formatNumber(clusterP50, 1)} ms vs ${
          formatNumber(memoryP50, 1)
        } ms in memory: +${formatNumber(added, 1)} ms`,
        holds: Number.isFinite(added)
          ? added <= CLUSTER_P50_ADDED_TARGET_MS
          : undefined,
      },
    );
  }
  return checks;
}

/** The notes line that says how the host frame rate was taken, and what it means. */
function hostFpsNote(plan: BenchPlan, fps: HostFpsResult): string {
  const seconds = (ms: number) => formatNumber(ms / 1000, ms % 1000 ? 1 : 0);
  const parts = [
    `Host frame rate: ${
      fps.browser ?? "headless Chromium"
    }, launched as for page weight`,
    "(--headless --disable-gpu), opens /?seed=1 at 1920×1080 (device scale 1), creates a room with its button,",
    "presses B until the game has the row's bots (checked in window.pizzaGame.snapshot()), starts the round with S,",
    `waits ${
      seconds(plan.fpsWarmupMs)
    } s, then a requestAnimationFrame loop in the page records`,
    `every frame's timestamp for ${seconds(plan.fpsSampleMs)} s; one run.`,
    "Frames are counted in whole 1-second windows (median, worst); frame time is the gap between frames;",
    "Chromium CPU is the user + system time of all its processes (/proc) over the sample window;",
    "the round clock is the round time that passed over the sample window per second of the page's performance.now() (1: real time, whatever the frame rate).",
    `Renderer seen: ${fps.renderer ?? "—"}.`,
    "This is software rendering: without a GPU, Chromium rasterizes the canvas and composites the page on the CPU",
    '(chrome://gpu: Canvas, Compositing and Rasterization "Software only"),',
    `on the same ${navigator.hardwareConcurrency} cores as the server and any other load,`,
    "and headless frames are capped at 60 per second (a blank page gets 60).",
    "A host with a GPU moves that work off its CPU, so these figures are a floor for it, not its frame rate.",
  ];
  if (plan.fpsPlayers.includes(4)) {
    parts.push(
      "4 players is the fewest bots the host's B key gives (one press): the reference rows.",
    );
  }
  return parts.join(" ");
}

function notesFor(
  plan: BenchPlan,
  pages: PageWeightResult,
  fps: HostFpsResult,
  errors: string[],
): string[] {
  const env = Object.entries(OUR_BENCH_ENV).map(([k, v]) => `${k}=${v}`).join(
    " ",
  );
  const notes = [
    `Join: ${
      formatNumber(plan.joinRooms * plan.joinsPerRoom)
    } measured joins per run after ` +
    `${plan.joinWarmupRooms} warm-up rooms; ${plan.joinsPerRoom} joins per room, ` +
    `${plan.concurrentRooms} rooms at once, ${plan.joinsInFlightPerRoom} joins in flight per room. ` +
    "A join = new WebSocket + offer + answer + 4 candidates each way; the player then disconnects. " +
    "CPU is user+system time from the server's /proc/<pid>/stat, so the load generator's share of the 2 cores is not counted.",
    `Our server runs as \`deno task serve\` does, with ${env} (all load comes from 127.0.0.1) ` +
    "and every other limit at its default; its log goes to /dev/null.",
    `Room bus: ours with REDIS_URL set to a redis-server the bench starts (127.0.0.1, no persistence), ` +
    `1 instance, then ${plan.clusterInstances} instances where every room's host is on the first and its players on the others in turn ` +
    "(every join crosses instances), twice: relayed (no INSTANCE_URL, as on Deno Deploy: the player's frames go to the owner over Redis) " +
    "and moved (each instance has its INSTANCE_URL; players declare canMove, get moveTo from the instance they landed on, and join at the owner: " +
    "the join spans both sockets); CPU is summed over all instances (Redis's own CPU is not counted). " +
    `Relay rows: ${plan.socketRelayRoundTrips} sequential relay round trips (10 ms apart, after 10 warm-up) ` +
    "from one player through the server to the host and back, over the load generator's sockets (no WebRTC).",
    "PeerJS: npm `peer` PeerServer with concurrent_limit raised to 50,000 (default 5,000) for the memory measure. " +
    "Seed: the article's server (express + websocket) with only the fixes it needs to run; candidates travel as extra joinRoom/offerResponse messages.",
    `Memory: fresh server, ${
      plan.memorySteps.map((s) => formatNumber(s)).join(" then ")
    } idle players ` +
    `(12 per room + 1 host socket per room; each sent an offer and got an answer), ` +
    "(RSS − RSS before any player) / players; " +
    `first ${plan.memoryRuns} runs only.`,
    "Time to play and input latency: @roamhq/wrtc + simple-peer bots in one process (host and phones share the machine); " +
    "P2P round trips do not touch the server, so that row is the same stack in every column.",
    `Page weight via ${pages.method}: "as served" is what our server sends to a browser that accepts gzip; ` +
    "gzipped is each file through CompressionStream (the 60 KB target).",
    hostFpsNote(plan, fps),
  ];
  if (plan === SMOKE_PLAN) {
    notes.unshift(
      "SMOKE RUN: tiny counts, one server per system; figures mean nothing.",
    );
  }
  for (const error of errors) notes.push(`Failure: ${error}`);
  return notes;
}

/**
 * `--only bus`: per run, ours' join cost in memory, then on the Redis bus
 * (1 instance, then every join crossing instances); prints each run and
 * the median and range of each figure, and of the ratios within a run.
 */
async function busOnly(plan: BenchPlan): Promise<string> {
  if (!redisServerAvailable()) return "no redis-server: nothing to measure";
  const errors: string[] = [];
  const redis = await startTestRedis();
  const lines = [
    "| run | load | in memory µs | 1 instance µs | 3 inst. relayed µs | relayed / memory | 3 inst. moved µs | moved / memory | p50 memory ms | p50 relayed ms | +ms | p50 moved ms | +ms |",
    "| --: | ---- | -----------: | ------------: | -----------------: | ---------------: | ---------------: | -------------: | ------------: | -------------: | --: | -----------: | --: |",
  ];
  const ratios: number[] = [];
  const added: number[] = [];
  const movedRatios: number[] = [];
  const movedAdded: number[] = [];
  const perProcess: string[] = [];
  try {
    for (let run = 0; run < plan.runs; run++) {
      const load = await loadAverage();
      const ours = SYSTEMS[0];
      const join = await measure(
        "join cost",
        ours,
        errors,
        undefined,
        (s) =>
          runWorker<JoinCostResult>(
            "join_cost.ts",
            joinArgs(plan, ours, s, [s]),
          ),
      );
      const bus1 = await measureCluster(plan, redis, 1, errors);
      const cluster = await measureCluster(
        plan,
        redis,
        plan.clusterInstances,
        errors,
      );
      const moved = await measureCluster(
        plan,
        redis,
        plan.clusterInstances,
        errors,
        true,
      );
      const ratio = (cluster?.cpuUsPerJoin ?? NaN) /
        (join?.cpuUsPerJoin ?? NaN);
      const plus = (cluster?.p50Ms ?? NaN) - (join?.p50Ms ?? NaN);
      const movedRatio = (moved?.cpuUsPerJoin ?? NaN) /
        (join?.cpuUsPerJoin ?? NaN);
      const movedPlus = (moved?.p50Ms ?? NaN) - (join?.p50Ms ?? NaN);
      ratios.push(ratio);
      added.push(plus);
      movedRatios.push(movedRatio);
      movedAdded.push(movedPlus);
      const f = (n: number | undefined, digits = 0) =>
        formatNumber(n ?? NaN, digits);
      lines.push(
        `| ${run + 1} | ${load} | ${f(join?.cpuUsPerJoin)} | ${
          f(bus1?.cpuUsPerJoin)
        } | ${f(cluster?.cpuUsPerJoin)} | ${f(ratio, 2)} | ${
          f(moved?.cpuUsPerJoin)
        } | ${f(movedRatio, 2)} | ${f(join?.p50Ms, 1)} | ${
          f(cluster?.p50Ms, 1)
        } | ${f(plus, 1)} | ${f(moved?.p50Ms, 1)} | ${f(movedPlus, 1)} |`,
      );
      console.error(lines.at(-1));
      const split = (r: JoinCostResult | undefined) =>
        (r?.cpuUsPerJoinByProcess ?? []).map((n) => f(n)).join(" + ");
      perProcess.push(
        `run ${run + 1}: relayed ${split(cluster)} µs; moved ${
          split(moved)
        } µs (host's instance first); relay round trip p50 after the join: ` +
          `in memory ${f(join?.relayP50Ms, 2)} ms, relayed ${
            f(cluster?.relayP50Ms, 2)
          } ms, moved ${f(moved?.relayP50Ms, 2)} ms`,
      );
    }
  } finally {
    await redis.close();
  }
  const range = (values: number[], digits: number) => {
    const ok = values.filter(Number.isFinite);
    return `${formatNumber(median(ok), digits)} (${
      formatNumber(Math.min(...ok), digits)
    } to ${formatNumber(Math.max(...ok), digits)})`;
  };
  lines.push(
    "",
    `3 instances, moved (INSTANCE_URL) / in memory, per run: median ${
      range(movedRatios, 2)
    }; target ≤ ${CLUSTER_CPU_TARGET}.`,
    `Added join p50, moved, per run: median ${range(movedAdded, 1)} ms; ` +
      `target ≤ ${CLUSTER_P50_ADDED_TARGET_MS} ms.`,
    `3 instances, relayed (no INSTANCE_URL) / in memory, per run: median ${
      range(ratios, 2)
    }; target ≤ ${CLUSTER_CPU_TARGET}.`,
    `Added join p50, relayed, per run: median ${range(added, 1)} ms; ` +
      `target ≤ ${CLUSTER_P50_ADDED_TARGET_MS} ms.`,
    "",
    "Server CPU per join by instance, and the relay round trip:",
    ...perProcess,
    ...errors.map((error) => `Failure: ${error}`),
  );
  return lines.join("\n");
}

/** Runs the benchmark; returns the markdown report. */
async function main(): Promise<string> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      smoke: { type: "boolean", default: false },
      runs: { type: "string" },
      out: { type: "string" },
      only: { type: "string" },
      serial: { type: "boolean", default: false },
    },
  });
  const base = values.smoke ? SMOKE_PLAN : FULL_PLAN;
  const runsWanted = values.runs ? Number(values.runs) : base.runs;
  const plan: BenchPlan = {
    ...base,
    runs: runsWanted,
    memoryRuns: Math.min(base.memoryRuns, runsWanted),
  };
  const audiencePlan = values.smoke ? AUDIENCE_SMOKE : AUDIENCE_FULL;
  if (values.only === "audience") {
    const errors: string[] = [];
    const loadBefore = await loadAverage();
    const started = performance.now();
    const results = await measureAudience(
      audiencePlan,
      runWorker<AudienceResult>,
      errors,
    );
    console.error("host frame rate with an audience");
    const fps = await measureHostFps(
      { ...plan, fpsPlayers: [HOST_FPS_TARGET_PLAYERS] },
      errors,
      audiencePlan.fpsAudience,
    );
    const markdown = [
      ...(await machineLines()),
      `Load average before/after: ${loadBefore} / ${await loadAverage()}`,
      `Ran ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC in ` +
      `${formatNumber((performance.now() - started) / 1000)} s`,
    ].map((l) => `- ${l}`).join("\n") + "\n\n" +
      [audienceSection(results, fps), ...errors.map((e) => `Failure: ${e}`)]
        .join("\n\n") +
      "\n";
    const out = values.out ??
      `${REPO_ROOT}bench/results/audience${values.smoke ? "_smoke" : ""}.md`;
    await Deno.mkdir(dirname(out), { recursive: true });
    await Deno.writeTextFile(out, markdown);
    await Deno.writeTextFile(
      out.replace(/\.md$/, ".json"),
      JSON.stringify({ audience: results, fps, errors }, null, 2),
    );
    return markdown;
  }
  if (values.only !== undefined) {
    if (values.only !== "bus") {
      throw new Error(
        `Unknown --only ${values.only}: "bus" and "audience" are the known measures`,
      );
    }
    // One join at a time: the hops' own latency, without queueing.
    return await busOnly(
      values.serial
        ? { ...plan, concurrentRooms: 1, joinsInFlightPerRoom: 1 }
        : plan,
    );
  }
  const out = values.out ??
    `${REPO_ROOT}bench/results/${values.smoke ? "smoke" : "latest"}.md`;
  const started = performance.now();
  const loadBefore = await loadAverage();
  await ensureBaselines();
  const runs = Object.fromEntries(
    SYSTEMS.map((s) => [s.id, []]),
  ) as unknown as Record<
    SystemId,
    RunSample[]
  >;
  const errors: string[] = [];
  const busMissing = redisServerAvailable() ? undefined : "no redis-server";
  const redis = busMissing ? undefined : await startTestRedis();
  try {
    for (let run = 0; run < plan.runs; run++) {
      const order = SYSTEMS.map((_, i) => SYSTEMS[(i + run) % SYSTEMS.length]);
      for (const spec of order) {
        const t0 = performance.now();
        runs[spec.id].push(
          await runOnce(plan, spec, run < plan.memoryRuns, errors, redis),
        );
        console.error(
          `run ${run + 1}/${plan.runs}: ${spec.label} ` +
            `(${formatNumber((performance.now() - t0) / 1000)} s)`,
        );
      }
    }
  } finally {
    await redis?.close();
  }
  console.error("page weight");
  const pages = await measurePages(errors);
  console.error("host frame rate");
  const fps = await measureHostFps(plan, errors, audiencePlan.fpsAudience);
  console.error("audience");
  const audience = await measureAudience(
    audiencePlan,
    runWorker<AudienceResult>,
    errors,
  );
  const rows = buildRows(plan, runs, pages, fps, busMissing);
  const machine = [
    ...(await machineLines()),
    `${plan.runs} interleaved run(s) (system order rotates each run); medians shown. ` +
    `Load average before/after: ${loadBefore} / ${await loadAverage()}`,
    `Ran ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC in ` +
    `${formatNumber((performance.now() - started) / 1000)} s`,
  ];
  const markdown = renderReport({
    systems: SYSTEMS,
    rows,
    targets: buildTargets(plan, rows, runs, pages, fps),
    machine,
    notes: notesFor(plan, pages, fps, errors),
  }) + "\n\n" + audienceSection(audience, fps) + "\n";
  await Deno.mkdir(dirname(out), { recursive: true });
  await Deno.writeTextFile(out, markdown);
  await Deno.writeTextFile(
    out.replace(/\.md$/, ".json"),
    JSON.stringify({ plan, runs, pages, fps, audience, errors }, null, 2),
  );
  return markdown;
}

if (import.meta.main) {
  console.log(await main());
}
