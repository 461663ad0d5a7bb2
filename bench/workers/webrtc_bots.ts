/**
 * Time to play and input latency, with real WebRTC (npm:@roamhq/wrtc and
 * npm:simple-peer, trickle ICE) over each server's signaling.
 *
 * Time to play: a host bot creates a room; then N phone bots join at once.
 * Each bot's time runs from opening its signaling socket to its data channel
 * opening (simple-peer's `connect`).
 *
 * Input latency: one phone bot sends `{t:"ping"}` and the host bot answers
 * `{t:"pong"}`, one at a time: over the data channel (P2P), and over the
 * server's relay (`relay` action) when the system has one.
 *
 * Every signal is filtered to loopback candidates, so WebRTC traffic stays
 * on 127.0.0.1 / ::1. Signaling sockets are npm:ws (TCP_NODELAY).
 *
 * Prints one JSON line: {@link WebRtcResult}.
 *
 * @module
 */
import { parseArgs } from "node:util";
// @ts-types="@types/simple-peer"
import SimplePeer from "simple-peer";
import wrtc from "@roamhq/wrtc";
import {
  DIALECTS,
  type Frame,
  type SystemId,
  toSystemId,
} from "../lib/dialects.ts";
import { loopbackOnly, type SignalData } from "../lib/sample_signals.ts";
import { percentile } from "../lib/stats.ts";
import { type ClientSocket, openSocket } from "../lib/ws_client.ts";

/** A bot that has not connected by then has failed, in ms. */
const CONNECT_TIMEOUT_MS = 15_000;
/** A round trip that takes longer than this has failed, in ms. */
const ROUND_TRIP_TIMEOUT_MS = 5_000;
/** Round trips before measuring. */
const WARMUP_ROUND_TRIPS = 10;
/**
 * Pause between round trips, in ms. Phones send input a few dozen times a
 * second, and our server allows 40 messages/s per socket (burst 120).
 */
const ROUND_TRIP_GAP_MS = 10;

/** Time to play for one N. */
export interface TimeToPlay {
  /** Bots joining at once. */
  bots: number;
  /** Median time from signaling socket to open data channel, in ms. */
  p50Ms: number;
  /** 99th percentile (the slowest of up to 100 bots), in ms. */
  p99Ms: number;
  /** The slowest bot, in ms. */
  maxMs: number;
  /** Bots that did not connect. */
  failures: number;
}

/** Round-trip percentiles, in ms. */
export interface RoundTrip {
  /** Median. */
  p50Ms: number;
  /** 99th percentile. */
  p99Ms: number;
}

/** What the worker prints. */
export interface WebRtcResult {
  /** One entry per N. */
  timeToPlay: TimeToPlay[];
  /** Data-channel round trip host↔phone. */
  p2p?: RoundTrip;
  /** Round trip through the server's relay; absent when it has none. */
  relay?: RoundTrip;
  /** First failure, if any. */
  firstError?: string;
}

type Peer = SimplePeer.Instance;

function newPeer(initiator: boolean): Peer {
  return new SimplePeer({ initiator, trickle: true, wrtc });
}

/** Waits for `promise`, failing after `ms` with `what` in the message. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The host bot: one signaling socket, one peer per phone. */
class HostBot {
  readonly peers = new Map<string, Peer>();
  readonly #system: SystemId;
  #socket?: ClientSocket;
  #closed = false;
  room = "";
  /** Called with each relayed game message. */
  onRelay: (player: string, data: unknown) => void = () => {};

  constructor(system: SystemId) {
    this.#system = system;
  }

  async open(baseUrl: string, hostId: string): Promise<void> {
    const dialect = DIALECTS[this.#system];
    const { promise: ready, resolve } = Promise.withResolvers<string>();
    this.#socket = await openSocket(`${baseUrl}${dialect.hostPath(hostId)}`, {
      onFrame: (frame) => {
        const room = dialect.roomFrom(frame, hostId);
        if (room !== undefined) return resolve(room);
        const relayed = dialect.hostRelayInbound?.(frame);
        if (relayed) return this.onRelay(relayed.player, relayed.data);
        const inbound = dialect.hostInbound(frame);
        if (inbound) this.#onSignal(inbound.player, inbound.data);
      },
    });
    const create = dialect.createRoom();
    if (create) this.#socket.send(create);
    this.room = await ready;
  }

  #onSignal(player: string, data: SignalData): void {
    if (this.#closed) return;
    let peer = this.peers.get(player);
    if (!peer) {
      const dialect = DIALECTS[this.#system];
      const created = newPeer(false);
      created.on("signal", (out: SignalData) => {
        const filtered = loopbackOnly(out);
        if (filtered) {
          this.#socket?.send(dialect.hostSignal(this.room, player, filtered));
        }
      });
      created.on("data", (chunk: Uint8Array) => {
        const message = JSON.parse(new TextDecoder().decode(chunk));
        if (message.t === "ping") {
          created.send(JSON.stringify({ t: "pong", id: message.id }));
        }
      });
      created.on("error", () => {});
      this.peers.set(player, created);
      peer = created;
    }
    if (!peer.destroyed) peer.signal(data as SimplePeer.SignalData);
  }

  relayTo(player: string, data: unknown): void {
    const line = DIALECTS[this.#system].hostRelay?.(player, data);
    if (line) this.#socket?.send(line);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const peer of this.peers.values()) peer.destroy();
    this.peers.clear();
    this.#socket?.close();
    await this.#socket?.closed;
  }
}

/** A phone bot: a signaling socket and one initiating peer. */
class PhoneBot {
  readonly peer: Peer = newPeer(true);
  readonly connected: Promise<number>;
  socket?: ClientSocket;
  /** Called with each relayed game message. */
  onRelay: (data: unknown) => void = () => {};
  readonly #system: SystemId;
  readonly #id: string;

  readonly #outbox: SignalData[] = [];
  #refuse: (reason: string) => void = () => {};
  #sentOffer = false;
  #room = "";

  constructor(system: SystemId, id: string) {
    this.#system = system;
    this.#id = id;
    this.peer.on("error", () => {});
    // The offer may come before the socket is open: queue until then.
    this.peer.on("signal", (out: SignalData) => {
      const filtered = loopbackOnly(out);
      if (filtered) this.#outbox.push(filtered);
      this.#flush();
    });
    this.connected = new Promise((resolve, reject) => {
      this.peer.once("connect", () => resolve(performance.now()));
      this.#refuse = (reason) => reject(new Error(`server refused: ${reason}`));
    });
  }

  /** Sends queued signals: the offer inside the join, then the rest. */
  #flush(): void {
    if (!this.socket) return;
    const dialect = DIALECTS[this.#system];
    if (!this.#sentOffer) {
      const at = this.#outbox.findIndex((data) => data.type === "offer");
      if (at < 0) return;
      const [offer] = this.#outbox.splice(at, 1);
      this.socket.send(dialect.join(this.#room, this.#id, offer));
      this.#sentOffer = true;
    }
    for (const data of this.#outbox.splice(0)) {
      this.socket.send(dialect.playerSignal(this.#room, this.#id, data));
    }
  }

  /** Joins `room`; resolves when the data channel is open, with the time. */
  async join(baseUrl: string, room: string): Promise<number> {
    const dialect = DIALECTS[this.#system];
    this.#room = room;
    this.socket = await openSocket(
      `${baseUrl}${dialect.playerPath(this.#id)}`,
      {
        onFrame: (frame: Frame) => {
          const refused = dialect.errorFrom(frame);
          if (refused !== undefined) return this.#refuse(refused);
          const relayed = dialect.playerRelayInbound?.(frame);
          if (relayed !== undefined) return this.onRelay(relayed);
          const data = dialect.playerInbound(frame);
          if (data && !this.peer.destroyed) {
            this.peer.signal(data as SimplePeer.SignalData);
          }
        },
      },
    );
    this.#flush();
    return await within(this.connected, CONNECT_TIMEOUT_MS, "data channel");
  }

  async close(): Promise<void> {
    this.peer.destroy();
    this.socket?.close();
    await this.socket?.closed;
  }
}

/** Measures `count` sequential round trips of `send` → answer. */
async function roundTrips(
  count: number,
  send: (id: number) => void,
  answers: { resolve?: (id: number) => void },
): Promise<RoundTrip> {
  const samples: number[] = [];
  for (let id = 0; id < count + WARMUP_ROUND_TRIPS; id++) {
    const { promise, resolve } = Promise.withResolvers<number>();
    answers.resolve = resolve;
    const started = performance.now();
    send(id);
    await within(promise, ROUND_TRIP_TIMEOUT_MS, "round trip");
    if (id >= WARMUP_ROUND_TRIPS) samples.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, ROUND_TRIP_GAP_MS));
  }
  return { p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99) };
}

/** Settings for one run. */
export interface WebRtcOptions {
  /** System under test. */
  system: SystemId;
  /** `ws://127.0.0.1:<port>`. */
  baseUrl: string;
  /** Bot counts for time to play. */
  botCounts: number[];
  /** Round trips per latency measure. */
  roundTrips: number;
}

let nextId = 0;

/** One time-to-play round: a fresh room, N bots at once. */
async function timeToPlay(
  options: WebRtcOptions,
  bots: number,
  errors: string[],
): Promise<TimeToPlay> {
  const host = new HostBot(options.system);
  const phones = Array.from(
    { length: bots },
    () => new PhoneBot(options.system, `b${bots}x${nextId++}`),
  );
  try {
    await host.open(options.baseUrl, `host${nextId++}`);
    const times = await Promise.all(phones.map(async (phone) => {
      const started = performance.now();
      try {
        return await phone.join(options.baseUrl, host.room) - started;
      } catch (error) {
        errors.push(String(error));
        return NaN;
      }
    }));
    const ok = times.filter(Number.isFinite);
    return {
      bots,
      p50Ms: percentile(ok, 50),
      p99Ms: percentile(ok, 99),
      maxMs: percentile(ok, 100),
      failures: bots - ok.length,
    };
  } finally {
    await Promise.all(phones.map((phone) => phone.close()));
    await host.close();
  }
}

/** Input latency: one phone, P2P then relay. */
async function inputLatency(
  options: WebRtcOptions,
): Promise<Pick<WebRtcResult, "p2p" | "relay">> {
  const host = new HostBot(options.system);
  const phone = new PhoneBot(options.system, `lat${nextId++}`);
  try {
    await host.open(options.baseUrl, `host${nextId++}`);
    await phone.join(options.baseUrl, host.room);
    const answers: { resolve?: (id: number) => void } = {};
    phone.peer.on("data", (chunk: Uint8Array) => {
      const message = JSON.parse(new TextDecoder().decode(chunk));
      if (message.t === "pong") answers.resolve?.(message.id);
    });
    const p2p = await roundTrips(
      options.roundTrips,
      (id) => phone.peer.send(JSON.stringify({ t: "ping", id })),
      answers,
    );
    const dialect = DIALECTS[options.system];
    if (!dialect.playerRelay || !phone.socket) return { p2p };
    const socket = phone.socket;
    const playerRelay = dialect.playerRelay;
    host.onRelay = (player, data) => {
      const message = data as { t?: string; id?: number };
      if (message.t === "ping") {
        host.relayTo(player, { t: "pong", id: message.id });
      }
    };
    phone.onRelay = (data) => {
      const message = data as { t?: string; id?: number };
      if (message.t === "pong") answers.resolve?.(message.id ?? -1);
    };
    const relay = await roundTrips(
      options.roundTrips,
      (id) => socket.send(playerRelay({ t: "ping", id })),
      answers,
    );
    return { p2p, relay };
  } finally {
    await phone.close();
    await host.close();
  }
}

/**
 * Runs time to play for each N, then input latency.
 *
 * @param options What to run against.
 * @returns The measured figures.
 */
export async function measureWebRtc(
  options: WebRtcOptions,
): Promise<WebRtcResult> {
  const errors: string[] = [];
  const results: TimeToPlay[] = [];
  for (const bots of options.botCounts) {
    results.push(await timeToPlay(options, bots, errors));
  }
  let latency: Pick<WebRtcResult, "p2p" | "relay"> = {};
  try {
    latency = await inputLatency(options);
  } catch (error) {
    errors.push(String(error));
  }
  return { timeToPlay: results, ...latency, firstError: errors[0] };
}

if (import.meta.main) {
  // wrtc can reject or throw from native callbacks while peers are torn
  // down; report it on stderr and keep measuring instead of dying.
  globalThis.addEventListener("unhandledrejection", (event) => {
    console.error("webrtc_bots: unhandled rejection:", event.reason);
    event.preventDefault();
  });
  globalThis.addEventListener("error", (event) => {
    console.error("webrtc_bots: uncaught error:", event.error ?? event.message);
    event.preventDefault();
  });
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      system: { type: "string", default: "" },
      url: { type: "string", default: "" },
      bots: { type: "string", default: "1,8,16" },
      "round-trips": { type: "string", default: "100" },
    },
  });
  const result = await measureWebRtc({
    system: toSystemId(values.system),
    baseUrl: values.url,
    botCounts: values.bots.split(",").map(Number),
    roundTrips: Number(values["round-trips"]),
  });
  console.log(JSON.stringify(result));
  // wrtc keeps native threads alive after every peer is destroyed.
  Deno.exit(0);
}
