import assert from "node:assert/strict";
import type { BotIntent } from "../../src/bots/actor.ts";
import {
  DETOUR_TILES,
  firstTimerIntents,
  type FirstTimerMemory,
  REACTION_MS,
  softenMoves,
  STICK_PUSH,
  TAP_MS,
} from "../../src/bots/first_timer.ts";
import { createPathCache } from "../../src/bots/pathfinding.ts";
import {
  EXPERT_STYLE,
  type PlanStyle,
  planTeam,
} from "../../src/bots/planner.ts";
import { FIRST_TIMER_STYLE } from "../../src/bots/first_timer.ts";
import { botMemory } from "../../src/bots/planner.ts";
import { COOK } from "../../src/game/difficulty.ts";
import { isWalkable, tileOfPx } from "../../src/game/tiles.ts";
import type { GameState } from "../../src/game/types.ts";
import { atStation, atStore, edit, started, stationId } from "../game/_util.ts";

/** A plan to buy at the first store selling dough. */
function buyDough(state: GameState): BotIntent["plan"] {
  const store = state.town.stores.find((s) => s.ingredientIndex === 0);
  assert.ok(store);
  return {
    target: { kind: "store", id: store.id },
    tiles: [store.door],
    action: "buy",
  };
}

function at(state: GameState, ms: number): GameState {
  return edit(state, (d) => {
    d.clockMs = ms;
  });
}

Deno.test("firstTimerIntents() stands still a moment on each new plan, then walks it", () => {
  const state = started({ players: 1, seed: 3 });
  const plan = buyDough(state);
  const intents = [{ playerId: "p0", plan }];
  const first = firstTimerIntents(state, intents, {});
  assert.equal(first.intents[0].plan, null, "thinking first");
  const mem = first.memory.p0;
  const wait = mem.readyAtMs - state.clockMs;
  assert.ok(wait >= REACTION_MS[0] && wait <= REACTION_MS[1], `${wait} ms`);
  const still = firstTimerIntents(
    at(state, mem.readyAtMs - 1),
    intents,
    first.memory,
  );
  assert.equal(still.intents[0].plan, null);
  const go = firstTimerIntents(at(state, mem.readyAtMs), intents, first.memory);
  const walked = go.intents[0].plan;
  assert.ok(walked);
  // Either the plan itself or first a detour to a nearby walkable tile.
  if (walked !== plan) {
    assert.equal(walked.target, null);
    assert.equal(walked.action, null);
    assert.ok(
      isWalkable(state.town.tiles, walked.tiles[0].tx, walked.tiles[0].ty),
    );
  }
});

Deno.test("firstTimerIntents() taps a moment after getting there, not at once", () => {
  let state = atStore(started({ players: 1, seed: 3 }), "p0", 0);
  const plan = buyDough(state);
  const intents = [{ playerId: "p0", plan }];
  let memory: Record<string, FirstTimerMemory> = {};
  memory = firstTimerIntents(state, intents, memory).memory;
  memory.p0.detour = null;
  state = at(state, memory.p0.readyAtMs);
  const there = firstTimerIntents(state, intents, memory);
  assert.equal(there.intents[0].plan?.action, null, "not yet");
  const tapAt = there.memory.p0.tapAtMs;
  const wait = tapAt - state.clockMs;
  assert.ok(wait >= TAP_MS[0] && wait <= TAP_MS[1], `${wait} ms`);
  const tap = firstTimerIntents(at(state, tapAt), intents, there.memory);
  assert.equal(tap.intents[0].plan?.action, "buy");
});

Deno.test("firstTimerIntents() makes a detour now and then: some new goals, each a few tiles away, the same on the same seed", () => {
  const state = started({ players: 1, seed: 3 });
  const here = tileOfPx(state.players[0].x, state.players[0].y);
  const stores = state.town.stores;
  let memory: Record<string, FirstTimerMemory> = {};
  let detours = 0;
  const goals = 200;
  for (let i = 0; i < goals; i++) {
    const store = stores[i % stores.length];
    const plan = {
      target: { kind: "store" as const, id: store.id },
      tiles: [store.door],
      action: i % 2 ? "buy" : null,
    };
    memory =
      firstTimerIntents(state, [{ playerId: "p0", plan }], memory).memory;
    const d = memory.p0.detour;
    if (!d) continue;
    detours++;
    const far = Math.abs(d.tx - here.tx) + Math.abs(d.ty - here.ty);
    assert.ok(far >= DETOUR_TILES[0] && far <= DETOUR_TILES[1], `${far} tiles`);
  }
  assert.ok(detours >= goals * 0.1 && detours <= goals * 0.35, `${detours}`);
  const again = (m: Record<string, FirstTimerMemory>) =>
    firstTimerIntents(state, [{ playerId: "p0", plan: buyDough(state) }], m);
  assert.deepEqual(again({}), again({}));
});

Deno.test("softenMoves() pushes the stick only part of the way and leaves actions alone", () => {
  const out = softenMoves([
    { playerId: "a", input: { type: "move", x: 1, y: 0 } },
    { playerId: "a", input: { type: "action", id: "buy" } },
  ]);
  assert.deepEqual(out[0].input, { type: "move", x: STICK_PUSH, y: 0 });
  assert.deepEqual(out[1].input, { type: "action", id: "buy" });
});

/** The plan of a lead at a store, carrying dough for a dough + tomato order. */
function leadPlan(style: PlanStyle) {
  const DOUGH = 0b00001, TOMATO = 0b00010;
  const base = started({ players: 1, difficulty: COOK, seed: 5 });
  const table = stationId(base, "table");
  const state = edit(atStore(atStation(base, "p0", table), "p0", 1), (s) => {
    s.players[0].allergyMask = 0;
    s.players[0].backpack = [{ mask: DOUGH, heat: 0, burned: false }];
    s.orders = [{
      id: 1,
      houseId: 0,
      mask: DOUGH | TOMATO,
      needsBaking: false,
      stage: "waiting",
      startedMs: 0,
      deadlineMs: 100_000,
      warningMs: 30_000,
      takenBy: null,
    }];
    s.money = 100;
  });
  const memory = { bots: [botMemory("p0")] };
  let r = planTeam(state, memory, createPathCache(), style);
  // The second call plans with the job the first one claimed.
  r = planTeam(state, r.memory, createPathCache(), style);
  return r.plans.get("p0");
}

Deno.test("planTeam() in the first-timer style takes each ingredient to the table before buying the next; the expert buys first", () => {
  const expert = leadPlan(EXPERT_STYLE);
  assert.equal(expert?.action, "buy");
  const first = leadPlan(FIRST_TIMER_STYLE);
  assert.equal(first?.action, "drop:0");
  assert.equal(first?.target?.kind, "station");
});
