/**
 * Launches Debian's Chromium for browser tests, or tells how to install it.
 *
 * @module
 */
import puppeteer, { type Browser } from "puppeteer-core";

import { CHROMIUM_ARGS as QUIET_ARGS } from "../../scripts/chromium.ts";
import {
  ignoreWithout,
  requireTool,
  toolHint,
} from "../_helpers/external_tools.ts";

/** Flags every test browser gets: quiet, plus LAN WebRTC candidates and sound. */
export const CHROMIUM_ARGS = [
  ...QUIET_ARGS,
  "--disable-features=WebRtcHideLocalIpsWithMdns",
  "--autoplay-policy=no-user-gesture-required",
] as const;

/** What to do when Chromium is missing. */
export const INSTALL_HINT = toolHint("chromium");

/**
 * Whether browser tests should be ignored: `ignoreWithout("chromium")`
 * (`tests/_helpers/external_tools.ts` decides: only outside CI).
 */
export function ignoreBrowserTests(): boolean {
  return ignoreWithout("chromium");
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
  const executablePath = requireTool("chromium");
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
