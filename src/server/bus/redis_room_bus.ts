/**
 * The room bus on Redis (npm `ioredis`), chosen by `REDIS_URL`; keys and
 * channels under a prefix, as docs/SCALE_OUT.md lists them. A room's record
 * is keyed by its owner, so a write by an owner that lost the code (after a
 * long pause) never reaches the adopter's record.
 *
 * @module
 */
import { Redis } from "ioredis";
import { decodeEnvelope, type Envelope } from "./envelope.ts";
import {
  type BusCounters,
  BusDownError,
  type BusHealth,
  type ClaimResult,
  randomInstanceId,
  recordFromFields,
  type RoomBus,
  type RoomBusOptions,
  type RoomRecord,
  type SeatRecord,
} from "./room_bus.ts";

/** Options for {@link RedisRoomBus}. */
export interface RedisRoomBusOptions extends RoomBusOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. */
  url: string;
  /** Prefix of every key and channel. @default "pizza:" */
  prefix?: string;
}

/**
 * The one claim. KEYS: code. ARGV: me, key prefix, host digest, "1" to
 * adopt, lifetime in ms. Takes the code when it is free or its owner is
 * not alive: a new room also needs no record waiting for its host, and
 * gets a fresh record; an adoption renames the dead owner's record to
 * this instance's, if its host digest matches. "+" claimed; "-owner" held
 * by a live instance; "-" taken (a record waits, or none to adopt); "!"
 * the digest does not match.
 */
const CLAIM_SCRIPT = `
local owner = redis.call('GET', KEYS[1])
local code = string.sub(KEYS[1], #ARGV[2] + 6)
if owner and owner ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. 'alive:' .. owner) == 1 then
  return '-' .. owner
end
local mine = ARGV[2] .. 'room:' .. code .. ':' .. ARGV[1]
local theirs = owner and (ARGV[2] .. 'room:' .. code .. ':' .. owner)
local host = theirs and redis.call('HGET', theirs, 'host')
if ARGV[4] == '1' then
  if not host then return '-' end
  if host ~= ARGV[3] then return '!' end
  if theirs ~= mine then redis.call('RENAME', theirs, mine) end
else
  if host then return '-' end
  redis.call('HSET', mine, 'host', ARGV[3], 'started', '0')
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[5])
redis.call('PEXPIRE', mine, ARGV[5])
return '+'`;

/** KEYS: code, my record. ARGV: me. Deletes both if the code is mine. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2]) end
return 0`;

/** A command with no answer after this long fails, in ms. */
const COMMAND_TIMEOUT_MS = 5_000;
/** Replies after which a connection is made again (a failover happened). */
const RECONNECT_ON = /^(READONLY|LOADING)/;

/**
 * A room bus on Redis: two ioredis connections (commands, auto-pipelined;
 * subscriber). Commands fail at once while Redis is unreachable (no
 * offline queue); both connections reconnect by themselves, and a
 * `READONLY` or `LOADING` reply (a node that became a replica, or is
 * loading) makes the connection reconnect too.
 *
 * @example
 * ```ts ignore
 * const bus = new RedisRoomBus({ url: Deno.env.get("REDIS_URL")! });
 * await bus.start((envelope) => console.log(envelope.kind), () => {});
 * ```
 */
export class RedisRoomBus implements RoomBus {
  readonly instanceId: string;
  /** The command connection (per-address counters use it too). */
  readonly redis: Redis;
  /** The prefix of every key and channel. */
  readonly prefix: string;
  readonly #subscriber: Redis;
  readonly #livenessTtlMs: number;
  readonly #roomTtlMs: number;
  #health: BusHealth = { up: false, since: Date.now() };
  #onEnvelope: (envelope: Envelope) => void = () => {};
  #onHealth: (health: BusHealth) => void = () => {};
  #closing = false;
  readonly #counters = { messagesIn: 0, messagesOut: 0, messagesRefused: 0 };

  constructor(options: RedisRoomBusOptions) {
    const {
      instanceId = randomInstanceId(),
      livenessTtlMs = 15_000,
      roomTtlMs = 600_000,
      prefix = "pizza:",
    } = options;
    this.instanceId = instanceId;
    this.prefix = prefix;
    this.#livenessTtlMs = livenessTtlMs;
    this.#roomTtlMs = Math.max(roomTtlMs, livenessTtlMs);
    const common = {
      lazyConnect: true,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, 1_000),
      reconnectOnError: (error: Error) => RECONNECT_ON.test(error.message),
    };
    this.redis = new Redis(options.url, {
      ...common,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      enableAutoPipelining: true,
    });
    this.#subscriber = new Redis(options.url, {
      ...common,
      maxRetriesPerRequest: null,
    });
    // Every listener runs in the app's fault boundary, when one is given.
    const entry = <A extends unknown[]>(fn: (...args: A) => void) =>
      options.boundary?.wrap({ where: "bus connection event" }, fn) ?? fn;
    for (const client of [this.redis, this.#subscriber]) {
      client.on("error", entry((error: Error) => this.#down(error)));
      client.on("close", entry(() => this.#down(new Error("connection lost"))));
      client.on("ready", entry(() => this.#ready()));
    }
    // Only this instance's channel is subscribed to.
    this.#subscriber.on(
      "message",
      entry((_channel: string, text: string) => {
        const envelope = decodeEnvelope(text);
        if (typeof envelope === "string") {
          return void this.#counters.messagesRefused++;
        }
        this.#counters.messagesIn++;
        this.#onEnvelope(envelope);
      }),
    );
  }

  async start(
    onEnvelope: (envelope: Envelope) => void,
    onHealth: (health: BusHealth) => void,
  ): Promise<void> {
    this.#onEnvelope = onEnvelope;
    this.#onHealth = onHealth;
    // Queued until connected, then renewed after every reconnect.
    const channel = this.#key("inst", this.instanceId);
    this.#subscriber.subscribe(channel).catch(() => {});
    const clients = [this.redis, this.#subscriber];
    await Promise.all(clients.map((c) => c.connect())).catch((error) => {
      this.#down(error);
    });
  }

  async claim(
    code: string,
    hostHash: string,
    adopt: boolean,
  ): Promise<ClaimResult> {
    const key = this.#key("code", code);
    const args = [this.instanceId, this.prefix, hostHash, adopt ? 1 : 0];
    const answer = String(
      await this.#guard(() =>
        this.redis.eval(CLAIM_SCRIPT, 1, key, ...args, this.#roomTtlMs)
      ),
    );
    if (answer === "+") return { claimed: true };
    if (answer === "!") return { claimed: false, reason: "bad token" };
    if (answer === "-") return { claimed: false, reason: "taken" };
    return { claimed: false, owner: answer.slice(1) };
  }

  async release(code: string): Promise<void> {
    const keys = [this.#key("code", code), this.#record(code)];
    await this.#guard(() =>
      this.redis.eval(RELEASE_SCRIPT, 2, ...keys, this.instanceId)
    );
  }

  async lookup(code: string): Promise<{ owner?: string; record: boolean }> {
    const owner = await this.#owner(code);
    if (owner === null) return { record: false };
    if (owner === this.instanceId || (await this.alive([owner])).size > 0) {
      return { owner, record: true };
    }
    const key = this.#record(code, owner);
    return { record: await this.#guard(() => this.redis.exists(key)) === 1 };
  }

  async loadRecord(code: string): Promise<RoomRecord | undefined> {
    const owner = await this.#owner(code);
    if (owner === null) return undefined;
    const key = this.#record(code, owner);
    return recordFromFields(await this.#guard(() => this.redis.hgetall(key)));
  }

  saveRoom(code: string, hostHash: string, started: boolean): Promise<void> {
    return this.#write(code, "host", hostHash, "started", started ? "1" : "0");
  }

  async saveSeat(code: string, name: string, seat?: SeatRecord): Promise<void> {
    if (seat) return this.#write(code, `seat:${name}`, JSON.stringify(seat));
    await this.#guard(() =>
      this.redis.hdel(this.#record(code), `seat:${name}`)
    );
  }

  /** HSET on this instance's record of `code`, its lifetime renewed. */
  async #write(code: string, ...fields: string[]): Promise<void> {
    const key = this.#record(code);
    await this.#guard(() =>
      Promise.all([
        this.redis.hset(key, ...fields),
        this.redis.pexpire(key, this.#roomTtlMs),
      ])
    );
  }

  async refresh(
    codes: readonly string[],
  ): Promise<{ lost: string[]; missing: string[] }> {
    const [, ...owners] = await this.#guard(() =>
      Promise.all([
        this.#setAlive(),
        ...codes.map((code) => this.redis.get(this.#key("code", code))),
      ])
    );
    codes.forEach((code, i) => {
      if (owners[i] !== this.instanceId) return;
      for (const key of [this.#key("code", code), this.#record(code)]) {
        void this.redis.pexpire(key, this.#roomTtlMs).catch(() => {});
      }
    });
    return {
      lost: codes.filter((_, i) =>
        ![null, this.instanceId].includes(owners[i])
      ),
      missing: codes.filter((_, i) => owners[i] === null),
    };
  }

  async alive(instanceIds: readonly string[]): Promise<Set<string>> {
    if (instanceIds.length === 0) return new Set();
    const answers = await this.#guard(() =>
      this.redis.mget(instanceIds.map((id) => this.#key("alive", id)))
    );
    return new Set(instanceIds.filter((_, i) => answers[i] !== null));
  }

  publish(instanceId: string, envelope: Envelope): void {
    if (!this.#health.up || this.#closing) return;
    this.#counters.messagesOut++;
    const channel = this.#key("inst", instanceId);
    this.redis.publish(channel, JSON.stringify(envelope))
      .catch((error) => this.#down(error));
  }

  health(): BusHealth {
    return { ...this.#health };
  }

  counters(): BusCounters {
    return { ...this.#counters };
  }

  resubscribe(): void {
    if (this.#closing) return;
    this.#subscriber.disconnect(true);
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    // Failing, its liveness key expires by itself.
    await this.redis.del(this.#key("alive", this.instanceId)).catch(() => {});
    for (const client of [this.redis, this.#subscriber]) {
      if (client.status !== "ready") client.disconnect();
      else await client.quit().catch(() => client.disconnect());
    }
  }

  #ready(): void {
    const clients = [this.redis, this.#subscriber];
    if (this.#closing || clients.some((c) => c.status !== "ready")) return;
    // Liveness first: a restarted Redis forgot it.
    this.#setAlive().then(() => {
      if (this.#health.up || this.#closing) return;
      this.#health = { ...this.#health, up: true, since: Date.now() };
      this.#onHealth(this.health());
    }, (error) => this.#down(error));
  }

  /** Marks the bus down (once, for the listener); gives the error's text. */
  #down(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    if (this.#closing) return message;
    const wasUp = this.#health.up;
    const since = wasUp ? Date.now() : this.#health.since;
    this.#health = { up: false, since, lastError: message };
    if (wasUp) this.#onHealth(this.health());
    return message;
  }

  /** Runs a command: refused while down; a failure marks the bus down. */
  async #guard<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#closing) throw new BusDownError("the bus is closed");
    if (!this.#health.up) throw new BusDownError(this.#health.lastError);
    try {
      return await operation();
    } catch (error) {
      throw new BusDownError(this.#down(error));
    }
  }

  #setAlive(): Promise<unknown> {
    const key = this.#key("alive", this.instanceId);
    return this.redis.set(key, "1", "PX", this.#livenessTtlMs);
  }

  /** The owner of a code (`null`: none). */
  #owner(code: string): Promise<string | null> {
    return this.#guard(() => this.redis.get(this.#key("code", code)));
  }

  #key(kind: string, name: string): string {
    return `${this.prefix}${kind}:${name}`;
  }

  /** The key of an owner's record of a room. @default this instance's */
  #record(code: string, owner = this.instanceId): string {
    return `${this.prefix}room:${code}:${owner}`;
  }
}
