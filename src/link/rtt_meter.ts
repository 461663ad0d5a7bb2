/**
 * Round-trip time from ping/pong game messages.
 *
 * @module
 */

/** Weight of a new sample in the smoothed round-trip time. */
export const RTT_SMOOTHING = 0.3;
/** Pings older than this are forgotten, in ms. */
export const PING_FORGET_MS = 10_000;

/**
 * Issues ping ids and turns matching pongs into a smoothed round-trip time.
 * Time is an input (`now`), so tests drive it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RttMeter } from "./rtt_meter.ts";
 * let t = 0;
 * const meter = new RttMeter(() => t);
 * const id = meter.nextPing();
 * t = 40;
 * assert.equal(meter.pong(id), 40);
 * assert.equal(meter.rttMs, 40);
 * assert.equal(meter.pong(999), null);
 * ```
 */
export class RttMeter {
  #sent = new Map<number, number>();
  #nextId = 1;
  #rtt: number | null = null;

  /** @param now Milliseconds clock. */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Smoothed round-trip time in ms, or null before the first pong. */
  get rttMs(): number | null {
    return this.#rtt === null ? null : Math.round(this.#rtt);
  }

  /** Returns the id for a new ping and remembers when it left. */
  nextPing(): number {
    const now = this.now();
    for (const [id, at] of this.#sent) {
      if (now - at > PING_FORGET_MS) this.#sent.delete(id);
    }
    const id = this.#nextId++;
    this.#sent.set(id, now);
    return id;
  }

  /** Records a pong; returns this sample in ms, or null if unknown. */
  pong(id: number): number | null {
    const at = this.#sent.get(id);
    if (at === undefined) return null;
    this.#sent.delete(id);
    const sample = Math.max(0, this.now() - at);
    this.#rtt = this.#rtt === null
      ? sample
      : this.#rtt + RTT_SMOOTHING * (sample - this.#rtt);
    return sample;
  }

  /** Forgets everything (e.g. after a reconnect). */
  reset(): void {
    this.#sent.clear();
    this.#rtt = null;
  }
}
