/**
 * Drives the host and phone pages through their real UI for browser tests.
 *
 * @module
 */
/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from "puppeteer-core";
import type { HostSnapshot } from "../../src/host/host_snapshot.ts";
import type { PhoneSnapshot } from "../../src/phone/phone_snapshot.ts";

/** Phone viewport in portrait (an iPhone 12-14 sized screen). */
export const PHONE_PORTRAIT = {
  width: 390,
  height: 844,
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
} as const;
/** The same phone turned sideways. */
export const PHONE_LANDSCAPE = {
  ...PHONE_PORTRAIT,
  width: 844,
  height: 390,
  isLandscape: true,
};
/** Host window. */
export const HOST_VIEWPORT = { width: 1280, height: 720 } as const;
/** Folder for screenshots (git-ignored). */
export const SCREENSHOT_DIR = "test-output/screenshots";
/**
 * Default wait for page conditions, in ms: generous, because a wait on state
 * returns as soon as the state holds, and a loaded 2-core machine can take
 * many seconds to load a page or run a frame.
 */
export const WAIT_MS = 45_000;

/** Script that makes WebRTC connections impossible in a page: no ICE candidate can be used. */
export const BLOCK_P2P_SCRIPT = `(() => {
  const Real = window.RTCPeerConnection;
  class Blocked extends Real {
    constructor(config) {
      super({ ...(config || {}), iceServers: [], iceTransportPolicy: "relay" });
    }
  }
  window.RTCPeerConnection = Blocked;
  window.webkitRTCPeerConnection = Blocked;
})();`;

/** Reads the host page's state. */
export function hostSnapshot(page: Page): Promise<HostSnapshot> {
  return page.evaluate(() => {
    const handle = globalThis.pizzaHost;
    if (!handle) throw new Error("host page has no pizzaHost handle");
    return handle.snapshot();
  });
}

/** Reads a phone page's state. */
export function phoneSnapshot(page: Page): Promise<PhoneSnapshot> {
  return page.evaluate(() => {
    const handle = globalThis.pizzaPhone;
    if (!handle) throw new Error("phone page has no pizzaPhone handle");
    return handle.snapshot();
  });
}

/**
 * Polls `check` until it returns a value other than undefined/false.
 *
 * @throws {Error} With `what` when it times out.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${last}` : ""}`);
}

/**
 * Waits until the page has drawn `count` more animation frames: a wait on the
 * page's own progress (for a screenshot, or to let time pass in its game
 * loop), never a fixed sleep.
 */
export async function framesPass(page: Page, count: number): Promise<void> {
  await page.evaluate((n) =>
    new Promise<void>((resolve) => {
      let left = n;
      const tick = () => --left <= 0 ? resolve() : requestAnimationFrame(tick);
      requestAnimationFrame(tick);
    }), count);
}

/** Options for {@link openHost}. */
export interface OpenHostOptions {
  /** Query string for the host page, e.g. `?round=30&seed=7`. @default "" */
  query?: string;
  /** Collects uncaught page errors (tests assert it stays empty). */
  errors?: string[];
}

/** Opens the host page and creates a room through its button. */
export async function openHost(
  browser: Browser,
  baseUrl: string,
  options: OpenHostOptions = {},
): Promise<{ page: Page; room: string }> {
  const { query = "", errors } = options;
  const page = await browser.newPage();
  if (errors) page.on("pageerror", (error) => errors.push(String(error)));
  await page.setViewport(HOST_VIEWPORT);
  await page.goto(`${baseUrl}/${query}`);
  await page.waitForSelector("#create-button:not([disabled])", {
    timeout: WAIT_MS,
  });
  await page.click("#create-button");
  const room = await waitFor(
    "the room code",
    async () => (await hostSnapshot(page)).room ?? undefined,
  );
  return { page, room };
}

/** A phone: its own browser context (own storage), one page. */
export interface Phone {
  /** The phone's isolated context. */
  context: BrowserContext;
  /** The controller page. */
  page: Page;
}

/** Opens a phone page at `url` in a fresh context. */
export async function openPhone(
  browser: Browser,
  url: string,
  options: { blockP2P?: boolean } = {},
): Promise<Phone> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport(PHONE_PORTRAIT);
  if (options.blockP2P) await page.evaluateOnNewDocument(BLOCK_P2P_SCRIPT);
  await page.goto(url);
  return { context, page };
}

/**
 * Opens one phone per name on the room's join link, joins each through the
 * form, and waits until all are ready. Pushes each phone to `phones` as soon
 * as it exists, so the caller's cleanup closes it even if a join fails.
 */
export async function joinPhones(
  browser: Browser,
  baseUrl: string,
  room: string,
  names: readonly string[],
  phones: Phone[],
): Promise<Page[]> {
  const joined: Phone[] = [];
  for (const name of names) {
    const phone = await openPhone(browser, `${baseUrl}/play/?room=${room}`);
    phones.push(phone);
    joined.push(phone);
    await joinAs(phone.page, name);
  }
  for (const phone of joined) await waitReady(phone.page);
  return joined.map((phone) => phone.page);
}

/** Fills the join form (code only if given) and taps Join. */
export async function joinAs(
  page: Page,
  name: string,
  code?: string,
): Promise<void> {
  await page.waitForSelector("#join-form", { visible: true, timeout: WAIT_MS });
  if (code !== undefined) {
    await page.click("#room-input", { count: 3 });
    await page.type("#room-input", code);
  }
  await page.click("#name-input", { count: 3 });
  await page.type("#name-input", name);
  await page.tap("#join-button");
}

/** Waits until a phone shows the controller, connected. */
export function waitReady(page: Page): Promise<PhoneSnapshot> {
  return waitFor("the phone to be ready", async () => {
    const snap = await phoneSnapshot(page);
    return snap.stage === "ready" ? snap : undefined;
  });
}

/** Puts a thumb on the joystick's centre and drags it by (dx, dy) CSS px. */
export async function holdStick(
  page: Page,
  dx: number,
  dy: number,
): Promise<void> {
  const box = await page.$eval("#stick-zone", (zone) => {
    const r = zone.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  });
  await page.touchscreen.touchStart(box.x, box.y);
  const steps = 4;
  for (let i = 1; i <= steps; i++) {
    await page.touchscreen.touchMove(
      box.x + (dx * i) / steps,
      box.y + (dy * i) / steps,
    );
  }
}

/** Lifts the thumb. */
export async function releaseStick(page: Page): Promise<void> {
  await page.touchscreen.touchEnd();
}

/** Saves a screenshot under {@link SCREENSHOT_DIR}. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = `${SCREENSHOT_DIR}/${name}.png`;
  await page.screenshot({ path: path as `${string}.png` });
  return path;
}
