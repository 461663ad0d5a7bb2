/**
 * Checks on a WebSocket upgrade request before it is upgraded: the
 * handshake headers (RFC 6455) and the page's origin.
 *
 * @module
 */

/** Why an upgrade is refused: an HTTP status, words, and extra headers. */
export interface UpgradeRefusal {
  /** HTTP status. */
  status: number;
  /** Plain-text body. */
  message: string;
  /** Headers to add (426 names the supported version). */
  headers?: Record<string, string>;
}

/**
 * Checks `Sec-WebSocket-Key` (base64 of 16 bytes) and
 * `Sec-WebSocket-Version` (13).
 *
 * @returns A refusal, or undefined when the handshake is well formed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkHandshake } from "./upgrade_checks.ts";
 * const ok = new Headers({ "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" });
 * assert.equal(checkHandshake(ok), undefined);
 * assert.equal(checkHandshake(new Headers({ "sec-websocket-version": "13" }))?.status, 400);
 * assert.equal(checkHandshake(new Headers({ "sec-websocket-version": "8" }))?.status, 426);
 * ```
 */
export function checkHandshake(headers: Headers): UpgradeRefusal | undefined {
  const version = headers.get("sec-websocket-version");
  if (version === null || version.trim() !== "13") {
    return {
      status: 426,
      message: "Unsupported WebSocket version: this server speaks version 13.",
      headers: { "Sec-WebSocket-Version": "13" },
    };
  }
  const key = headers.get("sec-websocket-key");
  if (key === null) {
    return { status: 400, message: "Missing Sec-WebSocket-Key header." };
  }
  if (!/^[A-Za-z0-9+/]{21}[AQgw]==$/.test(key.trim())) {
    return {
      status: 400,
      message: "Malformed Sec-WebSocket-Key: it must be 16 bytes in base64.",
    };
  }
  return undefined;
}

/**
 * Whether a page from `origin` may open the socket: no Origin (not a
 * browser page), the server's own origin (same host as `host`: the request's
 * `Host`, or behind a trusted proxy the forwarded host, see `requestHost()`
 * in `client_address.ts`), a LAN origin, or one listed in `ALLOWED_ORIGINS`. `lanOrigins` may be a
 * function: it is then called only when the cheaper checks did not decide.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { originAllowed } from "./upgrade_checks.ts";
 * assert.equal(originAllowed(null, "pizza.example", [], []), true);
 * assert.equal(originAllowed("https://pizza.example", "pizza.example", [], []), true);
 * assert.equal(originAllowed("https://evil.example", "pizza.example", [], []), false);
 * ```
 */
export function originAllowed(
  origin: string | null,
  host: string | null,
  lanOrigins: readonly string[] | (() => readonly string[]),
  allowedOrigins: readonly string[],
): boolean {
  if (origin === null) return true;
  const wanted = origin.trim().toLowerCase().replace(/\/$/, "");
  if (host !== null) {
    const own = host.trim().toLowerCase();
    if (wanted === `http://${own}` || wanted === `https://${own}`) return true;
  }
  const listed = (list: readonly string[]) =>
    list.some((entry) =>
      entry.trim().toLowerCase().replace(/\/$/, "") === wanted
    );
  // The LAN list last: reading it may ask the system (a browser page on the
  // server's own address, the common case, never gets here).
  return listed(allowedOrigins) ||
    listed(typeof lanOrigins === "function" ? lanOrigins() : lanOrigins);
}
