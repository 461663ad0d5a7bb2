/**
 * Server counters, rendered in the Prometheus text format at `/metrics`.
 *
 * @module
 */
import type { ErrorCode } from "../protocol/mod.ts";
import {
  instanceLabel,
  type MetricKind,
  PrometheusText,
} from "./prometheus_text.ts";

/** The room bus's gauges and counters, per instance, as `/metrics` prints them. */
export interface BusGauges {
  /** This instance's id. */
  instanceId: string;
  /** Whether the bus reaches Redis. */
  busUp: boolean;
  /** Envelopes received on this instance's channel and accepted. */
  messagesIn: number;
  /** Envelopes published by this instance. */
  messagesOut: number;
  /** Envelopes received and refused by their checks. */
  messagesRefused: number;
  /** Last measured round trip through the bus, in ms (NaN before any). */
  roundTripMs: number;
  /** Codes this instance owns now. */
  roomsOwned: number;
  /** Rooms other instances own that sockets here are forwarded to. */
  roomsElsewhere: number;
  /** Sockets here whose room is on another instance. */
  socketsForwarded: number;
  /** Sockets of other instances in rooms owned here. */
  remoteSockets: number;
}

/** Gauges read at scrape time. */
export interface GaugeSnapshot {
  /** The room bus's figures, when a bus runs. */
  bus?: BusGauges;
  /** Rooms open now. */
  rooms: number;
  /** WebSocket connections open now. */
  connections: number;
  /** Players in all rooms, connected or not. */
  players: number;
}

/**
 * Counts what the server did. One instance per server; no global state.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Metrics } from "./metrics.ts";
 * const metrics = new Metrics();
 * metrics.countError("wrong room");
 * const text = metrics.render({ rooms: 1, connections: 2, players: 1 });
 * assert.match(text, /pizza_errors_total\{code="wrong room"\} 1/);
 * ```
 */
export class Metrics {
  /** Rooms created since start. */
  roomsCreated = 0;
  /** Joins accepted since start (new players and reconnects). */
  joins = 0;
  /** Reconnects into an existing player since start. */
  reconnects = 0;
  /** Signaling and game messages relayed between host and players. */
  relayedMessages = 0;
  /** WebSocket connections accepted since start. */
  connectionsOpened = 0;
  /** Upgrades refused because the server was full. */
  connectionsRefused = 0;
  /** Bugs of the server caught at an entry from outside (`fault_boundary.ts`). */
  internalErrors = 0;
  readonly #errors = new Map<ErrorCode, number>();

  /** Counts one error sent to a client. */
  countError(code: ErrorCode): void {
    this.#errors.set(code, (this.#errors.get(code) ?? 0) + 1);
  }

  /** How many errors with `code` were sent. */
  errorCount(code: ErrorCode): number {
    return this.#errors.get(code) ?? 0;
  }

  /** The Prometheus text exposition of every counter and gauge. */
  render(gauges: GaugeSnapshot): string {
    const text = new PrometheusText();
    const metric = text.metric.bind(text);
    metric("pizza_rooms", "gauge", "Rooms open now.", gauges.rooms);
    metric(
      "pizza_connections",
      "gauge",
      "WebSocket connections open now.",
      gauges.connections,
    );
    metric("pizza_players", "gauge", "Players in rooms now.", gauges.players);
    metric(
      "pizza_rooms_created_total",
      "counter",
      "Rooms created.",
      this.roomsCreated,
    );
    metric("pizza_joins_total", "counter", "Joins accepted.", this.joins);
    metric(
      "pizza_reconnects_total",
      "counter",
      "Joins that took back an existing player.",
      this.reconnects,
    );
    metric(
      "pizza_relayed_messages_total",
      "counter",
      "Messages relayed between hosts and players.",
      this.relayedMessages,
    );
    metric(
      "pizza_connections_opened_total",
      "counter",
      "WebSocket connections accepted.",
      this.connectionsOpened,
    );
    metric(
      "pizza_connections_refused_total",
      "counter",
      "WebSocket upgrades refused because the server was full.",
      this.connectionsRefused,
    );
    metric(
      "pizza_internal_errors_total",
      "counter",
      "Bugs of the server caught at an entry (each cost at most one socket or room).",
      this.internalErrors,
    );
    const bus = gauges.bus;
    if (bus) {
      const label = instanceLabel(bus.instanceId);
      const busMetric = (
        name: string,
        kind: MetricKind,
        help: string,
        value: number,
      ) => text.metric(name, kind, help, value, label);
      busMetric(
        "pizza_bus_up",
        "gauge",
        "1 when the room bus reaches its store.",
        bus.busUp ? 1 : 0,
      );
      busMetric(
        "pizza_bus_messages_in_total",
        "counter",
        "Bus envelopes received and accepted.",
        bus.messagesIn,
      );
      busMetric(
        "pizza_bus_messages_out_total",
        "counter",
        "Bus envelopes published.",
        bus.messagesOut,
      );
      busMetric(
        "pizza_bus_messages_refused_total",
        "counter",
        "Bus envelopes refused by their checks.",
        bus.messagesRefused,
      );
      busMetric(
        "pizza_bus_round_trip_ms",
        "gauge",
        "Last round trip through the bus, in ms.",
        bus.roundTripMs,
      );
      busMetric(
        "pizza_bus_rooms_owned",
        "gauge",
        "Rooms this instance owns.",
        bus.roomsOwned,
      );
      busMetric(
        "pizza_bus_rooms_elsewhere",
        "gauge",
        "Rooms other instances own that sockets here are forwarded to.",
        bus.roomsElsewhere,
      );
      busMetric(
        "pizza_bus_sockets_forwarded",
        "gauge",
        "Sockets here whose room is on another instance.",
        bus.socketsForwarded,
      );
      busMetric(
        "pizza_bus_remote_sockets",
        "gauge",
        "Sockets of other instances in rooms owned here.",
        bus.remoteSockets,
      );
    }
    text.raw(
      "# HELP pizza_errors_total Errors sent to clients, by code.",
      "# TYPE pizza_errors_total counter",
    );
    for (const [code, count] of [...this.#errors].sort()) {
      text.raw(`pizza_errors_total{code="${code}"} ${count}`);
    }
    return text.render();
  }
}
