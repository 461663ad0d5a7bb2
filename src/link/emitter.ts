/**
 * A tiny typed event emitter for the browser clients.
 *
 * @module
 */

/** Maps each event name to the tuple of arguments its listeners receive. */
export type EventMap = Record<string, unknown[]>;

/** A listener for event `K` of `E`. */
export type Listener<E extends EventMap, K extends keyof E> = (
  ...args: E[K]
) => void;

/**
 * Typed publish/subscribe. `on` returns an unsubscribe function; a throwing
 * listener does not stop the others (the error is reported asynchronously).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Emitter } from "./emitter.ts";
 * const e = new Emitter<{ hit: [number] }>();
 * let got = 0;
 * const off = e.on("hit", (n) => got += n);
 * e.emit("hit", 2);
 * off();
 * e.emit("hit", 5);
 * assert.equal(got, 2);
 * ```
 */
export class Emitter<E extends EventMap> {
  #listeners = new Map<keyof E, Set<Listener<E, keyof E>>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof E>(event: K, listener: Listener<E, K>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener<E, keyof E>);
    return () => set.delete(listener as Listener<E, keyof E>);
  }

  /** Calls every listener of `event` with `args`. */
  emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}
