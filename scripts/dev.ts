/**
 * Development loop: rebuilds the bundles when client code or CSS changes,
 * restarts the server when server code changes, and reloads open pages after
 * either, or after a page itself changed (the dev bundles listen to a small
 * event stream on {@link LIVE_RELOAD_PORT}; the committed pages are never
 * rewritten). Ctrl-C stops everything at once, open pages or not: the event
 * streams are closed before the stream server shuts down.
 *
 * Run: `deno task dev` (PORT and the other server settings apply).
 *
 * @module
 */
import { build, stopBuilder } from "./build.ts";

/** Port of the live-reload event stream (all interfaces, so phones reload too). */
export const LIVE_RELOAD_PORT = Number(
  Deno.env.get("LIVE_RELOAD_PORT") ?? 35729,
);
/** Changes closer together than this are handled as one, in ms. */
export const DEBOUNCE_MS = 150;
/** How long to wait for a restarted server before reloading pages, in ms. */
export const RESTART_WAIT_MS = 5_000;
/** How long Ctrl-C waits for the server child before killing it, in ms. */
export const STOP_WAIT_MS = 2_000;

const ROOT = new URL("../", import.meta.url).pathname;
const SERVER_ARGS = [
  "run",
  "--allow-net",
  "--allow-read=.",
  "--allow-env",
  "--allow-sys=networkInterfaces",
  "server.ts",
];

/** Source folders bundled into the browser pages. */
const CLIENT_FOLDERS = [
  "/src/client/",
  "/src/host/",
  "/src/phone/",
  "/src/link/",
  "/src/protocol/",
  "/src/game/",
  "/src/bots/",
  "/static/css/",
];
/** Source folders the server process runs. */
const SERVER_FOLDERS = ["/src/server/", "/src/protocol/"];

/** True for paths whose change needs a client rebuild. */
export function isClientPath(path: string): boolean {
  return CLIENT_FOLDERS.some((folder) => path.includes(folder));
}

/** True for committed static files (pages, icons): a reload is enough. */
export function isPagePath(path: string): boolean {
  return path.includes("/static/") && !path.includes("/static/build/") &&
    !path.includes("/static/css/");
}

/** True for paths whose change needs a server restart. */
export function isServerPath(path: string): boolean {
  return (path.endsWith("/server.ts") ||
    SERVER_FOLDERS.some((folder) => path.includes(folder))) &&
    /\.(ts|json)$/.test(path);
}

const reloadClients = new Set<ReadableStreamDefaultController<Uint8Array>>();
const encoder = new TextEncoder();

/** Ends every open event stream, so the stream server can shut down. */
function closeReloadStreams(): void {
  for (const controller of reloadClients) {
    try {
      controller.close();
    } catch {
      // Already closed by the page.
    }
  }
  reloadClients.clear();
}

function notifyReload(): void {
  for (const controller of reloadClients) {
    try {
      controller.enqueue(encoder.encode("data: reload\n\n"));
    } catch {
      reloadClients.delete(controller);
    }
  }
}

function serveReloadStream(): Deno.HttpServer {
  return Deno.serve({
    port: LIVE_RELOAD_PORT,
    hostname: "0.0.0.0",
    onListen() {},
  }, (request) => {
    if (new URL(request.url).pathname !== "/reload") {
      return new Response("", { status: 404 });
    }
    let self: ReadableStreamDefaultController<Uint8Array> | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        self = controller;
        reloadClients.add(controller);
        controller.enqueue(encoder.encode(": connected\n\n"));
      },
      cancel() {
        if (self) reloadClients.delete(self);
      },
    });
    return new Response(body, {
      headers: {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-store",
        "Access-Control-Allow-Origin": "*",
      },
    });
  });
}

let server: Deno.ChildProcess | null = null;

async function restartServer(): Promise<void> {
  await stopServer();
  server = new Deno.Command(Deno.execPath(), {
    args: SERVER_ARGS,
    cwd: ROOT,
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const port = Deno.env.get("PORT") ?? "8888";
  const deadline = Date.now() + RESTART_WAIT_MS;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // Not up yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function rebuild(): Promise<boolean> {
  try {
    await build({ liveReloadPort: LIVE_RELOAD_PORT });
    return true;
  } catch (error) {
    console.error(
      "dev: build failed:",
      error instanceof Error ? error.message : error,
    );
    return false;
  }
}

async function stopServer(): Promise<void> {
  const child = server;
  server = null;
  if (!child) return;
  try {
    child.kill("SIGTERM");
  } catch {
    return; // Already gone.
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), STOP_WAIT_MS);
  });
  if (await Promise.race([child.status, late]) === "late") {
    try {
      child.kill("SIGKILL");
    } catch {
      // Exited meanwhile.
    }
  }
  clearTimeout(timer);
}

if (import.meta.main) {
  await rebuild();
  const reloadServer = serveReloadStream();
  await restartServer();
  console.log(
    `dev: watching for changes; pages reload via port ${LIVE_RELOAD_PORT}`,
  );
  const watcher = Deno.watchFs([
    `${ROOT}src`,
    `${ROOT}static`,
    `${ROOT}server.ts`,
  ], {
    recursive: true,
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const changed = new Set<string>();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearTimeout(timer);
    watcher.close();
    closeReloadStreams();
    await Promise.all([stopServer(), reloadServer.shutdown(), stopBuilder()]);
    console.log("dev: stopped");
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  for await (const event of watcher) {
    for (const path of event.paths) {
      if (!path.includes("/static/build/")) changed.add(path);
    }
    if (changed.size === 0) continue;
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const paths = [...changed];
      changed.clear();
      const client = paths.some(isClientPath);
      const serverSide = paths.some(isServerPath);
      const page = paths.some(isPagePath);
      if (client) console.log("dev: client changed, rebuilding…");
      if (client && !(await rebuild())) return;
      if (serverSide) {
        console.log("dev: server changed, restarting…");
        await restartServer();
      }
      if (client || serverSide || page) notifyReload();
    }, DEBOUNCE_MS);
  }
}
