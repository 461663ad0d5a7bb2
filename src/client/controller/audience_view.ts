/**
 * The audience screen of the phone page: the game's numbers, the event
 * going on, the vote with a button per option, the open orders and the
 * reaction buttons. No joystick. Its words come from the phone's catalogue
 * (`watch.*`); the page's fixed words and the reactions' labels are
 * `data-i18n` marked, so `translatePage` words them.
 *
 * @module
 */
/// <reference lib="dom" />
import { REACTION_KINDS, type ReactionKind } from "../../protocol/mod.ts";
import type { AudienceScreen } from "../../phone/audience_session.ts";
import {
  audienceLines,
  optionWords,
  REACTION_EMOJI,
  reactionKey,
} from "../../phone/audience_words.ts";
import { Translator } from "../../phone/translator.ts";

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

/** The audience screen's DOM. */
export class AudienceView {
  /** The stop-watching button. */
  readonly leaveButton = byId<HTMLButtonElement>("watch-leave");
  #name = byId("watch-name");
  #money = byId("watch-money");
  #time = byId("watch-time");
  #strikes = byId("watch-strikes");
  #note = byId("watch-note");
  #event = byId("watch-event");
  #vote = byId("watch-vote");
  #voteTitle = byId("watch-vote-title");
  #options = byId("watch-options");
  #orders = byId("watch-orders");
  #promptShown = -1;
  #why = byId("watch-why");
  #reason = "";
  /** The words of the phone's language (set by the page when it loads one). */
  words: Translator = new Translator("en", {});

  /**
   * @param onVote Called with the option tapped.
   * @param onReact Called with the reaction tapped.
   */
  constructor(
    onVote: (option: number) => void,
    onReact: (kind: ReactionKind) => void,
  ) {
    const reactions = byId("watch-reactions");
    for (const kind of REACTION_KINDS) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "reaction";
      b.textContent = REACTION_EMOJI[kind];
      b.dataset.i18nLabel = reactionKey(kind);
      b.setAttribute("aria-label", kind);
      b.dataset.kind = kind;
      b.addEventListener("click", () => {
        onReact(kind);
        b.animate?.([{ transform: "scale(1.3)" }, { transform: "scale(1)" }], {
          duration: 200,
        });
      });
      reactions.append(b);
    }
    this.#options.addEventListener("click", (event) => {
      const b = (event.target as HTMLElement).closest("button");
      if (b?.dataset.option !== undefined) onVote(Number(b.dataset.option));
    });
  }

  /**
   * Says why this phone watches instead of playing: a catalogue key, or ""
   * when by choice.
   */
  setReason(key: string): void {
    this.#reason = key;
    this.#why.textContent = key ? this.words.t(key) : "";
    this.#why.hidden = key === "";
  }

  /** Draws what the audience sees now. */
  render(screen: AudienceScreen): void {
    this.#name.textContent = screen.name;
    this.setReason(this.#reason);
    const lines = audienceLines(screen.state, this.words);
    this.#money.textContent = lines.money;
    this.#time.textContent = lines.time;
    this.#strikes.textContent = lines.strikes;
    this.#note.hidden = lines.note === null;
    this.#note.textContent = lines.note ?? "";
    this.#event.hidden = lines.event === null;
    this.#event.textContent = lines.event ?? "";
    this.#orders.replaceChildren(
      ...(lines.orders.length > 0
        ? lines.orders
        : [this.words.t("watch.no_orders")]).map(
          (text) => {
            const li = document.createElement("li");
            li.textContent = text;
            return li;
          },
        ),
    );
    const prompt = screen.prompt;
    this.#vote.hidden = prompt === null;
    if (!prompt) return;
    this.#voteTitle.textContent = this.words.t(
      screen.voted !== null
        ? "watch.voted"
        : prompt.about === "event"
        ? "watch.vote_event"
        : "watch.vote_town",
    );
    if (this.#promptShown !== prompt.id) {
      this.#promptShown = prompt.id;
      this.#options.replaceChildren(
        ...prompt.options.map((o, i) => {
          const b = document.createElement("button");
          b.type = "button";
          b.className = "vote-option";
          b.dataset.option = String(i);
          const said = optionWords(o, this.words);
          const title = document.createElement("strong");
          title.textContent = said.title;
          const blurb = document.createElement("span");
          blurb.textContent = said.blurb;
          b.append(title, blurb);
          return b;
        }),
      );
    }
    for (
      const b of this.#options.querySelectorAll<HTMLButtonElement>("button")
    ) {
      const i = Number(b.dataset.option);
      b.disabled = screen.voted !== null;
      b.dataset.chosen = String(screen.voted === i);
    }
  }
}
