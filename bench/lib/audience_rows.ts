/**
 * The audience rows of `deno task bench`: rooms of watch-and-vote sockets
 * on our server (`workers/audience.ts`), with the bare relay's idle socket
 * as the memory floor. Rendered as their own section of the report.
 *
 * @module
 */
import type { AudienceResult } from "../workers/audience.ts";
import { formatNumber } from "./report.ts";
import { type RunningServer, startSystem, SYSTEMS } from "./systems.ts";

/** One audience scenario: rooms, watchers per room, updates per room. */
export interface AudienceScenario {
  /** Rooms, each with its host socket. */
  rooms: number;
  /** Watchers per room. */
  perRoom: number;
  /** Updates each host sends (600 ms apart). */
  updates: number;
}

/** The full run's scenarios: 1,000 in one room, 10,000 over 10 rooms. */
export const AUDIENCE_FULL: readonly AudienceScenario[] = [
  { rooms: 1, perRoom: 1_000, updates: 30 },
  { rooms: 10, perRoom: 1_000, updates: 20 },
];

/** The smoke run's scenarios: tiny counts, every path. */
export const AUDIENCE_SMOKE: readonly AudienceScenario[] = [
  { rooms: 1, perRoom: 20, updates: 3 },
  { rooms: 2, perRoom: 10, updates: 3 },
];

/** An update must reach the last watcher within this at p99, ms. */
export const AUDIENCE_LAST_P99_TARGET_MS = 50;
/** Server CPU per update per watcher must stay under this, µs. */
export const AUDIENCE_CPU_TARGET_US = 1;
/** Memory per idle watcher at most this multiple of the bare relay's idle socket. */
export const AUDIENCE_MEMORY_VS_BARE_TARGET = 1.1;

/**
 * Runs each scenario on a fresh server of ours (and a fresh bare relay for
 * the memory floor), one worker per scenario.
 */
export async function measureAudience(
  scenarios: readonly AudienceScenario[],
  runWorker: (script: string, args: string[]) => Promise<AudienceResult>,
  errors: string[],
): Promise<AudienceResult[]> {
  const out: AudienceResult[] = [];
  for (const s of scenarios) {
    let ours: RunningServer | undefined;
    let bare: RunningServer | undefined;
    try {
      ours = await startSystem(SYSTEMS.find((x) => x.id === "ours")!);
      bare = await startSystem(SYSTEMS.find((x) => x.id === "bare")!);
      const result = await runWorker("audience.ts", [
        "--url",
        ours.wsUrl,
        "--pid",
        String(ours.pid),
        "--rooms",
        String(s.rooms),
        "--per-room",
        String(s.perRoom),
        "--updates",
        String(s.updates),
        "--bare-url",
        bare.wsUrl,
        "--bare-pid",
        String(bare.pid),
      ]);
      if (result.failures > 0) {
        errors.push(
          `audience: ${result.failures} sockets failed: ${result.firstError}`,
        );
      }
      out.push(result);
    } catch (error) {
      errors.push(`audience ${s.rooms}×${s.perRoom}: ${error}`);
    } finally {
      await ours?.stop();
      await bare?.stop();
    }
  }
  return out;
}

/** The audience section of the report (markdown). */
export function audienceSection(results: readonly AudienceResult[]): string {
  const lines = [
    "## Audience (watch-and-vote sockets, ours; bare relay idle socket as the memory floor)",
    "",
    "| scenario | watchers | to the last watcher p50 / p99 (target p99 ≤ 50 ms) | every watcher p99 | missed | server CPU per update per watcher (target < 1 µs) | memory per idle watcher | bare relay idle socket | ratio (target ≤ 1.1) |",
    "| --- | --: | --: | --: | --: | --: | --: | --: | --: |",
  ];
  for (const r of results) {
    const ratio = r.bareBytesPerSocket
      ? r.bytesPerWatcher / r.bareBytesPerSocket
      : NaN;
    lines.push(
      `| ${r.rooms} room(s) × ${
        formatNumber(r.watchers / r.rooms)
      }, ${r.updates} updates each | ${formatNumber(r.watchers)} | ${
        formatNumber(r.lastP50Ms, 1)
      } / ${formatNumber(r.lastP99Ms, 1)} ms ${
        r.lastP99Ms <= AUDIENCE_LAST_P99_TARGET_MS ? "✓" : "✗"
      } | ${formatNumber(r.allP99Ms, 1)} ms | ${r.missed} | ${
        formatNumber(r.cpuUsPerWatcher, 2)
      } µs ${r.cpuUsPerWatcher < AUDIENCE_CPU_TARGET_US ? "✓" : "✗"} | ${
        formatNumber(r.bytesPerWatcher / 1024, 1)
      } KiB | ${
        r.bareBytesPerSocket === undefined
          ? "–"
          : `${formatNumber(r.bareBytesPerSocket / 1024, 1)} KiB`
      } | ${Number.isFinite(ratio) ? formatNumber(ratio, 2) : "–"} ${
        ratio <= AUDIENCE_MEMORY_VS_BARE_TARGET ? "✓" : "✗"
      } |`,
    );
  }
  lines.push(
    "",
    "Each host sends an audience update every 600 ms (the server passes two a second), serialised once by the server and sent to every watcher; " +
      "times are from the host's send to each watcher's arrival, over the load generator's sockets on the same 2 cores. " +
      "CPU is the server's /proc time over the updates minus the same span idle, per update per watcher: it includes the kernel's send of each frame. " +
      "Memory is (RSS after the watchers joined − RSS before) / watchers; the bare relay's figure is for as many plain open sockets.",
  );
  return lines.join("\n");
}
