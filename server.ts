/**
 * Entry point: reads the configuration from the environment, serves the
 * game on PORT (default 8888), and shuts down cleanly on SIGINT/SIGTERM.
 *
 * @module
 */
import { startServer } from "./src/server/app_server.ts";
import { loadConfig } from "./src/server/config.ts";
import { lanAddresses } from "./src/server/lan_addresses.ts";
import { EventLog } from "./src/server/event_log.ts";
import {
  busTimingsFromEnv,
  limitCountersFor,
  REDIS_URL_SETTING,
  roomBusFromEnv,
} from "./src/server/bus/room_bus_from_env.ts";
import {
  connectionBudget,
  raiseOpenFileLimit,
} from "./src/server/open_file_limit.ts";

const config = loadConfig((name) => Deno.env.get(name));
const scheme = config.tlsCertFile ? "https" : "http";
const eventLog = new EventLog((text) => console.log(text));
const files = await raiseOpenFileLimit();
const maxConnections = connectionBudget(config.maxConnections, files.after);
const env = (name: string) => Deno.env.get(name);
const timings = busTimingsFromEnv(env);
const shared = Boolean(env(REDIS_URL_SETTING)?.trim());
const bus = await roomBusFromEnv(env, timings);
const limitCounters = await limitCountersFor(bus);
const server = await startServer(config, {
  bus,
  sharedBus: shared,
  busCodeTtlMs: timings.codeTtlMs,
  // Per-address limits counted in Redis by every instance.
  limitCounters: limitCounters && (() => limitCounters),
  log: (event) => eventLog.add(event),
  maxConnections,
  lanOrigins: (port) =>
    lanAddresses().map((address) => `${scheme}://${address}:${port}`),
});
console.log(`Pizza Peers is running.`);
console.log(
  files.after
    ? `  Open-file limit ${files.after.soft}` +
      (files.before && files.before.soft !== files.after.soft
        ? ` (raised from ${files.before.soft})`
        : files.note
        ? ` (not raised: ${files.note})`
        : "") +
      `; at most ${maxConnections} connections.`
    : `  Open-file limit unknown (${
      files.note ?? "unreadable"
    }); at most ${maxConnections} connections.`,
);
console.log(
  shared
    ? `  Rooms shared through Redis as instance ${bus.instanceId}` +
      (bus.health().up ? "." : " (Redis unreachable for now).")
    : "  Rooms kept in this process (set REDIS_URL to share them).",
);
console.log(`  On this computer: ${scheme}://localhost:${server.port}/`);
for (const address of lanAddresses()) {
  console.log(
    `  On phones (same Wi-Fi): ${scheme}://${address}:${server.port}/`,
  );
}

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: telling players and closing connections…`);
  await server.close();
  eventLog.close();
  console.log("Stopped.");
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
