/**
 * Everyone can play, in real Chromium through the real pages: axe-core finds
 * no serious or critical violation on the host's welcome, lobby, game and
 * game-over screens and the phone's join, lobby, controller and game-over
 * screens, each at 390x844 and 1920x1080; the host is used by keyboard; the
 * phone's comfort settings take effect (left-handed, reduced motion,
 * vibration off, text at 200 % without clipping); the phone's `aria-live`
 * region says what changed; the TV's "large text" switch scales the order
 * list 1.5 ×. The TV mid-game and the phone at a store are photographed
 * through Chromium's vision-deficiency emulation.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { generateTown, INGREDIENTS } from "../../src/game/mod.ts";
import { axeProblems } from "./axe.ts";
import { ignoreBrowserTests, launchChromium } from "./chromium.ts";
import {
  hostSnapshot,
  joinAs,
  openPhone,
  type Phone,
  PHONE_LANDSCAPE,
  PHONE_PORTRAIT,
  screenshot,
  waitFor,
  waitReady,
} from "./pages.ts";
import { gameSnapshot, phoneView, steer, tapAction } from "./steering.ts";
import { startTestServer } from "./test_server.ts";

const SEED = 7;
/** Round length, s: a walk to a store and a pause fit on a busy machine. */
const ROUND_S = 75;
const town = generateTown(SEED);

/** The two sizes every screen is checked at. */
const SIZES = [
  { width: 390, height: 844 },
  { width: 1920, height: 1080 },
] as const;

/** Vision deficiencies Chromium emulates. */
const DEFICIENCIES = [
  "deuteranopia",
  "protanopia",
  "tritanopia",
  "achromatopsia",
] as const;

/**
 * Runs axe on `page` at both sizes (keeping `restore`'s touch and mobile
 * flags: changing them reloads the page), then restores `restore`.
 */
async function axeAtBothSizes(
  page: Page,
  screen: string,
  restore: Parameters<Page["setViewport"]>[0],
): Promise<void> {
  for (const size of SIZES) {
    await page.setViewport({ ...restore, ...size });
    const problems = await axeProblems(page);
    assert.deepEqual(problems, [], `${screen} at ${size.width}x${size.height}`);
  }
  await page.setViewport(restore);
}

/** Lines the phone's live region has said so far. */
function announced(page: Page): Promise<string[]> {
  return page.$$eval("#announcer p", (ps) => ps.map((p) => p.textContent!));
}

/** Elements of the visible screen whose text is cut off. */
function clipped(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const screen = document.querySelector<HTMLElement>(
      `#${document.body.dataset.screen}-screen`,
    );
    for (
      const e of (screen ?? document.body).querySelectorAll<HTMLElement>(
        "button, label, h1, h2, p, .action, input",
      )
    ) {
      if (e.offsetParent === null) continue;
      const style = getComputedStyle(e);
      if (style.textOverflow === "ellipsis") continue;
      const box = e.getBoundingClientRect();
      if (
        e.scrollWidth > e.clientWidth + 1 || box.right > innerWidth + 1 ||
        box.left < -1
      ) {
        out.push(`${e.tagName}#${e.id}.${e.className} (${e.textContent})`);
      }
    }
    return out;
  });
}

/** Records the phone's vibrations in `window.buzzes`. */
const COUNT_VIBRATIONS = `(() => {
  globalThis.buzzes = [];
  Object.defineProperty(navigator, "vibrate", {
    value: (pattern) => { globalThis.buzzes.push(pattern); return true; },
  });
})();`;

Deno.test({
  name:
    "Accessibility: axe on eight screens at two sizes, keyboard host, comfort settings, live announcements, large text, vision-deficiency shots",
  ignore: ignoreBrowserTests(),
  async fn() {
    const server = await startTestServer();
    const chromium = await launchChromium();
    const phones: Phone[] = [];
    try {
      const { browser } = chromium;
      const base = `http://127.0.0.1:${server.port}`;

      // axe itself reports an unlabelled button: the check can fail.
      const probe = await browser.newPage();
      await probe.setContent(
        '<html lang="en"><title>t</title><main><button></button></main></html>',
      );
      assert.deepEqual(
        (await axeProblems(probe)).map((p) => p.id),
        ["button-name"],
      );
      await probe.close();

      // The host's welcome, then a game created by keyboard alone.
      const host = await browser.newPage();
      const errors: string[] = [];
      host.on("pageerror", (error) => errors.push(String(error)));
      const hostSize = { width: 1280, height: 720 };
      await host.setViewport(hostSize);
      await host.goto(`${base}/?round=${ROUND_S}&seed=${SEED}`);
      await host.waitForSelector("#create-button:not([disabled])");
      await axeAtBothSizes(host, "host welcome", hostSize);
      await host.keyboard.press("Tab");
      assert.equal(
        await host.evaluate(() => document.activeElement?.id),
        "create-button",
        "first stop of the keyboard",
      );
      await host.keyboard.press("Enter");
      const room = await waitFor(
        "the room",
        async () => (await hostSnapshot(host)).room ?? undefined,
      );

      // The phone's join screen, and its comfort settings before joining.
      const ann = await openPhone(browser, `${base}/play/?room=${room}`);
      phones.push(ann);
      await ann.page.evaluateOnNewDocument(COUNT_VIBRATIONS);
      await ann.page.reload();
      await ann.page.waitForSelector("#join-form", { visible: true });
      await axeAtBothSizes(ann.page, "phone join", PHONE_PORTRAIT);
      await ann.page.tap("#comfort-open-join");
      await ann.page.waitForSelector("#comfort-dialog[open]");
      await axeAtBothSizes(ann.page, "phone comfort settings", PHONE_PORTRAIT);
      await screenshot(ann.page, "a11y-phone-comfort");
      await ann.page.tap("#comfort-left");
      await ann.page.tap("#comfort-vibration");
      await ann.page.tap("#comfort-dialog .big-button");
      await ann.page.waitForSelector("#comfort-dialog:not([open])");
      assert.equal(
        await ann.page.evaluate(() => document.body.dataset.hand),
        "left",
      );
      await joinAs(ann.page, "Ann");
      await waitReady(ann.page);

      // Bob asks the system for reduced motion and keeps vibration on.
      const bob = await openPhone(browser, `${base}/play/?room=${room}`);
      phones.push(bob);
      await bob.page.emulateMediaFeatures([
        { name: "prefers-reduced-motion", value: "reduce" },
      ]);
      await bob.page.evaluateOnNewDocument(COUNT_VIBRATIONS);
      await bob.page.reload();
      await joinAs(bob.page, "Bob");
      await waitReady(bob.page);
      assert.equal(
        await bob.page.evaluate(() => document.body.dataset.motion),
        "reduce",
      );
      assert.equal(
        await bob.page.$eval(
          ".stick-base",
          (e) => getComputedStyle(e).transitionDuration,
        ),
        "0.001s",
        "no sliding ring",
      );
      // The VIP's level pick is news for every phone: Bob's buzzes, Ann's not.
      await tapAction(ann.page, "difficulty:1");
      await waitFor(
        "Bob's buzz",
        () => bob.page.evaluate(() => globalThis.buzzes.length > 0),
      );
      assert.equal(
        await ann.page.evaluate(() => globalThis.buzzes.length),
        0,
        "Ann turned vibration off",
      );

      // Both lobbies.
      await axeAtBothSizes(host, "host lobby", hostSize);
      await axeAtBothSizes(ann.page, "phone lobby", PHONE_PORTRAIT);

      // The host by keyboard: Tab reaches the large-text switch, Space turns it on.
      let reached = false;
      for (let i = 0; i < 30 && !reached; i++) {
        await host.keyboard.press("Tab");
        reached = await host.evaluate(() =>
          document.activeElement?.id === "large-text"
        );
      }
      assert.ok(reached, "Tab reaches the large-text switch");
      await host.keyboard.press("Space");
      assert.equal(
        await host.evaluate(() => document.body.dataset.text),
        "large",
      );
      assert.equal(
        await host.$eval(".orders", (e) => getComputedStyle(e).zoom),
        "1.5",
      );

      // Text at 200 %: nothing on the phone is cut off.
      await ann.page.evaluate(() =>
        document.documentElement.style.fontSize = "200%"
      );
      await screenshot(ann.page, "a11y-phone-lobby-text-200");
      assert.deepEqual(await clipped(ann.page), [], "lobby at 200 %");
      await ann.page.evaluate(() =>
        document.documentElement.style.fontSize = ""
      );

      // The round: Ann (VIP) starts it.
      await tapAction(ann.page, "start");
      const started = await waitFor("the round", async () => {
        const s = await gameSnapshot(host);
        return s.phase === "playing" && s;
      });
      await waitFor(
        "Ann hears the round start",
        async () => (await announced(ann.page)).includes("Round started"),
      );
      await axeAtBothSizes(host, "host game", hostSize);
      await axeAtBothSizes(ann.page, "phone controller", PHONE_PORTRAIT);

      // Left-handed, sideways: the joystick is right of the buttons.
      await ann.page.setViewport(PHONE_LANDSCAPE);
      const sides = await ann.page.evaluate(() => ({
        stick: document.getElementById("stick-zone")!.getBoundingClientRect()
          .left,
        panel: document.querySelector(".panel")!.getBoundingClientRect().left,
      }));
      assert.ok(sides.stick > sides.panel, "joystick on the right");
      await screenshot(ann.page, "a11y-phone-left-handed-landscape");
      await ann.page.setViewport(PHONE_PORTRAIT);

      // A store Ann may buy at: "You picked up …".
      const me = started.players.find((p) => p.id === "Ann")!;
      const store = [...town.stores].find((s) =>
        (me.allergyMask & (1 << s.ingredientIndex)) === 0
      )!;
      await steer(ann.page, host, town, "Ann", [store.door]);
      await waitFor("a buy button", async () => {
        const buy = (await phoneView(ann.page))?.actions.find((a) =>
          a.id === "buy"
        );
        return buy && !buy.disabled;
      });
      await tapAction(ann.page, "buy");
      const ingredient = INGREDIENTS[store.ingredientIndex];
      await waitFor(
        "the pick-up announced",
        async () =>
          (await announced(ann.page)).includes(`You picked up ${ingredient}`),
      );
      await ann.page.evaluate(() =>
        document.documentElement.style.fontSize = "200%"
      );
      await screenshot(ann.page, "a11y-phone-store-text-200");
      assert.deepEqual(await clipped(ann.page), [], "store at 200 %");
      await ann.page.evaluate(() =>
        document.documentElement.style.fontSize = ""
      );

      // Colour-blind views of the TV mid-game and the phone at the store.
      await host.setViewport({ width: 1920, height: 1080 });
      for (const type of DEFICIENCIES) {
        await host.emulateVisionDeficiency(type);
        await ann.page.emulateVisionDeficiency(type);
        await screenshot(host, `vision-tv-${type}`);
        await screenshot(ann.page, `vision-phone-${type}`);
      }
      await host.emulateVisionDeficiency("none");
      await ann.page.emulateVisionDeficiency("none");
      await host.setViewport(hostSize);

      // Bob's phone goes away: the round pauses, and Ann hears for whom.
      await bob.context.close();
      phones.pop();
      await waitFor(
        "the pause announced (heard so far: see the phone's #announcer)",
        async () =>
          (await announced(ann.page)).includes("Game paused: waiting for Bob"),
      );
      const kick = '#players .player[data-name="Bob"] .player-kick';
      await host.click(kick);
      await host.waitForSelector(`${kick}[data-confirm]`);
      await host.click(kick);
      await waitFor(
        "the round going on",
        async () => (await announced(ann.page)).includes("Game on again"),
      );

      // Game over on both.
      await waitFor(
        "game over",
        async () => (await gameSnapshot(host)).phase === "over",
        (ROUND_S + 60) * 1000,
      );
      await waitFor(
        "the phone's game over",
        async () => (await phoneView(ann.page))?.phase === "over",
      );
      await waitFor(
        "game over announced",
        async () =>
          (await announced(ann.page)).some((line) =>
            line.startsWith("Game over")
          ),
      );
      await axeAtBothSizes(host, "host game over", hostSize);
      await axeAtBothSizes(ann.page, "phone game over", PHONE_PORTRAIT);
      assert.deepEqual(errors, []);
    } finally {
      for (const phone of phones) await phone.context.close().catch(() => {});
      await chromium.close();
      await server.close();
    }
  },
});

declare global {
  var buzzes: number[][];
}
