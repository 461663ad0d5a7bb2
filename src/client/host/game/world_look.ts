/**
 * What the town scene's parts share: sizes and depths of the things drawn
 * over the town (tags, bubbles, floating text), the label font, and canvas
 * textures made once per look (items, chefs).
 *
 * @module
 */
/// <reference lib="dom" />
import type * as Phaser from "phaser";
import { BAKED_HEAT, type Item } from "../../../game/mod.ts";
import { drawItem, type ItemLook } from "./food_art.ts";

/** Depth of labels, bubbles and floating text (above every world object). */
export const LABEL_DEPTH = 1_000_000;
/**
 * Players, name tags, carried items and bubbles are drawn this much larger
 * than the town's tiles, so they read from a sofa 3 m from a TV.
 */
export const BIG = 1.5;
/** Font of labels. */
export const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
/** Radius of item icons on tables, ovens and in tags, px. */
export const ITEM_RADIUS_PX = 11;

/**
 * The texture `key`, painted once on a `w` x `h` canvas by `paint` (later
 * calls with the same key reuse it).
 */
export function canvasTexture(
  scene: Phaser.Scene,
  key: string,
  w: number,
  h: number,
  paint: (ctx: CanvasRenderingContext2D) => void,
): string {
  if (scene.textures.exists(key)) return key;
  const tex = scene.textures.createCanvas(key, w, h);
  if (!tex) return "__MISSING";
  paint(tex.getContext());
  tex.refresh();
  return key;
}

/** The texture of an item as it looks now (raw, baked or burned). */
export function itemTexture(scene: Phaser.Scene, item: Item): string {
  const look: ItemLook = item.burned
    ? "burned"
    : item.heat >= BAKED_HEAT - 1e-9
    ? "baked"
    : "raw";
  const size = ITEM_RADIUS_PX * 2 + 8;
  return canvasTexture(
    scene,
    `item-${item.mask}-${look}`,
    size,
    size + 8,
    (ctx) =>
      drawItem(ctx, item.mask, look, size / 2, size / 2 + 8, ITEM_RADIUS_PX),
  );
}
