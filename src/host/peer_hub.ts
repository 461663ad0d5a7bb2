/**
 * The host's connection layer: one {@link GameLink} per player, created from
 * the offers the server relays, with relay fallback and round-trip times.
 * It knows nothing of the DOM or Phaser; the lobby and the game listen to
 * its events.
 *
 * @module
 */
import {
  type ClientMessage,
  type HostMessage,
  parsePhoneMessage,
  type PhoneMessage,
  type PlayerGoneReason,
  type ServerMessage,
  type SignalData,
} from "../protocol/mod.ts";
import { Emitter } from "../link/emitter.ts";
import { GameLink, type LinkState, type PeerLike } from "../link/game_link.ts";
import { DEFAULT_PHONE_SILENT_MS } from "../link/client_config.ts";
import { RttMeter } from "../link/rtt_meter.ts";

/** How often each player is pinged for its round-trip time, in ms. */
export const PING_INTERVAL_MS = 2_000;
/** Longest time between two silence checks, in ms. */
export const SILENCE_CHECK_MS = 500;

/**
 * A player's connection as the lobby shows it. "silent": the link is up but
 * a ping has gone unanswered (no pong, no message at all) for the silence
 * limit, as on a frozen page or a lost network; the room treats it as
 * disconnected until the phone is heard again.
 */
export type PlayerConnectionState =
  | "connecting"
  | "p2p"
  | "relayed"
  | "silent"
  | "disconnected";

/** What the hub knows of one player. */
export interface HubPlayer {
  /** Final, unique name (the server's `clientUsername`). */
  name: string;
  /** How the player's messages travel right now. */
  state: PlayerConnectionState;
  /** Smoothed round-trip time in ms, or null before the first pong. */
  rttMs: number | null;
  /** Why the last peer connection failed, if it did. */
  p2pError: string | null;
}

/** Events of a {@link PeerHub}. */
export type PeerHubEvents = {
  /** A player appeared, or came back (`reconnected`). */
  playerJoined: [name: string, reconnected: boolean];
  /** A player left for good (`left`, `kicked`). */
  playerRemoved: [name: string, reason: PlayerGoneReason];
  /** A player's connection state or round-trip time changed. */
  playerChanged: [HubPlayer];
  /** A game message from a player (pings and pongs are handled here). */
  message: [name: string, message: PhoneMessage];
  /** A player's direct connection failed; its messages now go via the relay. */
  p2pFailed: [name: string, reason: string];
};

/** Options of a {@link PeerHub}. */
export interface PeerHubOptions {
  /** Sends a signaling message to the server; false when not connected. */
  sendSignal: (message: ClientMessage) => boolean;
  /** Creates an answering peer connection. */
  createPeer: () => PeerLike;
  /** Relay fallback delay from `/config`, in ms. */
  relayAfterMs: number;
  /** Ping period. @default PING_INTERVAL_MS */
  pingIntervalMs?: number;
  /**
   * A phone on an open link that answers nothing this long is "silent"
   * (`/config`'s `phoneSilentMs`). @default DEFAULT_PHONE_SILENT_MS
   */
  silentAfterMs?: number;
  /** Milliseconds clock. @default performance.now */
  now?: () => number;
}

interface Entry {
  player: HubPlayer;
  link: GameLink<PhoneMessage, HostMessage> | null;
  rtt: RttMeter;
  answered: boolean;
  /** When the oldest ping not answered since was sent, by `now`; null: none. */
  waitingSince: number | null;
}

/**
 * Manages every player's peer connection on the host.
 *
 * Feed it server messages with {@link PeerHub.handleServerMessage}; send game
 * messages with {@link PeerHub.send}. `close()` ends every link and timer.
 */
export class PeerHub extends Emitter<PeerHubEvents> {
  #entries = new Map<string, Entry>();
  #options: PeerHubOptions;
  #pingTimer: ReturnType<typeof setInterval>;
  #silenceTimer: ReturnType<typeof setInterval>;
  #silentAfterMs: number;
  #now: () => number;
  #closed = false;

  /**
   * Starts the ping and silence timers.
   *
   * @throws RangeError when `silentAfterMs` is not a positive number
   */
  constructor(options: PeerHubOptions) {
    super();
    const silentAfterMs = options.silentAfterMs ?? DEFAULT_PHONE_SILENT_MS;
    if (!(silentAfterMs > 0)) {
      throw new RangeError(
        `Cannot watch phones as 'silentAfterMs' must be a positive number: current value is ${silentAfterMs}`,
      );
    }
    this.#options = options;
    this.#silentAfterMs = silentAfterMs;
    this.#now = options.now ?? (() => performance.now());
    this.#pingTimer = setInterval(
      () => this.pingAll(),
      options.pingIntervalMs ?? PING_INTERVAL_MS,
    );
    this.#silenceTimer = setInterval(
      () => this.checkSilence(),
      Math.min(SILENCE_CHECK_MS, silentAfterMs / 4),
    );
  }

  /** Every known player, in join order. */
  get players(): HubPlayer[] {
    return [...this.#entries.values()].map((entry) => ({ ...entry.player }));
  }

  /** One player, or undefined. */
  player(name: string): HubPlayer | undefined {
    const entry = this.#entries.get(name);
    return entry ? { ...entry.player } : undefined;
  }

  /** Handles one message from the signaling server. */
  handleServerMessage(message: ServerMessage): void {
    if (this.#closed) return;
    switch (message.type) {
      case "confirmRoom":
        for (const summary of message.players) {
          const entry = this.#ensure(summary.clientUsername);
          if (!summary.connected) this.#setState(entry, "disconnected");
        }
        return;
      case "playerJoined": {
        const known = this.#entries.has(message.clientUsername);
        const entry = this.#ensure(message.clientUsername);
        if (entry.player.state === "disconnected") {
          this.#setState(entry, "connecting");
        }
        this.emit(
          "playerJoined",
          message.clientUsername,
          message.reconnected || known,
        );
        return;
      }
      case "offer": {
        const { clientUsername, type, sdp } = message;
        this.#startLink(clientUsername, { type, sdp });
        return;
      }
      case "signal": {
        const name = message.clientUsername;
        if (!name) return;
        if (message.data.type === "offer") {
          const link = this.#entries.get(name)?.link;
          // A live link: the phone is retrying P2P; the relay goes on meanwhile.
          if (link && link.state !== "closed") {
            link.replacePeer(this.#options.createPeer());
            link.signal(message.data);
          } else {
            this.#startLink(name, message.data);
          }
          return;
        }
        this.#entries.get(name)?.link?.signal(message.data);
        return;
      }
      case "relay": {
        const name = message.clientUsername;
        if (!name) return;
        this.#entries.get(name)?.link?.receiveRelay(message.data);
        return;
      }
      case "playerLeft":
        this.#playerGone(message.clientUsername, message.reason);
        return;
      default:
        return;
    }
  }

  /** Sends a game message to one player; false when the player is unknown. */
  send(name: string, message: HostMessage): boolean {
    const link = this.#entries.get(name)?.link;
    if (!link) return false;
    link.send(message);
    return true;
  }

  /** Sends the same message to every player. */
  broadcast(message: HostMessage): void {
    for (const name of this.#entries.keys()) this.send(name, message);
  }

  /** Pings every phone on an open link now (the ping timer calls it). */
  pingAll(): void {
    if (this.#closed) return;
    for (const entry of this.#entries.values()) this.#ping(entry);
  }

  /**
   * Marks "silent" every phone on an open link whose ping has gone
   * unanswered for the silence limit (a timer calls it; tests call it with
   * their clock).
   */
  checkSilence(): void {
    if (this.#closed) return;
    const now = this.#now();
    for (const entry of this.#entries.values()) {
      const state = entry.player.state;
      if (
        (state === "p2p" || state === "relayed") &&
        entry.waitingSince !== null &&
        now - entry.waitingSince >= this.#silentAfterMs
      ) {
        this.#setState(entry, "silent");
      }
    }
  }

  /** Ends every link and the timers. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#pingTimer);
    clearInterval(this.#silenceTimer);
    for (const entry of this.#entries.values()) entry.link?.close();
    this.#entries.clear();
    this.clear();
  }

  #ensure(name: string): Entry {
    let entry = this.#entries.get(name);
    if (!entry) {
      entry = {
        player: { name, state: "connecting", rttMs: null, p2pError: null },
        link: null,
        rtt: new RttMeter(this.#now),
        answered: false,
        waitingSince: null,
      };
      this.#entries.set(name, entry);
    }
    return entry;
  }

  #startLink(name: string, offer: SignalData): void {
    const entry = this.#ensure(name);
    entry.link?.close();
    entry.rtt.reset();
    entry.answered = false;
    entry.player.rttMs = null;
    entry.player.p2pError = null;
    const link = new GameLink<PhoneMessage, HostMessage>({
      peer: this.#options.createPeer(),
      relayAfterMs: this.#options.relayAfterMs,
      parse: parsePhoneMessage,
      sendRelay: (data) =>
        this.#options.sendSignal({
          action: "relay",
          clientUsername: name,
          data,
        }),
    });
    entry.link = link;
    link.on("signal", (data) => this.#forwardSignal(entry, data));
    link.on("state", (state) => this.#linkState(entry, link, state));
    link.on("message", (msg) => this.#onMessage(entry, msg));
    link.on("peerFailed", (reason) => {
      if (entry.link === link) entry.player.p2pError = reason;
    });
    this.#setState(entry, "connecting");
    link.signal(offer);
  }

  #forwardSignal(entry: Entry, data: SignalData): void {
    const clientUsername = entry.player.name;
    if (data.type === "answer" && !entry.answered) {
      entry.answered = true;
      this.#options.sendSignal({
        action: "offerResponse",
        clientUsername,
        response: data,
      });
      return;
    }
    this.#options.sendSignal({ action: "signal", clientUsername, data });
  }

  #linkState(
    entry: Entry,
    link: GameLink<PhoneMessage, HostMessage>,
    state: LinkState,
  ): void {
    if (entry.link !== link || state === "closed") return;
    if (entry.player.state === "disconnected") return;
    // Silent stays silent until the phone is heard, whatever the path.
    if (entry.player.state === "silent" && state !== "connecting") return;
    if (entry.player.state === "connecting") entry.waitingSince = null;
    const wasConnecting = entry.player.state === "connecting";
    if (wasConnecting && state === "relayed") {
      entry.player.p2pError ??= `no direct connection within ${
        Math.round(this.#options.relayAfterMs / 100) / 10
      } s`;
      this.emit("p2pFailed", entry.player.name, entry.player.p2pError);
    }
    this.#setState(entry, state);
    if (state === "p2p" || state === "relayed") this.#ping(entry);
  }

  #onMessage(entry: Entry, message: PhoneMessage): void {
    entry.waitingSince = null;
    const link = entry.link;
    if (
      entry.player.state === "silent" && link &&
      (link.state === "p2p" || link.state === "relayed")
    ) {
      this.#setState(entry, link.state);
    }
    switch (message.t) {
      case "ping":
        entry.link?.send({ t: "pong", id: message.id });
        return;
      case "pong": {
        if (entry.rtt.pong(message.id) === null) return;
        entry.player.rttMs = entry.rtt.rttMs;
        this.emit("playerChanged", { ...entry.player });
        return;
      }
      default:
        this.emit("message", entry.player.name, message);
    }
  }

  #playerGone(name: string, reason: PlayerGoneReason): void {
    const entry = this.#entries.get(name);
    if (!entry) return;
    entry.link?.close();
    entry.link = null;
    if (reason === "disconnected") {
      entry.player.rttMs = null;
      this.#setState(entry, "disconnected");
      return;
    }
    this.#entries.delete(name);
    this.emit("playerRemoved", name, reason);
  }

  #setState(entry: Entry, state: PlayerConnectionState): void {
    if (entry.player.state === state) return;
    entry.player.state = state;
    this.emit("playerChanged", { ...entry.player });
  }

  #ping(entry: Entry): void {
    const link = entry.link;
    if (!link || (link.state !== "p2p" && link.state !== "relayed")) return;
    link.send({ t: "ping", id: entry.rtt.nextPing() });
    entry.waitingSince ??= this.#now();
  }
}
