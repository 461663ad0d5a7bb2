import assert from "node:assert/strict";
import {
  createGame,
  disconnectPlayer,
  joinPlayer,
  restartGame,
  setDifficulty,
  startGame,
  step,
} from "../../src/game/engine.ts";
import {
  BAKED_HEAT,
  MAX_SAFE_HEAT,
  ROUND_LENGTH_MS,
} from "../../src/game/constants.ts";
import { isBaked, type Item } from "../../src/game/items.ts";
import { generateTown } from "../../src/game/town.ts";
import type { GameState } from "../../src/game/types.ts";
import { edit, lobby, player, started, stationId, wait } from "./_util.ts";

const item = (mask: number, heat = 0): Item => ({ mask, heat, burned: false });

function inOven(
  state: GameState,
  it: Item,
): { state: GameState; oven: number } {
  const oven = stationId(state, "oven");
  const s = edit(state, (d) => {
    d.timeline = d.timeline.filter((e) => e.kind !== "spawn_order");
    d.stations[oven].item = it;
  });
  return { state: s, oven };
}

Deno.test("createGame() starts in the lobby with a 6:00 round and the seed's town", () => {
  const s = createGame({ seed: 5 });
  assert.equal(s.phase, "lobby");
  assert.equal(s.roundLengthMs, ROUND_LENGTH_MS);
  assert.equal(s.timeLeftMs, 360_000);
  assert.deepEqual(s.town, generateTown(5));
  assert.equal(s.stations.length, 18);
  assert.equal(s.vehicles.length, 5);
  assert.throws(() => createGame({ roundLengthMs: 0 }), RangeError);
  assert.throws(() => createGame({ roundLengthMs: Number.NaN }), RangeError);
  assert.doesNotThrow(() => JSON.stringify(s));
});

Deno.test("startGame(): money 25 + 5 per player; refused without players or twice", () => {
  const s = startGame(lobby({ players: 4 })).state;
  assert.equal(s.phase, "playing");
  assert.equal(s.money, 45);
  assert.equal(startGame(createGame()).error, "no_players");
  assert.equal(startGame(s).error, "wrong_phase");
});

Deno.test("step() never mutates its input state", () => {
  const s = started({ players: 2 });
  const copy = JSON.stringify(s);
  step(s, [{ playerId: "p0", input: { type: "move", x: 1, y: 0 } }], 100);
  wait(s, 5_000);
  assert.equal(JSON.stringify(s), copy);
});

Deno.test("the round is won at 0:00 with the reason 'time_up' after a delivery", () => {
  const s = started({ players: 1, roundLengthMs: 1_000 });
  const r = wait(
    edit(s, (d) => {
      d.timeline = [];
      d.delivered = 1;
    }),
    1_000,
  );
  assert.equal(r.state.phase, "over");
  assert.equal(r.state.timeLeftMs, 0);
  assert.deepEqual(r.state.outcome?.won, true);
  assert.equal(r.state.outcome?.reason, "time_up");
  assert.ok(r.events.some((e) => e.type === "world" && e.name === "game_won"));
  // Nothing moves after the end.
  const after = step(r.state, [{
    playerId: "p0",
    input: { type: "move", x: 1, y: 0 },
  }], 100);
  assert.equal(player(after.state, "p0").x, player(r.state, "p0").x);
});

Deno.test("step() clamps dtMs: NaN and negative are 0, more than 250 ms counts as 250", () => {
  const s = started({ players: 1 });
  assert.equal(step(s, [], Number.NaN).state.clockMs, 0);
  assert.equal(step(s, [], -50).state.clockMs, 0);
  assert.equal(step(s, [], 10_000).state.clockMs, 250);
});

Deno.test("oven: heat +1/25 per second, baked at 7/9, stops just short of full below Master Chef", () => {
  const { state, oven } = inOven(
    started({ players: 1, difficulty: 2 }),
    item(1),
  );
  let r = wait(state, 10_000);
  assert.ok(Math.abs(r.state.stations[oven].item!.heat - 0.4) < 1e-9);
  r = wait(r.state, 9_500);
  assert.ok(isBaked(r.state.stations[oven].item!));
  assert.ok(r.events.some((e) => e.type === "world" && e.name === "baked"));
  r = wait(r.state, 60_000);
  const it = r.state.stations[oven].item!;
  assert.equal(it.heat, MAX_SAFE_HEAT);
  assert.equal(it.burned, false);
});

Deno.test("oven on Master Chef: full heat burns the item, which stays in the oven", () => {
  const { state, oven } = inOven(
    started({ players: 1, difficulty: 3 }),
    item(3),
  );
  const r = wait(state, 25_100);
  const it = r.state.stations[oven].item!;
  assert.equal(it.burned, true);
  assert.equal(it.heat, 1);
  assert.equal(isBaked(it), false);
  assert.ok(r.events.some((e) => e.type === "world" && e.name === "burned"));
});

Deno.test("cooling on Master Chef only: -1/150 heat per second outside ovens", () => {
  const hot = (difficulty: 2 | 3) => {
    const table = stationId(started(), "table");
    const s = edit(started({ players: 1, difficulty }), (d) => {
      d.timeline = [];
      d.stations[table].item = item(1, 0.9);
      player(d, "p0").backpack.push(item(1, 0.9));
    });
    const after = wait(s, 15_000).state;
    return {
      table: after.stations[table].item!.heat,
      pack: player(after, "p0").backpack[0].heat,
    };
  };
  const master = hot(3);
  assert.ok(Math.abs(master.table - 0.8) < 1e-9);
  assert.ok(Math.abs(master.pack - 0.8) < 1e-9);
  assert.deepEqual(hot(2), { table: 0.9, pack: 0.9 });
  assert.ok(0.8 > BAKED_HEAT);
});

Deno.test("restartGame() builds a new town, keeps connected players, and never throws (regression)", () => {
  let s = started({ players: 3 });
  s = edit(s, (d) => player(d, "p1").backpack.push(item(1)));
  s = disconnectPlayer(s, "p2").state;
  const r = restartGame(s);
  assert.equal(r.error, undefined);
  assert.equal(r.state.phase, "playing");
  assert.notDeepEqual(r.state.town.tiles, s.town.tiles);
  assert.deepEqual(r.state.players.map((p) => p.id), ["p0", "p1"]);
  assert.deepEqual(player(r.state, "p1").backpack, []);
  assert.equal(r.state.paused, false);
  assert.equal(r.state.money, 35);
  // Deterministic: the same state restarts into the same town.
  assert.deepEqual(restartGame(s).state.town, r.state.town);
  // From "over" too, and not from the lobby.
  const over = edit(s, (d) => (d.phase = "over"));
  assert.equal(restartGame(over).state.phase, "playing");
  assert.equal(restartGame(lobby()).error, "wrong_phase");
});

Deno.test("setDifficulty() works in the lobby and after a round, not during one", () => {
  assert.equal(setDifficulty(lobby(), 3).state.difficulty, 3);
  assert.equal(setDifficulty(lobby(), 7).error, "bad_difficulty");
  assert.equal(setDifficulty(started(), 1).error, "wrong_phase");
  const over = edit(started(), (d) => (d.phase = "over"));
  assert.equal(setDifficulty(over, 2).state.difficulty, 2);
});

Deno.test("players can walk about in the lobby before the start", () => {
  let s = joinPlayer(createGame({ seed: 2 }), { id: "a", name: "A" }).state;
  const x = player(s, "a").x;
  const y = player(s, "a").y;
  s =
    step(s, [{ playerId: "a", input: { type: "move", x: 1, y: 1 } }], 0).state;
  s = wait(s, 500).state;
  assert.notDeepEqual([player(s, "a").x, player(s, "a").y], [x, y]);
});
