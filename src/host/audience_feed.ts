/**
 * The host's side of the audience: what it tells the server (a small update
 * at most twice a second, a vote when the engine opens one, the close when
 * its time is up) and what it makes of the server's tallies (the vote's
 * winner goes into the engine; reactions go to the TV). The host never
 * talks to an audience phone.
 *
 * @module
 */
import { MAX_STRIKES, type Tally, VOTE_OPEN_MS } from "../game/mod.ts";
import type { AudienceEventKind, GameState, TownFlavour } from "../game/mod.ts";
import { ingredientNames } from "../game/items.ts";
import type {
  AudienceServerMessage,
  AudienceView,
  ReactionKind,
  VotePromptView,
} from "../protocol/mod.ts";
import { MAX_AUDIENCE_ORDERS, REACTION_KINDS } from "../protocol/mod.ts";

/** Shortest time between two updates to the server, ms (two a second). */
export const UPDATE_EVERY_MS = 500;
/** How long the host waits for the final tally after closing a vote, ms. */
export const FINAL_TALLY_WAIT_MS = 2_000;
/** How long a reaction bubble's count stays on the TV after its last reaction, ms. */
export const REACTION_SHOWN_MS = 4_000;

/** What the feed sends the server. */
export type AudienceOutgoing =
  | { action: "audienceUpdate"; state: AudienceView }
  | { action: "audiencePrompt"; prompt: VotePromptView }
  | { action: "audienceClose"; promptId: number };

/** The engine calls the feed makes (a `HostGame`). */
export interface AudienceGame {
  /** The game now. */
  readonly state: GameState;
  /** Closes the open vote with a tally. */
  closeAudienceVote(tally: Tally): boolean;
  /** Opens the vote on the next town (game over). */
  openTownVote(): boolean;
}

type TallyMessage = Extract<AudienceServerMessage, { type: "audienceTally" }>;

/** One reaction bubble on the TV: its kind and count. */
export interface ReactionBubble {
  /** Which reaction. */
  kind: ReactionKind;
  /** How many since the bubble appeared. */
  count: number;
}

/**
 * The audience's view of a game state: score, time, strikes, open orders
 * and the event going on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGame } from "../game/mod.ts";
 * import { audienceViewOf } from "./audience_feed.ts";
 * const v = audienceViewOf(createGame({ seed: 1 }));
 * assert.equal(v.phase, "lobby");
 * assert.deepEqual(v.orders, []);
 * ```
 */
export function audienceViewOf(state: GameState): AudienceView {
  const e = state.phase === "playing" ? state.audience.event : null;
  return {
    phase: state.phase,
    paused: state.paused,
    money: state.money,
    timeLeftMs: Math.ceil(state.timeLeftMs / 1000) * 1000,
    strikes: state.strikes,
    maxStrikes: MAX_STRIKES,
    delivered: state.delivered,
    orders: (state.phase === "playing" ? state.orders : []).slice(
      0,
      MAX_AUDIENCE_ORDERS,
    ).map((o) => ({
      ingredients: ingredientNames(o.mask),
      baked: o.needsBaking,
      leftMs: Math.ceil(Math.max(0, o.deadlineMs - state.clockMs) / 1000) *
        1000,
    })),
    event: e
      ? {
        event: e.kind,
        leftMs: Math.ceil(Math.max(0, e.endsMs - state.clockMs) / 1000) * 1000,
      }
      : null,
  };
}

/** The audience's view of the engine's open vote. */
export function promptViewOf(
  prompt: NonNullable<GameState["audience"]["prompt"]>,
): VotePromptView {
  return {
    id: prompt.id,
    about: prompt.about,
    options: prompt.options.map((o) => o as AudienceEventKind | TownFlavour),
    openMs: Math.max(0, prompt.closesMs - prompt.openedMs),
  };
}

/** What the TV's audience panel shows (ids, not words: the TV words them). */
export interface AudienceBoard {
  /** Audience members watching. */
  watching: number;
  /** The open vote with its counts so far, or null. */
  vote: {
    /** What the vote is about: an event now, or the next town. */
    about: "event" | "flavour";
    /** Each option (an event kind or a town flavour) with its votes and share of them (0..1). */
    options: { id: string; count: number; share: number }[];
    /** Seconds left, or null when the vote runs on wall time. */
    leftS: number | null;
  } | null;
  /** The event going on (its kind, the TV announces it), or null. */
  news: AudienceEventKind | null;
  /** Reaction bubbles, one per kind with its count. */
  bubbles: ReactionBubble[];
}

/** The host's audience link: one per room game. */
export class AudienceFeed {
  readonly #send: (msg: AudienceOutgoing) => void;
  #lastUpdateAt = -Infinity;
  #lastUpdateKey = "";
  #sentPromptId = -1;
  #closeSentAt: number | null = null;
  #promptWallAt = 0;
  #tally: TallyMessage | null = null;
  #flavourAsked = false;
  #bubbles = new Map<ReactionKind, { count: number; at: number }>();
  #watching = 0;

  /** @param send Sends a message to the server (dropped while there is no room). */
  constructor(send: (msg: AudienceOutgoing) => void) {
    this.#send = send;
  }

  /** Audience members watching, as of the last tally. */
  get watching(): number {
    return this.#watching;
  }

  /** The latest tally of the open (or just closed) vote, if any. */
  get tally(): TallyMessage | null {
    return this.#tally;
  }

  /** The reaction bubbles to show now, one per kind, in a fixed order. */
  bubbles(nowMs: number): ReactionBubble[] {
    const out: ReactionBubble[] = [];
    for (const kind of REACTION_KINDS) {
      const b = this.#bubbles.get(kind);
      if (!b) continue;
      if (nowMs - b.at > REACTION_SHOWN_MS) this.#bubbles.delete(kind);
      else out.push({ kind, count: b.count });
    }
    return out;
  }

  /** What the TV's audience panel shows now. */
  board(state: GameState, nowMs: number): AudienceBoard {
    const prompt = state.audience.prompt;
    const t = prompt && this.#tally?.promptId === prompt.id
      ? this.#tally
      : null;
    const total = t ? t.counts.reduce((a, b) => a + b, 0) : 0;
    const event = state.phase === "playing" ? state.audience.event : null;
    return {
      watching: this.#watching,
      vote: prompt
        ? {
          about: prompt.about,
          options: prompt.options.map((id, i) => {
            const count = t?.counts[i] ?? 0;
            return { id, count, share: total > 0 ? count / total : 0 };
          }),
          leftS: prompt.about === "event"
            ? Math.max(0, Math.ceil((prompt.closesMs - state.clockMs) / 1000))
            : null,
        }
        : null,
      news: event ? event.kind : null,
      bubbles: this.bubbles(nowMs),
    };
  }

  /** A tally from the server. */
  receive(msg: TallyMessage, nowMs: number): void {
    this.#watching = msg.watching;
    if (msg.promptId !== null) this.#tally = msg;
    for (const kind of REACTION_KINDS) {
      const n = msg.reactions[kind] ?? 0;
      if (n <= 0) continue;
      const b = this.#bubbles.get(kind);
      this.#bubbles.set(kind, { count: (b?.count ?? 0) + n, at: nowMs });
    }
  }

  /**
   * Once per frame: sends the update when due, the vote when the engine
   * opened one, the close when its time is up, and closes the engine's
   * vote with the final tally (or the last one, when the final one does
   * not come within {@link FINAL_TALLY_WAIT_MS}). At game over it opens the
   * vote on the next town, closed after {@link VOTE_OPEN_MS} of wall time.
   */
  frame(game: AudienceGame, nowMs: number): void {
    let state = game.state;
    if (state.phase !== "over") this.#flavourAsked = false;
    else if (!this.#flavourAsked && !state.audience.prompt) {
      this.#flavourAsked = true;
      game.openTownVote();
      state = game.state;
    }
    const prompt = state.audience.prompt;
    // A vote the engine dropped (the round ended): the server closes it too.
    if (
      this.#sentPromptId >= 0 && this.#closeSentAt === null &&
      prompt?.id !== this.#sentPromptId
    ) {
      this.#closeSentAt = nowMs;
      this.#send({ action: "audienceClose", promptId: this.#sentPromptId });
    }
    if (prompt && prompt.id !== this.#sentPromptId) {
      this.#sentPromptId = prompt.id;
      this.#closeSentAt = null;
      this.#promptWallAt = nowMs;
      this.#tally = null;
      this.#send({ action: "audiencePrompt", prompt: promptViewOf(prompt) });
    }
    if (prompt && this.#closeSentAt === null) {
      const due = prompt.about === "event"
        ? state.clockMs >= prompt.closesMs
        : nowMs - this.#promptWallAt >= VOTE_OPEN_MS;
      if (due) {
        this.#closeSentAt = nowMs;
        this.#send({ action: "audienceClose", promptId: prompt.id });
      }
    }
    if (prompt && this.#closeSentAt !== null) {
      const t = this.#tally?.promptId === prompt.id ? this.#tally : null;
      if (t?.final || nowMs - this.#closeSentAt >= FINAL_TALLY_WAIT_MS) {
        game.closeAudienceVote(
          t
            ? { promptId: prompt.id, counts: t.counts, reached: t.reached }
            : { promptId: prompt.id, counts: [], reached: [] },
        );
      }
    }
    if (nowMs - this.#lastUpdateAt >= UPDATE_EVERY_MS) {
      const view = audienceViewOf(game.state);
      const key = JSON.stringify(view);
      if (key !== this.#lastUpdateKey) {
        this.#lastUpdateKey = key;
        this.#lastUpdateAt = nowMs;
        this.#send({ action: "audienceUpdate", state: view });
      }
    }
  }

  /** Closes an open town vote at once with the latest tally (before a restart). */
  settleTownVote(game: AudienceGame): void {
    const prompt = game.state.audience.prompt;
    if (!prompt || prompt.about !== "flavour") return;
    if (this.#closeSentAt === null) {
      this.#send({ action: "audienceClose", promptId: prompt.id });
    }
    const t = this.#tally?.promptId === prompt.id ? this.#tally : null;
    game.closeAudienceVote({
      promptId: prompt.id,
      counts: t?.counts ?? [],
      reached: t?.reached ?? [],
    });
  }
}
