/**
 * The audience's vote rules (GAME.md, "The audience"): a ballot box for one
 * prompt, and the winner of a tally. One vote per member per prompt (later
 * votes of the same member change nothing), votes after the prompt closed
 * and votes for an option that does not exist don't count, and a member who
 * leaves takes their vote with them. The most votes wins; a tie goes to the
 * option that reached that count first, i.e. whose last counted vote came
 * earliest. Deterministic: votes carry their arrival sequence number.
 *
 * The server counts votes with the same rules (it may not import the game);
 * the host turns the server's tally into an event with {@link voteWinner}.
 *
 * @module
 */

/** One prompt's ballot box. Mutated in place by the functions below. */
export interface Ballot {
  /** Which prompt it counts. */
  promptId: number;
  /** Number of options (indices 0 .. optionCount - 1). */
  optionCount: number;
  /** False once closed: later votes don't count. */
  open: boolean;
  /** Counted votes by member: the option and the arrival number. */
  votes: Map<string, { option: number; seq: number }>;
  /** Arrival number of the next vote. */
  nextSeq: number;
}

/**
 * A tally of one prompt: votes per option and, per option, the arrival
 * number of the vote that brought it to its count (-1 with no vote).
 */
export interface Tally {
  /** The prompt counted. */
  promptId: number;
  /** Votes per option. */
  counts: number[];
  /** Arrival number of each option's last counted vote, -1 when none. */
  reached: number[];
}

/** An open, empty ballot box for a prompt. */
export function createBallot(promptId: number, optionCount: number): Ballot {
  return {
    promptId,
    optionCount,
    open: true,
    votes: new Map(),
    nextSeq: 0,
  };
}

/**
 * Casts a member's vote. Refused (false, nothing changes): a closed ballot,
 * a member who already voted, an option out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { castVote, createBallot, tallyOf } from "./vote.ts";
 * const b = createBallot(1, 3);
 * assert.equal(castVote(b, "ann", 2), true);
 * assert.equal(castVote(b, "ann", 0), false);
 * assert.deepEqual(tallyOf(b).counts, [0, 0, 1]);
 * ```
 */
export function castVote(
  ballot: Ballot,
  member: string,
  option: number,
): boolean {
  if (!ballot.open || ballot.votes.has(member)) return false;
  if (!Number.isInteger(option) || option < 0 || option >= ballot.optionCount) {
    return false;
  }
  ballot.votes.set(member, { option, seq: ballot.nextSeq++ });
  return true;
}

/** A member left: their vote no longer counts (a later vote of theirs won't either). */
export function memberLeft(ballot: Ballot, member: string): void {
  // Kept as a vote for no option, so the member cannot vote again.
  ballot.votes.set(member, { option: -1, seq: -1 });
}

/** Closes the ballot: every later vote is refused. */
export function closeBallot(ballot: Ballot): void {
  ballot.open = false;
}

/** The tally of a ballot. */
export function tallyOf(ballot: Ballot): Tally {
  const counts = new Array<number>(ballot.optionCount).fill(0);
  const reached = new Array<number>(ballot.optionCount).fill(-1);
  for (const { option, seq } of ballot.votes.values()) {
    if (option < 0) continue;
    counts[option] += 1;
    reached[option] = Math.max(reached[option], seq);
  }
  return { promptId: ballot.promptId, counts, reached };
}

/**
 * The winning option of a tally: the most votes, a tie to the option whose
 * count was reached first; null when nobody voted or the tally is malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { voteWinner } from "./vote.ts";
 * assert.equal(voteWinner({ promptId: 1, counts: [2, 2, 1], reached: [5, 3, 4] }), 1);
 * assert.equal(voteWinner({ promptId: 1, counts: [0, 0, 0], reached: [-1, -1, -1] }), null);
 * ```
 */
export function voteWinner(tally: Tally): number | null {
  const { counts, reached } = tally;
  if (!Array.isArray(counts) || !Array.isArray(reached)) return null;
  if (counts.length !== reached.length) return null;
  let best: number | null = null;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    const r = reached[i];
    if (!Number.isSafeInteger(c) || c <= 0 || !Number.isSafeInteger(r)) {
      continue;
    }
    if (
      best === null || c > counts[best] ||
      (c === counts[best] && r < reached[best])
    ) best = i;
  }
  return best;
}
