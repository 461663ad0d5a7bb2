/**
 * The process's open-file limit: read from `/proc/self/limits`, and raised
 * (soft up to hard) at start. Deno has no `setrlimit`; `prlimit` (util-linux)
 * can change a running process's limits, so it is used when the process
 * may run it (`--allow-run=prlimit`). Every socket is a file descriptor, so
 * the connection cap is kept well below whatever limit stays.
 *
 * @module
 */

/** Soft and hard limits on open files. */
export interface OpenFileLimit {
  /** The limit in force. */
  soft: number;
  /** How far an unprivileged process may raise it. */
  hard: number;
}

/**
 * Parses the "Max open files" row of `/proc/<pid>/limits`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseLimits } from "./open_file_limit.ts";
 * const text = "Limit  Soft Limit  Hard Limit  Units\nMax open files  1024  524288  files\n";
 * assert.deepEqual(parseLimits(text), { soft: 1024, hard: 524288 });
 * ```
 */
export function parseLimits(text: string): OpenFileLimit | undefined {
  const row = text.match(/^Max open files\s+(\S+)\s+(\S+)/m);
  if (!row) return undefined;
  const value = (s: string) => s === "unlimited" ? Infinity : Number(s);
  const soft = value(row[1]);
  const hard = value(row[2]);
  return Number.isNaN(soft) || Number.isNaN(hard) ? undefined : { soft, hard };
}

/**
 * The limit now, or undefined where it cannot be read. `/proc/self` needs
 * `--allow-all` in Deno, so with narrower permissions `prlimit` reads it.
 */
export async function readOpenFileLimit(): Promise<OpenFileLimit | undefined> {
  const path = "/proc/self/limits";
  if (Deno.permissions.querySync({ name: "read", path }).state === "granted") {
    try {
      return parseLimits(Deno.readTextFileSync(path));
    } catch {
      // Fall through to prlimit.
    }
  }
  const output = await runPrlimit([
    "--nofile",
    "--raw",
    "--noheadings",
    "--output=SOFT,HARD",
  ]);
  if (!output?.success) return undefined;
  const [soft, hard] = output.text.trim().split(/\s+/).map((s) =>
    s === "unlimited" ? Infinity : Number(s)
  );
  return Number.isNaN(soft) || Number.isNaN(hard) || hard === undefined
    ? undefined
    : { soft, hard };
}

/** Runs prlimit on this process when allowed; undefined when not allowed or absent. */
async function runPrlimit(
  args: string[],
): Promise<{ success: boolean; text: string } | undefined> {
  const run = Deno.permissions.querySync({ name: "run", command: "prlimit" });
  if (run.state !== "granted") return undefined;
  try {
    const { success, stdout, stderr } = await new Deno.Command("prlimit", {
      args: [`--pid=${Deno.pid}`, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { success, text: success ? decode(stdout) : decode(stderr).trim() };
  } catch {
    return undefined;
  }
}

/** What {@link raiseOpenFileLimit} did. */
export interface RaiseResult {
  /** The limit before, if it could be read. */
  before?: OpenFileLimit;
  /** The limit after, if it could be read. */
  after?: OpenFileLimit;
  /** Why it was not raised, when it was not. */
  note?: string;
}

/** Raises the soft open-file limit to the hard one where allowed. */
export async function raiseOpenFileLimit(): Promise<RaiseResult> {
  const before = await readOpenFileLimit();
  if (!before) {
    return { note: "cannot read it (allow --allow-run=prlimit)" };
  }
  if (before.soft >= before.hard || !Number.isFinite(before.hard)) {
    return { before, after: before, note: "already at the hard limit" };
  }
  const hard = String(before.hard);
  const result = await runPrlimit([`--nofile=${hard}:${hard}`]);
  const after = await readOpenFileLimit() ?? before;
  if (!result) return { before, after, note: "no --allow-run=prlimit" };
  return result.success
    ? { before, after }
    : { before, after, note: result.text };
}

/**
 * Connections allowed at once: `configured`, but at most three quarters of
 * the soft open-file limit (every socket is a descriptor; files, the
 * listener and the runtime need the rest).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connectionBudget } from "./open_file_limit.ts";
 * assert.equal(connectionBudget(20_000, { soft: 1024, hard: 1024 }), 768);
 * assert.equal(connectionBudget(100, undefined), 100);
 * ```
 */
export function connectionBudget(
  configured: number,
  limit: OpenFileLimit | undefined,
): number {
  if (!limit || !Number.isFinite(limit.soft)) return configured;
  return Math.max(1, Math.min(configured, Math.floor(limit.soft * 0.75)));
}
