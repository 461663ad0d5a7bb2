/**
 * The room bus on Redis (npm `ioredis`), chosen by `REDIS_URL`: what lets
 * several server instances (Deno Deploy, or processes behind a balancer)
 * share room codes and relay messages.
 *
 * Keys (all under `keyPrefix`):
 * - `code:<CODE>` = owning instance id, `PX codeTtlMs`, refreshed by its owner;
 * - `room:<CODE>` = the room record (hashes, never tokens), `PX` grace;
 * - `alive:<id>` = "1", `PX codeTtlMs`: the instance is alive;
 * - `count:<key>` = shared counters (INCR with expiry).
 * Channel `inst:<id>` carries envelopes to one instance (relayed, not stored),
 * published in batches (a turn's envelopes for one instance in one PUBLISH).
 *
 * @module
 */
import { Redis } from "ioredis";
import {
  BaseRoomBus,
  type BusStore,
  type PublishedText,
  type StoredRecord,
} from "./base_room_bus.ts";
import type { RoomBusOptions } from "./room_bus.ts";

/** Options for {@link RedisRoomBus}. */
export interface RedisRoomBusOptions extends RoomBusOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. */
  url: string;
  /** Prefix of every key and channel. @default "pizza:" */
  keyPrefix?: string;
  /** A command with no answer after this long fails, in ms. @default 5000 */
  commandTimeoutMs?: number;
  /** Longest wait between reconnect attempts, in ms. @default 2000 */
  maxReconnectDelayMs?: number;
}

/** "+" when claimed; "-owner" when taken; "-" when a record waits. */
const CLAIM_SCRIPT = `
local owner = redis.call('GET', KEYS[1])
if owner then return '-' .. owner end
if redis.call('EXISTS', KEYS[2]) == 1 then return '-' end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return '+'`;

/** KEYS: code, dead owner's alive key. ARGV: me, ttl, dead owner. */
const TAKE_OVER_SCRIPT = `
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then
  if owner ~= ARGV[3] or redis.call('EXISTS', KEYS[2]) == 1 then
    return '-' .. owner
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return '+'`;

/** KEYS: code, record. ARGV: me. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2])
end
return 0`;

/**
 * KEYS: code, record. ARGV: me, ttl, record text ('' for none), record ttl.
 * Returns 1 when the code is ours (refreshed or claimed again after the
 * store lost it), 0 when another instance holds it.
 */
const REFRESH_SCRIPT = `
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if ARGV[3] ~= '' then redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4]) end
return 1`;

/** KEYS: counter. ARGV: delta, ttl (0: keep the expiry). */
const ADD_SCRIPT = `
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if n <= 0 then redis.call('DEL', KEYS[1]) return 0 end
if tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return n`;

/**
 * A room bus on Redis. Commands fail at once while Redis is unreachable
 * (no offline queue), so callers can refuse new rooms with a clear error;
 * both connections reconnect by themselves, and the subscription and the
 * owned codes come back with them.
 *
 * @example
 * ```ts ignore
 * const bus = new RedisRoomBus({ url: Deno.env.get("REDIS_URL")! });
 * await bus.start((envelope) => console.log(envelope.kind));
 * ```
 */
export class RedisRoomBus extends BaseRoomBus {
  readonly #prefix: string;
  readonly #store: RedisStore;

  constructor(options: RedisRoomBusOptions) {
    const { keyPrefix = "pizza:" } = options;
    // The store reports health before `this` exists: bind the hooks after.
    const hooks: HealthHooks = { up() {}, down() {} };
    const store = new RedisStore(options, keyPrefix, hooks);
    super(store, options);
    this.#store = store;
    this.#prefix = keyPrefix;
    hooks.up = () => this.recovered();
    hooks.down = (error) => this.markDown(error);
  }

  /** The command connection (shared by the per-address limit counters). */
  get redis(): Redis {
    return this.#store.commands;
  }

  /** What every key of this bus starts with. */
  get keyPrefix(): string {
    return this.#prefix;
  }

  protected channelOf(instanceId: string): string {
    return `${this.#prefix}inst:${instanceId}`;
  }
}

interface HealthHooks {
  up(): void;
  down(error: unknown): void;
}

/**
 * {@link BusStore} over two ioredis connections (commands, subscriber).
 */
class RedisStore implements BusStore {
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #hooks: HealthHooks;
  #closing = false;

  constructor(
    options: RedisRoomBusOptions,
    prefix: string,
    hooks: HealthHooks,
  ) {
    const { commandTimeoutMs = 5_000, maxReconnectDelayMs = 2_000 } = options;
    const common = {
      lazyConnect: true,
      commandTimeout: commandTimeoutMs,
      retryStrategy: (attempt: number) =>
        Math.min(50 * 2 ** Math.min(attempt, 10), maxReconnectDelayMs),
    };
    this.#prefix = prefix;
    this.#hooks = hooks;
    // No offline queue: while Redis is away a command fails at once instead
    // of waiting, so a new room is refused rather than left hanging.
    this.#commands = new Redis(options.url, {
      ...common,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Commands issued in the same tick (a join's counters, record and
      // publish) go to Redis in one write.
      enableAutoPipelining: true,
    });
    // The subscriber queues its SUBSCRIBE until connected and subscribes
    // again after each reconnect (ioredis' autoResubscribe).
    this.#subscriber = new Redis(options.url, {
      ...common,
      maxRetriesPerRequest: null,
    });
    for (const client of [this.#commands, this.#subscriber]) {
      client.on("error", (error: Error) => {
        if (!this.#closing) hooks.down(error);
      });
      client.on("close", () => {
        if (!this.#closing) hooks.down(new Error("connection to Redis lost"));
      });
      client.on("ready", () => this.#onReady());
    }
  }

  /** The command connection. */
  get commands(): Redis {
    return this.#commands;
  }

  async connect(
    channel: string,
    onText: (text: string) => void,
  ): Promise<void> {
    this.#subscriber.on("message", (from: string, text: string) => {
      if (from === channel) onText(text);
    });
    // Queued until the subscriber connects (now or after Redis comes back),
    // then renewed by ioredis after every reconnect.
    const subscribed = this.#subscriber.subscribe(channel);
    subscribed.catch(() => {
      // Reported through the connection's events.
    });
    await this.#commands.connect();
    await subscribed;
  }

  async claim(code: string, owner: string, ttlMs: number): Promise<string> {
    return String(
      await this.#commands.eval(
        CLAIM_SCRIPT,
        2,
        this.#key("code", code),
        this.#key("room", code),
        owner,
        ttlMs,
      ),
    );
  }

  async takeOver(
    code: string,
    owner: string,
    deadOwner: string,
    ttlMs: number,
  ): Promise<string> {
    return String(
      await this.#commands.eval(
        TAKE_OVER_SCRIPT,
        2,
        this.#key("code", code),
        this.#key("alive", deadOwner),
        owner,
        ttlMs,
        deadOwner,
      ),
    );
  }

  async release(code: string, owner: string): Promise<void> {
    await this.#commands.eval(
      RELEASE_SCRIPT,
      2,
      this.#key("code", code),
      this.#key("room", code),
      owner,
    );
  }

  async ownerOf(code: string): Promise<string | undefined> {
    return (await this.#commands.get(this.#key("code", code))) ?? undefined;
  }

  async alive(instanceId: string): Promise<boolean> {
    return (await this.#commands.exists(this.#key("alive", instanceId))) === 1;
  }

  async setAlive(instanceId: string, ttlMs: number): Promise<void> {
    const key = this.#key("alive", instanceId);
    if (ttlMs > 0) await this.#commands.set(key, "1", "PX", ttlMs);
    else await this.#commands.del(key);
  }

  async refresh(
    owner: string,
    codes: ReadonlyMap<string, StoredRecord | undefined>,
    ttlMs: number,
  ): Promise<string[]> {
    if (codes.size === 0) return [];
    const entries = [...codes];
    const pipeline = this.#commands.pipeline();
    for (const [code, record] of entries) {
      pipeline.eval(
        REFRESH_SCRIPT,
        2,
        this.#key("code", code),
        this.#key("room", code),
        owner,
        ttlMs,
        record?.text ?? "",
        record?.ttlMs ?? 0,
      );
    }
    const results = (await pipeline.exec()) ?? [];
    const lost: string[] = [];
    results.forEach(([error, value], i) => {
      if (error) throw error;
      if (Number(value) === 0) lost.push(entries[i][0]);
    });
    return lost;
  }

  async publish(messages: readonly PublishedText[]): Promise<void> {
    // Issued in one tick, in order: auto-pipelining sends them in one write.
    await Promise.all(
      messages.map(({ channel, text }) =>
        this.#commands.publish(channel, text)
      ),
    );
  }

  async saveRecord(code: string, text: string, ttlMs: number): Promise<void> {
    await this.#commands.set(this.#key("room", code), text, "PX", ttlMs);
  }

  async loadRecord(code: string): Promise<string | undefined> {
    return (await this.#commands.get(this.#key("room", code))) ?? undefined;
  }

  async removeRecord(code: string): Promise<void> {
    await this.#commands.del(this.#key("room", code));
  }

  async add(key: string, delta: number, ttlMs: number): Promise<number> {
    return Number(
      await this.#commands.eval(
        ADD_SCRIPT,
        1,
        this.#key("count", key),
        delta,
        ttlMs,
      ),
    );
  }

  async count(key: string): Promise<number> {
    return Number((await this.#commands.get(this.#key("count", key))) ?? 0);
  }

  async disconnect(): Promise<void> {
    this.#closing = true;
    await Promise.all(
      [this.#commands, this.#subscriber].map(async (client) => {
        if (client.status === "ready") {
          try {
            await client.quit();
            return;
          } catch {
            // Fall through to a hard disconnect.
          }
        }
        client.disconnect();
      }),
    );
  }

  #onReady(): void {
    if (this.#closing) return;
    if (
      this.#commands.status === "ready" && this.#subscriber.status === "ready"
    ) {
      this.#hooks.up();
    }
  }

  #key(kind: string, name: string): string {
    return `${this.#prefix}${kind}:${name}`;
  }
}
