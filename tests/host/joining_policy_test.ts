import assert from "node:assert/strict";
import {
  type JoiningChange,
  joiningOpen,
  JoiningPolicy,
} from "../../src/host/joining_policy.ts";

Deno.test("joiningOpen() is open in the lobby and at game over, mid-round only with drop-in", () => {
  assert.equal(joiningOpen("lobby", false), true);
  assert.equal(joiningOpen("over", false), true);
  assert.equal(joiningOpen("playing", true), true);
  assert.equal(joiningOpen("playing", false), false);
});

Deno.test("JoiningPolicy starts with drop-in on and open in the lobby", () => {
  const policy = new JoiningPolicy();
  assert.equal(policy.dropIn, true);
  assert.equal(policy.open, true);
});

Deno.test("JoiningPolicy.setPhase() reports only when joining opens or closes", () => {
  const policy = new JoiningPolicy(false);
  const changes: JoiningChange[] = [];
  policy.onChange((change) => changes.push(change));
  policy.setPhase("lobby");
  policy.setPhase("playing");
  policy.setPhase("playing");
  policy.setPhase("over");
  policy.setPhase("lobby");
  assert.deepEqual(changes, [
    { open: false, dropIn: false },
    { open: true, dropIn: false },
  ]);
});

Deno.test("JoiningPolicy.setDropIn() mid-round opens and closes joining", () => {
  const policy = new JoiningPolicy();
  const changes: JoiningChange[] = [];
  policy.onChange((change) => changes.push(change));
  policy.setPhase("playing");
  assert.equal(policy.open, true);
  policy.setDropIn(false);
  assert.equal(policy.open, false);
  policy.setDropIn(false);
  policy.setDropIn(true);
  assert.deepEqual(changes, [
    { open: false, dropIn: false },
    { open: true, dropIn: true },
  ]);
});
