import assert from "node:assert/strict";
import {
  BOT_ID_PREFIX,
  type FrameResult,
  HostGame,
  toWireView,
} from "../../src/host/host_game.ts";
import { parseHostMessage } from "../../src/protocol/mod.ts";
import { playerView } from "../../src/game/mod.ts";

/** Frames of 50 ms until `until` holds or `maxMs` of game time pass. */
function runUntil(
  game: HostGame,
  until: (r: FrameResult) => boolean,
  maxMs = 60_000,
): FrameResult[] {
  const out: FrameResult[] = [];
  for (let t = 0; t < maxMs; t += 50) {
    const r = game.frame(50);
    out.push(r);
    if (until(r)) break;
  }
  return out;
}

function viewsFor(r: FrameResult, id: string) {
  return r.outbox.filter((o) => o.to === id && o.message.t === "view");
}

Deno.test("HostGame.join() adds players in the lobby, the first one VIP", () => {
  const game = new HostGame({ seed: 5 });
  assert.equal(game.join("Ann"), "joined");
  assert.equal(game.join("Bob"), "joined");
  assert.equal(game.join("Ann"), "known");
  assert.deepEqual(game.state.players.map((p) => p.id), ["Ann", "Bob"]);
  assert.equal(game.state.vipId, "Ann");
  const r = game.frame(16);
  const ann = viewsFor(r, "Ann")[0];
  assert.ok(ann && ann.message.t === "view");
  assert.equal(ann.message.view.vip, true);
  assert.ok(ann.message.view.actions.some((a) => a.id === "start"));
  const bob = viewsFor(r, "Bob")[0];
  assert.ok(bob && bob.message.t === "view" && !bob.message.view.vip);
});

Deno.test("HostGame.frame() sends views the phone accepts, only when they change", () => {
  const game = new HostGame({ seed: 5 });
  game.join("Ann");
  const first = game.frame(16);
  assert.equal(viewsFor(first, "Ann").length, 1);
  for (const o of first.outbox) {
    assert.ok(parseHostMessage(JSON.parse(JSON.stringify(o.message))).ok);
  }
  const again = game.frame(16);
  assert.equal(viewsFor(again, "Ann").length, 0, "no change, no view");
  game.receive("Ann", { t: "act", id: "difficulty:2" });
  const changed = game.frame(16);
  const view = viewsFor(changed, "Ann")[0];
  assert.ok(view && view.message.t === "view");
  assert.equal(view.message.view.difficulty, 2);
  game.resendView("Ann");
  assert.equal(viewsFor(game.frame(16), "Ann").length, 1);
});

Deno.test("HostGame.receive() turns moves into engine input", () => {
  const game = new HostGame({ seed: 5 });
  game.join("Ann");
  game.frame(16);
  const before = { ...game.state.players[0] };
  game.receive("Ann", { t: "move", x: 1, y: 0 });
  game.receive("Ann", { t: "move", x: 0, y: 1 });
  game.frame(100);
  const p = game.state.players[0];
  assert.equal(p.stickX, 0);
  assert.equal(p.stickY, 1, "the latest move wins");
  assert.ok(p.y !== before.y || p.x !== before.x, "the player moved");
  game.receive("Ann", { t: "ping", id: 1 });
  game.receive("Nobody", { t: "move", x: 1, y: 1 });
  game.frame(16);
});

Deno.test("HostGame routes feedback to the player it is for", () => {
  const game = new HostGame({ seed: 5 });
  game.join("Ann");
  game.join("Bob");
  game.frame(16);
  game.start();
  game.frame(16);
  game.receive("Bob", { t: "act", id: "buy" }); // not at a store
  const r = game.frame(16);
  const toBob = r.outbox.filter((o) =>
    o.to === "Bob" && o.message.t === "feedback"
  );
  const toAnn = r.outbox.filter((o) =>
    o.to === "Ann" && o.message.t === "feedback"
  );
  assert.equal(toBob.length, 1);
  assert.equal(toAnn.length, 0);
  assert.ok(
    toBob[0].message.t === "feedback" && toBob[0].message.tone === "bad",
  );
  assert.deepEqual(toBob[0].message.say, { key: "why.not_here" });
});

Deno.test("HostGame: a dropped phone pauses the round and comes back as the same player", () => {
  const game = new HostGame({ seed: 5, roundLengthMs: 30_000 });
  game.join("Ann");
  game.join("Bob");
  game.setDifficulty(1); // allergies with 2 players
  assert.ok(game.start());
  game.frame(16);
  const bob = game.state.players.find((p) => p.id === "Bob")!;
  const allergy = bob.allergyMask;
  assert.ok(allergy !== 0);
  game.setConnected("Bob", false);
  const paused = game.frame(1000);
  assert.equal(game.state.paused, true);
  assert.equal(
    viewsFor(paused, "Bob").length,
    0,
    "nothing sent to a dropped phone",
  );
  const clock = game.state.clockMs;
  game.frame(1000);
  assert.equal(game.state.clockMs, clock, "time stands still while paused");
  assert.equal(game.join("Bob"), "reconnected");
  const back = game.frame(16);
  assert.equal(game.state.paused, false);
  assert.equal(
    game.state.players.find((p) => p.id === "Bob")!.allergyMask,
    allergy,
  );
  const view = viewsFor(back, "Bob")[0];
  assert.ok(
    view && view.message.t === "view" && view.message.view.allergies.length > 0,
  );
  assert.equal(game.state.vipId, "Ann");
  // a second "link up" for a connected player only re-sends the view
  game.setConnected("Bob", true);
  assert.equal(viewsFor(game.frame(16), "Bob").length, 1);
});

Deno.test("HostGame.join() refuses newcomers once the round is on when drop-in is off", () => {
  const game = new HostGame({ seed: 5, dropIn: false });
  game.join("Ann");
  game.start();
  assert.equal(game.join("Zed"), "refused");
  const r = game.frame(16);
  assert.ok(r.outbox.some((o) => o.to === "Zed" && o.message.t === "feedback"));
  assert.equal(game.state.players.length, 1);
});

Deno.test("HostGame.fillWithBots() adds bots that play a round to the end", () => {
  const game = new HostGame({ seed: 11, roundLengthMs: 40_000 });
  game.join("Ann");
  assert.equal(game.fillWithBots(4), 3);
  assert.equal(game.state.players.length, 4);
  assert.ok(game.botIds.every((id) => id.startsWith(BOT_ID_PREFIX)));
  assert.ok(game.state.players.slice(1).every((p) => game.isBot(p.id)));
  assert.equal(game.fillWithBots(4), 0, "already full enough");
  assert.ok(game.start());
  assert.equal(game.fillWithBots(6), 0, "bots join in the lobby only");
  const frames = runUntil(game, () => game.state.phase === "over");
  assert.equal(game.state.phase, "over");
  const botMoved =
    game.state.players.slice(1).some((p) =>
      p.moving || p.backpack.length > 0
    ) ||
    frames.some((f) =>
      f.events.some((e) => e.type === "world" && e.name === "bought")
    );
  assert.ok(botMoved, "bots played");
  assert.ok(
    frames.every((f) => f.outbox.every((o) => !game.isBot(o.to))),
    "nothing sent to bots",
  );
  assert.ok(game.restart());
  assert.equal(game.state.phase, "playing");
  assert.equal(game.botIds.length, 3);
});

Deno.test("HostGame.start() and restart() refuse politely in the wrong phase", () => {
  const game = new HostGame({ seed: 5 });
  assert.equal(game.start(), false, "no players");
  assert.equal(game.restart(), false, "lobby");
  game.join("Ann");
  assert.equal(game.start(), true);
  assert.equal(game.start(), false);
  const r = runUntil(game, (f) => f.phaseBefore === "lobby", 100);
  assert.ok(r.length >= 1);
  game.receive("Ann", { t: "leave" });
  game.frame(16);
  assert.equal(game.state.players.length, 0);
  assert.equal(game.state.phase, "over");
  assert.equal(game.restart(), false, "nobody to play");
});

Deno.test("toWireView() keeps action words, icons, allergy reasons, the allergy exemption, waiting and the order strip", () => {
  const game = new HostGame({ seed: 5 });
  game.join("Ann");
  const engine = playerView(game.state, "Ann");
  assert.ok(engine);
  const wire = toWireView({
    ...engine,
    allergies: ["cheese"],
    allergyExempt: "mixed",
    waiting: true,
    actions: [
      {
        id: "buy",
        say: { key: "act.buy", ingredient: "cheese", price: 3 },
        ingredients: ["cheese"],
        disabled: { key: "why.allergic", ingredient: "cheese" },
      },
      {
        id: "discard:0",
        say: { key: "backpack.throw", item: { ingredients: ["dough"] } },
        ingredients: ["dough"],
      },
      { id: "start", say: { key: "act.start" } },
      {
        id: "difficulty:1",
        say: { key: "act.level", level: 1 },
      },
    ],
    orders: [{
      house: "12",
      stage: "waiting",
      ingredients: ["dough", "cheese"],
      baked: false,
      dueLeftMs: -4_000,
      hurryMs: 30_000,
      mine: true,
    }],
  });
  const parsed = parseHostMessage(
    JSON.parse(JSON.stringify({ t: "view", view: wire })),
  );
  assert.ok(parsed.ok && parsed.msg.t === "view");
  const view = parsed.msg.view;
  assert.deepEqual(view.actions, [
    {
      id: "buy",
      say: { key: "act.buy", ingredient: "cheese", price: 3 },
      ingredients: ["cheese"],
      disabled: { key: "why.allergic", ingredient: "cheese" },
    },
    {
      id: "discard:0",
      say: { key: "backpack.throw", item: { ingredients: ["dough"] } },
      ingredients: ["dough"],
    },
    { id: "start", say: { key: "act.start" } },
    {
      id: "difficulty:1",
      say: { key: "act.level", level: 1 },
    },
  ]);
  assert.deepEqual(view.orders, [{
    house: "12",
    stage: "waiting",
    ingredients: ["dough", "cheese"],
    baked: false,
    dueLeftMs: -4_000,
    hurryMs: 30_000,
    mine: true,
  }]);
  assert.equal(view.allergyExempt, "mixed");
  assert.equal(view.waiting, true);
  assert.equal(view.team, undefined, "no stats before game over");
  assert.equal(view.pausedFor, undefined, "not paused");
});

Deno.test("toWireView() names the players a paused round waits for", () => {
  const game = new HostGame({ seed: 5 });
  game.join("Ann");
  const engine = playerView(game.state, "Ann");
  assert.ok(engine);
  const wire = toWireView({ ...engine, phase: "paused", pausedFor: ["Bob"] });
  const parsed = parseHostMessage(
    JSON.parse(JSON.stringify({ t: "view", view: wire })),
  );
  assert.ok(parsed.ok && parsed.msg.t === "view");
  assert.deepEqual(parsed.msg.view.pausedFor, ["Bob"]);
});

Deno.test("HostGame at game over: the phone gets stars and the team's stats; a newcomer waits", () => {
  const game = new HostGame({ seed: 5, roundLengthMs: 2_000 });
  game.join("Ann");
  game.start();
  runUntil(game, () => game.state.phase === "over", 10_000);
  assert.equal(game.state.phase, "over");
  assert.equal(game.join("Cy"), "joined");
  const r = game.frame(16);
  const ann = viewsFor(r, "Ann")[0];
  assert.ok(ann && ann.message.t === "view");
  assert.ok(parseHostMessage(JSON.parse(JSON.stringify(ann.message))).ok);
  const outcome = ann.message.view.outcome;
  assert.ok(outcome);
  assert.equal(outcome.won, false, "no delivery is no win");
  assert.equal(outcome.stars, 0);
  assert.equal(outcome.reason, "nothing_delivered", "a code, not a sentence");
  assert.deepEqual(
    [outcome.delivered, outcome.players, outcome.need],
    [0, 1, 1],
  );
  assert.deepEqual(
    ann.message.view.team?.map((row) => [row.name, row.deliveries]),
    [["Ann", 0], ["Cy", 0]],
  );
  const cy = viewsFor(r, "Cy")[0];
  assert.ok(cy && cy.message.t === "view");
  assert.equal(cy.message.view.waiting, true);
  assert.ok(game.restart());
  game.frame(16);
  const again = playerView(game.state, "Cy");
  assert.equal(again?.waiting, false, "plays from the next round");
  assert.equal(again?.phase, "playing");
});

Deno.test("HostGame.join() takes a drop-in mid-round when drop-in is on (the default)", () => {
  const game = new HostGame({ seed: 5 });
  game.join("Ann");
  game.start();
  game.frame(16);
  assert.equal(game.join("Dee"), "joined");
  const r = game.frame(16);
  const dee = viewsFor(r, "Dee")[0];
  assert.ok(dee && dee.message.t === "view");
  assert.equal(dee.message.view.phase, "playing");
  assert.equal(dee.message.view.waiting, false);
});

Deno.test("HostGame.joiningOpen is open in the lobby and at game over, mid-round only with drop-in, never when full", () => {
  const on = new HostGame({ seed: 5, roundLengthMs: 2_000 });
  assert.equal(on.joiningOpen, true, "empty lobby");
  on.join("Ann");
  on.start();
  on.frame(16);
  assert.equal(on.joiningOpen, true, "drop-in on by default");
  runUntil(on, () => on.state.phase === "over", 10_000);
  assert.equal(on.joiningOpen, true, "game over");
  const off = new HostGame({ seed: 5, dropIn: false, roundLengthMs: 2_000 });
  off.join("Ann");
  assert.equal(off.joiningOpen, true);
  off.start();
  off.frame(16);
  assert.equal(off.joiningOpen, false, "drop-in off");
  runUntil(off, () => off.state.phase === "over", 10_000);
  assert.equal(off.joiningOpen, true, "game over opens it again");
  const full = new HostGame({ seed: 5 });
  full.join("Ann");
  full.fillWithBots(12);
  assert.equal(full.state.players.length, 12);
  assert.equal(full.joiningOpen, false);
});
