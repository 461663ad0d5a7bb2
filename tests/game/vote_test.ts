import assert from "node:assert/strict";
import fc from "fast-check";
import {
  castVote,
  closeBallot,
  createBallot,
  memberLeft,
  tallyOf,
  voteWinner,
} from "../../src/game/vote.ts";

/** What a crowd does to a ballot: vote, leave, or the host closes it. */
type Act =
  | { kind: "vote"; member: number; option: number }
  | { kind: "leave"; member: number }
  | { kind: "close" };

const actArb: fc.Arbitrary<Act> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("vote" as const),
      member: fc.integer({ min: 0, max: 9 }),
      option: fc.integer({ min: -1, max: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("leave" as const),
      member: fc.integer({ min: 0, max: 9 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "close" as const }) },
);

/**
 * The rules written out the slow way: the first valid vote of each member
 * before the close, minus members who left; the winner has the most votes,
 * and among equals the one whose count was complete first in arrival order.
 */
function referee(
  acts: readonly Act[],
): { counts: number[]; winner: number | null } {
  const first = new Map<number, { option: number; at: number }>();
  const left = new Set<number>();
  let closed = false;
  acts.forEach((a, at) => {
    if (a.kind === "close") closed = true;
    else if (a.kind === "leave") left.add(a.member);
    else if (
      !closed && !first.has(a.member) && !left.has(a.member) &&
      a.option >= 0 && a.option < 3
    ) first.set(a.member, { option: a.option, at });
  });
  const counted = [...first.entries()].filter(([m]) => !left.has(m))
    .map(([, v]) => v).sort((x, y) => x.at - y.at);
  const counts = [0, 0, 0];
  const completeAt = [Infinity, Infinity, Infinity];
  for (const v of counted) {
    counts[v.option] += 1;
    completeAt[v.option] = v.at;
  }
  let winner: number | null = null;
  for (let i = 0; i < 3; i++) {
    if (counts[i] === 0) continue;
    if (
      winner === null || counts[i] > counts[winner] ||
      (counts[i] === counts[winner] && completeAt[i] < completeAt[winner])
    ) winner = i;
  }
  return { counts, winner };
}

function play(acts: readonly Act[]) {
  const ballot = createBallot(7, 3);
  for (const a of acts) {
    if (a.kind === "close") closeBallot(ballot);
    else if (a.kind === "leave") memberLeft(ballot, `m${a.member}`);
    else castVote(ballot, `m${a.member}`, a.option);
  }
  return tallyOf(ballot);
}

Deno.test("vote rules agree with the referee on any crowd: double votes, late votes, leavers, bad options, ties", () => {
  fc.assert(
    fc.property(fc.array(actArb, { maxLength: 60 }), (acts) => {
      const tally = play(acts);
      const want = referee(acts);
      assert.deepEqual(tally.counts, want.counts);
      assert.equal(voteWinner(tally), want.winner);
    }),
    { numRuns: 500 },
  );
});

Deno.test("castVote() counts a flooding member once, whatever they send", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -5, max: 10 }), {
        minLength: 1,
        maxLength: 200,
      }),
      (options) => {
        const ballot = createBallot(1, 3);
        for (const o of options) castVote(ballot, "flood", o);
        const total = tallyOf(ballot).counts.reduce((a, b) => a + b, 0);
        const firstValid = options.find((o) => o >= 0 && o < 3);
        assert.equal(total, firstValid === undefined ? 0 : 1);
      },
    ),
  );
});

Deno.test("voteWinner() breaks a tie for the option that reached the count first", () => {
  const ballot = createBallot(1, 3);
  castVote(ballot, "a", 2);
  castVote(ballot, "b", 0);
  castVote(ballot, "c", 0); // option 0 reaches 2 here
  castVote(ballot, "d", 2); // option 2 reaches 2 later
  assert.equal(voteWinner(tallyOf(ballot)), 0);
  memberLeft(ballot, "b"); // option 0 back to 1: option 2 leads
  assert.equal(voteWinner(tallyOf(ballot)), 2);
});

Deno.test("castVote() refuses late votes and votes of a member who left", () => {
  const ballot = createBallot(1, 3);
  castVote(ballot, "a", 1);
  memberLeft(ballot, "a");
  assert.equal(castVote(ballot, "a", 1), false);
  closeBallot(ballot);
  assert.equal(castVote(ballot, "late", 1), false);
  assert.deepEqual(tallyOf(ballot).counts, [0, 0, 0]);
  assert.equal(voteWinner(tallyOf(ballot)), null);
});

Deno.test("voteWinner() ignores malformed tallies", () => {
  assert.equal(voteWinner({ promptId: 1, counts: [1, 2], reached: [0] }), null);
  assert.equal(
    voteWinner({
      promptId: 1,
      counts: [Number.NaN, -3, 1.5],
      reached: [0, 1, 2],
    }),
    null,
  );
});
