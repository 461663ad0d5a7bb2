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

  /** Draws the board (shown once someone watches or a vote is open). */
  render(board: AudienceBoard): void {
    const key = JSON.stringify(board);
    if (key === this.#key) return;
    this.#key = key;
    this.#root.hidden = board.watching === 0 && board.vote === null &&
      board.news === null;
    this.#count.textContent = String(board.watching);
    this.#news.hidden = board.news === null;
    this.#news.textContent = board.news ?? "";
    this.#vote.hidden = board.vote === null;
    if (board.vote) {
      const left = board.vote.leftS === null ? "" : ` · ${board.vote.leftS} s`;
      this.#voteTitle.textContent = `${board.vote.title}${left}`;
      this.#options.replaceChildren(...board.vote.options.map((o) => {
        const li = document.createElement("li");
        const name = document.createElement("span");
        name.textContent = o.title;
        const n = document.createElement("b");
        n.textContent = String(o.count);
        li.style.setProperty("--share", `${Math.round(o.share * 100)}%`);
        li.append(name, n);
        return li;
      }));
    }
    this.#bubbles.replaceChildren(...board.bubbles.map((b) => {
      const li = document.createElement("li");
      li.dataset.kind = b.kind;
      li.textContent = `${REACTION_EMOJI[b.kind]} ${b.count}`;
      return li;
    }));
  }
}
