/**
 * Runs `deno task bench --smoke` (seconds long) so the benchmark cannot rot:
 * every system starts, every measure runs, and the table has numbers.
 * Benchmarks never gate CI on their figures; this only checks they exist.
 *
 * @module
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;
/** Columns after the measure's name, in table order. */
const SYSTEM_COUNT = 4;

/** The value cells of the row whose first cell is `label`. */
function rowCells(markdown: string, label: string): string[] {
  const line = markdown.split("\n").find((l) => l.startsWith(`| ${label} |`));
  assert.ok(line, `row "${label}" is missing from:\n${markdown}`);
  return line.split("|").slice(2, -1).map((cell) => cell.trim());
}

Deno.test("bench --smoke prints a table with numbers for every system", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "pizza-bench-smoke-" });
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        "bench/bench.ts",
        "--smoke",
        `--out=${outDir}/smoke.md`,
      ],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(output.stdout);
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, `bench --smoke failed:\n${stderr}`);
    assert.equal(
      await Deno.readTextFile(`${outDir}/smoke.md`),
      `${stdout.trimEnd()}\n`,
    );
    assert.doesNotMatch(stdout, /Failure:/, stdout);

    for (
      const label of [
        "Joins per second",
        "Join latency p99 (ms)",
        "Server CPU per join (µs)",
        "KB per player at 48 players",
        "1 bot at once: p50 (ms)",
        "2 bots at once: p99 (ms)",
        "P2P data channel p50 (ms)",
      ]
    ) {
      const cells = rowCells(stdout, label);
      assert.equal(cells.length, SYSTEM_COUNT, label);
      for (const cell of cells) {
        assert.match(
          cell,
          /^\d[\d,.]*( \(\d[\d,.]*×\))?$/,
          `${label}: "${cell}"`,
        );
      }
    }
    const socketRelay = rowCells(
      stdout,
      "In-memory: relay round trip p50 (ms)",
    );
    assert.match(socketRelay[0], /^\d/);
    assert.deepEqual(socketRelay.slice(1, 3), ["—", "—"]);
    assert.match(socketRelay[3], /^\d/);
    // The Redis bus rows: ours only; "no redis-server" where it is missing.
    for (
      const label of [
        "Redis, 1 instance: server CPU per join (µs)",
        "Redis, 1 instance: join latency p50 (ms)",
        "Redis, 1 instance: relay round trip p50 (ms)",
        ...["relayed", "moved"].flatMap((way) => [
          `Redis, 3 instances (host on one, players on the others), ${way}: server CPU per join, all instances (µs)`,
          `Redis, 3 instances (host on one, players on the others), ${way}: join latency p99 (ms)`,
          `Redis, 3 instances (host on one, players on the others), ${way}: relay round trip p50 (ms)`,
        ]),
      ]
    ) {
      const cells = rowCells(stdout, label);
      assert.match(cells[0], /^(\d[\d,.]*|no redis-server)$/, label);
      assert.deepEqual(cells.slice(1), ["—", "—", "—"], label);
    }
    const relay = rowCells(stdout, "Server relay fallback p50 (ms)");
    assert.match(relay[0], /^\d/);
    assert.deepEqual(relay.slice(1, 3), ["no relay", "no relay"]);
    assert.match(relay[3], /^\d/);
    const controller = rowCells(stdout, "Controller page, gzipped (KB)")[0];
    assert.match(controller, /^(\d[\d,.]*|not built)$/);
    const fps = rowCells(stdout, "12 players (bots): worst 1-s window (fps)");
    assert.match(fps[0], /^(\d[\d,.]*|not built|no Chromium)$/);
    assert.deepEqual(fps.slice(1), ["—", "—", "—"]);
    // The audience section: ours / the bare fan-out, each scenario.
    for (
      const label of [
        "1 room(s) × 20, 3 updates, 1 run(s)",
        "2 room(s) × 10, hosts in step, 3 updates, 1 run(s)",
      ]
    ) {
      const cells = rowCells(stdout, label);
      // Last watcher p99, ours / bare (×).
      assert.match(
        cells[2],
        /^\d[\d,.]* \/ \d[\d,.]*/,
        `${label}: ${cells[2]}`,
      );
      assert.equal(cells[4], "0", `${label}: missed updates`);
    }
    const cluster = stdout.split("\n").find((l) => l.startsWith("| 30 |"));
    assert.ok(
      cluster?.includes("#3 ") ||
        stdout.includes("Not measured: no redis-server"),
      "the audience's 3-instance row",
    );
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});
