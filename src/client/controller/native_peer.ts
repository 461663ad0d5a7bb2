/**
 * The phone's side of a P2P link on the browser's own `RTCPeerConnection`,
 * speaking simple-peer's signals so the host (simple-peer) and the seed's
 * clients see no difference: it makes the offer and the data channel, sends
 * `{type, sdp}` and trickle candidates `{type: "candidate", candidate}`, and
 * is "connected" when both the channel and ICE are up. simple-peer itself
 * would bring Node's streams and `Buffer` into the phone's bundle.
 *
 * @module
 */
/// <reference lib="dom" />
import { Emitter } from "../../link/emitter.ts";
import type { PeerLike } from "../../link/game_link.ts";
import type { SignalData } from "../../protocol/mod.ts";

/** Events of a {@link NativePeer}, as simple-peer names them. */
type PeerEvents = {
  signal: [SignalData];
  connect: [];
  data: [string | Uint8Array];
  error: [Error];
  close: [];
};

/** A 40-hex-digit channel label, as simple-peer's initiator picks one. */
function channelLabel(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * An initiating peer: the offer goes out as a `signal` event as soon as it
 * is made; `signal()` takes the answer and the host's candidates.
 */
export class NativePeer extends Emitter<PeerEvents> implements PeerLike {
  readonly #pc: RTCPeerConnection;
  readonly #channel: RTCDataChannel;
  /** Own candidates gathered before the offer was sent. */
  #early: SignalData[] | undefined = [];
  /** The host's candidates that came before its answer. */
  #pending: RTCIceCandidateInit[] = [];
  #connected = false;
  #destroyed = false;

  /** Starts gathering and making the offer. */
  constructor(iceServers: RTCIceServer[]) {
    super();
    const pc = this.#pc = new RTCPeerConnection({ iceServers });
    const channel = this.#channel = pc.createDataChannel(channelLabel());
    pc.onicecandidate = ({ candidate }) => {
      if (!candidate || this.#destroyed) return;
      const { sdpMLineIndex, sdpMid } = candidate;
      const signal = {
        type: "candidate",
        candidate: { candidate: candidate.candidate, sdpMLineIndex, sdpMid },
      };
      // The offer goes first, whatever order the browser gathers in.
      if (this.#early) this.#early.push(signal);
      else this.emit("signal", signal);
    };
    pc.oniceconnectionstatechange = () => {
      const state = pc.iceConnectionState;
      if (state === "connected" || state === "completed") {
        this.#maybeConnect();
      } else if (state === "failed" || state === "closed") {
        this.#fail(`ice-connection-${state}`);
      }
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === "failed") this.#fail("connection-failed");
    };
    channel.onopen = () => this.#maybeConnect();
    channel.onclose = () => this.destroy();
    channel.binaryType = "arraybuffer";
    channel.onmessage = ({ data }) => {
      if (this.#destroyed) return;
      this.emit("data", typeof data === "string" ? data : new Uint8Array(data));
    };
    pc.createOffer()
      .then((offer) => pc.setLocalDescription(offer))
      .then(() => {
        const { type, sdp } = pc.localDescription!;
        const early = this.#early ?? [];
        this.#early = undefined;
        if (this.#destroyed) return;
        this.emit("signal", { type, sdp });
        for (const signal of early) this.emit("signal", signal);
      })
      .catch((error) => this.#fail(String(error)));
  }

  /** Takes the host's answer or one of its candidates. */
  signal(data: SignalData): void {
    if (this.#destroyed) return;
    const candidate = data.candidate as RTCIceCandidateInit | undefined;
    if (candidate && typeof candidate === "object") {
      if (this.#pc.remoteDescription) this.#addCandidate(candidate);
      else this.#pending.push(candidate);
    }
    if (data.type === "answer" && typeof data.sdp === "string") {
      this.#pc.setRemoteDescription({ type: "answer", sdp: data.sdp })
        .then(() => {
          for (const c of this.#pending) this.#addCandidate(c);
          this.#pending = [];
        })
        .catch((error) => this.#fail(String(error)));
    }
    // A renegotiation request needs nothing here: the phone sends no media.
  }

  /** Sends over the data channel (throws when it is not open). */
  send(data: string): void {
    this.#channel.send(data);
  }

  /** Closes the channel and the connection; `close` is emitted once. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#channel.onclose = null;
    this.#channel.close();
    this.#pc.close();
    this.emit("close");
  }

  #addCandidate(candidate: RTCIceCandidateInit): void {
    this.#pc.addIceCandidate(candidate).catch(() => {
      // A candidate the browser cannot use is skipped, as simple-peer does.
    });
  }

  #maybeConnect(): void {
    const ice = this.#pc.iceConnectionState;
    if (this.#connected || this.#destroyed) return;
    if (ice !== "connected" && ice !== "completed") return;
    if (this.#channel.readyState !== "open") return;
    this.#connected = true;
    this.emit("connect");
  }

  #fail(message: string): void {
    if (this.#destroyed) return;
    this.emit("error", new Error(message));
    this.destroy();
  }
}
