/**
 * Runs the whole server: `Deno.serve` with the one handler, the registry,
 * its sweep timer, and a clean shutdown. `server.ts` and tests use it.
 *
 * @module
 */
import type { Config } from "./config.ts";
import { createHandler, type HttpEvent } from "./http_handler.ts";
import { type RegistryEvent, RoomRegistry } from "./room_registry.ts";
import type { LogEvent } from "./event_log.ts";
import { LogLimiter, type LogLimits } from "./log_limiter.ts";
import { AddressLimits } from "./address_limits.ts";
import { type LimitCounters, MemoryLimitCounters } from "./limit_counters.ts";
import { serveResilient } from "./resilient_listener.ts";
import {
  type Fault,
  FaultBoundary,
  type FaultContext,
} from "./fault_boundary.ts";
import type { BusGauges } from "./metrics.ts";
import type { RoomChange } from "./room_registry.ts";
import type { SignalingPort } from "./socket_connection.ts";

/** Whether the room bus reaches its store. */
export interface ScaleOutHealth {
  /** True when new rooms can be claimed. */
  up: boolean;
  /** When `up` last changed, in ms. */
  since: number;
  /** The last error seen. */
  lastError?: string;
}

/**
 * Rooms shared with other instances (`bus/room_router.ts` over Redis): it
 * stands between sockets and the registry and follows the registry's
 * changes.
 */
export interface ScaleOut extends SignalingPort {
  /** Follows each room change (records in the shared store). */
  onChange(change: RoomChange): void;
  /** Per-address counters every instance shares, when the store has them. */
  readonly limitCounters?: LimitCounters;
  /** Connects; resolves once connected or found unreachable. */
  start(onHealth: (health: ScaleOutHealth) => void): Promise<void>;
  /** Up or down, and why. */
  health(): ScaleOutHealth;
  /** Gauges for `/metrics`. */
  figures(): BusGauges;
  /** Says goodbye and disconnects (rooms stay for others to adopt). */
  close(): Promise<void>;
}

/** Options for {@link startServer}. */
export interface StartOptions {
  /**
   * Receives one event per room or connection change, each with the
   * client address, at a bounded rate ("N similar suppressed").
   * @default ignore
   */
  log?: (event: LogEvent) => void;
  /** How many log lines pass. @default 20 of a kind, 500 in all, per 10 s */
  logLimits?: LogLimits;
  /** Connections at once when below `config.maxConnections` (e.g. from the open-file limit). */
  maxConnections?: number;
  /** Called once listening, with the port actually bound. */
  onListen?: (address: { hostname: string; port: number }) => void;
  /**
   * Origins phones on the LAN can open (read at most every
   * {@link LAN_ORIGINS_CACHE_MS}: listing interfaces is a system call).
   * @default []
   */
  lanOrigins?: (port: number) => readonly string[];
  /**
   * Shares rooms with other instances, given this server's registry and
   * fault boundary (started after listening, closed on close).
   * @default none: every room is in this process
   */
  scaleOut?: (registry: RoomRegistry, boundary: FaultBoundary) => ScaleOut;
  /**
   * A warning `/healthz` shows as `bus` (e.g. on Deno Deploy without
   * `REDIS_URL`: "memory (single instance only)").
   */
  busWarning?: string;
  /**
   * Whether the listen address is the platform's (`DENO_SERVE_ADDRESS`): a
   * failed listener then ends the process instead of listening again.
   * @default false
   */
  platformListener?: boolean;
  /**
   * Where the per-address counters live. @default the scale-out's, else
   * this process's memory
   */
  limitCounters?: LimitCounters;
  /**
   * The clock of the per-address limits' windows and blocks, in ms (a test
   * plays a whole evening in seconds with it). @default Date.now
   */
  limitsNow?: () => number;
  /**
   * Called at every entry from outside before its work (see
   * `FaultBoundary`'s `probe`): tests inject faults by throwing here.
   * @default none
   */
  faultProbe?: (context: FaultContext) => void;
}

/** A running server. */
export interface PizzaServer {
  /** The port bound (useful with port 0). */
  readonly port: number;
  /** `http://127.0.0.1:<port>` (or https), for tests and logs. */
  readonly localUrl: string;
  /** The signaling core. */
  readonly registry: RoomRegistry;
  /** Rooms shared with other instances, when configured. */
  readonly scaleOut?: ScaleOut;
  /** The exception boundary every entry from outside goes through. */
  readonly boundary: FaultBoundary;
  /** Tells every client, closes every socket and stops listening. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts serving.
 *
 * @param config Settings (see `loadConfig`).
 * @param options Logging and listen hooks.
 * @returns The running server; call `close()` to stop it.
 */
export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<PizzaServer> {
  const { onListen, lanOrigins = () => [] } = options;
  const limiter = new LogLimiter<LogEvent>(
    options.log ?? (() => {}),
    Date.now,
    { perKind: 20, total: 500, ...options.logLimits },
  );
  // Registry events name the client address themselves: no map of
  // addresses by connection here, no copy of each event.
  const registryLog = (event: RegistryEvent) => limiter.add(event);
  const httpLog = (event: HttpEvent) => limiter.add(event);
  // The registry is made below; a faulting room is closed through this.
  const lateRegistry: { registry?: RoomRegistry } = {};
  const boundary = new FaultBoundary({
    report: (fault) => {
      lateRegistry.registry!.metrics.internalErrors++;
      limiter.add(faultEvent(fault));
    },
    onRoomFaulting: (code) => {
      limiter.add({
        event: "room closed after faults",
        room: code,
        detail: "it kept hitting bugs of the server",
      });
      lateRegistry.registry!.closeFaultingRoom(code);
    },
    roomOf: (connId) => lateRegistry.registry!.roomOf(connId),
    probe: options.faultProbe,
  });
  // The registry reaches the scale-out and the limits through this, as
  // they are made after it.
  const late: { scaleOut?: ScaleOut; limits?: AddressLimits } = {};
  // Closed codes are remembered (a join to one is told the game ended);
  // a code opened again is forgotten.
  const rememberCodes = (change: RoomChange) => {
    const limits = late.limits;
    const done = change.type === "room closed" &&
        change.reason !== "server shutdown" && change.reason !== "code lost"
      ? limits?.roomClosed(change.code)
      : change.type === "room created"
      ? limits?.roomOpened(change.code)
      : undefined;
    done?.catch((error) =>
      boundary.fault({ where: "closed code memory", room: change.code }, error)
    );
  };
  const registry = new RoomRegistry({
    limits: config,
    log: registryLog,
    onChange: (change) => {
      rememberCodes(change);
      late.scaleOut?.onChange(change);
    },
  });
  lateRegistry.registry = registry;
  const scaleOut = late.scaleOut = options.scaleOut?.(registry, boundary);
  const limitsNow = options.limitsNow ?? Date.now;
  const addressLimits = late.limits = new AddressLimits(
    config,
    options.limitCounters ?? scaleOut?.limitCounters ??
      new MemoryLimitCounters({ now: limitsNow }),
    limitsNow,
  );
  const staticRoot = await resolveStaticRoot(config.staticDir);
  let boundPort = config.port;
  const handler = createHandler({
    config,
    registry,
    signaling: scaleOut ?? registry,
    cluster: scaleOut
      ? { health: () => scaleOut.health(), figures: () => scaleOut.figures() }
      : undefined,
    busWarning: options.busWarning,
    staticRoot,
    lanOrigins: cachedFor(
      () => lanOrigins(boundPort),
      LAN_ORIGINS_CACHE_MS,
      () => performance.now(),
    ),
    limits: addressLimits,
    log: httpLog,
    maxConnections: options.maxConnections,
    boundary,
  });
  const tls = config.tlsCertFile
    ? {
      cert: await readSetting("TLS_CERT", config.tlsCertFile),
      key: await readSetting("TLS_KEY", config.tlsKeyFile),
    }
    : {};
  const server = await serveResilient({
    port: config.port,
    hostname: config.hostname,
    ...tls,
    onFailure: (error, restarts) =>
      limiter.add({
        event: "listener failed",
        detail: `${error instanceof Error ? error.message : error}` +
          (restarts > 0 ? ` (after ${restarts} restarts)` : ""),
      }),
    onRestart: (restarts) =>
      limiter.add({ event: "listening again", detail: `restart ${restarts}` }),
    onFatal: options.platformListener
      ? (error) => {
        console.error(
          `The listener failed on the platform's address; ending so the platform restarts this process: ${error}`,
        );
        Deno.exit(1);
      }
      : undefined,
  }, handler);
  boundPort = server.port;
  onListen?.({ hostname: config.hostname, port: boundPort });
  // Listening first: a cold start does not wait on Redis (joins that need
  // it meanwhile are told "unavailable").
  const started = scaleOut &&
    boundary.run(
      { where: "bus start" },
      () =>
        scaleOut.start((health) =>
          limiter.add({
            event: health.up ? "room bus up" : "room bus down",
            detail: health.up
              ? "new games can start"
              : `${health.lastError ?? "unreachable"}; new games are refused`,
          })
        ),
    );
  // Each room's sweep step runs in the boundary: a fault costs that room.
  const sweepRoom = (room: string, step: () => void) =>
    boundary.run({ where: "sweep timer", room }, step);
  const sweepTimer = setInterval(
    boundary.wrap({ where: "sweep timer" }, () => {
      registry.sweep(sweepRoom);
      limiter.tick();
    }),
    config.sweepIntervalMs,
  );
  let closing: Promise<void> | undefined;

  return {
    port: boundPort,
    localUrl: `${tls.cert ? "https" : "http"}://127.0.0.1:${boundPort}`,
    registry,
    scaleOut,
    boundary,
    close() {
      closing ??= (async () => {
        clearInterval(sweepTimer);
        if (scaleOut) {
          // Goodbye first, so other instances may adopt the rooms here as
          // soon as their clients reconnect there.
          await started?.catch(() => {});
          await scaleOut.close();
          registry.shutdown({ keepRooms: true });
        } else {
          registry.shutdown();
        }
        await server.shutdown();
        limiter.flush();
      })();
      return closing;
    },
  };
}

/** One fault as a log line: where, who, and the stack. */
function faultEvent(fault: Fault): LogEvent {
  const { error } = fault;
  const stack = error instanceof Error
    ? (error.stack ?? `${error.name}: ${error.message}`)
    : String(error);
  return {
    event: "internal error",
    conn: fault.connId,
    address: fault.address,
    room: fault.room,
    detail: `${fault.where}: ${stack}`,
  };
}

/** How long the LAN origins, once read, are reused, in ms. */
export const LAN_ORIGINS_CACHE_MS = 5_000;

/**
 * `read`, with its answer reused for `ms` after each call that reads.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cachedFor } from "./app_server.ts";
 * let reads = 0;
 * let now = 0;
 * const get = cachedFor(() => ++reads, 1_000, () => now);
 * assert.equal(get(), 1);
 * now = 999;
 * assert.equal(get(), 1);
 * now = 1_000;
 * assert.equal(get(), 2);
 * ```
 */
export function cachedFor<T>(
  read: () => T,
  ms: number,
  now: () => number,
): () => T {
  let value: T;
  let readAt = -Infinity;
  return () => {
    const time = now();
    if (time - readAt >= ms) {
      value = read();
      readAt = time;
    }
    return value;
  };
}

/** Reads a file named by a setting, saying which setting when it fails. */
async function readSetting(name: string, path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    const hint = error instanceof Deno.errors.NotCapable ||
        error instanceof Deno.errors.PermissionDenied
      ? ` (allow it with --allow-read=${path})`
      : "";
    throw new Error(`Cannot read ${name} file ${path}${hint}: ${error}`);
  }
}

/**
 * The static folder's real path. A relative folder missing from the working
 * directory is looked for next to this module too (a `deno compile` binary
 * carries `static/` inside, and may be started from any folder). A fresh
 * checkout has no built pages yet: then the server still runs (signaling,
 * /healthz, …) and says so once.
 */
export async function resolveStaticRoot(dir: string): Promise<string> {
  try {
    return await Deno.realPath(dir);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    if (!dir.startsWith("/")) {
      const beside = new URL(`../../${dir}`, import.meta.url);
      try {
        if (beside.protocol === "file:") {
          return await Deno.realPath(beside);
        }
      } catch {
        // Not there either: say so below.
      }
    }
    const absolute = dir.startsWith("/") ? dir : `${Deno.cwd()}/${dir}`;
    console.warn(
      `The folder ${absolute} does not exist yet, so pages answer 404. ` +
        `Run "deno task build" (or "deno task start", which builds first).`,
    );
    return absolute;
  }
}
