/**
 * A throwaway `redis-server` for tests: a free port on 127.0.0.1, no
 * persistence, ready when it answers PING, stoppable and restartable on the
 * same port (for "Redis down and back" tests).
 *
 * @module
 */

import { requireTool, toolPath } from "./external_tools.ts";

/** How long a start may take before the test fails, in ms. */
const START_TIMEOUT_MS = 20_000;

/** Servers running now: killed when the process exits, whatever happened. */
const running = new Set<Deno.ChildProcess>();
globalThis.addEventListener("unload", () => {
  for (const child of running) {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }
});

/** A running (or stopped) test Redis. */
export interface TestRedis {
  /** The port it listens on, kept across restarts. */
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Whether the process is running now. */
  readonly running: boolean;
  /** Kills the server and waits for it to exit (and its port to close). */
  stop(): Promise<void>;
  /** Starts it again on the same port; resolves once it answers PING. */
  start(): Promise<void>;
  /** Stops it if running. Idempotent. */
  close(): Promise<void>;
  /** `Symbol.asyncDispose` for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Whether `redis-server` can be run here (the benchmark asks; tests use
 * `ignoreWithout("redis-server")` from `external_tools.ts`).
 */
export function redisServerAvailable(): boolean {
  return toolPath("redis-server") !== null;
}

/** A free TCP port on 127.0.0.1 (bound, then released). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Sends PING over a raw socket and reads the reply.
 * @returns true when the server answered `+PONG`.
 */
async function ping(port: number): Promise<boolean> {
  let conn: Deno.TcpConn | undefined;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode("PING\r\n"));
    const buffer = new Uint8Array(64);
    const n = await conn.read(buffer);
    return n !== null &&
      new TextDecoder().decode(buffer.subarray(0, n)).startsWith("+PONG");
  } catch {
    return false;
  } finally {
    conn?.close();
  }
}

/** Whether anything accepts connections on the port. */
async function accepting(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `redis-server --port P --save "" --appendonly no` on a free port
 * and resolves once it answers PING.
 *
 * @param port Port to use. @default a free port
 * @throws Error when `redis-server` is missing, exits or does not answer in time.
 */
export async function startTestRedis(port = freePort()): Promise<TestRedis> {
  const bin = requireTool("redis-server");
  let child: Deno.ChildProcess | undefined;
  let exited: Promise<Deno.CommandStatus> | undefined;
  let stderrText: Promise<string> | undefined;

  const spawn = async (): Promise<void> => {
    if (child) return;
    const command = new Deno.Command(bin, {
      args: [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--loglevel",
        "warning",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    });
    const process = command.spawn();
    child = process;
    running.add(process);
    stderrText = new Response(process.stderr).text();
    const status = process.status;
    status.then(() => running.delete(process));
    exited = status;
    let dead = false;
    status.then(() => dead = true);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await ping(port))) {
      if (dead) {
        child = undefined;
        const text = await stderrText;
        throw new Error(
          `redis-server on port ${port} exited before answering: ${text}`,
        );
      }
      if (Date.now() > deadline) {
        await kill();
        throw new Error(`redis-server on port ${port} did not answer PING`);
      }
      // Poll the server's state, not a fixed sleep: one short wait per try.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const kill = async (): Promise<void> => {
    const process = child;
    if (!process) return;
    child = undefined;
    try {
      process.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await exited;
    await stderrText;
    // The port is released when the process is reaped; make sure of it.
    const closedBy = Date.now() + START_TIMEOUT_MS;
    while (await accepting(port)) {
      if (Date.now() > closedBy) {
        throw new Error(`port ${port} still accepts after redis-server died`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  await spawn();
  const redis: TestRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return child !== undefined;
    },
    stop: kill,
    start: spawn,
    close: kill,
    [Symbol.asyncDispose]: kill,
  };
  return redis;
}
