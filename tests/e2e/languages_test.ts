/**
 * The phone in every language, in real Chromium: one phone per language
 * (English, Dutch, Spanish, German, and the pseudo-locale that wraps every
 * catalogue message in ⟦ ⟧) joins the same room through the real form, taps
 * a button, and sees the round start; then one more phone per language
 * watches ("Watch and vote") mid-round. No text the phone words itself
 * (join, lobby, controller, audience screen) is left untranslated, only the
 * chosen language's catalogue is fetched (its common words, then a
 * player's or the audience's part), the switch is remembered, and German
 * fits every button at 320 px wide.
 *
 * The host sends its words as data, so they are in the phone's language
 * too: a short message the host sends (the level changed, the round
 * started), the allergy line, and, at a store the player is allergic to, a
 * button's label and the reason it is greyed (Dutch, German and the
 * pseudo-locale). Only names are left out of the check.
 * Screenshots of each language go to test-output/screenshots/.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { ignoreBrowserTests, launchChromium } from "./chromium.ts";
import {
  joinAs,
  openHost,
  openPhone,
  type Phone,
  PHONE_PORTRAIT,
  screenshot,
  waitFor,
  waitReady,
} from "./pages.ts";
import {
  gameSnapshot,
  phoneView,
  steer,
  tapAction,
  waitAction,
  walkFrom,
} from "./steering.ts";
import { startTestServer } from "./test_server.ts";
import { catalogue } from "../phone/_english.ts";
import {
  type Message,
  pseudoCatalogue,
  Translator,
} from "../../src/phone/translator.ts";
import { hostWords } from "../../src/phone/host_words.ts";
import type { PhoneWords } from "../../src/protocol/mod.ts";
import { generateTown } from "../../src/game/mod.ts";

/** Seed of the town (`?seed=`), so the test knows the map. */
const SEED = 7;

/** Regions that are names, not words. */
const HOST_WORDED = "#me-name, .team-name, #lang-select";

/** A phone's translator for `lang` (the pseudo-locale wraps English). */
function translator(lang: string): Translator {
  return new Translator(
    lang,
    lang === "xx" ? pseudoCatalogue(catalogue("en")) : catalogue(lang),
  );
}

/** What the host's `say` reads as in `lang`, checked not to be English. */
function expected(lang: string, say: PhoneWords): string {
  const text = hostWords(say, translator(lang));
  if (lang === "xx") assert.ok(text.startsWith("⟦"), text);
  else if (lang !== "en") {
    assert.notEqual(text, hostWords(say, translator("en")), lang);
  }
  assert.ok(!text.includes("[[") && !text.includes("{"), text);
  return text;
}

/** Starts keeping every text the page's toast shows (`window.toasts`). */
function recordToasts(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = globalThis as unknown as { toasts: string[] };
    w.toasts = [];
    const toast = document.getElementById("toast")!;
    new MutationObserver(() => w.toasts.push(toast.textContent ?? ""))
      .observe(toast, { childList: true, characterData: true, subtree: true });
  });
}

/** Waits until the page's toast has shown `text`. */
function toastShown(page: Page, text: string): Promise<unknown> {
  return waitFor(
    `the toast "${text}"`,
    () =>
      page.evaluate(
        (text) =>
          (globalThis as unknown as { toasts: string[] }).toasts.includes(text),
        text,
      ),
  );
}

/** Every string of a catalogue, by key (plural forms joined). */
function strings(lang: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, message] of Object.entries(catalogue(lang))) {
    out.set(
      key,
      typeof message === "string"
        ? [message]
        : Object.values(message as Exclude<Message, string>),
    );
  }
  return out;
}

/** The audience screen's names (none but the switch's own language names). */
const AUDIENCE_HOST_WORDED = "#lang-select";

/** Visible text and labels the phone words itself, one entry each. */
function phoneWords(page: Page, skip = HOST_WORDED): Promise<string[]> {
  return page.evaluate((skip) => {
    const out: string[] = [];
    const walker = document.createTreeWalker(
      document.body,
      NodeFilter.SHOW_TEXT,
    );
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement!;
      if (parent.closest(`${skip}, [translate="no"], script`)) continue;
      if (parent.getClientRects().length === 0) continue;
      const text = node.textContent!.trim();
      if (/\p{L}{2,}/u.test(text)) out.push(text);
    }
    for (const el of document.querySelectorAll("[aria-label]")) {
      if (el.closest(skip) || el.getClientRects().length === 0) continue;
      out.push(el.getAttribute("aria-label")!);
    }
    return out;
  }, skip);
}

/** Texts shown in `lang` that are English words another language has its own for. */
function untranslated(lang: string, shown: string[]): string[] {
  if (lang === "xx") {
    return shown.filter((text) => !text.includes("⟦"));
  }
  const english = strings("en");
  const mine = strings(lang);
  const out: string[] = [];
  for (const text of shown) {
    if (text.includes("[[")) out.push(text);
    for (const [key, words] of english) {
      const own = mine.get(key) ?? [];
      if (words.includes(text) && !own.includes(text)) out.push(text);
    }
  }
  return out;
}

/** Buttons, labels and lines of the page whose text is cut off. */
function clipped(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (
      const e of document.querySelectorAll<HTMLElement>(
        "button, label, h1, h2, p, select",
      )
    ) {
      if (e.getClientRects().length === 0) continue;
      if (e.closest(".visually-hidden")) continue;
      const box = e.getBoundingClientRect();
      if (
        e.scrollWidth > e.clientWidth + 1 || box.right > innerWidth + 1 ||
        box.left < -1
      ) out.push(`${e.tagName}#${e.id} (${e.textContent?.trim()})`);
    }
    return out;
  });
}

/** German first: it is the VIP, with the longest buttons (the levels). */
const LANGS = ["de", "en", "nl", "es", "xx"] as const;

Deno.test({
  name:
    "Languages: a phone per language joins, acts and shows no untranslated words; German fits at 320 px",
  ignore: ignoreBrowserTests(),
  async fn(t) {
    const server = await startTestServer();
    const chromium = await launchChromium();
    const phones: Phone[] = [];
    try {
      const { browser } = chromium;
      const base = `http://127.0.0.1:${server.port}`;
      const { page: host, room } = await openHost(browser, base, {
        query: `?round=240&seed=${SEED}`,
      });
      const pages = new Map<string, Page>();
      const fetched = new Map<string, string[]>();

      for (const lang of LANGS) {
        await t.step(`${lang}: the join screen, then joined`, async () => {
          const phone = await openPhone(
            browser,
            `${base}/play/?room=${room}${lang === "en" ? "" : `&lang=${lang}`}`,
          );
          phones.push(phone);
          const files: string[] = [];
          phone.page.on("request", (request) => {
            const m = request.url().match(/\/i18n\/([\w/]+)\.json$/);
            if (m) files.push(m[1]);
          });
          fetched.set(lang, files);
          await phone.page.reload();
          await waitFor(
            "the page in its language",
            () =>
              phone.page.evaluate(() => document.documentElement.dataset.lang),
          );
          assert.deepEqual(files, [lang === "xx" ? "en" : lang]);
          assert.deepEqual(
            untranslated(lang, await phoneWords(phone.page)),
            [],
            `${lang} join screen`,
          );
          await screenshot(phone.page, `lang-${lang}-join`);
          if (lang === "de") {
            await phone.page.setViewport({ ...PHONE_PORTRAIT, width: 320 });
            assert.deepEqual(await clipped(phone.page), [], "German at 320 px");
            await screenshot(phone.page, "lang-de-join-320");
            await phone.page.setViewport(PHONE_PORTRAIT);
          }
          await joinAs(phone.page, `P${lang}`);
          await waitReady(phone.page);
          const file = lang === "xx" ? "en" : lang;
          assert.deepEqual(files, [file, `game/${file}`], "a player's words");
          await recordToasts(phone.page);
          pages.set(lang, phone.page);
        });
      }

      await t.step("a ?lang= link is not remembered as a choice", async () => {
        const nl = pages.get("nl")!;
        assert.equal(
          await nl.evaluate(() => localStorage.getItem("pizza-peers:language")),
          null,
        );
      });

      // One action each: the how-to card's Next; then the VIP starts.
      for (const [lang, page] of pages) {
        await t.step(`${lang}: an action, and the round`, async () => {
          await page.waitForSelector("#how-to", { visible: true });
          await page.tap("#how-to-next");
          assert.deepEqual(
            untranslated(lang, await phoneWords(page)),
            [],
            `${lang} lobby`,
          );
          await screenshot(page, `lang-${lang}-lobby`);
          if (lang === "de") {
            const levels = await page.$$eval(
              '#actions button[data-action^="difficulty:"] .action-hint',
              (els) => els.map((e) => e.textContent),
            );
            assert.equal(levels.length, 4, "the VIP's level buttons");
            await page.setViewport({ ...PHONE_PORTRAIT, width: 320 });
            assert.deepEqual(await clipped(page), [], "German at 320 px");
            await screenshot(page, "lang-de-lobby-320");
            await page.setViewport(PHONE_PORTRAIT);
          }
        });
      }
      // The VIP picks Cook (allergies): every phone hears it from the host
      // in its own words; then the round starts, with the host's "Go!".
      await t.step("the host's messages in each phone's language", async () => {
        const vip = pages.get("de")!;
        await tapAction(vip, "difficulty:1");
        for (const [lang, page] of pages) {
          await toastShown(
            page,
            expected(lang, { key: "note.level", level: 1 }),
          );
        }
        await tapAction(vip, "start");
        for (const [lang, page] of pages) {
          await toastShown(page, expected(lang, { key: "note.go" }));
        }
      });
      await waitFor(
        "the round",
        async () => (await gameSnapshot(host)).phase === "playing",
      );
      for (const [lang, page] of pages) {
        await t.step(`${lang}: the controller mid-round`, async () => {
          await waitFor(
            "the round's HUD",
            () => page.evaluate(() => !!document.querySelector("#hud .stat")),
          );
          assert.deepEqual(
            untranslated(lang, await phoneWords(page)),
            [],
            `${lang} controller`,
          );
          await screenshot(page, `lang-${lang}-controller`);
          if (lang === "de") {
            await page.setViewport({ ...PHONE_PORTRAIT, width: 320 });
            assert.deepEqual(await clipped(page), [], "German at 320 px");
            await screenshot(page, "lang-de-controller-320");
            await page.setViewport(PHONE_PORTRAIT);
          }
        });
      }

      // At a store each is allergic to: the button's label and the reason
      // it is greyed are the phone's words; tapping it says why.
      await t.step(
        "a greyed-out button in Dutch, German and ⟦pseudo⟧",
        async () => {
          const town = generateTown(SEED);
          const game = await gameSnapshot(host);
          // One at a time: players push each other apart.
          for (const lang of ["nl", "de", "xx"]) {
            const page = pages.get(lang)!;
            const me = game.players.find((p) => p.id === `P${lang}`)!;
            assert.ok(me.allergyMask !== 0, `${lang}: allergies at Cook`);
            const store = town.stores
              .filter((s) => (me.allergyMask & (1 << s.ingredientIndex)) !== 0)
              .sort((a, b) =>
                walkFrom(town, me.x, me.y, [a.door]) -
                walkFrom(town, me.x, me.y, [b.door])
              )[0];
            await steer(page, host, town, `P${lang}`, [store.door], 60_000);
            const buy = await waitAction(page, "buy");
            assert.ok(buy.disabled, `${lang}: greyed`);
            const button = '#actions button[data-action="buy"]';
            const shown = await page.$eval(button, (e) => ({
              label: e.querySelector(".action-label")?.textContent,
              reason: e.querySelector(".action-reason")?.textContent,
            }));
            assert.deepEqual(shown, {
              label: expected(lang, buy.say),
              reason: expected(lang, buy.disabled),
            });
            assert.deepEqual(
              untranslated(lang, await phoneWords(page)),
              [],
              `${lang} at the store`,
            );
            await page.tap(button);
            await toastShown(page, expected(lang, buy.disabled));
            assert.equal((await phoneView(page))?.backpack.length, 0);
            await screenshot(page, `lang-${lang}-store`);
            if (lang === "de") {
              await page.setViewport({ ...PHONE_PORTRAIT, width: 320 });
              assert.deepEqual(await clipped(page), [], "German at 320 px");
              await screenshot(page, "lang-de-store-320");
              await page.setViewport(PHONE_PORTRAIT);
            }
          }
        },
      );

      for (const lang of LANGS) {
        await t.step(`${lang}: the audience screen`, async () => {
          const phone = await openPhone(
            browser,
            `${base}/play/?room=${room}${lang === "en" ? "" : `&lang=${lang}`}`,
          );
          phones.push(phone);
          const page = phone.page;
          const files: string[] = [];
          page.on("request", (request) => {
            const m = request.url().match(/\/i18n\/([\w/]+)\.json$/);
            if (m) files.push(m[1]);
          });
          await page.waitForSelector("#join-form", { visible: true });
          await page.type("#name-input", `W${lang}`);
          await page.tap("#watch-button");
          await page.waitForSelector("#audience-screen", { visible: true });
          // The round's numbers arrive: the panel is worded from an update.
          await waitFor(
            "the audience's game panel",
            async () =>
              !(await page.$eval("#watch-time", (e) => e.textContent))
                ?.startsWith("–"),
          );
          assert.deepEqual(
            untranslated(lang, await phoneWords(page, AUDIENCE_HOST_WORDED)),
            [],
            `${lang} audience`,
          );
          const file = lang === "xx" ? "en" : lang;
          assert.deepEqual(files, [`watch/${file}`], "the audience's words");
          const help = catalogue(lang === "xx" ? "en" : lang)["watch.help"];
          assert.equal(
            await page.$eval("#watch-help", (e) => e.textContent),
            lang === "xx" ? `⟦${help}⟧` : help,
          );
          await screenshot(page, `lang-${lang}-audience`);
          if (lang === "de") {
            await page.setViewport({ ...PHONE_PORTRAIT, width: 320 });
            assert.deepEqual(await clipped(page), [], "German at 320 px");
            await screenshot(page, "lang-de-audience-320");
          }
        });
      }

      await t.step("the TV's own switch: its words in German", async () => {
        const tv = await browser.newPage();
        const files: string[] = [];
        tv.on("request", (request) => {
          const m = request.url().match(/\/i18n\/([\w/]+)\.json$/);
          if (m) files.push(m[1]);
        });
        await tv.setViewport({ width: 1280, height: 720 });
        await tv.goto(`${base}/?lang=de`);
        await waitFor(
          "the TV in German",
          () => tv.evaluate(() => document.documentElement.dataset.lang),
        );
        assert.deepEqual(files, ["tv/de"]);
        await tv.waitForSelector("#create-button:not([disabled])");
        assert.equal(
          await tv.$eval("#create-button", (e) => e.textContent),
          catalogue("tv/de")["welcome.create"],
        );
        await screenshot(tv, "lang-de-tv-welcome");
        await tv.close();
      });

      await t.step("a choice on the switch is remembered", async () => {
        const phone = await openPhone(browser, `${base}/play/`);
        phones.push(phone);
        await phone.page.waitForSelector("#lang-select");
        await phone.page.select("#lang-select", "es");
        await waitFor(
          "Spanish",
          () =>
            phone.page.evaluate(() =>
              document.documentElement.dataset.lang === "es"
            ),
        );
        assert.equal(
          await phone.page.$eval("#join-button", (e) => e.textContent),
          catalogue("es")["join.button"],
        );
        await phone.page.reload();
        await waitFor(
          "Spanish after a reload",
          () =>
            phone.page.evaluate(() =>
              document.documentElement.dataset.lang === "es"
            ),
        );
      });
    } finally {
      for (const phone of phones) await phone.context.close().catch(() => {});
      await chromium.close();
      await server.close();
    }
  },
});
