/**
 * Builds a test bundle (with the debug handles the tests read) into its own
 * static folder, once per test process, and starts the real server on
 * 127.0.0.1 with a random port and short timers for browser tests. The
 * repository's `static/build/` (the production bundles) is never touched.
 *
 * @module
 */
import { buildTestSite, stopBuilder } from "../../scripts/build.ts";
import { type PizzaServer, startServer } from "../../src/server/app_server.ts";
import { type Config, loadConfig } from "../../src/server/config.ts";

/** Relay fallback used in browser tests, in ms (the default is 5 s). */
export const TEST_RELAY_AFTER_MS = 2_500;
/**
 * Host grace used in browser tests, in ms: long enough for a host page to
 * reload (and parse Phaser) on a busy 2-core machine.
 */
export const TEST_HOST_GRACE_MS = 8_000;

/** Static folder of the browser tests (git-ignored). */
export const TEST_STATIC_DIR = new URL(
  "../../test-output/e2e-static",
  import.meta.url,
).pathname;

let built: Promise<void> | null = null;

/** Builds the test pages once per process. */
export function ensureBuilt(): Promise<void> {
  built ??= (async () => {
    try {
      await buildTestSite(TEST_STATIC_DIR);
    } finally {
      await stopBuilder();
    }
  })();
  return built;
}

/** Starts a server serving the fresh build; close it when done. */
export async function startTestServer(
  overrides: Partial<Config> = {},
): Promise<PizzaServer> {
  await ensureBuilt();
  const config = loadConfig(() => undefined, {
    port: 0,
    hostname: "127.0.0.1",
    relayAfterMs: TEST_RELAY_AFTER_MS,
    hostGraceMs: TEST_HOST_GRACE_MS,
    sweepIntervalMs: 200,
    staticDir: TEST_STATIC_DIR,
    ...overrides,
  });
  return await startServer(config, {
    lanOrigins: (port) => [`http://192.0.2.10:${port}`],
  });
}
