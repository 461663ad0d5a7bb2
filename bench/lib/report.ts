/**
 * Turns the benchmark's per-run results into the markdown report: one table
 * with a row per measure and a column per system (value and ratio to ours),
 * the targets and whether they hold, and the machine it ran on.
 *
 * @module
 */
import type { SystemId } from "./dialects.ts";
import { median } from "./stats.ts";

/** One row of the table: a measure, its unit, and one sample list per system. */
export interface MeasureRow {
  /** Section heading the row belongs to. */
  section: string;
  /** What is measured, with its unit. */
  label: string;
  /** Samples (one per run) for each system; missing: not applicable. */
  samples: Partial<Record<SystemId, number[]>>;
  /** Why a system has no value (shown instead of a number). */
  notApplicable?: Partial<Record<SystemId, string>>;
  /** Digits after the decimal point. @default 0 */
  digits?: number;
}

/** A target from the issue and whether it holds. */
export interface TargetCheck {
  /** The target in words. */
  target: string;
  /** The figures that decide it. */
  evidence: string;
  /** Whether it holds; undefined when it could not be measured. */
  holds: boolean | undefined;
}

/** Everything the report shows. */
export interface ReportInput {
  /** Column order and headings. */
  systems: readonly { id: SystemId; label: string }[];
  /** Rows in order. */
  rows: readonly MeasureRow[];
  /** Targets. */
  targets: readonly TargetCheck[];
  /** Machine and run description lines. */
  machine: readonly string[];
  /** Notes under the table. */
  notes: readonly string[];
}

/**
 * Formats a number with thousands separators and `digits` decimals; "—" for
 * NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatNumber } from "./report.ts";
 * assert.equal(formatNumber(12345.678, 1), "12,345.7");
 * ```
 */
export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return "—";
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** The median of a row's samples for one system (NaN when none). */
export function rowMedian(row: MeasureRow, system: SystemId): number {
  return median(row.samples[system] ?? []);
}

function cell(row: MeasureRow, system: SystemId): string {
  const reason = row.notApplicable?.[system];
  if (reason) return reason;
  const value = rowMedian(row, system);
  const text = formatNumber(value, row.digits ?? 0);
  if (system === "ours" || !Number.isFinite(value)) return text;
  const ours = rowMedian(row, "ours");
  if (!Number.isFinite(ours) || ours === 0) return text;
  return `${text} (${formatNumber(value / ours, 2)}×)`;
}

/**
 * Renders the report as markdown.
 *
 * @param input Rows, targets, machine lines and notes.
 * @returns The markdown text.
 */
export function renderReport(input: ReportInput): string {
  const { systems, rows, targets, machine, notes } = input;
  const lines: string[] = [];
  lines.push("### Signaling benchmark", "");
  for (const line of machine) lines.push(`- ${line}`);
  lines.push("");
  lines.push(
    `| Measure | ${systems.map((s) => s.label).join(" | ")} |`,
    `| --- | ${systems.map(() => "---:").join(" | ")} |`,
  );
  let section = "";
  for (const row of rows) {
    if (row.section !== section) {
      section = row.section;
      lines.push(`| **${section}** |${systems.map(() => " |").join("")}`);
    }
    lines.push(
      `| ${row.label} | ${systems.map((s) => cell(row, s.id)).join(" | ")} |`,
    );
  }
  lines.push(
    "",
    "(×) is that system's figure divided by ours. Medians of the runs.",
    "",
    "#### Targets",
    "",
    "| Target | Measured | Holds |",
    "| --- | --- | :---: |",
  );
  for (const check of targets) {
    const mark = check.holds === undefined
      ? "n/a"
      : check.holds
      ? "yes"
      : "**no**";
    lines.push(`| ${check.target} | ${check.evidence} | ${mark} |`);
  }
  if (notes.length > 0) {
    lines.push("", "#### Notes", "");
    for (const note of notes) lines.push(`- ${note}`);
  }
  return `${lines.join("\n")}\n`;
}
