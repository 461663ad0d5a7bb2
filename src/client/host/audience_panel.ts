/**
 * The TV's audience panel, in the sidebar (never over the map's orders or
 * the order list): how many watch, the event going on, the open vote with
 * its counts, and the reactions as one bubble per kind with a count.
 *
 * @module
 */
/// <reference lib="dom" />
import type { AudienceBoard } from "../../host/audience_feed.ts";
import { REACTION_EMOJI } from "../../phone/audience_words.ts";
import { tvWords } from "./tv_words.ts";

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

/** The audience panel's DOM; redraws only what changed. */
export class AudiencePanel {
  #root = byId("audience");
  #count = byId("audience-count");
  #news = byId("audience-news");
  #vote = byId("audience-vote");
  #voteTitle = byId("audience-vote-title");
  #options = byId("audience-options");
  #bubbles = byId("audience-bubbles");
  #key = "";
  #board: AudienceBoard | null = null;

  /** Draws the same board again in the language now in use. */
  refreshWords(): void {
    if (this.#board) this.render(this.#board);
  }

  /** Draws the board (shown while someone watches). */
  render(board: AudienceBoard): void {
    const key = JSON.stringify([
      tvWords.locale,
      tvWords.t("room.audience"),
      board,
    ]);
    if (key === this.#key) return;
    this.#key = key;
    this.#board = board;
    // Nobody watching: nobody votes or reacts, and the players' list keeps the room.
    this.#root.hidden = board.watching === 0;
    this.#count.textContent = tvWords.number(board.watching);
    this.#news.hidden = board.news === null;
    this.#news.textContent = board.news === null
      ? ""
      : tvWords.t(`event.${board.news}.news`);
    this.#vote.hidden = board.vote === null;
    if (board.vote) {
      const { about, leftS } = board.vote;
      this.#voteTitle.textContent = leftS === null
        ? tvWords.t(`vote.${about}`)
        : tvWords.t(`vote.${about}.left`, { seconds: leftS });
      this.#options.replaceChildren(...board.vote.options.map((o) => {
        const li = document.createElement("li");
        const name = document.createElement("span");
        name.textContent = tvWords.t(
          about === "event" ? `event.${o.id}.title` : `town.${o.id}`,
        );
        const n = document.createElement("b");
        n.textContent = tvWords.number(o.count);
        li.style.setProperty("--share", `${Math.round(o.share * 100)}%`);
        li.append(name, n);
        return li;
      }));
    }
    this.#bubbles.replaceChildren(...board.bubbles.map((b) => {
      const li = document.createElement("li");
      li.dataset.kind = b.kind;
      li.textContent = `${REACTION_EMOJI[b.kind]} ${tvWords.number(b.count)}`;
      return li;
    }));
  }
}
