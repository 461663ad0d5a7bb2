/**
 * Runs the whole server: `Deno.serve` with the one handler, the registry,
 * its sweep timer, and a clean shutdown. `server.ts` and tests use it.
 *
 * @module
 */
import type { Config } from "./config.ts";
import { createHandler } from "./http_handler.ts";
import { type RegistryEvent, RoomRegistry } from "./room_registry.ts";

/** Options for {@link startServer}. */
export interface StartOptions {
  /** Receives one event per room or connection change. @default ignore */
  log?: (event: RegistryEvent) => void;
  /** Called once listening, with the port actually bound. */
  onListen?: (address: { hostname: string; port: number }) => void;
  /** Origins phones on the LAN can open. @default [] */
  lanOrigins?: (port: number) => readonly string[];
}

/** A running server. */
export interface PizzaServer {
  /** The port bound (useful with port 0). */
  readonly port: number;
  /** `http://127.0.0.1:<port>` (or https), for tests and logs. */
  readonly localUrl: string;
  /** The signaling core. */
  readonly registry: RoomRegistry;
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
  const { log, onListen, lanOrigins = () => [] } = options;
  const registry = new RoomRegistry({ limits: config, log });
  const staticRoot = await resolveStaticRoot(config.staticDir);
  let boundPort = config.port;
  const handler = createHandler({
    config,
    registry,
    staticRoot,
    lanOrigins: () => lanOrigins(boundPort),
  });
  const tls = config.tlsCertFile
    ? {
      cert: await readSetting("TLS_CERT", config.tlsCertFile),
      key: await readSetting("TLS_KEY", config.tlsKeyFile),
    }
    : {};
  const { promise: listening, resolve } = Promise.withResolvers<number>();
  const server = Deno.serve({
    port: config.port,
    hostname: config.hostname,
    ...tls,
    onListen: (address) => {
      resolve(address.port);
      onListen?.(address);
    },
  }, handler);
  boundPort = await listening;
  const sweepTimer = setInterval(
    () => registry.sweep(),
    config.sweepIntervalMs,
  );
  let closing: Promise<void> | undefined;

  return {
    port: boundPort,
    localUrl: `${tls.cert ? "https" : "http"}://127.0.0.1:${boundPort}`,
    registry,
    close() {
      closing ??= (async () => {
        clearInterval(sweepTimer);
        registry.shutdown();
        await server.shutdown();
      })();
      return closing;
    },
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
 * The static folder's real path. A fresh checkout has no built pages yet:
 * then the server still runs (signaling, /healthz, …) and says so once.
 */
async function resolveStaticRoot(dir: string): Promise<string> {
  try {
    return await Deno.realPath(dir);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    const absolute = dir.startsWith("/") ? dir : `${Deno.cwd()}/${dir}`;
    console.warn(
      `The folder ${absolute} does not exist yet, so pages answer 404. ` +
        `Run "deno task build" (or "deno task start", which builds first).`,
    );
    return absolute;
  }
}
