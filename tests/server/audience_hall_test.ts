import assert from "node:assert/strict";
import fc from "fast-check";
import { AudienceHall } from "../../src/server/audience_hall.ts";
import { DEFAULTS } from "../../src/server/config.ts";
import type { AudienceServerMessage } from "../../src/protocol/mod.ts";
import {
  castVote,
  closeBallot,
  createBallot,
  memberLeft,
  tallyOf,
  voteWinner,
} from "../../src/game/vote.ts";

const PROMPT = {
  id: 3,
  about: "event" as const,
  options: ["rush_hour" as const, "rain" as const, "road_works" as const],
  openMs: 15_000,
};

type Tally = Extract<AudienceServerMessage, { type: "audienceTally" }>;

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
      option: fc.integer({ min: 0, max: 2 }),
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

Deno.test("AudienceHall counts like the game's vote rules: double votes, late votes, leavers, ties (property)", () => {
  fc.assert(
    fc.property(fc.array(actArb, { maxLength: 60 }), (acts) => {
      // Every call a second later than the last: each change is tallied at once.
      let clock = 0;
      const tallies: Tally[] = [];
      const hall = new AudienceHall({
        limits: DEFAULTS,
        now: () => (clock += 1_000),
        sendHost: (_code, msg) => {
          if (msg.type === "audienceTally") tallies.push(msg);
        },
      });
      const ballot = createBallot(PROMPT.id, 3);
      const gone = new Set<number>();
      for (let m = 0; m < 10; m++) {
        hall.watch("ROOM", { id: `m${m}`, send() {}, close() {} }, `M${m}`);
      }
      hall.prompt("ROOM", PROMPT);
      for (const a of acts) {
        if (a.kind === "close") {
          hall.close("ROOM", PROMPT.id);
          closeBallot(ballot);
        } else if (a.kind === "leave") {
          hall.leave("ROOM", `m${a.member}`);
          memberLeft(ballot, `m${a.member}`);
          gone.add(a.member);
        } else {
          hall.vote("ROOM", `m${a.member}`, PROMPT.id, a.option);
          castVote(ballot, `m${a.member}`, a.option);
        }
      }
      const last = tallies.at(-1)!;
      const want = tallyOf(ballot);
      assert.deepEqual(last.counts, want.counts);
      const got = {
        promptId: PROMPT.id,
        counts: last.counts,
        reached: last.reached,
      };
      assert.equal(voteWinner(got), voteWinner(want));
      assert.equal(last.watching, 10 - gone.size);
      hall.dispose();
    }),
    { numRuns: 300 },
  );
});

Deno.test("AudienceHall.update() serialises once and sends the same text to every member, at most twice a second", async () => {
  const texts: string[][] = [[], [], []];
  const hall = new AudienceHall({ limits: DEFAULTS, sendHost() {} });
  texts.forEach((t, i) =>
    hall.watch("ROOM", {
      id: `m${i}`,
      send() {},
      close() {},
      sendText: (text: string) => t.push(text),
    }, `M${i}`)
  );
  const state = {
    phase: "playing" as const,
    paused: false,
    money: 1,
    timeLeftMs: 1,
    strikes: 0,
    maxStrikes: 3,
    delivered: 0,
    orders: [],
    event: null,
  };
  const realStringify = JSON.stringify;
  let calls = 0;
  JSON.stringify = ((...args: Parameters<typeof realStringify>) => {
    calls++;
    return realStringify(...args);
  }) as typeof JSON.stringify;
  try {
    hall.update("ROOM", state);
  } finally {
    JSON.stringify = realStringify;
  }
  assert.equal(calls, 1);
  assert.deepEqual(texts.map((t) => t.length), [1, 1, 1]);
  assert.ok(texts.every((t) => t[0] === texts[0][0]));
  // Ten more at once: held back, and only the latest goes out half a second later.
  for (let i = 0; i < 10; i++) hall.update("ROOM", { ...state, money: i });
  assert.equal(texts[0].length, 1);
  while (texts[0].length < 2) await new Promise((r) => setTimeout(r, 50));
  assert.equal(JSON.parse(texts[0][1]).state.money, 9);
  hall.dispose();
});
