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
    text: "Waiting for players",
  });
  for (const [id, name] of [["a", "Ann"], ["b", "Bob"], ["c", "Cleo"]]) {
    state = joinPlayer(state, { id, name }).state;
  }
  assert.equal(phaseLine(state).kind, "lobby");
  state = startGame(state).state;
  assert.deepEqual(phaseLine(state), { kind: "playing", text: "Game on!" });
  const paused = disconnectPlayer(state, "a").state;
  assert.deepEqual(phaseLine(paused), {
    kind: "paused",
    text: "Paused: waiting for Ann",
  });
  const both = disconnectPlayer(disconnectPlayer(paused, "b").state, "c").state;
  assert.equal(phaseLine(both).text, "Paused: waiting for Ann, Bob and Cleo");
  // 0:00 with fewer than one delivery per two players is no win.
  let few = { ...state, delivered: 1 };
  for (let i = 0; i < 10; i++) few = step(few, [], 200).state;
  assert.deepEqual(phaseLine(few), {
    kind: "lost",
    text: "Game over: you lost (too few pizzas for the team)",
  });
  let won = { ...state, delivered: 2 };
  for (let i = 0; i < 10; i++) won = step(won, [], 200).state;
  assert.deepEqual(phaseLine(won), {
    kind: "won",
    text: "Game over: you won!",
  });
  let left = state;
  for (const id of ["a", "b", "c"]) left = leavePlayer(left, id).state;
  assert.deepEqual(phaseLine(left), {
    kind: "lost",
    text: "Game over: you lost (everyone left)",
  });
});
