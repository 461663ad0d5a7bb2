import assert from "node:assert/strict";
import { disconnectPlayer, step } from "../../src/game/engine.ts";
import { trySpawnOrder } from "../../src/game/orders.ts";
import {
  houseStatuses,
  hud,
  playerView,
  sameView,
} from "../../src/game/view.ts";
import { edit, lobby, player, started, wait } from "./_util.ts";

Deno.test("playerView() has everything the phone shows, as plain JSON", () => {
  let s = started({ players: 2, difficulty: 1 });
  s = edit(
    s,
    (d) =>
      player(d, "p0").backpack.push({ mask: 5, heat: 0.8123, burned: false }),
  );
  const v = playerView(s, "p0");
  assert.ok(v);
  assert.deepEqual(JSON.parse(JSON.stringify(v)), v);
  assert.equal(v.name, "Player 0");
  assert.match(v.color, /^#[0-9a-f]{6}$/);
  assert.equal(v.vip, true);
  assert.equal(v.phase, "playing");
  assert.equal(v.difficulty, 1);
  assert.deepEqual(v.difficultyNames, [
    "Amateur",
    "Cook",
    "Chef",
    "Master Chef",
  ]);
  assert.equal(v.money, 35);
  assert.equal(v.timeLeftMs, 360_000);
  assert.equal(v.strikes, 0);
  assert.deepEqual(v.backpack, [{
    ingredients: ["dough", "cheese"],
    label: "baked dough + cheese",
    heat: 0.8,
    baked: true,
    burned: false,
  }]);
  assert.ok(v.allergies.length >= 1);
  assert.equal(v.outcome, null);
  assert.equal(playerView(s, "nobody"), null);
  assert.equal(playerView(s, "p1")?.vip, false);
});

Deno.test("playerView() changes only when something visible changes (time in whole seconds)", () => {
  let s = edit(started({ players: 1 }), (d) => (d.timeline = []));
  s = wait(s, 300).state;
  const a = playerView(s, "p0");
  const b = playerView(step(s, [], 100).state, "p0");
  assert.ok(sameView(a, b));
  assert.equal(a?.timeLeftMs, 360_000);
  const c = playerView(wait(s, 1_000).state, "p0");
  assert.equal(sameView(a, c), false);
  assert.equal(c?.timeLeftMs, 359_000);
});

Deno.test("playerView() phase: lobby, paused, over with the outcome and VIP restart", () => {
  assert.equal(playerView(lobby(), "p0")?.phase, "lobby");
  const paused = disconnectPlayer(started(), "p1").state;
  assert.equal(playerView(paused, "p0")?.phase, "paused");
  const over = wait(
    edit(started({ roundLengthMs: 500 }), (d) => {
      d.timeline = [];
      d.delivered = 1;
    }),
    500,
  ).state;
  const v = playerView(over, "p0");
  assert.equal(v?.phase, "over");
  assert.deepEqual(v?.outcome?.won, true);
  assert.equal(v?.actions[0].id, "restart");
  assert.deepEqual(playerView(over, "p1")?.actions, []);
});

Deno.test("houseStatuses() shows ordering / waiting with the wanted pizza and deadline progress", () => {
  let s = edit(started({ players: 2, difficulty: 2 }), (d) => {
    d.timeline = [];
    trySpawnOrder(d, [], 0);
  });
  const o = s.orders[0];
  let st = houseStatuses(s);
  assert.equal(st.length, s.town.houses.length);
  assert.equal(st.filter((h) => h.stage !== "none").length, 1);
  let h = st[o.houseId];
  assert.equal(h.stage, "ordering");
  assert.deepEqual(h.wanted, []);
  assert.equal(h.progress, 0);
  assert.equal(h.hourglass, false);
  s = edit(
    s,
    (d) => (d.timeline = d.timeline.filter((e) => e.kind !== "deadline")),
  );
  s = wait(s, 31_000).state;
  st = houseStatuses(s);
  h = st[o.houseId];
  assert.ok(h.progress > 0.68 && h.progress < 0.7);
  assert.equal(h.hourglass, true);
  s = edit(s, (d) => (d.orders[0].stage = "waiting"));
  assert.deepEqual(houseStatuses(s)[o.houseId].wanted.includes("dough"), true);
});

Deno.test("hud() gives the host's always-visible numbers", () => {
  const s = started({ players: 3 });
  assert.deepEqual(hud(s), {
    phase: "playing",
    timeLeftMs: 360_000,
    money: 40,
    strikes: 0,
    maxStrikes: 3,
    delivered: 0,
    difficultyName: "Amateur",
    outcome: null,
    team: [],
  });
});

Deno.test("playerView() lists the orders this player may carry, the one it took first, with a due time that stays put", () => {
  let s = started({ players: 4, difficulty: 2 });
  // p0 is allergic to cheese: 4 players, so only the full pizza is exempt
  s = edit(s, (d) => {
    player(d, "p0").allergyMask = 0b00100;
    player(d, "p1").allergyMask = 0;
    d.orders = [
      {
        id: 1,
        houseId: 4,
        mask: 0b00101,
        needsBaking: true,
        stage: "waiting",
        startedMs: 0,
        deadlineMs: 100_000,
        warningMs: 30_000,
        takenBy: "p1",
      },
      {
        id: 2,
        houseId: 9,
        mask: 0b00011,
        needsBaking: true,
        stage: "waiting",
        startedMs: 0,
        deadlineMs: 120_000,
        warningMs: 30_000,
        takenBy: "p0",
      },
      {
        id: 3,
        houseId: 2,
        mask: 0b00001,
        needsBaking: false,
        stage: "ordering",
        startedMs: 0,
        deadlineMs: 45_000,
        warningMs: 15_000,
        takenBy: null,
      },
    ];
  });
  const v = playerView(s, "p0")!;
  assert.deepEqual(v.orders, [
    {
      house: "10",
      stage: "waiting",
      ingredients: ["dough", "tomato"],
      baked: true,
      dueLeftMs: s.roundLengthMs - 120_000,
      hurryMs: 30_000,
      mine: true,
    },
    {
      house: "3",
      stage: "ordering",
      ingredients: [],
      baked: false,
      dueLeftMs: s.roundLengthMs - 45_000,
      hurryMs: 15_000,
      mine: false,
    },
  ]);
  assert.equal(playerView(s, "p1")!.orders.length, 3);
  // the clock runs: the due times do not change, so no view is sent for them
  const later = edit(s, (d) => {
    d.clockMs += 5_000;
    d.timeLeftMs -= 5_000;
  });
  assert.deepEqual(playerView(later, "p0")!.orders, v.orders);
  assert.deepEqual(playerView(lobby(), "p0")!.orders, []);
});
