import assert from "node:assert/strict";
import {
  FixedStepClock,
  MAX_CATCH_UP_MS,
  STEP_MS,
} from "../../src/host/fixed_step_clock.ts";
import { HostGame } from "../../src/host/host_game.ts";
import { RoomGame } from "../../src/host/room_game.ts";
import { GameSaveStore } from "../../src/host/saved_game.ts";

/** Game time the clock gives for `wallMs` of frames every `frameMs`. */
function gameTimeFor(frameMs: number, wallMs: number): number {
  const clock = new FixedStepClock();
  let steps = 0;
  clock.advance(0);
  const frames = Math.round(wallMs / frameMs);
  for (let i = 1; i <= frames; i++) steps += clock.advance(i * frameMs);
  return steps * clock.stepMs;
}

Deno.test("FixedStepClock gives a 6:00 round 6:00 of steps at 5 fps as at 60 fps", () => {
  const round = 6 * 60_000;
  for (const fps of [5, 24, 60, 144]) {
    const played = gameTimeFor(1000 / fps, round);
    assert.ok(
      Math.abs(played - round) <= STEP_MS,
      `${fps} fps: ${played} ms of game time`,
    );
  }
});

Deno.test("FixedStepClock catches slow frames up and carries the rest", () => {
  const clock = new FixedStepClock({ stepMs: 10, maxCatchUpMs: 100 });
  assert.equal(clock.advance(5), 0, "the first reading starts the clock");
  assert.equal(clock.advance(9), 0, "4 ms: no step yet");
  assert.equal(clock.advance(16), 1, "11 ms: one step, 1 ms carried");
  assert.equal(clock.advance(25), 1, "1 + 9 ms: a step");
  assert.equal(clock.advance(95), 7, "a 70 ms frame: 7 steps");
});

Deno.test("FixedStepClock caps a long stall instead of fast-forwarding it", () => {
  const clock = new FixedStepClock();
  clock.advance(1_000);
  const steps = clock.advance(1_000 + 5 * 60_000);
  assert.equal(steps, Math.floor(MAX_CATCH_UP_MS / STEP_MS));
  assert.equal(clock.advance(1_000 + 5 * 60_000 + 50), 3, "then real time");
});

Deno.test("FixedStepClock runs no step for a clock that goes back or a bad reading", () => {
  const clock = new FixedStepClock({ stepMs: 10, maxCatchUpMs: 100 });
  clock.advance(100);
  assert.equal(clock.advance(50), 0);
  assert.equal(clock.advance(Number.NaN), 0);
  assert.equal(clock.advance(70), 2, "from the last good reading");
  clock.reset();
  assert.equal(clock.advance(1_000), 0, "a reset starts again");
});

Deno.test("new FixedStepClock() refuses a step that is not positive or a cap below one step", () => {
  assert.throws(() => new FixedStepClock({ stepMs: 0 }), RangeError);
  assert.throws(() => new FixedStepClock({ stepMs: Number.NaN }), RangeError);
  assert.throws(
    () => new FixedStepClock({ stepMs: 10, maxCatchUpMs: 5 }),
    RangeError,
  );
});

Deno.test("RoomGame.advance() runs the round's clock at wall time at 5 fps as at 60 fps", () => {
  const wallMs = 20_000;
  const left: number[] = [];
  for (const fps of [5, 60]) {
    const room = new RoomGame({
      newGame: () => new HostGame({ seed: 3, roundLengthMs: 60_000 }),
      saves: new GameSaveStore({
        storage: {
          getItem: () => null,
          setItem: () => {},
          removeItem: () => {},
        },
      }),
    });
    room.playerJoined("Ann");
    room.game.start();
    const before = room.game.state.timeLeftMs;
    const frameMs = 1000 / fps;
    room.advance(0);
    const frames = Math.round(wallMs / frameMs);
    for (let i = 1; i <= frames; i++) room.advance(i * frameMs);
    assert.equal(room.game.state.phase, "playing");
    left.push(before - room.game.state.timeLeftMs);
  }
  for (const played of left) {
    assert.ok(Math.abs(played - wallMs) <= 2 * STEP_MS, `${played} ms played`);
  }
});
