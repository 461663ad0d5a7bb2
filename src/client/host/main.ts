/**
 * Entry point of the host page: wires the signaling session, the peer hub,
 * the game ({@link HostGame} + the Phaser scenes in `game/`) and the lobby
 * together.
 *
 * @module
 */
/// <reference lib="dom" />
import type { PhoneMessage, ServerMessage } from "../../protocol/mod.ts";
import {
  type ClientConfig,
  fetchClientConfig,
} from "../../link/client_config.ts";
import { createPeer } from "../../link/peer_factory.ts";
import { socketUrlFor } from "../../link/signaling_socket.ts";
import { HostSession, type HostStatus } from "../../host/host_session.ts";
import type { HostSnapshot } from "../../host/host_snapshot.ts";
import { joinOrigin, joinUrl } from "../../host/join_link.ts";
import { type LobbyRow, LobbyView } from "./lobby_view.ts";
import type { GameSource, JoinInfo, LinkKind } from "./game/game_source.ts";
import {
  DEFAULT_BOT_FILL,
  type FrameResult,
  HostGame,
} from "../../host/host_game.ts";
import { startPizzaGame } from "./game/pizza_game.ts";
import { GameSaveStore } from "../../host/saved_game.ts";
import { type HubPlayer, PeerHub } from "../../host/peer_hub.ts";
import { phaseLine } from "../../host/phase_line.ts";
import { qrSvg } from "./qr_code.ts";

/** Query parameter: round length in seconds (e.g. `?round=30` for tests). */
export const ROUND_PARAM = "round";
/** Query parameter: seed of the first town (random when absent). */
export const SEED_PARAM = "seed";

const view = new LobbyView();
const params = new URLSearchParams(location.search);
let game = newGame();
const moveCounts = new Map<string, number>();
let joinInfo: JoinInfo | null = null;
let hub: PeerHub | null = null;
let session: HostSession | null = null;
let started = false;
/** The game survives a reload of this page (sessionStorage, per tab). */
const saves = new GameSaveStore({ storage: sessionStorage });
/** False until this page load has looked for a saved game of its room. */
let restoreChecked = false;
/** The sidebar's phase line as last shown. */
let shownPhase = "";

async function boot(): Promise<void> {
  view.showWelcome("Connecting to the game server…", true);
  let config: ClientConfig;
  try {
    config = await fetchClientConfig(location.origin);
  } catch {
    view.showWelcome("", false);
    view.showBanner(
      "error",
      "Cannot reach the game server. Check that it is running, then reload this page.",
    );
    return;
  }
  const hostSession = new HostSession({
    socketUrl: socketUrlFor(location.origin),
    storage: sessionStorage,
  });
  session = hostSession;
  const makeHub = (): PeerHub => {
    const peerHub = new PeerHub({
      sendSignal: (message) => hostSession.send(message),
      createPeer: () =>
        createPeer({ initiator: false, iceServers: config.iceServers }),
      relayAfterMs: config.relayAfterMs,
    });
    wireHub(peerHub);
    return peerHub;
  };
  hub = makeHub();
  const origin = joinOrigin(location.origin, config.lanOrigins);

  hostSession.on("status", (status) => {
    if (status.kind === "lost" || status.kind === "idle") {
      // The room is gone (or ended): so is its game.
      saves.discard();
      if (hub) {
        resetGame();
        hub = makeHub();
      }
    }
    onStatus(status, origin);
  });
  hostSession.on("message", (message) => {
    if (message.type === "confirmRoom" && !restoreChecked) {
      restoreSavedGame(message);
    }
    hub?.handleServerMessage(message);
    if (message.type === "gameStarted" && !started) {
      started = true;
      refresh();
    }
  });
  hostSession.on("error", (message) => view.showBanner("warn", message));

  view.onCreate(() => {
    // A new room: whatever game this tab saved belongs to an old one.
    saves.discard();
    restoreChecked = true;
    void hostSession.create();
  });
  view.onStart(startGame);
  view.onEnd(endGame);

  const gameParent = document.getElementById("game");
  if (gameParent) startPizzaGame(gameParent, gameSource);

  addEventListener("pagehide", () => saveGame(true));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") saveGame(true);
  });

  if (hostSession.hasSavedRoom) await hostSession.resume();
  else {
    saves.discard();
    view.showWelcome("", false);
  }
}

/**
 * After a reload that reclaimed the room: the saved round comes back, paused
 * until every phone is back in its own player. Players who left for good
 * meanwhile (not in the server's room any more) leave the game.
 */
function restoreSavedGame(
  message: Extract<ServerMessage, { type: "confirmRoom" }>,
): void {
  restoreChecked = true;
  const saved = saves.load(message.room);
  if (!saved) return;
  game = HostGame.restore(saved);
  moveCounts.clear();
  const inRoom = new Set(message.players.map((p) => p.clientUsername));
  for (const player of game.state.players) {
    if (!game.isBot(player.id) && !inRoom.has(player.id)) game.leave(player.id);
  }
  if (game.state.players.some((p) => !p.connected)) {
    view.showBanner(
      "info",
      "Game restored: waiting for the phones to reconnect…",
    );
  }
  refresh();
}

/** Saves the game of the open room (throttled unless `force`). */
function saveGame(force: boolean): void {
  if (!restoreChecked || !joinInfo) return;
  saves.save(game.state, joinInfo.room, force);
}

function wireHub(peerHub: PeerHub): void {
  peerHub.on("playerJoined", (name) => {
    // A known player comes back when its link is up (playerChanged).
    if (!game.state.players.some((p) => p.id === name)) game.join(name);
    refresh();
  });
  peerHub.on("playerRemoved", (name, reason) => {
    game.leave(name);
    moveCounts.delete(name);
    if (reason === "left") view.showBanner("info", `${name} left the game.`);
    refresh();
  });
  peerHub.on("playerChanged", (player) => onPlayerChanged(player));
  peerHub.on("message", (name, message) => onPhoneMessage(name, message));
  peerHub.on("p2pFailed", (name) =>
    view.showBanner(
      "warn",
      `${name}'s phone could not connect directly (the Wi-Fi may block it). ` +
        "Their moves now go through the server: a little slower, still fine.",
    ));
}

function onStatus(status: HostStatus, origin: string): void {
  switch (status.kind) {
    case "idle":
      view.showWelcome("", false);
      return;
    case "connecting":
      view.showWelcome("Creating your room…", true);
      return;
    case "open": {
      started = status.started;
      const link = joinUrl(origin, status.room);
      joinInfo = { room: status.room, url: link };
      view.showRoom(status.room, link, qrSvg(link));
      view.clearBanner();
      refresh();
      return;
    }
    case "reconnecting":
      view.showBanner(
        "error",
        `Lost the game server — reconnecting (try ${status.attempt})… Players stay connected.`,
      );
      return;
    case "lost":
      view.showWelcome("", false);
      view.showBanner("error", `Room lost: ${status.message}`);
      return;
    case "unreachable":
      view.showWelcome("", false);
      view.showBanner(
        "error",
        `${status.message} Check that the server is running and try again.`,
      );
      return;
  }
}

function onPlayerChanged(player: HubPlayer): void {
  if (player.state === "disconnected") game.setConnected(player.name, false);
  if (player.state === "p2p" || player.state === "relayed") {
    if (!game.state.players.some((p) => p.id === player.name)) {
      game.join(player.name);
    }
    game.setConnected(player.name, true);
  }
  refresh();
}

function onPhoneMessage(name: string, message: PhoneMessage): void {
  if (message.t === "move") {
    moveCounts.set(name, (moveCounts.get(name) ?? 0) + 1);
  }
  game.receive(name, message);
}

/** A game from the page's query (`?round=SECONDS&seed=N`). */
function newGame(): HostGame {
  const round = Number(params.get(ROUND_PARAM));
  const seed = Number(params.get(SEED_PARAM));
  return new HostGame({
    seed: Number.isSafeInteger(seed) && seed > 0
      ? seed
      : Math.floor(Math.random() * 2 ** 31),
    roundLengthMs: Number.isFinite(round) && round > 0
      ? round * 1000
      : undefined,
  });
}

/** The host's start (key, click): the engine starts; the server hears of it in the next frame. */
function startGame(): void {
  // The engine's phase, not `started`: after a host reload the room is
  // started on the server while this page's new game is in its lobby.
  if (game.state.phase !== "lobby" || session?.status.kind !== "open") return;
  if (game.state.players.length === 0) {
    view.showBanner("info", "Wait for at least one player to join.");
    return;
  }
  game.start();
}

/** Steps the game, sends each phone its messages, tells the server once the round is on. */
function frame(dtMs: number): FrameResult {
  const result = game.frame(dtMs);
  for (const { to, message } of result.outbox) hub?.send(to, message);
  if (
    game.state.phase !== "lobby" && !started && session?.status.kind === "open"
  ) {
    session.send({ action: "startGame" });
    started = true;
    refresh();
  }
  if (
    result.events.some((e) =>
      e.type === "world" &&
      (e.name === "player_joined" || e.name === "player_left")
    ) || phaseLine(game.state).text !== shownPhase
  ) {
    refresh();
  }
  saveGame(false);
  return result;
}

function linkOf(id: string): LinkKind {
  if (game.isBot(id)) return "bot";
  return hub?.player(id)?.state ?? "connecting";
}

const gameSource: GameSource = {
  get game() {
    return game;
  },
  frame,
  link: linkOf,
  joinInfo: () => joinInfo,
  start: startGame,
  restart: () => {
    if (game.state.phase === "over") game.restart();
  },
  fillBots: () => {
    // First press fills up to 4 players; each further press adds 4 more (max 12).
    game.fillWithBots(
      Math.max(DEFAULT_BOT_FILL, game.state.players.length + DEFAULT_BOT_FILL),
    );
    refresh();
  },
};

function endGame(): void {
  hub?.broadcast({ t: "bye", reason: "The host ended the game." });
  session?.end();
}

/** Forgets every player and closes their links (the room is gone). */
function resetGame(): void {
  game = newGame();
  moveCounts.clear();
  joinInfo = null;
  started = false;
  hub?.close();
  hub = null;
  refresh();
}

/** Lobby rows: the phones' players (bots show on the map only). */
function rows(): LobbyRow[] {
  const state = game.state;
  return state.players.filter((p) => !game.isBot(p.id)).map((player) => {
    const peer = hub?.player(player.id);
    return {
      name: player.name,
      color: player.color,
      vip: player.id === state.vipId,
      state: peer?.state ?? "connecting",
      rttMs: peer?.rttMs ?? null,
    };
  });
}

function refresh(): void {
  view.renderPlayers(rows());
  const line = phaseLine(game.state);
  shownPhase = line.text;
  view.setPhase(line, game.state.players.length);
}

globalThis.pizzaHost = {
  snapshot(): HostSnapshot {
    const status = session?.status ?? { kind: "idle" };
    const byName = new Map(rows().map((row) => [row.name, row]));
    return {
      status: status.kind,
      room: status.kind === "open" ? status.room : null,
      started,
      players: game.state.players.filter((p) => !game.isBot(p.id)).map((
        player,
      ) => ({
        ...(byName.get(player.name) as LobbyRow),
        input: { x: player.stickX, y: player.stickY },
        moves: moveCounts.get(player.id) ?? 0,
        pos: { x: player.x, y: player.y },
      })),
    };
  },
};

void boot();
