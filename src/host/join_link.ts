/**
 * The link phones open to join: on the LAN address when the host page runs
 * on localhost (a phone cannot reach the computer's "localhost").
 *
 * @module
 */
import { ROOM_CODE_LENGTH } from "../protocol/mod.ts";

/** Path of the controller page. */
export const CONTROLLER_PATH = "/play/";

const LOCAL_HOSTNAMES = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** True for loopback host names that a phone cannot reach. */
export function isLocalHostname(hostname: string): boolean {
  return LOCAL_HOSTNAMES.has(hostname) || hostname.endsWith(".localhost") ||
    hostname.startsWith("127.");
}

/**
 * The origin phones should use: the page's own, or the first LAN origin
 * from `/config` when the page is on localhost.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinOrigin } from "./join_link.ts";
 * assert.equal(joinOrigin("http://localhost:8888", ["http://192.168.1.7:8888"]), "http://192.168.1.7:8888");
 * assert.equal(joinOrigin("https://pizza.example", ["http://10.0.0.2:8888"]), "https://pizza.example");
 * ```
 */
export function joinOrigin(pageOrigin: string, lanOrigins: string[]): string {
  const page = new URL(pageOrigin);
  if (!isLocalHostname(page.hostname)) return page.origin;
  const lan = lanOrigins.find((origin) => {
    try {
      return !isLocalHostname(new URL(origin).hostname);
    } catch {
      return false;
    }
  });
  return lan ? new URL(lan).origin : page.origin;
}

/**
 * The full join link for a room; it pre-fills the code on the phone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinUrl } from "./join_link.ts";
 * assert.equal(joinUrl("http://10.0.0.2:8888", "ABCD"), "http://10.0.0.2:8888/play/?room=ABCD");
 * ```
 */
export function joinUrl(origin: string, room: string): string {
  const url = new URL(CONTROLLER_PATH, origin);
  url.searchParams.set("room", room.slice(0, ROOM_CODE_LENGTH));
  return url.href;
}
