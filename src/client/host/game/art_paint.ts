/**
 * Small canvas helpers the art modules share: rounded rectangles, strokes
 * and a deterministic hash for texture detail.
 *
 * @module
 */
/// <reference lib="dom" />

/** A 2D canvas context. */
export type Ctx = CanvasRenderingContext2D;
/** A rounded rectangle: position, size and corner radius, px. */
export type RoundRectArgs = [
  x: number,
  y: number,
  w: number,
  h: number,
  r: number,
];
/** Starts a path with a rounded rectangle. */
export function roundRect(ctx: Ctx, ...[x, y, w, h, r]: RoundRectArgs): void {
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, r);
}

/** Fills a rounded rectangle with `fill`. */
export function fillRoundRect(
  ctx: Ctx,
  fill: string,
  ...rect: RoundRectArgs
): void {
  ctx.fillStyle = fill;
  roundRect(ctx, ...rect);
  ctx.fill();
}

/** Strokes the current path with `color` at `width` px. */
export function strokeWith(ctx: Ctx, color: string, width: number): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.stroke();
}

/** A deterministic pseudo-random in [0, 1) from integers (for texture detail). */
export function hash(a: number, b: number, c = 0): number {
  let h = (a * 374761393 + b * 668265263 + c * 2147483647) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}
