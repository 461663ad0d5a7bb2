/**
 * The one request handler: WebSocket upgrades go to signaling, everything
 * else to a few small endpoints and the static files.
 *
 * @module
 */
import type { Config } from "./config.ts";
import { iceServersFor } from "./ice_config.ts";
import type { RoomRegistry } from "./room_registry.ts";
import {
  attachSocket,
  QueuedBytes,
  type SignalingPort,
  type SocketEvent,
  type SocketGuards,
  UnjoinedSweep,
} from "./socket_connection.ts";
import type { BusGauges } from "./metrics.ts";
import { GzipCache, serveStaticFile } from "./static_files.ts";
import { randomToken } from "./room_codes.ts";
import { addressKey, AddressLimits } from "./address_limits.ts";
import { MemoryLimitCounters } from "./limit_counters.ts";
import { clientAddress, requestHost } from "./client_address.ts";
import { checkHandshake, originAllowed } from "./upgrade_checks.ts";
import { FaultBoundary } from "./fault_boundary.ts";

/** URL paths that accept WebSocket upgrades (`/` is the seed's). */
export const WEBSOCKET_PATHS: ReadonlySet<string> = new Set(["/", "/ws"]);

/** What the handler needs. */
export interface HandlerContext {
  /** Settings. */
  config: Config;
  /** The signaling core. */
  registry: RoomRegistry;
  /**
   * Where sockets' traffic goes when a room bus routes it.
   * @default registry
   */
  signaling?: SignalingPort;
  /** The room bus's health and figures, for `/healthz` and `/metrics`. */
  cluster?: ClusterStatus;
  /** A warning `/healthz` shows as `bus` when no room bus runs. */
  busWarning?: string;
  /** Absolute path of the static folder. */
  staticRoot: string;
  /** Origins phones on the LAN can open, e.g. `http://192.168.1.7:8888`. */
  lanOrigins: () => readonly string[];
  /** Current time in ms. @default Date.now */
  now?: () => number;
  /** Per-address limits. @default {@link AddressLimits} over `config`, counted in memory */
  limits?: AddressLimits;
  /** Receives events of the HTTP and socket layer (each with the address). @default ignore */
  log?: (event: HttpEvent) => void;
  /**
   * Where a throw while serving a request or a socket goes (reported; costs
   * that request or socket only).
   * @default a boundary that writes each fault to stderr
   */
  boundary?: FaultBoundary;
  /**
   * Connections allowed at once, when lower than `config.maxConnections`
   * (e.g. kept below the open-file limit). @default config.maxConnections
   */
  maxConnections?: number;
}

/** What `/healthz` and `/metrics` show of the room bus. */
export interface ClusterStatus {
  /** Whether the bus can reach its store, and why not. */
  health(): { up: boolean; since: number; lastError?: string };
  /** Messages in and out, round trip, rooms here and elsewhere. */
  figures(): BusGauges;
}

/** An event of the HTTP and socket layer, for the log. */
export interface HttpEvent {
  /** Short name, e.g. "origin refused". */
  event: string;
  /** Client address. */
  address: string;
  /** Connection id, once there is one. */
  conn?: string;
  /** Extra detail. */
  detail?: string;
}

/** What `GET /config` returns to clients. */
export interface ClientConfig {
  /** ICE servers for `RTCPeerConnection`. */
  iceServers: Awaited<ReturnType<typeof iceServersFor>>;
  /** Origins on the LAN for join links when the host page is on localhost. */
  lanOrigins: readonly string[];
  /** When a phone without an open data channel switches to the relay, in ms. */
  relayAfterMs: number;
  /** When the host shows a phone that answers nothing as "no signal" (and pauses), in ms. */
  phoneSilentMs: number;
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
  const {
    config,
    registry,
    staticRoot,
    lanOrigins,
    now = Date.now,
    limits = new AddressLimits(config, new MemoryLimitCounters(), now),
    log = () => {},
    maxConnections = config.maxConnections,
    signaling = registry,
    cluster,
    busWarning,
    boundary = new FaultBoundary({
      report: (fault) =>
        console.error(
          `internal error in ${fault.where} from ${fault.address}:`,
          fault.error,
        ),
    }),
  } = context;
  const startedAt = now();
  let nextConnection = 0;
  /** Sockets from upgrade to close (the registry counts only opened ones). */
  let liveSockets = 0;
  const queued = new QueuedBytes();
  const gzipCache = new GzipCache();
  const socketLog = (event: SocketEvent) => log(event);
  /** One guards object for every socket (nothing per socket here). */
  const guards: SocketGuards = {
    limits,
    now,
    unjoined: new UnjoinedSweep(config.unjoinedTimeoutMs),
    maxBufferedBytes: config.maxBufferedBytes,
    maxQueuedBytesTotal: config.maxQueuedBytesTotal,
    queued,
    maxMessageBytes: config.maxMessageBytes,
    log: socketLog,
    onGone: (address) => {
      liveSockets--;
      limits.closeConnection(address);
    },
    iceServersFor: (address) => mintIceServers(address),
    boundary,
  };

  /** Upgrades answer synchronously: joins are the server's hot path. */
  const upgrade = (request: Request, address: string, peer: string) => {
    if (!WEBSOCKET_PATHS.has(pathOf(request.url))) {
      return text(404, "No WebSocket endpoint here; use / or /ws.");
    }
    const refusal = checkHandshake(request.headers);
    if (refusal) {
      log({ event: "bad upgrade", address, detail: refusal.message });
      return text(refusal.status, refusal.message, refusal.headers);
    }
    const origin = request.headers.get("origin");
    if (
      !originAllowed(
        origin,
        requestHost(peer, request.headers, config.trustProxy),
        lanOrigins,
        config.allowedOrigins,
      )
    ) {
      log({ event: "origin refused", address, detail: origin ?? "" });
      return text(
        403,
        "This page may not open the game's connection. Open the game from its own address.",
      );
    }
    if (Math.max(liveSockets, registry.connectionCount) >= maxConnections) {
      registry.metrics.connectionsRefused++;
      log({ event: "server full", address });
      return text(503, "The server is full. Try again in a minute.");
    }
    if (!limits.openConnection(address)) {
      registry.metrics.connectionsRefused++;
      log({ event: "address over connection limit", address });
      return text(
        429,
        "Too many connections from your network. Close some game tabs and try again.",
      );
    }
    let upgraded: ReturnType<typeof Deno.upgradeWebSocket>;
    try {
      upgraded = Deno.upgradeWebSocket(request, {
        idleTimeout: config.heartbeatMs / 1000,
      });
    } catch (error) {
      limits.closeConnection(address);
      log({ event: "bad upgrade", address, detail: String(error) });
      return text(400, "This is not a valid WebSocket upgrade.");
    }
    liveSockets++;
    attachSocket(
      upgraded.socket,
      `c${++nextConnection}`,
      address,
      signaling,
      guards,
    );
    return upgraded.response;
  };

  /** ICE servers for a socket in a room: TURN within the address's budget. */
  const mintIceServers = async (address: string) => {
    // A few per address per minute; STUN only beyond.
    const turn = config.turnSecret !== "" && config.turnUrls.length > 0 &&
      await limits.mayMintTurn(address);
    return {
      iceServers: await iceServersFor(
        turn ? config : { ...config, turnSecret: "" },
        now(),
        randomToken(),
      ),
      ttlMs: turn ? config.turnTtlMs : 0,
    };
  };

  const serveHttp = async (request: Request): Promise<Response> => {
    switch (new URL(request.url).pathname) {
      case "/healthz": {
        const health = cluster?.health();
        const up = health?.up ?? true;
        return json({
          ok: up,
          uptimeSeconds: Math.round((now() - startedAt) / 1000),
          ...registry.stats(),
          ...(cluster && health
            ? {
              instance: cluster.figures().instanceId,
              bus: up ? { up } : {
                up,
                since: new Date(health.since).toISOString(),
                reason:
                  `The room bus (Redis) cannot be reached: ${health.lastError}. ` +
                  "New games are refused; games held here go on.",
              },
            }
            : busWarning
            ? { bus: busWarning, warning: true }
            : {}),
        }, up ? 200 : 503);
      }
      case "/metrics":
        return new Response(
          registry.metrics.render({
            ...registry.stats(),
            bus: cluster?.figures(),
          }),
          {
            headers: {
              "Content-Type": "text/plain; version=0.0.4; charset=utf-8",
              "Cache-Control": "no-store",
            },
          },
        );
      case "/config": {
        // STUN only: TURN credentials go to sockets in a room, on request.
        const body: ClientConfig = {
          iceServers: await iceServersFor(
            { ...config, turnSecret: "" },
            now(),
            randomToken(),
          ),
          lanOrigins: lanOrigins(),
          relayAfterMs: config.relayAfterMs,
          phoneSilentMs: config.phoneSilentMs,
          maxPlayersPerRoom: config.maxPlayersPerRoom,
        };
        return json(body);
      }
    }
    return await serveStaticFile(request, { root: staticRoot, gzipCache });
  };

  const failed = (
    request: Request,
    address: string,
    error: unknown,
  ): Response => {
    // A fault of the server, not of the client: reported with its stack.
    boundary.fault(
      { where: `http ${request.method} ${pathOf(request.url)}`, address },
      error,
    );
    return text(500, "Internal Server Error");
  };

  return (request, info) => {
    // One read: each read of remoteAddr asks the runtime again.
    const remote = info.remoteAddr;
    const peer = "hostname" in remote ? remote.hostname : "unknown";
    // One key per client everywhere (limits, rooms, logs): an IPv6 /64
    // counts as one address.
    const address = addressKey(
      clientAddress(peer, request.headers, config.trustProxy),
    );
    try {
      boundary.probe?.({ where: "http request", address });
      if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
        return upgrade(request, address, peer);
      }
      return serveHttp(request).catch((error) =>
        failed(request, address, error)
      );
    } catch (error) {
      return failed(request, address, error);
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

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "no-store",
    },
  });
}

function text(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(`${body}\n`, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", ...headers },
  });
}
