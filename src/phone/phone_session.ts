/**
 * The phone's connection layer: join through the signaling server, connect
 * to the host (P2P first, relay otherwise), come back automatically after a
 * dropped socket, a reload or a host reload. No DOM: the controller page
 * listens to its events.
 *
 * @module
 */
import {
  type HostMessage,
  type IceServer,
  parseHostMessage,
  type PhoneMessage,
  type ServerMessage,
  type SignalData,
} from "../protocol/mod.ts";
import { Emitter } from "../link/emitter.ts";
import { GameLink, type PeerLike } from "../link/game_link.ts";
import {
  type AnswerMessage,
  SignalingSocket,
} from "../link/signaling_socket.ts";
import { errorWords, GAME_GONE_WORDS, roomClosedWords } from "./error_words.ts";
import type { Seat, SessionStore } from "./session_store.ts";

/** How long to wait for the peer's offer before joining without one, in ms. */
export const OFFER_WAIT_MS = 2_000;
/** First delay before reconnecting a dropped socket, in ms. */
export const RECONNECT_FIRST_DELAY_MS = 400;
/** Longest delay between reconnect attempts, in ms. */
export const RECONNECT_MAX_DELAY_MS = 4_000;
/** Moves followed in a row before joining where the phone is, relayed. */
const MAX_MOVES = 3;

/** Where the phone's connection stands, for the progress display. */
export type PhoneStage =
  | { kind: "idle" }
  | { kind: "server"; attempt: number }
  | { kind: "joining" }
  | { kind: "peer" }
  | { kind: "ready"; path: "p2p" | "relayed" }
  | { kind: "hostAway"; message: string }
  /** A rejoin by name: the host decides whether this phone takes the seat. */
  | { kind: "waitingHost"; message: string }
  | { kind: "refused"; message: string; code: string }
  | { kind: "unreachable"; message: string }
  | { kind: "ended"; message: string };

/** What the server said when the phone joined. */
export interface JoinInfo {
  /** Room code. */
  room: string;
  /** Final name (may differ from the one typed). */
  name: string;
  /** The typed name was taken and changed. */
  renamed: boolean;
  /** This phone took back its player. */
  reconnected: boolean;
  /** First player: may start the game. */
  vip: boolean;
  /** The game is running. */
  started: boolean;
}

/** Events of a {@link PhoneSession}. */
export type PhoneSessionEvents = {
  /** The connection stage changed. */
  stage: [PhoneStage];
  /** The server accepted the join. */
  joined: [JoinInfo];
  /** A game message from the host (pings are answered here). */
  message: [HostMessage];
};

/** Options of a {@link PhoneSession}. */
export interface PhoneSessionOptions {
  /** WebSocket URL of the signaling server. */
  socketUrl: string;
  /**
   * Creates the initiating peer connection; may throw without WebRTC. Gets
   * the ICE servers (with TURN credentials) the server gave this seat once
   * joined, or nothing before that (use `/config`'s).
   */
  createPeer: (iceServers?: IceServer[]) => PeerLike;
  /** Relay fallback delay from `/config`, in ms. */
  relayAfterMs: number;
  /** Where the seat and token are kept. */
  store: SessionStore;
}

type Link = GameLink<HostMessage, PhoneMessage>;

/**
 * One phone's membership in one game. Call {@link PhoneSession.join} once;
 * {@link PhoneSession.close} or {@link PhoneSession.leave} end it.
 */
export class PhoneSession extends Emitter<PhoneSessionEvents> {
  #options: PhoneSessionOptions;
  #stage: PhoneStage = { kind: "idle" };
  #socket: SignalingSocket | null = null;
  #link: Link | null = null;
  #room = "";
  #name = "";
  #token: string | undefined;
  #joined = false;
  #everJoined = false;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #offerTimer: ReturnType<typeof setTimeout> | undefined;
  #done = false;
  #iceServers: IceServer[] | undefined;
  /** The instance that owns the room, as a `moveTo` named it. */
  #instanceUrl: string | undefined;
  /** Whether joins declare `canMove` (off once a move led nowhere). */
  #canMove = true;
  #moves = 0;
  /** Instances this phone could not open a socket to. */
  readonly #unreachable = new Set<string>();

  /** Nothing happens until {@link PhoneSession.join}. */
  constructor(options: PhoneSessionOptions) {
    super();
    this.#options = options;
  }

  /** Current stage. */
  get stage(): PhoneStage {
    return this.#stage;
  }

  /** Joins `room` as `name`, taking back a seat when `token` is given. */
  join(room: string, name: string, token?: string): void {
    this.#room = room;
    this.#name = name;
    this.#token = token;
    void this.#connect();
  }

  /** Sends a game message to the host (queued while connecting). */
  send(message: PhoneMessage): void {
    this.#link?.send(message);
  }

  /** Retries at once if waiting to reconnect (screen unlocked, back online). */
  wake(): void {
    if (this.#done || this.#socket?.isOpen) return;
    if (this.#stage.kind === "server" && this.#retryTimer !== undefined) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
      void this.#connect();
    }
  }

  /** Leaves the game for good. */
  leave(): void {
    this.#link?.send({ t: "leave" });
    this.#socket?.send({ action: "leaveRoom" });
    this.#forgetSeat();
    this.#end({ kind: "idle" });
  }

  /** Closes sockets, peers and timers without leaving (the seat is kept). */
  close(): void {
    this.#done = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#offerTimer);
    this.#link?.close();
    this.#link = null;
    this.#socket?.close();
    this.#socket = null;
  }

  async #connect(): Promise<void> {
    if (this.#done) return;
    this.#attempt++;
    this.#joined = false;
    this.#setStage({ kind: "server", attempt: this.#attempt });
    this.#socket?.close();
    const socket = new SignalingSocket(
      this.#instanceUrl ?? this.#options.socketUrl,
    );
    this.#socket = socket;
    socket.on("message", (msg) => {
      if (this.#socket === socket) this.#onServer(msg);
    });
    socket.on("close", ({ wasOpen }) => this.#onSocketClose(socket, wasOpen));
    try {
      await socket.open();
    } catch {
      return; // #onSocketClose decides what next.
    }
    if (this.#done || this.#socket !== socket) return;
    this.#setStage({ kind: "joining" });
    this.#startLink((offer) => {
      socket.send({
        action: "joinRoom",
        room: this.#room,
        username: this.#name,
        ...(offer ? { offer } : {}),
        ...(this.#token ? { reconnectToken: this.#token } : {}),
        // This phone stores its token: nobody takes its seat by name alone.
        keepsToken: true,
        // It follows `moveTo` to the instance that owns the room.
        ...(this.#canMove ? { canMove: true } : {}),
      });
    });
  }

  /**
   * Replaces the peer link; `sendOffer` delivers the first offer (or
   * `undefined` when none came in time). Later signals wait for the join.
   */
  #startLink(sendOffer: (offer: SignalData | undefined) => void): void {
    this.#link?.close();
    clearTimeout(this.#offerTimer);
    const queued: SignalData[] = [];
    let offerSent = false;
    const deliverOffer = (offer: SignalData | undefined) => {
      if (offerSent) return;
      offerSent = true;
      clearTimeout(this.#offerTimer);
      sendOffer(offer);
    };
    const link: Link = new GameLink<HostMessage, PhoneMessage>({
      peer: this.#makePeer(),
      relayAfterMs: this.#options.relayAfterMs,
      parse: parseHostMessage,
      sendRelay: (data) =>
        this.#socket?.send({ action: "relay", data }) ?? false,
      // A dropped data channel: new offers go through signaling (backing off).
      retry: { createPeer: () => this.#makePeer() },
    });
    this.#link = link;
    link.on("signal", (data) => {
      if (!offerSent && data.type === "offer") {
        deliverOffer(data);
      } else if (this.#joined && offerSent) {
        this.#socket?.send({ action: "signal", data });
      } else {
        queued.push(data);
      }
    });
    this.#flushSignals = () => {
      if (this.#link !== link) return;
      for (const data of queued.splice(0)) {
        this.#socket?.send({ action: "signal", data });
      }
    };
    link.on("state", (state) => {
      if (this.#link !== link) return;
      if ((state === "p2p" || state === "relayed") && this.#joined) {
        if (this.#stage.kind !== "hostAway") {
          this.#setStage({ kind: "ready", path: state });
        }
      }
    });
    link.on("message", (message) => this.#onHost(message));
    this.#offerTimer = setTimeout(() => deliverOffer(undefined), OFFER_WAIT_MS);
  }

  #flushSignals: () => void = () => {};

  #makePeer(): PeerLike {
    try {
      return this.#options.createPeer(this.#iceServers);
    } catch (error) {
      return failedPeer(error instanceof Error ? error.message : String(error));
    }
  }

  #onServer(msg: ServerMessage | AnswerMessage): void {
    switch (msg.type) {
      case "iceServers":
        this.#iceServers = msg.iceServers;
        return;
      case "moveTo":
        return this.#move(msg.url, msg.room);
      case "joined": {
        this.#joined = true;
        this.#moves = 0;
        this.#everJoined = true;
        this.#attempt = 0;
        this.#room = msg.room;
        this.#name = msg.username;
        this.#token = msg.reconnectToken;
        // TURN credentials are only for sockets in a room: ask now, for the
        // connections offered from here on (retries after a drop).
        this.#socket?.send({ action: "iceServers" });
        const seat: Seat = {
          room: msg.room,
          name: msg.username,
          token: msg.reconnectToken,
        };
        this.#options.store.saveSeat(seat);
        this.emit("joined", {
          room: msg.room,
          name: msg.username,
          renamed: msg.renamed,
          reconnected: msg.reconnected,
          vip: msg.vip,
          started: msg.started,
        });
        this.#flushSignals();
        if (!msg.hostPresent) {
          this.#setStage({
            kind: "hostAway",
            message: "stage.host_away",
          });
        } else {
          this.#setReadyOrPeer();
        }
        return;
      }
      case "answer":
        this.#link?.signal({ type: "answer", sdp: msg.sdp });
        return;
      case "signal":
        this.#link?.signal(msg.data);
        return;
      case "relay":
        this.#link?.receiveRelay(msg.data);
        return;
      case "hostAway":
        this.#setStage({
          kind: "hostAway",
          message: "stage.host_lost",
        });
        return;
      case "hostBack":
        // The host reloaded: its peers are new, so offer a fresh connection.
        this.#startLink((offer) => {
          if (offer) this.#socket?.send({ action: "signal", data: offer });
        });
        this.#setStage({ kind: "peer" });
        return;
      case "roomClosed":
        this.#forgetSeat();
        this.#end({
          kind: "ended",
          message: roomClosedWords(msg.reason),
        });
        return;
      case "rejoinPending":
        this.#setStage({
          kind: "waitingHost",
          message: "stage.waiting_host",
        });
        return;
      case "error":
        this.#onError(msg.val, msg.action, msg.closed === true);
        return;
    }
    // Other server messages are not the phone's business.
  }

  /**
   * Joins at the instance that owns the room instead (a ws: or wss: URL;
   * wss: only from a secure page), and reconnects there later. A socket
   * there that cannot be opened sends the phone back to the page's own
   * server, which is then not asked to move it there again; a `moveTo`
   * that cannot be followed makes the phone join without `canMove`.
   */
  #move(url: string, room: string): void {
    const target = URL.canParse(url) ? new URL(url) : undefined;
    const secure = this.#options.socketUrl.startsWith("wss:");
    const usable = target !== undefined &&
      room === this.#room.toUpperCase() &&
      (target.protocol === "wss:" || (!secure && target.protocol === "ws:"));
    if (
      !usable || this.#unreachable.has(target.href) ||
      ++this.#moves > MAX_MOVES
    ) {
      // Joins where it is instead, relayed by that server.
      this.#canMove = false;
    } else this.#instanceUrl = target.href;
    const socket = this.#socket;
    this.#socket = null;
    socket?.close();
    this.#attempt--;
    void this.#connect();
  }

  #onError(code: string, action: string | undefined, closed = false): void {
    if (this.#joined && action !== "joinRoom") return;
    // Waiting for the host: a relay or signal sent meanwhile is refused
    // ("not in room"); only the join's own answer counts.
    if (this.#stage.kind === "waitingHost" && action !== "joinRoom") return;
    if (code === "bad token" && this.#token) {
      // The seat is gone but the name may be free: try once without it.
      this.#token = undefined;
      this.#forgetSeat();
      void this.#connect();
      return;
    }
    if (
      this.#everJoined &&
      (code === "wrong room" || code === "no player" || code === "room closed")
    ) {
      this.#forgetSeat();
      this.#end({
        kind: "ended",
        message: GAME_GONE_WORDS,
      });
      return;
    }
    this.#forgetSeat();
    this.#end({ kind: "refused", message: errorWords(code, closed), code });
  }

  #onHost(message: HostMessage): void {
    if (message.t === "ping") {
      this.#link?.send({ t: "pong", id: message.id });
      return;
    }
    if (message.t === "bye") {
      this.#forgetSeat();
      this.#end({
        kind: "ended",
        message: "ended.bye",
      });
      return;
    }
    if (message.t === "view" && this.#stage.kind === "hostAway") {
      this.#setReadyOrPeer();
    }
    this.emit("message", message);
  }

  #onSocketClose(socket: SignalingSocket, wasOpen: boolean): void {
    if (this.#socket !== socket || this.#done) return;
    this.#socket = null;
    this.#joined = false;
    // A dropped socket to the room's instance tries it again; one that
    // cannot be opened sends the phone back to its page's own server.
    const onInstance = socket.url === this.#instanceUrl;
    if (onInstance && !wasOpen) {
      this.#unreachable.add(socket.url);
      this.#instanceUrl = undefined;
    }
    if (!this.#everJoined && this.#attempt >= 2 && !onInstance) {
      this.#end({
        kind: "unreachable",
        message: "stage.unreachable",
      });
      return;
    }
    const delay = Math.min(
      RECONNECT_MAX_DELAY_MS,
      RECONNECT_FIRST_DELAY_MS * 2 ** Math.max(0, this.#attempt - 1),
    );
    this.#setStage({ kind: "server", attempt: this.#attempt + 1 });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#connect();
    }, delay);
  }

  /** Forgets this session's seat (its room only; a seat elsewhere stays). */
  #forgetSeat(): void {
    this.#options.store.clearSeat(this.#room, this.#name);
  }

  #setReadyOrPeer(): void {
    const state = this.#link?.state;
    if (state === "p2p" || state === "relayed") {
      this.#setStage({ kind: "ready", path: state });
    } else {
      this.#setStage({ kind: "peer" });
    }
  }

  #end(stage: PhoneStage): void {
    this.close();
    this.#setStage(stage);
  }

  #setStage(stage: PhoneStage): void {
    this.#stage = stage;
    this.emit("stage", stage);
  }
}

/** A peer for browsers without WebRTC: fails at once, so the relay is used. */
function failedPeer(reason: string): PeerLike {
  return {
    on(event: string, listener: (...args: never[]) => void) {
      if (event === "error") {
        const onError = listener as (error: Error) => void;
        queueMicrotask(() => onError(new Error(reason)));
      }
      return undefined;
    },
    signal() {},
    send() {},
    destroy() {},
  };
}
