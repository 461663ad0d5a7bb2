/**
 * Launches Debian's Chromium for browser tests, or tells how to install it.
 *
 * @module
 */
import puppeteer, { type Browser } from "puppeteer-core";

import {
  CHROMIUM_ARGS as QUIET_ARGS,
  chromiumPath,
} from "../../scripts/chromium.ts";

/** Flags every test browser gets: quiet, plus LAN WebRTC candidates and sound. */
export const CHROMIUM_ARGS = [
  ...QUIET_ARGS,
  "--disable-features=WebRtcHideLocalIpsWithMdns",
  "--autoplay-policy=no-user-gesture-required",
] as const;

/** Printed when browser tests are skipped. */
export const INSTALL_HINT =
  "Chromium not found: browser tests are ignored. Install it with `apt-get install -y chromium` " +
  "(or set CHROMIUM_PATH to a Chromium binary).";

/**
 * Whether browser tests should be ignored: only when Chromium is missing
 * and this is not CI (under CI a missing browser fails the tests).
 */
export function ignoreBrowserTests(): boolean {
  if (chromiumPath() !== null || Deno.env.get("CI")) return false;
  console.warn(INSTALL_HINT);
  return true;
}

/** A launched browser and how to dispose of it. */
export interface TestBrowser {
  /** The puppeteer browser. */
  browser: Browser;
  /** Closes the browser and removes its profile dir. */
  close(): Promise<void>;
}

/**
 * Starts headless Chromium with a fresh profile.
 *
 * @throws {Error} When Chromium is missing (with the install hint).
 */
export async function launchChromium(): Promise<TestBrowser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(INSTALL_HINT);
  const userDataDir = await Deno.makeTempDir({ prefix: "pizza-chromium-" });
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`],
      protocolTimeout: 30_000,
    });
  } catch (error) {
    await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
    throw error;
  }
  let closed = false;
  return {
    browser,
    async close() {
      if (closed) return;
      closed = true;
      await browser.close().catch(() => {});
      await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
    },
  };
}
