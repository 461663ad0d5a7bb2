/**
 * Plays whole bot games at the host's real step (16 ms) and prints a markdown
 * table: wins / games and median deliveries per level and team size.
 *
 * Usage: `deno task bots [--seeds 50] [--first 1] [--levels 1,2]
 * [--sizes 1,2,4,8] [--jobs 1] [--profile expert|first-timer]`. Seeds
 * `first` to `first + seeds - 1` per cell; `--profile first-timer` plays
 * bots that play like someone in their first round. With `--jobs N` (N > 1) the games are shared among N workers, one
 * per core (workers load this file: the task grants `--allow-read=.`).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { BOT_PROFILES, type BotProfile } from "../src/bots/bot.ts";
import { playBotGame } from "../src/bots/headless.ts";
import {
  type Difficulty,
  DIFFICULTY_NAMES,
  toDifficulty,
} from "../src/game/difficulty.ts";

/** One game to play. */
interface Game {
  seed: number;
  players: number;
  level: Difficulty;
  profile: BotProfile;
}

/** What a game gave, for the table. */
interface Outcome {
  won: boolean;
  /** Lost only because of orders nobody in the team could carry. */
  unfair: boolean;
  delivered: number;
}

function play(game: Game): Outcome {
  const r = playBotGame({
    seed: game.seed,
    players: game.players,
    difficulty: game.level,
    profile: game.profile,
  });
  return {
    won: r.won,
    unfair: !r.won && r.reason === "strikes" && r.strikes - r.uncarriable < 3,
    delivered: r.delivered,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Plays `games` on `jobs` workers (in this thread when 1), in any order. */
async function playAll(
  games: readonly Game[],
  jobs: number,
  done: (index: number, outcome: Outcome) => void,
): Promise<void> {
  if (jobs <= 1) {
    games.forEach((g, i) => done(i, play(g)));
    return;
  }
  let next = 0;
  await Promise.all(
    Array.from(
      { length: Math.min(jobs, games.length) },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(import.meta.url, { type: "module" });
          let current = -1;
          const feed = () => {
            if (next >= games.length) {
              worker.terminate();
              resolve();
              return;
            }
            current = next++;
            worker.postMessage(games[current]);
          };
          worker.onmessage = (e: MessageEvent<Outcome>) => {
            done(current, e.data);
            feed();
          };
          worker.onerror = (e) => {
            e.preventDefault();
            worker.terminate();
            reject(new Error(`worker: ${e.message}`));
          };
          feed();
        }),
    ),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      seeds: { type: "string", default: "50" },
      first: { type: "string", default: "1" },
      levels: { type: "string", default: "1,2" },
      sizes: { type: "string", default: "1,2,4,8" },
      jobs: { type: "string", default: "1" },
      profile: { type: "string", default: "expert" },
    },
  });
  const seeds = Number(values.seeds);
  const first = Number(values.first);
  const jobs = Math.max(1, Number(values.jobs) || 1);
  const levels = values.levels.split(",").map((v) => {
    const level = toDifficulty(Number(v));
    if (level === null) throw new RangeError("Cannot use level: not 0-3");
    return level;
  });
  const sizes = values.sizes.split(",").map(Number);
  const profile = BOT_PROFILES.find((p) => p === values.profile);
  if (!profile) {
    throw new RangeError(
      `Cannot use profile: not ${BOT_PROFILES.join(" or ")}`,
    );
  }
  const who = profile === "first-timer" ? "first-timer" : "bot";

  // The hardest and longest cells first: their news comes early, and the
  // workers finish together.
  const games: Game[] = [];
  for (const level of [...levels].reverse()) {
    for (const players of [...sizes].sort((a, b) => b - a)) {
      for (let seed = first; seed < first + seeds; seed++) {
        games.push({ seed, players, level, profile });
      }
    }
  }
  const outcomes: (Outcome | undefined)[] = new Array(games.length);
  const left = new Map<string, number>();
  const cellOf = (g: Game) => `${g.level}x${g.players}`;
  for (const g of games) left.set(cellOf(g), (left.get(cellOf(g)) ?? 0) + 1);

  const cellText = (level: Difficulty, players: number): string => {
    const mine = games.flatMap((g, i) =>
      g.level === level && g.players === players ? [outcomes[i]] : []
    ).filter((o): o is Outcome => o !== undefined);
    const wins = mine.filter((o) => o.won).length;
    const unfair = mine.filter((o) => o.unfair).length;
    const extra = unfair > 0 ? ` +${unfair}` : "";
    return `${wins}${extra}/${mine.length} (${
      median(mine.map((o) => o.delivered))
    })`;
  };

  const started = performance.now();
  await playAll(games, jobs, (i, outcome) => {
    outcomes[i] = outcome;
    const g = games[i];
    const n = (left.get(cellOf(g)) ?? 1) - 1;
    left.set(cellOf(g), n);
    if (n === 0) {
      const lost = games.flatMap((h, k) =>
        h.level === g.level && h.players === g.players && !outcomes[k]?.won
          ? [h.seed]
          : []
      ).sort((a, b) => a - b);
      console.error(
        `${DIFFICULTY_NAMES[g.level]} x${g.players}: ${
          cellText(g.level, g.players)
        }${lost.length > 0 ? `; lost seeds ${lost.join(", ")}` : ""}`,
      );
    }
  });

  console.log(
    `| level | ${
      sizes.map((n) => `${n} ${who}${n > 1 ? "s" : ""}`).join(" | ")
    } |`,
  );
  console.log(`|---|${sizes.map(() => "---").join("|")}|`);
  for (const level of levels) {
    const cells = sizes.map((players) => cellText(level, players));
    console.log(`| ${DIFFICULTY_NAMES[level]} | ${cells.join(" | ")} |`);
  }
  console.log(
    `\nWins / games over seeds ${first}-${first + seeds - 1} at 16 ms ` +
      `steps (median deliveries); "+k": games lost only through orders ` +
      `nobody in the team could carry; ${
        ((performance.now() - started) / 1000).toFixed(0)
      } s.`,
  );
}

if ("WorkerGlobalScope" in globalThis) {
  // A worker: play each game sent and answer with its outcome.
  const scope = self as unknown as {
    onmessage: ((e: MessageEvent<Game>) => void) | null;
    postMessage(outcome: Outcome): void;
  };
  scope.onmessage = (e) => scope.postMessage(play(e.data));
} else {
  await main();
}
