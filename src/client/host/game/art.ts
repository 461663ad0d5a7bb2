/**
 * The town's art, drawn by code on 2D canvases: the ground,
 * buildings, trees, kitchen furniture, characters and cars (the food is in
 * `food_art.ts`). Each function paints into a context the caller sized; the scene turns
 * the canvases into Phaser textures once.
 *
 * @module
 */
/// <reference lib="dom" />
import { TILE_SIZE_PX, TileKind, type Town } from "../../../game/mod.ts";
import {
  type Ctx,
  fillRoundRect,
  hash,
  roundRect,
  strokeWith,
} from "./art_paint.ts";
import { drawIngredient, INGREDIENT_COLORS } from "./food_art.ts";

/** Tile size in px (the engine's). */
const T = TILE_SIZE_PX;
/** How far walls, trees and roofs rise above their tile, in px. */
export const LIFT_PX = 18;

/** Roof colours of houses, picked by house id. */
const ROOF_COLORS = [
  "#d1495b",
  "#3d7dd8",
  "#8e5ad6",
  "#2a9d8f",
  "#e07a2e",
  "#c2406e",
];
/** Wall colours of houses, picked by house id. */
const WALL_COLORS = ["#fff1d6", "#f6e7ff", "#e3f6ff", "#fff6c8", "#ffe3e0"];

/** Car body colours, by vehicle id. */
export const CAR_COLORS: readonly string[] = [
  "#ff6b35",
  "#2ec4b6",
  "#ffbf00",
  "#6a4cff",
  "#ef476f",
];

/** Paints the static ground of the whole town (grass, roads, floors, flowers, lots). */
export function drawGround(ctx: Ctx, town: Town): void {
  const { widthTiles: W, heightTiles: H, tiles } = town;
  const kind = (tx: number, ty: number) =>
    tx < 0 || ty < 0 || tx >= W || ty >= H ? -1 : tiles[ty * W + tx];
  const isRoad = (tx: number, ty: number) => kind(tx, ty) === TileKind.Road;
  for (let ty = 0; ty < H; ty++) {
    for (let tx = 0; tx < W; tx++) {
      const k = kind(tx, ty);
      const x = tx * T;
      const y = ty * T;
      if (k === TileKind.Road) {
        ctx.fillStyle = "#565b6b";
        ctx.fillRect(x, y, T, T);
        ctx.fillStyle = "#4d5261";
        for (let i = 0; i < 4; i++) {
          ctx.fillRect(
            x + hash(tx, ty, i) * 28,
            y + hash(ty, tx, i) * 28,
            3,
            3,
          );
        }
      } else if (
        k === TileKind.Floor || k === TileKind.Table || k === TileKind.Oven
      ) {
        ctx.fillStyle = (tx + ty) % 2 === 0 ? "#f4e7cf" : "#e2cfa9";
        ctx.fillRect(x, y, T, T);
      } else {
        ctx.fillStyle = (tx + ty) % 2 === 0 ? "#74c655" : "#6dbf4f";
        ctx.fillRect(x, y, T, T);
        ctx.fillStyle = "#5fae44";
        for (let i = 0; i < 3; i++) {
          const gx = x + 3 + hash(tx, ty, i) * 24;
          const gy = y + 6 + hash(ty, tx, i + 7) * 22;
          ctx.fillRect(gx, gy, 2, 5);
          ctx.fillRect(gx + 3, gy + 1, 2, 4);
        }
        if (k === TileKind.House || k === TileKind.Store) {
          ctx.fillStyle = "#c9b79a";
          ctx.fillRect(x, y, T, T);
        }
        if (k === TileKind.Flowers) {
          const petals = ["#ff7eb6", "#fff275", "#ffffff", "#b388ff"];
          for (let i = 0; i < 4; i++) {
            const fx = x + 5 + hash(tx, ty, i + 3) * 22;
            const fy = y + 5 + hash(ty, tx, i + 5) * 22;
            ctx.fillStyle = petals[(tx + ty + i) % petals.length];
            for (let p = 0; p < 4; p++) {
              const a = (p * Math.PI) / 2;
              ctx.beginPath();
              ctx.arc(
                fx + Math.cos(a) * 2.5,
                fy + Math.sin(a) * 2.5,
                2.2,
                0,
                Math.PI * 2,
              );
              ctx.fill();
            }
            ctx.fillStyle = "#ffb703";
            ctx.fillRect(fx - 1, fy - 1, 2, 2);
          }
        }
      }
    }
  }
  // curbs and lane markings
  for (let ty = 0; ty < H; ty++) {
    for (let tx = 0; tx < W; tx++) {
      if (!isRoad(tx, ty)) continue;
      const x = tx * T;
      const y = ty * T;
      ctx.fillStyle = "#b8bcc8";
      if (!isRoad(tx, ty - 1)) ctx.fillRect(x, y, T, 3);
      if (!isRoad(tx, ty + 1)) ctx.fillRect(x, y + T - 3, T, 3);
      if (!isRoad(tx - 1, ty)) ctx.fillRect(x, y, 3, T);
      if (!isRoad(tx + 1, ty)) ctx.fillRect(x + T - 3, y, 3, T);
      const horizontal = isRoad(tx - 1, ty) && isRoad(tx + 1, ty) &&
        !(isRoad(tx, ty - 1) && isRoad(tx, ty + 1));
      const vertical = isRoad(tx, ty - 1) && isRoad(tx, ty + 1) &&
        !(isRoad(tx - 1, ty) && isRoad(tx + 1, ty));
      ctx.fillStyle = "rgba(255, 244, 200, 0.55)";
      if (horizontal && tx % 2 === 0) ctx.fillRect(x + 6, y + T / 2 - 1, 20, 3);
      if (vertical && ty % 2 === 0) ctx.fillRect(x + T / 2 - 1, y + 6, 3, 20);
    }
  }
}

/**
 * Canvas size in px of a building of `w` x `h` tiles, after painting the
 * shadow it casts on the ground.
 */
function groundShadow(
  ctx: Ctx,
  w: number,
  h: number,
): { W: number; H: number } {
  const W = w * T;
  const H = h * T + LIFT_PX;
  fillRoundRect(ctx, "rgba(0,0,0,0.22)", 3, H - 10, W - 6, 10, 4);
  return { W, H };
}

/** Which side of a building its door is on. */
export type Side = "up" | "down" | "left" | "right";

/** Paints a house of `w` x `h` tiles (canvas `w*T` x `h*T + LIFT_PX`). */
export function drawHouse(
  ctx: Ctx,
  w: number,
  h: number,
  id: number,
  door: Side,
): void {
  const { W, H } = groundShadow(ctx, w, h);
  const roof = ROOF_COLORS[id % ROOF_COLORS.length];
  const wall = WALL_COLORS[(id * 7) % WALL_COLORS.length];
  const wallTop = H * 0.52;
  // front wall
  fillRoundRect(ctx, wall, 4, wallTop - 4, W - 8, H - wallTop, 3);
  strokeWith(ctx, "#3b2f4a", 2);
  // windows
  ctx.fillStyle = "#7fd3ff";
  const wy = wallTop + 6;
  for (const wx of [10, W - 22]) {
    roundRect(ctx, wx, wy, 12, 11, 2);
    ctx.fill();
    strokeWith(ctx, "#3b2f4a", 1.5);
  }
  // door
  ctx.fillStyle = "#8a4b2a";
  if (door === "down") {
    roundRect(ctx, W / 2 - 6, H - 19, 12, 17, 3);
    ctx.fill();
    ctx.fillStyle = "#ffd166";
    ctx.fillRect(W / 2 + 2, H - 11, 2, 2);
  }
  // roof
  ctx.fillStyle = roof;
  ctx.beginPath();
  ctx.moveTo(0, wallTop + 2);
  ctx.lineTo(8, 4);
  ctx.lineTo(W - 8, 4);
  ctx.lineTo(W, wallTop + 2);
  ctx.closePath();
  ctx.fill();
  strokeWith(ctx, "#2b2138", 2.5);
  ctx.strokeStyle = "rgba(255,255,255,0.25)";
  ctx.lineWidth = 2;
  for (let yy = 12; yy < wallTop; yy += 7) {
    ctx.beginPath();
    ctx.moveTo(6, yy);
    ctx.lineTo(W - 6, yy);
    ctx.stroke();
  }
  // chimney
  ctx.fillStyle = "#6d4c41";
  ctx.fillRect(W - 20, 0, 8, 10);
  // door marks on other sides: a step
  ctx.fillStyle = "#8a4b2a";
  if (door === "up") ctx.fillRect(W / 2 - 7, 2, 14, 6);
  if (door === "left") ctx.fillRect(2, H - 22, 6, 16);
  if (door === "right") ctx.fillRect(W - 8, H - 22, 6, 16);
}

/** Paints a store (canvas `w*T` x `h*T + LIFT_PX`): awning in its ingredient colour, sign with icon and price. */
export function drawStore(
  ctx: Ctx,
  size: { w: number; h: number },
  store: { ingredient: number; price: number },
): void {
  const { w } = size;
  const { W, H } = groundShadow(ctx, w, size.h);
  const { ingredient, price } = store;
  const color = INGREDIENT_COLORS[ingredient];
  // building body
  fillRoundRect(ctx, "#fbf4e6", 3, 10, W - 6, H - 12, 4);
  strokeWith(ctx, "#2b2138", 2.5);
  // shop window and door
  fillRoundRect(ctx, "#8fdcff", 9, H - 26, W * 0.45, 18, 3);
  fillRoundRect(ctx, "#6b3e26", W - 30, H - 28, 16, 26, 3);
  // striped awning
  const aw = H - 38;
  for (let i = 0; i < w * 4; i++) {
    ctx.fillStyle = i % 2 === 0 ? color : "#ffffff";
    ctx.beginPath();
    const sx = 2 + i * ((W - 4) / (w * 4));
    const sw = (W - 4) / (w * 4);
    ctx.moveTo(sx, aw);
    ctx.lineTo(sx + sw, aw);
    ctx.lineTo(sx + sw, aw + 9);
    ctx.arc(sx + sw / 2, aw + 9, sw / 2, 0, Math.PI);
    ctx.closePath();
    ctx.fill();
  }
  ctx.strokeStyle = "#2b2138";
  ctx.lineWidth = 2;
  ctx.strokeRect(2, aw, W - 4, 9);
  // sign board on top
  fillRoundRect(ctx, "#2b2138", 4, 0, W - 8, aw - 2, 8);
  drawIngredient(ctx, ingredient, 22, (aw - 2) / 2 + 1, 15);
  // price tag: coin + number
  const coinX = W - 40;
  const cy = (aw - 2) / 2;
  ctx.fillStyle = "#ffd23f";
  ctx.beginPath();
  ctx.arc(coinX, cy, 9, 0, Math.PI * 2);
  ctx.fill();
  strokeWith(ctx, "#b8860b", 2);
  ctx.fillStyle = "#ffffff";
  ctx.font = "900 22px system-ui, sans-serif";
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  ctx.fillText(String(price), coinX + 13, cy + 1);
}

/** Paints a tree (canvas `T` x `T + LIFT_PX`). */
export function drawTree(ctx: Ctx, variant: number): void {
  const H = T + LIFT_PX;
  ctx.fillStyle = "rgba(0,0,0,0.2)";
  ctx.beginPath();
  ctx.ellipse(T / 2, H - 5, 13, 5, 0, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = "#7a4a2a";
  ctx.fillRect(T / 2 - 3, H - 18, 6, 14);
  const greens = variant % 2 === 0
    ? ["#2f8f46", "#3fae57", "#62c76f"]
    : ["#1f7a55", "#2e9c6a", "#4fc28a"];
  const blobs: Array<[number, number, number]> = [[16, 18, 12], [9, 23, 9], [
    23,
    23,
    9,
  ], [16, 11, 9]];
  ctx.strokeStyle = "#1b4d2e";
  ctx.lineWidth = 2;
  for (const [x, y, r] of blobs) {
    ctx.fillStyle = greens[0];
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
  }
  for (const [x, y, r] of blobs) {
    ctx.fillStyle = greens[1];
    ctx.beginPath();
    ctx.arc(x, y - 1, r - 2, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.fillStyle = greens[2];
  ctx.beginPath();
  ctx.arc(12, 10, 4, 0, Math.PI * 2);
  ctx.fill();
}

/** Paints a kitchen wall tile (canvas `T` x `T + LIFT_PX`); `below` = wall continues down. */
export function drawWall(ctx: Ctx, below: boolean): void {
  const H = T + LIFT_PX;
  ctx.fillStyle = "#b5523b";
  ctx.fillRect(0, LIFT_PX - 4, T, H - LIFT_PX + 4);
  ctx.fillStyle = "#8e3b2a";
  for (let row = 0; row < 4; row++) {
    const y = LIFT_PX - 2 + row * 8;
    ctx.fillRect(0, y, T, 1.5);
    const off = row % 2 === 0 ? 0 : 8;
    for (let x = off; x < T; x += 16) ctx.fillRect(x, y, 1.5, 8);
  }
  ctx.fillStyle = "#e8d3b0";
  ctx.fillRect(0, 0, T, LIFT_PX - 2);
  ctx.fillStyle = "#cbb38b";
  ctx.fillRect(0, LIFT_PX - 4, T, 3);
  if (below) {
    ctx.fillStyle = "#e8d3b0";
    ctx.fillRect(0, 0, T, H);
    ctx.fillStyle = "#cbb38b";
    ctx.fillRect(0, 0, 2, H);
    ctx.fillRect(T - 2, 0, 2, H);
  }
}

/** Paints a kitchen table (canvas `T` x `T + LIFT_PX`). */
export function drawTable(ctx: Ctx): void {
  const top = LIFT_PX - 6;
  ctx.fillStyle = "rgba(0,0,0,0.2)";
  ctx.fillRect(3, T + LIFT_PX - 6, T - 6, 5);
  ctx.fillStyle = "#8a5a33";
  ctx.fillRect(4, top + 20, 4, T + 6 - 20);
  ctx.fillRect(T - 8, top + 20, 4, T + 6 - 20);
  fillRoundRect(ctx, "#c98b4f", 1, top, T - 2, 24, 4);
  strokeWith(ctx, "#5b3a1e", 2);
  ctx.fillStyle = "#e0a86c";
  ctx.fillRect(4, top + 4, T - 8, 3);
}

/** Paints an oven (canvas `T` x `T + LIFT_PX`), its window glowing when `hot`. */
export function drawOven(ctx: Ctx, hot: boolean): void {
  const H = T + LIFT_PX;
  ctx.fillStyle = "rgba(0,0,0,0.25)";
  ctx.fillRect(2, H - 6, T - 4, 5);
  fillRoundRect(ctx, "#5c6270", 1, LIFT_PX - 8, T - 2, H - LIFT_PX + 6, 5);
  strokeWith(ctx, "#22252e", 2);
  ctx.fillStyle = "#868d9c";
  ctx.fillRect(3, LIFT_PX - 6, T - 6, 6);
  fillRoundRect(
    ctx,
    hot ? "#ff8c1a" : "#2a2d36",
    6,
    LIFT_PX + 4,
    T - 12,
    16,
    3,
  );
  if (hot) {
    ctx.fillStyle = "#ffd23f";
    ctx.fillRect(9, LIFT_PX + 13, T - 18, 4);
  }
  ctx.fillStyle = "#c8ccd6";
  ctx.fillRect(8, LIFT_PX + 1, T - 16, 2);
  ctx.fillStyle = "#e63946";
  ctx.beginPath();
  ctx.arc(8, LIFT_PX - 3, 2, 0, Math.PI * 2);
  ctx.arc(T - 8, LIFT_PX - 3, 2, 0, Math.PI * 2);
  ctx.fill();
}

/** Which way a drawn character looks. */
export type Look = "down" | "up" | "side";

/** Size of a character canvas, in px. */
export const CHARACTER_SIZE = { w: 36, h: 46 } as const;

/** Paints a chef character in `color` (canvas CHARACTER_SIZE), feet at the bottom centre. */
export function drawCharacter(ctx: Ctx, color: string, look: Look): void {
  const { w, h } = CHARACTER_SIZE;
  const cx = w / 2;
  ctx.fillStyle = "rgba(0,0,0,0.25)";
  ctx.beginPath();
  ctx.ellipse(cx, h - 4, 12, 4, 0, 0, Math.PI * 2);
  ctx.fill();
  ctx.lineWidth = 2.5;
  ctx.strokeStyle = "#1b1033";
  // body
  fillRoundRect(ctx, color, cx - 11, h - 26, 22, 22, 9);
  ctx.stroke();
  // apron
  if (look !== "up") {
    fillRoundRect(ctx, "rgba(255,255,255,0.85)", cx - 6, h - 20, 12, 13, 3);
  }
  // head
  ctx.fillStyle = "#ffd9b8";
  ctx.beginPath();
  ctx.arc(cx, h - 30, 10, 0, Math.PI * 2);
  ctx.fill();
  ctx.stroke();
  // chef hat
  ctx.fillStyle = "#ffffff";
  ctx.beginPath();
  ctx.arc(cx - 5, h - 41, 5.5, 0, Math.PI * 2);
  ctx.arc(cx + 5, h - 41, 5.5, 0, Math.PI * 2);
  ctx.arc(cx, h - 44, 6, 0, Math.PI * 2);
  ctx.fill();
  ctx.lineWidth = 2;
  ctx.stroke();
  ctx.fillRect(cx - 8, h - 41, 16, 5);
  ctx.strokeRect(cx - 8, h - 41, 16, 5);
  ctx.fillStyle = color;
  ctx.fillRect(cx - 7, h - 38, 14, 2);
  // face
  ctx.fillStyle = "#1b1033";
  if (look === "down") {
    ctx.fillRect(cx - 5, h - 31, 3, 4);
    ctx.fillRect(cx + 2, h - 31, 3, 4);
    ctx.fillStyle = "#ff8a8a";
    ctx.fillRect(cx - 8, h - 27, 3, 2);
    ctx.fillRect(cx + 5, h - 27, 3, 2);
  } else if (look === "side") {
    ctx.fillRect(cx + 4, h - 31, 3, 4);
    ctx.fillStyle = "#ff8a8a";
    ctx.fillRect(cx + 2, h - 27, 3, 2);
  }
}

/** Size of a car canvas, in px (horizontal; vertical swaps). */
export const CAR_SIZE = { long: 44, short: 28 } as const;

/** Paints a car seen from above, pointing right (horizontal) or down. */
export function drawCar(ctx: Ctx, color: string, horizontal: boolean): void {
  const { long, short } = CAR_SIZE;
  ctx.save();
  if (!horizontal) {
    ctx.translate(short, 0);
    ctx.rotate(Math.PI / 2);
  }
  fillRoundRect(ctx, "rgba(0,0,0,0.25)", 3, 5, long - 4, short - 4, 8);
  ctx.fillStyle = "#1b1033";
  for (
    const [x, y] of [[7, 1], [long - 15, 1], [7, short - 6], [
      long - 15,
      short - 6,
    ]]
  ) {
    roundRect(ctx, x, y, 9, 5, 2);
    ctx.fill();
  }
  fillRoundRect(ctx, color, 1, 3, long - 2, short - 6, 9);
  strokeWith(ctx, "#1b1033", 2.5);
  fillRoundRect(ctx, "#bfe9ff", long - 17, 7, 8, short - 14, 3);
  roundRect(ctx, 8, 8, 6, short - 16, 3);
  ctx.fill();
  fillRoundRect(ctx, "rgba(255,255,255,0.35)", 15, 7, long - 33, short - 14, 4);
  ctx.fillStyle = "#fff6a8";
  ctx.fillRect(long - 4, 6, 3, 4);
  ctx.fillRect(long - 4, short - 10, 3, 4);
  // pizza box on the roof
  ctx.fillStyle = "#e9c46a";
  ctx.fillRect(18, 9, 9, short - 18);
  ctx.restore();
}
