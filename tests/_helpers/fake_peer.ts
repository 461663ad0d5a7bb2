/**
 * A scriptable stand-in for a simple-peer instance.
 *
 * @module
 */
import type { PeerLike } from "../../src/link/game_link.ts";
import type { SignalData } from "../../src/protocol/mod.ts";

type Listener = (...args: never[]) => void;

/** Records what the link does to it and lets a test fire peer events. */
export class FakePeer implements PeerLike {
  /** Signals fed in by the link. */
  readonly signals: SignalData[] = [];
  /** Strings sent over the "data channel". */
  readonly sent: string[] = [];
  /** True after destroy(). */
  destroyed = false;
  #listeners = new Map<string, Listener[]>();

  /** Subscribes (every simple-peer event used by the link). */
  on(event: string, listener: Listener): this {
    const list = this.#listeners.get(event) ?? [];
    list.push(listener);
    this.#listeners.set(event, list);
    return this;
  }

  /** Fires an event at the link. */
  fire(event: "signal", data: SignalData): void;
  /** Fires an event at the link. */
  fire(event: "connect" | "close"): void;
  /** Fires an event at the link. */
  fire(event: "data", data: Uint8Array | string): void;
  /** Fires an event at the link. */
  fire(event: "error", error: Error): void;
  fire(event: string, ...args: unknown[]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      (listener as (...a: unknown[]) => void)(...args);
    }
  }

  /** Records a remote signal. */
  signal(data: SignalData): void {
    this.signals.push(data);
  }

  /** Records a sent message. */
  send(data: string): void {
    if (this.destroyed) throw new Error("cannot send after destroy");
    this.sent.push(data);
  }

  /** Marks the peer destroyed. */
  destroy(): void {
    this.destroyed = true;
  }
}
