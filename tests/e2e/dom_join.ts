/**
 * A join played through the production pages by their DOM alone (no test
 * hooks: a production build has none): the host creates a game, a phone
 * joins it by the code, and the host's list shows the player connected. Used
 * where only a production build is served: the standalone server, the
 * compiled binary, the server behind nginx.
 *
 * @module
 */
/// <reference lib="dom" />
import type { Browser, Page } from "puppeteer-core";

/** How long one step may take on a busy machine, in ms. */
const STEP_MS = 45_000;

/** The two pages of a joined game. */
export interface JoinedPages {
  /** The host page. */
  host: Page;
  /** The phone page. */
  phone: Page;
  /** The room code the host showed. */
  room: string;
}

/** The player's row state on the host page ("p2p", "relayed", …), or null. */
export function playerState(host: Page, name: string): Promise<string | null> {
  return host.$eval(
    "#players",
    (list, wanted) =>
      list.querySelector<HTMLElement>(
        `li.player[data-name="${CSS.escape(String(wanted))}"]`,
      )?.dataset.state ?? null,
    name,
  );
}

/** Resolves once the player's row on the host says it is connected. */
export async function waitConnected(host: Page, name: string): Promise<string> {
  await host.waitForFunction(
    (wanted) =>
      ["p2p", "relayed"].includes(
        document.querySelector<HTMLElement>(
          `#players li.player[data-name="${CSS.escape(String(wanted))}"]`,
        )?.dataset.state ?? "",
      ),
    { timeout: STEP_MS },
    name,
  );
  return (await playerState(host, name))!;
}

/** Resolves once the phone page shows its play screen. */
export async function waitPlaying(phone: Page): Promise<void> {
  await phone.waitForFunction(() => document.body.dataset.screen === "play", {
    timeout: STEP_MS,
  });
}

/**
 * Opens the host page at `baseUrl`, creates a game, and joins it from a
 * phone page (from `phoneBaseUrl`, by default the same) as `name`.
 *
 * @throws When a step does not happen within 45 s.
 */
export async function joinThroughPages(
  browser: Browser,
  baseUrl: string,
  name = "Ann",
  phoneBaseUrl = baseUrl,
): Promise<JoinedPages> {
  const host = await browser.newPage();
  await host.setViewport({ width: 1280, height: 720 });
  await host.goto(`${baseUrl}/`, { waitUntil: "load" });
  await host.click("#create-button");
  await host.waitForFunction(
    () =>
      /^[A-Z]{4}$/.test(
        document.getElementById("room-code")?.textContent?.trim() ?? "",
      ),
    { timeout: STEP_MS },
  );
  const room = await host.$eval("#room-code", (el) => el.textContent!.trim());
  const phone = await browser.newPage();
  await phone.setViewport({
    width: 390,
    height: 844,
    isMobile: true,
    hasTouch: true,
  });
  await phone.goto(`${phoneBaseUrl}/play/?room=${room}`, {
    waitUntil: "load",
  });
  await phone.type("#name-input", name);
  await phone.click("#join-button");
  await waitPlaying(phone);
  await waitConnected(host, name);
  return { host, phone, room };
}
