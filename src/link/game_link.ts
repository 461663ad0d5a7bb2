/**
 * One player's game channel between a phone and the host: the WebRTC data
 * channel when it opens, the server relay when it does not (guest Wi-Fi
 * often blocks device-to-device traffic), with the same typed messages.
 *
 * @module
 */
import type {
  ParseResult,
  ProtocolError,
  SignalData,
} from "../protocol/mod.ts";
import { Emitter } from "./emitter.ts";

/** Messages kept while the link is still connecting; older ones drop. */
export const MAX_QUEUED_MESSAGES = 32;
/** First wait before a new P2P attempt after the data channel dropped, in ms. */
export const P2P_RETRY_FIRST_DELAY_MS = 1_000;
/** Longest wait between P2P attempts, in ms. */
export const P2P_RETRY_MAX_DELAY_MS = 30_000;
/** How long one P2P attempt may take to open before it counts as failed, in ms. */
export const P2P_RETRY_ATTEMPT_MS = 15_000;
/** P2P attempts after a drop before the link stays on the relay for good. */
export const P2P_RETRY_MAX_ATTEMPTS = 8;

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

/**
 * How the initiating side (the phone) tries P2P again after an open data
 * channel dropped: a fresh peer, whose offer goes out as a `signal` event,
 * after a delay that doubles on each failed attempt. The relay carries the
 * game meanwhile.
 */
export interface PeerRetryOptions {
  /** Creates a fresh initiating peer for each attempt. */
  createPeer: () => PeerLike;
  /**
   * Wait before the first attempt, in ms.
   * @default P2P_RETRY_FIRST_DELAY_MS
   */
  firstDelayMs?: number;
  /**
   * Longest wait between attempts, in ms.
   * @default P2P_RETRY_MAX_DELAY_MS
   */
  maxDelayMs?: number;
  /**
   * How long an attempt may take to open, in ms.
   * @default P2P_RETRY_ATTEMPT_MS
   */
  attemptMs?: number;
  /**
   * Attempts after one drop (a channel that opens resets the count).
   * @default P2P_RETRY_MAX_ATTEMPTS
   */
  maxAttempts?: number;
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
  /**
   * Retry P2P after an open channel dropped (the initiating side only).
   * @default undefined (no retry: the answering side waits for an offer)
   */
  retry?: PeerRetryOptions;
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
  /** A new P2P attempt started (1 for the first after a drop). */
  peerRetry: [attempt: number];
};

/**
 * Carries typed game messages over P2P first, relay otherwise.
 *
 * While connecting, messages are queued and flushed to whichever path opens
 * first. A relayed message from the other side switches this side to the
 * relay at once; a data channel that opens later upgrades the link to P2P.
 * When an open channel drops, the link goes on over the relay; with
 * `retry` it then makes new peers (backing off) until one opens, and
 * {@link GameLink.replacePeer} lets the answering side take such an offer
 * without dropping the link.
 */
export class GameLink<In, Out> extends Emitter<GameLinkEvents<In>> {
  #state: LinkState = "connecting";
  #peer: PeerLike;
  #peerOpen = false;
  #everOpen = false;
  #queue: Out[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #attemptTimer: ReturnType<typeof setTimeout> | undefined;
  #attempts = 0;
  #options: GameLinkOptions<In>;
  #decoder = new TextDecoder();

  /** Starts the fallback timer and listens to the peer. */
  constructor(options: GameLinkOptions<In>) {
    super();
    this.#options = options;
    this.#peer = options.peer;
    this.#listen(options.peer);
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

  /**
   * Swaps in a new peer (the other side offered a new connection): the old
   * one is destroyed, a P2P link goes on over the relay until the new
   * channel opens. Ignored once closed.
   */
  replacePeer(peer: PeerLike): void {
    if (this.#state === "closed") {
      destroyQuietly(peer);
      return;
    }
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    clearTimeout(this.#attemptTimer);
    this.#attemptTimer = undefined;
    const old = this.#peer;
    this.#peer = peer;
    this.#peerOpen = false;
    destroyQuietly(old);
    this.#listen(peer);
    if (this.#state === "p2p") this.#setState("relayed");
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

  /** Stops everything: timers, peer, listeners. Safe to call twice. */
  close(): void {
    if (this.#state === "closed") return;
    this.#setState("closed");
    clearTimeout(this.#timer);
    this.#timer = undefined;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    clearTimeout(this.#attemptTimer);
    this.#attemptTimer = undefined;
    this.#queue = [];
    destroyQuietly(this.#peer);
    this.clear();
  }

  /** Wires a peer's events; events of a peer since replaced are ignored. */
  #listen(peer: PeerLike): void {
    const current = () => this.#peer === peer && this.#state !== "closed";
    peer.on("signal", (data) => {
      if (current()) this.emit("signal", data);
    });
    peer.on("connect", () => {
      if (!current()) return;
      clearTimeout(this.#attemptTimer);
      this.#attemptTimer = undefined;
      this.#peerOpen = true;
      this.#everOpen = true;
      this.#attempts = 0;
      this.#setState("p2p");
    });
    peer.on("data", (data) => {
      if (!current()) return;
      const text = typeof data === "string" ? data : this.#decoder.decode(data);
      this.#receive(text);
    });
    peer.on("error", (error) => {
      if (current()) this.#peerDown(error.message);
    });
    peer.on("close", () => {
      if (current()) this.#peerDown("peer connection closed");
    });
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
    clearTimeout(this.#attemptTimer);
    this.#attemptTimer = undefined;
    this.emit("peerFailed", reason);
    if (this.#state === "p2p" || (this.#state === "connecting" && !wasOpen)) {
      this.#setState("relayed");
    }
    this.#scheduleRetry();
  }

  /** After a drop of a channel that once opened: the next P2P attempt, backing off. */
  #scheduleRetry(): void {
    const retry = this.#options.retry;
    if (!retry || !this.#everOpen || this.#state !== "relayed") return;
    if (this.#retryTimer !== undefined) return;
    const {
      firstDelayMs = P2P_RETRY_FIRST_DELAY_MS,
      maxDelayMs = P2P_RETRY_MAX_DELAY_MS,
      maxAttempts = P2P_RETRY_MAX_ATTEMPTS,
    } = retry;
    if (this.#attempts >= maxAttempts) return;
    const delay = Math.min(maxDelayMs, firstDelayMs * 2 ** this.#attempts);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#retryNow(retry);
    }, delay);
  }

  #retryNow(retry: PeerRetryOptions): void {
    if (this.#state !== "relayed") return;
    this.#attempts++;
    let peer: PeerLike;
    try {
      peer = retry.createPeer();
    } catch (error) {
      this.emit(
        "peerFailed",
        error instanceof Error ? error.message : String(error),
      );
      this.#scheduleRetry();
      return;
    }
    this.replacePeer(peer);
    this.emit("peerRetry", this.#attempts);
    this.#attemptTimer = setTimeout(() => {
      this.#attemptTimer = undefined;
      if (this.#peer === peer && !this.#peerOpen) {
        this.#peerDown("no direct connection in time");
      }
    }, retry.attemptMs ?? P2P_RETRY_ATTEMPT_MS);
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

function destroyQuietly(peer: PeerLike): void {
  try {
    peer.destroy();
  } catch {
    // Already torn down.
  }
}
