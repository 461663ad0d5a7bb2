/**
 * The room bus's figures in the Prometheus text format, to append to
 * `/metrics`.
 *
 * @module
 */
import type { BusFigures, BusHealth } from "./room_bus.ts";
import {
  instanceLabel,
  type MetricKind,
  PrometheusText,
} from "../prometheus_text.ts";

/**
 * Renders the bus's health and figures, labelled with the instance id.
 *
 * @param instanceId This instance's id.
 * @param figures From `bus.figures()`.
 * @param health From `bus.health()`.
 * @returns Prometheus text lines, ending with a newline.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderBusMetrics } from "./bus_metrics.ts";
 * const text = renderBusMetrics("i-1", {
 *   messagesIn: 3, messagesOut: 4, messagesRefused: 0,
 *   publishesIn: 2, publishesOut: 3, roundTripMs: NaN, roomsOwned: 2,
 * }, { up: true, since: 0 });
 * assert.match(text, /^pizza_bus_up\{instance="i-1"\} 1$/m);
 * assert.match(text, /^pizza_rooms_owned_here\{instance="i-1"\} 2$/m);
 * assert.doesNotMatch(text, /round_trip/);
 * ```
 */
export function renderBusMetrics(
  instanceId: string,
  figures: BusFigures,
  health: BusHealth,
): string {
  const label = instanceLabel(instanceId);
  const text = new PrometheusText();
  const metric = (
    name: string,
    kind: MetricKind,
    help: string,
    value: number,
  ) => text.metric(name, kind, help, value, label);
  metric(
    "pizza_bus_up",
    "gauge",
    "1 when the room bus reaches its store.",
    health.up ? 1 : 0,
  );
  metric(
    "pizza_bus_messages_in_total",
    "counter",
    "Envelopes received from other instances and accepted.",
    figures.messagesIn,
  );
  metric(
    "pizza_bus_messages_out_total",
    "counter",
    "Envelopes published to other instances.",
    figures.messagesOut,
  );
  metric(
    "pizza_bus_publishes_in_total",
    "counter",
    "Texts received on this instance's channel (one envelope or a batch).",
    figures.publishesIn,
  );
  metric(
    "pizza_bus_publishes_out_total",
    "counter",
    "Texts published (PUBLISH commands); envelopes go in batches.",
    figures.publishesOut,
  );
  metric(
    "pizza_bus_messages_refused_total",
    "counter",
    "Envelopes received and refused by their checks.",
    figures.messagesRefused,
  );
  metric(
    "pizza_bus_round_trip_ms",
    "gauge",
    "Last measured round trip through the bus, in ms.",
    figures.roundTripMs,
  );
  metric(
    "pizza_rooms_owned_here",
    "gauge",
    "Room codes this instance owns.",
    figures.roomsOwned,
  );
  return text.render();
}
