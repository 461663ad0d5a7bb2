/**
 * A player's marker (their number) painted on the chef's chest, so players
 * are told apart without colour.
 *
 * @module
 */
/// <reference lib="dom" />

/** Paints `mark` in a white disc at (cx, cy), radius `r` px. */
export function drawMark(
  ctx: CanvasRenderingContext2D,
  mark: string,
  cx: number,
  cy: number,
  r: number,
): void {
  ctx.save();
  ctx.fillStyle = "#ffffff";
  ctx.strokeStyle = "#1b1033";
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.arc(cx, cy, r, 0, Math.PI * 2);
  ctx.fill();
  ctx.stroke();
  ctx.fillStyle = "#1b1033";
  ctx.font = `900 ${Math.round(r * (mark.length > 1 ? 1.15 : 1.5))}px ` +
    "system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText(mark, cx, cy + 0.5);
  ctx.restore();
}
