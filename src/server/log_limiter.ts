/**
 * Bounds how many log lines a server writes: per kind of event (its name,
 * detail and client address) and in total, per time window. What is held
 * back is counted and said in one "N similar suppressed" event when the
 * window ends, so a flood leaves a summary, not a million lines, and the
 * state kept is bounded by the lines allowed per window.
 *
 * @module
 */

/** One loggable event: a name and optional fields. */
export interface LimitedEvent {
  /** Short name, e.g. "error". */
  event: string;
  /** Extra detail. */
  detail?: string;
  /** Client address. */
  address?: string;
}

/** Limits for {@link LogLimiter}. */
export interface LogLimits {
  /** Lines of one kind per window. @default 5 */
  perKind?: number;
  /** Lines in all per window. @default 200 */
  total?: number;
  /** Window length in ms. @default 10000 */
  windowMs?: number;
}

/**
 * Passes events on to `write` within the limits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LogLimiter } from "./log_limiter.ts";
 * const out: { event: string; detail?: string }[] = [];
 * let now = 0;
 * const log = new LogLimiter((e) => out.push(e), () => now, { perKind: 2 });
 * for (let i = 0; i < 10; i++) log.add({ event: "error", detail: "wrong room", address: "a" });
 * now = 10_000;
 * log.add({ event: "room created" });
 * assert.equal(out.length, 4);
 * assert.match(String(out[2].detail), /8 similar suppressed/);
 * ```
 */
export class LogLimiter<E extends LimitedEvent> {
  readonly #perKind: number;
  readonly #total: number;
  readonly #windowMs: number;
  #windowStart = -Infinity;
  #written = 0;
  /**
   * Kinds this window, by name, then detail, then address: a lookup builds
   * no key string (an event is logged on every join).
   */
  #kinds = new Map<string, Map<string, Map<string, Kind<E>>>>();
  /** The same kinds in the order they came, for the summaries. */
  #order: Kind<E>[] = [];
  /** Events beyond the kinds a window may hold, counted together. */
  #other: Kind<E> | undefined;

  /**
   * @param write Receives each event let through, and the summaries.
   * @param now Current time in ms.
   * @param limits Lines per kind and in total per window.
   */
  constructor(
    private readonly write: (event: E | LimitedEvent) => void,
    private readonly now: () => number = Date.now,
    limits: LogLimits = {},
  ) {
    this.#perKind = limits.perKind ?? 5;
    this.#total = limits.total ?? 200;
    this.#windowMs = limits.windowMs ?? 10_000;
  }

  /** Logs `event` unless its kind or the total is over the limit. */
  add(event: E): void {
    const now = this.now();
    if (now - this.#windowStart >= this.#windowMs) this.flush(now);
    let byDetail = this.#kinds.get(event.event);
    const detail = event.detail ?? "";
    let byAddress = byDetail?.get(detail);
    const address = event.address ?? "";
    let kind = byAddress?.get(address);
    if (!kind) {
      if (this.#order.length >= this.#total) {
        // Too many kinds this window: count it under one catch-all kind.
        this.#other ??= { count: 0, written: 0, sample: event };
        this.#other.count++;
        return;
      }
      kind = { count: 0, written: 0, sample: event };
      if (!byDetail) this.#kinds.set(event.event, byDetail = new Map());
      if (!byAddress) byDetail.set(detail, byAddress = new Map());
      byAddress.set(address, kind);
      this.#order.push(kind);
    }
    kind.count++;
    if (kind.count <= this.#perKind && this.#written < this.#total) {
      this.#written++;
      kind.written++;
      this.write(event);
    }
  }

  /** Ends the window if it is over (call it now and then, e.g. from a sweep). */
  tick(): void {
    const now = this.now();
    if (now - this.#windowStart >= this.#windowMs) this.flush(now);
  }

  /** Ends the window: writes one summary per kind that was held back. */
  flush(now: number = this.now()): void {
    for (const kind of this.#order) {
      const suppressed = kind.count - kind.written;
      if (suppressed === 0) continue;
      const { event, detail, address } = kind.sample;
      this.write({
        event,
        address,
        detail: `${detail ?? ""}${
          detail ? " " : ""
        }(${suppressed} similar suppressed)`,
      });
    }
    const other = this.#other?.count ?? 0;
    if (other > 0) {
      this.write({ event: "log", detail: `(${other} other lines suppressed)` });
    }
    this.#kinds = new Map();
    this.#order = [];
    this.#other = undefined;
    this.#written = 0;
    this.#windowStart = now;
  }
}

/** One kind of event in a window: how many came, how many were written. */
interface Kind<E> {
  count: number;
  written: number;
  /** The first of its kind, for the summary. */
  sample: E;
}
