import assert from "node:assert/strict";
import {
  createGame,
  disconnectPlayer,
  joinPlayer,
  leavePlayer,
  reconnectPlayer,
  setDropIn,
  startGame,
} from "../../src/game/engine.ts";
import {
  allergyBlock,
  cleanName,
  dealAllergies,
} from "../../src/game/players.ts";
import { MAX_PLAYERS } from "../../src/game/constants.ts";
import { playerView } from "../../src/game/view.ts";
import { edit, lobby, player, started } from "./_util.ts";

Deno.test("joinPlayer() shows the player at once with name and colour; the first is VIP", () => {
  const r = joinPlayer(createGame({ seed: 3 }), { id: "a", name: "  Ann  " });
  assert.equal(r.error, undefined);
  const a = player(r.state, "a");
  assert.equal(a.name, "Ann");
  assert.match(a.color, /^#[0-9a-f]{6}$/);
  assert.ok(Number.isFinite(a.x) && Number.isFinite(a.y));
  assert.equal(r.state.vipId, "a");
  assert.ok(
    r.events.some((e) => e.type === "world" && e.name === "player_joined"),
  );
  const r2 = joinPlayer(r.state, { id: "b", name: "Bob" });
  assert.equal(r2.state.vipId, "a");
  assert.notEqual(player(r2.state, "b").color, a.color);
});

Deno.test("joinPlayer() caps the game at 12 players (regression: no player cap)", () => {
  let s = lobby({ players: MAX_PLAYERS });
  assert.equal(s.players.length, 12);
  assert.equal(new Set(s.players.map((p) => p.color)).size, 12);
  const r = joinPlayer(s, { id: "late", name: "Late" });
  assert.equal(r.error, "room_full");
  assert.equal(r.state, s);
  s = leavePlayer(s, "p3").state;
  assert.equal(joinPlayer(s, { id: "late", name: "Late" }).error, undefined);
});

Deno.test("joinPlayer() refuses duplicate ids, and mid-round joins when drop-in is off", () => {
  const s = lobby({ players: 1 });
  assert.equal(
    joinPlayer(s, { id: "p0", name: "again" }).error,
    "duplicate_id",
  );
  const playing = startGame(s).state;
  assert.equal(
    joinPlayer(playing, { id: "new", name: "New" }).error,
    undefined,
  );
  const closed = setDropIn(playing, false).state;
  const r = joinPlayer(closed, { id: "new", name: "New" });
  assert.equal(r.error, "drop_in_off");
  assert.equal(r.state, closed);
});

Deno.test("cleanName() trims, strips control characters, caps 20 characters, falls back", () => {
  assert.equal(cleanName("a\u0000b\nc", "x"), "abc");
  assert.equal(cleanName("x".repeat(30), "y").length, 20);
  assert.equal(cleanName("   ", "Player 3"), "Player 3");
  assert.equal(cleanName(42, "Player 1"), "Player 1");
});

Deno.test("leavePlayer() removes for good and passes the VIP role on", () => {
  const s = leavePlayer(lobby({ players: 3 }), "p0").state;
  assert.equal(s.players.length, 2);
  assert.equal(s.vipId, "p1");
  assert.equal(leavePlayer(s, "nobody").error, "unknown_player");
});

Deno.test("leavePlayer() of everyone during a round ends it", () => {
  let s = started({ players: 2 });
  s = leavePlayer(s, "p0").state;
  s = leavePlayer(s, "p1").state;
  assert.equal(s.phase, "over");
  assert.equal(s.outcome?.reason, "everyone_left");
});

Deno.test("disconnectPlayer() pauses; reconnectPlayer() restores the SAME player with backpack, allergies and VIP (regression)", () => {
  let s = started({ players: 3, difficulty: 1 });
  s = edit(s, (d) => {
    player(d, "p0").backpack.push({ mask: 1, heat: 0.5, burned: false });
  });
  const before = player(s, "p0");
  assert.ok(before.allergyMask !== 0);
  s = disconnectPlayer(s, "p0").state;
  assert.equal(s.paused, true);
  assert.equal(playerView(s, "p1")?.phase, "paused");
  const r = reconnectPlayer(s, "p0");
  assert.equal(r.error, undefined);
  s = r.state;
  assert.equal(s.paused, false);
  const after = player(s, "p0");
  assert.deepEqual(after.backpack, before.backpack);
  assert.equal(after.allergyMask, before.allergyMask);
  assert.equal(s.vipId, "p0");
  assert.equal(playerView(s, "p0")?.vip, true);
  assert.deepEqual(
    playerView(s, "p0")?.allergies.length,
    before.allergyMask.toString(2).split("1").length - 1,
  );
  assert.equal(reconnectPlayer(s, "p0").error, "already_connected");
  assert.equal(reconnectPlayer(s, "zz").error, "unknown_player");
});

Deno.test("the round stays paused until EVERY disconnected player is back", () => {
  let s = started({ players: 3 });
  s = disconnectPlayer(s, "p0").state;
  s = disconnectPlayer(s, "p1").state;
  s = reconnectPlayer(s, "p0").state;
  assert.equal(s.paused, true);
  s = reconnectPlayer(s, "p1").state;
  assert.equal(s.paused, false);
});

Deno.test("dealAllergies() deals the 5 ingredients round-robin from Cook with 2+ players", () => {
  for (let n = 1; n <= 12; n++) {
    for (const difficulty of [0, 1, 3] as const) {
      const s = edit(
        lobby({ players: n, difficulty }),
        (d) => dealAllergies(d),
      );
      const masks = s.players.map((p) => p.allergyMask);
      if (difficulty === 0 || n < 2) {
        assert.ok(masks.every((m) => m === 0));
        continue;
      }
      assert.ok(masks.every((m) => m !== 0), "everyone has at least one");
      assert.equal(
        masks.reduce((a, b) => a | b, 0),
        31,
        "every ingredient dealt",
      );
      if (n <= 5) {
        assert.equal(
          masks.reduce((a, b) => a + b, 0),
          31,
          "each ingredient once",
        );
      }
    }
  }
});

Deno.test("allergyBlock() exempts combined items with 3 or fewer players, only the full pizza with more", () => {
  const p = started({ players: 2 }).players[0];
  const allergic = { ...p, allergyMask: 4 }; // cheese
  assert.equal(allergyBlock(allergic, 4, 3), "cheese");
  assert.equal(allergyBlock(allergic, 2, 3), null);
  assert.equal(allergyBlock(allergic, 1 | 4, 3), null);
  assert.equal(allergyBlock(allergic, 1 | 4, 4), "cheese");
  assert.equal(allergyBlock(allergic, 31, 4), null);
});
