/**
 * The settings a page fetches from the server's `/config` endpoint.
 *
 * @module
 */
import * as v from "valibot";
import { IceServerSchema } from "../protocol/mod.ts";

/** Used when `/config` cannot be read or leaves a field out, in ms. */
export const DEFAULT_RELAY_AFTER_MS = 5_000;

/**
 * Used when `/config` leaves it out: a phone whose link answers nothing this
 * long is "no signal" on the host, in ms.
 */
export const DEFAULT_PHONE_SILENT_MS = 5_000;

const ClientConfigSchema = v.object({
  iceServers: v.optional(v.array(IceServerSchema), []),
  lanOrigins: v.optional(v.array(v.string()), []),
  relayAfterMs: v.optional(
    v.pipe(v.number(), v.finite(), v.minValue(0)),
    DEFAULT_RELAY_AFTER_MS,
  ),
  phoneSilentMs: v.optional(
    v.pipe(v.number(), v.finite(), v.minValue(1)),
    DEFAULT_PHONE_SILENT_MS,
  ),
  maxPlayersPerRoom: v.optional(v.pipe(v.number(), v.integer()), 12),
});

/** What `/config` tells a page: ICE servers, LAN addresses, relay timing. */
export type ClientConfig = v.InferOutput<typeof ClientConfigSchema>;

/**
 * Validates a decoded `/config` body, filling defaults for missing fields.
 *
 * @returns The config, or `null` when the body has the wrong shape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseClientConfig } from "./client_config.ts";
 * const c = parseClientConfig({ iceServers: [{ urls: "stun:x" }] });
 * assert.equal(c?.relayAfterMs, 5000);
 * assert.equal(parseClientConfig({ iceServers: 3 }), null);
 * ```
 */
export function parseClientConfig(body: unknown): ClientConfig | null {
  const result = v.safeParse(ClientConfigSchema, body);
  return result.success ? result.output : null;
}

/**
 * Fetches and validates `/config` from `origin`.
 *
 * @throws {Error} When the server cannot be reached or answers nonsense.
 */
export async function fetchClientConfig(
  origin: string,
  fetchImpl: typeof fetch = fetch,
): Promise<ClientConfig> {
  const response = await fetchImpl(new URL("/config", origin));
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`The server answered /config with ${response.status}.`);
  }
  const config = parseClientConfig(await response.json());
  if (!config) throw new Error("The server sent a config we cannot read.");
  return config;
}
