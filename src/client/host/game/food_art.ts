/**
 * The food art, drawn by code on 2D canvases: ingredient icons, items and
 * pizzas (raw, baked, burned), the hourglass and the coin. Used by the town
 * scene, the HUD and the order list.
 *
 * @module
 */
/// <reference lib="dom" />
import { INGREDIENTS } from "../../../game/mod.ts";
import { type Ctx, fillRoundRect, strokeWith } from "./art_paint.ts";

/** Colours of the ingredients, in engine order, for icons and toppings. */
export const INGREDIENT_COLORS: readonly string[] = [
  "#f3d9a4", // dough
  "#e63946", // tomato
  "#ffd23f", // cheese
  "#3fa34d", // spice
  "#9c6b4e", // mushroom
];

/** Paints an ingredient icon centred on (cx, cy) with radius r. */
export function drawIngredient(
  ctx: Ctx,
  index: number,
  cx: number,
  cy: number,
  r: number,
): void {
  ctx.save();
  ctx.translate(cx, cy);
  ctx.lineWidth = Math.max(1.5, r * 0.14);
  ctx.strokeStyle = "#2b2138";
  switch (INGREDIENTS[index]) {
    case "dough": {
      ctx.fillStyle = "#f3d9a4";
      ctx.beginPath();
      ctx.ellipse(0, r * 0.15, r * 0.95, r * 0.7, 0, 0, Math.PI * 2);
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = "#fff3d6";
      ctx.beginPath();
      ctx.ellipse(-r * 0.3, -r * 0.1, r * 0.3, r * 0.16, -0.4, 0, Math.PI * 2);
      ctx.fill();
      break;
    }
    case "tomato": {
      ctx.fillStyle = "#e63946";
      ctx.beginPath();
      ctx.arc(0, r * 0.1, r * 0.85, 0, Math.PI * 2);
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = "#3fa34d";
      ctx.beginPath();
      for (let i = 0; i < 5; i++) {
        const a = (i / 5) * Math.PI * 2 - Math.PI / 2;
        ctx.lineTo(Math.cos(a) * r * 0.45, -r * 0.6 + Math.sin(a) * r * 0.25);
        ctx.lineTo(
          Math.cos(a + 0.6) * r * 0.12,
          -r * 0.6 + Math.sin(a + 0.6) * r * 0.08,
        );
      }
      ctx.closePath();
      ctx.fill();
      ctx.fillStyle = "rgba(255,255,255,0.5)";
      ctx.beginPath();
      ctx.arc(-r * 0.35, -r * 0.05, r * 0.18, 0, Math.PI * 2);
      ctx.fill();
      break;
    }
    case "cheese": {
      ctx.fillStyle = "#ffd23f";
      ctx.beginPath();
      ctx.moveTo(-r * 0.9, r * 0.6);
      ctx.lineTo(r * 0.9, r * 0.6);
      ctx.lineTo(r * 0.9, -r * 0.1);
      ctx.lineTo(-r * 0.6, -r * 0.7);
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = "#e9b10a";
      for (
        const [hx, hy, hr] of [[-0.2, 0.2, 0.17], [0.45, 0.25, 0.12], [
          0.3,
          -0.15,
          0.1,
        ]]
      ) {
        ctx.beginPath();
        ctx.arc(hx * r, hy * r, hr * r, 0, Math.PI * 2);
        ctx.fill();
      }
      break;
    }
    case "spice": {
      ctx.fillStyle = "#3fa34d";
      for (
        const [lx, ly, rot] of [[-0.3, 0.1, -0.6], [0.3, 0.05, 0.6], [
          0,
          -0.35,
          0,
        ]]
      ) {
        ctx.beginPath();
        ctx.ellipse(lx * r, ly * r, r * 0.28, r * 0.55, rot, 0, Math.PI * 2);
        ctx.fill();
        ctx.stroke();
      }
      ctx.strokeStyle = "#1f6b2c";
      ctx.beginPath();
      ctx.moveTo(0, r * 0.85);
      ctx.lineTo(0, r * 0.2);
      ctx.stroke();
      break;
    }
    case "mushroom": {
      fillRoundRect(
        ctx,
        "#f2e6d8",
        -r * 0.28,
        -r * 0.05,
        r * 0.56,
        r * 0.85,
        r * 0.15,
      );
      ctx.stroke();
      ctx.fillStyle = "#9c6b4e";
      ctx.beginPath();
      ctx.ellipse(0, -r * 0.1, r * 0.9, r * 0.6, 0, Math.PI, 0);
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = "#e9d6c3";
      ctx.beginPath();
      ctx.arc(-r * 0.35, -r * 0.35, r * 0.12, 0, Math.PI * 2);
      ctx.arc(r * 0.25, -r * 0.45, r * 0.1, 0, Math.PI * 2);
      ctx.fill();
      break;
    }
  }
  ctx.restore();
}

/** How an item looks: raw, baked or burned. */
export type ItemLook = "raw" | "baked" | "burned";

/**
 * Paints an item (an ingredient bitmask) centred on (cx, cy): a lone
 * ingredient as its icon, anything with dough as a pizza with its toppings.
 */
export function drawItem(
  ctx: Ctx,
  mask: number,
  look: ItemLook,
  cx: number,
  cy: number,
  r: number,
): void {
  const singles = INGREDIENTS.map((_, i) => i).filter((i) =>
    (mask & (1 << i)) !== 0
  );
  if (singles.length === 1 && singles[0] !== 0) {
    drawIngredient(ctx, singles[0], cx, cy, r);
    if (look === "burned") {
      ctx.fillStyle = "rgba(30,20,20,0.7)";
      ctx.beginPath();
      ctx.arc(cx, cy, r, 0, Math.PI * 2);
      ctx.fill();
    }
    return;
  }
  ctx.save();
  ctx.translate(cx, cy);
  ctx.lineWidth = Math.max(1.5, r * 0.1);
  ctx.strokeStyle = "#2b2138";
  const crust = look === "burned"
    ? "#2d2320"
    : look === "baked"
    ? "#d98b2b"
    : "#f3d9a4";
  ctx.fillStyle = crust;
  ctx.beginPath();
  ctx.arc(0, 0, r, 0, Math.PI * 2);
  ctx.fill();
  ctx.stroke();
  const tomato = (mask & 2) !== 0;
  const cheese = (mask & 4) !== 0;
  if (tomato || cheese) {
    ctx.fillStyle = look === "burned"
      ? "#3d2b27"
      : tomato
      ? "#d62f3a"
      : "#ffd23f";
    ctx.beginPath();
    ctx.arc(0, 0, r * 0.78, 0, Math.PI * 2);
    ctx.fill();
  }
  if (tomato && cheese && look !== "burned") {
    ctx.fillStyle = look === "baked" ? "#ffc93c" : "#ffe27a";
    for (let i = 0; i < 7; i++) {
      const a = i * 0.9;
      const d = r * (0.2 + (i % 3) * 0.18);
      ctx.beginPath();
      ctx.ellipse(
        Math.cos(a) * d,
        Math.sin(a) * d,
        r * 0.22,
        r * 0.15,
        a,
        0,
        Math.PI * 2,
      );
      ctx.fill();
    }
  }
  if (look !== "burned") {
    if ((mask & 8) !== 0) {
      ctx.fillStyle = "#2e8b3e";
      for (let i = 0; i < 6; i++) {
        const a = i * 1.05 + 0.3;
        ctx.beginPath();
        ctx.ellipse(
          Math.cos(a) * r * 0.5,
          Math.sin(a) * r * 0.5,
          r * 0.12,
          r * 0.07,
          a,
          0,
          Math.PI * 2,
        );
        ctx.fill();
      }
    }
    if ((mask & 16) !== 0) {
      for (let i = 0; i < 4; i++) {
        const a = i * 1.57 + 0.8;
        const mx = Math.cos(a) * r * 0.42;
        const my = Math.sin(a) * r * 0.42;
        ctx.fillStyle = "#9c6b4e";
        ctx.beginPath();
        ctx.arc(mx, my, r * 0.16, Math.PI, 0);
        ctx.fill();
        ctx.fillStyle = "#e9d6c3";
        ctx.fillRect(mx - r * 0.05, my, r * 0.1, r * 0.13);
      }
    }
  }
  if (look === "baked") {
    ctx.strokeStyle = "rgba(255,255,255,0.6)";
    ctx.lineWidth = r * 0.08;
    ctx.beginPath();
    ctx.arc(0, 0, r * 0.88, -2.6, -1.6);
    ctx.stroke();
  }
  if (look === "burned") {
    ctx.fillStyle = "rgba(120,120,120,0.55)";
    for (let i = 0; i < 3; i++) {
      ctx.beginPath();
      ctx.arc(
        -r * 0.3 + i * r * 0.3,
        -r * 1.15 - (i % 2) * r * 0.2,
        r * 0.25,
        0,
        Math.PI * 2,
      );
      ctx.fill();
    }
  }
  ctx.restore();
}

/** Paints a small hourglass (canvas 20 x 26). */
export function drawHourglass(ctx: Ctx): void {
  ctx.fillStyle = "#6d4c41";
  ctx.fillRect(1, 0, 18, 4);
  ctx.fillRect(1, 22, 18, 4);
  ctx.fillStyle = "#e3f6ff";
  ctx.strokeStyle = "#1b1033";
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(3, 4);
  ctx.lineTo(17, 4);
  ctx.lineTo(11, 13);
  ctx.lineTo(17, 22);
  ctx.lineTo(3, 22);
  ctx.lineTo(9, 13);
  ctx.closePath();
  ctx.fill();
  ctx.stroke();
  ctx.fillStyle = "#ffb703";
  ctx.beginPath();
  ctx.moveTo(5, 21);
  ctx.lineTo(15, 21);
  ctx.lineTo(10, 15);
  ctx.closePath();
  ctx.fill();
}

/** Paints a coin (canvas 2r x 2r). */
export function drawCoin(ctx: Ctx, r: number): void {
  ctx.fillStyle = "#ffd23f";
  ctx.beginPath();
  ctx.arc(r, r, r - 2, 0, Math.PI * 2);
  ctx.fill();
  strokeWith(ctx, "#b8860b", 3);
  ctx.fillStyle = "#b8860b";
  ctx.font = `900 ${Math.round(r * 1.1)}px system-ui, sans-serif`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText("$", r, r + 1);
}
