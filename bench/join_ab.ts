/**
 * The join measure alone, interleaved: ours (or copies of it) against the
 * bare relay, A, B, A, B…, with the order rotating each round, so two
 * figures are only ever compared within one round on a shared machine.
 *
 * ```sh
 * deno run --allow-all bench/join_ab.ts                      # ours vs bare, 5 rounds
 * deno run --allow-all bench/join_ab.ts --rounds 7 --rooms 60
 * # a copy of the server (a folder holding server.ts, e.g. with one thing removed):
 * deno run --allow-all bench/join_ab.ts --variant nolog=/tmp/ab/nolog
 * # every Deno server with extra flags (e.g. a CPU profile each, into a folder):
 * deno run --allow-all bench/join_ab.ts --flags=--cpu-prof,--cpu-prof-dir=/tmp/prof
 * # memory per idle player instead (1,000 and 10,000 players, slower):
 * deno run --allow-all bench/join_ab.ts --memory --rounds 1
 * # memory at 1,000 players only (quicker):
 * deno run --allow-all bench/join_ab.ts --memory --steps 1000
 * ```
 *
 * Prints each round's server CPU per join (µs), the load average around
 * it, then per system the median and range and the median of the
 * per-round ratios to the bare relay. Writes nothing.
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  REPO_ROOT,
  type RunningServer,
  startSystem,
  SYSTEMS,
  type SystemSpec,
} from "./lib/systems.ts";
import type { JoinCostResult } from "./workers/join_cost.ts";
import type { IdleMemoryResult } from "./workers/idle_memory.ts";

/** Median of a non-empty list. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function loadAverage(): Promise<string> {
  const text = await Deno.readTextFile("/proc/loadavg").catch(() => "? ? ?");
  return text.split(" ").slice(0, 3).join(" ");
}

/** Runs a worker against one server and parses the JSON line it prints last. */
async function runWorker<T>(script: string, args: string[]): Promise<T> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `bench/workers/${script}`, ...args],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const last = new TextDecoder().decode(output.stdout).trim().split("\n").at(
    -1,
  );
  try {
    return JSON.parse(last ?? "") as T;
  } catch {
    throw new Error(
      `${script} failed: ${
        new TextDecoder().decode(output.stderr).slice(0, 1_000)
      }`,
    );
  }
}

/** KB per idle player at 1,000 and 10,000 players, as one figure list. */
async function idleMemory(
  server: RunningServer,
  steps: string,
): Promise<number[]> {
  const result = await runWorker<IdleMemoryResult>("idle_memory.ts", [
    `--system=${server.spec.id}`,
    `--url=${server.wsUrl}`,
    `--pid=${server.pid}`,
    `--steps=${steps}`,
  ]);
  if (result.failures) {
    console.error(`${server.spec.label}: ${result.failures} failures`);
  }
  return result.steps.map((step) => step.bytesPerPlayer / 1024);
}

function joinCost(
  server: RunningServer,
  rooms: number,
  warmup: number,
): Promise<JoinCostResult> {
  return runWorker<JoinCostResult>("join_cost.ts", [
    `--system=${server.spec.id}`,
    `--url=${server.wsUrl}`,
    `--pid=${server.pid}`,
    `--rooms=${rooms}`,
    `--warmup-rooms=${warmup}`,
  ]);
}

/** Ours from another folder (a copy holding server.ts), run from there. */
function variantSpec(label: string, dir: string, flags: string[]): SystemSpec {
  const ours = SYSTEMS[0];
  const args = [...ours.args];
  args.splice(1, 0, ...flags);
  return {
    ...ours,
    label,
    args: dir === ""
      ? args
      : args.map((a) =>
        a === "server.ts" ? `${dir.replace(/\/$/, "")}/server.ts` : a
      ),
  };
}

/**
 * Memory per idle player (`workers/idle_memory.ts`, 1,000 then 10,000
 * players), each system on a fresh server, interleaved like the join
 * measure.
 */
async function compareMemory(
  specs: readonly SystemSpec[],
  rounds: number,
  steps: string,
): Promise<void> {
  const bare = specs[0];
  for (let round = 0; round < rounds; round++) {
    const order = specs.map((_, i) => specs[(i + round) % specs.length]);
    const before = await loadAverage();
    const kb = new Map<string, number[]>();
    for (const spec of order) {
      const server = await startSystem(spec);
      try {
        kb.set(spec.label, await idleMemory(server, steps));
      } finally {
        await server.stop();
      }
    }
    const floor = kb.get(bare.label)!;
    console.log(
      `round ${
        round + 1
      }/${rounds} (load ${before} → ${await loadAverage()}), ` +
        `KB per idle player at ${steps}: ` +
        order.map((s) => {
          const figures = kb.get(s.label)!;
          return `${s.label} ${
            figures.map((f, i) =>
              `${f.toFixed(1)} (${(f / floor[i]).toFixed(2)} ×)`
            ).join(" / ")
          }`;
        }).join(", "),
    );
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rounds: { type: "string", default: "5" },
      rooms: { type: "string", default: "150" },
      "warmup-rooms": { type: "string", default: "20" },
      variant: { type: "string", multiple: true, default: [] },
      flags: { type: "string", default: "" },
      "no-ours": { type: "boolean", default: false },
      memory: { type: "boolean", default: false },
      steps: { type: "string", default: "1000,10000" },
    },
  });

  const flags = values.flags.split(",").filter((f) => f !== "");
  const bareSpec = SYSTEMS.find((s) => s.id === "bare")!;
  const bare: SystemSpec = {
    ...bareSpec,
    args: [bareSpec.args[0], ...flags, ...bareSpec.args.slice(1)],
  };
  const specs: SystemSpec[] = [
    bare,
    ...(values["no-ours"] ? [] : [variantSpec("ours", "", flags)]),
    ...values.variant.map((v) => {
      const [label, dir] = v.split("=", 2);
      return variantSpec(label, dir, flags);
    }),
  ];
  const rounds = Number(values.rounds);
  if (values.memory) {
    await compareMemory(specs, rounds, values.steps);
    Deno.exit(0);
  }
  const cpu = new Map<string, number[]>(specs.map((s) => [s.label, []]));
  const ratios = new Map<string, number[]>(specs.map((s) => [s.label, []]));
  const loads: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = specs.map((_, i) => specs[(i + round) % specs.length]);
    const before = await loadAverage();
    const inRound = new Map<string, number>();
    for (const spec of order) {
      const server = await startSystem(spec);
      try {
        const result = await joinCost(
          server,
          Number(values.rooms),
          Number(values["warmup-rooms"]),
        );
        if (result.failures) {
          console.error(
            `${spec.label}: ${result.failures} failures (${result.firstError})`,
          );
        }
        inRound.set(spec.label, result.cpuUsPerJoin);
        cpu.get(spec.label)!.push(result.cpuUsPerJoin);
      } finally {
        await server.stop();
      }
    }
    const after = await loadAverage();
    loads.push(`${before} → ${after}`);
    const floor = inRound.get(bare.label)!;
    for (const [label, us] of inRound) ratios.get(label)!.push(us / floor);
    console.log(
      `round ${round + 1}/${rounds} (load ${before} → ${after}): ` +
        order.map((s) => {
          const us = inRound.get(s.label)!;
          return `${s.label} ${us.toFixed(0)} µs (${
            (us / floor).toFixed(2)
          } ×)`;
        }).join(", "),
    );
  }
  console.log(
    "\n| system | µs per join, median | range | ratio to bare, median (range) |",
  );
  console.log("| --- | ---: | --- | --- |");
  for (const spec of specs) {
    const us = cpu.get(spec.label)!;
    const r = ratios.get(spec.label)!;
    console.log(
      `| ${spec.label} | ${median(us).toFixed(0)} | ${
        Math.min(...us).toFixed(0)
      }-${Math.max(...us).toFixed(0)} | ${median(r).toFixed(2)} (${
        Math.min(...r).toFixed(2)
      }-${Math.max(...r).toFixed(2)}) |`,
    );
  }
}
