/**
 * `Deno.serve` that keeps serving after the accept loop dies. When accept
 * fails with EMFILE ("Too many open files") Deno closes the listener and
 * the server's `finished` promise rejects; left alone, the rejection is
 * unhandled and the process exits, losing every room. Here the failure is
 * reported and the same port is listened on again, with a growing pause,
 * until it works (descriptors free up as the flood closes).
 *
 * @module
 */

/** What {@link serveResilient} needs. */
export interface ResilientServeOptions {
  /** Port to bind (0: any free port; later restarts reuse the bound port). */
  port: number;
  /** Interface to bind. */
  hostname: string;
  /** PEM certificate and key for HTTPS, when both are set. */
  cert?: string;
  /** PEM private key. */
  key?: string;
  /** Told of each failure of the listener (the caller rate-limits logs). */
  onFailure: (error: unknown, restarts: number) => void;
  /** Told when listening again after a failure. */
  onRestart?: (restarts: number) => void;
  /** First pause before listening again, in ms. @default 50 */
  firstRetryMs?: number;
  /** Longest pause between attempts, in ms. @default 2000 */
  maxRetryMs?: number;
  /**
   * Called instead of listening again when the listen address is the
   * platform's (`DENO_SERVE_ADDRESS` set: the platform routes to the port it
   * gave, and restarts a process that ends). @default listen again
   */
  onFatal?: (error: unknown) => void;
}

/** A listener that restarts itself. */
export interface ResilientServer {
  /** The port bound. */
  readonly port: number;
  /** How many times the listener was restarted. */
  readonly restarts: number;
  /** Stops listening (and stops restarting). Idempotent. */
  shutdown(): Promise<void>;
}

/**
 * Serves `handler`, listening again whenever the listener fails.
 *
 * @param options Where to listen and whom to tell about failures.
 * @param handler The request handler.
 * @returns Once listening: the server.
 */
export async function serveResilient(
  options: ResilientServeOptions,
  handler: Deno.ServeHandler<Deno.NetAddr>,
): Promise<ResilientServer> {
  const { firstRetryMs = 50, maxRetryMs = 2_000 } = options;
  let port = options.port;
  let current: Deno.HttpServer<Deno.NetAddr> | undefined;
  let stopped = false;
  let restarts = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const listen = (): Promise<number> => {
    const { promise, resolve } = Promise.withResolvers<number>();
    const tls = options.cert && options.key
      ? { cert: options.cert, key: options.key }
      : {};
    const server = Deno.serve({
      port,
      hostname: options.hostname,
      ...tls,
      onListen: (address) => resolve(address.port),
    }, handler);
    current = server;
    server.finished.then(
      () => {},
      (error) => {
        if (stopped || current !== server) return;
        current = undefined;
        options.onFailure(error, restarts);
        if (options.onFatal) return options.onFatal(error);
        scheduleRestart(firstRetryMs);
      },
    );
    return promise;
  };

  const scheduleRestart = (delay: number) => {
    if (stopped) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (stopped) return;
      try {
        restarts++;
        listen().then(() => options.onRestart?.(restarts));
      } catch (error) {
        // Binding itself failed (no descriptor yet): wait longer.
        options.onFailure(error, restarts);
        scheduleRestart(Math.min(maxRetryMs, delay * 2));
      }
    }, delay);
  };

  port = await listen();
  return {
    get port() {
      return port;
    },
    get restarts() {
      return restarts;
    },
    async shutdown() {
      stopped = true;
      clearTimeout(retryTimer);
      const server = current;
      current = undefined;
      if (server) await server.shutdown();
    },
  };
}
