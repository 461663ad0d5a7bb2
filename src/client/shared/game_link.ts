/**
 * One player's game channel between a phone and the host: the WebRTC data
 * channel when it opens, the server relay when it does not (guest Wi-Fi
 * often blocks device-to-device traffic), with the same typed messages.
 *
 * @module
 */
import type { ParseResult, ProtocolError, SignalData } from "../../protocol.ts";
import { Emitter } from "./emitter.ts";

/** Messages kept while the link is still connecting; older ones drop. */
export const MAX_QUEUED_MESSAGES = 32;

/** Where a link's messages go. */
export type LinkState = "connecting" | "p2p" | "relayed" | "closed";

/** The part of a simple-peer instance a {@link GameLink} uses. */
export interface PeerLike {
  /** Subscribes to a simple-peer event. */
  on(event: "signal", listener: (data: SignalData) => void): unknown;
  /** Subscribes to a simple-peer event. */
  on(event: "connect" | "close", listener: () => void): unknown;
  /** Subscribes to a simple-peer event. */
  on(event: "data", listener: (data: Uint8Array | string) => void): unknown;
  /** Subscribes to a simple-peer event. */
  on(event: "error", listener: (error: Error) => void): unknown;
  /** Feeds a remote signal in. */
  signal(data: SignalData): void;
  /** Sends over the data channel. */
  send(data: string): void;
  /** Tears down the connection. */
  destroy(): void;
}

/** Options of a {@link GameLink}. */
export interface GameLinkOptions<In> {
  /** The peer connection to try first. */
  peer: PeerLike;
  /** Falls back to the relay when the peer is not open after this, in ms. */
  relayAfterMs: number;
  /** Sends a message object through the server relay; false if it could not. */
  sendRelay: (data: unknown) => boolean;
  /** Validates an incoming message (from either path). */
  parse: (raw: unknown) => ParseResult<In>;
}

/** Events of a {@link GameLink}. */
export type GameLinkEvents<In> = {
  /** The path changed. */
  state: [LinkState];
  /** A valid message arrived. */
  message: [In];
  /** An invalid message arrived and was dropped. */
  invalid: [ProtocolError];
  /** The local peer produced a signal for the other side. */
  signal: [SignalData];
  /** The peer connection failed or closed (the link may go on relayed). */
  peerFailed: [string];
};

/**
 * Carries typed game messages over P2P first, relay otherwise.
 *
 * While connecting, messages are queued and flushed to whichever path opens
 * first. A relayed message from the other side switches this side to the
 * relay at once; a data channel that opens later upgrades the link to P2P.
 */
export class GameLink<In, Out> extends Emitter<GameLinkEvents<In>> {
  #state: LinkState = "connecting";
  #peer: PeerLike;
  #peerOpen = false;
  #queue: Out[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #options: GameLinkOptions<In>;
  #decoder = new TextDecoder();

  /** Starts the fallback timer and listens to the peer. */
  constructor(options: GameLinkOptions<In>) {
    super();
    this.#options = options;
    this.#peer = options.peer;
    const peer = this.#peer;
    peer.on("signal", (data) => {
      if (this.#state !== "closed") this.emit("signal", data);
    });
    peer.on("connect", () => {
      if (this.#state === "closed") return;
      this.#peerOpen = true;
      this.#setState("p2p");
    });
    peer.on("data", (data) => {
      if (this.#state === "closed") return;
      const text = typeof data === "string" ? data : this.#decoder.decode(data);
      this.#receive(text);
    });
    peer.on("error", (error) => this.#peerDown(error.message));
    peer.on("close", () => this.#peerDown("peer connection closed"));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#state === "connecting") this.#setState("relayed");
    }, options.relayAfterMs);
  }

  /** Current path. */
  get state(): LinkState {
    return this.#state;
  }

  /** Feeds a signal from the other side into the peer. */
  signal(data: SignalData): void {
    if (this.#state === "closed") return;
    try {
      this.#peer.signal(data);
    } catch (error) {
      this.#peerDown(error instanceof Error ? error.message : String(error));
    }
  }

  /** Handles a message that came through the server relay. */
  receiveRelay(data: unknown): void {
    if (this.#state === "closed") return;
    if (this.#state === "connecting") this.#setState("relayed");
    this.#receive(data);
  }

  /** Sends a message on the current path, or queues it while connecting. */
  send(message: Out): void {
    switch (this.#state) {
      case "p2p":
        this.#sendPeer(message);
        return;
      case "relayed":
        this.#options.sendRelay(message);
        return;
      case "connecting":
        this.#queue.push(message);
        if (this.#queue.length > MAX_QUEUED_MESSAGES) this.#queue.shift();
        return;
      case "closed":
        return;
    }
  }

  /** Stops everything: timer, peer, listeners. Safe to call twice. */
  close(): void {
    if (this.#state === "closed") return;
    this.#setState("closed");
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
    try {
      this.#peer.destroy();
    } catch {
      // Already torn down.
    }
    this.clear();
  }

  #sendPeer(message: Out): void {
    try {
      this.#peer.send(JSON.stringify(message));
    } catch (error) {
      this.#peerDown(error instanceof Error ? error.message : String(error));
      this.#options.sendRelay(message);
    }
  }

  #receive(raw: unknown): void {
    const parsed = this.#options.parse(raw);
    if (parsed.ok) this.emit("message", parsed.msg);
    else this.emit("invalid", parsed.error);
  }

  #peerDown(reason: string): void {
    if (this.#state === "closed") return;
    const wasOpen = this.#peerOpen;
    this.#peerOpen = false;
    this.emit("peerFailed", reason);
    if (this.#state === "p2p" || (this.#state === "connecting" && !wasOpen)) {
      this.#setState("relayed");
    }
  }

  #setState(next: LinkState): void {
    if (next === this.#state) return;
    this.#state = next;
    if (next === "p2p" || next === "relayed") {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      const queued = this.#queue;
      this.#queue = [];
      for (const message of queued) this.send(message);
    }
    this.emit("state", next);
  }
}
