/**
 * The host page's order list beside the town: one card per open order with
 * the house's label (as on its bubble), the pizza as separate ingredient
 * icons (drawn with the game's art), a "baked" mark, the seconds left, who
 * took it and who may carry it. Redraws only when the rows change; the cards
 * shrink a step at a time until every open order fits (a TV cannot scroll).
 * Each card carries `data-` attributes (order id, house, stage, ingredients)
 * that the browser tests read.
 *
 * @module
 */
/// <reference lib="dom" />
import { type Ingredient, INGREDIENTS } from "../../game/mod.ts";
import type { OrderRow } from "../../host/order_rows.ts";
import { drawIngredient } from "./game/food_art.ts";
import { fitList } from "./fit_list.ts";
import { tvWords } from "./tv_words.ts";

/** Size of the icon canvases, px (drawn once, scaled by CSS). */
const ICON_PX = 96;

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`Host page is missing #${id}`);
  return element as T;
}

/** Draws the order rows into `#orders`. */
export class OrderListView {
  #list = byId<HTMLOListElement>("orders");
  #empty = byId("orders-empty");
  #count = byId("order-count");
  #icons = new Map<Ingredient, string>();
  #key = "";
  #rows: readonly OrderRow[] = [];

  constructor() {
    new ResizeObserver(() => fitList(this.#list)).observe(this.#list);
  }

  /** Shows `rows` (does nothing when they are the same as last time). */
  render(rows: readonly OrderRow[]): void {
    const key = JSON.stringify([tvWords.locale, tvWords.t("orders.ask"), rows]);
    if (key === this.#key) return;
    this.#key = key;
    this.#rows = rows;
    this.#count.textContent = tvWords.number(rows.length);
    this.#empty.hidden = rows.length > 0;
    this.#list.replaceChildren(...rows.map((row) => this.#card(row)));
    fitList(this.#list);
  }

  /** Draws the same rows again in the language now in use. */
  refreshWords(): void {
    this.render(this.#rows);
  }

  #card(row: OrderRow): HTMLLIElement {
    const card = document.createElement("li");
    card.className = "order";
    card.dataset.orderId = String(row.id);
    card.dataset.house = row.house;
    card.dataset.stage = row.stage;
    card.dataset.ingredients = row.ingredients.join(" ");
    card.dataset.hurry = String(row.hurry);
    const top = document.createElement("div");
    top.className = "order-top";
    const house = document.createElement("span");
    house.className = "order-house";
    house.textContent = row.house;
    house.title = tvWords.t("orders.house", { house: row.house });
    top.append(house);
    if (row.stage === "ordering") {
      const ask = document.createElement("span");
      ask.className = "order-ask";
      ask.textContent = tvWords.t("orders.ask");
      top.append(ask);
    } else {
      const icons = document.createElement("span");
      icons.className = "order-icons";
      for (const name of row.ingredients) {
        const img = document.createElement("img");
        img.className = "order-icon";
        img.src = this.#icon(name);
        img.alt = tvWords.t(`ing.${name}`);
        img.title = img.alt;
        img.dataset.ingredient = name;
        icons.append(img);
      }
      top.append(icons);
      if (row.needsBaking) {
        const baked = document.createElement("span");
        baked.className = "order-baked";
        baked.textContent = tvWords.t("orders.baked");
        top.append(baked);
      }
    }
    const time = document.createElement("span");
    time.className = "order-time";
    time.textContent = tvWords.clock(row.secondsLeft);
    top.append(time);
    card.append(top);
    if (row.stage === "waiting") {
      const who = document.createElement("div");
      who.className = "order-who";
      const words = (className: string, text: string) => {
        const span = document.createElement("span");
        span.className = className;
        span.textContent = text;
        who.append(span);
      };
      if (row.takenBy) {
        words(
          "order-taker",
          tvWords.t("orders.taken_by", { name: row.takenBy }),
        );
      }
      if (row.anyone) words("order-carry", tvWords.t("orders.anyone"));
      else words("order-carry-label", tvWords.t("orders.carry"));
      if (row.carriers.length === 0) {
        words("order-carry", tvWords.t("orders.nobody"));
      }
      for (const carrier of row.anyone ? [] : row.carriers) {
        const tag = document.createElement("span");
        tag.className = "order-carrier";
        tag.style.setProperty("--c", carrier.color);
        tag.title = carrier.name;
        const name = document.createElement("span");
        name.className = "order-carrier-name";
        name.textContent = carrier.name;
        tag.append(name);
        who.append(tag);
      }
      card.append(who);
    }
    return card;
  }

  #icon(name: Ingredient): string {
    const known = this.#icons.get(name);
    if (known) return known;
    const canvas = document.createElement("canvas");
    canvas.width = ICON_PX;
    canvas.height = ICON_PX;
    const ctx = canvas.getContext("2d");
    if (ctx) {
      drawIngredient(
        ctx,
        INGREDIENTS.indexOf(name),
        ICON_PX / 2,
        ICON_PX / 2,
        ICON_PX * 0.42,
      );
    }
    const url = canvas.toDataURL();
    this.#icons.set(name, url);
    return url;
  }
}
