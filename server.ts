/**
 * Entry point: reads the configuration from the environment, serves the
 * game on PORT (default 8888), and shuts down cleanly on SIGINT/SIGTERM.
 *
 * @module
 */
import { startServer } from "./src/app_server.ts";
import { loadConfig } from "./src/config.ts";
import { lanAddresses } from "./src/lan_addresses.ts";
import type { RegistryEvent } from "./src/room_registry.ts";

function logEvent(event: RegistryEvent): void {
  const fields = Object.entries(event)
    .filter(([key]) => key !== "event")
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  console.log(`${new Date().toISOString()} ${event.event} ${fields.join(" ")}`);
}

const config = loadConfig((name) => Deno.env.get(name));
const scheme = config.tlsCertFile ? "https" : "http";
const server = await startServer(config, {
  log: logEvent,
  lanOrigins: (port) =>
    lanAddresses().map((address) => `${scheme}://${address}:${port}`),
});
console.log(`Pizza Peers is running.`);
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
  console.log("Stopped.");
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
