/**
 * End-to-end: the phone after its game is gone. A host page reloads within
 * the grace period and both phones come back by themselves; then the host
 * page closes for good and, after the grace period, the room closes: each
 * phone says the game ended. Ann taps "Play again"; Bob reloads his old
 * join link and taps Join, and the server answers `room closed`. Both land
 * on the join form with the name kept, the code field empty with the
 * cursor in it, a calm notice and no error colour, and nothing retries.
 * Screenshots: test-output/screenshots/phone-game-ended.png,
 * phone-room-closed-notice.png.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { ignoreBrowserTests } from "./chromium.ts";
import { phoneSnapshot, screenshot, waitFor, waitReady } from "./pages.ts";
import { withParty } from "./party.ts";

/** What the join form shows, read in the page. */
function joinForm(page: Page) {
  return page.evaluate(() => {
    const by = (id: string) => document.getElementById(id)!;
    const notice = by("join-notice");
    const room = by("room-input") as HTMLInputElement;
    return {
      screen: document.body.dataset.screen,
      notice: notice.hidden ? "" : notice.textContent,
      noticeColor: getComputedStyle(notice).color,
      errorColor: getComputedStyle(by("join-error")).color,
      room: room.value,
      roomInvalid: room.getAttribute("aria-invalid"),
      name: (by("name-input") as HTMLInputElement).value,
      focused: document.activeElement?.id,
      formError: by("join-error").textContent,
      roomError: by("room-error").textContent,
    };
  });
}

async function assertAsksNewCode(page: Page, name: string): Promise<void> {
  const form = await joinForm(page);
  assert.equal(form.screen, "join");
  assert.equal(form.room, "", "the code field is empty");
  assert.equal(form.focused, "room-input", "the cursor is in the code field");
  assert.equal(form.name, name, "the name is kept");
  assert.equal(form.formError, "", "no error line");
  assert.equal(form.roomError, "");
  assert.notEqual(form.roomInvalid, "true");
  assert.notEqual(form.noticeColor, form.errorColor, "no error colour");
}

Deno.test({
  name:
    "Phone after the room is gone: rejoins by itself within the grace period; after it, says so, keeps the name, empty code field focused, no retry",
  ignore: ignoreBrowserTests(),
  async fn() {
    await withParty(
      { query: "", names: ["Ann", "Bob"], phoneErrors: true },
      async ({ host, room, phones: [ann, bob], base, errors }) => {
        // The host page reloads within the grace period: both phones come
        // back by themselves.
        await host.reload();
        await waitReady(ann);
        await waitReady(bob);

        // The host page closes for good: after the grace, the room closes.
        await host.close();
        for (const phone of [ann, bob]) {
          await waitFor(
            "the game-ended screen",
            async () =>
              (await phoneSnapshot(phone)).stage === "ended" || undefined,
          );
        }
        await screenshot(ann, "phone-game-ended");
        assert.match(
          await ann.$eval("#ended-text", (p) => p.textContent ?? ""),
          /ended/,
        );

        // Ann taps "Play again": ready for the new code.
        await ann.tap("#again-button");
        await assertAsksNewCode(ann, "Ann");

        // Bob reloads his old join link and taps Join: the server says the
        // game has ended, calmly.
        await bob.goto(`${base}/play/?room=${room}`);
        await bob.waitForSelector("#join-form", { visible: true });
        assert.equal(
          await bob.$eval("#room-input", (i) => (i as HTMLInputElement).value),
          room,
        );
        await bob.tap("#join-button");
        await waitFor(
          "the room-closed notice",
          async () => (await joinForm(bob)).notice || undefined,
        );
        const form = await joinForm(bob);
        assert.equal(
          form.notice,
          "This game has ended — ask the host for the new code",
        );
        await assertAsksNewCode(bob, "Bob");
        await screenshot(bob, "phone-room-closed-notice");
        // No retry loop: a while later the phone still waits for a code.
        await new Promise((r) => setTimeout(r, 1_500));
        assert.equal((await phoneSnapshot(bob)).stage, "refused");
        await assertAsksNewCode(bob, "Bob");
        assert.deepEqual(errors, []);
      },
    );
  },
});
