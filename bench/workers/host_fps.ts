/**
 * Host frame rate worker: how smoothly the host page draws a round, in
 * headless Chromium (puppeteer-core) against a running server of ours.
 *
 * For each player count, a fresh browser context opens `/?seed=1` at
 * 1920×1080 (device scale factor 1), creates a room with the page's own
 * "Create game" button, presses B until the game has that many bots
 * (each press adds up to 4, at most 12 players; the count is checked in
 * `window.pizzaGame.snapshot()`), starts the round with S, waits out a
 * warm-up, and then records the timestamp of every animation frame
 * (a `requestAnimationFrame` loop installed in the page, beside Phaser's
 * own) for the sample window. From those: frames in each whole 1-second
 * window (median and worst), and the 99th percentile of frame times. The
 * CPU time of Chromium's processes over the same window is read from /proc,
 * and the round's clock is read against the page's own clock (game time per
 * wall time: 1 when the round keeps real time).
 *
 * The page picks its renderer itself (no `?renderer=`): without a GPU its
 * WebGL is a software rasteriser, so it draws with Canvas (`renderer` in the
 * result says which); with `--disable-gpu` Chromium rasterizes and
 * composites in software, on the same cores as the server, so the figures
 * are a floor for a host machine with a GPU, not its frame rate.
 *
 * Prints one JSON line: {@link HostFpsResult}.
 *
 * @module
 */
/// <reference lib="dom" />
import { parseArgs } from "node:util";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import type { GameSnapshot } from "../../src/host/game_snapshot.ts";
import type { HostSnapshot } from "../../src/host/host_snapshot.ts";
import { cpuTimeMs } from "../lib/proc_stats.ts";
import { type LeanSocket, openLean } from "../lib/lean_ws.ts";
import { median, percentile } from "../lib/stats.ts";
import { CHROMIUM_ARGS, chromiumPath } from "../../scripts/chromium.ts";

/** The host window. */
const VIEWPORT = { width: 1920, height: 1080, deviceScaleFactor: 1 } as const;
/** The host page, with a fixed town so every run draws the same map. */
const HOST_PATH = "/?seed=1";
/** Players each press of B brings the game up to, at most (`DEFAULT_BOT_FILL`). */
const BOTS_PER_PRESS = 4;
/** The game's player cap (`MAX_PLAYERS`). */
const MAX_PLAYERS = 12;
/** How long the page may take to load, create its room, take bots, in ms. */
const STEP_TIMEOUT_MS = 20_000;
/** Poll interval while waiting on the page, in ms. */
const POLL_MS = 50;
/** Length of the windows frames are counted in, in ms. */
const WINDOW_MS = 1_000;

/** Frame rate of the host page with one player count. */
export interface FpsScenario {
  /** Players in the game (all bots). */
  players: number;
  /** Audience sockets watching the room (0: none). */
  watchers?: number;
  /** Audience updates the watchers received over the sample window, each. */
  watcherUpdates?: number;
  /** Median over the whole 1-second windows of frames in the window. */
  medianFps: number;
  /** Frames in the worst 1-second window. */
  worstWindowFps: number;
  /** 99th percentile of the time between animation frames, in ms. */
  p99FrameMs: number;
  /** Longest time between two animation frames, in ms. */
  maxFrameMs: number;
  /** Frames over the whole sample window / its length, per second. */
  meanFps: number;
  /** Frames recorded. */
  frames: number;
  /** Whole 1-second windows counted. */
  windows: number;
  /** The game's own rolling figure (`snapshot().fps`) at the end, a cross-check. */
  snapshotFps: number;
  /**
   * CPU time of all Chromium processes over the sample window, in % of one
   * core: the headroom the 60-frame cap hides (NaN when unreadable).
   */
  chromiumCpuPercent: number;
  /**
   * Round time that passed over the sample window ÷ the page's wall time:
   * 1 when the game clock keeps real time (NaN when unreadable).
   */
  clockRate: number;
}

/** What the worker prints. */
export interface HostFpsResult {
  /** Chromium's version string, when it ran. */
  browser?: string;
  /** "canvas" or "webgl": what the page's game canvas draws with. */
  renderer?: string;
  /** One entry per player count, in the order asked. */
  scenarios: FpsScenario[];
  /** Why nothing was measured: "no Chromium" or "not built". */
  skipped?: string;
  /** What failed, if anything did. */
  error?: string;
}

/** What to measure. */
export interface HostFpsOptions {
  /** `http://127.0.0.1:<port>` of a server of ours. */
  baseUrl: string;
  /** Player counts (each a multiple of 4 up to 12, or 12). */
  players: readonly number[];
  /** Time the round runs before sampling, in ms. */
  warmupMs: number;
  /** Sample window, in ms. */
  sampleMs: number;
  /**
   * Audience sockets: when above 0, the last player count is measured
   * again with this many watchers on the room (the host receives only
   * tallies), right after the same count without them.
   */
  audience?: number;
}

/** Frame-rate figures from animation frame timestamps (ms, ascending). */
export function frameStats(
  timestamps: readonly number[],
): Omit<
  FpsScenario,
  "players" | "snapshotFps" | "chromiumCpuPercent" | "clockRate"
> {
  const intervals = timestamps.slice(1).map((t, i) => t - timestamps[i]);
  const first = timestamps[0] ?? 0;
  const span = (timestamps.at(-1) ?? 0) - first;
  const windows = Math.floor(span / WINDOW_MS);
  const counts: number[] = [];
  for (let k = 0; k < windows; k++) {
    const from = first + k * WINDOW_MS;
    const to = from + WINDOW_MS;
    counts.push(timestamps.filter((t) => t >= from && t < to).length);
  }
  return {
    medianFps: median(counts),
    worstWindowFps: counts.length > 0 ? Math.min(...counts) : NaN,
    p99FrameMs: percentile(intervals, 99),
    maxFrameMs: intervals.length > 0 ? Math.max(...intervals) : NaN,
    meanFps: span > 0 ? (intervals.length * 1000) / span : NaN,
    frames: timestamps.length,
    windows,
  };
}

/** Presses of B that bring an empty lobby to `players` bots, or throws. */
function pressesFor(players: number): number {
  const presses = Math.ceil(players / BOTS_PER_PRESS);
  const reached = Math.min(MAX_PLAYERS, presses * BOTS_PER_PRESS);
  if (!Number.isInteger(players) || players < 1 || reached !== players) {
    throw new RangeError(
      `${players} players: B adds ${BOTS_PER_PRESS} bots per press ` +
        `(at most ${MAX_PLAYERS} players), so use 4, 8 or 12`,
    );
  }
  return presses;
}

/** Polls `check` until it returns something other than undefined. */
async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ""}`);
}

function hostSnapshot(page: Page): Promise<HostSnapshot | undefined> {
  return page.evaluate(() => globalThis.pizzaHost?.snapshot());
}

function gameSnapshot(page: Page): Promise<GameSnapshot | undefined> {
  return page.evaluate(() => globalThis.pizzaGame?.snapshot());
}

/**
 * Records the timestamp of every animation frame until `ms` have passed
 * since the first, inside the page.
 */
function recordFrames(page: Page, ms: number): Promise<number[]> {
  return page.evaluate(
    (windowMs: number) =>
      new Promise<number[]>((resolve) => {
        const stamps: number[] = [];
        const onFrame = (time: number): void => {
          stamps.push(time);
          if (time - stamps[0] >= windowMs) resolve(stamps);
          else requestAnimationFrame(onFrame);
        };
        requestAnimationFrame(onFrame);
      }),
    ms,
  );
}

/** CPU time (user + system) of `root` and every process under it, in ms. */
async function treeCpuTimeMs(root: number): Promise<number> {
  const parents = new Map<number, number>();
  for await (const entry of Deno.readDir("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
      // Fields after the command name: state, then the parent's pid.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(pid, ppid);
    } catch {
      // Gone meanwhile.
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p && p > 1; p = parents.get(p)) {
      if (p === root) return true;
    }
    return false;
  };
  let total = 0;
  for (const pid of parents.keys()) {
    if (inTree(pid)) total += await cpuTimeMs(pid).catch(() => 0);
  }
  return total;
}

/** The page's clock and the round's time left, read together. */
function roundClock(page: Page): Promise<{ at: number; left: number }> {
  return page.evaluate(() => ({
    at: performance.now(),
    left: globalThis.pizzaGame?.snapshot().timeLeftMs ?? NaN,
  }));
}

/** Which context the game's canvas has: "canvas" (2D) or "webgl". */
function rendererOf(page: Page): Promise<string> {
  return page.evaluate(() => {
    const canvas = document.querySelector("#game canvas");
    if (!(canvas instanceof HTMLCanvasElement)) return "no canvas";
    // A canvas that already has a WebGL context returns null for "2d".
    return canvas.getContext("2d") ? "canvas" : "webgl";
  });
}

/** One player count: a fresh context, a new room, bots, a round, frames. */
async function measureScenario(
  browser: Browser,
  options: HostFpsOptions,
  players: number,
  watchers = 0,
): Promise<{ scenario: FpsScenario; renderer: string }> {
  const presses = pressesFor(players);
  const context = await browser.createBrowserContext();
  const audience: LeanSocket[] = [];
  let updates = 0;
  try {
    const page = await context.newPage();
    await page.setViewport(VIEWPORT);
    await page.goto(`${options.baseUrl}${HOST_PATH}`, {
      waitUntil: "load",
      timeout: STEP_TIMEOUT_MS,
    });
    await page.waitForSelector("#create-button:not([disabled])", {
      timeout: STEP_TIMEOUT_MS,
    });
    await page.click("#create-button");
    const room = await waitFor("the room", async () => {
      const host = await hostSnapshot(page);
      return host?.status === "open" && host.room ? host.room : undefined;
    });
    await watchRoom(options.baseUrl, room, watchers, audience, () => updates++);
    for (let press = 1; press <= presses; press++) {
      await page.keyboard.press("b");
      const want = Math.min(MAX_PLAYERS, press * BOTS_PER_PRESS);
      await waitFor(
        `${want} players after ${press} press(es) of B`,
        async () =>
          (await gameSnapshot(page))?.players.length === want
            ? true
            : undefined,
      );
    }
    const lobby = await gameSnapshot(page);
    const bots = lobby?.players.filter((p) => p.bot).length ?? 0;
    if (lobby?.players.length !== players || bots !== players) {
      throw new Error(
        `expected ${players} bots, the game has ${lobby?.players.length} players (${bots} bots)`,
      );
    }
    await page.keyboard.press("s");
    await waitFor(
      "the round to start",
      async () =>
        (await gameSnapshot(page))?.phase === "playing" ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, options.warmupMs));
    const root = browser.process()?.pid;
    const cpuBefore = root ? await treeCpuTimeMs(root) : NaN;
    const wallBefore = performance.now();
    const clockBefore = await roundClock(page);
    const updatesBefore = updates;
    const stamps = await recordFrames(page, options.sampleMs);
    const updatesOver = updates - updatesBefore;
    const clockAfter = await roundClock(page);
    const cpuMs = root ? (await treeCpuTimeMs(root)) - cpuBefore : NaN;
    const wallMs = performance.now() - wallBefore;
    const after = await gameSnapshot(page);
    if (after?.phase !== "playing" || after.paused) {
      throw new Error(
        `round not running while sampling (phase ${after?.phase}, paused ${after?.paused})`,
      );
    }
    return {
      scenario: {
        players,
        watchers: audience.length,
        watcherUpdates: audience.length > 0 ? updatesOver / audience.length : 0,
        ...frameStats(stamps),
        snapshotFps: after.fps,
        chromiumCpuPercent: (cpuMs / wallMs) * 100,
        clockRate: (clockBefore.left - clockAfter.left) /
          (clockAfter.at - clockBefore.at),
      },
      renderer: await rendererOf(page),
    };
  } finally {
    for (const s of audience) s.close();
    await Promise.all(audience.map((s) => s.closed));
    await context.close();
  }
}

/** Opens `count` audience sockets on `room` (lean, 64 at a time); each update counts. */
async function watchRoom(
  baseUrl: string,
  room: string,
  count: number,
  into: LeanSocket[],
  onUpdate: () => void,
): Promise<void> {
  const url = `${baseUrl.replace(/^http/, "ws")}/ws`;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(64, count) }, async () => {
      while (next < count) {
        const name = `W${next++}`;
        const watching = Promise.withResolvers<void>();
        const socket = await openLean(url, {
          onText: (text) => {
            if (text.startsWith('{"type":"audienceUpdate"')) onUpdate();
            else if (text.startsWith('{"type":"watching"')) watching.resolve();
            else if (text.startsWith('{"type":"error"')) {
              watching.reject(new Error(text));
            }
          },
        });
        into.push(socket);
        socket.send(JSON.stringify({ action: "watchRoom", room, name }));
        await watching.promise;
      }
    }),
  );
}

/**
 * Measures the host page's frame rate for each player count.
 *
 * @param options Server, player counts, warm-up and sample lengths.
 * @returns Figures per player count, or why none were taken.
 */
export async function measureHostFps(
  options: HostFpsOptions,
): Promise<HostFpsResult> {
  const response = await fetch(`${options.baseUrl}/`);
  await response.body?.cancel();
  if (!response.ok) {
    return {
      scenarios: [],
      skipped: "not built",
      error: `/ answers ${response.status} (run deno task build)`,
    };
  }
  const executablePath = chromiumPath();
  if (!executablePath) return { scenarios: [], skipped: "no Chromium" };
  for (const players of options.players) pressesFor(players);
  const userDataDir = await Deno.makeTempDir({ prefix: "pizza-bench-fps-" });
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`],
  });
  try {
    const result: HostFpsResult = {
      browser: await browser.version(),
      scenarios: [],
    };
    const last = options.players.at(-1);
    for (const players of options.players) {
      // The last count (the target's) again with an audience, when asked.
      const audiences = options.audience && players === last
        ? [0, options.audience]
        : [0];
      for (const watchers of audiences) {
        const { scenario, renderer } = await measureScenario(
          browser,
          options,
          players,
          watchers,
        );
        result.scenarios.push(scenario);
        result.renderer = renderer;
      }
    }
    return result;
  } finally {
    await browser.close();
    await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      url: { type: "string", default: "" },
      players: { type: "string", default: "4,12" },
      "warmup-ms": { type: "string", default: "2000" },
      "sample-ms": { type: "string", default: "10000" },
      audience: { type: "string", default: "0" },
    },
  });
  let result: HostFpsResult;
  try {
    result = await measureHostFps({
      baseUrl: values.url,
      players: values.players.split(",").map(Number),
      warmupMs: Number(values["warmup-ms"]),
      sampleMs: Number(values["sample-ms"]),
      audience: Number(values.audience),
    });
  } catch (error) {
    result = { scenarios: [], error: String(error).slice(0, 1_000) };
  }
  console.log(JSON.stringify(result));
}
