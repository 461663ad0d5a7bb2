import assert from "node:assert/strict";
import {
  actTeam,
  type BotIntent,
  DEMOTE_MS,
  DETOUR_SLACK_TILES,
  type Motion,
  STUCK_MS,
} from "../../src/bots/actor.ts";
import { createPathCache, searchAvoiding } from "../../src/bots/pathfinding.ts";
import { step } from "../../src/game/engine.ts";
import {
  isWalkable,
  tileCenterPx,
  tileIndex,
  tileOfPx,
  type TilePos,
} from "../../src/game/tiles.ts";
import type { GameState } from "../../src/game/types.ts";
import { edit, moveTo, onTile, started } from "../game/_util.ts";

/**
 * A straight east-west passage one tile wide (walls above and below) at
 * least `length` tiles long, with walkable tiles beyond both ends.
 */
function narrowPassage(
  state: GameState,
  length: number,
): { west: TilePos; east: TilePos } | null {
  const tiles = state.town.tiles;
  const narrow = (tx: number, ty: number) =>
    isWalkable(tiles, tx, ty) && !isWalkable(tiles, tx, ty - 1) &&
    !isWalkable(tiles, tx, ty + 1);
  for (let ty = 1; ty < 29; ty++) {
    let run = 0;
    for (let tx = 0; tx < 40; tx++) {
      run = narrow(tx, ty) ? run + 1 : 0;
      if (
        run >= length && isWalkable(tiles, tx + 1, ty) &&
        isWalkable(tiles, tx - run, ty)
      ) {
        return { west: { tx: tx - run, ty }, east: { tx: tx + 1, ty } };
      }
    }
  }
  return null;
}

function goal(tile: TilePos): BotIntent["plan"] {
  return { target: null, tiles: [tile], action: null };
}

/** Two bots walk through the same one-tile passage from opposite ends. */
function headOn(stepMs: number) {
  for (let seed = 1; seed < 60; seed++) {
    let state = started({ players: 2, seed });
    const passage = narrowPassage(state, 4);
    if (!passage) continue;
    const { west, east } = passage;
    state = onTile(onTile(state, "p0", west), "p1", east);
    const intents: BotIntent[] = [
      { playerId: "p0", plan: goal(east) },
      { playerId: "p1", plan: goal(west) },
    ];
    const cache = createPathCache();
    let motion: Record<string, Motion> = {};
    let yielded = 0;
    const startMs = state.clockMs;
    const arrived = () =>
      state.players.every((p, i) => {
        const t = tileOfPx(p.x, p.y);
        const want = i === 0 ? east : west;
        return t.tx === want.tx && t.ty === want.ty;
      });
    while (!arrived() && state.clockMs - startMs < 30_000) {
      const r = actTeam(state, cache, intents, motion);
      motion = r.motion;
      yielded += r.yielding.length;
      state = step(state, r.commands, stepMs).state;
    }
    return { seed, arrived: arrived(), ms: state.clockMs - startMs, yielded };
  }
  throw new Error("no town with a one-tile passage");
}

for (const stepMs of [16, 100]) {
  Deno.test(`actTeam() gets two bots meeting head-on in a one-tile passage past each other at ${stepMs} ms steps`, () => {
    const r = headOn(stepMs);
    assert.ok(r.arrived, `both arrive (seed ${r.seed}, ${r.ms} ms)`);
    assert.ok(r.yielded > 0, "one of them gave way");
    // Walking the passage takes a few seconds; a jam would take the 30 s.
    assert.ok(r.ms < 15_000, `took ${r.ms} ms`);
  });
}

Deno.test("actTeam() counts being stuck in round time, not in steps", () => {
  const state = started({ players: 1, seed: 3 });
  const p = state.players[0];
  const here = tileOfPx(p.x, p.y);
  // A goal the bot does not move towards (no steps are taken here).
  const far = state.town.stores[0].door;
  const intents: BotIntent[] = [{ playerId: "p0", plan: goal(far) }];
  const cache = createPathCache();
  let motion = actTeam(state, cache, intents, {}).motion;
  assert.equal(motion.p0.demotedUntilMs, 0);
  // Thousands of steps at the same round time never make a bot stuck...
  for (let i = 0; i < 2_000; i++) {
    motion = actTeam(state, cache, intents, motion).motion;
  }
  assert.equal(motion.p0.demotedUntilMs, 0);
  // ...but STUCK_MS of round time without progress does, whatever the steps.
  const later = edit(state, (d) => {
    d.clockMs += STUCK_MS - 1;
  });
  motion = actTeam(later, cache, intents, motion).motion;
  assert.equal(motion.p0.demotedUntilMs, 0);
  const stuck = edit(state, (d) => {
    d.clockMs += STUCK_MS;
  });
  motion = actTeam(stuck, cache, intents, motion).motion;
  assert.equal(motion.p0.demotedUntilMs, stuck.clockMs + DEMOTE_MS);
  assert.ok(isWalkable(state.town.tiles, here.tx, here.ty));
});

Deno.test("actTeam() walks a bot to its goal tile and acts there", () => {
  let state = started({ players: 1, seed: 5 });
  const store = state.town.stores[0];
  const intents: BotIntent[] = [{
    playerId: "p0",
    plan: {
      target: { kind: "store", id: store.id },
      tiles: [store.door],
      action: "buy",
    },
  }];
  const cache = createPathCache();
  let motion: Record<string, Motion> = {};
  let bought = false;
  for (let i = 0; i < 5_000 && !bought; i++) {
    const r = actTeam(state, cache, intents, motion);
    motion = r.motion;
    bought = r.commands.some((c) =>
      c.input.type === "action" && c.input.id === "buy"
    );
    state = step(state, r.commands, 16).state;
  }
  assert.ok(bought);
  assert.equal(state.players[0].backpack.length, 1);
  const door = tileCenterPx(store.door.tx, store.door.ty);
  assert.ok(
    Math.hypot(state.players[0].x - door.x, state.players[0].y - door.y) < 28,
  );
});

Deno.test("actTeam() has an idle bot touched head-on in a one-tile passage back out ahead of the other, never into it", () => {
  for (let seed = 1; seed < 60; seed++) {
    let state = started({ players: 2, seed });
    const passage = narrowPassage(state, 4);
    if (!passage) continue;
    const { west, east } = passage;
    // p0 idles on the passage's last tile; p1 touches it from the east on
    // its way west, so the nearest tile off p1's route is behind p1.
    const idle = tileCenterPx(east.tx - 1, east.ty);
    state = moveTo(state, "p0", idle.x, idle.y);
    state = moveTo(state, "p1", idle.x + 19, idle.y);
    const intents: BotIntent[] = [
      { playerId: "p0", plan: null },
      { playerId: "p1", plan: goal(west) },
    ];
    const cache = createPathCache();
    let motion: Record<string, Motion> = {};
    const startMs = state.clockMs;
    const arrived = () => {
      const t = tileOfPx(state.players[1].x, state.players[1].y);
      return t.tx === west.tx && t.ty === west.ty;
    };
    while (!arrived() && state.clockMs - startMs < 30_000) {
      const r = actTeam(state, cache, intents, motion);
      motion = r.motion;
      state = step(state, r.commands, 16).state;
    }
    assert.ok(arrived(), `p1 gets through (seed ${seed})`);
    assert.ok(state.clockMs - startMs < 15_000, "without a jam");
    return;
  }
  throw new Error("no town with a one-tile passage");
});

Deno.test("actTeam() walks a bot round a person standing still in a one-tile passage, however long the way round", () => {
  let tried = 0;
  for (let seed = 1; seed < 80; seed++) {
    let state = started({ players: 2, seed });
    const passage = narrowPassage(state, 4);
    if (!passage) continue;
    const { west, east } = passage;
    const middle = { tx: west.tx + 2, ty: west.ty };
    // The way round the person must be longer than any detour a bot takes
    // round another bot, or this would not tell the rules apart.
    const goalKey = tileIndex(east.tx, east.ty);
    const around = searchAvoiding(
      state.town,
      [goalKey],
      new Set([tileIndex(middle.tx, middle.ty)]),
    ).dist[tileIndex(west.tx, west.ty)];
    if (around < 0 || around <= 4 + DETOUR_SLACK_TILES) continue;
    tried++;
    // p0 is a person (no intent) standing still in the passage.
    state = onTile(onTile(state, "p0", middle), "p1", west);
    const intents: BotIntent[] = [{ playerId: "p1", plan: goal(east) }];
    const cache = createPathCache();
    let motion: Record<string, Motion> = {};
    const startMs = state.clockMs;
    const at = () => {
      const p = state.players[1];
      const t = tileOfPx(p.x, p.y);
      return t.tx === east.tx && t.ty === east.ty;
    };
    while (!at() && state.clockMs - startMs < 60_000) {
      const r = actTeam(state, cache, intents, motion);
      motion = r.motion;
      state = step(state, r.commands, 16).state;
    }
    const person = tileOfPx(state.players[0].x, state.players[0].y);
    assert.deepEqual(person, middle, "the person never moved");
    assert.ok(at(), `seed ${seed}: the bot got round (${around} tiles)`);
    // Walking the way round takes about a third of a second a tile.
    const ms = state.clockMs - startMs;
    assert.ok(ms < around * 600, `seed ${seed}: took ${ms} ms`);
    if (tried === 3) return;
  }
  assert.ok(tried > 0, "found a passage with a long way round");
});
