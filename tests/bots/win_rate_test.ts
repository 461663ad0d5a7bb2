import assert from "node:assert/strict";
import { HOST_STEP_MS, playBotGame } from "../../src/bots/headless.ts";
import { CHEF, COOK, type Difficulty } from "../../src/game/difficulty.ts";

/**
 * A small sample of the table `deno task bots` prints (50 seeds per cell):
 * whole 6:00 games at the host's real step. Full games are slow on a busy
 * machine, so each cell plays few seeds and the rate is asserted over them.
 * Cook and Chef are both held to the goal of issue 12 (90 %), which every
 * cell of the 50-seed table reaches (README, "Bots"); with six games a level
 * that means no loss at all.
 * The rules never place an order the team cannot carry, so every loss counts
 * against the bots.
 */
const MIN_WIN_SHARE: Readonly<Record<number, number>> = {
  [COOK]: 0.9,
  [CHEF]: 0.9,
};
const SEEDS_BY_TEAM: ReadonlyArray<readonly [number, readonly number[]]> = [
  [1, [1, 2]],
  [2, [1, 2]],
  [4, [1]],
  [8, [1]],
];

for (const level of [COOK, CHEF] as Difficulty[]) {
  Deno.test(`bots win level ${level} with 1, 2, 4 and 8 bots at ${HOST_STEP_MS} ms steps`, () => {
    const lost: string[] = [];
    let games = 0;
    for (const [players, seeds] of SEEDS_BY_TEAM) {
      for (const seed of seeds) {
        const r = playBotGame({ seed, players, difficulty: level });
        games++;
        assert.ok(r.delivered > 0, `${players} bots, seed ${seed}: delivered`);
        assert.equal(r.uncarriable, 0, "no order nobody could carry");
        if (!r.won) lost.push(`${players} bots seed ${seed}: ${r.reason}`);
      }
    }
    const won = games - lost.length;
    assert.ok(
      won / games >= MIN_WIN_SHARE[level],
      `won ${won}/${games}; lost ${lost.join("; ")}`,
    );
  });
}

/**
 * First-timer bots (`src/bots/first_timer.ts`) stand in for two friends in
 * their first round at Cook: GAME.md asks that such a round be won about
 * half of the time, and issue 18 between 40 % and 80 % over 50 seeds
 * (README, "Bots", the first-timer table). Ten seeds fit CI time; the games
 * are deterministic, so the sample's share is a fixed figure held to the
 * same bounds.
 */
const FIRST_TIMER_SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

Deno.test(`2 first-timer bots win between 40 % and 80 % of first rounds at Cook at ${HOST_STEP_MS} ms steps`, () => {
  const lost: string[] = [];
  for (const seed of FIRST_TIMER_SEEDS) {
    const r = playBotGame({
      seed,
      players: 2,
      difficulty: COOK,
      profile: "first-timer",
    });
    assert.equal(r.uncarriable, 0, "no order nobody could carry");
    if (!r.won) {
      lost.push(`seed ${seed}: ${r.reason}, ${r.delivered} delivered`);
    }
  }
  const won = FIRST_TIMER_SEEDS.length - lost.length;
  const share = won / FIRST_TIMER_SEEDS.length;
  assert.ok(
    share >= 0.4 && share <= 0.8,
    `won ${won}/${FIRST_TIMER_SEEDS.length}; lost ${lost.join("; ")}`,
  );
});
