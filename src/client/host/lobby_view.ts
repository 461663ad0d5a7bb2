/**
 * The host page's DOM: start screen, room code, QR code, join link, player
 * list with connection states, banners for failures. It renders what it is
 * given and reports clicks; it holds no game or connection logic.
 *
 * @module
 */
/// <reference lib="dom" />
import { playerMark } from "../../game/player_marks.ts";
import type { PhaseLine } from "../../host/phase_line.ts";
import type { LinkKind, LobbyRow } from "../../host/room_game.ts";
import type { TvSaid } from "../../host/tv_said.ts";
import { fitList } from "./fit_list.ts";
import { tvWords } from "./tv_words.ts";

export type { LobbyRow };

/** Crown icon drawn next to the VIP (an SVG, so it needs no emoji font). */
const CROWN_SVG =
  '<svg class="crown" viewBox="0 0 24 24" aria-hidden="true"><path d="M3 18h18l1.5-11-5.5 4.5L12 4l-5 7.5L1.5 7z" fill="currentColor"/></svg>';

/** How long a "Remove Ann?" button waits for its second tap, in ms. */
export const KICK_CONFIRM_MS = 5_000;

/** How long an info banner stays up, in ms (errors stay until replaced). */
export const BANNER_INFO_MS = 6_000;

/** Banner style: `error` stays up, `warn` and `info` fade. */
export type BannerKind = "error" | "warn" | "info";

/**
 * Each connection state's pill: a short word (`state.<kind>`), so that the
 * name beside it keeps its room, and the long form as its tooltip
 * (`state.<kind>.title`). A state without its own words (a new one) shows
 * its name.
 */
function stateLabel(state: LinkKind): { text: string; title: string } {
  const text = tvWords.t(`state.${state}`);
  if (text.startsWith("[[")) return { text: state, title: state };
  return { text, title: tvWords.t(`state.${state}.title`) };
}

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`Host page is missing #${id}`);
  return element as T;
}

/** Binds to the host page's elements (see `static/index.html`). */
export class LobbyView {
  #welcome = byId("welcome");
  #room = byId("room");
  #code = byId("room-code");
  #qr = byId("qr");
  #link = byId<HTMLAnchorElement>("join-link");
  #players = byId<HTMLUListElement>("players");
  #count = byId("player-count");
  #empty = byId("players-empty");
  #start = byId<HTMLButtonElement>("start-button");
  #end = byId<HTMLButtonElement>("end-button");
  #create = byId<HTMLButtonElement>("create-button");
  #resume = byId<HTMLButtonElement>("resume-button");
  #status = byId("welcome-status");
  #banner = byId("banner");
  #phase = byId("phase");
  #requests = byId<HTMLUListElement>("rejoin-requests");
  #join = byId("join");
  #joinClosed = byId("join-closed");
  #dropIn = byId<HTMLInputElement>("drop-in");
  #endDialog = byId<HTMLDialogElement>("end-dialog");
  #bannerTimer: ReturnType<typeof setTimeout> | undefined;
  /** The banner's and the welcome status's words, to say again in another language. */
  #bannerSaid: TvSaid = { key: "" };
  #statusSaid: TvSaid = { key: "" };
  #rows: LobbyRow[] = [];
  /** The player whose "Remove" was tapped once and waits for a second tap. */
  #confirmKick: string | null = null;
  /** What the list shows, but for round-trip times (updated in place). */
  #shownKey = "";
  #confirmTimer: ReturnType<typeof setTimeout> | undefined;
  #onKick: (name: string) => void = () => {};
  #onRejoinAnswer: (requestId: string, approve: boolean) => void = () => {};

  /** Binds to the page; the player list fits its box again when it resizes. */
  constructor() {
    new ResizeObserver(() => fitList(this.#players)).observe(this.#players);
  }

  /** Calls `handler` with a player's name once its removal is confirmed. */
  onKick(handler: (name: string) => void): void {
    this.#onKick = handler;
  }

  /** Calls `handler` when the host lets a player back in, or refuses. */
  onRejoinAnswer(
    handler: (requestId: string, approve: boolean) => void,
  ): void {
    this.#onRejoinAnswer = handler;
  }

  /**
   * Asks the host whether `name`, back on another phone without its seat's
   * token, may take the seat: "Let in" or "Refuse".
   */
  showRejoinRequest(requestId: string, name: string): void {
    const known = [...this.#requests.children].some((item) =>
      (item as HTMLElement).dataset.requestId === requestId
    );
    if (known) return;
    const item = document.createElement("li");
    item.className = "rejoin-request";
    item.dataset.requestId = requestId;
    item.dataset.name = name;
    const text = document.createElement("p");
    text.textContent = tvWords.t("rejoin.ask", { name });
    const buttons = document.createElement("div");
    buttons.className = "buttons";
    const answer = (approve: boolean, label: string, className: string) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = className;
      button.textContent = label;
      button.addEventListener("click", () => {
        this.closeRejoinRequest(requestId);
        this.#onRejoinAnswer(requestId, approve);
      });
      return button;
    };
    buttons.append(
      answer(true, tvWords.t("rejoin.approve"), "rejoin-approve"),
      answer(false, tvWords.t("rejoin.refuse"), "rejoin-refuse"),
    );
    item.append(text, buttons);
    this.#requests.append(item);
  }

  /** Removes a rejoin question (answered, expired or withdrawn). */
  closeRejoinRequest(requestId: string): void {
    for (const item of [...this.#requests.children]) {
      if ((item as HTMLElement).dataset.requestId === requestId) item.remove();
    }
  }

  /** Removes every rejoin question (the room is gone). */
  clearRejoinRequests(): void {
    this.#requests.replaceChildren();
  }

  /** Calls `handler` when "Create game" is clicked. */
  onCreate(handler: () => void): void {
    this.#create.addEventListener("click", handler);
  }

  /** Calls `handler` with the room code when "Resume game ABCD" is clicked. */
  onResume(handler: (room: string) => void): void {
    this.#resume.addEventListener("click", () => {
      const room = this.#resume.dataset.room;
      if (room) handler(room);
    });
  }

  /** Calls `handler` when "Start" is clicked. */
  onStart(handler: () => void): void {
    this.#start.addEventListener("click", handler);
  }

  /**
   * Calls `handler` when "End game" is clicked AND confirmed in the page's
   * dialog ("Keep playing", Escape or a click outside cancels).
   */
  onEnd(handler: () => void): void {
    this.#end.addEventListener("click", () => this.#endDialog.showModal());
    this.#endDialog.addEventListener("click", (event) => {
      // a click on the backdrop lands on the dialog itself
      if (event.target === this.#endDialog) this.#endDialog.close("cancel");
    });
    this.#endDialog.addEventListener("close", () => {
      if (this.#endDialog.returnValue === "end") handler();
      this.#endDialog.returnValue = "";
    });
  }

  /** Calls `handler` with the new value when "Let friends drop in" is flipped. */
  onDropIn(handler: (on: boolean) => void): void {
    this.#dropIn.addEventListener(
      "change",
      () => handler(this.#dropIn.checked),
    );
  }

  /** Shows the QR code and link only while joining is open; ticks the drop-in box. */
  setJoining(open: boolean, dropIn: boolean): void {
    this.#join.hidden = !open;
    this.#joinClosed.hidden = open;
    this.#dropIn.checked = dropIn;
  }

  /** Shows the start screen with an optional status line (a TV catalogue key). */
  showWelcome(status = "", busy = false): void {
    document.body.dataset.screen = "welcome";
    this.#welcome.hidden = false;
    this.#room.hidden = true;
    this.#statusSaid = { key: status };
    this.#status.textContent = status === "" ? "" : tvWords.t(status);
    this.#create.disabled = busy;
    this.#create.textContent = tvWords.t(
      busy ? "welcome.creating" : "welcome.create",
    );
    this.#resume.hidden = true;
    this.#create.classList.replace("small-button", "big-button");
  }

  /**
   * Offers to resume `room`, a game this computer's closed tab left open
   * (the welcome screen shows it above "Create game").
   */
  offerResume(room: string): void {
    this.#resume.dataset.room = room;
    this.#resume.textContent = tvWords.t("welcome.resume", { room });
    this.#resume.hidden = false;
    this.#create.classList.replace("big-button", "small-button");
    this.#statusSaid = { key: "welcome.left_open", params: { room } };
    this.#status.textContent = tvWords.say(this.#statusSaid);
  }

  /** Shows the lobby of `room`. */
  showRoom(room: string, link: string, qrSvg: string): void {
    document.body.dataset.screen = "room";
    this.#welcome.hidden = true;
    this.#room.hidden = false;
    this.#code.textContent = room;
    this.#code.setAttribute(
      "aria-label",
      tvWords.t("room.code_label", { code: room.split("").join(" ") }),
    );
    this.#qr.innerHTML = qrSvg;
    this.#link.href = link;
    this.#link.textContent = link.replace(/^https?:\/\//, "");
  }

  /** Updates the phase line and the Start button (shown in the lobby only). */
  setPhase(line: PhaseLine, playerCount: number): void {
    const text = tvWords.say(line.said);
    if (this.#phase.textContent !== text) this.#phase.textContent = text;
    this.#phase.dataset.phase = line.kind;
    this.#start.hidden = line.kind !== "lobby";
    this.#start.disabled = playerCount === 0;
  }

  /** A first tap asks "Remove Ann?"; a second one within a while removes. */
  #kickTapped(name: string): void {
    clearTimeout(this.#confirmTimer);
    if (this.#confirmKick === name) {
      this.#confirmKick = null;
      this.renderPlayers(this.#rows);
      this.#onKick(name);
      return;
    }
    this.#confirmKick = name;
    this.#confirmTimer = setTimeout(() => {
      this.#confirmKick = null;
      this.renderPlayers(this.#rows);
    }, KICK_CONFIRM_MS);
    this.renderPlayers(this.#rows);
  }

  /** Replaces the player list (each with a "Remove" button that confirms). */
  renderPlayers(rows: LobbyRow[]): void {
    this.#rows = rows;
    // Rebuild only when something shown changed: a row replaced between a
    // pointer's press and release would lose the host's click.
    const key = JSON.stringify([
      tvWords.locale,
      tvWords.t("state.p2p"),
      this.#confirmKick,
      rows.map((r) => [r.name, r.color, r.vip, r.state]),
    ]);
    if (key === this.#shownKey) {
      for (const row of rows) {
        const rtt = [...this.#players.children].find((item) =>
          (item as HTMLElement).dataset.name === row.name
        )?.querySelector(".player-rtt");
        if (rtt) rtt.textContent = rttText(row);
      }
      return;
    }
    this.#shownKey = key;
    this.#count.textContent = tvWords.number(rows.length);
    this.#empty.hidden = rows.length > 0;
    const items = rows.map((row) => {
      const item = document.createElement("li");
      item.className = "player";
      item.dataset.name = row.name;
      item.dataset.state = row.state;
      const dot = document.createElement("span");
      dot.className = "player-dot";
      dot.style.background = row.color;
      dot.textContent = playerMark(row.color);
      const name = document.createElement("span");
      name.className = "player-name";
      const text = document.createElement("span");
      text.className = "player-name-text";
      text.textContent = row.name;
      name.append(text);
      if (row.vip) {
        const crown = document.createElement("span");
        crown.className = "player-vip";
        crown.title = tvWords.t("player.vip.title");
        crown.setAttribute("role", "img");
        crown.setAttribute("aria-label", tvWords.t("player.vip"));
        crown.innerHTML = CROWN_SVG;
        name.append(crown);
      }
      const state = document.createElement("span");
      state.className = `player-state state-${row.state.replace(/\W+/g, "-")}`;
      const label = stateLabel(row.state);
      state.textContent = label.text;
      state.title = label.title;
      const rtt = document.createElement("span");
      rtt.className = "player-rtt";
      rtt.textContent = rttText(row);
      const kick = document.createElement("button");
      kick.type = "button";
      kick.className = "player-kick";
      const confirming = this.#confirmKick === row.name;
      // A small ✕ keeps the name readable; the confirming tap spells it out
      // on a line of its own.
      const remove = { name: row.name };
      kick.textContent = confirming
        ? tvWords.t("player.remove_ask", remove)
        : "✕";
      kick.setAttribute(
        "aria-label",
        tvWords.t(confirming ? "player.remove_ask" : "player.remove", remove),
      );
      if (confirming) kick.dataset.confirm = "";
      kick.title = tvWords.t(
        confirming ? "player.remove_again.title" : "player.remove.title",
        remove,
      );
      kick.addEventListener("click", () => this.#kickTapped(row.name));
      // Bots leave with the room; only phones can be removed.
      if (row.state === "bot") item.append(dot, name, state, rtt);
      else item.append(dot, name, state, rtt, kick);
      return item;
    });
    this.#players.replaceChildren(...items);
    fitList(this.#players);
  }

  /**
   * Shows a banner (`key`: a TV catalogue key, with its slots); `error`
   * banners stay until cleared or replaced.
   */
  showBanner(
    kind: BannerKind,
    key: string,
    params?: Parameters<typeof tvWords.t>[1],
  ): void {
    clearTimeout(this.#bannerTimer);
    this.#bannerSaid = { key, params };
    this.#banner.textContent = tvWords.t(key, params);
    this.#banner.dataset.kind = kind;
    this.#banner.hidden = false;
    if (kind !== "error") {
      this.#bannerTimer = setTimeout(() => this.clearBanner(), BANNER_INFO_MS);
    }
  }

  /** Says the words it drew again, in the language now in use. */
  refreshWords(): void {
    if (this.#bannerSaid.key) {
      this.#banner.textContent = tvWords.say(this.#bannerSaid);
    }
    if (this.#statusSaid.key) {
      this.#status.textContent = tvWords.say(this.#statusSaid);
    }
    if (!this.#resume.hidden && this.#resume.dataset.room) {
      this.#resume.textContent = tvWords.t("welcome.resume", {
        room: this.#resume.dataset.room,
      });
    }
    this.#create.textContent = tvWords.t(
      this.#create.disabled ? "welcome.creating" : "welcome.create",
    );
    this.renderPlayers(this.#rows);
  }

  /** Hides the banner. */
  clearBanner(): void {
    clearTimeout(this.#bannerTimer);
    this.#banner.hidden = true;
  }
}

/** A row's round-trip time as shown ("" when unknown or away). */
function rttText(row: LobbyRow): string {
  return row.rttMs === null || row.state === "disconnected" ||
      row.state === "silent"
    ? ""
    : tvWords.t("player.rtt", { ms: row.rttMs });
}
