/**
 * End-to-end in Chromium: a phone never loses its seat by its own
 * navigation. Bo joins room A from its link, A ends (the phone says the big
 * screen closed the game), Bo taps "Join another game" and joins room B by
 * its code: the address now names B, and a reload
 * takes Bo straight back into B's seat. A page restored with a stale address
 * naming A still comes back into B; a link to A freshly opened in the tab
 * shows A's form, whose failed join (A is gone) leaves B's seat alone, so the
 * next reload is back in B, as Bo, without the host's approval.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { ignoreBrowserTests, launchChromium } from "./chromium.ts";
import {
  hostSnapshot,
  joinAs,
  openHost,
  openPhone,
  type Phone,
  phoneSnapshot,
  screenshot,
  WAIT_MS,
  waitFor,
  waitReady,
} from "./pages.ts";
import { startTestServer } from "./test_server.ts";

/** The room the phone's address names, or null. */
function addressRoom(page: Page): string | null {
  return new URL(page.url()).searchParams.get("room");
}

/** Reloads and waits until the phone is back on the controller. */
async function reloadReady(page: Page): Promise<void> {
  await page.reload();
  await waitReady(page);
}

Deno.test({
  name:
    "browser: a phone that joined another game comes back into that game's seat after a reload, even from a stale address",
  ignore: ignoreBrowserTests(),
  async fn() {
    const server = await startTestServer();
    const chromium = await launchChromium();
    const phones: Phone[] = [];
    try {
      const base = server.localUrl;
      const hostA = await openHost(chromium.browser, base);
      const hostB = await openHost(chromium.browser, base);
      const phone = await openPhone(
        chromium.browser,
        `${base}/play/?room=${hostA.room}`,
      );
      phones.push(phone);
      const bo = phone.page;
      await joinAs(bo, "Bo");
      await waitReady(bo);
      assert.equal(addressRoom(bo), hostA.room);

      // Room A ends; Bo joins room B by its code.
      await hostA.page.bringToFront();
      await hostA.page.click("#end-button");
      await hostA.page.waitForSelector("#end-confirm", { visible: true });
      await hostA.page.click("#end-confirm");
      await waitFor("Bo's phone to say A ended", async () => {
        return (await phoneSnapshot(bo)).stage === "ended";
      });
      assert.match(
        await bo.$eval("#ended-text", (p) => p.textContent ?? ""),
        /^The big screen closed the game\./,
      );
      await bo.bringToFront();
      await screenshot(bo, "phone-big-screen-closed");
      await bo.click("#again-button");
      assert.equal(addressRoom(bo), null, "no room named once A is over");
      await joinAs(bo, "Bo", hostB.room);
      await waitReady(bo);
      assert.equal(addressRoom(bo), hostB.room, "the address names room B");
      const onB = () =>
        waitFor("Bo connected in room B", async () => {
          const snap = await hostSnapshot(hostB.page);
          return snap.players.length === 1 && snap.players[0].name === "Bo" &&
            (snap.players[0].state === "p2p" ||
              snap.players[0].state === "relayed");
        });
      await onB();

      // A reload comes back into B's seat, as Bo.
      await reloadReady(bo);
      assert.equal((await phoneSnapshot(bo)).name, "Bo");
      assert.equal(addressRoom(bo), hostB.room);
      await onB();

      // The browser restores the page with a stale address naming A.
      await bo.evaluate((room) => {
        history.replaceState(null, "", `?room=${room}`);
      }, hostA.room);
      await reloadReady(bo);
      assert.equal((await phoneSnapshot(bo)).name, "Bo");
      assert.equal(addressRoom(bo), hostB.room, "rewritten to room B");
      await onB();

      // A link to A opened in this tab: A's form; its join fails (A is gone)…
      await bo.goto(`${base}/play/?room=${hostA.room}`);
      await bo.waitForSelector("#join-form", {
        visible: true,
        timeout: WAIT_MS,
      });
      assert.equal(
        await bo.$eval("#room-input", (i) => (i as HTMLInputElement).value),
        hostA.room,
      );
      await bo.tap("#join-button");
      await waitFor("A's join to be refused", async () => {
        return (await phoneSnapshot(bo)).stage === "refused";
      });
      // …and B's seat is still this tab's: the next reload is back in B.
      await reloadReady(bo);
      assert.equal((await phoneSnapshot(bo)).name, "Bo");
      assert.equal(addressRoom(bo), hostB.room);
      await onB();
      assert.equal(
        server.registry.room(hostB.room)?.seatOf("Bo")?.connId !== undefined,
        true,
      );
      const names = (await hostSnapshot(hostB.page)).players.map((p) => p.name);
      assert.deepEqual(names, ["Bo"], "no second Bo, no approval asked");
      assert.equal(
        await hostB.page.$('#rejoin-requests .rejoin-request[data-name="Bo"]'),
        null,
      );
    } finally {
      for (const phone of phones) await phone.context.close().catch(() => {});
      await chromium.close();
      await server.close();
    }
  },
});
