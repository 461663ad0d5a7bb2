import assert from "node:assert/strict";
import { botCommands, createBotTeam } from "../../src/bots/bot.ts";
import { createPathCache } from "../../src/bots/pathfinding.ts";
import { botMemory, planTeam } from "../../src/bots/planner.ts";
import { COOK } from "../../src/game/difficulty.ts";
import { step } from "../../src/game/engine.ts";
import { allergyBlock } from "../../src/game/players.ts";
import { started } from "../game/_util.ts";

Deno.test("planTeam() is pure and never plans to buy or pick up what an allergy forbids", () => {
  let state = started({ players: 4, difficulty: COOK, seed: 4 });
  assert.ok(state.players.every((p) => p.allergyMask !== 0));
  const ids = state.players.map((p) => p.id);
  const team = createBotTeam(ids);
  const cache = createPathCache();
  let checked = 0;
  for (let i = 0; state.clockMs < 90_000 && state.phase === "playing"; i++) {
    if (i % 10 === 0) {
      const memory = structuredClone(team.plan);
      const planned = planTeam(state, team.plan, cache);
      assert.deepEqual(team.plan, memory, "memory given is not changed");
      for (const [id, plan] of planned.plans) {
        const player = state.players.find((p) => p.id === id);
        assert.ok(player);
        const n = state.players.length;
        if (plan?.action === "buy" && plan.target?.kind === "store") {
          const store = state.town.stores[plan.target.id];
          const mask = 1 << store.ingredientIndex;
          assert.equal(allergyBlock(player, mask, n), null, `${id} buys`);
          checked++;
        }
        if (plan?.action === "pickup" && plan.target?.kind === "station") {
          const item = state.stations[plan.target.id].item;
          assert.ok(item);
          assert.equal(allergyBlock(player, item.mask, n), null, `${id} picks`);
          checked++;
        }
      }
    }
    state = step(state, botCommands(team, state), 16).state;
  }
  assert.ok(checked > 20, `checked ${checked} plans`);
});

Deno.test("planTeam() plans nothing for players who are not in the game", () => {
  const state = started({ players: 1, seed: 2 });
  const r = planTeam(
    state,
    { bots: [botMemory("p0"), botMemory("gone")] },
    createPathCache(),
  );
  assert.ok(r.plans.has("p0"));
  assert.ok(!r.plans.has("gone"));
});
