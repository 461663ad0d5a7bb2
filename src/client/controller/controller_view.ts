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
import { HoldPress } from "../../phone/hold_press.ts";
import { HOW_TO_STEPS, HowToCard } from "../../phone/how_to_play.ts";
import { playerMark } from "../../game/player_marks.ts";
import { Translator } from "../../phone/translator.ts";
import { itemWords } from "../../phone/announcements.ts";
import {
  actionHint,
  actionLabel,
  allergyLine,
  eventLine,
  hostWords,
  outcomeReason,
} from "../../phone/host_words.ts";
import {
  ingredientIcon,
  ingredientStripe,
} from "../../phone/ingredient_look.ts";
import { OrderStripView } from "./order_strip_view.ts";
import {
  allergyChange,
  buttonActions,
  discardBySlot,
  outcomeTitle,
  phaseNote,
  starGrade,
  statsCells,
  type ViewAction,
} from "../../phone/view_words.ts";

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
  /** The "Watch and vote" button of the join form. */
  readonly watchButton = byId<HTMLButtonElement>("watch-button");
  /** Fullscreen toggle. */
  readonly fullscreenButton = byId<HTMLButtonElement>("fullscreen-button");
  /** Leave button. */
  readonly leaveButton = byId<HTMLButtonElement>("leave-button");
  /** "Join another game" button. */
  readonly againButton = byId<HTMLButtonElement>("again-button");
  #roomError = byId("room-error");
  #nameError = byId("name-error");
  #joinError = byId("join-error");
  #joinNotice = byId("join-notice");
  #joinButton = byId<HTMLButtonElement>("join-button");
  #connectText = byId("connect-text");
  #progress = byId("progress");
  #meName = byId("me-name");
  #meVip = byId("me-vip");
  #linkPill = byId("link-pill");
  #statusLine = byId("status-line");
  #hud = byId("hud");
  #backpack = byId("backpack");
  #orderStrip = new OrderStripView(byId("order-strip"));
  #lastView: PlayerView | null = null;
  #allergyLine = byId("allergy-line");
  #phaseNote = byId("phase-note");
  #eventLine = byId("event-line");
  #gameOver = byId("game-over");
  #overTitle = byId("over-title");
  #overStars = byId("over-stars");
  #overReason = byId("over-reason");
  #overTeam = byId("over-team");
  #howTo = byId("how-to");
  #howToCount = byId("how-to-count");
  #howToTitle = byId("how-to-title");
  #howToText = byId("how-to-text");
  #howToNext = byId<HTMLButtonElement>("how-to-next");
  #howToSkip = byId<HTMLButtonElement>("how-to-skip");
  #howToCard = new HowToCard();
  #onHowToDone: () => void = () => {};
  #actions = byId("actions");
  #toast = byId("toast");
  #meDot = document.querySelector<HTMLElement>(".me-dot")!;
  /** The words of the phone's language (English keys until one loads). */
  words: Translator = new Translator("en", {});
  #announcer = byId("announcer");
  #endedText = byId("ended-text");
  #toastTimer: ReturnType<typeof setTimeout> | undefined;
  #buttons = new Map<string, HTMLButtonElement>();
  #actionsKey = "";
  #onAction: (id: string) => void = () => {};
  #discards = new Map<number, ViewAction>();
  #backpackKey = "";
  #slots: Slot[];

  /** Binds to the page and builds the three backpack slots. */
  constructor() {
    this.#slots = [0, 1, 2].map((index) => this.#makeSlot(index));
    this.#backpack.replaceChildren(...this.#slots.map((slot) => slot.cell));
    this.#howToNext.addEventListener("click", () => this.#howToStep(false));
    this.#howToSkip.addEventListener("click", () => this.#howToStep(true));
  }

  /** Shows one screen. */
  show(screen: Screen): void {
    document.body.dataset.screen = screen;
  }

  /**
   * Sets or clears ("") the inline error of a field (or of the whole form);
   * `message` is a catalogue key.
   */
  setFieldError(field: "room" | "name" | "form", message: string): void {
    const target = field === "room"
      ? this.#roomError
      : field === "name"
      ? this.#nameError
      : this.#joinError;
    target.textContent = message ? this.words.t(message) : "";
    if (field !== "form") {
      const input = field === "room" ? this.roomInput : this.nameInput;
      input.setAttribute("aria-invalid", String(message !== ""));
    }
  }

  /** A calm line over the join form (a catalogue key; "" hides it): news, not an error. */
  setNotice(message: string): void {
    this.#joinNotice.textContent = message ? this.words.t(message) : "";
    this.#joinNotice.hidden = message === "";
  }

  /** Disables the join button while a join is under way. */
  setJoinBusy(busy: boolean): void {
    this.#joinButton.disabled = busy;
    this.#joinButton.textContent = this.words.t(
      busy ? "join.busy" : "join.button",
    );
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
    this.#connectText.textContent = stageText(stage, this.words);
    this.#statusLine.textContent = stage.kind === "ready"
      ? ""
      : stageText(stage, this.words);
    this.#statusLine.hidden = stage.kind === "ready";
    this.#linkPill.dataset.path = stage.kind === "ready"
      ? stage.path
      : "waiting";
    this.#linkPill.textContent = stage.kind === "ready"
      ? this.words.t(stage.path === "p2p" ? "link.direct" : "link.relayed")
      : "…";
  }

  /** Shows who this phone is before any view arrives. */
  showMe(name: string, vip: boolean, color = "#ffb703"): void {
    this.#meName.textContent = name;
    this.#meVip.hidden = !vip;
    document.body.style.setProperty("--me", color);
    this.#meDot.textContent = playerMark(color) === "?"
      ? ""
      : playerMark(color);
    this.#meDot.setAttribute(
      "aria-label",
      this.words.t("top.player", { mark: playerMark(color) }),
    );
  }

  /** Renders a player view from the host. */
  renderView(view: PlayerView, onAction: (id: string) => void): void {
    this.showMe(view.name, view.vip, view.color);
    this.#onAction = onAction;
    // The stylesheet lays the screen out per phase (game over: no joystick).
    document.body.dataset.phase = view.phase;
    const changed = allergyChange(this.#lastView, view, this.words);
    this.#lastView = view;
    if (changed) this.toast(changed, "info");
    this.#orderStrip.render(view, this.words);
    const hud: HTMLElement[] = [];
    if (view.phase !== "lobby") {
      hud.push(
        stat(this.words.t("stat.money"), this.words.n(view.money), "money"),
        stat(this.words.t("stat.time"), formatTime(view.timeLeftMs), "time"),
        stat(this.words.t("stat.strikes"), `${view.strikes}/3`, "strikes"),
      );
    }
    this.#hud.replaceChildren(...hud);
    this.#renderBackpack(view);
    setText(this.#allergyLine, allergyLine(view, this.words));
    setText(this.#phaseNote, phaseNote(view, this.words));
    setText(this.#eventLine, eventLine(view.event, this.words));
    this.#renderOutcome(view);
    this.#renderActions(buttonActions(view.actions), view.difficulty);
    this.#discards = discardBySlot(view.actions);
  }

  /** Shows or hides the "how to play" card; `onDone` runs when finished or skipped. */
  showHowTo(visible: boolean, onDone: () => void): void {
    this.#onHowToDone = onDone;
    if (visible && this.#howToCard.done) return;
    this.#howTo.hidden = !visible;
    if (visible) this.#drawHowTo();
  }

  #drawHowTo(): void {
    const card = this.#howToCard;
    this.#howToCount.textContent = `${card.index + 1} / ${HOW_TO_STEPS.length}`;
    this.#howToTitle.textContent = this.words.t(card.step.title);
    this.#howToText.textContent = this.words.t(card.step.text);
    this.#howToNext.textContent = this.words.t(
      card.last ? "howto.done" : "howto.next",
    );
    this.#howToSkip.hidden = card.last;
  }

  #howToStep(skip: boolean): void {
    if (skip) this.#howToCard.skip();
    else this.#howToCard.next();
    if (!this.#howToCard.done) {
      this.#drawHowTo();
      return;
    }
    this.#howTo.hidden = true;
    this.#onHowToDone();
  }

  #renderBackpack(view: PlayerView): void {
    const shown = view.backpack.length > 0 || view.phase === "playing" ||
      view.phase === "paused";
    this.#backpack.hidden = !shown;
    // Heat is left out: a cooling item must not cancel a hold under way.
    const key = JSON.stringify(
      view.backpack.map((item) => [item.ingredients, item.baked, item.burned]),
    );
    if (key === this.#backpackKey) return;
    this.#backpackKey = key;
    this.#slots.forEach((slot, index) => {
      const item = view.backpack[index];
      const words = this.words;
      const label = item ? itemWords(item, words) : words.t("backpack.empty");
      slot.cell.dataset.empty = String(!item);
      slot.cell.dataset.baked = String(!!item?.baked);
      slot.cell.dataset.burned = String(!!item?.burned);
      slot.icons.innerHTML = item
        ? item.ingredients.map(ingredientIcon).join("")
        : "";
      slot.label.textContent = item
        ? item.ingredients.map((name) => words.t(`ing.${name}`)).join(" + ")
        : words.t("backpack.empty");
      slot.cell.setAttribute(
        "aria-label",
        words.t(item ? "backpack.slot" : "backpack.empty_slot", {
          item: label,
        }),
      );
      slot.discard.hidden = !item;
      slot.discard.setAttribute(
        "aria-label",
        words.t("backpack.throw", { item: label }),
      );
      slot.cell.style.setProperty(
        "--ing",
        item ? ingredientStripe(item.ingredients) : "transparent",
      );
      slot.hold.up();
      slot.cell.style.setProperty("--hold", "0");
    });
  }

  #renderOutcome(view: PlayerView): void {
    const outcome = view.phase === "over" ? view.outcome : undefined;
    this.#gameOver.hidden = !outcome;
    if (!outcome) return;
    this.#gameOver.dataset.won = String(outcome.won);
    this.#overTitle.textContent = outcomeTitle(outcome, this.words);
    const grade = starGrade(outcome.stars, this.words);
    this.#overStars.textContent = grade.stars;
    this.#overStars.setAttribute("aria-label", grade.words);
    this.#overReason.textContent = outcomeReason(outcome, this.words);
    const rows = (view.team ?? []).map((row) => {
      const tr = el("tr", "");
      const name = el("td", "team-name");
      const dot = el("span", "team-mark", playerMark(row.color));
      dot.style.background = row.color;
      name.append(dot, document.createTextNode(row.name));
      tr.append(
        name,
        ...statsCells(row, this.words).map((cell) => el("td", "", cell)),
      );
      return tr;
    });
    this.#overTeam.replaceChildren(...rows);
  }

  /**
   * Updates the action buttons in place: a button under a finger is never
   * replaced just because another part of the view (e.g. the timer) changed.
   */
  #renderActions(actions: PlayerView["actions"], difficulty: number): void {
    const key = JSON.stringify([actions, difficulty, this.words.locale]);
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
          if (!id) return;
          const reason = created.dataset.reason;
          if (reason) this.toast(reason, "bad");
          else this.#onAction(id);
        });
        this.#buttons.set(action.id, created);
        button = created;
      }
      drawAction(button, {
        ingredients: action.ingredients ?? [],
        label: actionLabel(action, difficulty, this.words),
        hint: actionHint(action.say, this.words),
        reason: action.disabled ? hostWords(action.disabled, this.words) : "",
      });
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

  #makeSlot(index: number): Slot {
    const cell = el("div", "slot");
    cell.tabIndex = 0;
    cell.dataset.slot = String(index);
    const icons = el("span", "slot-icons");
    const label = el("span", "slot-label");
    const discard = el("button", "slot-discard", "✕");
    discard.type = "button";
    discard.dataset.slot = String(index);
    cell.append(icons, label, discard);
    const slot: Slot = { cell, icons, label, discard, hold: new HoldPress() };
    const fire = () => {
      const action = this.#discards.get(index);
      if (action) this.#onAction(action.id);
    };
    discard.addEventListener("click", (event) => {
      event.stopPropagation();
      fire();
    });
    discard.addEventListener("pointerdown", (event) => event.stopPropagation());
    let frame = 0;
    const draw = () => {
      const now = performance.now();
      cell.style.setProperty("--hold", slot.hold.progress(now).toFixed(3));
      if (slot.hold.tick(now)) {
        cell.dataset.holding = "false";
        fire();
        return;
      }
      if (slot.hold.holding) frame = requestAnimationFrame(draw);
    };
    const release = () => {
      cancelAnimationFrame(frame);
      slot.hold.up();
      cell.dataset.holding = "false";
      cell.style.setProperty("--hold", "0");
    };
    cell.addEventListener("pointerdown", (event) => {
      if (!this.#discards.has(index)) return;
      event.preventDefault();
      slot.hold.down(performance.now());
      cell.dataset.holding = "true";
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(draw);
    });
    for (const type of ["pointerup", "pointercancel", "pointerleave"]) {
      cell.addEventListener(type, release);
    }
    cell.addEventListener("contextmenu", (event) => event.preventDefault());
    return slot;
  }

  /** Says `lines` through the screen-reader region (each as its own paragraph). */
  announce(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const items = lines.map((line) => el("p", "", line));
    this.#announcer.append(...items);
    while (this.#announcer.childElementCount > 6) {
      this.#announcer.firstElementChild?.remove();
    }
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

  /** Shows the end screen with the words of a catalogue key. */
  showEnded(message: string): void {
    this.#endedText.textContent = this.words.t(message);
    this.show("ended");
  }
}

/** One backpack slot's elements and its hold-to-throw-away press. */
interface Slot {
  cell: HTMLElement;
  icons: HTMLElement;
  label: HTMLElement;
  discard: HTMLButtonElement;
  hold: HoldPress;
}

/** An action button's look: its icons and its words in the phone's language. */
interface DrawnAction {
  /** Ingredient ids, for icons. */
  ingredients: readonly string[];
  /** What the button says. */
  label: string;
  /** A line under the label ("" for none). */
  hint: string;
  /** Why it is greyed ("" when it is not). */
  reason: string;
}

/** Draws one action button: ingredient icons and colour, label, allergy reason. */
function drawAction(button: HTMLButtonElement, action: DrawnAction): void {
  const key = JSON.stringify(action);
  if (button.dataset.key === key) return;
  button.dataset.key = key;
  const ingredients = action.ingredients;
  const parts: HTMLElement[] = [];
  if (ingredients.length > 0) {
    const icons = el("span", "action-icons");
    icons.innerHTML = ingredients.map(ingredientIcon).join("");
    parts.push(icons);
  }
  const words = el("span", "action-words");
  words.append(el("span", "action-label", action.label));
  if (action.hint) words.append(el("span", "action-hint", action.hint));
  if (action.reason) {
    words.append(el("span", "action-reason", action.reason));
  }
  parts.push(words);
  button.replaceChildren(...parts);
  button.style.setProperty(
    "--ing",
    ingredients.length > 0 ? ingredientStripe(ingredients) : "transparent",
  );
  if (action.reason) {
    button.dataset.reason = action.reason;
    button.setAttribute("aria-disabled", "true");
  } else {
    delete button.dataset.reason;
    button.removeAttribute("aria-disabled");
  }
}

function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
  element.hidden = text === "";
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
export function stageText(stage: PhoneStage, words: Translator): string {
  switch (stage.kind) {
    case "idle":
      return "";
    case "server":
      return words.t(stage.attempt > 1 ? "connect.again" : "connect.game");
    case "joining":
      return words.t("connect.room");
    case "peer":
      return words.t("connect.big_screen");
    case "ready":
      return words.t(
        stage.path === "p2p" ? "connect.direct" : "connect.relayed",
      );
    case "hostAway":
    case "waitingHost":
    case "refused":
    case "unreachable":
    case "ended":
      return words.t(stage.message);
  }
}
