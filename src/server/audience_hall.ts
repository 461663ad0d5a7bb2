/**
 * The audience of every room on this server: phones that watch and vote.
 * The host never talks to them: it sends the server a small update at most
 * twice a second and a vote prompt now and then; the hall serialises each
 * update once and sends the same text to every member of the room. The
 * hall counts votes (one per member per prompt, whatever it sends; votes
 * after the close or from a member who left don't count; see the rules in
 * `src/game/vote.ts`) and reactions (a budget per member), and sends the
 * host only tallies, at most twice a second.
 *
 * @module
 */
import type {
  AudienceView,
  ReactionKind,
  RoomClosedReason,
  ServerMessage,
  VotePromptView,
} from "../protocol/mod.ts";
import type { Connection } from "./room.ts";
import { takeToken } from "./rate_limiter.ts";

/** Shortest time between two tallies to a host, and two updates to the audience, ms. */
export const AUDIENCE_TICK_MS = 500;
/** Shortest time between two vote prompts of one room, ms. */
export const MIN_PROMPT_GAP_MS = 10_000;

/** The hall's limits (see `Config`). */
export interface AudienceLimits {
  /** Members in one room at once. */
  audienceMaxPerRoom: number;
  /** Members on this server at once. */
  audienceMaxTotal: number;
  /** Reactions per member per second, sustained. */
  audienceReactionsPerSecond: number;
  /** Reactions per member in a burst. */
  audienceReactionBurst: number;
}

/** A connection that can also send text serialised once for many. */
export interface AudienceConnection extends Connection {
  /** Sends a frame already serialised (the fan-out's one serialisation). */
  sendText?(text: string): void;
  /** The instance of a socket held by another instance (a bus stand-in). */
  readonly instance?: string;
}

/** Options of {@link AudienceHall}. */
export interface AudienceHallOptions {
  /** Limits. */
  limits: AudienceLimits;
  /** Sends a message to a room's host (when it is connected). */
  sendHost: (code: string, msg: ServerMessage) => void;
  /** Current time in ms. @default performance.now */
  now?: () => number;
  /** Wraps a timer callback (the server's fault boundary). @default as is */
  wrap?: (fn: () => void) => () => void;
}

/** Why a watch was refused. */
export type WatchRefusal = { val: "audience full"; count?: number };

/** What a vote came to. */
export type VoteOutcome =
  | { ok: true; option: number }
  | { ok: false; val: "vote closed" | "bad option"; count?: number };

interface Member {
  conn: AudienceConnection;
  name: string;
  /** Reaction budget (token bucket level and when it was brought up to date). */
  tokens: number;
  tokensAt: number;
}

interface Prompt {
  view: VotePromptView;
  open: boolean;
  /** Counted votes by member; -1 once the member left. */
  votes: Map<string, { option: number; seq: number }>;
  /** Arrival numbers of the counted votes of each option, in order. */
  seqs: number[][];
  nextSeq: number;
}

interface RoomAudience {
  code: string;
  members: Map<string, Member>;
  /** The latest update and its serialised frame. */
  state: AudienceView | null;
  stateText: string | null;
  /** An update held back to keep to two a second. */
  pendingState: AudienceView | null;
  lastUpdateAt: number;
  updateTimer: ReturnType<typeof setTimeout> | undefined;
  prompt: Prompt | null;
  lastPromptAt: number;
  reactions: Map<ReactionKind, number>;
  /** Something changed since the last tally. */
  dirty: boolean;
  /** The next tally is the one after a close. */
  final: boolean;
  lastTallyAt: number;
  tallyTimer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Every room's audience on this server.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AudienceHall } from "./audience_hall.ts";
 * import { DEFAULTS } from "./config.ts";
 * const toHost: unknown[] = [];
 * const hall = new AudienceHall({ limits: DEFAULTS, sendHost: (_c, m) => toHost.push(m) });
 * const seen: unknown[] = [];
 * hall.watch("ABCD", { id: "a", send: (m) => seen.push(m), close() {} }, "Ann");
 * hall.prompt("ABCD", { id: 1, about: "event", options: ["rain", "rush_hour"], openMs: 15000 });
 * assert.deepEqual(hall.vote("ABCD", "a", 1, 0), { ok: true, option: 0 });
 * assert.deepEqual(hall.vote("ABCD", "a", 1, 1), { ok: true, option: 0 });
 * hall.closeRoom("ABCD");
 * ```
 */
export class AudienceHall {
  readonly #limits: AudienceLimits;
  readonly #sendHost: (code: string, msg: ServerMessage) => void;
  readonly #now: () => number;
  readonly #wrap: (fn: () => void) => () => void;
  readonly #rooms = new Map<string, RoomAudience>();
  #total = 0;
  /**
   * Sends one message for every member of a room on another instance (the
   * room bus: one envelope per instance). Unset: such members are sent to
   * one by one.
   */
  relay:
    | ((instance: string, code: string, msg: ServerMessage) => void)
    | undefined;

  constructor(options: AudienceHallOptions) {
    this.#limits = options.limits;
    this.#sendHost = options.sendHost;
    this.#now = options.now ?? (() => performance.now());
    this.#wrap = options.wrap ?? ((fn) => fn);
  }

  /** Members on this server. */
  get total(): number {
    return this.#total;
  }

  /** Members watching a room. */
  size(code: string): number {
    return this.#rooms.get(code)?.members.size ?? 0;
  }

  /**
   * Adds a member to a room's audience and tells it what is going on.
   * Refused when the room's audience or the server's is full.
   */
  watch(
    code: string,
    conn: AudienceConnection,
    name: string,
  ): WatchRefusal | null {
    const limits = this.#limits;
    if (this.#total >= limits.audienceMaxTotal) return { val: "audience full" };
    const room = this.#room(code);
    if (room.members.size >= limits.audienceMaxPerRoom) {
      if (room.members.size === 0) this.#rooms.delete(code);
      return { val: "audience full", count: room.members.size };
    }
    room.members.set(conn.id, {
      conn,
      name,
      tokens: limits.audienceReactionBurst,
      tokensAt: this.#now(),
    });
    this.#total++;
    const voted = room.prompt?.open
      ? room.prompt.votes.get(conn.id)?.option ?? null
      : null;
    conn.send({
      type: "watching",
      room: code,
      name,
      state: room.state,
      prompt: room.prompt?.open ? room.prompt.view : null,
      voted: voted !== null && voted >= 0 ? voted : null,
    });
    this.#changed(room);
    return null;
  }

  /** A member left (or its socket closed): its vote no longer counts. */
  leave(code: string, connId: string): void {
    const room = this.#rooms.get(code);
    if (!room || !room.members.delete(connId)) return;
    this.#total--;
    const prompt = room.prompt;
    const vote = prompt?.votes.get(connId);
    if (prompt && vote && vote.option >= 0) {
      const list = prompt.seqs[vote.option];
      const at = list.indexOf(vote.seq);
      if (at >= 0) list.splice(at, 1);
      prompt.votes.set(connId, { option: -1, seq: -1 });
    }
    this.#changed(room);
  }

  /**
   * A member's vote: counted once per prompt (a later vote answers with
   * the counted one); refused after the close, for another prompt, or for
   * an option the prompt does not have.
   */
  vote(
    code: string,
    connId: string,
    promptId: number,
    option: number,
  ): VoteOutcome {
    const room = this.#rooms.get(code);
    const prompt = room?.prompt;
    if (!room || !room.members.has(connId)) {
      return { ok: false, val: "vote closed" };
    }
    if (!prompt || !prompt.open || prompt.view.id !== promptId) {
      return { ok: false, val: "vote closed" };
    }
    const before = prompt.votes.get(connId);
    if (before) {
      return before.option >= 0
        ? { ok: true, option: before.option }
        : { ok: false, val: "vote closed" };
    }
    if (option >= prompt.seqs.length) {
      return { ok: false, val: "bad option", count: prompt.seqs.length };
    }
    const seq = prompt.nextSeq++;
    prompt.votes.set(connId, { option, seq });
    prompt.seqs[option].push(seq);
    this.#changed(room);
    return { ok: true, option };
  }

  /** A member's reaction, counted when within its budget. */
  react(code: string, connId: string, kind: ReactionKind): boolean {
    const room = this.#rooms.get(code);
    const member = room?.members.get(connId);
    if (!room || !member) return false;
    const limits = this.#limits;
    if (
      !takeToken(
        member,
        limits.audienceReactionsPerSecond,
        limits.audienceReactionBurst,
        this.#now(),
      )
    ) return false;
    room.reactions.set(kind, (room.reactions.get(kind) ?? 0) + 1);
    this.#changed(room);
    return true;
  }

  /**
   * The host's update: sent to every member, serialised once, at most
   * twice a second (a quicker one waits and the latest is sent).
   */
  update(code: string, state: AudienceView): void {
    const room = this.#room(code);
    room.pendingState = state;
    if (room.updateTimer !== undefined) return;
    const wait = room.lastUpdateAt + AUDIENCE_TICK_MS - this.#now();
    if (wait <= 0) return this.#flushUpdate(room);
    room.updateTimer = setTimeout(
      this.#wrap(() => {
        room.updateTimer = undefined;
        this.#flushUpdate(room);
      }),
      wait,
    );
  }

  /**
   * The host opens a vote: every member is shown it. Refused (false) when
   * it comes sooner than {@link MIN_PROMPT_GAP_MS} after the last one.
   */
  prompt(code: string, view: VotePromptView): boolean {
    const room = this.#room(code);
    const now = this.#now();
    if (room.prompt && now - room.lastPromptAt < MIN_PROMPT_GAP_MS) {
      return false;
    }
    room.lastPromptAt = now;
    room.prompt = {
      view,
      open: true,
      votes: new Map(),
      seqs: view.options.map(() => []),
      nextSeq: 0,
    };
    this.#fanOut(
      room,
      JSON.stringify({ type: "audiencePrompt", prompt: view }),
    );
    this.#changed(room);
    return true;
  }

  /** The host closes a vote: later votes don't count; a final tally follows. */
  close(code: string, promptId: number): boolean {
    const room = this.#rooms.get(code);
    const prompt = room?.prompt;
    if (!room || !prompt || !prompt.open || prompt.view.id !== promptId) {
      return false;
    }
    prompt.open = false;
    room.final = true;
    this.#fanOut(
      room,
      JSON.stringify({ type: "audiencePrompt", prompt: null }),
    );
    this.#changed(room);
    return true;
  }

  /**
   * The room closed: every member is told and forgotten.
   * @returns the members' connection ids
   */
  closeRoom(
    code: string,
    reason: RoomClosedReason = "host left",
    message = "The game is over.",
  ): string[] {
    const room = this.#rooms.get(code);
    if (!room) return [];
    this.#rooms.delete(code);
    clearTimeout(room.tallyTimer);
    clearTimeout(room.updateTimer);
    const ids = [...room.members.keys()];
    this.#total -= ids.length;
    this.#fanOut(
      room,
      JSON.stringify({ type: "roomClosed", reason, message }),
    );
    room.members.clear();
    return ids;
  }

  /** Stops every timer (server shutdown). */
  dispose(): void {
    for (const code of [...this.#rooms.keys()]) this.closeRoom(code);
  }

  #room(code: string): RoomAudience {
    let room = this.#rooms.get(code);
    if (!room) {
      room = {
        code,
        members: new Map(),
        state: null,
        stateText: null,
        pendingState: null,
        lastUpdateAt: -Infinity,
        updateTimer: undefined,
        prompt: null,
        lastPromptAt: -Infinity,
        reactions: new Map(),
        dirty: false,
        final: false,
        lastTallyAt: -Infinity,
        tallyTimer: undefined,
      };
      this.#rooms.set(code, room);
    }
    return room;
  }

  #flushUpdate(room: RoomAudience): void {
    const state = room.pendingState;
    if (!state || this.#rooms.get(room.code) !== room) return;
    room.pendingState = null;
    room.lastUpdateAt = this.#now();
    room.state = state;
    room.stateText = JSON.stringify({ type: "audienceUpdate", state });
    this.#fanOut(room, room.stateText);
  }

  /**
   * Sends one serialised frame to every member of a room: local sockets
   * get the same text; members on other instances one message per instance.
   */
  #fanOut(room: RoomAudience, text: string): void {
    let msg: ServerMessage | undefined;
    const relay = this.relay;
    let instances: Set<string> | undefined;
    for (const member of room.members.values()) {
      const conn = member.conn;
      if (relay && conn.instance !== undefined) {
        (instances ??= new Set()).add(conn.instance);
      } else if (conn.sendText) conn.sendText(text);
      else conn.send(msg ??= JSON.parse(text) as ServerMessage);
    }
    if (!instances || !relay) return;
    msg ??= JSON.parse(text) as ServerMessage;
    for (const instance of instances) relay(instance, room.code, msg);
  }

  /** Something the host's tally shows changed: a tally now or at the next tick. */
  #changed(room: RoomAudience): void {
    room.dirty = true;
    if (room.tallyTimer !== undefined) return;
    const wait = room.lastTallyAt + AUDIENCE_TICK_MS - this.#now();
    if (wait <= 0) return this.#flushTally(room);
    room.tallyTimer = setTimeout(
      this.#wrap(() => {
        room.tallyTimer = undefined;
        this.#flushTally(room);
      }),
      wait,
    );
  }

  #flushTally(room: RoomAudience): void {
    if (!room.dirty || this.#rooms.get(room.code) !== room) return;
    room.dirty = false;
    room.lastTallyAt = this.#now();
    const prompt = room.prompt;
    const reactions: Partial<Record<ReactionKind, number>> = {};
    for (const [kind, n] of room.reactions) reactions[kind] = n;
    room.reactions.clear();
    const final = room.final;
    room.final = false;
    this.#sendHost(room.code, {
      type: "audienceTally",
      promptId: prompt ? prompt.view.id : null,
      counts: prompt ? prompt.seqs.map((s) => s.length) : [],
      reached: prompt ? prompt.seqs.map((s) => s.at(-1) ?? -1) : [],
      final,
      reactions,
      watching: room.members.size,
    });
    if (room.members.size === 0 && room.prompt === null && !room.state) {
      this.#rooms.delete(room.code);
    }
  }
}
