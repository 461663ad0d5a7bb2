/**
 * Starts `server.ts` as a child process, as a user or a test needs it (its
 * permissions, environment, optionally under a shell `ulimit`), and reads its
 * port from the "running" lines.
 *
 * @module
 */
import assert from "node:assert/strict";

const ROOT = new URL("../..", import.meta.url).pathname;

/** A running child server. */
export interface ChildServer {
  /** The port it listens on. */
  port: number;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Everything it printed on stdout so far. */
  stdout(): string;
  /**
   * Sends `signal` (SIGTERM unless said) at once; resolves when the process
   * has exited, with its exit code and everything it printed.
   */
  stop(
    signal?: Deno.Signal,
  ): Promise<{ stdout: string; stderr: string; code: number }>;
}

/** How to start the child. */
export interface ChildServerOptions {
  /** Extra environment variables (PORT=0, BIND_ADDRESS and a fixture STATIC_DIR are set). */
  env?: Record<string, string>;
  /** `deno run` permission flags; all permissions unless given. */
  permissions?: readonly string[];
  /** When set, `ulimit` arguments for the child (e.g. `-n 256`). */
  ulimit?: string;
}

/** Spawns `deno run <permissions> server.ts` on a free port. */
export async function spawnChildServer(
  options: ChildServerOptions = {},
): Promise<ChildServer> {
  const { env = {}, permissions = ["--allow-all"], ulimit } = options;
  const deno = Deno.execPath();
  const serverArgs = ["run", ...permissions, "server.ts"];
  const [program, args] = ulimit === undefined ? [deno, serverArgs] : [
    "bash",
    ["-c", `ulimit ${ulimit} && exec "$0" "$@"`, deno, ...serverArgs],
  ];
  const child = new Deno.Command(program, {
    args,
    cwd: ROOT,
    env: {
      PORT: "0",
      BIND_ADDRESS: "127.0.0.1",
      STATIC_DIR: "tests/fixtures/static",
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  let port = 0;
  const deadline = Date.now() + 30_000;
  while (!port && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    output += value;
    port = Number(
      output.match(/On this computer: https?:\/\/localhost:(\d+)\//)?.[1] ?? 0,
    );
  }
  const stderr = new Response(child.stderr).text();
  if (!port) {
    child.kill("SIGKILL");
    await child.status;
    await reader.cancel();
    assert.fail(`server did not start: ${output} ${await stderr}`);
  }
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return output;
      output += value;
    }
  })();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    stdout: () => output,
    async stop(signal: Deno.Signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch {
        // Already gone.
      }
      const status = await child.status;
      return { stdout: await rest, stderr: await stderr, code: status.code };
    },
  };
}
