/**
 * The host's game controller: owns the rules engine's state, turns phone
 * messages into engine commands, steps the engine each frame, drives bots and
 * produces what each phone must be sent (its view when it changed, its
 * feedback). No Phaser, no DOM: the scene draws `state`, the page wires the
 * peer hub to it, and tests drive it directly.
 *
 * @module
 */
import type { HostMessage, PhoneMessage, PlayerView } from "../protocol/mod.ts";
import { botCommands, type BotTeam, createBotTeam } from "../bots/mod.ts";
import {
  createGame,
  disconnectPlayer,
  type EngineResult,
  englishSay,
  type GameEvent,
  type GameState,
  joinPlayer,
  leavePlayer,
  MAX_PLAYERS,
  type Phase,
  type PlayerCommand,
  type PlayerView as EngineView,
  playerView,
  reconnectPlayer,
  restartGame,
  type Say,
  setDifficulty,
  setDropIn,
  startGame,
} from "../game/mod.ts";
import {
  closeAudienceVote,
  openTownVote,
  step,
  type Tally,
} from "../game/mod.ts";
import type { RestoredGame } from "./saved_game.ts";

/** Prefix of bot ids: a control character, which no phone name may contain. */
export const BOT_ID_PREFIX = "\u0001bot";
/** How many players "Fill with bots" brings the game up to. */
export const DEFAULT_BOT_FILL = 4;
/** Display names given to bots, in order. */
export const BOT_NAMES: readonly string[] = [
  "Robo Rosa",
  "Chip Chef",
  "Bolt Basil",
  "Gizmo Gigi",
  "Servo Sal",
  "Widget Vito",
  "Rusty Ricotta",
  "Beep Bianca",
  "Cog Carlo",
  "Dial Dora",
  "Nano Nino",
  "Pixel Pia",
];

/** Options of a {@link HostGame}. */
export interface HostGameOptions {
  /**
   * Seed of the first town.
   * @default 1
   */
  seed?: number;
  /**
   * Round length in ms.
   * @default 360000 (the engine's 6:00)
   */
  roundLengthMs?: number;
  /** How often the audience's event vote opens, ms (see `GameOptions`). */
  voteEveryMs?: number;
  /**
   * Whether a phone may join mid-round as a drop-in (the engine's setting).
   * @default true
   */
  dropIn?: boolean;
}

/** A message for one phone. */
export interface Outgoing {
  /** Player id (the signaling username). */
  to: string;
  /** What to send. */
  message: HostMessage;
}

/** What one {@link HostGame.frame} produced. */
export interface FrameResult {
  /** Every engine event of this frame (and of calls since the last frame). */
  events: GameEvent[];
  /** Messages to send, in order. */
  outbox: Outgoing[];
  /** Phase before the frame's events, to spot lobby → playing. */
  phaseBefore: Phase;
}

/** Outcome of {@link HostGame.join}. */
export type JoinOutcome = "joined" | "reconnected" | "known" | "refused";

/**
 * Owns one game for the host page.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HostGame } from "./host_game.ts";
 * const game = new HostGame({ seed: 3 });
 * assert.equal(game.join("Ann"), "joined");
 * const { outbox } = game.frame(16);
 * assert.ok(outbox.some((o) => o.to === "Ann" && o.message.t === "view"));
 * ```
 */
export class HostGame {
  #state: GameState;
  #commands: PlayerCommand[] = [];
  #events: GameEvent[] = [];
  #sentViews = new Map<string, string>();
  #bots: string[] = [];
  #team: BotTeam | null = null;
  #phaseBefore: Phase;

  /** Creates a game in the lobby. @throws RangeError for a bad round length */
  constructor(options: HostGameOptions = {}) {
    const { seed = 1, roundLengthMs, dropIn, voteEveryMs } = options;
    this.#state = createGame({ seed, roundLengthMs, dropIn, voteEveryMs });
    this.#phaseBefore = this.#state.phase;
  }

  /**
   * A game brought back from a save (see `saved_game.ts`): the same state,
   * bots' memory rebuilt, and every phone marked away, so a running round
   * pauses (timer and deadlines frozen) until each phone reconnects into its
   * own player with {@link HostGame.join} or {@link HostGame.setConnected}.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { HostGame } from "./host_game.ts";
   * const game = new HostGame({ seed: 3 });
   * game.join("Ann");
   * game.start();
   * const copy = HostGame.restore({ room: "ABCD", savedAtMs: 0, state: game.state });
   * assert.equal(copy.state.paused, true);
   * assert.equal(copy.join("Ann"), "reconnected");
   * assert.equal(copy.state.paused, false);
   * ```
   */
  static restore(saved: RestoredGame): HostGame {
    const { state } = saved;
    const game = new HostGame({
      seed: state.town.seed,
      roundLengthMs: state.roundLengthMs,
    });
    game.#state = state;
    game.#phaseBefore = state.phase;
    game.#setBots(
      state.players.map((p) => p.id).filter((id) => game.isBot(id)),
    );
    for (const player of state.players) {
      if (player.connected && !game.isBot(player.id)) {
        game.#apply(disconnectPlayer(game.#state, player.id));
      }
    }
    return game;
  }

  /** The current engine state (read-only: replaced, never mutated). */
  get state(): GameState {
    return this.#state;
  }

  /**
   * Whether a new phone may join now (late friends, GAME.md): in the lobby,
   * at game over (it plays from the next round) and mid-round while drop-in
   * is on; never with the game full. The host page tells the server so.
   */
  get joiningOpen(): boolean {
    const state = this.#state;
    if (state.players.length >= MAX_PLAYERS) return false;
    return state.phase !== "playing" || state.dropIn;
  }

  /** Whether an id belongs to a bot. */
  isBot(id: string): boolean {
    return id.startsWith(BOT_ID_PREFIX);
  }

  /** Ids of the bots in the game. */
  get botIds(): readonly string[] {
    return this.#bots;
  }

  /**
   * A phone appeared (or came back) under `id`: joins it in the lobby, or
   * reconnects the same player (backpack, allergies, VIP kept).
   */
  join(id: string, name: string = id): JoinOutcome {
    const known = this.#state.players.find((p) => p.id === id);
    if (known) {
      this.#sentViews.delete(id);
      if (known.connected) return "known";
      this.#apply(reconnectPlayer(this.#state, id));
      return "reconnected";
    }
    const result = joinPlayer(this.#state, { id, name });
    if (result.error) {
      const say: Say = {
        key: result.error === "room_full"
          ? "error.room_full"
          : "error.game_started",
      };
      this.#events.push({
        type: "feedback",
        playerId: id,
        say,
        text: englishSay(say),
        tone: "bad",
      });
      return "refused";
    }
    this.#apply(result);
    return "joined";
  }

  /** Marks a phone's link as up or down; down pauses a running round. */
  setConnected(id: string, connected: boolean): void {
    const player = this.#state.players.find((p) => p.id === id);
    if (!player || player.connected === connected) {
      if (connected) this.#sentViews.delete(id);
      return;
    }
    this.#sentViews.delete(id);
    this.#apply(
      connected
        ? reconnectPlayer(this.#state, id)
        : disconnectPlayer(this.#state, id),
    );
  }

  /** A player left for good (or was kicked). */
  leave(id: string): void {
    this.#sentViews.delete(id);
    this.#apply(leavePlayer(this.#state, id));
    if (this.isBot(id)) this.#setBots(this.#bots.filter((b) => b !== id));
  }

  /** Applies one validated phone message as engine input (next frame). */
  receive(id: string, message: PhoneMessage): void {
    if (this.isBot(id)) return;
    switch (message.t) {
      case "move":
        this.#commands.push({
          playerId: id,
          input: { type: "move", x: message.x, y: message.y },
        });
        return;
      case "act":
        this.#commands.push({
          playerId: id,
          input: { type: "action", id: message.id },
        });
        return;
      case "leave":
        this.leave(id);
        return;
      default:
        return;
    }
  }

  /** Starts the round from the lobby (host key or click); false when refused. */
  start(): boolean {
    if (this.#state.phase !== "lobby") return false;
    return this.#apply(startGame(this.#state));
  }

  /** New town and round with the connected players; false when refused. */
  restart(): boolean {
    if (this.#state.phase === "lobby") return false;
    const ok = this.#apply(restartGame(this.#state));
    if (ok) this.#setBots(this.#bots);
    return ok;
  }

  /** Closes the audience's open vote with the server's tally (see `audience_feed.ts`). */
  closeAudienceVote(tally: Tally): boolean {
    return this.#apply(closeAudienceVote(this.#state, tally));
  }

  /** Opens the audience's vote on the next town (game over only). */
  openTownVote(): boolean {
    return this.#apply(openTownVote(this.#state));
  }

  /**
   * Lets friends drop in mid-round, or not (the host's toggle); joining in
   * the lobby and at game over stays open either way.
   */
  setDropIn(on: boolean): boolean {
    if (this.#state.dropIn === on) return true;
    return this.#apply(setDropIn(this.#state, on));
  }

  /** Sets the difficulty (lobby or game over); false when refused. */
  setDifficulty(level: number): boolean {
    return this.#apply(setDifficulty(this.#state, level));
  }

  /**
   * Adds bots until the game has `upTo` players (lobby only; at most 12).
   *
   * @returns how many bots joined
   */
  fillWithBots(upTo: number = DEFAULT_BOT_FILL): number {
    if (this.#state.phase !== "lobby") return 0;
    const target = Math.min(MAX_PLAYERS, Math.max(0, Math.floor(upTo)));
    let added = 0;
    let n = 0;
    while (this.#state.players.length < target && n < MAX_PLAYERS * 2) {
      const id = `${BOT_ID_PREFIX}${n}`;
      const name = BOT_NAMES[n % BOT_NAMES.length];
      n++;
      if (this.#state.players.some((p) => p.id === id)) continue;
      if (!this.#apply(joinPlayer(this.#state, { id, name }))) break;
      this.#bots.push(id);
      added++;
    }
    if (added > 0) this.#setBots(this.#bots);
    return added;
  }

  /** Forgets what was sent to a phone, so its next frame sends a full view. */
  resendView(id: string): void {
    this.#sentViews.delete(id);
  }

  /**
   * Steps the engine by `dtMs` with the queued input and the bots' moves,
   * then returns the events and the messages for phones: feedback for its
   * player, and a view for each connected phone whose view changed.
   */
  frame(dtMs: number): FrameResult {
    const phaseBefore = this.#phaseBefore;
    const commands = this.#commands;
    this.#commands = [];
    if (this.#team) commands.push(...botCommands(this.#team, this.#state));
    this.#apply(step(this.#state, commands, dtMs));
    const events = this.#events;
    this.#events = [];
    this.#phaseBefore = this.#state.phase;
    const outbox: Outgoing[] = [];
    const ids = new Set(this.#state.players.map((p) => p.id));
    for (const event of events) {
      if (event.type !== "feedback" || this.isBot(event.playerId)) continue;
      outbox.push({
        to: event.playerId,
        message: { t: "feedback", say: event.say, tone: event.tone },
      });
    }
    for (const player of this.#state.players) {
      if (!player.connected || this.isBot(player.id)) continue;
      const view = playerView(this.#state, player.id);
      if (!view) continue;
      const wire = toWireView(view);
      const key = JSON.stringify(wire);
      if (this.#sentViews.get(player.id) === key) continue;
      this.#sentViews.set(player.id, key);
      outbox.push({ to: player.id, message: { t: "view", view: wire } });
    }
    for (const id of this.#sentViews.keys()) {
      if (!ids.has(id)) this.#sentViews.delete(id);
    }
    return { events, outbox, phaseBefore };
  }

  #apply(result: EngineResult): boolean {
    if (result.error) return false;
    this.#state = result.state;
    this.#events.push(...result.events);
    return true;
  }

  #setBots(ids: readonly string[]): void {
    const present = new Set(this.#state.players.map((p) => p.id));
    this.#bots = ids.filter((id) => present.has(id));
    this.#team = this.#bots.length > 0 ? createBotTeam(this.#bots) : null;
  }
}

/**
 * The engine's view as the wire protocol carries it: the protocol's fields
 * only, every word as data (actions' words and greyed-out reasons as
 * keys with parameters, the allergy exemption and the event by id, the
 * outcome's reason as a code with the round's figures), `outcome` omitted
 * while there is none, with its star grade and the team's stats.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGame, joinPlayer, playerView } from "../game/mod.ts";
 * import { toWireView } from "./host_game.ts";
 * const state = joinPlayer(createGame(), { id: "a", name: "Ann" }).state;
 * const view = toWireView(playerView(state, "a")!);
 * assert.equal(view.name, "Ann");
 * assert.equal("outcome" in view, false);
 * ```
 */
export function toWireView(view: EngineView): PlayerView {
  const wire: PlayerView = {
    ...(view.event ? { event: view.event } : {}),
    name: view.name,
    color: view.color,
    vip: view.vip,
    phase: view.phase,
    difficulty: view.difficulty,
    money: view.money,
    timeLeftMs: view.timeLeftMs,
    strikes: view.strikes,
    backpack: view.backpack.map((item) => ({
      ingredients: [...item.ingredients],
      heat: item.heat,
      baked: item.baked,
      burned: item.burned,
    })),
    allergies: [...view.allergies],
    ...(view.allergyExempt ? { allergyExempt: view.allergyExempt } : {}),
    waiting: view.waiting,
    ...(view.pausedFor.length > 0 ? { pausedFor: [...view.pausedFor] } : {}),
    actions: view.actions.map((a) => ({
      id: a.id,
      say: a.say,
      ...(a.ingredients ? { ingredients: [...a.ingredients] } : {}),
      ...(a.disabled ? { disabled: a.disabled } : {}),
    })),
    inVehicle: view.inVehicle,
  };
  if (view.orders.length > 0) {
    wire.orders = view.orders.map((o) => ({
      ...o,
      ingredients: [...o.ingredients],
    }));
  }
  if (view.outcome) {
    wire.outcome = {
      won: view.outcome.won,
      reason: view.outcome.reason,
      stars: view.outcome.stars,
      delivered: view.figures?.delivered ?? 0,
      players: view.figures?.players ?? 0,
      need: view.figures?.need ?? 0,
    };
  }
  if (view.team.length > 0) {
    wire.team = view.team.map((row) => ({
      name: row.name,
      color: row.color,
      deliveries: row.deliveries,
      moneyEarned: row.moneyEarned,
      walkedTiles: row.walkedTiles,
      drivenTiles: row.drivenTiles,
    }));
  }
  return wire;
}
