import assert from "node:assert/strict";
import {
  InputThrottle,
  type ThrottleClock,
} from "../../src/phone/input_throttle.ts";
import { sameStick, type Stick } from "../../src/phone/joystick_math.ts";

/** A manual clock: timers run when the test advances time. */
class ManualClock implements ThrottleClock {
  time = 0;
  #timers = new Map<number, { at: number; fn: () => void }>();
  #next = 1;
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): number {
    const id = this.#next++;
    this.#timers.set(id, { at: this.time + ms, fn });
    return id;
  }
  clearTimeout(id: number): void {
    this.#timers.delete(id);
  }
  advance(ms: number): void {
    this.time += ms;
    for (const [id, timer] of [...this.#timers]) {
      if (timer.at <= this.time) {
        this.#timers.delete(id);
        timer.fn();
      }
    }
  }
}

Deno.test("InputThrottle sends changes at most 30 times a second, and always the last value", () => {
  const clock = new ManualClock();
  const sent: Stick[] = [];
  const throttle = new InputThrottle<Stick>({
    send: (v) => sent.push(v),
    equals: sameStick,
    clock,
  });
  throttle.push({ x: 0.1, y: 0 });
  for (let i = 2; i <= 10; i++) {
    clock.advance(4);
    throttle.push({ x: i / 10, y: 0 });
  }
  // 40 ms of pushes every 4 ms: the first now, one more after 33 ms, then the trailing one.
  clock.advance(100);
  assert.deepEqual(sent.map((s) => s.x), [0.1, 0.9, 1]);
});

Deno.test("InputThrottle does not resend an unchanged value, until reset()", () => {
  const clock = new ManualClock();
  const sent: Stick[] = [];
  const throttle = new InputThrottle<Stick>({
    send: (v) => sent.push(v),
    equals: sameStick,
    clock,
  });
  throttle.push({ x: 0, y: 1 });
  clock.advance(100);
  throttle.push({ x: 0, y: 1 });
  assert.equal(sent.length, 1);
  throttle.reset();
  throttle.push({ x: 0, y: 1 });
  assert.equal(sent.length, 2);
});

Deno.test("InputThrottle refuses a non-positive rate", () => {
  assert.throws(
    () =>
      new InputThrottle<number>({
        send: () => {},
        equals: (a, b) => a === b,
        hz: 0,
      }),
    RangeError,
  );
});
