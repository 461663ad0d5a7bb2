/**
 * Plays whole bot games at the host's real step (16 ms) and prints a markdown
 * table: wins / games and median deliveries per level and team size.
 *
 * Usage: `deno task bots [--seeds 50] [--levels 1,2] [--sizes 1,2,4,8]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { playBotGame } from "../src/bots/headless.ts";
import { DIFFICULTY_NAMES, toDifficulty } from "../src/game/difficulty.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seeds: { type: "string", default: "50" },
    levels: { type: "string", default: "1,2" },
    sizes: { type: "string", default: "1,2,4,8" },
  },
});
const seeds = Number(values.seeds);
const levels = values.levels.split(",").map((v) => toDifficulty(Number(v)));
const sizes = values.sizes.split(",").map(Number);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const rows: string[] = [];
const started = performance.now();
for (const level of levels) {
  if (level === null) throw new RangeError("Cannot use level: not 0-3");
  const cells: string[] = [];
  for (const players of sizes) {
    let wins = 0;
    let unfair = 0;
    const delivered: number[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const r = playBotGame({ seed, players, difficulty: level });
      if (r.won) wins++;
      // Lost only because of orders nobody in the team could carry.
      else if (r.reason === "strikes" && r.strikes - r.uncarriable < 3) {
        unfair++;
      }
      delivered.push(r.delivered);
    }
    const extra = unfair > 0 ? ` +${unfair}` : "";
    cells.push(`${wins}${extra}/${seeds} (${median(delivered)})`);
    console.error(
      `${DIFFICULTY_NAMES[level]} x${players}: ${wins}${extra}/${seeds}`,
    );
  }
  rows.push(`| ${DIFFICULTY_NAMES[level]} | ${cells.join(" | ")} |`);
}
console.log(
  `| level | ${sizes.map((n) => `${n} bot${n > 1 ? "s" : ""}`).join(" | ")} |`,
);
console.log(`|---|${sizes.map(() => "---").join("|")}|`);
for (const row of rows) console.log(row);
console.log(
  `\nWins / games over seeds 1-${seeds} at 16 ms steps (median deliveries); ` +
    `"+k": games lost only through orders nobody in the team could carry; ` +
    `${((performance.now() - started) / 1000).toFixed(0)} s.`,
);
