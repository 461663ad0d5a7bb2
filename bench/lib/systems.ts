/**
 * The four signaling servers the benchmark starts, each on its own
 * 127.0.0.1 port, and how to stop them.
 *
 * @module
 */
import type { SystemId } from "./dialects.ts";

/** Repository root (this file is bench/lib/systems.ts). */
export const REPO_ROOT = new URL("../../", import.meta.url).pathname;
/** Node baselines folder with its own package.json. */
export const BASELINES_DIR = `${REPO_ROOT}bench/baselines/`;

/** How long a server may take to accept connections, in ms. */
const START_TIMEOUT_MS = 20_000;
/** How long a server may take to exit after SIGTERM, in ms. */
const STOP_TIMEOUT_MS = 5_000;
/** Poll interval while waiting for a port, in ms. */
const POLL_MS = 50;
/** Characters of a server's stderr kept for error reports. */
const STDERR_TAIL_CHARS = 2_000;

/**
 * Environment for our server in the benchmark. All load comes from
 * 127.0.0.1, so the per-address limits are raised (rooms, default 20;
 * sockets, default 64; join burst, default 60 — still checked on every
 * join, with budgets the load cannot reach), and the time-to-play measure
 * puts 16 bots in one room (default cap 12). Every other limit keeps its
 * default (40 messages/s per socket with a burst of 120, scaled for hosts;
 * 20,000 connections; 64 KiB messages; 30 s to join or create a room).
 */
export const OUR_BENCH_ENV: Readonly<Record<string, string>> = {
  BIND_ADDRESS: "127.0.0.1",
  MAX_ROOMS_PER_ADDRESS: "100000",
  MAX_CONNECTIONS_PER_ADDRESS: "100000",
  JOIN_BURST_PER_ADDRESS: "1000000",
  ROOM_CREATES_PER_MINUTE: "1000000",
  MAX_PLAYERS_PER_ROOM: "16",
};

/** How to run one system. */
export interface SystemSpec {
  /** Id used in results. */
  id: SystemId;
  /** Column heading. */
  label: string;
  /** Executable. */
  command: string;
  /** Arguments. */
  args: string[];
  /** Extra environment (PORT is added). */
  env: Readonly<Record<string, string>>;
  /** More environment that depends on the port chosen. @default none */
  envFor?: (port: number) => Record<string, string>;
}

/** Every system, in table order: ours first. */
export const SYSTEMS: readonly SystemSpec[] = [
  {
    id: "ours",
    label: "ours (Deno)",
    command: Deno.execPath(),
    // Same flags as `deno task serve`.
    args: [
      "run",
      "--allow-net",
      "--allow-read=.",
      "--allow-env",
      "--allow-sys=networkInterfaces",
      "server.ts",
    ],
    env: OUR_BENCH_ENV,
  },
  {
    id: "peerjs",
    label: "PeerJS server",
    command: "node",
    args: [`${BASELINES_DIR}peerjs_server.js`],
    env: { HOST: "127.0.0.1" },
  },
  {
    id: "seed",
    label: "seed server",
    command: "node",
    args: [`${BASELINES_DIR}seed_server/server.js`],
    env: { HOST: "127.0.0.1" },
  },
  {
    id: "bare",
    label: "bare Deno relay",
    command: Deno.execPath(),
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      "bench/baselines/bare_relay.ts",
    ],
    env: {},
  },
];

/** A started server. */
export interface RunningServer {
  /** Its system. */
  spec: SystemSpec;
  /** Process id, for /proc counters. */
  pid: number;
  /** Port it listens on. */
  port: number;
  /** `ws://127.0.0.1:<port>`. */
  wsUrl: string;
  /** `http://127.0.0.1:<port>`. */
  httpUrl: string;
  /** Stops it (SIGTERM, then SIGKILL) and waits for the exit. Idempotent. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (free when asked). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

async function canConnect(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a system's server and waits until its port accepts connections.
 *
 * @param spec Which system.
 * @returns The running server.
 * @throws {Error} When it exits or does not listen in time (with its stderr).
 */
export async function startSystem(spec: SystemSpec): Promise<RunningServer> {
  const port = freePort();
  const child = new Deno.Command(spec.command, {
    args: spec.args,
    cwd: REPO_ROOT,
    env: { ...spec.env, ...spec.envFor?.(port), PORT: String(port) },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderrTail = "";
  const stderrDone = child.stderr.pipeThrough(new TextDecoderStream())
    .pipeTo(
      new WritableStream({
        write(chunk) {
          stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
        },
      }),
    ).catch(() => {});
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (!exited) {
        try {
          child.kill("SIGTERM");
        } catch { /* already gone */ }
        const timer = setTimeout(() => {
          try {
            child.kill("SIGKILL");
          } catch { /* already gone */ }
        }, STOP_TIMEOUT_MS);
        await status;
        clearTimeout(timer);
      }
      await stderrDone;
    })();
    return stopping;
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await canConnect(port))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(
        `${spec.label} did not start on port ${port}: ${stderrTail.trim()}`,
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return {
    spec,
    pid: child.pid,
    port,
    wsUrl: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    stop,
  };
}

/**
 * Our server with the Redis room bus: `OUR_BENCH_ENV` plus `REDIS_URL`;
 * `addressed` gives each instance its own `INSTANCE_URL` (phones that can
 * move are sent to the room's owner), else joins are relayed (as on Deploy).
 */
export function oursOnRedis(redisUrl: string, addressed = false): SystemSpec {
  const ours = SYSTEMS[0];
  return {
    ...ours,
    label: "ours (Deno, Redis bus)",
    env: {
      ...OUR_BENCH_ENV,
      REDIS_URL: redisUrl,
      // The load generator sends no Origin; the setting is required with it.
      ...(addressed ? { ALLOWED_ORIGINS: "http://127.0.0.1" } : {}),
    },
    ...(addressed
      ? { envFor: (port) => ({ INSTANCE_URL: `ws://127.0.0.1:${port}` }) }
      : {}),
  };
}

/** Waits until the server's `/healthz` answers 200 (its bus is up). */
async function waitHealthy(server: RunningServer): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(`${server.httpUrl}/healthz`);
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // Not answering yet.
    }
    if (Date.now() > deadline) {
      throw new Error(`${server.spec.label} on ${server.port}: not healthy`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * Starts `instances` processes of our server on one Redis and waits until
 * each one's bus is up (`/healthz` 200).
 *
 * @param redisUrl `redis://127.0.0.1:<port>`.
 * @param instances How many processes.
 * @param addressed Each instance gets its `INSTANCE_URL`. @default false
 * @returns The running servers, in start order.
 */
export async function startOursCluster(
  redisUrl: string,
  instances: number,
  addressed = false,
): Promise<RunningServer[]> {
  const spec = oursOnRedis(redisUrl, addressed);
  const started: RunningServer[] = [];
  try {
    for (let i = 0; i < instances; i++) {
      const server = await startSystem(spec);
      started.push(server);
      await waitHealthy(server);
    }
    return started;
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    throw error;
  }
}
