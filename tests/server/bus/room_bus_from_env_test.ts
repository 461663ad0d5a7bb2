/**
 * The bus is picked from the environment, and the in-memory server never
 * loads the Redis client (loading it alone made every join cost more).
 */
import assert from "node:assert/strict";
import { scaleOutFromEnv } from "../../../src/server/bus/room_bus_from_env.ts";

/** One module of `deno info --json`: its code dependencies. */
interface InfoModule {
  specifier: string;
  dependencies?: {
    code?: { specifier: string };
    isDynamic?: boolean;
  }[];
}

/** Every module `entry` reaches through static imports only. */
async function staticGraph(entry: string): Promise<Set<string>> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    roots: string[];
    modules: InfoModule[];
    redirects: Record<string, string>;
  };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const reached = new Set<string>();
  const queue = [...info.roots];
  while (queue.length > 0) {
    const next = queue.pop()!;
    const resolved = info.redirects[next] ?? next;
    if (reached.has(resolved)) continue;
    reached.add(resolved);
    for (const dep of bySpecifier.get(resolved)?.dependencies ?? []) {
      if (dep.code && !dep.isDynamic) queue.push(dep.code.specifier);
    }
  }
  return reached;
}

const SETTINGS = {
  prefix: "pizza:",
  livenessTtlMs: 15_000,
  tickMs: 5_000,
  roomTtlMs: 75_000,
};

Deno.test("scaleOutFromEnv() gives nothing without REDIS_URL and refuses a URL that is not redis://", async () => {
  assert.equal(await scaleOutFromEnv(undefined, SETTINGS), undefined);
  assert.equal(await scaleOutFromEnv("  ", SETTINGS), undefined);
  await assert.rejects(scaleOutFromEnv("http://x", SETTINGS), RangeError);
  await assert.rejects(scaleOutFromEnv("not a url", SETTINGS), /not a URL/);
  assert.equal(
    typeof await scaleOutFromEnv("redis://127.0.0.1:1", SETTINGS),
    "function",
  );
});

Deno.test("server.ts reaches the Redis bus and ioredis only through a dynamic import", async () => {
  const entry = new URL("../../../server.ts", import.meta.url).href;
  const reached = [...await staticGraph(entry)];
  assert.ok(reached.some((s) => s.endsWith("/src/server/app_server.ts")));
  assert.deepEqual(
    reached.filter((s) =>
      s.includes("ioredis") || s.endsWith("redis_room_bus.ts")
    ),
    [],
  );
});
