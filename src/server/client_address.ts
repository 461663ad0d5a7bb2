/**
 * What a request says about its client, believing forwarded headers only
 * from trusted reverse proxies (`TRUST_PROXY`): the client's address (the
 * rightmost untrusted hop of `Forwarded` / `X-Forwarded-For`) and the host
 * the browser asked for (`Forwarded: host=` / `X-Forwarded-Host`).
 *
 * @module
 */

/**
 * Finds the address to count limits against.
 *
 * @param peer The TCP peer's address.
 * @param headers The request headers.
 * @param trustProxy Addresses of trusted proxies.
 * @returns The client address.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clientAddress } from "./client_address.ts";
 * const headers = new Headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.5" });
 * assert.equal(clientAddress("10.0.0.2", headers, ["10.0.0.2"]), "203.0.113.5");
 * assert.equal(clientAddress("198.51.100.1", headers, ["10.0.0.2"]), "198.51.100.1");
 * ```
 */
export function clientAddress(
  peer: string,
  headers: Headers,
  trustProxy: readonly string[],
): string {
  if (trustProxy.length === 0 || !trustProxy.includes(peer)) return peer;
  const hops = forwardedHops(headers);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trustProxy.includes(hops[i])) return hops[i];
  }
  return hops[0] ?? peer;
}

/** The hops a proxy reported, oldest first (`Forwarded` wins over `X-Forwarded-For`). */
function forwardedHops(headers: Headers): string[] {
  const forwarded = headers.get("forwarded");
  if (forwarded) {
    const hops: string[] = [];
    for (const element of forwarded.split(",")) {
      for (const pair of element.split(";")) {
        const [key, value] = pair.split("=", 2);
        if (key?.trim().toLowerCase() === "for" && value !== undefined) {
          hops.push(normalize(value.trim().replace(/^"|"$/g, "")));
        }
      }
    }
    if (hops.length > 0) return hops;
  }
  const xff = headers.get("x-forwarded-for");
  if (!xff) return [];
  return xff.split(",").map((hop) => normalize(hop.trim())).filter(Boolean);
}

/** Strips a port and IPv6 brackets: `"[2001:db8::1]:4711"` → `2001:db8::1`. */
function normalize(hop: string): string {
  const bracketed = hop.match(/^\[([^\]]+)\](?::\d+)?$/);
  if (bracketed) return bracketed[1];
  const v4WithPort = hop.match(/^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/);
  if (v4WithPort) return v4WithPort[1];
  return hop;
}

/**
 * The host the browser asked for: from a trusted proxy, the last
 * `Forwarded` element's `host=` (else the last `X-Forwarded-Host` value),
 * which that proxy wrote; otherwise the request's own `Host`. The WebSocket
 * Origin check compares the page's origin with it.
 *
 * @param peer The TCP peer's address.
 * @param headers The request headers.
 * @param trustProxy Addresses of trusted proxies.
 * @returns The host (with its port, as `Host` has it), or null when none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requestHost } from "./client_address.ts";
 * const headers = new Headers({ host: "127.0.0.1:8888", "x-forwarded-host": "pizza.example" });
 * assert.equal(requestHost("127.0.0.1", headers, ["127.0.0.1"]), "pizza.example");
 * assert.equal(requestHost("203.0.113.9", headers, ["127.0.0.1"]), "127.0.0.1:8888");
 * ```
 */
export function requestHost(
  peer: string,
  headers: Headers,
  trustProxy: readonly string[],
): string | null {
  const own = headers.get("host");
  if (trustProxy.length === 0 || !trustProxy.includes(peer)) return own;
  const forwarded = headers.get("forwarded");
  if (forwarded) {
    const elements = forwarded.split(",");
    for (let i = elements.length - 1; i >= 0; i--) {
      for (const pair of elements[i].split(";")) {
        const [key, value] = pair.split("=", 2);
        if (key?.trim().toLowerCase() === "host" && value !== undefined) {
          const host = value.trim().replace(/^"|"$/g, "");
          if (host) return host;
        }
      }
    }
  }
  const xfh = headers.get("x-forwarded-host")?.split(",").at(-1)?.trim();
  return xfh || own;
}
