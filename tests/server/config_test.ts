/**
 * Unit tests for loading settings from the environment.
 */
import assert from "node:assert/strict";
import {
  type Config,
  DEFAULTS,
  DENO_DEPLOY_SETTING,
  ENV_NAMES,
  LEGACY_ENV_NAMES,
  loadConfig,
  PUBLIC_STUN_URLS,
} from "../../src/server/config.ts";
import { scaleOutConfig } from "../../src/server/config.ts";
import { startServer } from "../../src/server/app_server.ts";

/** An environment holding exactly `vars`. */
function env(vars: Record<string, string> = {}) {
  return (name: string): string | undefined => vars[name];
}

Deno.test("loadConfig() returns the defaults for an empty environment", () => {
  const config = loadConfig(env());
  assert.deepEqual(config, { ...DEFAULTS });
  assert.equal(config.port, 8888);
  assert.equal(config.hostname, "0.0.0.0");
  assert.equal(config.maxMessageBytes, 65_536);
  assert.equal(config.maxPlayersPerRoom, 12);
  assert.equal(config.turnSecret, "");
  assert.deepEqual(config.stunUrls, []);
});

Deno.test("loadConfig() has an environment variable for every setting, each used once", () => {
  assert.deepEqual(Object.keys(ENV_NAMES).sort(), Object.keys(DEFAULTS).sort());
  const names = Object.values(ENV_NAMES);
  assert.equal(new Set(names).size, names.length);
  for (const name of names) assert.match(name, /^[A-Z][A-Z0-9_]*$/);
});

Deno.test("loadConfig() reads every setting from its environment variable", () => {
  const config = loadConfig(env({
    PORT: "9000",
    BIND_ADDRESS: "127.0.0.1",
    STATIC_DIR: "public",
    MAX_MESSAGE_BYTES: "2048",
    MAX_PLAYERS_PER_ROOM: "8",
    MAX_ROOMS: "10",
    MAX_ROOMS_PER_ADDRESS: "3",
    MAX_CONNECTIONS: "100",
    MAX_MESSAGES_PER_SECOND: "5",
    MESSAGE_BURST: "7",
    HEARTBEAT_MS: "30000",
    HOST_GRACE_MS: "1000",
    SWEEP_INTERVAL_MS: "250",
    RELAY_AFTER_MS: "0",
    PHONE_SILENT_MS: "7000",
    STUN_URLS: "stun:a.example:3478, stun:b.example",
    TURN_URLS: "turn:t.example:3478?transport=udp,turns:t.example:5349",
    TURN_SECRET: "s3cret",
    TURN_TTL_MS: "600000",
    LOBBY_SEAT_GRACE_MS: "5000",
    REJOIN_APPROVAL_MS: "2000",
    TLS_CERT: "cert.pem",
    TLS_KEY: "key.pem",
    AUDIENCE_MAX_PER_ROOM: "500",
  }));
  const expected: Config = {
    port: 9000,
    hostname: "127.0.0.1",
    staticDir: "public",
    maxMessageBytes: 2048,
    maxPlayersPerRoom: 8,
    maxRooms: 10,
    maxRoomsPerAddress: 3,
    maxConnections: 100,
    maxMessagesPerSecond: 5,
    messageBurst: 7,
    heartbeatMs: 30_000,
    hostGraceMs: 1000,
    lobbySeatGraceMs: 5000,
    rejoinApprovalMs: 2000,
    sweepIntervalMs: 250,
    relayAfterMs: 0,
    phoneSilentMs: 7_000,
    stunUrls: ["stun:a.example:3478", "stun:b.example"],
    turnUrls: ["turn:t.example:3478?transport=udp", "turns:t.example:5349"],
    turnSecret: "s3cret",
    turnTtlMs: 600_000,
    tlsCertFile: "cert.pem",
    tlsKeyFile: "key.pem",
    maxConnectionsPerAddress: DEFAULTS.maxConnectionsPerAddress,
    joinBurstPerAddress: DEFAULTS.joinBurstPerAddress,
    joinRefillMs: DEFAULTS.joinRefillMs,
    failedJoinBudget: DEFAULTS.failedJoinBudget,
    failedJoinWindowMs: DEFAULTS.failedJoinWindowMs,
    joinBlockMs: DEFAULTS.joinBlockMs,
    tokenMissBudget: DEFAULTS.tokenMissBudget,
    seatedFailureBonusMax: DEFAULTS.seatedFailureBonusMax,
    closedCodeMemoryMs: DEFAULTS.closedCodeMemoryMs,
    roomCreatesPerMinute: DEFAULTS.roomCreatesPerMinute,
    trustProxy: DEFAULTS.trustProxy,
    allowedOrigins: DEFAULTS.allowedOrigins,
    unjoinedTimeoutMs: DEFAULTS.unjoinedTimeoutMs,
    maxBufferedBytes: DEFAULTS.maxBufferedBytes,
    maxQueuedBytesTotal: DEFAULTS.maxQueuedBytesTotal,
    turnMintsPerMinute: DEFAULTS.turnMintsPerMinute,
    audienceMaxPerRoom: 500,
    audienceMaxTotal: DEFAULTS.audienceMaxTotal,
    audienceReactionsPerSecond: DEFAULTS.audienceReactionsPerSecond,
    audienceReactionBurst: DEFAULTS.audienceReactionBurst,
  };
  assert.deepEqual(config, expected);
});

Deno.test("loadConfig() treats empty and blank variables as unset", () => {
  const config = loadConfig(env({ PORT: "", MAX_ROOMS: "   ", STUN_URLS: "" }));
  assert.equal(config.port, DEFAULTS.port);
  assert.equal(config.maxRooms, DEFAULTS.maxRooms);
  assert.deepEqual(config.stunUrls, []);
});

Deno.test("loadConfig() trims values and drops empty list entries", () => {
  const config = loadConfig(env({
    PORT: " 9001 ",
    BIND_ADDRESS: " ::1 ",
    STUN_URLS: " , stun:a.example ,, ",
  }));
  assert.equal(config.port, 9001);
  assert.equal(config.hostname, "::1");
  assert.deepEqual(config.stunUrls, ["stun:a.example"]);
});

Deno.test("loadConfig() throws RangeError naming a setting that is not a whole number", () => {
  for (
    const raw of ["lots", "1.5", "1e3", "0x10", "12abc", "99999999999999999999"]
  ) {
    assert.throws(
      () => loadConfig(env({ MAX_ROOMS: raw })),
      (error: unknown) => {
        assert.ok(error instanceof RangeError);
        assert.match(error.message, /MAX_ROOMS/);
        assert.match(error.message, /whole number/);
        assert.ok(error.message.includes(raw), error.message);
        return true;
      },
    );
  }
});

Deno.test("loadConfig() throws RangeError naming a setting outside its range", () => {
  const cases: [string, string, RegExp][] = [
    ["PORT", "65536", /from 0 to 65535/],
    ["PORT", "-1", /from 0 to 65535/],
    ["MAX_MESSAGE_BYTES", "100", /from 1024/],
    ["MAX_PLAYERS_PER_ROOM", "0", /from 1/],
    ["HEARTBEAT_MS", "999", /from 1000 to 3600000/],
    ["SWEEP_INTERVAL_MS", "5", /from 10/],
    ["TURN_TTL_MS", "59999", /from 60000 to 86400000/],
  ];
  for (const [name, raw, range] of cases) {
    assert.throws(
      () => loadConfig(env({ [name]: raw })),
      (error: unknown) => {
        assert.ok(error instanceof RangeError);
        assert.match(error.message, new RegExp(`^Cannot use ${name} `));
        assert.match(error.message, range);
        assert.match(error.message, new RegExp(`current value is ${raw}$`));
        return true;
      },
    );
  }
});

Deno.test("loadConfig() accepts the ends of each range", () => {
  const config = loadConfig(env({
    PORT: "0",
    HOST_GRACE_MS: "0",
    MAX_MESSAGE_BYTES: "1024",
    TURN_TTL_MS: "86400000",
  }));
  assert.equal(config.port, 0);
  assert.equal(config.hostGraceMs, 0);
  assert.equal(config.maxMessageBytes, 1024);
  assert.equal(config.turnTtlMs, 86_400_000);
});

Deno.test("loadConfig() lets overrides win over the environment, and checks them too", () => {
  const config = loadConfig(env({ PORT: "9000", MAX_ROOMS: "7" }), {
    port: 0,
    stunUrls: ["stun:x.example"],
  });
  assert.equal(config.port, 0);
  assert.equal(config.maxRooms, 7);
  assert.deepEqual(config.stunUrls, ["stun:x.example"]);
  assert.throws(() => loadConfig(env(), { maxRooms: 0 }), RangeError);
  assert.throws(() => loadConfig(env(), { maxRooms: 1.5 }), RangeError);
  assert.throws(() => loadConfig(env(), { port: Number.NaN }), RangeError);
});

Deno.test("loadConfig() requires both TLS files or neither", () => {
  const halves: Record<string, string>[] = [
    { TLS_CERT: "cert.pem" },
    { TLS_KEY: "key.pem" },
  ];
  for (const vars of halves) {
    assert.throws(
      () => loadConfig(env(vars)),
      (error: unknown) => {
        assert.ok(error instanceof RangeError);
        assert.match(error.message, /TLS_CERT and TLS_KEY/);
        return true;
      },
    );
  }
  assert.throws(
    () => loadConfig(env(), { tlsCertFile: "cert.pem" }),
    RangeError,
  );
});

Deno.test("loadConfig() leaves DEFAULTS and the overrides object untouched", () => {
  const before = JSON.stringify(DEFAULTS);
  const overrides = { port: 1234 };
  const config = loadConfig(
    env({ STUN_URLS: "stun:a.example", PORT: "5" }),
    overrides,
  );
  config.maxRooms = 1;
  assert.equal(JSON.stringify(DEFAULTS), before);
  assert.deepEqual(overrides, { port: 1234 });
  assert.deepEqual(DEFAULTS.stunUrls, []);
});

Deno.test("loadConfig() reads only the variables it knows", () => {
  const asked: string[] = [];
  loadConfig((name) => {
    asked.push(name);
    return undefined;
  });
  assert.deepEqual(
    asked.sort(),
    [
      ...Object.values(ENV_NAMES),
      ...LEGACY_ENV_NAMES.map((legacy) => legacy.name),
      DENO_DEPLOY_SETTING,
    ].sort(),
  );
});

Deno.test("loadConfig() still reads HEARTBEAT_SECONDS and TURN_TTL_SECONDS as seconds, warning once each with the new name", () => {
  const warnings: string[] = [];
  const config = loadConfig(
    env({ HEARTBEAT_SECONDS: "30", TURN_TTL_SECONDS: "600" }),
    {},
    { warn: (line) => warnings.push(line) },
  );
  assert.equal(config.heartbeatMs, 30_000);
  assert.equal(config.turnTtlMs, 600_000);
  assert.deepEqual(warnings, [
    "HEARTBEAT_SECONDS is deprecated: set HEARTBEAT_MS (in milliseconds) instead.",
    "TURN_TTL_SECONDS is deprecated: set TURN_TTL_MS (in milliseconds) instead.",
  ]);
});

Deno.test("loadConfig() prefers HEARTBEAT_MS over HEARTBEAT_SECONDS and says the old one is ignored", () => {
  const warnings: string[] = [];
  const config = loadConfig(
    env({ HEARTBEAT_SECONDS: "30", HEARTBEAT_MS: "5000" }),
    {},
    { warn: (line) => warnings.push(line) },
  );
  assert.equal(config.heartbeatMs, 5_000);
  assert.deepEqual(warnings, [
    "HEARTBEAT_SECONDS is ignored: HEARTBEAT_MS is set and wins (HEARTBEAT_SECONDS is the old name).",
  ]);
});

Deno.test("loadConfig() warns about nothing when only the new names are set", () => {
  const warnings: string[] = [];
  loadConfig(env({ HEARTBEAT_MS: "5000", TURN_TTL_MS: "60000" }), {}, {
    warn: (line) => warnings.push(line),
  });
  assert.deepEqual(warnings, []);
});

Deno.test("loadConfig() names the old variable when its value is out of range or not a number", () => {
  const quiet = { warn: () => {} };
  assert.throws(
    () => loadConfig(env({ TURN_TTL_SECONDS: "59" }), {}, quiet),
    /^RangeError: Cannot use TURN_TTL_SECONDS as it must be a whole number from 60000 to 86400000: current value is 59000$/,
  );
  assert.throws(
    () => loadConfig(env({ HEARTBEAT_SECONDS: "soon" }), {}, quiet),
    /^RangeError: Cannot use HEARTBEAT_SECONDS as it must be a whole number: current value is "soon"$/,
  );
});

Deno.test("scaleOutConfig() reads REDIS_URL, REDIS_PREFIX (derived on Deploy from its timeline) and the bus timings, refusing bad ones", () => {
  const read = (env: Record<string, string>) =>
    scaleOutConfig((name) => env[name]);
  assert.deepEqual(read({}), {
    instanceUrl: "",
    redisUrl: "",
    redisPrefix: "pizza:",
    livenessTtlMs: 15_000,
    keepAliveMs: 5_000,
    onDeploy: false,
  });
  assert.equal(
    read({ DENO_DEPLOYMENT_ID: "d1" }).redisPrefix,
    "pizza:d1:",
  );
  assert.equal(
    read({ DENO_DEPLOY: "1", DENO_TIMELINE: "production", REDIS_PREFIX: "x:" })
      .redisPrefix,
    "x:",
  );
  assert.equal(read({ BUS_CODE_TTL_MS: "3000" }).keepAliveMs, 1_000);
  assert.throws(() => read({ BUS_CODE_TTL_MS: "abc" }), RangeError);
  assert.throws(
    () => read({ BUS_CODE_TTL_MS: "1000", BUS_KEEPALIVE_MS: "1000" }),
    /BUS_KEEPALIVE_MS/,
  );
});
Deno.test("loadConfig() leaves STUN off on a LAN and turns the public list on for Deno Deploy and behind a trusted proxy", () => {
  assert.deepEqual(loadConfig(env({})).stunUrls, []);
  assert.deepEqual(
    loadConfig(env({ DENO_DEPLOY: "1" })).stunUrls,
    PUBLIC_STUN_URLS,
  );
  assert.deepEqual(
    loadConfig(env({ TRUST_PROXY: "127.0.0.1" })).stunUrls,
    PUBLIC_STUN_URLS,
  );
  assert.ok(PUBLIC_STUN_URLS.length >= 2);
  for (const url of PUBLIC_STUN_URLS) assert.match(url, /^stun:[a-z.]+:\d+$/);
});

Deno.test("loadConfig() STUN_URLS overrides the default: a list, 'public' or 'none'", () => {
  const deploy = { DENO_DEPLOY: "1" };
  assert.deepEqual(
    loadConfig(env({ ...deploy, STUN_URLS: "stun:own.example:3478" })).stunUrls,
    ["stun:own.example:3478"],
  );
  assert.deepEqual(
    loadConfig(env({ ...deploy, STUN_URLS: "none" })).stunUrls,
    [],
  );
  assert.deepEqual(
    loadConfig(env({ TRUST_PROXY: "10.0.0.1", STUN_URLS: " NONE " })).stunUrls,
    [],
  );
  assert.deepEqual(
    loadConfig(env({ STUN_URLS: "public" })).stunUrls,
    PUBLIC_STUN_URLS,
  );
  // An empty value is unset: the default by place.
  assert.deepEqual(
    loadConfig(env({ ...deploy, STUN_URLS: " " })).stunUrls,
    PUBLIC_STUN_URLS,
  );
  // Overrides win over all of it.
  assert.deepEqual(loadConfig(env(deploy), { stunUrls: [] }).stunUrls, []);
});

Deno.test("loadConfig() refuses STUN_URLS and TURN_URLS entries of the wrong scheme, naming the variable", () => {
  assert.throws(
    () => loadConfig(env({ STUN_URLS: "stun:a.example, turn:b.example" })),
    (error: unknown) =>
      error instanceof RangeError && /STUN_URLS/.test(error.message) &&
      /turn:b\.example/.test(error.message),
  );
  assert.throws(
    () => loadConfig(env({ TURN_URLS: "stun:a.example" })),
    (error: unknown) =>
      error instanceof RangeError && /TURN_URLS/.test(error.message),
  );
  assert.deepEqual(
    loadConfig(
      env({
        STUN_URLS: "stuns:a.example:5349",
        TURN_URLS: "turns:t.example:5349",
      }),
    )
      .turnUrls,
    ["turns:t.example:5349"],
  );
});

Deno.test("/config gives the public STUN list on Deno Deploy and nothing on a LAN", async () => {
  for (
    const [deploy, expected] of [[true, PUBLIC_STUN_URLS], [false, []]] as const
  ) {
    const config = loadConfig(env(deploy ? { DENO_DEPLOY: "1" } : {}), {
      port: 0,
      hostname: "127.0.0.1",
      staticDir: new URL("../fixtures/static", import.meta.url).pathname,
    });
    const server = await startServer(config, { lanOrigins: () => [] });
    try {
      const body = await (await fetch(`${server.localUrl}/config`)).json();
      assert.deepEqual(
        body.iceServers,
        expected.length > 0 ? [{ urls: [...expected] }] : [],
      );
    } finally {
      await server.close();
    }
  }
});
