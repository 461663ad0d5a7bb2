/**
 * The phone's order strip (`#order-strip`): one row, all round long, with a
 * small chip per order this player may carry (swipe for more), with the house's label as on the TV, the pizza's icons
 * (a "!" while it waits to be taken), a gold edge when it must be baked, the
 * time left, and the player's own order first and highlighted. What the
 * chips say is `stripChips` (src/phone/order_strip.ts).
 *
 * @module
 */
/// <reference lib="dom" />
import type { PlayerView } from "../../protocol/mod.ts";
import { ingredientIcon } from "../../phone/ingredient_look.ts";
import { stripChips } from "../../phone/order_strip.ts";
import type { Translator } from "../../phone/translator.ts";

/** Draws the order strip into its element. */
export class OrderStripView {
  #root: HTMLElement;
  #key = "";

  /** @param root the strip's element. */
  constructor(root: HTMLElement) {
    this.#root = root;
  }

  /** Shows the orders of `view` (redraws only when something shown changed). */
  render(view: PlayerView, words: Translator): void {
    const chips = stripChips(view, words);
    const inRound = view.phase === "playing" || view.phase === "paused";
    const key = JSON.stringify([inRound, chips]);
    if (key === this.#key) return;
    this.#key = key;
    // Shown the whole round, one row high, so that the joystick below never
    // moves under a thumb when an order comes or goes.
    this.#root.hidden = !inRound;
    if (chips.length === 0) {
      const none = document.createElement("span");
      none.className = "chip-none";
      none.textContent = words.t("strip.none");
      this.#root.replaceChildren(none);
      return;
    }
    this.#root.replaceChildren(...chips.map((chip) => {
      const item = document.createElement("div");
      item.className = "chip";
      item.dataset.mine = String(chip.mine);
      item.dataset.baked = String(chip.baked);
      item.dataset.hurry = String(chip.hurry);
      item.dataset.house = chip.house;
      item.setAttribute("aria-label", chip.words);
      const house = document.createElement("span");
      house.className = "chip-house";
      house.textContent = chip.house;
      const icons = document.createElement("span");
      icons.className = "chip-icons";
      if (chip.ordering) icons.textContent = "!";
      else icons.innerHTML = chip.ingredients.map(ingredientIcon).join("");
      const time = document.createElement("span");
      time.className = "chip-time";
      time.textContent = chip.time;
      item.append(house, icons, time);
      return item;
    }));
  }
}
