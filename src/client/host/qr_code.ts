/**
 * Renders a QR code as a crisp, scalable SVG string.
 *
 * @module
 */
import qrcode from "qrcode-generator";

/** Quiet zone around the code, in modules. */
export const QR_MARGIN_MODULES = 2;

/**
 * Returns an `<svg>` of `text` as a QR code: one path of dark modules on a
 * light square, so it scales to any size without blurring; `label` is its
 * `aria-label`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { qrSvg } from "./qr_code.ts";
 * assert.match(qrSvg("http://10.0.0.2:8888/play/?room=ABCD"), /^<svg[^>]+viewBox="0 0 \d+ \d+"/);
 * ```
 */
export function qrSvg(
  text: string,
  label = "",
  dark = "#1b1033",
  light = "#ffffff",
): string {
  const qr = qrcode(0, "M");
  qr.addData(text);
  qr.make();
  const count = qr.getModuleCount();
  const size = count + QR_MARGIN_MODULES * 2;
  let path = "";
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.isDark(row, col)) {
        path += `M${col + QR_MARGIN_MODULES} ${
          row + QR_MARGIN_MODULES
        }h1v1h-1z`;
      }
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" ` +
    `shape-rendering="crispEdges" role="img" aria-label="${
      escapeAttr(label)
    }">` +
    `<rect width="${size}" height="${size}" fill="${light}"/>` +
    `<path d="${path}" fill="${dark}"/></svg>`;
}

/** `text` safe inside a double-quoted attribute. */
function escapeAttr(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(
    /</g,
    "&lt;",
  );
}
