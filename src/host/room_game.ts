/**
 * The game of the host's open room, without a DOM or Phaser: which
 * {@link HostGame} runs, its restore after a page reload, the start guard,
 * the frame loop (step, send each phone its messages, tell the server once
 * the round is on, save), the bot fill, and players coming and going as the
 * peer hub reports them. The host page wires it to the session, the hub, the
 * lobby view and the Phaser scenes.
 *
 * @module
 */
import type {
  HostMessage,
  PhoneMessage,
  ServerMessage,
} from "../protocol/mod.ts";
import { DIFFICULTY_NAMES } from "../game/mod.ts";
import { DEFAULT_BOT_FILL, type FrameResult, HostGame } from "./host_game.ts";
import { FixedStepClock } from "./fixed_step_clock.ts";
import type { HostStatus } from "./host_session.ts";
import type { HubPlayer, PlayerConnectionState } from "./peer_hub.ts";
import { phaseLine } from "./phase_line.ts";
import {
  type AudienceBoard,
  AudienceFeed,
  type AudienceOutgoing,
} from "./audience_feed.ts";
import type { GameSaveStore } from "./saved_game.ts";

/** How a player is connected, for the indicator over their head. */
export type LinkKind = PlayerConnectionState | "bot";

/** Where phones join. */
export interface JoinInfo {
  /** Room code, e.g. "ABCD". */
  room: string;
  /** Join URL shown in the HUD. */
  url: string;
}

/** One row of the host's player list. */
export interface LobbyRow {
  /** Player name. */
  name: string;
  /** `#rrggbb`. */
  color: string;
  /** Shows a crown. */
  vip: boolean;
  /** Connection state pill ("bot" for a bot: nothing to remove or reach). */
  state: LinkKind;
  /** Round-trip time in ms, or null. */
  rttMs: number | null;
}

/** The phones' links as the room game needs them (a {@link PeerHub}). */
export interface PeerLinks {
  /** A player's link, if it has one. */
  player(name: string): HubPlayer | undefined;
  /** Sends a message to one phone; false when it has no open link. */
  send(name: string, message: HostMessage): boolean;
}

/** The signaling side as the room game needs it (a `HostSession`). */
export interface RoomSignal {
  /** The room's status. */
  readonly status: HostStatus;
  /** Sends `startGame` when the round is on, and the audience's messages. */
  send(message: { action: "startGame" } | AudienceOutgoing): void;
}

/** Why {@link RoomGame.start} did nothing. */
export type StartOutcome =
  | "started"
  | "not in lobby"
  | "no room"
  | "no players";

/** What {@link RoomGame.restore} found. */
export type RestoreOutcome =
  | "nothing saved"
  | "restored"
  | "waiting for phones";

/** Options of a {@link RoomGame}. */
export interface RoomGameOptions {
  /** Makes a fresh game (the page's query picks seed and round length). */
  newGame: () => HostGame;
  /** Where the game survives a reload of the page. */
  saves: GameSaveStore;
  /** Called whenever the lobby (player list, phase line) should redraw. */
  onChange?: () => void;
  /** Turns wall-clock readings into engine steps. @default a new FixedStepClock */
  clock?: FixedStepClock;
}

/** The host's open room's game: state and policy of the host page. */
export class RoomGame {
  /** The phones' links; null while there is no room. */
  links: PeerLinks | null = null;
  /** The signaling session; null before the page connected. */
  signal: RoomSignal | null = null;
  #newGame: () => HostGame;
  #saves: GameSaveStore;
  #onChange: () => void;
  #clock: FixedStepClock;
  #game: HostGame;
  #moveCounts = new Map<string, number>();
  #joinInfo: JoinInfo | null = null;
  #started = false;
  #restoreChecked = false;
  #shownPhase = "";
  /** Frame time so far, ms: the audience's clock for wall-time waits. */
  #wallMs = 0;
  /** The audience's link (updates, votes, tallies, reactions). */
  readonly audience = new AudienceFeed((msg) => {
    if (this.signal?.status.kind === "open") this.signal.send(msg);
  });

  /** @param options See {@link RoomGameOptions}. */
  constructor(options: RoomGameOptions) {
    this.#newGame = options.newGame;
    this.#saves = options.saves;
    this.#onChange = options.onChange ?? (() => {});
    this.#clock = options.clock ?? new FixedStepClock();
    this.#game = this.#newGame();
  }

  /** The game being played (read its `state`; never mutate it). */
  get game(): HostGame {
    return this.#game;
  }

  /** Whether the server knows the round started. */
  get started(): boolean {
    return this.#started;
  }

  /** Room code and join URL, or null before a room is open. */
  get joinInfo(): JoinInfo | null {
    return this.#joinInfo;
  }

  /** Joystick messages received from a player. */
  movesOf(name: string): number {
    return this.#moveCounts.get(name) ?? 0;
  }

  /**
   * The host asked for a new room: nothing to restore (other rooms' saves
   * stay, for the tabs that may resume them).
   */
  createRoom(): void {
    this.#restoreChecked = true;
  }

  /**
   * The host resumes a room a closed tab left: its save comes back with the
   * first `confirmRoom`.
   */
  resumeRoom(): void {
    this.#restoreChecked = false;
  }

  /** The room opened (or reopened after a server reconnect). */
  roomOpen(join: JoinInfo, started: boolean): void {
    this.#started = started;
    this.#joinInfo = join;
    this.#changed();
  }

  /**
   * Handles a server message the room game cares about: the first
   * `confirmRoom` of a page load restores the saved game.
   *
   * @returns What a restore found, or undefined when none was tried.
   */
  serverMessage(message: ServerMessage): RestoreOutcome | undefined {
    if (message.type === "gameStarted" && !this.#started) {
      this.#started = true;
      this.#changed();
    }
    if (message.type === "audienceTally") {
      this.audience.receive(message, this.#wallMs);
    }
    if (message.type === "confirmRoom" && !this.#restoreChecked) {
      return this.restore(message);
    }
    return undefined;
  }

  /**
   * After a reload that reclaimed the room: the saved round comes back,
   * paused until every phone is back in its own player. Players who left for
   * good meanwhile (not in the server's room any more) leave the game.
   */
  restore(
    message: Extract<ServerMessage, { type: "confirmRoom" }>,
  ): RestoreOutcome {
    this.#restoreChecked = true;
    const saved = this.#saves.load(message.room);
    if (!saved) return "nothing saved";
    const game = HostGame.restore(saved);
    this.#game = game;
    this.#moveCounts.clear();
    const inRoom = new Set(message.players.map((p) => p.clientUsername));
    for (const player of game.state.players) {
      if (!game.isBot(player.id) && !inRoom.has(player.id)) {
        game.leave(player.id);
      }
    }
    this.#changed();
    return game.state.players.some((p) => !p.connected)
      ? "waiting for phones"
      : "restored";
  }

  /** Saves the game of the open room (throttled unless `force`). */
  save(force: boolean): void {
    if (!this.#restoreChecked || !this.#joinInfo) return;
    this.#saves.save(this.#game.state, this.#joinInfo.room, force);
  }

  /** The room is gone (lost or ended): forget its game and its saved copy. */
  reset(): void {
    if (this.#joinInfo) this.#saves.discard(this.#joinInfo.room);
    this.#game = this.#newGame();
    this.#moveCounts.clear();
    this.#joinInfo = null;
    this.#started = false;
    this.#changed();
  }

  /** A phone's player joined the room (a known one comes back on its link). */
  playerJoined(name: string): void {
    if (!this.#game.state.players.some((p) => p.id === name)) {
      this.#game.join(name);
    }
    this.#changed();
  }

  /** A player left the room for good. */
  playerRemoved(name: string): void {
    this.#game.leave(name);
    this.#moveCounts.delete(name);
    this.#changed();
  }

  /**
   * A phone's link changed: its player is attached while the link is up and
   * the phone answers; a silent phone pauses the round as a disconnected one.
   */
  playerChanged(player: HubPlayer): void {
    if (player.state === "disconnected" || player.state === "silent") {
      this.#game.setConnected(player.name, false);
    }
    if (player.state === "p2p" || player.state === "relayed") {
      if (!this.#game.state.players.some((p) => p.id === player.name)) {
        this.#game.join(player.name);
      }
      this.#game.setConnected(player.name, true);
    }
    this.#changed();
  }

  /** A message from a phone. */
  phoneMessage(name: string, message: PhoneMessage): void {
    if (message.t === "move") {
      this.#moveCounts.set(name, this.movesOf(name) + 1);
    }
    this.#game.receive(name, message);
  }

  /**
   * The host's start (key, click): the engine starts; the server hears of it
   * in the next frame. Guarded on the engine's phase, not on `started`: after
   * a host reload the room is started on the server while a new game is in
   * its lobby.
   */
  start(): StartOutcome {
    if (this.#game.state.phase !== "lobby") return "not in lobby";
    if (this.signal?.status.kind !== "open") return "no room";
    if (this.#game.state.players.length === 0) return "no players";
    this.#game.start();
    return "started";
  }

  /** Host restart; no-op unless the round is over. */
  restart(): void {
    if (this.#game.state.phase !== "over") return;
    this.audience.settleTownVote(this.#game);
    this.#game.restart();
  }

  /**
   * The host's difficulty key: the next level, after Master Chef Amateur
   * again (lobby and game over only, like the VIP's choice on a phone).
   *
   * @returns the level now set, or null when the round is on
   */
  nextDifficulty(): number | null {
    const state = this.#game.state;
    const next = (state.difficulty + 1) % DIFFICULTY_NAMES.length;
    if (!this.#game.setDifficulty(next)) return null;
    this.#changed();
    return next;
  }

  /** Each press adds 4 bots (the game caps the total). */
  fillBots(): void {
    this.#game.fillWithBots(
      Math.max(
        DEFAULT_BOT_FILL,
        this.#game.state.players.length + DEFAULT_BOT_FILL,
      ),
    );
    this.#changed();
  }

  /**
   * Runs the engine steps the wall clock (`nowMs`) calls for, each a
   * {@link frame} of one fixed step, so game time is real time whatever the
   * page's frame rate. Returns their events together (none when no step was
   * due).
   */
  advance(nowMs: number): FrameResult {
    const steps = this.#clock.advance(nowMs);
    const merged: FrameResult = {
      events: [],
      outbox: [],
      phaseBefore: this.#game.state.phase,
    };
    for (let i = 0; i < steps; i++) {
      const result = this.frame(this.#clock.stepMs);
      if (i === 0) merged.phaseBefore = result.phaseBefore;
      merged.events.push(...result.events);
      merged.outbox.push(...result.outbox);
    }
    return merged;
  }

  /** Steps the game, sends each phone its messages, tells the server once the round is on, saves. */
  frame(dtMs: number): FrameResult {
    const game = this.#game;
    const result = game.frame(dtMs);
    this.#wallMs += Math.max(0, dtMs);
    // What a vote does to the game comes out of the next frame's events.
    this.audience.frame(game, this.#wallMs);
    for (const { to, message } of result.outbox) this.links?.send(to, message);
    let changed = false;
    if (
      game.state.phase !== "lobby" && !this.#started &&
      this.signal?.status.kind === "open"
    ) {
      this.signal.send({ action: "startGame" });
      this.#started = true;
      changed = true;
    }
    if (
      changed ||
      result.events.some((e) =>
        e.type === "world" &&
        (e.name === "player_joined" || e.name === "player_left")
      ) || JSON.stringify(phaseLine(game.state)) !== this.#shownPhase
    ) {
      this.#changed();
    }
    this.save(false);
    return result;
  }

  /** What the TV's audience panel shows now. */
  audienceBoard(): AudienceBoard {
    return this.audience.board(this.#game.state, this.#wallMs);
  }

  /** Connection of a player, for the indicator over their head. */
  link(id: string): LinkKind {
    if (this.#game.isBot(id)) return "bot";
    return this.links?.player(id)?.state ?? "connecting";
  }

  /** Lobby rows: every player, phones with their connection, then bots. */
  rows(): LobbyRow[] {
    const state = this.#game.state;
    return state.players.map((player) => {
      const peer = this.links?.player(player.id);
      return {
        name: player.name,
        color: player.color,
        vip: player.id === state.vipId,
        state: this.link(player.id),
        rttMs: peer?.rttMs ?? null,
      };
    });
  }

  #changed(): void {
    this.#shownPhase = JSON.stringify(phaseLine(this.#game.state));
    this.#onChange();
  }
}
