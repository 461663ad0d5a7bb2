/**
 * The host page's DOM: start screen, room code, QR code, join link, player
 * list with connection states, banners for failures. It renders what it is
 * given and reports clicks; it holds no game or connection logic.
 *
 * @module
 */
/// <reference lib="dom" />
import type { PlayerConnectionState } from "../../host/peer_hub.ts";
import type { PhaseLine } from "../../host/phase_line.ts";
import type { LobbyRow } from "../../host/room_game.ts";

export type { LobbyRow };

/** Crown icon drawn next to the VIP (an SVG, so it needs no emoji font). */
const CROWN_SVG =
  '<svg class="crown" viewBox="0 0 24 24" aria-hidden="true"><path d="M3 18h18l1.5-11-5.5 4.5L12 4l-5 7.5L1.5 7z" fill="currentColor"/></svg>';

/** How long an info banner stays up, in ms (errors stay until replaced). */
export const BANNER_INFO_MS = 6_000;

/** Banner style: `error` stays up, `warn` and `info` fade. */
export type BannerKind = "error" | "warn" | "info";

const STATE_LABELS: Record<PlayerConnectionState, string> = {
  connecting: "Connecting…",
  p2p: "P2P",
  relayed: "Relayed",
  disconnected: "Disconnected",
};

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
  #status = byId("welcome-status");
  #banner = byId("banner");
  #phase = byId("phase");
  #join = byId("join");
  #joinClosed = byId("join-closed");
  #dropIn = byId<HTMLInputElement>("drop-in");
  #endDialog = byId<HTMLDialogElement>("end-dialog");
  #bannerTimer: ReturnType<typeof setTimeout> | undefined;

  /** Calls `handler` when "Create game" is clicked. */
  onCreate(handler: () => void): void {
    this.#create.addEventListener("click", handler);
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

  /** Shows the start screen with an optional status line. */
  showWelcome(status = "", busy = false): void {
    document.body.dataset.screen = "welcome";
    this.#welcome.hidden = false;
    this.#room.hidden = true;
    this.#status.textContent = status;
    this.#create.disabled = busy;
    this.#create.textContent = busy ? "Creating…" : "Create game";
  }

  /** Shows the lobby of `room`. */
  showRoom(room: string, link: string, qrSvg: string): void {
    document.body.dataset.screen = "room";
    this.#welcome.hidden = true;
    this.#room.hidden = false;
    this.#code.textContent = room;
    this.#code.setAttribute(
      "aria-label",
      `Room code ${room.split("").join(" ")}`,
    );
    this.#qr.innerHTML = qrSvg;
    this.#link.href = link;
    this.#link.textContent = link.replace(/^https?:\/\//, "");
  }

  /** Updates the phase line and the Start button (shown in the lobby only). */
  setPhase(line: PhaseLine, playerCount: number): void {
    if (this.#phase.textContent !== line.text) {
      this.#phase.textContent = line.text;
    }
    this.#phase.dataset.phase = line.kind;
    this.#start.hidden = line.kind !== "lobby";
    this.#start.disabled = playerCount === 0;
  }

  /** Replaces the player list. */
  renderPlayers(rows: LobbyRow[]): void {
    this.#count.textContent = String(rows.length);
    this.#empty.hidden = rows.length > 0;
    const items = rows.map((row) => {
      const item = document.createElement("li");
      item.className = "player";
      item.dataset.name = row.name;
      item.dataset.state = row.state;
      const dot = document.createElement("span");
      dot.className = "player-dot";
      dot.style.background = row.color;
      const name = document.createElement("span");
      name.className = "player-name";
      name.textContent = row.name;
      if (row.vip) {
        const crown = document.createElement("span");
        crown.className = "player-vip";
        crown.title = "VIP: can start the game from their phone";
        crown.innerHTML = `${CROWN_SVG}VIP`;
        name.append(" ", crown);
      }
      const state = document.createElement("span");
      state.className = `player-state state-${row.state}`;
      state.textContent = STATE_LABELS[row.state];
      const rtt = document.createElement("span");
      rtt.className = "player-rtt";
      rtt.textContent = row.rttMs === null || row.state === "disconnected"
        ? ""
        : `${row.rttMs} ms`;
      item.append(dot, name, state, rtt);
      return item;
    });
    this.#players.replaceChildren(...items);
  }

  /** Shows a banner; `error` banners stay until cleared or replaced. */
  showBanner(kind: BannerKind, text: string): void {
    clearTimeout(this.#bannerTimer);
    this.#banner.textContent = text;
    this.#banner.dataset.kind = kind;
    this.#banner.hidden = false;
    if (kind !== "error") {
      this.#bannerTimer = setTimeout(() => this.clearBanner(), BANNER_INFO_MS);
    }
  }

  /** Hides the banner. */
  clearBanner(): void {
    clearTimeout(this.#bannerTimer);
    this.#banner.hidden = true;
  }
}
