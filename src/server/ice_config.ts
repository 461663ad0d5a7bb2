/**
 * The ICE servers clients should use: STUN from config, and TURN with
 * short-lived credentials minted per request (the coturn REST API scheme),
 * so no static password ever sits in a page.
 *
 * @module
 */
import type { IceServer } from "../protocol/mod.ts";
import type { Config } from "./config.ts";

export type { IceServer };

/**
 * Builds the ICE server list for one client.
 *
 * @param config STUN/TURN settings.
 * @param nowMs Current time in ms (credentials expire `turnTtlMs` later).
 * @param id A per-request random id baked into the TURN user name.
 * @returns STUN entries, then a TURN entry when a secret is configured.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { iceServersFor } from "./ice_config.ts";
 * const servers = await iceServersFor({
 *   stunUrls: ["stun:stun.example.org"], turnUrls: ["turn:turn.example.org"],
 *   turnSecret: "s3cret", turnTtlMs: 600_000,
 * }, 0, "abc");
 * assert.equal(servers[1].username, "600:abc");
 * ```
 */
export async function iceServersFor(
  config: Pick<
    Config,
    "stunUrls" | "turnUrls" | "turnSecret" | "turnTtlMs"
  >,
  nowMs: number,
  id: string,
): Promise<IceServer[]> {
  const servers: IceServer[] = [];
  if (config.stunUrls.length > 0) servers.push({ urls: [...config.stunUrls] });
  if (config.turnUrls.length > 0 && config.turnSecret !== "") {
    const expiry = Math.floor((nowMs + config.turnTtlMs) / 1000);
    const username = `${expiry}:${id}`;
    servers.push({
      urls: [...config.turnUrls],
      username,
      credential: await turnCredential(config.turnSecret, username),
    });
  }
  return servers;
}

/** base64(HMAC-SHA1(secret, username)), as coturn's `use-auth-secret` expects. */
export async function turnCredential(
  secret: string,
  username: string,
): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-1" },
    false,
    ["sign"],
  );
  const signature = await crypto.subtle.sign(
    "HMAC",
    key,
    encoder.encode(username),
  );
  return btoa(String.fromCharCode(...new Uint8Array(signature)));
}
