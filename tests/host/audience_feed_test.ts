import assert from "node:assert/strict";
import {
  AudienceFeed,
  type AudienceOutgoing,
  FINAL_TALLY_WAIT_MS,
  UPDATE_EVERY_MS,
} from "../../src/host/audience_feed.ts";
import { HostGame } from "../../src/host/host_game.ts";
import { VOTE_OPEN_MS } from "../../src/game/mod.ts";

/** A game with one player, started, votes every 5 s of round time. */
function setup() {
  const game = new HostGame({ seed: 3, voteEveryMs: 5_000 });
  game.join("ann", "Ann");
  game.start();
  const sent: AudienceOutgoing[] = [];
  const feed = new AudienceFeed((m) => sent.push(m));
  return { game, sent, feed };
}

function tally(promptId: number, counts: number[], final: boolean) {
  return {
    type: "audienceTally" as const,
    promptId,
    counts,
    reached: counts.map((c, i) => (c > 0 ? i : -1)),
    final,
    reactions: { cheer: 3 },
    watching: 7,
  };
}

Deno.test("AudienceFeed sends an update at most every 500 ms, and only when it changed", () => {
  const { game, sent, feed } = setup();
  let now = 0;
  for (let i = 0; i < 100; i++) {
    game.frame(16);
    feed.frame(game, now += 16);
  }
  const updates = sent.filter((m) => m.action === "audienceUpdate");
  assert.ok(
    updates.length >= 2 &&
      updates.length <= Math.ceil(1600 / UPDATE_EVERY_MS) + 1,
  );
  assert.equal(
    updates[0].action === "audienceUpdate" && updates[0].state.phase,
    "playing",
  );
});

Deno.test("AudienceFeed sends the engine's vote, closes it on time and puts the final tally's winner into the game", () => {
  const { game, sent, feed } = setup();
  let now = 0;
  while (!game.state.audience.prompt) {
    game.frame(100);
    feed.frame(game, now += 100);
  }
  const prompt = game.state.audience.prompt;
  const asked = sent.find((m) => m.action === "audiencePrompt");
  assert.ok(asked && asked.action === "audiencePrompt");
  assert.equal(asked.prompt.id, prompt.id);
  assert.equal(asked.prompt.options.length, 3);
  // Until the vote's time is up: no close.
  feed.receive(tally(prompt.id, [1, 4, 0], false), now);
  assert.equal(sent.some((m) => m.action === "audienceClose"), false);
  while (game.state.clockMs < prompt.closesMs) {
    game.frame(100);
    feed.frame(game, now += 100);
  }
  assert.ok(sent.some((m) => m.action === "audienceClose"));
  // Still open in the engine until the final tally comes.
  assert.equal(game.state.audience.prompt?.id, prompt.id);
  feed.receive(tally(prompt.id, [1, 2, 5], true), now);
  feed.frame(game, now += 16);
  assert.equal(game.state.audience.prompt, null);
  assert.equal(game.state.audience.event?.kind, prompt.options[2]);
  const board = feed.board(game.state, now);
  assert.equal(board.watching, 7);
  assert.deepEqual(board.bubbles, [{ kind: "cheer", count: 6 }]);
  // The TV words the event itself, from its kind.
  assert.equal(board.news, prompt.options[2]);
});

Deno.test("AudienceFeed closes with the last tally when the final one does not come", () => {
  const { game, feed } = setup();
  let now = 0;
  while (!game.state.audience.prompt) {
    game.frame(100);
    feed.frame(game, now += 100);
  }
  const prompt = game.state.audience.prompt;
  feed.receive(tally(prompt.id, [0, 3, 0], false), now);
  while (game.state.clockMs < prompt.closesMs) {
    game.frame(100);
    feed.frame(game, now += 100);
  }
  const closedAt = now;
  while (
    game.state.audience.prompt && now - closedAt < 2 * FINAL_TALLY_WAIT_MS
  ) {
    game.frame(16);
    feed.frame(game, now += 16);
  }
  assert.ok(now - closedAt >= FINAL_TALLY_WAIT_MS);
  assert.equal(game.state.audience.event?.kind, prompt.options[1]);
});

Deno.test("AudienceFeed asks for the next town at game over and settles it before a restart", () => {
  const game = new HostGame({ seed: 3, roundLengthMs: 2_000 });
  game.join("ann", "Ann");
  game.start();
  const sent: AudienceOutgoing[] = [];
  const feed = new AudienceFeed((m) => sent.push(m));
  let now = 0;
  while (game.state.phase !== "over") {
    game.frame(100);
    feed.frame(game, now += 100);
  }
  feed.frame(game, now += 16);
  const prompt = game.state.audience.prompt;
  assert.equal(prompt?.about, "flavour");
  feed.receive(tally(prompt!.id, [0, 0, 2], false), now);
  feed.settleTownVote(game);
  assert.equal(game.state.audience.nextTownFlavour, prompt!.options[2]);
  assert.ok(game.restart());
  assert.equal(game.state.town.flavour, prompt!.options[2]);
});

Deno.test("AudienceFeed closes a town vote nobody settles after its wall time", () => {
  const game = new HostGame({ seed: 5, roundLengthMs: 2_000 });
  game.join("ann", "Ann");
  game.start();
  const feed = new AudienceFeed(() => {});
  let now = 0;
  while (game.state.phase !== "over") {
    game.frame(100);
    feed.frame(game, now += 100);
  }
  feed.frame(game, now += 16);
  const prompt = game.state.audience.prompt!;
  assert.equal(prompt.about, "flavour");
  feed.receive(tally(prompt.id, [3, 0, 0], false), now);
  const openedAt = now;
  while (game.state.audience.prompt) {
    feed.frame(game, now += 100);
    assert.ok(now - openedAt < VOTE_OPEN_MS + 2 * FINAL_TALLY_WAIT_MS);
  }
  assert.ok(now - openedAt >= VOTE_OPEN_MS);
  assert.equal(game.state.audience.nextTownFlavour, prompt.options[0]);
});
