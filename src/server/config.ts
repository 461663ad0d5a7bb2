/**
 * Server configuration: every limit and setting with a sane default, read
 * once from the environment by {@link loadConfig}.
 *
 * @module
 */
import { INSTANCE_URL_SETTING, instanceSocketUrl } from "./instance_move.ts";

/** Every setting's default. Sized for one machine serving ~10,000 players. */
export const DEFAULTS = {
  /** TCP port to listen on. */
  port: 8888,
  /** Interface to listen on; all of them so phones on the LAN can connect. */
  hostname: "0.0.0.0",
  /** Folder served as static files. */
  staticDir: "static",
  /** Largest WebSocket message accepted, in bytes. */
  maxMessageBytes: 65_536,
  /** Players per room (the game's cap). */
  maxPlayersPerRoom: 12,
  /** Rooms on this server at once. */
  maxRooms: 5_000,
  /** Rooms created from one IP address at once. */
  maxRoomsPerAddress: 20,
  /** WebSocket connections on this server at once. */
  maxConnections: 20_000,
  /** Sustained messages per second per socket (a host gets this per player). */
  maxMessagesPerSecond: 40,
  /** Messages a socket may send in a burst above the sustained rate. */
  messageBurst: 120,
  /** Time between WebSocket pings, in ms; a socket silent for about twice this is closed. */
  heartbeatMs: 15_000,
  /** How long a host that dropped may reclaim its room, in ms. */
  hostGraceMs: 60_000,
  /** How long a disconnected player's lobby seat is kept before it is freed, in ms. */
  lobbySeatGraceMs: 60_000,
  /** How long a rejoin by name waits for the host's answer, in ms. */
  rejoinApprovalMs: 60_000,
  /** How often expired rooms are swept, in ms. */
  sweepIntervalMs: 5_000,
  /** After how long without an open data channel a phone falls back to the relay, in ms. */
  relayAfterMs: 5_000,
  /** A phone whose link answers nothing this long shows "no signal" on the host and pauses the round, in ms. */
  phoneSilentMs: 5_000,
  /**
   * STUN URLs clients should use (comma-separated in env). Empty: host
   * candidates only (a LAN); see {@link stunDefault} for Deno Deploy and
   * servers behind a proxy.
   */
  stunUrls: [] as readonly string[],
  /** TURN server URLs; used with `turnSecret` (coturn REST API credentials). */
  turnUrls: [] as readonly string[],
  /** Shared secret for minting TURN credentials; empty disables TURN. */
  turnSecret: "",
  /** Lifetime of minted TURN credentials, in ms. */
  turnTtlMs: 600_000,
  /** PEM certificate file for HTTPS/WSS; with `tlsKeyFile`. */
  tlsCertFile: "",
  /** PEM private key file for HTTPS/WSS; with `tlsCertFile`. */
  tlsKeyFile: "",
  /** WebSocket connections (and upgrade attempts) from one address at once. */
  maxConnectionsPerAddress: 64,
  /** Joins (and host reclaims) one address may start per window of `joinBurstPerAddress × joinRefillMs`. */
  joinBurstPerAddress: 60,
  /** With `joinBurstPerAddress`, the join window: one join per this many ms on average. */
  joinRefillMs: 1_000,
  /** Failed joins ("wrong room") one address may make per `failedJoinWindowMs` before it is refused. */
  failedJoinBudget: 10,
  /** The failed-join window, in ms (a fixed window: its number is in the counter's key). */
  failedJoinWindowMs: 3_600_000,
  /** How long an address that used its failed-join budget is refused at least, in ms. */
  joinBlockMs: 600_000,
  /** Joins with a reconnect token to a room that is gone, per failed-join window, that are not guesses. */
  tokenMissBudget: 16,
  /** Most the failed-join budget grows by: one per socket of the address seated in a room. */
  seatedFailureBonusMax: 16,
  /** How long a closed room's code is remembered (joins to it get `room closed`), in ms. */
  closedCodeMemoryMs: 3_600_000,
  /** Rooms one address may create per minute. */
  roomCreatesPerMinute: 10,
  /** Addresses of reverse proxies whose X-Forwarded-For / Forwarded is believed. */
  trustProxy: [] as readonly string[],
  /** Extra origins allowed to open the WebSocket (own and LAN origins always are). */
  allowedOrigins: [] as readonly string[],
  /** A socket that has not created or joined a room by then is closed, in ms. */
  unjoinedTimeoutMs: 30_000,
  /** Bytes queued for one socket before it is dropped as a slow reader. */
  maxBufferedBytes: 4_194_304,
  /** Bytes queued for all sockets together before the slowest are dropped. */
  maxQueuedBytesTotal: 268_435_456,
  /** TURN credentials one address may get per minute from `/config`. */
  turnMintsPerMinute: 6,
  /** Audience members (watch-and-vote phones) in one room at once. */
  audienceMaxPerRoom: 10_000,
  /** Audience members on this server at once, over every room. */
  audienceMaxTotal: 50_000,
  /** Reactions one audience member may send per second, sustained. */
  audienceReactionsPerSecond: 2,
  /** Reactions one audience member may send in a burst. */
  audienceReactionBurst: 6,
} as const;

/** The server's settings. */
export interface Config {
  /** @default 8888 */
  port: number;
  /** @default "0.0.0.0" */
  hostname: string;
  /** @default "static" */
  staticDir: string;
  /** @default 65536 */
  maxMessageBytes: number;
  /** @default 12 */
  maxPlayersPerRoom: number;
  /** @default 5000 */
  maxRooms: number;
  /** @default 20 */
  maxRoomsPerAddress: number;
  /** @default 20000 */
  maxConnections: number;
  /** @default 40 */
  maxMessagesPerSecond: number;
  /** @default 120 */
  messageBurst: number;
  /** @default 15000 */
  heartbeatMs: number;
  /** @default 60000 */
  hostGraceMs: number;
  /** @default 60000 */
  lobbySeatGraceMs: number;
  /** @default 60000 */
  rejoinApprovalMs: number;
  /** @default 5000 */
  sweepIntervalMs: number;
  /** @default 5000 */
  relayAfterMs: number;
  /** @default 5000 */
  phoneSilentMs: number;
  /** @default [] */
  stunUrls: readonly string[];
  /** @default [] */
  turnUrls: readonly string[];
  /** @default "" */
  turnSecret: string;
  /** @default 600000 (10 minutes) */
  turnTtlMs: number;
  /** @default "" */
  tlsCertFile: string;
  /** @default "" */
  tlsKeyFile: string;
  /** @default 64 */
  maxConnectionsPerAddress: number;
  /** @default 60 */
  joinBurstPerAddress: number;
  /** @default 1000 */
  joinRefillMs: number;
  /** @default 10 */
  failedJoinBudget: number;
  /** @default 3600000 (an hour) */
  failedJoinWindowMs: number;
  /** @default 600000 */
  joinBlockMs: number;
  /** @default 16 */
  tokenMissBudget: number;
  /** @default 16 */
  seatedFailureBonusMax: number;
  /** @default 3600000 (an hour) */
  closedCodeMemoryMs: number;
  /** @default 10 */
  roomCreatesPerMinute: number;
  /** @default [] */
  trustProxy: readonly string[];
  /** @default [] */
  allowedOrigins: readonly string[];
  /** @default 30000 */
  unjoinedTimeoutMs: number;
  /** @default 4194304 */
  maxBufferedBytes: number;
  /** @default 268435456 */
  maxQueuedBytesTotal: number;
  /** @default 6 */
  turnMintsPerMinute: number;
  /** @default 10000 */
  audienceMaxPerRoom: number;
  /** @default 50000 */
  audienceMaxTotal: number;
  /** @default 2 */
  audienceReactionsPerSecond: number;
  /** @default 6 */
  audienceReactionBurst: number;
}

/** Public STUN servers, used where the server is reached over the internet. */
export const PUBLIC_STUN_URLS: readonly string[] = [
  "stun:stun.l.google.com:19302",
  "stun:stun.cloudflare.com:3478",
];

/** Set by Deno Deploy in every deployment (checked when `STUN_URLS` is unset). */
export const DENO_DEPLOY_SETTING = "DENO_DEPLOY";

/**
 * The STUN list for a `STUN_URLS` value: `none` turns STUN off, `public` is
 * {@link PUBLIC_STUN_URLS}, anything else is a comma-separated list. Unset,
 * STUN is on where the server is reached over the internet (on Deno Deploy,
 * or behind a trusted proxy) and off on a LAN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PUBLIC_STUN_URLS, stunDefault } from "./config.ts";
 * assert.deepEqual(stunDefault(undefined, { deploy: false, behindProxy: false }), []);
 * assert.deepEqual(stunDefault(undefined, { deploy: true, behindProxy: false }), PUBLIC_STUN_URLS);
 * assert.deepEqual(stunDefault("none", { deploy: true, behindProxy: false }), []);
 * assert.deepEqual(stunDefault("stun:a.example", { deploy: true, behindProxy: false }), ["stun:a.example"]);
 * ```
 */
export function stunDefault(
  raw: string | undefined,
  where: { deploy: boolean; behindProxy: boolean },
): readonly string[] {
  const value = raw?.trim() ?? "";
  if (value.toLowerCase() === "none") return [];
  if (value.toLowerCase() === "public") return [...PUBLIC_STUN_URLS];
  if (value !== "") {
    return value.split(",").map((part) => part.trim()).filter(Boolean);
  }
  return where.deploy || where.behindProxy ? [...PUBLIC_STUN_URLS] : [];
}

/** Environment variable read for each setting. */
export const ENV_NAMES: Readonly<Record<keyof Config, string>> = {
  port: "PORT",
  hostname: "BIND_ADDRESS",
  staticDir: "STATIC_DIR",
  maxMessageBytes: "MAX_MESSAGE_BYTES",
  maxPlayersPerRoom: "MAX_PLAYERS_PER_ROOM",
  maxRooms: "MAX_ROOMS",
  maxRoomsPerAddress: "MAX_ROOMS_PER_ADDRESS",
  maxConnections: "MAX_CONNECTIONS",
  maxMessagesPerSecond: "MAX_MESSAGES_PER_SECOND",
  messageBurst: "MESSAGE_BURST",
  heartbeatMs: "HEARTBEAT_MS",
  hostGraceMs: "HOST_GRACE_MS",
  lobbySeatGraceMs: "LOBBY_SEAT_GRACE_MS",
  rejoinApprovalMs: "REJOIN_APPROVAL_MS",
  sweepIntervalMs: "SWEEP_INTERVAL_MS",
  relayAfterMs: "RELAY_AFTER_MS",
  phoneSilentMs: "PHONE_SILENT_MS",
  stunUrls: "STUN_URLS",
  turnUrls: "TURN_URLS",
  turnSecret: "TURN_SECRET",
  turnTtlMs: "TURN_TTL_MS",
  tlsCertFile: "TLS_CERT",
  tlsKeyFile: "TLS_KEY",
  maxConnectionsPerAddress: "MAX_CONNECTIONS_PER_ADDRESS",
  joinBurstPerAddress: "JOIN_BURST_PER_ADDRESS",
  joinRefillMs: "JOIN_REFILL_MS",
  failedJoinBudget: "FAILED_JOIN_BUDGET",
  failedJoinWindowMs: "FAILED_JOIN_WINDOW_MS",
  joinBlockMs: "JOIN_BLOCK_MS",
  tokenMissBudget: "TOKEN_MISS_BUDGET",
  seatedFailureBonusMax: "SEATED_FAILURE_BONUS_MAX",
  closedCodeMemoryMs: "CLOSED_CODE_MEMORY_MS",
  roomCreatesPerMinute: "ROOM_CREATES_PER_MINUTE",
  trustProxy: "TRUST_PROXY",
  allowedOrigins: "ALLOWED_ORIGINS",
  unjoinedTimeoutMs: "UNJOINED_TIMEOUT_MS",
  maxBufferedBytes: "MAX_BUFFERED_BYTES",
  maxQueuedBytesTotal: "MAX_QUEUED_BYTES_TOTAL",
  turnMintsPerMinute: "TURN_MINTS_PER_MINUTE",
  audienceMaxPerRoom: "AUDIENCE_MAX_PER_ROOM",
  audienceMaxTotal: "AUDIENCE_MAX_TOTAL",
  audienceReactionsPerSecond: "AUDIENCE_REACTIONS_PER_SECOND",
  audienceReactionBurst: "AUDIENCE_REACTION_BURST",
};

/** Smallest and largest value of each numeric setting. */
const RANGES: Partial<Record<keyof Config, readonly [number, number]>> = {
  port: [0, 65_535],
  // Sizes and counts.
  maxMessageBytes: [1_024, 16_777_216],
  maxPlayersPerRoom: [1, 1_000],
  maxRooms: [1, 400_000],
  maxRoomsPerAddress: [1, 400_000],
  maxConnections: [1, 10_000_000],
  // Rates, per socket.
  maxMessagesPerSecond: [1, 1_000_000],
  messageBurst: [1, 1_000_000],
  // Durations, in ms.
  heartbeatMs: [1_000, 3_600_000],
  hostGraceMs: [0, 86_400_000],
  lobbySeatGraceMs: [0, 86_400_000],
  rejoinApprovalMs: [1_000, 3_600_000],
  sweepIntervalMs: [10, 3_600_000],
  relayAfterMs: [0, 600_000],
  phoneSilentMs: [1_000, 600_000],
  turnTtlMs: [60_000, 86_400_000],
  maxConnectionsPerAddress: [1, 10_000_000],
  joinBurstPerAddress: [1, 1_000_000],
  joinRefillMs: [1, 3_600_000],
  failedJoinBudget: [1, 1_000_000],
  failedJoinWindowMs: [1_000, 86_400_000],
  joinBlockMs: [0, 86_400_000],
  tokenMissBudget: [0, 1_000_000],
  seatedFailureBonusMax: [0, 1_000_000],
  closedCodeMemoryMs: [0, 86_400_000],
  roomCreatesPerMinute: [1, 1_000_000],
  unjoinedTimeoutMs: [100, 86_400_000],
  maxBufferedBytes: [1_024, 1_073_741_824],
  maxQueuedBytesTotal: [1_024, 68_719_476_736],
  turnMintsPerMinute: [1, 1_000_000],
  audienceMaxPerRoom: [0, 1_000_000],
  audienceMaxTotal: [0, 10_000_000],
  audienceReactionsPerSecond: [1, 1_000],
  audienceReactionBurst: [1, 1_000],
};

/**
 * Environment names read before every setting was in milliseconds: the old
 * name, the setting it feeds, and how many ms one unit of it is.
 */
export const LEGACY_ENV_NAMES: ReadonlyArray<
  { name: string; key: keyof Config; msPerUnit: number }
> = [
  { name: "HEARTBEAT_SECONDS", key: "heartbeatMs", msPerUnit: 1_000 },
  { name: "TURN_TTL_SECONDS", key: "turnTtlMs", msPerUnit: 1_000 },
];

/** Reads one environment variable; `undefined` when unset. */
export type EnvReader = (name: string) => string | undefined;

/** Options for {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Receives one line per old environment name in use. @default console.warn */
  warn?: (message: string) => void;
}

/**
 * Builds the configuration from environment variables over
 * {@link DEFAULTS}, and `overrides` over both.
 *
 * Old names in {@link LEGACY_ENV_NAMES} are still read (converted to ms)
 * when the new name is unset, with a one-line warning naming the new one.
 *
 * @param env Reads an environment variable (e.g. `(n) => Deno.env.get(n)`).
 * @param overrides Settings that win over the environment (tests use this).
 * @param options Where warnings go.
 * @returns A complete, checked configuration.
 * @throws {RangeError} When a setting is not a whole number in its range,
 * or only one of the TLS files is given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadConfig } from "./config.ts";
 * const config = loadConfig((name) => name === "PORT" ? "9000" : undefined);
 * assert.equal(config.port, 9000);
 * assert.throws(() => loadConfig((n) => n === "PORT" ? "lots" : undefined), RangeError);
 * ```
 */
export function loadConfig(
  env: EnvReader,
  overrides: Partial<Config> = {},
  options: LoadConfigOptions = {},
): Config {
  const { warn = console.warn } = options;
  const config: Config = { ...DEFAULTS };
  /** Which variable set each setting, for error messages. */
  const source: Partial<Record<keyof Config, string>> = {};
  for (const { name, key, msPerUnit } of LEGACY_ENV_NAMES) {
    const raw = env(name);
    if (raw === undefined || raw.trim() === "") continue;
    const current = ENV_NAMES[key];
    const newSet = (env(current) ?? "").trim() !== "";
    warn(
      newSet
        ? `${name} is ignored: ${current} is set and wins (${name} is the old name).`
        : `${name} is deprecated: set ${current} (in milliseconds) instead.`,
    );
    if (newSet) continue;
    setValue(config, key, parseWholeNumber(name, raw) * msPerUnit);
    source[key] = name;
  }
  for (const key of Object.keys(ENV_NAMES) as (keyof Config)[]) {
    if (key === "stunUrls") continue; // Below: it has words and a default by place.
    const name = ENV_NAMES[key];
    const raw = env(name);
    if (raw === undefined || raw.trim() === "") continue;
    const fallback = DEFAULTS[key];
    if (typeof fallback === "number") {
      setValue(config, key, parseWholeNumber(name, raw));
    } else if (Array.isArray(fallback)) {
      setValue(
        config,
        key,
        raw.split(",").map((part) => part.trim()).filter(Boolean),
      );
    } else {
      setValue(config, key, raw.trim());
    }
  }
  config.stunUrls = stunDefault(env(ENV_NAMES.stunUrls), {
    deploy: (env(DENO_DEPLOY_SETTING) ?? "").trim() !== "",
    behindProxy: config.trustProxy.length > 0,
  });
  for (
    const [key, scheme] of [["stunUrls", /^stuns?:/], [
      "turnUrls",
      /^turns?:/,
    ]] as const
  ) {
    const bad = config[key].find((url) => !scheme.test(url));
    if (bad !== undefined) {
      throw new RangeError(
        `Cannot use ${ENV_NAMES[key]} as each entry must start with ${
          key === "stunUrls" ? "stun: or stuns:" : "turn: or turns:"
        }: current value has "${bad}"`,
      );
    }
  }
  Object.assign(config, overrides);
  for (const key of Object.keys(overrides)) delete source[key as keyof Config];
  for (const [key, range] of Object.entries(RANGES)) {
    const value = config[key as keyof Config] as number;
    const [min, max] = range;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new RangeError(
        `Cannot use ${
          source[key as keyof Config] ?? ENV_NAMES[key as keyof Config]
        } as it must be a whole number from ${min} to ${max}: current value is ${value}`,
      );
    }
  }
  if (Boolean(config.tlsCertFile) !== Boolean(config.tlsKeyFile)) {
    throw new RangeError(
      "Cannot serve HTTPS as TLS_CERT and TLS_KEY must be set together: " +
        `current values are "${config.tlsCertFile}" and "${config.tlsKeyFile}"`,
    );
  }
  return config;
}

function setValue<K extends keyof Config>(
  config: Config,
  key: K,
  value: unknown,
): void {
  config[key] = value as Config[K];
}

function parseWholeNumber(name: string, raw: string): number {
  const value = Number(raw.trim());
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) {
    throw new RangeError(
      `Cannot use ${name} as it must be a whole number: current value is "${raw}"`,
    );
  }
  return value;
}

/** How instances share rooms, read from the environment by {@link scaleOutConfig}. */
export interface ScaleOutConfig {
  /**
   * `REDIS_URL`: the Redis all instances share (`redis://` or `rediss://`).
   * Empty: one instance, rooms kept in memory.
   * @default ""
   */
  redisUrl: string;
  /**
   * `REDIS_PREFIX`: prefix of every Redis key and channel, so two
   * deployments on one Redis (preview and production) never adopt each
   * other's rooms. On Deno Deploy derived from `DENO_TIMELINE` (else
   * `DENO_DEPLOYMENT_ID`) as `pizza:<timeline>:`.
   * @default "pizza:"
   */
  redisPrefix: string;
  /**
   * `BUS_CODE_TTL_MS`: how long an instance counts as alive after its last
   * refresh, in ms (a dead instance's rooms may be adopted after this).
   * @default 15000
   */
  livenessTtlMs: number;
  /**
   * `BUS_KEEPALIVE_MS`: how often an instance refreshes its liveness, in
   * ms; below `BUS_CODE_TTL_MS`. @default a third of it, at most 5000
   */
  keepAliveMs: number;
  /**
   * `INSTANCE_URL`: the address at which phones reach this very instance
   * (`https://a.pizza.example`, `ws://127.0.0.1:8001`), as its socket URL
   * (`wss://a.pizza.example/ws`). Set, a phone that joins on another
   * instance is sent here; it then needs `ALLOWED_ORIGINS` (the page that
   * phones load is on the main site's origin). Empty (Deno Deploy, where
   * instances cannot be addressed): joins are relayed.
   * @default ""
   */
  instanceUrl: string;
  /**
   * Whether this runs on Deno Deploy (`DENO_DEPLOY` or
   * `DENO_DEPLOYMENT_ID` set): without `REDIS_URL` it then warns that
   * rooms stay on one instance.
   */
  onDeploy: boolean;
}

/**
 * Reads {@link ScaleOutConfig} from the environment.
 *
 * @throws RangeError when a timing is not a whole number in range, or
 * `INSTANCE_URL` is not an instance address or comes without
 * `ALLOWED_ORIGINS`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scaleOutConfig } from "./config.ts";
 * assert.equal(scaleOutConfig(() => undefined).redisPrefix, "pizza:");
 * const env: Record<string, string> = { DENO_DEPLOYMENT_ID: "abc", DENO_TIMELINE: "preview" };
 * const deploy = scaleOutConfig((name) => env[name]);
 * assert.equal(deploy.redisPrefix, "pizza:preview:");
 * assert.equal(deploy.onDeploy, true);
 * const a: Record<string, string> = { INSTANCE_URL: "https://a.pizza.example", ALLOWED_ORIGINS: "https://pizza.example" };
 * assert.equal(scaleOutConfig((name) => a[name]).instanceUrl, "wss://a.pizza.example/ws");
 * assert.throws(() => scaleOutConfig((name) => ({ INSTANCE_URL: "https://a.pizza.example" } as Record<string, string>)[name]), RangeError);
 * ```
 */
export function scaleOutConfig(env: EnvReader): ScaleOutConfig {
  const read = (name: string) => env(name)?.trim() || undefined;
  const time = (name: string): number | undefined => {
    const text = read(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 100 || value > 3_600_000) {
      throw new RangeError(
        `Cannot use ${name} as it must be a whole number from 100 to 3600000: current value is ${text}`,
      );
    }
    return value;
  };
  const onDeploy = read(DENO_DEPLOY_SETTING) !== undefined ||
    read("DENO_DEPLOYMENT_ID") !== undefined;
  const deployment = read("DENO_TIMELINE") ?? read("DENO_DEPLOYMENT_ID");
  const livenessTtlMs = time("BUS_CODE_TTL_MS") ?? 15_000;
  const keepAliveMs = time("BUS_KEEPALIVE_MS") ??
    Math.min(5_000, Math.floor(livenessTtlMs / 3));
  if (keepAliveMs >= livenessTtlMs) {
    throw new RangeError(
      `Cannot use BUS_KEEPALIVE_MS as it must be below BUS_CODE_TTL_MS (${livenessTtlMs}): current value is ${keepAliveMs}`,
    );
  }
  const instance = read(INSTANCE_URL_SETTING);
  if (instance !== undefined && read(ENV_NAMES.allowedOrigins) === undefined) {
    throw new RangeError(
      `Cannot use ${INSTANCE_URL_SETTING} without ${ENV_NAMES.allowedOrigins}: phones sent to this instance come from the main site's page, so list its origin (e.g. https://pizza.example)`,
    );
  }
  return {
    instanceUrl: instance === undefined ? "" : instanceSocketUrl(instance),
    redisUrl: read("REDIS_URL") ?? "",
    redisPrefix: read("REDIS_PREFIX") ??
      (onDeploy && deployment ? `pizza:${deployment}:` : "pizza:"),
    livenessTtlMs,
    keepAliveMs,
    onDeploy,
  };
}
