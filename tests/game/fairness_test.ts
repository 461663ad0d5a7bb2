import assert from "node:assert/strict";
import {
  createGame,
  joinPlayer,
  leavePlayer,
  restartGame,
  startGame,
  step,
} from "../../src/game/engine.ts";
import { type Difficulty } from "../../src/game/difficulty.ts";
import {
  dealMasks,
  dropInMask,
  orderDeliverable,
} from "../../src/game/fairness.ts";
import { orderMasks, trySpawnOrder } from "../../src/game/orders.ts";
import { addPlayer } from "../../src/game/players.ts";
import { toSeed } from "../../src/game/random.ts";
import { beginRound } from "../../src/game/round.ts";
import type { GameState } from "../../src/game/types.ts";
import { edit, player, texts } from "./_util.ts";

/**
 * The rule of GAME.md, written out again independently of the engine: a
 * player may hold `mask` if not allergic to any of it, or if it is combined
 * and the team has 3 or fewer players, or if it is the pizza with all five.
 * An order is deliverable if each of its ingredients can be bought by someone
 * and someone can hold the whole pizza.
 */
function oracle(allergies: readonly number[], mask: number): boolean {
  const n = allergies.length;
  const bits = [1, 2, 4, 8, 16].filter((b) => (mask & b) !== 0);
  const mayHold = (a: number, m: number) =>
    (a & m) === 0 || (m !== (m & -m) && n <= 3) || m === 31;
  return bits.every((b) => allergies.some((a) => mayHold(a, b))) &&
    allergies.some((a) => mayHold(a, mask));
}

const allergiesOf = (s: GameState) => s.players.map((p) => p.allergyMask);

/** 12 players in the lobby of a town; the game seeds vary its PRNG. */
function bigLobby(townSeed: number): GameState {
  let s = createGame({ seed: townSeed });
  for (let i = 0; i < 12; i++) {
    s = joinPlayer(s, { id: `p${i}`, name: `P${i}` }).state;
  }
  return s;
}

Deno.test("orderDeliverable() agrees with the rule of GAME.md on every team of 4 and every mask", () => {
  // Every 4-player deal of single allergies and every mask.
  for (let a = 0; a < 5; a++) {
    for (let b = 0; b < 5; b++) {
      for (let c = 0; c < 5; c++) {
        for (let d = 0; d < 5; d++) {
          const team = [1 << a | 1 << ((a + 1) % 5), 1 << b, 1 << c, 1 << d];
          for (let mask = 1; mask < 32; mask++) {
            const got = orderDeliverable(
              team.map((allergyMask) => ({ allergyMask })),
              mask,
            );
            assert.equal(got, oracle(team, mask), `${team} ${mask}`);
          }
        }
      }
    }
  }
});

Deno.test("the original's flaw: at 4 players some Cook orders could be carried by nobody", () => {
  // Dough+mushroom / tomato / cheese / spice: dough+tomato+cheese+spice is carried by nobody.
  const team = [0b10001, 0b00010, 0b00100, 0b01000];
  assert.equal(oracle(team, 0b01111), false);
  const masks = orderMasks(1);
  const fair = masks.filter((m) => oracle(team, m));
  assert.ok(fair.length > 0 && fair.length < masks.length);
});

Deno.test("property: no order is ever placed that the team cannot carry (1,000 seeds x 1-12 players x every level), and drop-ins keep every open order deliverable", () => {
  const towns = Array.from({ length: 10 }, (_, i) => bigLobby(i + 1));
  let placed = 0;
  let dropIns = 0;
  for (let seed = 0; seed < 1_000; seed++) {
    const base = towns[seed % towns.length];
    for (let n = 1; n <= 12; n++) {
      for (const level of [0, 1, 2, 3] as Difficulty[]) {
        // A light copy per case (the round start, order placement and a
        // join change only these parts); the functions change it in place.
        {
          const d: GameState = {
            ...base,
            players: base.players.slice(0, n).map((p) => ({
              ...p,
              stats: { ...p.stats },
            })),
            orders: [],
            timeline: [],
            difficulty: level,
            rng: toSeed(seed * 7919 + n * 31 + level),
          };
          assert.equal(beginRound(d, []), null);
          // Every ingredient stays buyable by someone after the deal.
          for (const bit of [1, 2, 4, 8, 16]) {
            assert.ok(oracle(allergiesOf(d), bit));
          }
          d.timeline = [];
          for (let k = 0; k < 6; k++) {
            if (d.orders.length > n) d.orders.shift();
            const order = trySpawnOrder(d, [], 0);
            if (!order) continue;
            placed += 1;
            assert.ok(
              oracle(allergiesOf(d), order.mask),
              `seed ${seed}, ${n} players, level ${level}: mask ${order.mask} for ${
                allergiesOf(d)
              }`,
            );
          }
          if (n < 12 && seed % 4 === 0) {
            assert.equal(addPlayer(d, [], "late", "Late"), null);
            dropIns += 1;
            for (const o of d.orders) {
              assert.ok(
                oracle(allergiesOf(d), o.mask),
                `drop-in, seed ${seed}, ${n} players, level ${level}: mask ${o.mask}`,
              );
            }
          }
        }
      }
    }
  }
  // The property was exercised, not skipped.
  assert.ok(placed > 100_000, `${placed} orders placed`);
  assert.ok(dropIns > 10_000, `${dropIns} drop-ins`);
});

Deno.test("property: orders placed by step() over whole rounds stay deliverable at 4 players (Cook)", () => {
  for (let seed = 1; seed <= 20; seed++) {
    let s = createGame({ seed, difficulty: 1, roundLengthMs: 60_000 });
    for (let i = 0; i < 4; i++) {
      s = joinPlayer(s, { id: `p${i}`, name: `P${i}` }).state;
    }
    s = startGame(s).state;
    const seen = new Set<number>();
    while (s.phase === "playing") {
      const r = step(s, [], 250);
      s = r.state;
      for (const o of s.orders) {
        if (seen.has(o.id)) continue;
        seen.add(o.id);
        assert.ok(oracle(allergiesOf(s), o.mask), `seed ${seed}: ${o.mask}`);
      }
    }
    assert.ok(seen.size > 3);
  }
});

Deno.test("dealMasks() gives everyone (2+ players, Cook on) an allergy and leaves every ingredient buyable", () => {
  for (let n = 0; n <= 12; n++) {
    for (const level of [0, 1, 2, 3] as Difficulty[]) {
      const masks = dealMasks(level, n, [3, 0, 4, 1, 2]);
      assert.equal(masks.length, n);
      if (level === 0 || n < 2) {
        assert.ok(masks.every((m) => m === 0));
        continue;
      }
      assert.ok(masks.every((m) => m !== 0));
      assert.equal(masks.reduce((a, m) => a | m, 0), 31);
      for (const bit of [1, 2, 4, 8, 16]) {
        assert.ok(masks.some((m) => (m & bit) === 0), `${n}: ${bit}`);
      }
    }
  }
});

Deno.test("dropInMask() keeps open orders deliverable: 3 players to 4 ends the combined exemption", () => {
  // With 3 players, dough+tomato+cheese+spice is carried by anyone (exempt);
  // at 4 only someone free of all four may carry it.
  const team = [0b10001, 0b00010, 0b00100].map((allergyMask) => ({
    allergyMask,
  }));
  const open = [0b01111];
  assert.equal(orderDeliverable(team, 0b01111), true);
  const mask = dropInMask(1, team, open);
  assert.ok(orderDeliverable([...team, { allergyMask: mask }], 0b01111));
  // Only an allergy to mushroom keeps that order: the newcomer must carry it.
  assert.equal(mask, 0b10000);
  // Two open orders that need the newcomer free of mushroom and of spice: no allergy.
  assert.equal(dropInMask(1, team, [0b01111, 0b10111]), 0);
  // Amateur: no allergies at all.
  assert.equal(dropInMask(0, team, open), 0);
});

Deno.test("a team change between rounds deals allergies again; a friend joining at game over waits for the next round", () => {
  let s = createGame({ seed: 5, difficulty: 1, roundLengthMs: 1_000 });
  for (let i = 0; i < 3; i++) {
    s = joinPlayer(s, { id: `p${i}`, name: `P${i}` }).state;
  }
  s = startGame(s).state;
  s = step(edit(s, (d) => (d.timeline = [])), [], 250).state;
  while (s.phase === "playing") s = step(s, [], 250).state;
  assert.equal(s.phase, "over");
  s = leavePlayer(s, "p0").state;
  const joined = joinPlayer(s, { id: "late", name: "Late" });
  assert.equal(joined.error, undefined);
  s = joined.state;
  assert.equal(player(s, "late").waiting, true);
  assert.equal(player(s, "late").allergyMask, 0);
  s = restartGame(s).state;
  assert.equal(s.phase, "playing");
  assert.deepEqual(s.players.map((p) => p.id), ["p1", "p2", "late"]);
  assert.equal(player(s, "late").waiting, false);
  assert.ok(s.players.every((p) => p.allergyMask !== 0));
  assert.equal(s.players.reduce((a, p) => a | p.allergyMask, 0), 31);
});

Deno.test("leavePlayer() mid-round withdraws the open orders nobody left can carry, with no strike", () => {
  let s = createGame({ seed: 3, difficulty: 1 });
  for (let i = 0; i < 5; i++) {
    s = joinPlayer(s, { id: `p${i}`, name: `P${i}` }).state;
  }
  s = edit(startGame(s).state, (d) => {
    // tomato / cheese / spice / mushroom / dough
    [0b00010, 0b00100, 0b01000, 0b10000, 0b00001].forEach((m, i) =>
      d.players[i].allergyMask = m
    );
    d.timeline = [];
    trySpawnOrder(d, [], 0);
    trySpawnOrder(d, [], 0);
    d.orders[0].mask = 0b01111; // only the mushroom-allergic p3 may carry it
    d.orders[1].mask = 0b00001;
  });
  const kept = s.orders[1].id;
  assert.ok(oracle(allergiesOf(s), 0b01111));
  const r = leavePlayer(s, "p3");
  assert.deepEqual(r.state.orders.map((o) => o.id), [kept]);
  assert.equal(r.state.strikes, 0);
  assert.ok(
    r.state.timeline.every((e) => e.kind !== "deadline" || e.orderId === kept),
  );
  assert.deepEqual(texts(r.events, "p0"), [
    "An order was withdrawn: nobody left can carry it.",
  ]);
});
