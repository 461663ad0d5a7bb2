/**
 * The exception boundary every entry from outside goes through (socket
 * events, frame routing, timers, bus delivery, HTTP): a throw there is a bug,
 * and a bug costs at most the one socket or room involved, never the
 * process. The boundary reports each fault once (to the log and the
 * `pizza_internal_errors_total` metric, through `report`) and tells its
 * owner when one room keeps throwing, so the owner can close that room.
 *
 * @module
 */

/** Where a fault happened and whom it concerns. */
export interface FaultContext {
  /** The entry, e.g. "socket message", "sweep timer", "bus delivery". */
  where: string;
  /** The client address involved, when one is. */
  address?: string;
  /** The connection involved, when one is. */
  connId?: string;
  /** The room involved, when one is. */
  room?: string;
}

/** One caught fault. */
export interface Fault extends FaultContext {
  /** What was thrown. */
  error: unknown;
}

/** Options of {@link FaultBoundary}. */
export interface FaultBoundaryOptions {
  /** Called once per fault (log it, count it). Its own throws are swallowed. */
  report: (fault: Fault) => void;
  /** Called when one room faulted `roomFaultLimit` times within `roomFaultWindowMs`. */
  onRoomFaulting?: (room: string) => void;
  /** Faults of one room that close it. @default 3 */
  roomFaultLimit?: number;
  /** The window those faults must fall in, in ms. @default 60000 */
  roomFaultWindowMs?: number;
  /** Current time in ms. @default Date.now */
  now?: () => number;
  /**
   * The room a connection is in, to name it in a fault that names only the
   * connection (so a room's faults are counted against it).
   * @default none
   */
  roomOf?: (connId: string) => string | undefined;
  /**
   * Called at each entry before its work, with its context: the seam tests
   * inject faults through (it throws for the socket, room or entry they
   * pick). @default none
   */
  probe?: (context: FaultContext) => void;
}

/** Rooms whose recent faults are remembered, at most (oldest forgotten first). */
const MAX_FAULTING_ROOMS = 1_000;

/**
 * Runs callbacks so that a throw (or a rejected promise) is reported instead
 * of reaching the runtime.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FaultBoundary } from "./fault_boundary.ts";
 * const seen: string[] = [];
 * const boundary = new FaultBoundary({ report: (f) => seen.push(f.where) });
 * const value = boundary.run({ where: "socket message" }, () => {
 *   throw new Error("bug");
 * });
 * assert.equal(value, undefined);
 * assert.deepEqual(seen, ["socket message"]);
 * assert.equal(boundary.faults, 1);
 * ```
 */
export class FaultBoundary {
  readonly #report: (fault: Fault) => void;
  readonly #onRoomFaulting: (room: string) => void;
  readonly #roomFaultLimit: number;
  readonly #roomFaultWindowMs: number;
  readonly #now: () => number;
  readonly #roomOf: (connId: string) => string | undefined;
  /** The fault-injection seam (see {@link FaultBoundaryOptions.probe}). */
  readonly probe: ((context: FaultContext) => void) | undefined;
  /** Recent fault times per room, oldest room first (Map keeps insertion order). */
  readonly #roomFaults = new Map<string, number[]>();
  #faults = 0;

  /** @param options What to do with a fault. */
  constructor(options: FaultBoundaryOptions) {
    const {
      report,
      onRoomFaulting = () => {},
      roomFaultLimit = 3,
      roomFaultWindowMs = 60_000,
      now = Date.now,
      roomOf = () => undefined,
      probe,
    } = options;
    this.#roomOf = roomOf;
    this.probe = probe;
    this.#report = report;
    this.#onRoomFaulting = onRoomFaulting;
    this.#roomFaultLimit = roomFaultLimit;
    this.#roomFaultWindowMs = roomFaultWindowMs;
    this.#now = now;
  }

  /** Faults caught since start (`pizza_internal_errors_total`). */
  get faults(): number {
    return this.#faults;
  }

  /**
   * Runs `fn`; a throw is reported and `undefined` returned. A returned
   * promise that rejects is reported too. `onFault` then pays for the fault
   * (e.g. closes the one socket involved); its own throw is reported.
   */
  run<T>(
    context: FaultContext,
    fn: () => T,
    onFault?: () => void,
  ): T | undefined {
    try {
      this.probe?.(context);
      const value = fn();
      if (value instanceof Promise) {
        value.catch((error: unknown) => this.fault(context, error, onFault));
      }
      return value;
    } catch (error) {
      this.fault(context, error, onFault);
      return undefined;
    }
  }

  /** A callback that runs `fn` inside this boundary (for timers and listeners). */
  wrap<A extends unknown[]>(
    context: FaultContext,
    fn: (...args: A) => unknown,
  ): (...args: A) => void {
    return (...args: A) => {
      this.run(context, () => fn(...args));
    };
  }

  /**
   * Reports a fault caught elsewhere (e.g. in a promise chain), then runs
   * `onFault` (see {@link run}).
   */
  fault(context: FaultContext, error: unknown, onFault?: () => void): void {
    this.#faults++;
    let room = context.room;
    try {
      if (room === undefined && context.connId !== undefined) {
        room = this.#roomOf(context.connId);
      }
      this.#report(
        room === undefined ? { ...context, error } : {
          ...context,
          room,
          error,
        },
      );
    } catch {
      // A broken reporter must not turn one fault into a crash.
    }
    if (onFault) {
      try {
        onFault();
      } catch (again) {
        this.#faults++;
        try {
          this.#report({
            ...context,
            where: `${context.where} (after a fault)`,
            error: again,
          });
        } catch {
          // As above.
        }
      }
    }
    if (room !== undefined) this.#countRoomFault(room);
  }

  #countRoomFault(room: string): void {
    const now = this.#now();
    const times = (this.#roomFaults.get(room) ?? []).filter((t) =>
      now - t < this.#roomFaultWindowMs
    );
    times.push(now);
    this.#roomFaults.delete(room);
    if (times.length >= this.#roomFaultLimit) {
      try {
        this.#onRoomFaulting(room);
      } catch (error) {
        this.#faults++;
        try {
          this.#report({ where: "closing a faulting room", room, error });
        } catch {
          // As above.
        }
      }
      return;
    }
    this.#roomFaults.set(room, times);
    if (this.#roomFaults.size > MAX_FAULTING_ROOMS) {
      const oldest = this.#roomFaults.keys().next().value;
      if (oldest !== undefined) this.#roomFaults.delete(oldest);
    }
  }
}
