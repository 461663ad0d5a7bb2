import assert from "node:assert/strict";
import { HostGame } from "../../src/host/host_game.ts";
import {
  GameSaveStore,
  parseSavedGame,
  SAVED_GAME_KEY,
  SAVED_GAME_VERSION,
  type SavedGame,
  savedGameKey,
  savedGameOf,
} from "../../src/host/saved_game.ts";
import type { GameState } from "../../src/game/mod.ts";

/** An in-memory Storage. */
function memoryStorage() {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
    removeItem: (key: string) => void data.delete(key),
  };
}

/** A round in progress: 2 phones + 2 bots, items bought, an order open. */
function midRound(): HostGame {
  const game = new HostGame({ seed: 21, roundLengthMs: 120_000 });
  game.join("Ann");
  game.join("Bob");
  game.setDifficulty(1); // allergies
  game.fillWithBots(4);
  assert.ok(game.start());
  for (let t = 0; t < 20_000; t += 50) {
    game.frame(50);
    if (game.state.orders.length > 0 && t > 8_000) break;
  }
  assert.equal(game.state.phase, "playing");
  return game;
}

function saveText(state: GameState, room = "ABCD"): string {
  return JSON.stringify(savedGameOf(state, room, 1_000));
}

Deno.test("parseSavedGame() round-trips a running game through JSON, town regenerated from its seed", () => {
  const game = midRound();
  const text = saveText(game.state);
  assert.ok(!text.includes('"tiles"'), "the town is not saved");
  const restored = parseSavedGame(text, "ABCD");
  assert.ok(restored);
  assert.deepEqual(restored.state, game.state);
  assert.equal(restored.savedAtMs, 1_000);
});

Deno.test("HostGame.restore() pauses the round with every phone away and takes each back into the same player", () => {
  const game = midRound();
  const before = structuredClone(game.state);
  const ann = before.players.find((p) => p.id === "Ann")!;
  const restored = HostGame.restore(parseSavedGame(saveText(before), "ABCD")!);
  const s = restored.state;
  assert.equal(s.phase, "playing");
  assert.equal(s.paused, true);
  assert.deepEqual(
    s.players.filter((p) => !p.connected).map((p) => p.id),
    ["Ann", "Bob"],
  );
  assert.ok(
    s.players.filter((p) => restored.isBot(p.id)).every((p) => p.connected),
  );
  assert.deepEqual(restored.botIds, game.botIds);
  // Frozen while paused: no time passes, no deadline fires, bots stand still.
  restored.frame(100);
  restored.frame(5_000);
  assert.equal(restored.state.clockMs, before.clockMs);
  assert.equal(restored.state.timeLeftMs, before.timeLeftMs);
  assert.deepEqual(restored.state.orders, before.orders);
  assert.equal(restored.state.money, before.money);
  // Nothing is sent to phones that are not back.
  assert.equal(restored.frame(16).outbox.length, 0);
  // Ann comes back as Ann; the round waits for Bob.
  assert.equal(restored.join("Ann"), "reconnected");
  const r = restored.frame(16);
  const view = r.outbox.find((o) => o.to === "Ann" && o.message.t === "view");
  assert.ok(view && view.message.t === "view");
  assert.equal(view.message.view.vip, true);
  assert.equal(view.message.view.money, before.money);
  const annNow = restored.state.players.find((p) => p.id === "Ann")!;
  assert.deepEqual(annNow.backpack, ann.backpack);
  assert.equal(annNow.allergyMask, ann.allergyMask);
  assert.equal(restored.state.paused, true);
  restored.setConnected("Bob", true);
  restored.frame(16);
  assert.equal(restored.state.paused, false);
  restored.frame(1_000);
  assert.ok(restored.state.clockMs > before.clockMs, "the clock runs again");
  // Bots play on with rebuilt memory, to the end of the round.
  for (let t = 0; t < 200_000 && restored.state.phase === "playing"; t += 50) {
    restored.frame(50);
  }
  assert.equal(restored.state.phase, "over");
});

Deno.test("parseSavedGame() ignores corrupt, foreign, old-version and inconsistent saves", () => {
  const state = midRound().state;
  const good = savedGameOf(state, "ABCD", 0);
  const bad = (change: (save: SavedGame) => void): string => {
    const copy = structuredClone(good);
    change(copy);
    return JSON.stringify(copy);
  };
  /** Sets a field the types would not allow (a corrupt save). */
  const put = (target: object, key: string, value: unknown) =>
    void Reflect.set(target, key, value);
  const cases: Array<[string, string | null]> = [
    ["nothing", null],
    ["not JSON", "{nope"],
    ["not an object", "42"],
    ["another room", JSON.stringify(savedGameOf(state, "WXYZ", 0))],
    [
      "another version",
      bad((s) => put(s, "version", SAVED_GAME_VERSION + 1)),
    ],
    ["no format tag", bad((s) => Reflect.deleteProperty(s, "format"))],
    ["engine version", bad((s) => put(s.state, "version", 2))],
    ["money as text", bad((s) => put(s.state, "money", "12"))],
    ["NaN clock", bad((s) => put(s.state, "clockMs", null))],
    ["unknown phase", bad((s) => put(s.state, "phase", "paused"))],
    [
      "4 items in a backpack",
      bad((s) => {
        const p = s.state.players[0];
        p.backpack = [0, 1, 2, 3].map(() => ({
          mask: 1,
          heat: 0,
          burned: false,
        }));
      }),
    ],
    [
      "bad item mask",
      bad((s) => {
        s.state.stations[0].item = { mask: 99, heat: 0, burned: false };
      }),
    ],
    ["duplicate player", bad((s) => s.state.players.push(s.state.players[0]))],
    ["unknown VIP", bad((s) => s.state.vipId = "Zed")],
    ["missing station", bad((s) => s.state.stations.pop())],
    ["town of another seed", bad((s) => s.townSeed = s.townSeed + 1)],
    ["another town generator", bad((s) => s.townHash = s.townHash ^ 1)],
    [
      "order at no house",
      bad((s) => {
        s.state.orders.push({ ...s.state.orders[0], id: 999, houseId: 999 });
        s.state.nextOrderId = 1000;
      }),
    ],
    ["unsorted timeline", bad((s) => s.state.timeline.reverse())],
    ["time left not the clock's", bad((s) => s.state.timeLeftMs += 5_000)],
    ["driver not in the car", bad((s) => s.state.vehicles[0].driverId = "Ann")],
    ["over without outcome", bad((s) => s.state.phase = "over")],
  ];
  assert.ok(state.timeline.length >= 2, "the test needs a timeline");
  assert.ok(state.orders.length >= 1, "the test needs an order");
  for (const [what, text] of cases) {
    assert.equal(parseSavedGame(text, "ABCD"), null, what);
  }
  assert.ok(parseSavedGame(JSON.stringify(good), "ABCD"), "the good one");
});

Deno.test("GameSaveStore throttles saves, forces on request, and removes a save that fails its checks", () => {
  const storage = memoryStorage();
  let now = 10_000;
  const store = new GameSaveStore({ storage, now: () => now });
  const game = midRound();
  assert.equal(store.save(game.state, "ABCD"), true);
  game.frame(50);
  now += 500;
  assert.equal(store.save(game.state, "ABCD"), false, "at most once a second");
  assert.equal(store.save(game.state, "ABCD", true), true, "pagehide forces");
  now += 1_000;
  assert.equal(store.save(game.state, "ABCD"), true);
  assert.equal(store.load("ABCD")?.state.clockMs, game.state.clockMs);
  assert.equal(store.load("WXYZ"), null, "another room has no save");
  assert.equal(storage.data.has(savedGameKey("ABCD")), true, "kept");
  // A save under another room's key names ABCD: refused and removed.
  storage.setItem(savedGameKey("WXYZ"), storage.getItem(savedGameKey("ABCD"))!);
  assert.equal(store.load("WXYZ"), null);
  assert.equal(storage.data.has(savedGameKey("WXYZ")), false);
  storage.setItem(savedGameKey("ABCD"), '{"format":"pizza-peers-game"');
  assert.equal(store.load("ABCD"), null);
  assert.equal(storage.data.has(savedGameKey("ABCD")), false);
  store.save(game.state, "ABCD", true);
  store.discard("ABCD");
  assert.equal(store.load("ABCD"), null);
  // Storage that throws (private mode, quota) is survived.
  const broken = new GameSaveStore({
    storage: {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("quota");
      },
      removeItem: () => {
        throw new Error("denied");
      },
    },
  });
  assert.equal(broken.save(game.state, "ABCD"), false);
  assert.equal(broken.load("ABCD"), null);
  broken.discard("ABCD");
  assert.deepEqual(broken.prune(new Set()), []);
  assert.throws(
    () => new GameSaveStore({ storage, intervalMs: -1 }),
    RangeError,
  );
});

Deno.test("GameSaveStore keeps one save per room and prunes the saves of rooms that cannot be resumed", () => {
  const data = new Map<string, string>();
  const storage = {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
    key: (i: number) => [...data.keys()][i] ?? null,
    get length() {
      return data.size;
    },
  };
  const store = new GameSaveStore({ storage, intervalMs: 0 });
  const game = midRound();
  for (const room of ["AAAA", "BBBB", "CCCC"]) store.save(game.state, room);
  data.set("pizza-peers-name", "Ann");
  assert.equal(store.load("BBBB")?.room, "BBBB");
  assert.deepEqual(store.prune(new Set(["BBBB"])).sort(), ["AAAA", "CCCC"]);
  assert.deepEqual([...data.keys()].sort(), [
    savedGameKey("BBBB"),
    "pizza-peers-name",
  ]);
  assert.ok(SAVED_GAME_KEY.length > 0);
});
