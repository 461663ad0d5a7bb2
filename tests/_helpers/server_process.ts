/**
 * A real `server.ts` (or a compiled binary) in its own process, for
 * scale-out tests: started on a free port, read for its "running" lines,
 * stopped gently (SIGTERM) or killed (SIGKILL) like a crashed instance.
 *
 * @module
 */

const ROOT = new URL("../..", import.meta.url).pathname;
/** How long a start may take before the test fails, in ms. */
const START_TIMEOUT_MS = 60_000;

/** A running server process. */
export interface ServerProcess {
  /** The port it listens on. */
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Everything it printed on stdout and stderr so far. */
  output(): string;
  /** Sends a signal and returns at once (e.g. SIGSTOP, SIGCONT). */
  signal(signal: "SIGSTOP" | "SIGCONT"): void;
  /** Sends a signal and waits for the process to end. Idempotent. */
  stop(signal?: "SIGTERM" | "SIGINT" | "SIGKILL"): Promise<number>;
  /** `Symbol.asyncDispose`: SIGKILL if still running. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options for {@link startServerProcess}. */
export interface ServerProcessOptions {
  /** Extra environment (PORT and BIND_ADDRESS are set unless given). */
  env?: Record<string, string>;
  /** Working directory. @default the repository root */
  cwd?: string;
  /** The program and its arguments. @default deno run --allow-all <root>/server.ts */
  command?: [string, ...string[]];
}

/**
 * Starts a server process on a free port and waits for its address line.
 * @throws Error with its output when it does not start.
 */
export async function startServerProcess(
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const [program, ...args] = options.command ??
    [Deno.execPath(), "run", "--allow-all", `${ROOT}server.ts`];
  const child = new Deno.Command(program, {
    args,
    cwd: options.cwd ?? ROOT,
    env: { PORT: "0", BIND_ADDRESS: "127.0.0.1", ...options.env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const read = async (stream: typeof child.stdout) => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      output += text;
    }
  };
  const reading = Promise.all([read(child.stdout), read(child.stderr)]);
  const status = child.status;
  let exited = false;
  status.then(() => (exited = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  let port = 0;
  while (!port && !exited && Date.now() < deadline) {
    port = Number(
      output.match(/On this computer: https?:\/\/localhost:(\d+)\//)?.[1] ?? 0,
    );
    if (!port) {
      await Promise.race([status, new Promise((r) => setTimeout(r, 20))]);
    }
  }
  let stopped: Promise<number> | undefined;
  const stop = (signal: "SIGTERM" | "SIGINT" | "SIGKILL" = "SIGTERM") => {
    stopped ??= (async () => {
      try {
        child.kill(signal);
      } catch {
        // Already gone.
      }
      const { code } = await status;
      await reading;
      return code;
    })();
    return stopped;
  };
  if (!port) {
    await stop("SIGKILL");
    throw new Error(`server did not start:\n${output}`);
  }
  // It listens before it reaches Redis: wait (a while) for its bus to be up,
  // as a balancer's health check would.
  const busDeadline = Date.now() + 10_000;
  while (options.env?.REDIS_URL && Date.now() < busDeadline && !exited) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      await response.body?.cancel();
      if (response.ok) break;
    } catch {
      // Not answering yet.
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    signal: (signal) => {
      try {
        child.kill(signal);
      } catch {
        // Already gone.
      }
    },
    stop,
    async [Symbol.asyncDispose]() {
      await stop("SIGKILL");
    },
  };
}

/**
 * Polls `probe` until it returns a value other than undefined (state, not
 * time: the deadline only turns a hang into a clear failure).
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
