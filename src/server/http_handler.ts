/**
 * The one request handler: WebSocket upgrades go to signaling, everything
 * else to a few small endpoints and the static files.
 *
 * @module
 */
import type { Config } from "./config.ts";
import { iceServersFor } from "./ice_config.ts";
import type { RoomRegistry } from "./room_registry.ts";
import { attachSocket } from "./socket_connection.ts";
import { GzipCache, serveStaticFile } from "./static_files.ts";
import { randomToken } from "./room_codes.ts";

/** URL paths that accept WebSocket upgrades (`/` is the seed's). */
export const WEBSOCKET_PATHS: ReadonlySet<string> = new Set(["/", "/ws"]);

/** What the handler needs. */
export interface HandlerContext {
  /** Settings. */
  config: Config;
  /** The signaling core. */
  registry: RoomRegistry;
  /** Absolute path of the static folder. */
  staticRoot: string;
  /** Origins phones on the LAN can open, e.g. `http://192.168.1.7:8888`. */
  lanOrigins: () => readonly string[];
  /** Current time in ms. @default Date.now */
  now?: () => number;
}

/** What `GET /config` returns to clients. */
export interface ClientConfig {
  /** ICE servers for `RTCPeerConnection`. */
  iceServers: Awaited<ReturnType<typeof iceServersFor>>;
  /** Origins on the LAN for join links when the host page is on localhost. */
  lanOrigins: readonly string[];
  /** When a phone without an open data channel switches to the relay, in ms. */
  relayAfterMs: number;
  /** Players per room. */
  maxPlayersPerRoom: number;
}

/**
 * Creates the server's request handler.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createHandler } from "./http_handler.ts";
 * import { RoomRegistry } from "./room_registry.ts";
 * import { DEFAULTS } from "./config.ts";
 * const handler = createHandler({
 *   config: { ...DEFAULTS }, registry: new RoomRegistry({ limits: DEFAULTS }),
 *   staticRoot: "/nonexistent", lanOrigins: () => [],
 * });
 * const res = await handler(new Request("http://x/healthz"), {
 *   remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
 *   completed: Promise.resolve(),
 * });
 * assert.equal(res.status, 200);
 * await res.body?.cancel();
 * ```
 */
export function createHandler(
  context: HandlerContext,
): (
  request: Request,
  info: Deno.ServeHandlerInfo,
) => Response | Promise<Response> {
  const { config, registry, staticRoot, lanOrigins, now = Date.now } = context;
  const startedAt = now();
  let nextConnection = 0;
  const gzipCache = new GzipCache();

  /** Upgrades answer synchronously: joins are the server's hot path. */
  const upgrade = (request: Request, info: Deno.ServeHandlerInfo) => {
    if (!WEBSOCKET_PATHS.has(pathOf(request.url))) {
      return text(404, "No WebSocket endpoint here; use / or /ws.");
    }
    if (registry.connectionCount >= config.maxConnections) {
      registry.metrics.connectionsRefused++;
      return text(503, "The server is full. Try again in a minute.");
    }
    // Read before upgrading: the request is consumed by the upgrade.
    // One read: each read of remoteAddr asks the runtime again.
    const remote = info.remoteAddr;
    const address = "hostname" in remote ? remote.hostname : "unknown";
    const { socket, response } = Deno.upgradeWebSocket(request, {
      idleTimeout: config.heartbeatMs / 1000,
    });
    attachSocket(socket, `c${++nextConnection}`, address, registry);
    return response;
  };

  const serveHttp = async (request: Request): Promise<Response> => {
    switch (new URL(request.url).pathname) {
      case "/healthz":
        return json({
          ok: true,
          uptimeSeconds: Math.round((now() - startedAt) / 1000),
          ...registry.stats(),
        });
      case "/metrics":
        return new Response(registry.metrics.render(registry.stats()), {
          headers: {
            "Content-Type": "text/plain; version=0.0.4; charset=utf-8",
            "Cache-Control": "no-store",
          },
        });
      case "/config": {
        const body: ClientConfig = {
          iceServers: await iceServersFor(config, now(), randomToken()),
          lanOrigins: lanOrigins(),
          relayAfterMs: config.relayAfterMs,
          maxPlayersPerRoom: config.maxPlayersPerRoom,
        };
        return json(body);
      }
    }
    return await serveStaticFile(request, { root: staticRoot, gzipCache });
  };

  const failed = (request: Request, error: unknown): Response => {
    console.error(`request failed: ${request.method} ${request.url}:`, error);
    return text(500, "Internal Server Error");
  };

  return (request, info) => {
    try {
      if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
        return upgrade(request, info);
      }
      return serveHttp(request).catch((error) => failed(request, error));
    } catch (error) {
      return failed(request, error);
    }
  };
}

/**
 * The path of an absolute request URL, without parsing the whole URL (an
 * upgrade per join makes this the hot path).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pathOf } from "./http_handler.ts";
 * assert.equal(pathOf("http://127.0.0.1:8888/ws?x=1"), "/ws");
 * assert.equal(pathOf("https://example.org"), "/");
 * ```
 */
export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  let end = url.length;
  const query = url.indexOf("?", start);
  if (query !== -1) end = query;
  const hash = url.indexOf("#", start);
  if (hash !== -1 && hash < end) end = hash;
  return url.slice(start, end);
}

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "no-store",
    },
  });
}

function text(status: number, body: string): Response {
  return new Response(`${body}\n`, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}
