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
  #kinds = new Map<string, { count: number; written: number; sample: E }>();

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
    const key = `${event.event}\u0000${event.detail ?? ""}\u0000${
      event.address ?? ""
    }`;
    let kind = this.#kinds.get(key);
    if (!kind) {
      if (this.#kinds.size >= this.#total) {
        // Too many kinds this window: count it under one catch-all kind.
        kind = this.#kinds.get("") ?? { count: 0, written: 0, sample: event };
        this.#kinds.set("", kind);
        kind.count++;
        return;
      }
      kind = { count: 0, written: 0, sample: event };
      this.#kinds.set(key, kind);
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
    let other = 0;
    for (const [key, kind] of this.#kinds) {
      const suppressed = kind.count - kind.written;
      if (suppressed === 0) continue;
      if (key === "") {
        other += suppressed;
        continue;
      }
      const { event, detail, address } = kind.sample;
      this.write({
        event,
        address,
        detail: `${detail ?? ""}${
          detail ? " " : ""
        }(${suppressed} similar suppressed)`,
      });
    }
    if (other > 0) {
      this.write({ event: "log", detail: `(${other} other lines suppressed)` });
    }
    this.#kinds = new Map();
    this.#written = 0;
    this.#windowStart = now;
  }
}
