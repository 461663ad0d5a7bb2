import assert from "node:assert/strict";
import { phaseLine } from "../../src/host/phase_line.ts";
import {
  createGame,
  disconnectPlayer,
  joinPlayer,
  leavePlayer,
  startGame,
  step,
} from "../../src/game/mod.ts";

Deno.test("phaseLine() follows the game: lobby, playing, paused for whom, won or lost", () => {
  let state = createGame({ seed: 2, roundLengthMs: 1_000 });
  assert.deepEqual(phaseLine(state), {
    kind: "lobby",
    said: { key: "phase.waiting", params: {} },
  });
  for (const [id, name] of [["a", "Ann"], ["b", "Bob"], ["c", "Cleo"]]) {
    state = joinPlayer(state, { id, name }).state;
  }
  assert.deepEqual(phaseLine(state).said.key, "phase.lobby");
  state = startGame(state).state;
  assert.deepEqual(phaseLine(state), {
    kind: "playing",
    said: { key: "phase.on", params: {} },
  });
  const paused = disconnectPlayer(state, "a").state;
  assert.deepEqual(phaseLine(paused), {
    kind: "paused",
    said: { key: "phase.paused_for", params: { names: ["Ann"] } },
  });
  const both = disconnectPlayer(disconnectPlayer(paused, "b").state, "c").state;
  assert.deepEqual(phaseLine(both).said.params, {
    names: ["Ann", "Bob", "Cleo"],
  });
  // 0:00 with fewer than one delivery per two players is no win.
  let few = { ...state, delivered: 1 };
  for (let i = 0; i < 10; i++) few = step(few, [], 200).state;
  assert.deepEqual(phaseLine(few), {
    kind: "lost",
    said: { key: "phase.lost.too_few_deliveries", params: {} },
  });
  let won = { ...state, delivered: 2 };
  for (let i = 0; i < 10; i++) won = step(won, [], 200).state;
  assert.deepEqual(phaseLine(won), {
    kind: "won",
    said: { key: "phase.won", params: {} },
  });
  let left = state;
  for (const id of ["a", "b", "c"]) left = leavePlayer(left, id).state;
  assert.deepEqual(phaseLine(left), {
    kind: "lost",
    said: { key: "phase.lost.everyone_left", params: {} },
  });
});
