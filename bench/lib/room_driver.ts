/**
 * Drives synthetic rooms against a signaling server: a host socket that
 * answers every offer at once with an answer and 4 candidates, and players
 * that join with an offer and 4 candidates. No WebRTC: the signals are
 * {@link SAMPLE_OFFER}-style constants, so only the server's work is timed.
 *
 * @module
 */
import { DIALECTS, type Frame, type SystemId } from "./dialects.ts";
import {
  SAMPLE_ANSWER,
  SAMPLE_CANDIDATES,
  SAMPLE_OFFER,
} from "./sample_signals.ts";
import { type ClientSocket, openSocket } from "./ws_client.ts";

/** A join that takes longer than this fails, in ms. */
export const JOIN_TIMEOUT_MS = 10_000;

/** A finished join. */
export interface JoinOutcome {
  /** From opening the player's socket to the last candidate, in ms. */
  latencyMs: number;
  /** The player's socket, still open unless the join was asked to close it. */
  socket: ClientSocket;
}

interface PendingJoin {
  /** Candidates expected each way. */
  candidates: number;
  hostCandidates: number;
  playerCandidates: number;
  gotAnswer: boolean;
  finish: () => void;
}

function isComplete(join: PendingJoin): boolean {
  return join.gotAnswer &&
    join.playerCandidates === join.candidates &&
    join.hostCandidates === join.candidates;
}

/** Makes ids unique within one process (peer ids, player names). */
export class IdSource {
  #next = 0;
  /** A new id: `prefix` and a base-36 counter. */
  next(prefix: string): string {
    return `${prefix}${(this.#next++).toString(36)}`;
  }
}

/** One room with a synthetic host on a server. */
export class BenchRoom {
  readonly #system: SystemId;
  readonly #baseUrl: string;
  readonly #ids: IdSource;
  readonly #playerUrls: readonly string[];
  readonly #followMoves: boolean;
  readonly #pending = new Map<string, PendingJoin>();
  #host?: ClientSocket;
  #room = "";
  #nextPlayerUrl = 0;
  /** Called with each relayed message a player of this room receives. */
  #onPlayerRelay: (data: unknown) => void = () => {};

  private constructor(
    system: SystemId,
    baseUrl: string,
    ids: IdSource,
    playerUrls: readonly string[],
    followMoves: boolean,
  ) {
    this.#system = system;
    this.#baseUrl = baseUrl;
    this.#ids = ids;
    this.#followMoves = followMoves;
    this.#playerUrls = playerUrls.length > 0 ? playerUrls : [baseUrl];
  }

  /**
   * Connects a host and creates its room.
   *
   * @param system Which server protocol to speak.
   * @param baseUrl `ws://127.0.0.1:<port>`.
   * @param ids Id source shared by every room of this run.
   * @param playerUrls Where players connect, in turn (other instances of a
   * cluster). @default the host's `baseUrl`
   * @param followMoves Players declare that they follow a move to the
   * room's owner, and do (ours: `canMove`, then `moveTo`). @default false
   * @returns The room, ready for joins.
   */
  static async open(
    system: SystemId,
    baseUrl: string,
    ids: IdSource,
    playerUrls: readonly string[] = [],
    followMoves = false,
  ): Promise<BenchRoom> {
    const room = new BenchRoom(system, baseUrl, ids, playerUrls, followMoves);
    await room.#connectHost();
    return room;
  }

  async #connectHost(): Promise<void> {
    const dialect = DIALECTS[this.#system];
    const hostId = this.#ids.next("h");
    const { promise: ready, resolve } = Promise.withResolvers<string>();
    const onFrame = (frame: Frame) => {
      const confirmed = dialect.roomFrom(frame, hostId);
      if (confirmed !== undefined) return resolve(confirmed);
      const relayed = dialect.hostRelayInbound?.(frame);
      if (relayed && this.#host && dialect.hostRelay) {
        // Echo: the round trip is player → server → host → server → player.
        this.#host.send(dialect.hostRelay(relayed.player, relayed.data));
        return;
      }
      const inbound = dialect.hostInbound(frame);
      if (!inbound || !this.#host) return;
      const join = this.#pending.get(inbound.player);
      if (!join) return;
      if (inbound.data.type === "offer") {
        const room = this.#room;
        this.#host.send(
          dialect.hostSignal(room, inbound.player, SAMPLE_ANSWER),
        );
        for (const candidate of SAMPLE_CANDIDATES.slice(0, join.candidates)) {
          this.#host.send(dialect.hostSignal(room, inbound.player, candidate));
        }
      } else if (inbound.data.type === "candidate") {
        join.hostCandidates++;
        if (isComplete(join)) join.finish();
      }
    };
    this.#host = await openSocket(
      `${this.#baseUrl}${dialect.hostPath(hostId)}`,
      { onFrame },
    );
    const create = dialect.createRoom();
    if (create) this.#host.send(create);
    this.#room = await ready;
  }

  /**
   * One player joins: socket, offer, answer, 4 candidates each way.
   *
   * @param keepOpen Leave the player's socket open afterwards.
   * @param trickle Send 4 candidates each way after offer and answer; without
   * them the join ends at the answer.
   * @returns The latency and the socket.
   * @throws {Error} When the join fails or takes over {@link JOIN_TIMEOUT_MS}.
   */
  async join(keepOpen: boolean, trickle = true): Promise<JoinOutcome> {
    const dialect = DIALECTS[this.#system];
    const room = this.#room;
    const playerId = this.#ids.next("p");
    const url =
      this.#playerUrls[this.#nextPlayerUrl++ % this.#playerUrls.length];
    const started = performance.now();
    const { promise: done, resolve: finish } = Promise.withResolvers<void>();
    const join: PendingJoin = {
      hostCandidates: 0,
      playerCandidates: 0,
      gotAnswer: false,
      candidates: trickle ? SAMPLE_CANDIDATES.length : 0,
      finish,
    };
    this.#pending.set(playerId, join);
    // Ends whichever wait is current (the join may move to another socket).
    const timeout = setTimeout(() => join.finish(), JOIN_TIMEOUT_MS);
    let socket: ClientSocket | undefined;
    let moved: string | undefined;
    const canMove = this.#followMoves && dialect.moveFrom !== undefined;
    const sendCandidates = (open: ClientSocket) => {
      if (!trickle) return;
      for (const candidate of SAMPLE_CANDIDATES) {
        open.send(dialect.playerSignal(room, playerId, candidate));
      }
    };
    const connect = (at: string, first: boolean) =>
      openSocket(`${at}${first ? dialect.playerPath(playerId) : ""}`, {
        onOpen: (open) => {
          open.send(dialect.join(room, playerId, SAMPLE_OFFER, canMove));
          // A player that may be moved sends its candidates once it knows
          // where it is (as the phone does); on the owner, at once.
          if (!canMove || !first) sendCandidates(open);
        },
        onFrame: (frame) => {
          if (canMove && first && moved === undefined) {
            moved = dialect.moveFrom?.(frame);
            if (moved !== undefined) return join.finish();
            moved = "";
            if (socket) sendCandidates(socket);
          }
          const relayed = dialect.playerRelayInbound?.(frame);
          if (relayed !== undefined) return this.#onPlayerRelay(relayed);
          const data = dialect.playerInbound(frame);
          if (!data) return;
          if (data.type === "answer") join.gotAnswer = true;
          else if (data.type === "candidate") join.playerCandidates++;
          if (isComplete(join)) join.finish();
        },
      });
    try {
      socket = await connect(url, true);
      await done;
      if (moved) {
        // Told to join at the room's owner: leave this instance, go there.
        socket.close();
        const { promise, resolve } = Promise.withResolvers<void>();
        join.finish = resolve;
        socket = await connect(moved, false);
        await promise;
      }
      if (!isComplete(join)) throw new Error(`join ${playerId} timed out`);
      const latencyMs = performance.now() - started;
      if (!keepOpen) {
        socket.close();
        await socket.closed;
      }
      return { latencyMs, socket };
    } catch (error) {
      socket?.close();
      throw error;
    } finally {
      clearTimeout(timeout);
      this.#pending.delete(playerId);
    }
  }

  /**
   * Sequential relay round trips (player → server → host → server →
   * player, the `relay` action) from one new player, `gapMs` apart so the
   * per-socket rate limit is never reached.
   *
   * @param count Round trips measured, after 10 warm-up ones.
   * @param gapMs Pause between round trips, in ms.
   * @returns Each round trip's time, in ms.
   * @throws {Error} When the system has no relay or a trip takes over
   * {@link JOIN_TIMEOUT_MS}.
   */
  async relayRoundTrips(count: number, gapMs: number): Promise<number[]> {
    const dialect = DIALECTS[this.#system];
    const playerRelay = dialect.playerRelay;
    if (!playerRelay) throw new Error(`${this.#system} has no relay`);
    const { socket } = await this.join(true, false);
    const times: number[] = [];
    try {
      for (let i = -10; i < count; i++) {
        const { promise, resolve } = Promise.withResolvers<boolean>();
        this.#onPlayerRelay = (data) => {
          if ((data as { id?: unknown }).id === i) resolve(true);
        };
        const timer = setTimeout(() => resolve(false), JOIN_TIMEOUT_MS);
        const started = performance.now();
        socket.send(playerRelay({ t: "ping", id: i }));
        const answered = await promise;
        clearTimeout(timer);
        if (!answered) throw new Error(`relay round trip ${i} timed out`);
        if (i >= 0) times.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, gapMs));
      }
      return times;
    } finally {
      this.#onPlayerRelay = () => {};
      socket.close();
      await socket.closed;
    }
  }

  /** Closes the host's socket and waits for the close. */
  async close(): Promise<void> {
    this.#host?.close();
    await this.#host?.closed;
  }
}

/**
 * Runs `count` tasks with at most `lanes` at once.
 *
 * @param count How many tasks.
 * @param lanes How many at once.
 * @param task Runs task number `index`.
 */
export async function inLanes(
  count: number,
  lanes: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let started = 0;
  const lane = async () => {
    while (started < count) await task(started++);
  };
  await Promise.all(Array.from({ length: Math.min(lanes, count) }, lane));
}
