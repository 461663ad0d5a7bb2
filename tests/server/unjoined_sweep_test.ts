/** One shared timer closes sockets that did not join in time. */
import assert from "node:assert/strict";
import {
  type UnjoinedSocket,
  UnjoinedSweep,
} from "../../src/server/socket_connection.ts";

/** A socket stand-in that records when its time ran out. */
function fakeSocket(name: string, timedOut: string[]): UnjoinedSocket {
  return { unjoinedTimeout: () => timedOut.push(name) };
}

/** Resolves once `check` holds, polling on the event loop. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in 10 s");
    await new Promise((r) => setTimeout(r, 5));
  }
}

Deno.test("UnjoinedSweep.add() times sockets out in opening order and never those deleted first", async () => {
  let clock = 0;
  const sweep = new UnjoinedSweep(30, () => clock);
  const timedOut: string[] = [];
  const a = fakeSocket("a", timedOut);
  const b = fakeSocket("b", timedOut);
  const c = fakeSocket("c", timedOut);
  sweep.add(a);
  clock = 10;
  sweep.add(b);
  sweep.add(c);
  sweep.delete(b); // b joined
  clock = 30; // a's deadline, not c's (40)
  await until(() => timedOut.length === 1);
  assert.deepEqual(timedOut, ["a"]);
  assert.equal(sweep.size, 1);
  clock = 40;
  await until(() => timedOut.length === 2);
  assert.deepEqual(timedOut, ["a", "c"]);
  assert.equal(sweep.size, 0);
});

Deno.test("UnjoinedSweep.delete() of the last waiting socket stops the shared timer", () => {
  // The test sanitizer fails this test if a timer is left running.
  const sweep = new UnjoinedSweep(60_000);
  const timedOut: string[] = [];
  const sockets = ["a", "b", "c"].map((n) => fakeSocket(n, timedOut));
  for (const socket of sockets) sweep.add(socket);
  assert.equal(sweep.size, 3);
  for (const socket of sockets) sweep.delete(socket);
  assert.equal(sweep.size, 0);
  assert.deepEqual(timedOut, []);
});
