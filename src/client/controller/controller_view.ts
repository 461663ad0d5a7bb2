/**
 * The phone page's DOM: join form, connection progress, the controller
 * (rendering whatever a {@link PlayerView} holds) and the end screen. It
 * renders and reports clicks; it holds no connection logic.
 *
 * @module
 */
/// <reference lib="dom" />
import type { FeedbackTone, PlayerView } from "../../protocol/mod.ts";
import type { PhoneStage } from "../../phone/phone_session.ts";
import type { Screen } from "../../phone/controller_flow.ts";

/** How long a feedback toast stays up, in ms. */
export const TOAST_MS = 2_500;

export type { Screen } from "../../phone/controller_flow.ts";

/** Steps of the connection progress. */
export const PROGRESS_STEPS = ["server", "peer", "ready"] as const;

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`Controller page is missing #${id}`);
  return element as T;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text = "",
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.className = className;
  if (text) element.textContent = text;
  return element;
}

/** Binds to the controller page's elements (see `static/play/index.html`). */
export class ControllerView {
  /** The join form. */
  readonly form = byId<HTMLFormElement>("join-form");
  /** Room code field. */
  readonly roomInput = byId<HTMLInputElement>("room-input");
  /** Name field. */
  readonly nameInput = byId<HTMLInputElement>("name-input");
  /** Joystick zone. */
  readonly stickZone = byId("stick-zone");
  /** Joystick ring. */
  readonly stickBase = byId("stick-base");
  /** Joystick knob. */
  readonly stickKnob = byId("stick-knob");
  /** Fullscreen toggle. */
  readonly fullscreenButton = byId<HTMLButtonElement>("fullscreen-button");
  /** Leave button. */
  readonly leaveButton = byId<HTMLButtonElement>("leave-button");
  /** "Join another game" button. */
  readonly againButton = byId<HTMLButtonElement>("again-button");
  #roomError = byId("room-error");
  #nameError = byId("name-error");
  #joinError = byId("join-error");
  #joinButton = byId<HTMLButtonElement>("join-button");
  #connectText = byId("connect-text");
  #progress = byId("progress");
  #meName = byId("me-name");
  #meVip = byId("me-vip");
  #linkPill = byId("link-pill");
  #statusLine = byId("status-line");
  #hud = byId("hud");
  #actions = byId("actions");
  #toast = byId("toast");
  #endedText = byId("ended-text");
  #toastTimer: ReturnType<typeof setTimeout> | undefined;
  #buttons = new Map<string, HTMLButtonElement>();
  #actionsKey = "";
  #onAction: (id: string) => void = () => {};

  /** Shows one screen. */
  show(screen: Screen): void {
    document.body.dataset.screen = screen;
  }

  /** Sets or clears the inline error of a field (or of the whole form). */
  setFieldError(field: "room" | "name" | "form", message: string): void {
    const target = field === "room"
      ? this.#roomError
      : field === "name"
      ? this.#nameError
      : this.#joinError;
    target.textContent = message;
    if (field !== "form") {
      const input = field === "room" ? this.roomInput : this.nameInput;
      input.setAttribute("aria-invalid", String(message !== ""));
    }
  }

  /** Disables the join button while a join is under way. */
  setJoinBusy(busy: boolean): void {
    this.#joinButton.disabled = busy;
    this.#joinButton.textContent = busy ? "Joining…" : "Join game";
  }

  /** Shows the connection progress for a stage. */
  showStage(stage: PhoneStage): void {
    const step = stage.kind === "server" || stage.kind === "joining" ||
        stage.kind === "waitingHost"
      ? 0
      : stage.kind === "peer"
      ? 1
      : 2;
    this.#progress.querySelectorAll("li").forEach((item, index) => {
      item.dataset.state = index < step
        ? "done"
        : index === step
        ? "now"
        : "todo";
      if (stage.kind === "ready" && index === step) item.dataset.state = "done";
    });
    this.#connectText.textContent = stageText(stage);
    this.#statusLine.textContent = stage.kind === "ready"
      ? ""
      : stageText(stage);
    this.#statusLine.hidden = stage.kind === "ready";
    this.#linkPill.dataset.path = stage.kind === "ready"
      ? stage.path
      : "waiting";
    this.#linkPill.textContent = stage.kind === "ready"
      ? stage.path === "p2p" ? "Direct" : "Via server"
      : "…";
  }

  /** Shows who this phone is before any view arrives. */
  showMe(name: string, vip: boolean, color = "#ffb703"): void {
    this.#meName.textContent = name;
    this.#meVip.hidden = !vip;
    document.body.style.setProperty("--me", color);
  }

  /** Renders a player view from the host. */
  renderView(view: PlayerView, onAction: (id: string) => void): void {
    this.showMe(view.name, view.vip, view.color);
    const hud: HTMLElement[] = [];
    if (view.phase !== "lobby") {
      hud.push(
        stat("Money", String(view.money), "money"),
        stat("Time", formatTime(view.timeLeftMs), "time"),
        stat("Strikes", `${view.strikes}/3`, "strikes"),
      );
    } else {
      hud.push(
        el(
          "p",
          "hud-note",
          view.vip
            ? "You are the VIP: start when everyone is in!"
            : "Waiting for the VIP to start the game…",
        ),
      );
    }
    if (view.backpack.length > 0 || view.phase === "playing") {
      const bag = el("div", "backpack");
      bag.setAttribute("aria-label", "Backpack");
      for (let slot = 0; slot < 3; slot++) {
        const item = view.backpack[slot];
        const cell = el(
          "span",
          "slot",
          item ? item.ingredients.join(" + ") : "empty",
        );
        if (item?.baked) cell.dataset.baked = "true";
        if (item?.burned) cell.dataset.burned = "true";
        if (!item) cell.dataset.empty = "true";
        bag.append(cell);
      }
      hud.push(bag);
    }
    if (view.allergies.length > 0) {
      hud.push(
        el("p", "allergies", `Allergic to: ${view.allergies.join(", ")}`),
      );
    }
    if (view.outcome) {
      hud.push(
        el(
          "p",
          `outcome ${view.outcome.won ? "won" : "lost"}`,
          view.outcome.reason,
        ),
      );
    }
    this.#hud.replaceChildren(...hud);

    this.#onAction = onAction;
    this.#renderActions(view.actions);
  }

  /**
   * Updates the action buttons in place: a button under a finger is never
   * replaced just because another part of the view (e.g. the timer) changed.
   */
  #renderActions(actions: PlayerView["actions"]): void {
    const key = JSON.stringify(actions);
    if (key === this.#actionsKey) return;
    this.#actionsKey = key;
    const buttons = actions.map((action) => {
      let button = this.#buttons.get(action.id);
      if (!button) {
        const created = el("button", "action");
        created.type = "button";
        created.dataset.action = action.id;
        created.addEventListener("click", () => {
          const id = created.dataset.action;
          if (id) this.#onAction(id);
        });
        this.#buttons.set(action.id, created);
        button = created;
      }
      if (button.textContent !== action.label) {
        button.textContent = action.label;
      }
      return button;
    });
    const ids = new Set(actions.map((action) => action.id));
    for (const id of this.#buttons.keys()) {
      if (!ids.has(id)) this.#buttons.delete(id);
    }
    const current = [...this.#actions.children];
    if (
      current.length !== buttons.length ||
      current.some((child, index) => child !== buttons[index])
    ) {
      this.#actions.replaceChildren(...buttons);
    }
    this.#actions.hidden = buttons.length === 0;
  }

  /** Shows a short message over the controller. */
  toast(text: string, tone: FeedbackTone): void {
    clearTimeout(this.#toastTimer);
    this.#toast.textContent = text;
    this.#toast.dataset.tone = tone;
    this.#toast.hidden = false;
    this.#toastTimer = setTimeout(() => {
      this.#toast.hidden = true;
    }, TOAST_MS);
  }

  /** Shows the end screen. */
  showEnded(message: string): void {
    this.#endedText.textContent = message;
    this.show("ended");
  }
}

function stat(label: string, value: string, name: string): HTMLElement {
  const box = el("span", `stat stat-${name}`);
  box.append(el("span", "stat-icon", label), el("span", "stat-value", value));
  return box;
}

function formatTime(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** Words for each connection stage. */
export function stageText(stage: PhoneStage): string {
  switch (stage.kind) {
    case "idle":
      return "";
    case "server":
      return stage.attempt > 1
        ? "Reconnecting to the game…"
        : "Connecting to the game…";
    case "joining":
      return "Joining the room…";
    case "peer":
      return "Connecting to the big screen…";
    case "ready":
      return stage.path === "p2p"
        ? "Connected!"
        : "Connected (through the server)";
    case "hostAway":
    case "waitingHost":
    case "refused":
    case "unreachable":
    case "ended":
      return stage.message;
  }
}
