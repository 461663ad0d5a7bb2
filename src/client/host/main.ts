/**
 * Entry point of the host page: wiring only. The signaling session, the peer
 * hub and the room's game ({@link RoomGame}, which holds the state and the
 * policy) meet the lobby view and the Phaser scenes in `game/` here.
 *
 * @module
 */
/// <reference lib="dom" />
import {
  type ClientConfig,
  fetchClientConfig,
} from "../../link/client_config.ts";
import { createPeer } from "../../link/peer_factory.ts";
import { socketUrlFor } from "../../link/signaling_socket.ts";
import { HostSession, type HostStatus } from "../../host/host_session.ts";
import { HostRoomStore } from "../../host/host_rooms.ts";
import { RoomLock } from "./room_lock.ts";
import type { HostSnapshot } from "../../host/host_snapshot.ts";
import { joinOrigin, joinUrl } from "../../host/join_link.ts";
import { LobbyView } from "./lobby_view.ts";
import type { GameSource } from "./game/game_source.ts";
import { HostGame } from "../../host/host_game.ts";
import { startPizzaGame } from "./game/pizza_game.ts";
import { GameSaveStore } from "../../host/saved_game.ts";
import { PeerHub } from "../../host/peer_hub.ts";
import { phaseLine } from "../../host/phase_line.ts";
import { RoomGame } from "../../host/room_game.ts";
import { qrSvg } from "./qr_code.ts";
import { JoiningPolicy } from "../../host/joining_policy.ts";
import { orderRows } from "../../host/order_rows.ts";
import { OrderListView } from "./order_list_view.ts";
import { AudiencePanel } from "./audience_panel.ts";
import { bindLargeTextSwitch } from "./large_text.ts";
import { tvWords } from "./tv_words.ts";
import {
  loadTranslator,
  rememberLanguage,
  startLanguage,
  translatePage,
} from "../shared/page_words.ts";
import "../shared/build_flags.ts";

/** Query parameter: round length in seconds (e.g. `?round=30` for tests). */
export const ROUND_PARAM = "round";
/** Query parameter: seed of the first town (random when absent). */
export const SEED_PARAM = "seed";
/** Query parameter: seconds between the audience's votes (tests; default 60). */
export const VOTE_PARAM = "vote";

const view = new LobbyView();
const orderList = new OrderListView();
const audiencePanel = new AudiencePanel();
bindLargeTextSwitch();
/**
 * Whether friends may join now (lobby, game over, mid-round with drop-in).
 * The page shows the QR code only while open; the signaling action and the
 * engine's drop-in setting follow `joining.onChange` (see src/host/joining_policy.ts).
 */
const joining = new JoiningPolicy();
joining.onChange(({ open, dropIn }) => {
  view.setJoining(open, dropIn);
  // The engine follows the toggle; the next frame tells the server.
  room.game.setDropIn(dropIn);
});
view.onDropIn((on) => joining.setDropIn(on));
const params = new URLSearchParams(location.search);
/** The host token: this tab's for a reload, every room's for a new tab. */
const rooms = new HostRoomStore({
  session: sessionStorage,
  local: localStorage,
});
/** The game survives a reload, or the tab's closing (localStorage, per room). */
const saves = new GameSaveStore({ storage: localStorage });
const room = new RoomGame({ newGame, saves, onChange: refresh });
/** The open room's Web Lock: other tabs do not offer to resume it. */
const lock = new RoomLock();
let hub: PeerHub | null = null;
let session: HostSession | null = null;

/** `localStorage` key of the TV's language (its own, not the phones'). */
const TV_LANGUAGE_KEY = "pizza-peers:tv-language";

/** Loads the TV's words in `lang` and writes them into the page. */
async function useLanguage(lang: string): Promise<void> {
  tvWords.use(await loadTranslator(lang, "tv/"));
  translatePage(tvWords.translator, lang);
  view.refreshWords();
  document.querySelector("#qr svg")?.setAttribute(
    "aria-label",
    tvWords.t("room.qr_label"),
  );
  orderList.refreshWords();
  audiencePanel.refreshWords();
  refresh();
  const select = document.getElementById("lang-select") as HTMLSelectElement;
  if ([...select.options].some((o) => o.value === lang)) select.value = lang;
}

document.getElementById("lang-select")!.addEventListener("change", (event) => {
  const lang = (event.target as HTMLSelectElement).value;
  rememberLanguage(lang, TV_LANGUAGE_KEY);
  void useLanguage(lang);
});

async function boot(): Promise<void> {
  await useLanguage(startLanguage(TV_LANGUAGE_KEY));
  view.showWelcome("welcome.connecting", true);
  let config: ClientConfig;
  try {
    config = await fetchClientConfig(location.origin);
  } catch {
    view.showWelcome("", false);
    view.showBanner("error", "banner.no_config");
    return;
  }
  const hostSession = new HostSession({
    socketUrl: socketUrlFor(location.origin),
    rooms,
  });
  session = hostSession;
  room.signal = hostSession;
  // `/config` gives STUN only; TURN credentials come once the room is ours.
  let iceServers = config.iceServers;
  const makeHub = (): PeerHub => {
    const peerHub = new PeerHub({
      sendSignal: (message) => hostSession.send(message),
      createPeer: () => createPeer({ initiator: false, iceServers }),
      relayAfterMs: config.relayAfterMs,
      silentAfterMs: config.phoneSilentMs,
    });
    wireHub(peerHub);
    room.links = peerHub;
    return peerHub;
  };
  hub = makeHub();
  const origin = joinOrigin(location.origin, config.lanOrigins);

  hostSession.on("status", (status) => {
    if (status.kind === "open") lock.hold(status.room);
    if (status.kind === "lost" || status.kind === "idle") {
      lock.hold(null);
      view.clearRejoinRequests();
      // The room is gone (or ended): so is its game.
      room.reset();
      if (hub) {
        hub.close();
        hub = makeHub();
      }
    }
    onStatus(status, origin);
  });
  hostSession.on("message", (message) => {
    if (message.type === "iceServers") iceServers = message.iceServers;
    if (message.type === "rejoinRequest") {
      view.showRejoinRequest(message.requestId, message.clientUsername);
    } else if (message.type === "rejoinClosed") {
      view.closeRejoinRequest(message.requestId);
    }
    if (room.serverMessage(message) === "waiting for phones") {
      view.showBanner("info", "banner.restored");
    }
    hub?.handleServerMessage(message);
  });
  hostSession.on(
    "error",
    (_message, code) => view.showBanner("warn", serverErrorKey(code)),
  );

  view.onCreate(() => {
    room.createRoom();
    void hostSession.create();
  });
  view.onResume((code) => {
    // A room a closed tab left: its saved round comes back with it.
    room.resumeRoom();
    void hostSession.resume(code);
  });
  view.onStart(startGame);
  view.onEnd(endGame);
  view.onKick((name) =>
    hostSession.send({ action: "kickPlayer", clientUsername: name })
  );
  view.onRejoinAnswer((requestId, approve) =>
    hostSession.send({ action: "approveRejoin", requestId, approve })
  );

  const gameParent = document.getElementById("game");
  if (gameParent) startPizzaGame(gameParent, gameSource);

  const keep = (): void => {
    room.save(true);
    hostSession.keepFresh();
  };
  addEventListener("pagehide", keep);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") keep();
  });

  // Saves of rooms that can no longer be resumed go.
  const live = new Set(rooms.resumable().map((r) => r.room));
  const own = rooms.tabRoom?.room;
  if (own) live.add(own);
  saves.prune(live);

  if (hostSession.hasSavedRoom) await hostSession.resume();
  else {
    view.showWelcome("", false);
    const inUse = await RoomLock.held();
    const offer = rooms.resumable().find((r) => !inUse.has(r.room));
    if (offer && hostSession.status.kind === "idle") {
      view.offerResume(offer.room);
    }
  }
}

function wireHub(peerHub: PeerHub): void {
  peerHub.on("playerJoined", (name) => room.playerJoined(name));
  peerHub.on("playerRemoved", (name, reason) => {
    room.playerRemoved(name);
    if (reason === "left") view.showBanner("info", "banner.left", { name });
  });
  peerHub.on("playerChanged", (player) => room.playerChanged(player));
  peerHub.on("message", (name, message) => room.phoneMessage(name, message));
  peerHub.on(
    "p2pFailed",
    (name) => view.showBanner("warn", "banner.p2p_failed", { name }),
  );
}

function onStatus(status: HostStatus, origin: string): void {
  switch (status.kind) {
    case "idle":
      view.showWelcome("", false);
      return;
    case "connecting":
      view.showWelcome("welcome.creating_room", true);
      return;
    case "open": {
      joiningSent = null;
      const link = joinUrl(origin, status.room);
      view.showRoom(status.room, link, qrSvg(link, tvWords.t("room.qr_label")));
      view.clearBanner();
      room.roomOpen({ room: status.room, url: link }, status.started);
      return;
    }
    case "reconnecting":
      view.showBanner("error", "banner.reconnecting", {
        attempt: status.attempt,
      });
      return;
    case "lost":
      view.showWelcome("", false);
      view.showBanner("error", `lost.${status.reason.replace(/ /g, "_")}`);
      return;
    case "unreachable":
      view.showWelcome("", false);
      view.showBanner(
        "error",
        `unreachable.${status.reason.replace(/ /g, "_")}`,
      );
      return;
  }
}

/** A game from the page's query (`?round=SECONDS&seed=N`). */
function newGame(): HostGame {
  const round = Number(params.get(ROUND_PARAM));
  const seed = Number(params.get(SEED_PARAM));
  const vote = Number(params.get(VOTE_PARAM));
  return new HostGame({
    dropIn: joining.dropIn,
    seed: Number.isSafeInteger(seed) && seed > 0
      ? seed
      : Math.floor(Math.random() * 2 ** 31),
    roundLengthMs: Number.isFinite(round) && round > 0
      ? round * 1000
      : undefined,
    voteEveryMs: Number.isFinite(vote) && vote > 0 ? vote * 1000 : undefined,
  });
}

/** What the server was last told about joining; null: not since the room opened. */
let joiningSent: boolean | null = null;

/**
 * Late friends: once the round is on, the server hears whether new names may
 * join (`HostGame.joiningOpen`: game over, or mid-round with drop-in on).
 */
function syncJoining(): void {
  if (session?.status.kind !== "open" || !room.started) return;
  const open = room.game.joiningOpen;
  if (open !== joiningSent && session.send({ action: "setJoining", open })) {
    joiningSent = open;
  }
}

/** The host's start (key, click, the VIP's phone goes through the game). */
function startGame(): void {
  if (room.start() === "no players") {
    view.showBanner("info", "banner.no_players");
  }
}

const gameSource: GameSource = {
  get game() {
    return room.game;
  },
  frame: () => {
    // Game time follows the wall clock, whatever the frame rate.
    const result = room.advance(performance.now());
    syncJoining();
    const state = room.game.state;
    joining.setPhase(state.phase);
    orderList.render(orderRows(state));
    audiencePanel.render(room.audienceBoard());
    return result;
  },
  link: (id) => room.link(id),
  joinInfo: () => room.joinInfo,
  start: startGame,
  restart: () => room.restart(),
  nextDifficulty: () => void room.nextDifficulty(),
  fillBots: () => room.fillBots(),
  joiningOpen: () => joining.open,
};

/** The TV's words for an error code of the server (those a host can meet have their own). */
function serverErrorKey(code: string): string {
  const busy = ["server full", "too many rooms", "rate limited"];
  return busy.includes(code) ? "error.busy" : "error.generic";
}

function endGame(): void {
  hub?.broadcast({ t: "bye", reason: "The big screen closed the game." });
  session?.end();
}

function refresh(): void {
  view.renderPlayers(room.rows());
  view.setPhase(phaseLine(room.game.state), room.game.state.players.length);
}

if (PIZZA_TEST_HOOKS) {
  globalThis.pizzaHost = {
    snapshot(): HostSnapshot {
      const status = session?.status ?? { kind: "idle" };
      const rows = new Map(room.rows().map((row) => [row.name, row]));
      const game = room.game;
      return {
        status: status.kind,
        room: status.kind === "open" ? status.room : null,
        started: room.started,
        players: game.state.players.flatMap((player) => {
          const row = rows.get(player.name);
          return row && !game.isBot(player.id)
            ? [{
              ...row,
              input: { x: player.stickX, y: player.stickY },
              moves: room.movesOf(player.id),
              pos: { x: player.x, y: player.y },
            }]
            : [];
        }),
      };
    },
  };
}

void boot();
