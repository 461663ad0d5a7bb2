/**
 * Prometheus text exposition, one metric at a time: `# HELP`, `# TYPE` and
 * the sample line, for `/metrics`.
 *
 * @module
 */

/** A metric's kind as Prometheus names it. */
export type MetricKind = "gauge" | "counter";

/**
 * Collects metrics and renders them as Prometheus text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PrometheusText } from "./prometheus_text.ts";
 * const text = new PrometheusText();
 * text.metric("pizza_rooms", "gauge", "Rooms open now.", 2);
 * text.metric("pizza_rtt_ms", "gauge", "Round trip.", NaN, '{instance="a"}');
 * assert.equal(
 *   text.render(),
 *   "# HELP pizza_rooms Rooms open now.\n# TYPE pizza_rooms gauge\npizza_rooms 2\n",
 * );
 * ```
 */
export class PrometheusText {
  #lines: string[] = [];

  /**
   * Adds one metric with its help line; a value that is not finite (no
   * measure yet) is left out.
   *
   * @param labels The label set, e.g. `{instance="a"}`, or "" for none.
   */
  metric(
    name: string,
    kind: MetricKind,
    help: string,
    value: number,
    labels = "",
  ): void {
    if (!Number.isFinite(value)) return;
    this.#lines.push(
      `# HELP ${name} ${help}`,
      `# TYPE ${name} ${kind}`,
      `${name}${labels} ${value}`,
    );
  }

  /** Adds lines as they are (a metric with several label sets). */
  raw(...lines: string[]): void {
    this.#lines.push(...lines);
  }

  /** The text, ending with a newline. */
  render(): string {
    return this.#lines.join("\n") + "\n";
  }
}

/**
 * The label set naming an instance, with characters Prometheus would reject
 * replaced.
 */
export function instanceLabel(instanceId: string): string {
  return `{instance="${instanceId.replace(/["\\\n]/g, "_")}"}`;
}
