/**
 * Where Debian's Chromium is and how it is started headless: shared by the
 * browser tests and the benchmark workers.
 *
 * @module
 */

/** Where Chromium is looked for unless `CHROMIUM_PATH` says otherwise. */
export const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Flags for a quiet headless browser on a machine without internet: no
 * sandbox (root), no GPU, and no background traffic to Google's hosts.
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

/** The Chromium binary to use (`CHROMIUM_PATH` or Debian's), or null. */
export function chromiumPath(): string | null {
  const path = Deno.env.get("CHROMIUM_PATH") ?? DEFAULT_CHROMIUM_PATH;
  try {
    return Deno.statSync(path).isFile ? path : null;
  } catch {
    return null;
  }
}
