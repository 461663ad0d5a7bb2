/**
 * The houses' order bubbles on the TV: each open order as a bubble over its
 * house with the house's label, the wanted ingredients (a "!" while it waits
 * to be taken), gold when it must be baked, a time bar and the hourglass.
 * Where they go is `placeBubbles` (src/host/bubble_layout.ts): never over
 * each other, a pointer to the house when moved; a bubble over a chef fades.
 *
 * @module
 */
/// <reference lib="dom" />
import type * as Phaser from "phaser";
import {
  type GameState,
  type HouseStatus,
  houseStatuses,
  INGREDIENTS,
  TILE_SIZE_PX,
  WORLD_HEIGHT_PX,
  WORLD_WIDTH_PX,
} from "../../../game/mod.ts";
import { placeBubbles } from "../../../host/bubble_layout.ts";
import { type Rect, rectsOverlap } from "../../../host/layout_rect.ts";
import { LIFT_PX } from "./art.ts";
import { drawHourglass, drawIngredient } from "./food_art.ts";
import { BIG, canvasTexture, FONT, LABEL_DEPTH } from "./world_look.ts";

const T = TILE_SIZE_PX;
/** Size of one ingredient cell inside a bubble, px (before {@link BIG}). */
const CELL_PX = 30;
/** Height of a bubble's box, px (before {@link BIG}). */
const BOX_PX = 38;
/** Width of the house label badge at the box's left, px (before {@link BIG}). */
const BADGE_PX = 26;
/** Height of the time bar under the box, px. */
const BAR_PX = 12;
/** Length of the tail of a bubble right above its roof, px. */
const TAIL_PX = 12;
/** Alpha of a bubble over a chef. */
const FADED_ALPHA = 0.6;

interface Bubble {
  box: Phaser.GameObjects.Image;
  glass: Phaser.GameObjects.Image;
  bar: Phaser.GameObjects.Graphics;
  tail: Phaser.GameObjects.Graphics;
  key: string;
  drawKey: string;
  fill: number;
}

/** Draws the order bubbles of a town. */
export class OrderBubbles {
  #scene: Phaser.Scene;
  #bubbles = new Map<number, Bubble>();
  #areas: Rect[] = [];

  /** @param scene the town scene. */
  constructor(scene: Phaser.Scene) {
    this.#scene = scene;
  }

  /** Where the bubbles (box and time bar) are this frame: tags keep off them. */
  get areas(): readonly Rect[] {
    return this.#areas;
  }

  /** Removes every bubble (a new town). */
  clear(): void {
    for (const b of this.#bubbles.values()) {
      b.box.destroy();
      b.glass.destroy();
      b.bar.destroy();
      b.tail.destroy();
    }
    this.#bubbles.clear();
    this.#areas = [];
  }

  /**
   * Places and draws the bubbles of the open orders, keeping off `signs` where
   * there is room; a bubble over one of `bodies` (chefs) fades.
   */
  sync(
    state: GameState,
    time: number,
    signs: readonly Rect[],
    bodies: readonly Rect[],
  ): void {
    const open = (state.phase === "lobby" ? [] : houseStatuses(state))
      .filter((s) => s.stage !== "none")
      .sort((a, b) => (a.orderId ?? 0) - (b.orderId ?? 0));
    const shown = new Set(open.map((s) => s.houseId));
    for (const [id, b] of this.#bubbles) {
      if (shown.has(id)) continue;
      for (const part of [b.box, b.glass, b.bar, b.tail]) {
        part.setVisible(false);
      }
      b.key = "";
      b.drawKey = "";
    }
    const sprites = open.map((status) => this.#sprite(status));
    const anchors = open.map((status) => {
      const house = state.town.houses[status.houseId];
      return {
        anchorX: (house.rect.tx + house.rect.w / 2) * T,
        anchorY: house.rect.ty * T - LIFT_PX + 6,
      };
    });
    const spots = placeBubbles(
      open.map((_, i) => ({
        ...anchors[i],
        w: sprites[i].box.width,
        h: sprites[i].box.height + BAR_PX / 2,
      })),
      {
        area: {
          left: 0,
          top: 0,
          right: WORLD_WIDTH_PX,
          bottom: WORLD_HEIGHT_PX,
        },
        avoid: signs,
        tailPx: TAIL_PX,
      },
    );
    this.#areas = spots;
    open.forEach((status, i) => {
      const b = sprites[i];
      const spot = spots[i];
      const { anchorX, anchorY } = anchors[i];
      const boxBottom = spot.bottom - BAR_PX / 2;
      const midX = (spot.left + spot.right) / 2;
      b.box.setPosition(midX, boxBottom).setVisible(true);
      b.glass.setVisible(status.hourglass).setPosition(
        spot.right - 6,
        spot.top + 8,
      ).setScale(
        status.hourglass ? 1 + Math.sin(time * 0.014) * 0.12 : 1,
      );
      const bar = Math.round(status.progress * 50);
      const drawKey = [spot.left, spot.top, spot.tailX, anchorX, anchorY, bar]
        .map((v) => Math.round(v)).join(",");
      if (drawKey !== b.drawKey) {
        b.drawKey = drawKey;
        this.#drawTail(
          b,
          spot.tailX,
          boxBottom,
          anchorX,
          anchorY,
          spot.pointer,
        );
        this.#drawBar(
          b,
          midX,
          boxBottom,
          spot.right - spot.left,
          status.progress,
        );
      }
      const over = bodies.some((body) => rectsOverlap(spot, body));
      const alpha = over ? FADED_ALPHA : 1;
      for (const part of [b.box, b.glass, b.bar, b.tail]) part.setAlpha(alpha);
    });
  }

  #sprite(status: HouseStatus): Bubble {
    let b = this.#bubbles.get(status.houseId);
    if (!b) {
      const scene = this.#scene;
      const glassKey = canvasTexture(
        scene,
        "hourglass-big",
        Math.round(20 * BIG),
        Math.round(26 * BIG),
        (ctx) => {
          ctx.scale(BIG, BIG);
          drawHourglass(ctx);
        },
      );
      b = {
        box: scene.add.image(0, 0, "__DEFAULT").setOrigin(0.5, 1)
          .setDepth(LABEL_DEPTH - 10),
        glass: scene.add.image(0, 0, glassKey).setDepth(LABEL_DEPTH - 8),
        bar: scene.add.graphics().setDepth(LABEL_DEPTH - 9),
        tail: scene.add.graphics().setDepth(LABEL_DEPTH - 11),
        key: "",
        drawKey: "",
        fill: 0xffffff,
      };
      this.#bubbles.set(status.houseId, b);
    }
    const ordering = status.stage === "ordering";
    const cells = ordering
      ? []
      : status.wanted.map((name) => INGREDIENTS.indexOf(name));
    const baked = status.needsBaking && !ordering;
    const key = `${status.label}|${cells.join("")}|${baked}`;
    if (key !== b.key) {
      b.key = key;
      b.drawKey = "";
      b.fill = baked ? 0xffe08a : 0xffffff;
      b.box.setTexture(this.#boxTexture(status.label, cells, baked));
    }
    return b;
  }

  #drawTail(
    b: Bubble,
    tailX: number,
    boxBottom: number,
    anchorX: number,
    anchorY: number,
    pointer: boolean,
  ): void {
    const g = b.tail;
    g.clear();
    const half = pointer ? 6 : 7 * BIG;
    g.fillStyle(b.fill, 1);
    g.lineStyle(3, 0x1b1033, 1);
    g.beginPath();
    g.moveTo(tailX - half, boxBottom - 8);
    g.lineTo(anchorX, anchorY);
    g.lineTo(tailX + half, boxBottom - 8);
    g.closePath();
    g.fillPath();
    g.strokePath();
    if (pointer) {
      g.fillStyle(0x1b1033, 1).fillCircle(anchorX, anchorY, 6);
      g.fillStyle(b.fill, 1).fillCircle(anchorX, anchorY, 3);
    }
  }

  #drawBar(
    b: Bubble,
    midX: number,
    boxBottom: number,
    boxW: number,
    progress: number,
  ): void {
    const g = b.bar;
    g.clear();
    const w = Math.min(44 * BIG, boxW - 24);
    const left = 1 - progress;
    const y = boxBottom - BAR_PX / 2;
    g.fillStyle(0x1b1033, 0.95);
    g.fillRoundedRect(midX - w / 2 - 3, y, w + 6, BAR_PX, 5);
    g.fillStyle(left > 0.5 ? 0x38d97a : left > 0.25 ? 0xffb703 : 0xff5a5f, 1);
    g.fillRoundedRect(midX - w / 2, y + 3, Math.max(2, w * left), 6, 3);
  }

  /**
   * One texture per bubble look: the house's label in a dark badge, then
   * every wanted ingredient as its own icon (a "!" while the order waits to
   * be taken), gold when it must be baked. Drawn whole, at the big size.
   */
  #boxTexture(label: string, cells: number[], baked: boolean): string {
    const n = Math.max(1, cells.length);
    const boxW = BADGE_PX + 4 + n * CELL_PX + 8;
    const w = Math.round((boxW + 6) * BIG);
    const h = Math.round((BOX_PX + 6) * BIG);
    return canvasTexture(
      this.#scene,
      `order-${label}-${cells.join("")}-${baked ? "b" : "r"}`,
      w,
      h,
      (ctx) => {
        ctx.scale(BIG, BIG);
        const bx = 2;
        const by = 2;
        ctx.fillStyle = "rgba(0,0,0,0.25)";
        ctx.beginPath();
        ctx.roundRect(bx + 2, by + 3, boxW, BOX_PX, 12);
        ctx.fill();
        ctx.fillStyle = baked ? "#ffe08a" : "#ffffff";
        ctx.strokeStyle = "#1b1033";
        ctx.lineWidth = 3;
        ctx.beginPath();
        ctx.roundRect(bx, by, boxW, BOX_PX, 12);
        ctx.fill();
        ctx.stroke();
        const mid = by + BOX_PX / 2;
        // the house's label
        ctx.fillStyle = "#1b1033";
        ctx.beginPath();
        ctx.roundRect(bx + 5, by + 6, BADGE_PX, BOX_PX - 12, 8);
        ctx.fill();
        ctx.fillStyle = "#ffffff";
        ctx.font = `900 ${label.length > 1 ? 16 : 19}px ${FONT}`;
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillText(label, bx + 5 + BADGE_PX / 2, mid + 1);
        const first = bx + 5 + BADGE_PX + 4;
        if (cells.length === 0) {
          ctx.fillStyle = "#e63946";
          ctx.font = `900 30px ${FONT}`;
          ctx.fillText("!", first + CELL_PX / 2, mid + 1);
          return;
        }
        cells.forEach((index, i) => {
          drawIngredient(
            ctx,
            index,
            first + (i + 0.5) * CELL_PX,
            mid,
            CELL_PX * 0.4,
          );
        });
      },
    );
  }
}
