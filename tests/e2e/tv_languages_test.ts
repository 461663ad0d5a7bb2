/**
 * The TV in every language, in real Chromium: a host per language (English,
 * Dutch, Spanish, German, and the pseudo-locale that wraps every catalogue
 * message in ⟦ ⟧) gets a phone and bots up to 8 players on Master Chef, plays
 * a short round and reaches game over. In the lobby, mid-round with the
 * order list filled, paused while the phone is quiet ("No signal") and at
 * game over, no word the TV shows (the page's text
 * and labels, and the Phaser scenes' texts: HUD, panels, name tags,
 * floating messages) is an English catalogue string that the language words
 * otherwise, none is a missing key, and in the pseudo-locale every word is
 * wrapped. Nothing is cut off or overlaps: the sidebar's words fit their
 * boxes, and the scenes' texts stay inside the game and apart from each
 * other (buttons counted at their full width). German and the pseudo-locale
 * are shot at 1280x720 and 1920x1080 into test-output/screenshots/
 * (`tv-<lang>-<screen>-<size>.png`), with large text on for the round.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { CDPSession, Page } from "puppeteer-core";
import { WORLD_WIDTH_PX } from "../../src/game/mod.ts";
import type { ShownText } from "../../src/host/game_snapshot.ts";
import type { Message } from "../../src/phone/translator.ts";
import { ignoreBrowserTests, launchChromium } from "./chromium.ts";
import {
  framesPass,
  joinAs,
  openHost,
  openPhone,
  type Phone,
  screenshot,
  waitFor,
  waitReady,
} from "./pages.ts";
import { gameSnapshot } from "./steering.ts";
import { startTestServer } from "./test_server.ts";
import { catalogue } from "../phone/_english.ts";

/** Round length, s: long enough for orders, short enough to end. */
const ROUND_S = 22;
const LANGS = ["en", "nl", "es", "de", "xx"] as const;
/** Languages shot at both TV sizes. */
const SHOT = new Set<string>(["de", "xx"]);
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;
/** Height of the HUD band, game px (src/client/host/game/world_scene.ts). */
const HUD_PX = 84;
/** How far two texts' boxes may share height, px, their letters apart. */
const LINE_GAP_PX = 8;

/** Pauses a page's JavaScript (as a breakpoint would); returns the resume. */
async function freeze(page: Page): Promise<() => Promise<void>> {
  const cdp: CDPSession = await page.createCDPSession();
  await cdp.send("Debugger.enable");
  await cdp.send("Debugger.pause");
  return async () => {
    await cdp.send("Debugger.resume").catch(() => {});
    await cdp.detach().catch(() => {});
  };
}

/** Every string of a TV catalogue, by key (plural forms apart). */
function strings(lang: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, message] of Object.entries(catalogue(`tv/${lang}`))) {
    out.set(
      key,
      typeof message === "string"
        ? [message]
        : Object.values(message as Exclude<Message, string>),
    );
  }
  return out;
}

/** A pattern matching a message with its `{slots}` filled. */
function filled(message: string): RegExp {
  const parts = message.split(/\{\w+\}/).map((p) =>
    p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  );
  return new RegExp(`^${parts.join(".+?")}$`, "s");
}

/** The TV's words now: page text and labels, and the scenes' texts. */
async function tvTexts(page: Page): Promise<string[]> {
  const dom = await page.evaluate(() => {
    const out: string[] = [];
    const skip =
      '[translate="no"], script, #lang-select, .player-name-text, .order-carrier-name, #room-code, #join-link';
    const walker = document.createTreeWalker(
      document.body,
      NodeFilter.SHOW_TEXT,
    );
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement!;
      if (parent.closest(skip) || parent.getClientRects().length === 0) {
        continue;
      }
      const text = node.textContent!.trim();
      if (text) out.push(text);
    }
    for (
      const el of document.querySelectorAll("[aria-label], [title], [alt]")
    ) {
      if (el.closest(skip) || el.getClientRects().length === 0) continue;
      for (const attr of ["aria-label", "title", "alt"]) {
        const value = el.getAttribute(attr);
        if (value) out.push(value);
      }
    }
    return out;
  });
  const scenes = await sceneTexts(page);
  return [...dom, ...scenes.map((t) => t.text)];
}

/** The Phaser scenes' visible texts with their boxes. */
function sceneTexts(page: Page): Promise<ShownText[]> {
  return page.evaluate(() => globalThis.pizzaGame!.texts());
}

/** Texts that are names, codes, links or numbers: no words of the TV's. */
async function notWords(page: Page): Promise<(text: string) => boolean> {
  const snap = await gameSnapshot(page);
  const names = snap.players.map((p) => p.name);
  const room = await page.$eval("#room-code", (e) => e.textContent ?? "");
  return (text: string) => {
    if (text.includes("/play/")) return true;
    let rest = text;
    for (const name of [...names, room]) rest = rest.split(name).join(" ");
    return !/\p{L}{2,}/u.test(rest);
  };
}

/** Texts shown in `lang` that are not its own words. */
async function untranslated(lang: string, page: Page): Promise<string[]> {
  const shown = await tvTexts(page);
  const skip = await notWords(page);
  const out: string[] = [];
  if (lang === "xx") {
    return shown.filter((text) =>
      !skip(text) && !text.includes("⟦") && !/^[\p{P}\p{S}\d\s]+$/u.test(text)
    );
  }
  const english = strings("en");
  const mine = strings(lang);
  for (const text of shown) {
    if (text.includes("[[") || text.includes("⟦")) out.push(text);
    if (skip(text)) continue;
    for (const [key, forms] of english) {
      const own = mine.get(key) ?? [];
      const isEnglish = forms.some((f) => filled(f).test(text));
      const isOwn = own.some((f) => filled(f).test(text));
      if (isEnglish && !isOwn) out.push(`${key}: ${text}`);
    }
  }
  return out;
}

/** Page elements with catalogue words whose text is cut off or off screen. */
function clippedPage(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const selector =
      "button, label, h2, #phase, #banner, .order-ask, .order-time, .order-baked, .order-carry, .order-carry-label, .order-taker, .player-state, .audience-vote-title, #welcome-status";
    for (const e of document.querySelectorAll<HTMLElement>(selector)) {
      if (e.getClientRects().length === 0) continue;
      // A button worded for screen readers only shows a symbol.
      if (
        e.closest(".visually-hidden") || e.querySelector(".visually-hidden")
      ) {
        continue;
      }
      const box = e.getBoundingClientRect();
      // The nearest box that cuts what sticks out of it.
      let clip: DOMRect = new DOMRect(0, 0, innerWidth, innerHeight);
      for (let up = e.parentElement; up; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== "visible") {
          clip = up.getBoundingClientRect();
          break;
        }
      }
      if (
        e.scrollWidth > e.clientWidth + 1 || box.right > clip.right + 1 ||
        box.left < clip.left - 1 || box.right > innerWidth + 1 ||
        box.left < -1 || box.bottom > innerHeight + 1
      ) out.push(`${e.tagName}.${e.className} (${e.textContent?.trim()})`);
    }
    // The lists never scroll (a TV cannot): every row shows.
    for (const id of ["players", "orders"]) {
      const list = document.getElementById(id)!;
      if (list.scrollHeight > list.clientHeight + 1) {
        out.push(`#${id} overflows (${list.dataset.density})`);
      }
    }
    return out;
  });
}

/**
 * Scene texts that leave the game or overlap another (the HUD scene's
 * texts; a button's label counts at its button's width).
 */
function sceneProblems(
  texts: readonly ShownText[],
  buttons: ReadonlyMap<string, number>,
): string[] {
  const out: string[] = [];
  for (const t of texts) {
    if (t.left < -1 || t.right > WORLD_WIDTH_PX + 1) {
      out.push(`outside the game: ${t.text}`);
    }
  }
  const hud = texts.filter((t) => t.scene === "hud").map((t) => {
    const width = buttons.get(t.text);
    if (width === undefined) return t;
    const mid = (t.left + t.right) / 2;
    if (t.right - t.left > width - 12) {
      out.push(`wider than its button: ${t.text}`);
    }
    return { ...t, left: mid - width / 2, right: mid + width / 2 };
  });
  for (let i = 0; i < hud.length; i++) {
    for (let j = i + 1; j < hud.length; j++) {
      const a = hud[i];
      const b = hud[j];
      // The panels' texts sit on the dimmed world; the band's on the band.
      if ((a.top < HUD_PX) !== (b.top < HUD_PX)) continue;
      // A text's box has room above and below its letters: lines that
      // share a few px of it do not touch.
      if (
        a.left < b.right - 1 && b.left < a.right - 1 &&
        a.top < b.bottom - LINE_GAP_PX && b.top < a.bottom - LINE_GAP_PX
      ) out.push(`overlap: "${a.text}" and "${b.text}"`);
    }
  }
  return out;
}

/** Everything the TV screen must pass in `lang` now; shots under `name`. */
async function checkScreen(
  page: Page,
  lang: string,
  name: string,
): Promise<void> {
  const words = catalogue(`tv/${lang === "xx" ? "en" : lang}`);
  const wrap = (key: string) =>
    lang === "xx" ? `⟦${words[key]}⟧` : String(words[key]);
  const buttons = new Map<string, number>([
    [wrap("lobby.start"), 150],
    [wrap("lobby.bots"), 150],
    [wrap("over.again"), 360],
  ]);
  const sizes = SHOT.has(lang) ? SIZES : SIZES.slice(0, 1);
  for (const size of sizes) {
    await page.setViewport(size);
    await framesPass(page, 4);
    await screenshot(page, `tv-${lang}-${name}-${size.width}x${size.height}`);
    assert.deepEqual(await untranslated(lang, page), [], `${lang} ${name}`);
    assert.deepEqual(await clippedPage(page), [], `${lang} ${name} clipped`);
    assert.deepEqual(
      sceneProblems(await sceneTexts(page), buttons),
      [],
      `${lang} ${name} scene texts`,
    );
  }
  await page.setViewport(SIZES[0]);
}

Deno.test({
  name:
    "TV languages: a round on the TV in each language shows no untranslated words, and German and the pseudo-locale fit at 1280x720 and 1920x1080",
  ignore: ignoreBrowserTests(),
  async fn(t) {
    const server = await startTestServer();
    const chromium = await launchChromium();
    const phones: Phone[] = [];
    const errors: string[] = [];
    try {
      const { browser } = chromium;
      const base = `http://127.0.0.1:${server.port}`;
      for (const lang of LANGS) {
        await t.step(
          `${lang}: lobby, a round with 8 players, game over`,
          async () => {
            const { page: host, room } = await openHost(browser, base, {
              query: `?round=${ROUND_S}&seed=11${
                lang === "en" ? "" : `&lang=${lang}`
              }`,
              errors,
            });
            await waitFor(
              "the TV in its language",
              () =>
                host.evaluate(
                  (lang) => document.documentElement.dataset.lang === lang,
                  lang,
                ),
            );
            const phone = await openPhone(
              browser,
              `${base}/play/?room=${room}`,
            );
            phones.push(phone);
            await joinAs(phone.page, `Ann${lang}`);
            await waitReady(phone.page);
            // Master Chef (D three times): taking, baking, fines: more words.
            for (let i = 0; i < 3; i++) await host.keyboard.press("d");
            await waitFor(
              "Master Chef",
              async () => (await gameSnapshot(host)).difficulty === 3,
            );
            while ((await gameSnapshot(host)).players.length < 8) {
              const before = (await gameSnapshot(host)).players.length;
              await host.keyboard.press("b");
              await waitFor(
                "bots",
                async () => (await gameSnapshot(host)).players.length > before,
              );
            }
            await waitFor(
              "the game scenes to run",
              async () => (await gameSnapshot(host)).fps > 0,
            );
            await checkScreen(host, lang, "lobby");

            // Large text on for the round: the order list and tags at 1.5 ×.
            await host.click("#large-text");
            await host.keyboard.press("s");
            await waitFor(
              "the round",
              async () => (await gameSnapshot(host)).phase === "playing",
            );
            await waitFor(
              "three open orders in the list",
              () => host.$$eval("#orders .order", (cards) => cards.length >= 3),
            );
            await checkScreen(host, lang, "round");

            // The phone goes quiet: "No signal" on its pill and tag, the
            // round paused for it; then it answers again.
            const unfreeze = await freeze(phone.page);
            try {
              await waitFor(
                "the round paused for the quiet phone",
                async () => (await gameSnapshot(host)).paused,
              );
              await checkScreen(host, lang, "paused");
            } finally {
              await unfreeze();
            }
            await waitFor(
              "the round on again",
              async () => !(await gameSnapshot(host)).paused,
            );

            await waitFor(
              "game over",
              async () => (await gameSnapshot(host)).phase === "over",
              (ROUND_S + 40) * 1000,
            );
            await framesPass(host, 4);
            await checkScreen(host, lang, "over");
            await host.click("#large-text");
            await host.close();
            await phone.context.close();
          },
        );
      }
      assert.deepEqual(errors, []);
    } finally {
      for (const phone of phones) await phone.context.close().catch(() => {});
      await chromium.close();
      await server.close();
    }
  },
});
