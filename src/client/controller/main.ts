/**
 * Entry point of the phone page: join form, connection, joystick and
 * buttons wired together.
 *
 * @module
 */
/// <reference lib="dom" />
import type { PlayerView } from "../../protocol/mod.ts";
import {
  type ClientConfig,
  DEFAULT_PHONE_SILENT_MS,
  DEFAULT_RELAY_AFTER_MS,
  fetchClientConfig,
} from "../../link/client_config.ts";
import { NativePeer } from "./native_peer.ts";
import { socketUrlFor } from "../../link/signaling_socket.ts";
import { ControllerView } from "./controller_view.ts";
import {
  canFullscreen,
  keepScreenOn,
  toggleFullscreen,
  vibrate,
} from "./device_features.ts";
import { showHowTo } from "../../phone/how_to_play.ts";
import { InputThrottle } from "../../phone/input_throttle.ts";
import { checkRoomCode } from "../../phone/join_validation.ts";
import {
  addressFor,
  checkJoinForm,
  seatToResume,
  stageEffect,
} from "../../phone/controller_flow.ts";
import { bindJoystick } from "./joystick.ts";
import { bindComfortPanel } from "./comfort_panel.ts";
import { announcements } from "../../phone/announcements.ts";
import { hostWords } from "../../phone/host_words.ts";
import {
  loadTranslator,
  rememberLanguage,
  startLanguage,
  translatePage,
} from "../shared/page_words.ts";
import {
  sameStick,
  type Stick,
  STICK_CENTRE,
} from "../../phone/joystick_math.ts";
import { PhoneSession, type PhoneStage } from "../../phone/phone_session.ts";
import type { PhoneSnapshot } from "../../phone/phone_snapshot.ts";
import { SessionStore } from "../../phone/session_store.ts";
import "../shared/build_flags.ts";
import { AudienceSession } from "../../phone/audience_session.ts";
import { AudienceView } from "./audience_view.ts";

const view = new ControllerView();
const comfort = bindComfortPanel();
const store = new SessionStore(localStorage, sessionStorage);
let session: PhoneSession | null = null;
let config: ClientConfig | null = null;
let stick: Stick = STICK_CENTRE;
let lastView: PlayerView | null = null;
/** Whether this phone joined mid-round (its first view was of a round). */
let droppedIn = false;
let myName: string | null = null;
let movesSent = 0;
let audience: AudienceSession | null = null;
const audienceView = new AudienceView(
  (option) => audience?.vote(option),
  (kind) => audience?.react(kind),
);

/**
 * Watches and votes from this phone: a WebSocket to the server only (no
 * WebRTC, no joystick). `why` is said first when the phone came here by
 * itself (the room was full, or joining was closed mid-round).
 */
async function watch(room: string, name: string, why?: string): Promise<void> {
  session?.close();
  session = null;
  audience?.leave();
  const next = new AudienceSession({
    socketUrl: socketUrlFor(location.origin),
  });
  audience = next;
  next.on("screen", (screen) => audienceView.render(screen));
  next.on("stage", (stage) => {
    if (audience !== next) return;
    if (stage.kind === "watching") {
      view.show("audience");
    } else if (stage.kind === "refused") {
      view.setJoinBusy(false);
      view.setFieldError("form", stage.message);
      view.show("join");
    } else if (stage.kind === "ended") {
      view.showEnded(stage.message);
    }
  });
  audienceView.setReason(why ?? "");
  view.show("connect");
  // The audience's words before its screen: none shows as a bare key.
  await needWords("watch");
  if (audience !== next) return;
  audienceView.render(next.screen);
  next.watch(room, name);
}

const throttle = new InputThrottle<Stick>({
  equals: sameStick,
  send: (value) => {
    movesSent++;
    session?.send({ t: "move", x: value.x, y: value.y });
  },
});
const wakeLock = keepScreenOn(() => session?.stage.kind === "ready");

bindJoystick(
  { zone: view.stickZone, base: view.stickBase, knob: view.stickKnob },
  (next) => {
    stick = next;
    throttle.push(next);
  },
);

async function loadConfig(): Promise<ClientConfig> {
  if (config) return config;
  try {
    config = await fetchClientConfig(location.origin);
  } catch {
    config = {
      iceServers: [],
      lanOrigins: [],
      relayAfterMs: DEFAULT_RELAY_AFTER_MS,
      phoneSilentMs: DEFAULT_PHONE_SILENT_MS,
      maxPlayersPerRoom: 12,
    };
  }
  return config;
}

/** Loads a part of the catalogue (once) in the current language. */
async function needWords(part: "game" | "watch"): Promise<void> {
  if (wordParts.includes(part)) return;
  wordParts.push(part);
  await useLanguage(language);
}

async function start(
  room: string,
  name: string,
  token?: string,
): Promise<void> {
  const [settings] = await Promise.all([loadConfig(), needWords("game")]);
  session?.close();
  const next = new PhoneSession({
    socketUrl: socketUrlFor(location.origin),
    createPeer: (iceServers) =>
      new NativePeer(iceServers ?? settings.iceServers),
    relayAfterMs: settings.relayAfterMs,
    store,
  });
  session = next;
  next.on("stage", onStage);
  next.on("joined", (info) => {
    myName = info.name;
    // The address names the room this phone is in, so a reload or a tab the
    // browser restores comes back to it.
    showAddress(info.room);
    view.showMe(info.name, info.vip);
    if (info.renamed) {
      view.toast(view.words.t("toast.renamed", { name: info.name }), "info");
    }
  });
  next.on("message", (message) => {
    switch (message.t) {
      case "view":
        view.announce(announcements(lastView, message.view, view.words));
        // A first view mid-round: a drop-in, who sees how to play first.
        if (lastView === null) {
          droppedIn = message.view.phase === "playing" ||
            message.view.phase === "paused";
        }
        lastView = message.view;
        view.renderView(message.view, (id) => session?.send({ t: "act", id }));
        view.showHowTo(
          showHowTo(message.view, store.howToSeen, droppedIn),
          () => store.markHowToSeen(),
        );
        return;
      case "feedback":
        view.toast(hostWords(message.say, view.words), message.tone);
        if (comfort.settings.vibration) vibrate(message.tone);
        return;
      default:
        return;
    }
  });
  view.show("connect");
  next.join(room, name, token);
}

function onStage(stage: PhoneStage): void {
  // A full room, or joining closed mid-round: watch and vote instead.
  if (
    stage.kind === "refused" && myName === null &&
    (stage.code === "room full" || stage.code === "no player" ||
      stage.code === "game started")
  ) {
    const fields = validate(false);
    if (fields) return void watch(fields.room, fields.name, stage.message);
  }
  view.showStage(stage);
  wakeLock.update();
  const effect = stageEffect(stage, myName !== null);
  if (effect.forget) myName = null;
  if (stage.kind === "ended") {
    lastView = null;
    if (comfort.settings.vibration) vibrate("bad");
    view.showEnded(stage.message);
    return;
  }
  if (effect.unlockJoin) view.setJoinBusy(false);
  if (effect.formError !== null) view.setFieldError("form", effect.formError);
  if (effect.notice !== null) view.setNotice(effect.notice);
  if (effect.screen) view.show(effect.screen);
  if (effect.clearRoom) askNewCode();
  if (effect.focusName) view.nameInput.focus();
  if (stage.kind === "ready") {
    throttle.reset();
    throttle.push(stick);
  }
}

function validate(showEmpty: boolean): { room: string; name: string } | null {
  const check = checkJoinForm(
    view.roomInput.value,
    view.nameInput.value,
    showEmpty,
  );
  view.setFieldError("room", check.roomError);
  view.setFieldError("name", check.nameError);
  return check.fields;
}

view.roomInput.addEventListener("input", () => {
  const upper = view.roomInput.value.toUpperCase();
  if (upper !== view.roomInput.value) view.roomInput.value = upper;
  view.setFieldError("form", "");
  if (checkRoomCode(upper).ok || upper.length > 4) validate(false);
  else view.setFieldError("room", "");
});
view.roomInput.addEventListener("blur", () => validate(false));
view.nameInput.addEventListener("input", () => {
  view.setFieldError("form", "");
  validate(false);
});
view.form.addEventListener("submit", (event) => {
  event.preventDefault();
  const fields = validate(true);
  if (!fields) return;
  store.name = fields.name;
  view.setJoinBusy(true);
  void start(
    fields.room,
    fields.name,
    store.tokenFor(fields.room, fields.name),
  );
});
view.watchButton.addEventListener("click", () => {
  const fields = validate(true);
  if (!fields) return;
  store.name = fields.name;
  void watch(fields.room, fields.name);
});
audienceView.leaveButton.addEventListener("click", () => {
  if (confirm(view.words.t("watch.leave_confirm"))) audience?.leave();
});
view.fullscreenButton.hidden = !canFullscreen();
view.fullscreenButton.addEventListener("click", () => void toggleFullscreen());
view.leaveButton.addEventListener("click", () => {
  if (confirm(view.words.t("top.leave_confirm"))) session?.leave();
});
view.againButton.addEventListener("click", () => {
  showAddress(null);
  view.setJoinBusy(false);
  view.setFieldError("form", "");
  view.setNotice("");
  view.show("join");
  askNewCode();
});

/** The game is gone: an empty code field with the cursor in it; the name stays. */
function askNewCode(): void {
  view.roomInput.value = "";
  view.setFieldError("room", "");
  if (!view.nameInput.value && myName) view.nameInput.value = myName;
  view.roomInput.focus();
}
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") session?.wake();
});
addEventListener("online", () => session?.wake());

if (PIZZA_TEST_HOOKS) {
  globalThis.pizzaPhone = {
    snapshot: (): PhoneSnapshot => ({
      stage: session?.stage.kind ?? "idle",
      name: myName,
      view: lastView,
      movesSent,
      audience: audience?.screen ?? null,
    }),
  };
}

/** Rewrites the address bar to name `room` (or none), without a new history entry. */
function showAddress(room: string | null): void {
  try {
    history.replaceState(history.state, "", addressFor(location.href, room));
  } catch {
    // A sandboxed page may refuse: the seat is still in sessionStorage.
  }
}

/** Whether this load restored the page (reload, history, a tab brought back) rather than opened a link. */
function pageRestored(): boolean {
  const [entry] = performance.getEntriesByType("navigation");
  const type = (entry as PerformanceNavigationTiming | undefined)?.type;
  return type !== undefined && type !== "navigate";
}

/**
 * The parts of the catalogue this phone needs besides the common words:
 * `game` once it plays, `watch` once it watches (static/i18n/<part>/).
 */
const wordParts: string[] = [];
let language = "en";
let languageLoads = 0;

/** Loads `lang`'s words and redraws everything shown in them. */
async function useLanguage(lang: string): Promise<void> {
  language = lang;
  const load = ++languageLoads;
  const words = await loadTranslator(lang, "", wordParts);
  if (load !== languageLoads) return; // a later choice won
  view.words = words;
  translatePage(view.words, lang);
  audienceView.words = view.words;
  if (audience) audienceView.render(audience.screen);
  const select = document.getElementById("lang-select") as HTMLSelectElement;
  if ([...select.options].some((o) => o.value === lang)) select.value = lang;
  if (session) view.showStage(session.stage);
  if (lastView) {
    view.renderView(lastView, (id) => session?.send({ t: "act", id }));
  }
}

document.getElementById("lang-select")!.addEventListener("change", (event) => {
  const lang = (event.target as HTMLSelectElement).value;
  rememberLanguage(lang);
  void useLanguage(lang);
});

async function boot(): Promise<void> {
  await useLanguage(startLanguage());
  const params = new URLSearchParams(location.search);
  const linkRoom = params.get("room") ?? "";
  view.roomInput.value = linkRoom.toUpperCase().slice(0, 8);
  view.nameInput.value = store.name;
  const seat = seatToResume(linkRoom, store.seat, pageRestored());
  if (seat) {
    showAddress(seat.room);
    view.roomInput.value = seat.room;
    myName = seat.name;
    view.showMe(seat.name, false);
    void start(seat.room, seat.name, seat.token);
    return;
  }
  view.show("join");
  (view.roomInput.value ? view.nameInput : view.roomInput).focus();
}

void boot();
