/**
 * Unit tests for the request handler, called directly with `new Request()`.
 */
import assert from "node:assert/strict";
import {
  type ClientConfig,
  createHandler,
  type HandlerContext,
  WEBSOCKET_PATHS,
} from "../../src/server/http_handler.ts";
import { type Config, loadConfig } from "../../src/server/config.ts";
import {
  type Connection,
  RoomRegistry,
} from "../../src/server/room_registry.ts";

const INFO: Deno.ServeHandlerInfo<Deno.NetAddr> = {
  remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 40_000 },
  completed: Promise.resolve(),
};

const NOW = 1_700_000_000_000;

function silentConnection(id: string): Connection {
  return { id, send() {}, close() {} };
}

/** A handler over a temporary static folder; removes the folder after `fn`. */
async function withHandler(
  options: {
    config?: Partial<Config>;
    lanOrigins?: () => readonly string[];
  },
  fn: (t: {
    handler: ReturnType<typeof createHandler>;
    registry: RoomRegistry;
    config: Config;
    advance: (ms: number) => void;
  }) => Promise<void>,
): Promise<void> {
  const staticRoot = await Deno.makeTempDir({ prefix: "pizza_handler_" });
  try {
    await Deno.writeTextFile(`${staticRoot}/index.html`, "<h1>Pizza</h1>");
    await Deno.writeTextFile(`${staticRoot}/app.js`, "export {};");
    const config = loadConfig(() => undefined, options.config);
    let time = NOW;
    const registry = new RoomRegistry({ limits: config, now: () => time });
    const context: HandlerContext = {
      config,
      registry,
      staticRoot,
      lanOrigins: options.lanOrigins ?? (() => []),
      now: () => time,
    };
    await fn({
      handler: createHandler(context),
      registry,
      config,
      advance: (ms) => time += ms,
    });
  } finally {
    await Deno.remove(staticRoot, { recursive: true });
  }
}

function request(path: string, init: RequestInit = {}): Request {
  return new Request(`http://localhost:8888${path}`, init);
}

function upgrade(path: string): Request {
  return request(path, {
    headers: {
      Upgrade: "websocket",
      Connection: "Upgrade",
      "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
      "Sec-WebSocket-Version": "13",
    },
  });
}

Deno.test("createHandler() /healthz reports ok, uptime and what the registry holds", async () => {
  await withHandler({}, async ({ handler, registry, advance }) => {
    registry.open(silentConnection("a"), "10.0.0.1");
    registry.receive("a", '{"action":"createRoom"}');
    registry.open(silentConnection("b"), "10.0.0.2");
    advance(12_400);
    const response = await handler(request("/healthz"), INFO);
    assert.equal(response.status, 200);
    assert.equal(
      response.headers.get("content-type"),
      "application/json; charset=utf-8",
    );
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.deepEqual(await response.json(), {
      ok: true,
      uptimeSeconds: 12,
      rooms: 1,
      connections: 2,
      players: 0,
    });
  });
});

Deno.test("createHandler() /metrics serves the Prometheus text format", async () => {
  await withHandler({}, async ({ handler, registry }) => {
    registry.open(silentConnection("a"), "10.0.0.1");
    registry.receive("a", '{"action":"createRoom"}');
    registry.open(silentConnection("b"), "10.0.0.2");
    registry.receive("b", '{"action":"joinRoom","room":"ZZZZ","username":"A"}');
    const response = await handler(request("/metrics"), INFO);
    assert.equal(response.status, 200);
    assert.equal(
      response.headers.get("content-type"),
      "text/plain; version=0.0.4; charset=utf-8",
    );
    assert.equal(response.headers.get("cache-control"), "no-store");
    const text = await response.text();
    assert.match(text, /^# TYPE pizza_rooms gauge$/m);
    assert.match(text, /^pizza_rooms 1$/m);
    assert.match(text, /^pizza_connections 2$/m);
    assert.match(text, /^pizza_rooms_created_total 1$/m);
    assert.match(text, /^pizza_connections_opened_total 2$/m);
    assert.match(text, /^pizza_errors_total\{code="wrong room"\} 1$/m);
    for (const line of text.trimEnd().split("\n")) {
      assert.match(line, /^(# (HELP|TYPE) .+|[a-z_]+(\{.+\})? \d+)$/);
    }
  });
});

Deno.test("createHandler() /config gives STUN only and the LAN origins when TURN is off", async () => {
  await withHandler({
    config: { stunUrls: ["stun:stun.example.org:3478"] },
    lanOrigins: () => ["http://192.168.1.7:8888"],
  }, async ({ handler, config }) => {
    const response = await handler(request("/config"), INFO);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("cache-control"), "no-store");
    const body: ClientConfig = await response.json();
    assert.deepEqual(body, {
      iceServers: [{ urls: ["stun:stun.example.org:3478"] }],
      lanOrigins: ["http://192.168.1.7:8888"],
      relayAfterMs: config.relayAfterMs,
      phoneSilentMs: config.phoneSilentMs,
      maxPlayersPerRoom: config.maxPlayersPerRoom,
    });
  });
});

Deno.test("createHandler() /config keeps TURN credentials and the secret out of the page", async () => {
  const secret = "turn-shared-secret";
  await withHandler({
    config: {
      stunUrls: ["stun:stun.example.org"],
      turnUrls: ["turn:turn.example.org:3478"],
      turnSecret: secret,
      turnTtlMs: 600_000,
    },
  }, async ({ handler }) => {
    const response = await handler(request("/config"), INFO);
    const text = await response.text();
    assert.ok(!text.includes(secret), "the TURN secret is in the page");
    const body: ClientConfig = JSON.parse(text);
    // TURN goes to sockets in a room only (turn_config_test.ts).
    assert.deepEqual(body.iceServers, [{ urls: ["stun:stun.example.org"] }]);
    assert.deepEqual(body.lanOrigins, []);
  });
});

Deno.test("createHandler() falls through to the static files", async () => {
  await withHandler({}, async ({ handler }) => {
    let response = await handler(request("/"), INFO);
    assert.equal(response.status, 200);
    assert.equal(
      response.headers.get("content-type"),
      "text/html; charset=utf-8",
    );
    assert.equal(await response.text(), "<h1>Pizza</h1>");
    response = await handler(request("/app.js"), INFO);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "export {};");
    response = await handler(request("/missing.js"), INFO);
    assert.equal(response.status, 404);
    await response.body?.cancel();
    response = await handler(request("/app.js", { method: "POST" }), INFO);
    assert.equal(response.status, 405);
    await response.body?.cancel();
    // Endpoint paths only match exactly.
    response = await handler(request("/healthz/extra"), INFO);
    assert.equal(response.status, 404);
    await response.body?.cancel();
  });
});

Deno.test("createHandler() refuses a WebSocket upgrade on another path with 404", async () => {
  await withHandler({}, async ({ handler, registry }) => {
    assert.deepEqual([...WEBSOCKET_PATHS].sort(), ["/", "/ws"]);
    for (const path of ["/socket", "/ws/", "/healthz", "/index.html"]) {
      const response = await handler(upgrade(path), INFO);
      assert.equal(response.status, 404, path);
      assert.match(await response.text(), /WebSocket/);
    }
    // The header is matched in any case.
    const response = await handler(
      request("/nope", { headers: { Upgrade: "WebSocket" } }),
      INFO,
    );
    assert.equal(response.status, 404);
    await response.body?.cancel();
    assert.equal(registry.stats().connections, 0);
  });
});

Deno.test("createHandler() refuses a WebSocket upgrade with 503 at maxConnections", async () => {
  await withHandler({ config: { maxConnections: 2 } }, async (t) => {
    t.registry.open(silentConnection("a"), "10.0.0.1");
    t.registry.open(silentConnection("b"), "10.0.0.1");
    const response = await t.handler(upgrade("/"), INFO);
    assert.equal(response.status, 503);
    assert.match(await response.text(), /full/);
    assert.equal(t.registry.metrics.connectionsRefused, 1);
    assert.equal(t.registry.stats().connections, 2);
  });
});

Deno.test("createHandler() answers 500 and logs when something throws", async () => {
  await withHandler({
    lanOrigins: () => {
      throw new Error("boom");
    },
  }, async ({ handler }) => {
    const logged: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args);
    try {
      const response = await handler(request("/config"), INFO);
      assert.equal(response.status, 500);
      assert.equal(await response.text(), "Internal Server Error\n");
    } finally {
      console.error = original;
    }
    assert.equal(logged.length, 1);
    assert.match(String(logged[0][0]), /http GET \/config from 127\.0\.0\.1/);
  });
});
