/**
 * The real pages across two instances with `INSTANCE_URL`: the host page on
 * A creates a game; a phone page loaded from B (the main site here) joins
 * it, is sent to A by `moveTo`, and plays from A's own socket (its Origin
 * accepted through `ALLOWED_ORIGINS`), not relayed through Redis; refused
 * there, it goes back to B and plays relayed.
 */
import assert from "node:assert/strict";
import { ignoreWithout } from "../_helpers/external_tools.ts";
import { startTestRedis } from "../_helpers/redis_server.ts";
import {
  type ServerProcess,
  startServerProcess,
} from "../_helpers/server_process.ts";
import { ignoreBrowserTests, launchChromium } from "./chromium.ts";
import { joinThroughPages } from "./dom_join.ts";
import { ensureBuilt, TEST_STATIC_DIR } from "./test_server.ts";

/** A free TCP port on 127.0.0.1 (free when asked). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** One gauge of a server's `/metrics`. */
async function gauge(server: ServerProcess, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(name));
  return Number(line?.split(" ").at(-1) ?? NaN);
}

/** Two instances on one Redis, each with its INSTANCE_URL. */
async function twoInstances(
  redisUrl: string,
  allowedOrigins: (origins: string[]) => string,
): Promise<ServerProcess[]> {
  const ports = [freePort(), freePort()];
  const origins = ports.map((port) => `http://127.0.0.1:${port}`);
  return await Promise.all(ports.map((port) =>
    startServerProcess({
      env: {
        PORT: String(port),
        STATIC_DIR: TEST_STATIC_DIR,
        REDIS_URL: redisUrl,
        INSTANCE_URL: `ws://127.0.0.1:${port}`,
        ALLOWED_ORIGINS: allowedOrigins(origins),
      },
    })
  ));
}

/**
 * Runs a host page on A and a phone page loaded from B (two instances on one
 * Redis, each accepting the origins `allowedOrigins` gives), joins them, and
 * hands both servers to `check`; closes everything after.
 */
async function phoneFromB(
  allowedOrigins: (origins: string[]) => string,
  check: (
    a: ServerProcess,
    b: ServerProcess,
    phoneUrl: string,
  ) => Promise<void>,
): Promise<void> {
  await ensureBuilt();
  await using redis = await startTestRedis();
  const [a, b] = await twoInstances(redis.url, allowedOrigins);
  const chromium = await launchChromium();
  try {
    const { host, phone } = await joinThroughPages(
      chromium.browser,
      a.url,
      "Ann",
      b.url,
    );
    await check(a, b, phone.url());
    await host.close();
    await phone.close();
  } finally {
    await chromium.close();
    await Promise.all([a, b].map((server) => server.stop("SIGKILL")));
  }
}

Deno.test({
  name:
    "a phone page from one instance joins a game held by another through moveTo, on the owner's own socket",
  ignore: ignoreBrowserTests() || ignoreWithout("redis-server"),
  fn: () =>
    phoneFromB((all) => all.join(","), async (a, b, phoneUrl) => {
      // The phone's page came from B, its socket is A's own.
      assert.equal(new URL(phoneUrl).port, String(b.port));
      assert.equal(await gauge(b, "pizza_bus_sockets_forwarded"), 0);
      assert.equal(await gauge(a, "pizza_bus_remote_sockets"), 0);
    }),
});

Deno.test({
  name:
    "a phone page whose origin the owner refuses goes back to its own server and plays relayed",
  ignore: ignoreBrowserTests() || ignoreWithout("redis-server"),
  // Each instance accepts only its own pages: B's page may not open A.
  fn: () =>
    phoneFromB(() => "http://site.test", async (a, b) => {
      assert.equal(await gauge(b, "pizza_bus_sockets_forwarded"), 1);
      assert.equal(await gauge(a, "pizza_bus_remote_sockets"), 1);
    }),
});
