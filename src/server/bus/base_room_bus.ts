/**
 * What both room buses share: owned codes, the keep-alive timer, envelope
 * checks, round-trip probes, health and figures. Each bus supplies its
 * store operations ({@link BusStore}).
 *
 * @module
 */
import { setImmediate } from "node:timers";
import { decodeBatch, encodeBatch, type WireEnvelope } from "./envelope.ts";
import {
  BUS_DEFAULTS,
  BusDownError,
  type BusFigures,
  type BusHealth,
  type ClaimResult,
  type EnvelopeHandler,
  randomInstanceId,
  type RoomBus,
  type RoomBusOptions,
  type RoomRecordStore,
  type SharedCounters,
} from "./room_bus.ts";
import {
  decodeRoomRecord,
  encodeRoomRecord,
  type RoomRecord,
} from "./room_record.ts";

/** A room record kept for refreshing, as stored. */
export interface StoredRecord {
  /** The encoded record. */
  text: string;
  /** Its lifetime from each refresh, in ms. */
  ttlMs: number;
}

/**
 * The operations a store provides. They may throw on any failure; the base
 * turns that into "down" and {@link BusDownError}.
 */
export interface BusStore {
  /** Connects and delivers every text published to `channel` to `onText`. */
  connect(channel: string, onText: (text: string) => void): Promise<void>;
  /** SET code NX unless a record waits: "+" claimed, "-owner" or "-" taken. */
  claim(code: string, owner: string, ttlMs: number): Promise<string>;
  /** Takes a code from a dead owner or nobody: "+" or "-owner". */
  takeOver(
    code: string,
    owner: string,
    deadOwner: string,
    ttlMs: number,
  ): Promise<string>;
  /** Deletes code and record if `owner` holds the code. */
  release(code: string, owner: string): Promise<void>;
  /** GET code. */
  ownerOf(code: string): Promise<string | undefined>;
  /** Whether the instance's liveness key exists. */
  alive(instanceId: string): Promise<boolean>;
  /** Sets (or, with ttlMs 0, deletes) this instance's liveness key. */
  setAlive(instanceId: string, ttlMs: number): Promise<void>;
  /**
   * Refreshes owned codes (claiming those the store lost) and re-saves their
   * records. @returns codes another instance holds now.
   */
  refresh(
    owner: string,
    codes: ReadonlyMap<string, StoredRecord | undefined>,
    ttlMs: number,
  ): Promise<string[]>;
  /**
   * PUBLISHes each text to its channel, in order, in one write where the
   * store can. Throws when any of them could not be sent.
   */
  publish(messages: readonly PublishedText[]): Promise<void>;
  /** Stores a record's text. */
  saveRecord(code: string, text: string, ttlMs: number): Promise<void>;
  /** Reads a record's text. */
  loadRecord(code: string): Promise<string | undefined>;
  /** Deletes a record. */
  removeRecord(code: string): Promise<void>;
  /**
   * INCRBY `delta`, deleting the key at 0 or below (and answering 0); when
   * `ttlMs` > 0, the key's expiry is set again.
   */
  add(key: string, delta: number, ttlMs: number): Promise<number>;
  /** GET as a number. */
  count(key: string): Promise<number>;
  /** Disconnects. */
  disconnect(): Promise<void>;
}

/** One text for one channel. */
export interface PublishedText {
  /** The channel. */
  channel: string;
  /** The text (one envelope or a batch). */
  text: string;
}

/** Envelopes waiting for the next flush, for one instance. */
interface Outgoing {
  envelopes: WireEnvelope[];
  sent: PromiseWithResolvers<boolean>;
}

/** Changes of one sign to one counter, merged into one store call. */
interface CountRun {
  delta: number;
  ttlMs: number;
  done: PromiseWithResolvers<number>;
}

/** A room bus over a {@link BusStore}. */
export abstract class BaseRoomBus implements RoomBus {
  readonly instanceId: string;
  readonly counters: SharedCounters;
  readonly records: RoomRecordStore;
  protected readonly codeTtlMs: number;
  protected readonly now: () => number;
  readonly #keepAliveMs: number;
  readonly #maxMessageBytes: number;
  readonly #store: BusStore;
  /** Owned codes, with the last record saved for each (for refreshes). */
  readonly #owned = new Map<string, StoredRecord | undefined>();
  readonly #listeners = new Set<(health: BusHealth) => void>();
  readonly #pings = new Map<number, (at: number) => void>();
  #nextPing = 1;
  #handler: EnvelopeHandler = () => {};
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** Before `start()` finishes, health is not known yet: calls may try. */
  #started = false;
  #health: BusHealth;
  /** Envelopes published in this turn of the event loop, per instance. */
  #outbox = new Map<string, Outgoing>();
  /** Counter changes of this turn of the event loop, per key, in order. */
  #counts = new Map<string, CountRun[]>();
  #figures = {
    messagesIn: 0,
    messagesOut: 0,
    messagesRefused: 0,
    publishesIn: 0,
    publishesOut: 0,
    rtt: NaN,
  };

  constructor(store: BusStore, options: RoomBusOptions) {
    const {
      instanceId = randomInstanceId(),
      codeTtlMs = BUS_DEFAULTS.codeTtlMs,
      keepAliveMs = BUS_DEFAULTS.keepAliveMs,
      maxMessageBytes = BUS_DEFAULTS.maxMessageBytes,
      now = Date.now,
    } = options;
    if (!(codeTtlMs > 0)) {
      throw new RangeError(
        `Cannot start the room bus: 'codeTtlMs' must be positive: current value is ${codeTtlMs}`,
      );
    }
    if (keepAliveMs < 0 || keepAliveMs >= codeTtlMs) {
      throw new RangeError(
        `Cannot start the room bus: 'keepAliveMs' must be in [0, codeTtlMs): current value is ${keepAliveMs}`,
      );
    }
    this.instanceId = instanceId;
    this.codeTtlMs = codeTtlMs;
    this.#keepAliveMs = keepAliveMs;
    this.#maxMessageBytes = maxMessageBytes;
    this.now = now;
    this.#store = store;
    this.#health = { up: false, since: now() };
    this.counters = {
      increment: (key, ttlMs) => this.#count(key, 1, ttlMs),
      decrement: (key) => this.#count(key, -1, 0),
      get: (key) => this.#guard(() => store.count(key)),
    };
    this.records = {
      save: async (record: RoomRecord, ttlMs: number) => {
        const text = encodeRoomRecord(record);
        if (this.#owned.has(record.code)) {
          this.#owned.set(record.code, { text, ttlMs });
        }
        await this.#guard(() => store.saveRecord(record.code, text, ttlMs));
      },
      load: async (code: string) => {
        const text = await this.#guard(() => store.loadRecord(code));
        return text === undefined ? undefined : decodeRoomRecord(text);
      },
      remove: async (code: string) => {
        const owned = this.#owned.get(code);
        if (owned) this.#owned.set(code, undefined);
        await this.#guard(() => store.removeRecord(code));
      },
    };
  }

  /** The channel an instance listens on. */
  protected abstract channelOf(instanceId: string): string;

  async start(onEnvelope: EnvelopeHandler): Promise<void> {
    this.#handler = onEnvelope;
    try {
      await this.#store.connect(
        this.channelOf(this.instanceId),
        (text) => this.#arrive(text),
      );
      await this.#store.setAlive(this.instanceId, this.codeTtlMs);
      this.markUp();
    } catch (error) {
      // Unreachable at boot: serve what needs no store, and come up when it
      // does (the store reconnects by itself; see `recovered()`).
      this.markDown(error);
    }
    this.#started = true;
    if (this.#keepAliveMs > 0 && !this.#closed) {
      this.#timer = setInterval(() => {
        this.refresh().catch(() => {
          // Marked down by the guard; the next tick tries again.
        });
      }, this.#keepAliveMs);
    }
  }

  async claimCode(code: string): Promise<ClaimResult> {
    const answer = await this.#guard(() =>
      this.#store.claim(code, this.instanceId, this.codeTtlMs)
    );
    return this.#claimed(code, answer);
  }

  async takeOverCode(code: string, deadOwner: string): Promise<ClaimResult> {
    const answer = await this.#guard(() =>
      this.#store.takeOver(code, this.instanceId, deadOwner, this.codeTtlMs)
    );
    return this.#claimed(code, answer);
  }

  async releaseCode(code: string): Promise<void> {
    this.#owned.delete(code);
    await this.#guard(() => this.#store.release(code, this.instanceId));
  }

  ownerOf(code: string): Promise<string | undefined> {
    return this.#guard(() => this.#store.ownerOf(code));
  }

  instanceAlive(instanceId: string): Promise<boolean> {
    return this.#guard(() => this.#store.alive(instanceId));
  }

  owns(code: string): boolean {
    return this.#owned.has(code);
  }

  ownedCodes(): ReadonlySet<string> {
    return new Set(this.#owned.keys());
  }

  async refresh(): Promise<string[]> {
    if (this.#closed) return [];
    await this.#guard(
      () => this.#store.setAlive(this.instanceId, this.codeTtlMs),
      true,
    );
    const lost = await this.#guard(
      () => this.#store.refresh(this.instanceId, this.#owned, this.codeTtlMs),
      true,
    );
    for (const code of lost) this.#owned.delete(code);
    this.markUp();
    return lost;
  }

  publish(instanceId: string, envelope: WireEnvelope): Promise<boolean> {
    if (this.#closed || !this.#health.up) return Promise.resolve(false);
    let outgoing = this.#outbox.get(instanceId);
    if (outgoing === undefined) {
      if (this.#outbox.size === 0) setImmediate(this.#flushOutbox);
      outgoing = { envelopes: [], sent: Promise.withResolvers<boolean>() };
      this.#outbox.set(instanceId, outgoing);
    }
    outgoing.envelopes.push(envelope);
    return outgoing.sent.promise;
  }

  /**
   * Sends what this turn of the event loop published: per instance, its
   * envelopes in order, in as few texts as the size limit allows; all of
   * them in one store call (one write to Redis).
   */
  readonly #flushOutbox = async (): Promise<void> => {
    const outbox = this.#outbox;
    if (outbox.size === 0) return;
    this.#outbox = new Map();
    const messages: PublishedText[] = [];
    let envelopes = 0;
    for (const [instanceId, outgoing] of outbox) {
      const channel = this.channelOf(instanceId);
      for (const text of encodeBatch(outgoing.envelopes)) {
        messages.push({ channel, text });
      }
      envelopes += outgoing.envelopes.length;
    }
    let sent = false;
    if (!this.#closed && this.#health.up) {
      try {
        await this.#store.publish(messages);
        this.#figures.messagesOut += envelopes;
        this.#figures.publishesOut += messages.length;
        sent = true;
      } catch (error) {
        this.markDown(error);
      }
    }
    for (const outgoing of outbox.values()) outgoing.sent.resolve(sent);
  };

  async measureRoundTrip(timeoutMs = 5_000): Promise<number> {
    const id = this.#nextPing++;
    const sentAt = performance.now();
    const { promise, resolve } = Promise.withResolvers<number>();
    this.#pings.set(id, resolve);
    const timer = setTimeout(() => resolve(NaN), timeoutMs);
    try {
      const sent = await this.publish(this.instanceId, {
        kind: "ping",
        from: this.instanceId,
        id,
      });
      if (!sent) throw new BusDownError(this.#health.lastError);
      const at = await promise;
      if (Number.isNaN(at)) {
        throw new BusDownError(`no answer within ${timeoutMs} ms`);
      }
      this.#figures.rtt = at - sentAt;
      return this.#figures.rtt;
    } finally {
      clearTimeout(timer);
      this.#pings.delete(id);
    }
  }

  health(): BusHealth {
    return { ...this.#health };
  }

  onHealthChange(listener: (health: BusHealth) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  figures(): BusFigures {
    return {
      messagesIn: this.#figures.messagesIn,
      messagesOut: this.#figures.messagesOut,
      messagesRefused: this.#figures.messagesRefused,
      publishesIn: this.#figures.publishesIn,
      publishesOut: this.#figures.publishesOut,
      roundTripMs: this.#figures.rtt,
      roomsOwned: this.#owned.size,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // What was published before close() still leaves.
    await this.#flushOutbox();
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (const resolve of this.#pings.values()) resolve(NaN);
    try {
      if (this.#health.up) await this.#store.setAlive(this.instanceId, 0);
    } catch {
      // Its liveness key expires by itself.
    } finally {
      this.#owned.clear();
      await this.#store.disconnect();
      this.#listeners.clear();
    }
  }

  /** Whether `close()` was called. */
  protected get closed(): boolean {
    return this.#closed;
  }

  /** Records that the store is reachable. */
  protected markUp(): void {
    if (this.#health.up || this.#closed) return;
    this.#health = { ...this.#health, up: true, since: this.now() };
    this.#notify();
  }

  /**
   * The store is reachable again: up, then liveness, codes and records are
   * written again (a restarted store may have lost them all).
   */
  protected recovered(): void {
    if (this.#closed) return;
    this.markUp();
    this.refresh().catch(() => {
      // Marked down by the guard; the keep-alive tries again.
    });
  }

  /** Records that the store is unreachable, and why. */
  protected markDown(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const at = this.now();
    const wasUp = this.#health.up;
    this.#health = {
      up: false,
      since: wasUp ? at : this.#health.since,
      lastError: message,
      lastErrorAt: at,
    };
    if (wasUp && !this.#closed) this.#notify();
  }

  #notify(): void {
    const snapshot = this.health();
    for (const listener of this.#listeners) listener(snapshot);
  }

  #claimed(code: string, answer: string): ClaimResult {
    if (answer === "+") {
      this.#owned.set(code, undefined);
      return { claimed: true };
    }
    const owner = answer.slice(1);
    return { claimed: false, owner: owner === "" ? undefined : owner };
  }

  /**
   * Runs a store operation: refused at once while down (unless `probe`, used
   * by the keep-alive to find out whether the store is back), and any
   * failure marks the bus down and becomes a {@link BusDownError}.
   */
  async #guard<T>(operation: () => Promise<T>, probe = false): Promise<T> {
    if (this.#closed) throw new BusDownError("the bus is closed");
    if (!probe && !this.#health.up && this.#started) {
      throw new BusDownError(this.#health.lastError);
    }
    try {
      return await operation();
    } catch (error) {
      this.markDown(error);
      throw new BusDownError(
        error instanceof Error ? error.message : String(error),
      );
    }
  }

  /**
   * Adds `delta` to a shared counter. Changes to one counter in one turn of
   * the event loop are merged (each run of one sign into one store call, in
   * order, so "never below 0" holds as if they were made one by one); each
   * caller gets the count after its run.
   */
  #count(key: string, delta: number, ttlMs: number): Promise<number> {
    if (this.#closed) {
      return Promise.reject(new BusDownError("the bus is closed"));
    }
    if (!this.#health.up && this.#started) {
      return Promise.reject(new BusDownError(this.#health.lastError));
    }
    if (this.#counts.size === 0) setImmediate(this.#flushCounts);
    let runs = this.#counts.get(key);
    if (runs === undefined) this.#counts.set(key, runs = []);
    const last = runs.at(-1);
    if (last !== undefined && Math.sign(last.delta) === Math.sign(delta)) {
      last.delta += delta;
      last.ttlMs = Math.max(last.ttlMs, ttlMs);
      return last.done.promise;
    }
    const run = { delta, ttlMs, done: Promise.withResolvers<number>() };
    runs.push(run);
    return run.done.promise;
  }

  readonly #flushCounts = (): void => {
    const counts = this.#counts;
    this.#counts = new Map();
    for (const [key, runs] of counts) {
      // One key's runs go in order; different keys at once (one write).
      void (async () => {
        for (const run of runs) {
          try {
            run.done.resolve(
              await this.#guard(() =>
                this.#store.add(key, run.delta, run.ttlMs)
              ),
            );
          } catch (error) {
            run.done.reject(error);
          }
        }
      })();
    }
  };

  #arrive(text: string): void {
    const batch = decodeBatch(text, this.#maxMessageBytes);
    this.#figures.publishesIn++;
    this.#figures.messagesRefused += batch.refused.length;
    for (const envelope of batch.envelopes) {
      this.#figures.messagesIn++;
      if (envelope.kind === "ping") {
        if (envelope.from === this.instanceId) {
          this.#pings.get(envelope.id)?.(performance.now());
          continue;
        }
        void this.publish(envelope.from, {
          kind: "pong",
          from: this.instanceId,
          id: envelope.id,
        });
        continue;
      }
      if (envelope.kind === "pong") {
        this.#pings.get(envelope.id)?.(performance.now());
        continue;
      }
      this.#handler(envelope);
    }
  }
}
