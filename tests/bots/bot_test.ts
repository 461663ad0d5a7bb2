import assert from "node:assert/strict";
import {
  addBot,
  botCommands,
  botIdsOf,
  createBotTeam,
} from "../../src/bots/bot.ts";
import {
  createGame,
  joinPlayer,
  startGame,
  step,
} from "../../src/game/engine.ts";
import type { Difficulty } from "../../src/game/difficulty.ts";
import { ROUND_LENGTH_MS, TILE_SIZE_PX } from "../../src/game/constants.ts";
import type {
  GameEvent,
  GameState,
  PlayerCommand,
} from "../../src/game/types.ts";

const STEP_MS = 100;
const ROUND_MS = ROUND_LENGTH_MS; // a full 6:00 round: bots play fast enough

interface Played {
  state: GameState;
  events: GameEvent[];
  commands: PlayerCommand[][];
  startMoney: number;
}

/** Four bots from the lobby (the VIP bot picks the difficulty and starts) to game over. */
function playGame(difficulty: Difficulty, seed: number): Played {
  let state = createGame({ seed, roundLengthMs: ROUND_MS });
  const ids = ["bot0", "bot1", "bot2", "bot3"];
  for (const id of ids) state = joinPlayer(state, { id, name: id }).state;
  const team = createBotTeam(ids);
  const commands: PlayerCommand[][] = [];
  const events: GameEvent[] = [];
  const vip = (id: string): PlayerCommand => ({
    playerId: "bot0",
    input: { type: "action", id },
  });
  const opening = [vip(`difficulty:${difficulty}`), vip("start")];
  let startMoney = 0;
  for (let tick = 0; state.phase !== "over" && tick < 10_000; tick++) {
    const cmds = tick === 0 ? opening : botCommands(team, state);
    commands.push(cmds);
    const r = step(state, cmds, STEP_MS);
    state = r.state;
    if (tick === 0) startMoney = state.money;
    events.push(...r.events);
  }
  return { state, events, commands, startMoney };
}

function worldEvents(events: GameEvent[], name: string) {
  return events.flatMap((e) =>
    e.type === "world" && e.name === name ? [e] : []
  );
}

for (const difficulty of [0, 1, 2, 3] as const) {
  Deno.test(`bots play a whole game on difficulty ${difficulty}: deliveries, consistent money, strikes and outcome`, () => {
    const { state, events, startMoney } = playGame(difficulty, 11 + difficulty);
    assert.equal(state.phase, "over");
    assert.equal(state.difficulty, difficulty);
    assert.ok(state.delivered > 0, "delivered something");
    assert.equal(worldEvents(events, "delivered").length, state.delivered);
    assert.equal(worldEvents(events, "order_failed").length, state.strikes);
    // Money: start - purchases + pay - penalties.
    const sum = (name: string) =>
      worldEvents(events, name).reduce(
        (acc, e) => acc + Number(/[-+]\d+/.exec(e.text ?? "")?.[0] ?? 0),
        0,
      );
    assert.equal(
      state.money,
      startMoney + sum("bought") + sum("delivered") + sum("order_failed"),
    );
    const outcome = state.outcome;
    assert.ok(outcome);
    if (outcome.won) {
      assert.equal(outcome.reason, "time_up");
      assert.equal(state.timeLeftMs, 0);
      assert.ok(state.strikes < 3 && state.money >= 0);
    } else if (outcome.reason === "strikes") {
      assert.equal(state.strikes, 3);
    } else {
      assert.equal(outcome.reason, "bankrupt");
      assert.ok(state.money < 0);
    }
    if (difficulty === 0) assert.ok(outcome.won, "bots win Amateur");
    // Bots never try to buy or pick up what an allergy forbids them.
    const refusals = events.filter((e) =>
      e.type === "feedback" && /allergic/i.test(e.text)
    );
    assert.deepEqual(refusals, []);
  });
}

Deno.test("the same seed and the same inputs replay to the same game", () => {
  const a = playGame(2, 5);
  const b = playGame(2, 5);
  assert.equal(JSON.stringify(a.state), JSON.stringify(b.state));
  // Replaying the recorded inputs alone (no bots) gives the identical state.
  let state = createGame({ seed: 5, roundLengthMs: ROUND_MS });
  for (const id of ["bot0", "bot1", "bot2", "bot3"]) {
    state = joinPlayer(state, { id, name: id }).state;
  }
  for (const cmds of a.commands) state = step(state, cmds, STEP_MS).state;
  assert.equal(JSON.stringify(state), JSON.stringify(a.state));
  // A different seed gives a different game.
  assert.notEqual(
    JSON.stringify(playGame(2, 6).state),
    JSON.stringify(a.state),
  );
});

Deno.test("botCommands() keeps bots still outside a running round", () => {
  let state = createGame({ seed: 1 });
  state = joinPlayer(state, { id: "b", name: "b" }).state;
  assert.deepEqual(botCommands(createBotTeam(["b", "missing"]), state), []);
});

Deno.test("addBot() adds a bot once to a running team", () => {
  const team = createBotTeam(["a"]);
  addBot(team, "b");
  addBot(team, "b");
  assert.deepEqual(botIdsOf(team), ["a", "b"]);
});

Deno.test("4 idle people and 4 bots: every bot walks away from its spawn, and a 60 s round with fewer than 4 deliveries is no win", () => {
  // Seeds where the 60 s round of the original report ends with 1 to 3
  // deliveries (checked below, so the case cannot silently vanish).
  for (const seed of [4, 5, 6]) {
    let state = createGame({ seed, difficulty: 1, roundLengthMs: 60_000 });
    for (let i = 0; i < 4; i++) {
      state = joinPlayer(state, { id: `h${i}`, name: `Human ${i}` }).state;
    }
    const bots = ["b0", "b1", "b2", "b3"];
    for (const id of bots) state = joinPlayer(state, { id, name: id }).state;
    state = startGame(state).state;
    const spawn = new Map(state.players.map((p) => [p.id, { x: p.x, y: p.y }]));
    const farthest = new Map<string, number>();
    const team = createBotTeam(bots);
    while (state.phase === "playing") {
      state = step(state, botCommands(team, state), 16).state;
      for (const p of state.players) {
        const s = spawn.get(p.id) ?? p;
        const d = Math.hypot(p.x - s.x, p.y - s.y) / TILE_SIZE_PX;
        farthest.set(p.id, Math.max(farthest.get(p.id) ?? 0, d));
      }
    }
    for (const id of bots) {
      assert.ok(
        (farthest.get(id) ?? 0) >= 5,
        `seed ${seed}: ${id} went ${farthest.get(id)?.toFixed(1)} tiles`,
      );
    }
    for (let i = 0; i < 4; i++) assert.equal(farthest.get(`h${i}`), 0);
    const outcome = state.outcome;
    assert.ok(
      state.delivered >= 1 && state.delivered < 4,
      `seed ${seed}: ${state.delivered} delivered`,
    );
    assert.equal(outcome?.won, false);
    assert.equal(outcome?.reason, "too_few_deliveries");
    assert.match(outcome?.text ?? "", /for 8 players is not a win: it takes 4/);
  }
});
