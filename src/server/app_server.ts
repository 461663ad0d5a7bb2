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
import type { BusHealth, RoomBus } from "./bus/room_bus.ts";
import { MemoryRoomBus } from "./bus/memory_room_bus.ts";
import { RoomRouter } from "./bus/room_router.ts";
import {
  type Fault,
  FaultBoundary,
  type FaultContext,
} from "./fault_boundary.ts";

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
   * The room bus (not started: the server starts and closes it).
   * @default a standalone in-memory bus
   */
  bus?: RoomBus;
  /**
   * Whether other instances share `bus` (Redis): room records are saved,
   * and a stop leaves rooms for other instances to adopt.
   * @default true when `bus` is given
   */
  sharedBus?: boolean;
  /** The bus's code lifetime, in ms. @default 15000 */
  busCodeTtlMs?: number;
  /**
   * Where the per-address counters live, given the bus (e.g. in Redis,
   * counted across instances).
   * @default in this process's memory
   */
  limitCounters?: (bus: RoomBus) => LimitCounters;
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
  /** The router between sockets, the registry and the room bus. */
  readonly router: RoomRouter;
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
  const bus = options.bus ?? new MemoryRoomBus({ keepAliveMs: 0 });
  const shared = options.sharedBus ?? options.bus !== undefined;
  const limitsNow = options.limitsNow ?? Date.now;
  const addressLimits = new AddressLimits(
    config,
    options.limitCounters?.(bus) ?? new MemoryLimitCounters({ now: limitsNow }),
    limitsNow,
  );
  // Closed codes are remembered (a join to one is told the game ended);
  // a code opened again is forgotten.
  const rememberCodes = (event: RegistryEvent) => {
    const code = event.room;
    if (code === undefined) return;
    const done = event.event === "room closed" &&
        event.detail !== "server shutdown"
      ? addressLimits.roomClosed(code)
      : event.event === "room created"
      ? addressLimits.roomOpened(code)
      : undefined;
    done?.catch((error) =>
      boundary.fault({ where: "closed code memory", room: code }, error)
    );
  };
  // An in-memory bus no other instance can reach (the default without
  // REDIS_URL): every room is here, so sockets talk to the registry
  // directly, with no routing, code claims or records (the hot path of a
  // join stays at the floor). The router still runs the bus.
  const direct = !shared && bus instanceof MemoryRoomBus && bus.solitary;
  // The registry reaches the router (claimed codes, change events) through
  // this, as the router is made after it.
  const late: { router?: RoomRouter } = {};
  const registry = new RoomRegistry({
    limits: config,
    log: direct
      ? (event) => {
        registryLog(event);
        rememberCodes(event);
      }
      : (event) => {
        registryLog(event);
        rememberCodes(event);
        late.router?.observe(event);
      },
    generateCode: direct ? undefined : () => late.router!.generateCode(),
  });
  lateRegistry.registry = registry;
  const router = late.router = new RoomRouter({
    registry,
    bus,
    hostGraceMs: config.hostGraceMs,
    codeTtlMs: options.busCodeTtlMs ?? 15_000,
    shared,
    log: (event) => limiter.add(event),
    boundary,
  });
  const stopHealthLog = bus.onHealthChange(
    boundary.wrap(
      { where: "bus connection event" },
      (health: BusHealth) =>
        limiter.add({
          event: health.up ? "room bus up" : "room bus down",
          detail: health.up
            ? "new games can start"
            : `${health.lastError ?? "unreachable"}; new games are refused`,
        }),
    ),
  );
  await router.start();
  const staticRoot = await resolveStaticRoot(config.staticDir);
  let boundPort = config.port;
  const handler = createHandler({
    config,
    registry,
    signaling: direct ? registry : router,
    cluster: shared
      ? { health: () => bus.health(), figures: () => router.figures() }
      : undefined,
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
  }, handler);
  boundPort = server.port;
  onListen?.({ hostname: config.hostname, port: boundPort });
  // Each room's sweep step runs in the boundary: a fault costs that room.
  const sweepRoom = (room: string, step: () => void) =>
    boundary.run({ where: "sweep timer", room }, step);
  const sweepTimer = setInterval(
    boundary.wrap({ where: "sweep timer" }, () => {
      registry.sweep(sweepRoom);
      limiter.tick();
      if (shared && bus.health().up) {
        router.checkOwners().catch(() => {});
        bus.measureRoundTrip().catch(() => {});
      }
    }),
    config.sweepIntervalMs,
  );
  let closing: Promise<void> | undefined;

  return {
    port: boundPort,
    localUrl: `${tls.cert ? "https" : "http"}://127.0.0.1:${boundPort}`,
    registry,
    router,
    boundary,
    close() {
      closing ??= (async () => {
        clearInterval(sweepTimer);
        if (shared) {
          // Goodbye first, so other instances may adopt the rooms here as
          // soon as their clients reconnect there.
          await router.close();
          registry.shutdown({ keepRooms: true });
        } else {
          registry.shutdown();
          await router.close();
        }
        stopHealthLog();
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
