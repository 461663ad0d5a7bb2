/**
 * How a client speaks to each benchmarked signaling server: the same join
 * (offer to the host, answer back, trickle candidates each way) in each
 * system's own protocol.
 *
 * - ours and bare: our protocol (`createRoom`, `joinRoom`, `offerResponse`,
 *   `signal`, `relay`).
 * - seed: the seed article's three actions. It has no candidate message, so
 *   candidates travel as a seed client with trickle would send them: an extra
 *   `joinRoom` whose `offer` is the candidate (player to host) and an extra
 *   `offerResponse` whose `response` is the candidate (host to player).
 * - peerjs: PeerJS's server protocol (`OPEN`, then `OFFER`/`ANSWER`/
 *   `CANDIDATE` with `dst`; the server adds `src`). A "room" is the host's
 *   peer id. Payloads are shaped as the PeerJS client sends them.
 *
 * @module
 */
import type { SignalData } from "./sample_signals.ts";

/** The systems the benchmark compares. */
export type SystemId = "ours" | "peerjs" | "seed" | "bare";

/** A decoded frame from a server. */
export type Frame = Record<string, unknown>;

/** A signal the host received, and from which player. */
export interface HostInbound {
  /** Player name (ours, bare, seed) or peer id (peerjs). */
  player: string;
  /** The offer or candidate. */
  data: SignalData;
}

/** One system's client side of the join, as frames to send and parse. */
export interface Dialect {
  /** WebSocket path (with query) for the host. */
  hostPath(hostId: string): string;
  /** WebSocket path (with query) for a player. */
  playerPath(playerId: string): string;
  /** First frame the host sends, if any. */
  createRoom(): string | undefined;
  /** The room id once this frame confirms the host, else undefined. */
  roomFrom(frame: Frame, hostId: string): string | undefined;
  /**
   * The player's join frame carrying its offer; `canMove` declares that
   * the player follows a move to its room's owner (ours only).
   */
  join(
    room: string,
    playerId: string,
    offer: SignalData,
    canMove?: boolean,
  ): string;
  /** The owner's socket URL when this frame moves the player, else undefined. */
  moveFrom?(frame: Frame): string | undefined;
  /** A later signal from player to host (a trickle candidate). */
  playerSignal(room: string, playerId: string, data: SignalData): string;
  /** A signal from host to player (the answer or a candidate). */
  hostSignal(room: string, playerId: string, data: SignalData): string;
  /** A relayed game message from player to host, when the system relays. */
  playerRelay?(data: unknown): string;
  /** A relayed game message from host to player, when the system relays. */
  hostRelay?(playerId: string, data: unknown): string;
  /** The offer or candidate this host frame carries, else undefined. */
  hostInbound(frame: Frame): HostInbound | undefined;
  /** Why the server refused something, if this frame says so. */
  errorFrom(frame: Frame): string | undefined;
  /** The answer or candidate this player frame carries, else undefined. */
  playerInbound(frame: Frame): SignalData | undefined;
  /** The relayed game message in a host frame, else undefined. */
  hostRelayInbound?(
    frame: Frame,
  ): { player: string; data: unknown } | undefined;
  /** The relayed game message in a player frame, else undefined. */
  playerRelayInbound?(frame: Frame): unknown;
}

function asSignal(value: unknown): SignalData | undefined {
  return typeof value === "object" && value !== null
    ? value as SignalData
    : undefined;
}

/** Our protocol; the bare relay speaks the same frames. */
const OUR_DIALECT: Dialect = {
  errorFrom: (frame) =>
    frame.type === "error" ? `${frame.val}: ${frame.message}` : undefined,
  hostPath: () => "/",
  playerPath: () => "/",
  createRoom: () => JSON.stringify({ action: "createRoom" }),
  roomFrom: (frame) =>
    frame.type === "confirmRoom" ? String(frame.room) : undefined,
  join: (room, username, offer, canMove) =>
    JSON.stringify(
      canMove
        ? { action: "joinRoom", room, username, offer, canMove }
        : { action: "joinRoom", room, username, offer },
    ),
  moveFrom: (frame) =>
    frame.type === "moveTo" && typeof frame.url === "string"
      ? frame.url
      : undefined,
  playerSignal: (_room, _username, data) =>
    JSON.stringify({ action: "signal", data }),
  hostSignal: (_room, clientUsername, data) =>
    data.type === "answer"
      ? JSON.stringify({
        action: "offerResponse",
        clientUsername,
        response: data,
      })
      : JSON.stringify({ action: "signal", clientUsername, data }),
  playerRelay: (data) => JSON.stringify({ action: "relay", data }),
  hostRelay: (clientUsername, data) =>
    JSON.stringify({ action: "relay", clientUsername, data }),
  hostInbound: (frame) => {
    if (frame.type === "offer") {
      const { clientUsername, ...data } = frame;
      return { player: String(clientUsername), data: data as SignalData };
    }
    if (frame.type === "signal") {
      const data = asSignal(frame.data);
      return data ? { player: String(frame.clientUsername), data } : undefined;
    }
    return undefined;
  },
  playerInbound: (frame) => {
    if (frame.type === "answer") return frame as SignalData;
    if (frame.type === "signal") return asSignal(frame.data);
    return undefined;
  },
  hostRelayInbound: (frame) =>
    frame.type === "relay"
      ? { player: String(frame.clientUsername), data: frame.data }
      : undefined,
  playerRelayInbound: (frame) =>
    frame.type === "relay" ? frame.data : undefined,
};

/** The seed article's protocol. */
const SEED_DIALECT: Dialect = {
  errorFrom: () => undefined,
  hostPath: () => "/",
  playerPath: () => "/",
  createRoom: () => JSON.stringify({ action: "createRoom" }),
  roomFrom: (frame) =>
    frame.type === "confirmRoom" ? String(frame.room) : undefined,
  join: (room, username, offer) =>
    JSON.stringify({ action: "joinRoom", room, username, offer }),
  playerSignal: (room, username, data) =>
    JSON.stringify({ action: "joinRoom", room, username, offer: data }),
  hostSignal: (_room, clientUsername, data) =>
    JSON.stringify({ action: "offerResponse", clientUsername, response: data }),
  hostInbound: (frame) => {
    if (frame.type !== "offer" && frame.type !== "candidate") return undefined;
    const { clientUsername, ...data } = frame;
    return { player: String(clientUsername), data: data as SignalData };
  },
  playerInbound: (frame) =>
    frame.type === "answer" || frame.type === "candidate"
      ? frame as SignalData
      : undefined,
};

/** PeerJS's own key and the token our bots present. */
const PEERJS_KEY = "peerjs";
const PEERJS_TOKEN = "benchtoken";
const PEERJS_CONNECTION_ID = "dc_benchconnection";

function peerjsPayload(data: SignalData): Record<string, unknown> {
  if (data.type === "candidate") {
    return {
      candidate: data.candidate,
      type: "data",
      connectionId: PEERJS_CONNECTION_ID,
    };
  }
  return {
    sdp: { type: data.type, sdp: data.sdp },
    type: "data",
    connectionId: PEERJS_CONNECTION_ID,
    label: PEERJS_CONNECTION_ID,
    reliable: true,
    serialization: "binary",
    browser: "chrome",
  };
}

function peerjsMessage(dst: string, data: SignalData): string {
  const type = data.type === "candidate"
    ? "CANDIDATE"
    : data.type === "answer"
    ? "ANSWER"
    : "OFFER";
  return JSON.stringify({ type, payload: peerjsPayload(data), dst });
}

function peerjsSignal(frame: Frame): SignalData | undefined {
  const payload = frame.payload as Record<string, unknown> | undefined;
  if (!payload) return undefined;
  if (frame.type === "CANDIDATE") {
    return {
      type: "candidate",
      candidate: payload.candidate as SignalData["candidate"],
    };
  }
  if (frame.type === "OFFER" || frame.type === "ANSWER") {
    return asSignal(payload.sdp);
  }
  return undefined;
}

/** PeerJS server protocol. */
const PEERJS_DIALECT: Dialect = {
  errorFrom: (frame) =>
    frame.type === "ERROR" || frame.type === "ID-TAKEN"
      ? JSON.stringify(frame.payload)
      : undefined,
  hostPath: (id) => `/peerjs?key=${PEERJS_KEY}&id=${id}&token=${PEERJS_TOKEN}`,
  playerPath: (id) =>
    `/peerjs?key=${PEERJS_KEY}&id=${id}&token=${PEERJS_TOKEN}`,
  createRoom: () => undefined,
  roomFrom: (frame, hostId) => frame.type === "OPEN" ? hostId : undefined,
  join: (room, _playerId, offer) => peerjsMessage(room, offer),
  playerSignal: (room, _playerId, data) => peerjsMessage(room, data),
  hostSignal: (_room, playerId, data) => peerjsMessage(playerId, data),
  hostInbound: (frame) => {
    const data = peerjsSignal(frame);
    return data ? { player: String(frame.src), data } : undefined;
  },
  playerInbound: peerjsSignal,
};

/** The dialect for each system. */
export const DIALECTS: Readonly<Record<SystemId, Dialect>> = {
  ours: OUR_DIALECT,
  bare: OUR_DIALECT,
  seed: SEED_DIALECT,
  peerjs: PEERJS_DIALECT,
};

/**
 * Narrows a string to a {@link SystemId}.
 *
 * @param value Text from the command line.
 * @returns The system id.
 * @throws {RangeError} When `value` names no system.
 */
export function toSystemId(value: string): SystemId {
  if (value in DIALECTS) return value as SystemId;
  throw new RangeError(`Unknown system "${value}"`);
}
