/**
 * Real WebRTC bots for tests: a host and players that connect through the
 * signaling server with simple-peer (trickle on) and node WebRTC.
 *
 * @module
 */
// @ts-types="npm:@types/simple-peer@9.11.9"
import Peer from "simple-peer";
import wrtc from "@roamhq/wrtc";
import { type Received, WsClient } from "./ws_client.ts";

type SimplePeer = Peer.Instance;

/** Resolves when `emitter` emits `event`, or rejects after a timeout. */
function once(peer: SimplePeer, event: "connect", timeoutMs = 5_000) {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${event} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    peer.once(event, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A host bot: creates a room and answers every player's offer. */
export class HostBot {
  readonly peers = new Map<string, SimplePeer>();
  readonly messages: { from: string; data: string }[] = [];
  room = "";
  #onConnect: ((name: string) => void)[] = [];

  private constructor(readonly ws: WsClient) {}

  /** The host's secret for reclaiming the room. */
  hostToken = "";

  /** Connects and creates a room. */
  static async open(url: string): Promise<HostBot> {
    return await HostBot.#start(url, { action: "createRoom" });
  }

  /**
   * Connects and takes a room back with its host token (after the host's
   * socket or its server went away).
   * @throws Error with the server's answer when it is not `confirmRoom`.
   */
  static async reclaim(
    url: string,
    room: string,
    hostToken: string,
  ): Promise<HostBot> {
    return await HostBot.#start(url, {
      action: "reclaimRoom",
      room,
      hostToken,
    });
  }

  static async #start(url: string, first: object): Promise<HostBot> {
    const ws = await WsClient.connect(url);
    const bot = new HostBot(ws);
    ws.send(first);
    const answer = await ws.next((m) =>
      m.type === "confirmRoom" || m.type === "error"
    ).catch(async (error) => {
      await ws.close();
      throw error;
    });
    if (answer.type !== "confirmRoom") {
      await ws.close();
      throw new Error(`host refused: ${JSON.stringify(answer)}`);
    }
    bot.room = String(answer.room);
    bot.hostToken = String(answer.hostToken);
    ws.socket.addEventListener("message", (event) => {
      bot.#onSignal(JSON.parse(String(event.data)) as Received);
    });
    return bot;
  }

  #onSignal(msg: Received): void {
    const name = typeof msg.clientUsername === "string"
      ? msg.clientUsername
      : undefined;
    if (!name) return;
    let data: Peer.SignalData | undefined;
    if (msg.type === "offer") {
      const { clientUsername: _, ...offer } = msg;
      data = offer as Peer.SignalData;
      // A fresh offer is a fresh connection: replace any old peer.
      this.peers.get(name)?.destroy();
      this.peers.set(name, this.#newPeer(name));
    } else if (msg.type === "signal") {
      data = msg.data as Peer.SignalData;
    } else {
      return;
    }
    // A peer that closed itself (its player went away) takes no late signals.
    const peer = this.peers.get(name);
    if (peer && !peer.destroyed) peer.signal(data);
  }

  #newPeer(name: string): SimplePeer {
    const peer = new Peer({ initiator: false, trickle: true, wrtc });
    peer.on("signal", (data: Peer.SignalData) => {
      if (this.peers.get(name) !== peer) return;
      if (data.type === "answer") {
        this.ws.send({
          action: "offerResponse",
          clientUsername: name,
          response: data,
        });
      } else {
        this.ws.send({ action: "signal", clientUsername: name, data });
      }
    });
    peer.on("connect", () => this.#onConnect.forEach((fn) => fn(name)));
    peer.on("data", (data: Uint8Array) => {
      this.messages.push({ from: name, data: new TextDecoder().decode(data) });
    });
    peer.on("error", () => {});
    return peer;
  }

  /** Waits until the data channel with `name` is open. */
  connected(name: string, timeoutMs = 5_000): Promise<void> {
    const peer = this.peers.get(name);
    if (peer?.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`host: no channel with ${name}`)),
        timeoutMs,
      );
      this.#onConnect.push((n) => {
        if (n === name) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  /** Sends text to one player over its data channel. */
  send(name: string, text: string): void {
    const peer = this.peers.get(name);
    if (!peer) throw new Error(`host: no peer ${name}`);
    peer.send(text);
  }

  /** Destroys every peer and closes the socket. */
  async close(): Promise<void> {
    for (const peer of this.peers.values()) peer.destroy();
    await this.ws.close();
  }
}

/** A player bot: joins with an offer and talks to the host peer-to-peer. */
export class PlayerBot {
  readonly messages: string[] = [];
  joined: Received = {};

  private constructor(readonly ws: WsClient, readonly peer: SimplePeer) {}

  /**
   * Joins `room` as `username` and waits for the data channel to open.
   * @param reconnectToken Token from an earlier `joined`, to take the seat back.
   */
  static async join(
    url: string,
    room: string,
    username: string,
    reconnectToken?: string,
  ): Promise<PlayerBot> {
    const ws = await WsClient.connect(url);
    const peer = new Peer({ initiator: true, trickle: true, wrtc });
    const bot = new PlayerBot(ws, peer);
    // Candidates can be emitted before the offer: hold them until the
    // join (which carries the offer) has gone out.
    let held: Peer.SignalData[] | undefined = [];
    peer.on("signal", (data: Peer.SignalData) => {
      if (held && data.type === "offer") {
        ws.send({
          action: "joinRoom",
          room,
          username,
          offer: data,
          reconnectToken,
        });
        for (const early of held) ws.send({ action: "signal", data: early });
        held = undefined;
      } else if (held) {
        held.push(data);
      } else {
        ws.send({ action: "signal", data });
      }
    });
    peer.on(
      "data",
      (data: Uint8Array) => bot.messages.push(new TextDecoder().decode(data)),
    );
    peer.on("error", () => {});
    ws.socket.addEventListener("message", (event) => {
      const msg = JSON.parse(String(event.data)) as Received;
      if (peer.destroyed) return;
      if (msg.type === "answer") peer.signal(msg as Peer.SignalData);
      if (msg.type === "signal") peer.signal(msg.data as Peer.SignalData);
    });
    bot.joined = await ws.next((m) =>
      m.type === "joined" || m.type === "error"
    );
    if (bot.joined.type === "error") {
      peer.destroy();
      await ws.close();
      throw new Error(`join refused: ${JSON.stringify(bot.joined)}`);
    }
    try {
      await once(peer, "connect");
    } catch (error) {
      // Free the seat, so a retry can take it again.
      peer.destroy();
      await ws.close();
      throw error;
    }
    return bot;
  }

  /** Sends text to the host over the data channel. */
  send(text: string): void {
    this.peer.send(text);
  }

  /** Waits until a message satisfying `predicate` has arrived. */
  async waitFor(predicate: (text: string) => boolean, timeoutMs = 3_000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.messages.some(predicate)) {
      if (Date.now() > deadline) {
        throw new Error("player: message not received");
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Destroys the peer and closes the socket. */
  async close(): Promise<void> {
    this.peer.destroy();
    await this.ws.close();
  }
}
