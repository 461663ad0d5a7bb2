/**
 * The server's event log: one line per room or connection event, written in
 * batches so that a busy server does not pay a console write per event.
 *
 * @module
 */
import type { RegistryEvent } from "./room_registry.ts";

/** A log event: a registry event, or one of the HTTP layer, with the client address. */
export interface LogEvent extends RegistryEvent {
  /** The client's address, when the event concerns a client. */
  address?: string;
}

/** How long lines wait before they are written together, in ms. */
export const LOG_FLUSH_MS = 100;
/** Lines held before a write happens regardless of the timer. */
export const LOG_MAX_BATCH = 512;

/**
 * Formats one event as a log line: ISO time, event name, then `key=value`
 * fields (values JSON-quoted, so names with spaces stay readable).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatEvent } from "./event_log.ts";
 * assert.equal(
 *   formatEvent({ event: "player joined", room: "ABCD", username: "Ann" }, 0),
 *   '1970-01-01T00:00:00.000Z player joined room="ABCD" username="Ann"',
 * );
 * ```
 */
export function formatEvent(event: LogEvent, timeMs: number): string {
  let line = `${new Date(timeMs).toISOString()} ${event.event}`;
  if (event.address !== undefined) {
    line += ` address=${JSON.stringify(event.address)}`;
  }
  if (event.room !== undefined) line += ` room=${JSON.stringify(event.room)}`;
  if (event.conn !== undefined) line += ` conn=${JSON.stringify(event.conn)}`;
  if (event.username !== undefined) {
    line += ` username=${JSON.stringify(event.username)}`;
  }
  if (event.detail !== undefined) {
    line += ` detail=${JSON.stringify(event.detail)}`;
  }
  return line;
}

/**
 * Collects event lines and writes them at most every {@link LOG_FLUSH_MS}.
 * Owns its timer; `close()` writes what is left.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EventLog } from "./event_log.ts";
 * const written: string[] = [];
 * const log = new EventLog((text) => written.push(text), () => 0);
 * log.add({ event: "room created", room: "ABCD" });
 * log.add({ event: "game started", room: "ABCD" });
 * log.close();
 * assert.equal(written.length, 1);
 * assert.equal(written[0].split("\n").length, 2);
 * ```
 */
export class EventLog {
  #lines: string[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  /**
   * @param write Writes a block of lines (without a trailing newline).
   * @param now Current time in ms. @default Date.now
   */
  constructor(
    private readonly write: (text: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds one event; it is written within {@link LOG_FLUSH_MS}. */
  add(event: LogEvent): void {
    if (this.#closed) return;
    this.#lines.push(formatEvent(event, this.now()));
    if (this.#lines.length >= LOG_MAX_BATCH) {
      this.flush();
    } else {
      this.#timer ??= setTimeout(() => this.flush(), LOG_FLUSH_MS);
    }
  }

  /** Writes every waiting line now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#lines.length === 0) return;
    const text = this.#lines.join("\n");
    this.#lines = [];
    this.write(text);
  }

  /** Writes what is left and stops the timer. Idempotent. */
  close(): void {
    this.flush();
    this.#closed = true;
  }
}
