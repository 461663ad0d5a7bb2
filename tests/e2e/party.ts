/**
 * The set-up most game tests share: a fresh server, a browser, the host page
 * with a room, and phones that joined through the real form; all of it
 * closed afterwards, whatever happened.
 *
 * @module
 */
import type { Browser, Page } from "puppeteer-core";
import { launchChromium } from "./chromium.ts";
import { joinPhones, openHost, type Phone } from "./pages.ts";
import { startTestServer } from "./test_server.ts";

/** What a party test plays with. */
export interface Party {
  /** The browser (for more pages or contexts). */
  browser: Browser;
  /** The server's base URL, `http://127.0.0.1:PORT`. */
  base: string;
  /** The host page, its room open. */
  host: Page;
  /** The room code. */
  room: string;
  /** The phones joined at the start, in the order of their names. */
  phones: Page[];
  /** Page errors seen so far (host always; phones when asked). */
  errors: string[];
  /** Joins more phones by name (late friends); closed with the rest. */
  join(names: readonly string[]): Promise<Page[]>;
}

/** How the party starts. */
export interface PartyOptions {
  /** Query string of the host page (`?round=…&seed=…`). */
  query: string;
  /** Names of the phones to join before `play` runs. */
  names: readonly string[];
  /** Also record the phones' page errors in `errors`. */
  phoneErrors?: boolean;
}

/** Starts a party, runs `play` with it, and closes everything after. */
export async function withParty(
  options: PartyOptions,
  play: (party: Party) => Promise<void>,
): Promise<void> {
  const server = await startTestServer();
  const chromium = await launchChromium();
  const opened: Phone[] = [];
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const errors: string[] = [];
    const { browser } = chromium;
    const { page: host, room } = await openHost(browser, base, {
      query: options.query,
      errors,
    });
    const join = async (names: readonly string[]): Promise<Page[]> => {
      const pages = await joinPhones(browser, base, room, names, opened);
      if (options.phoneErrors) {
        for (const page of pages) {
          page.on("pageerror", (error) => errors.push(String(error)));
        }
      }
      return pages;
    };
    const phones = await join(options.names);
    await play({ browser, base, host, room, phones, errors, join });
  } finally {
    for (const phone of opened) await phone.context.close().catch(() => {});
    await chromium.close();
    await server.close();
  }
}
