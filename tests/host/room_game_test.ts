import assert from "node:assert/strict";
import { HostGame } from "../../src/host/host_game.ts";
import type { HostStatus } from "../../src/host/host_session.ts";
import type { HubPlayer } from "../../src/host/peer_hub.ts";
import { type PeerLinks, RoomGame } from "../../src/host/room_game.ts";
import { GameSaveStore } from "../../src/host/saved_game.ts";
import type { HostMessage } from "../../src/protocol/mod.ts";

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

/** Links that record what was sent and report the states given. */
class FakeLinks implements PeerLinks {
  sent: { to: string; message: HostMessage }[] = [];
  players = new Map<string, HubPlayer>();
  player(name: string): HubPlayer | undefined {
    return this.players.get(name);
  }
  send(name: string, message: HostMessage): boolean {
    this.sent.push({ to: name, message });
    return true;
  }
  up(name: string): HubPlayer {
    const player: HubPlayer = {
      name,
      state: "p2p",
      rttMs: 12,
      p2pError: null,
    };
    this.players.set(name, player);
    return player;
  }
}

/** A signaling session stand-in: a status and the actions sent. */
class FakeSignal {
  status: HostStatus = { kind: "open", room: "ABCD", started: false };
  actions: string[] = [];
  send(message: { action: "startGame" }): void {
    this.actions.push(message.action);
  }
}

function setup(storage = memoryStorage()) {
  let changes = 0;
  const room = new RoomGame({
    newGame: () => new HostGame({ seed: 7 }),
    saves: new GameSaveStore({ storage, intervalMs: 0 }),
    onChange: () => changes++,
  });
  const links = new FakeLinks();
  const signal = new FakeSignal();
  room.links = links;
  room.signal = signal;
  return { room, links, signal, storage, changes: () => changes };
}

Deno.test("RoomGame.start() refuses without an open room or players, then starts the engine", () => {
  const { room, signal } = setup();
  signal.status = { kind: "connecting" };
  room.playerJoined("Ann");
  assert.equal(room.start(), "no room");
  signal.status = { kind: "open", room: "ABCD", started: false };
  room.playerRemoved("Ann");
  assert.equal(room.start(), "no players");
  room.playerJoined("Ann");
  assert.equal(room.start(), "started");
  assert.equal(room.game.state.phase, "playing");
  assert.equal(room.start(), "not in lobby");
});

Deno.test("RoomGame.frame() sends the outbox to the phones and tells the server once the round is on", () => {
  const { room, links, signal } = setup();
  room.roomOpen({ room: "ABCD", url: "http://x/play/?room=ABCD" }, false);
  room.playerJoined("Ann");
  room.frame(16);
  assert.ok(links.sent.some((s) => s.to === "Ann" && s.message.t === "view"));
  assert.deepEqual(signal.actions, []);
  assert.equal(room.start(), "started");
  room.frame(16);
  room.frame(16);
  assert.deepEqual(signal.actions, ["startGame"], "told once");
  assert.equal(room.started, true);
});

Deno.test("RoomGame.nextDifficulty() steps through the levels in the lobby and at game over, never mid-round", () => {
  const { room } = setup();
  room.playerJoined("Ann");
  assert.equal(room.game.state.difficulty, 0);
  assert.deepEqual(
    [1, 2, 3, 4].map(() => room.nextDifficulty()),
    [1, 2, 3, 0],
    "after Master Chef comes Amateur again",
  );
  room.nextDifficulty();
  assert.equal(room.game.state.difficulty, 1);
  assert.equal(room.start(), "started");
  room.frame(16);
  assert.equal(room.nextDifficulty(), null, "refused mid-round");
  assert.equal(room.game.state.difficulty, 1);
});

Deno.test("RoomGame.fillBots() adds 4 bots per press", () => {
  const { room } = setup();
  room.playerJoined("Ann");
  room.fillBots();
  assert.equal(room.game.state.players.length, 5);
  room.fillBots();
  assert.equal(room.game.state.players.length, 9);
  assert.equal(room.link(room.game.botIds[0]), "bot");
  const rows = room.rows();
  assert.equal(rows.length, 9, "bots listed too");
  assert.equal(rows[0].name, "Ann");
  assert.deepEqual(
    new Set(rows.slice(1).map((r) => r.state)),
    new Set(["bot"]),
  );
});

Deno.test("RoomGame.playerChanged() attaches a player while its link is up and detaches it when it drops", () => {
  const { room, links } = setup();
  const ann = links.up("Ann");
  room.playerChanged(ann);
  assert.equal(room.game.state.players[0].connected, true);
  assert.equal(room.link("Ann"), "p2p");
  assert.deepEqual(room.rows()[0], {
    name: "Ann",
    color: room.game.state.players[0].color,
    vip: true,
    state: "p2p",
    rttMs: 12,
  });
  room.playerChanged({ ...ann, state: "disconnected" });
  assert.equal(room.game.state.players[0].connected, false);
});

Deno.test("RoomGame.phoneMessage() counts joystick moves and passes them to the game", () => {
  const { room } = setup();
  room.playerJoined("Ann");
  room.phoneMessage("Ann", { t: "move", x: 1, y: 0 });
  room.phoneMessage("Ann", { t: "move", x: 0, y: 1 });
  assert.equal(room.movesOf("Ann"), 2);
  room.frame(16);
  assert.equal(room.game.state.players[0].stickY, 1);
  room.playerRemoved("Ann");
  assert.equal(room.movesOf("Ann"), 0);
});

Deno.test("RoomGame restores the saved round of a reclaimed room once per page load, dropping players who left", () => {
  const storage = memoryStorage();
  const first = setup(storage);
  first.room.createRoom();
  first.room.roomOpen({ room: "ABCD", url: "u" }, false);
  first.room.playerJoined("Ann");
  first.room.playerJoined("Bob");
  first.room.playerChanged(first.links.up("Ann"));
  first.room.playerChanged(first.links.up("Bob"));
  assert.equal(first.room.start(), "started");
  first.room.frame(500);
  first.room.save(true);

  // The page reloads: a new RoomGame over the same storage.
  const second = setup(storage);
  const confirm = {
    type: "confirmRoom" as const,
    room: "ABCD",
    hostToken: "t",
    hostGraceMs: 1000,
    players: [{ clientUsername: "Ann", connected: true }],
    started: true,
    joiningOpen: false,
  };
  assert.equal(second.room.serverMessage(confirm), "waiting for phones");
  const ids = second.room.game.state.players.map((p) => p.id);
  assert.deepEqual(ids, ["Ann"], "Bob left while the host was away");
  assert.equal(second.room.game.state.phase, "playing");
  assert.equal(
    second.room.serverMessage(confirm),
    undefined,
    "only the first confirmRoom restores",
  );
});

Deno.test("RoomGame.createRoom() keeps other rooms' saves, resumeRoom() restores one, and reset() forgets the game", () => {
  const storage = memoryStorage();
  const first = setup(storage);
  first.room.createRoom();
  first.room.roomOpen({ room: "ABCD", url: "u" }, false);
  first.room.playerJoined("Ann");
  first.room.save(true);
  assert.equal(storage.data.size, 1);
  // A new tab: the closed tab's room may still be resumed.
  const second = setup(storage);
  second.room.createRoom();
  assert.equal(storage.data.size, 1, "ABCD's save stays");
  const third = setup(storage);
  third.room.createRoom();
  third.room.resumeRoom();
  assert.equal(
    third.room.serverMessage({
      type: "confirmRoom",
      room: "ABCD",
      hostToken: "t",
      hostGraceMs: 1000,
      players: [{ clientUsername: "Ann", connected: false }],
      started: false,
      joiningOpen: true,
    }),
    "waiting for phones",
  );
  third.room.roomOpen({ room: "ABCD", url: "u" }, false);
  third.room.reset();
  assert.equal(storage.data.size, 0, "the ended room's save goes");
  second.room.playerJoined("Cy");
  second.room.roomOpen({ room: "WXYZ", url: "u" }, true);
  assert.equal(second.room.started, true);
  const changesBefore = second.changes();
  second.room.reset();
  assert.equal(second.room.game.state.players.length, 0);
  assert.equal(second.room.joinInfo, null);
  assert.equal(second.room.started, false);
  assert.ok(second.changes() > changesBefore, "the lobby redraws");
});
