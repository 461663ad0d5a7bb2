/**
 * Entry point: reads the configuration from the environment, serves the
 * game on PORT (default 8888), and shuts down cleanly on SIGINT/SIGTERM.
 *
 * @module
 */
import { startServer } from "./src/server/app_server.ts";
import { loadConfig, scaleOutConfig } from "./src/server/config.ts";
import { lanAddresses } from "./src/server/lan_addresses.ts";
import { EventLog } from "./src/server/event_log.ts";
import { scaleOutFromEnv } from "./src/server/bus/room_bus_from_env.ts";
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
const scale = scaleOutConfig(env);
const memoryOnDeploy = scale.onDeploy && !scale.redisUrl;
if (memoryOnDeploy) {
  console.warn(
    "Running on Deno Deploy without REDIS_URL: rooms stay in this one " +
      "instance, so a phone that lands on another instance cannot join. " +
      "Set REDIS_URL (and one region beside the Redis) to share rooms.",
  );
}
let instanceId = "";
const scaleOut = await scaleOutFromEnv(scale.redisUrl, {
  prefix: scale.redisPrefix,
  livenessTtlMs: scale.livenessTtlMs,
  instanceUrl: scale.instanceUrl,
  tickMs: scale.keepAliveMs,
  roomTtlMs: config.hostGraceMs + scale.livenessTtlMs,
  log: (event) => eventLog.add(event),
});
const server = await startServer(config, {
  scaleOut: scaleOut && ((registry, boundary) => {
    const router = scaleOut(registry, boundary);
    instanceId = router.bus.instanceId;
    return router;
  }),
  busWarning: memoryOnDeploy ? "memory (single instance only)" : undefined,
  platformListener: Boolean(env("DENO_SERVE_ADDRESS")),
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
  server.scaleOut
    ? `  Rooms shared through Redis as instance ${instanceId} ` +
      `(keys under "${scale.redisPrefix}").`
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
