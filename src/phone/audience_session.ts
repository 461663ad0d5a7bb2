/**
 * A phone in a room's audience: one WebSocket to the server, no WebRTC and
 * no way to the host. It watches (`watchRoom`), keeps the latest update and
 * vote, votes once per vote and sends reactions. A dropped socket is
 * reconnected a few times and watches again.
 *
 * @module
 */
import type {
  AudienceView,
  ReactionKind,
  ServerMessage,
  VotePromptView,
} from "../protocol/mod.ts";
import { Emitter } from "../link/emitter.ts";
import { SignalingSocket } from "../link/signaling_socket.ts";
import { errorWords, roomClosedWords } from "./error_words.ts";

/** Where an audience phone is; each `message` is a catalogue key. */
export type AudienceStage =
  | { kind: "connecting" }
  | { kind: "watching" }
  | { kind: "refused"; code: string; message: string }
  | { kind: "ended"; message: string };

/** What an audience phone shows: the game, the vote and its own vote. */
export interface AudienceScreen {
  /** The room watched. */
  room: string;
  /** The name it watches under. */
  name: string;
  /** The host's latest update, null until the first. */
  state: AudienceView | null;
  /** The open vote, or null. */
  prompt: VotePromptView | null;
  /** The option this phone's vote counts for, or null. */
  voted: number | null;
}

/** Events of an {@link AudienceSession}. */
export type AudienceEvents = {
  /** The stage changed. */
  stage: [AudienceStage];
  /** What to show changed. */
  screen: [AudienceScreen];
};

/** How many times a dropped socket is reconnected before giving up. */
const MAX_RECONNECTS = 5;

/** Catalogue keys for the audience's own error codes. */
const AUDIENCE_WORDS: Readonly<Record<string, string>> = {
  "audience full": "watch.full",
  "vote closed": "watch.vote_closed",
};

/**
 * The catalogue key of the words for an error code refusing to watch.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { audienceErrorWords } from "./audience_session.ts";
 * assert.equal(audienceErrorWords("audience full"), "watch.full");
 * assert.equal(audienceErrorWords("wrong room"), "error.wrong_room");
 * ```
 */
export function audienceErrorWords(code: string): string {
  return Object.hasOwn(AUDIENCE_WORDS, code)
    ? AUDIENCE_WORDS[code]
    : errorWords(code);
}

/**
 * One audience phone's session.
 *
 * @example
 * ```ts ignore
 * const s = new AudienceSession({ socketUrl: "ws://localhost:8888/ws" });
 * s.on("screen", (screen) => render(screen));
 * s.watch("ABCD", "Ann");
 * s.vote(1);
 * ```
 */
export class AudienceSession extends Emitter<AudienceEvents> {
  readonly #socketUrl: string;
  #socket: SignalingSocket | null = null;
  #stage: AudienceStage = { kind: "connecting" };
  #screen: AudienceScreen = {
    room: "",
    name: "",
    state: null,
    prompt: null,
    voted: null,
  };
  #reconnects = 0;
  #left = false;

  /** @param options.socketUrl The server's WebSocket URL. */
  constructor(options: { socketUrl: string }) {
    super();
    this.#socketUrl = options.socketUrl;
  }

  /** The current stage. */
  get stage(): AudienceStage {
    return this.#stage;
  }

  /** What is shown now. */
  get screen(): AudienceScreen {
    return this.#screen;
  }

  /** Watches a room under a name (connects first). */
  watch(room: string, name: string): void {
    this.#screen = { ...this.#screen, room, name };
    this.#left = false;
    void this.#connect();
  }

  /** Votes for an option of the open vote (the server counts the first only). */
  vote(option: number): void {
    const prompt = this.#screen.prompt;
    if (!prompt || this.#screen.voted !== null) return;
    this.#socket?.send({ action: "audienceVote", promptId: prompt.id, option });
  }

  /** Sends a reaction. */
  react(kind: ReactionKind): void {
    this.#socket?.send({ action: "audienceReact", kind });
  }

  /** Stops watching for good. */
  leave(): void {
    this.#left = true;
    this.#socket?.send({ action: "leaveRoom" });
    this.#socket?.close();
    this.#socket = null;
    this.#setStage({ kind: "ended", message: "watch.stopped" });
  }

  async #connect(): Promise<void> {
    const old = this.#socket;
    this.#socket = null;
    old?.close();
    const socket = new SignalingSocket(this.#socketUrl);
    this.#socket = socket;
    this.#setStage({ kind: "connecting" });
    socket.on("message", (msg) => this.#onMessage(msg as ServerMessage));
    socket.on("close", () => this.#onClose(socket));
    try {
      await socket.open();
    } catch {
      return this.#onClose(socket);
    }
    if (this.#socket !== socket) return;
    socket.send({
      action: "watchRoom",
      room: this.#screen.room,
      name: this.#screen.name,
    });
  }

  #onClose(socket: SignalingSocket): void {
    if (this.#socket !== socket || this.#left) return;
    if (this.#stage.kind === "refused" || this.#stage.kind === "ended") return;
    this.#socket = null;
    if (this.#reconnects >= MAX_RECONNECTS) {
      return this.#setStage({
        kind: "ended",
        message: "watch.lost",
      });
    }
    const wait = 500 * 2 ** this.#reconnects++;
    this.#setStage({ kind: "connecting" });
    setTimeout(() => {
      if (!this.#left) void this.#connect();
    }, wait);
  }

  #onMessage(msg: ServerMessage): void {
    switch (msg.type) {
      case "watching":
        this.#reconnects = 0;
        this.#screen = {
          ...this.#screen,
          name: msg.name,
          state: msg.state,
          prompt: msg.prompt,
          voted: msg.voted,
        };
        this.#setStage({ kind: "watching" });
        return this.emit("screen", this.#screen);
      case "audienceUpdate":
        this.#screen = { ...this.#screen, state: msg.state };
        return this.emit("screen", this.#screen);
      case "audiencePrompt":
        this.#screen = { ...this.#screen, prompt: msg.prompt, voted: null };
        return this.emit("screen", this.#screen);
      case "voted":
        if (this.#screen.prompt?.id !== msg.promptId) return;
        this.#screen = { ...this.#screen, voted: msg.option };
        return this.emit("screen", this.#screen);
      case "roomClosed":
        this.#left = true;
        this.#socket?.close();
        return this.#setStage({
          kind: "ended",
          message: roomClosedWords(msg.reason),
        });
      case "error":
        if (this.#stage.kind !== "watching") {
          this.#left = true;
          this.#socket?.close();
          return this.#setStage({
            kind: "refused",
            code: msg.val,
            message: audienceErrorWords(msg.val),
          });
        }
        return;
    }
  }

  #setStage(stage: AudienceStage): void {
    this.#stage = stage;
    this.emit("stage", stage);
  }
}
