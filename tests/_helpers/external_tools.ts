/**
 * The one place that decides what happens to a test whose program from
 * outside Deno is missing (Chromium, `redis-server`, nginx, coturn, the
 * `denort` runtime of `deno compile`).
 *
 * Outside CI (`CI` unset) a missing tool ignores the tests that need it, with
 * one hint saying what to install. Under CI a missing tool does not ignore
 * anything: the tests run and fail with that hint, so a run cannot go green by
 * skipping. The only exception is `denort`, which CI machines cannot download:
 * its one test is ignored everywhere, and `.ci/run` allows that test, by name,
 * as the only ignored one.
 *
 * @module
 */
import { chromiumPath } from "../../scripts/chromium.ts";

/** A program from outside Deno that some tests need. */
export type ExternalTool =
  | "chromium"
  | "redis-server"
  | "nginx"
  | "coturn"
  | "denort";

/** The `.ci/run` name of the one test CI may ignore (no `denort` there). */
export const PERMITTED_IGNORE =
  "deno task compile builds a binary that, started in an empty folder, serves a game a browser joins";

/** Where Debian puts nginx; `NGINX_BIN` overrides. */
const NGINX_CANDIDATES = ["/usr/sbin/nginx", "/usr/bin/nginx"];

/** What each tool is, how to find it, and how to get it. */
const TOOLS: Record<ExternalTool, { find(): string | null; hint: string }> = {
  "chromium": {
    find: chromiumPath,
    hint: "Chromium not found: install it with `apt-get install -y chromium` " +
      "(or set CHROMIUM_PATH to a Chromium binary).",
  },
  "redis-server": {
    find: () => {
      const bin = Deno.env.get("REDIS_SERVER") ?? "redis-server";
      return runs(bin, ["--version"]) ? bin : null;
    },
    hint:
      "redis-server not found: install it with `apt-get install -y redis-server` " +
      "(or set REDIS_SERVER to its path).",
  },
  "nginx": {
    find: () => {
      const override = Deno.env.get("NGINX_BIN");
      for (
        const bin of override ? [override] : [...NGINX_CANDIDATES, "nginx"]
      ) {
        if (runs(bin, ["-v"])) return bin;
      }
      return null;
    },
    hint: "nginx not found: install it with `apt-get install -y nginx` " +
      "(or set NGINX_BIN to its path).",
  },
  "coturn": {
    find: () => {
      const bin = Deno.env.get("TURNSERVER_BIN") ?? "turnserver";
      return runs(bin, ["--version"]) ? bin : null;
    },
    hint: "coturn not found: install it with `apt-get install -y coturn` " +
      "(or set TURNSERVER_BIN to its turnserver).",
  },
  "denort": {
    find: denortPath,
    hint:
      "deno compile's runtime (denort) is not here and cannot be downloaded: " +
      "set DENORT_BIN to a denort binary for this Deno version (docs/DEPLOYING.md).",
  },
};

/** Whether `bin args` runs and exits 0. */
function runs(bin: string, args: string[]): boolean {
  try {
    return new Deno.Command(bin, { args, stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Whether `path` is a file. */
function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * The runtime `deno compile` will use: `DENORT_BIN`, or the copy Deno cached
 * after a download (`$DENO_DIR/dl/release/v<version>/denort-*.zip`).
 */
function denortPath(): string | null {
  const bin = Deno.env.get("DENORT_BIN");
  if (bin) return isFile(bin) ? bin : null;
  const denoDir = Deno.env.get("DENO_DIR") ??
    `${Deno.env.get("HOME") ?? "/root"}/.cache/deno`;
  const dir = `${denoDir}/dl/release/v${Deno.version.deno}`;
  try {
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.name.startsWith("denort-")) return `${dir}/${entry.name}`;
    }
  } catch {
    // No cache.
  }
  return null;
}

/** Tools found (or not), looked up once per process. */
const found = new Map<ExternalTool, string | null>();
/** Tools whose hint was printed. */
const hinted = new Set<ExternalTool>();

/** The tool's path, or null when it is missing here. */
export function toolPath(tool: ExternalTool): string | null {
  if (!found.has(tool)) found.set(tool, TOOLS[tool].find());
  return found.get(tool)!;
}

/** Whether this run is CI (`CI` set and not empty). */
export function underCi(): boolean {
  return Boolean(Deno.env.get("CI"));
}

/**
 * The value for a test's `ignore`: true only when the tool is missing and
 * this is not CI (or the tool is `denort`). Prints the hint once when it
 * ignores. Use it as `ignore: ignoreWithout("redis-server")`.
 */
export function ignoreWithout(tool: ExternalTool): boolean {
  if (toolPath(tool) !== null) return false;
  if (underCi() && tool !== "denort") return false;
  if (!hinted.has(tool)) {
    hinted.add(tool);
    console.warn(`${TOOLS[tool].hint} Tests that need it are ignored.`);
  }
  return true;
}

/**
 * The tool's path, for a test that is running: throws the hint when it is
 * missing (under CI this is how a missing tool fails the run).
 *
 * @throws {Error} When the tool is missing.
 */
export function requireTool(tool: ExternalTool): string {
  const path = toolPath(tool);
  if (path === null) {
    throw new Error(
      `${TOOLS[tool].hint}${
        underCi() ? " (CI: a missing tool fails the run)" : ""
      }`,
    );
  }
  return path;
}

/** The install hint for a tool. */
export function toolHint(tool: ExternalTool): string {
  return TOOLS[tool].hint;
}
