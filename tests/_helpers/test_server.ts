/**
 * Starts a real server on 127.0.0.1, port 0, for integration tests.
 *
 * @module
 */
import { type PizzaServer, startServer } from "../../src/server/app_server.ts";
import { type Config, loadConfig } from "../../src/server/config.ts";

/**
 * Starts a quiet server with test-friendly settings over the defaults: one
 * test opens many rooms from 127.0.0.1, so the rooms-created rate is lifted
 * (tests of that limit set it).
 */
export function startTestServer(
  overrides: Partial<Config> = {},
): Promise<PizzaServer> {
  const config = loadConfig(() => undefined, {
    port: 0,
    hostname: "127.0.0.1",
    staticDir: new URL("../fixtures/static", import.meta.url).pathname,
    roomCreatesPerMinute: 1_000_000,
    ...overrides,
  });
  return startServer(config);
}
