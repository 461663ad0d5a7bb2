/**
 * End-to-end seats in Chromium: the host removes a player from the lobby
 * (its ✕ button asks "Remove Bob?" before it removes), and lets a player back in who comes
 * back by name on another phone (the phone says it waits for the host).
 */
import assert from "node:assert/strict";
import { ignoreBrowserTests, launchChromium } from "./chromium.ts";
import {
  hostSnapshot,
  joinAs,
  openHost,
  openPhone,
  type Phone,
  phoneSnapshot,
  screenshot,
  waitFor,
  waitReady,
} from "./pages.ts";
import { startTestServer } from "./test_server.ts";

const ignore = ignoreBrowserTests();

Deno.test({
  name:
    "browser: the host removes a player from the lobby and lets one back in who lost its phone",
  ignore,
  async fn() {
    const server = await startTestServer();
    const chromium = await launchChromium();
    const phones: Phone[] = [];
    try {
      const base = server.localUrl;
      const host = await openHost(chromium.browser, base);
      const joinUrl = `${base}/play/?room=${host.room}`;
      for (const name of ["Ann", "Bob"]) {
        const phone = await openPhone(chromium.browser, joinUrl);
        phones.push(phone);
        await joinAs(phone.page, name);
        await waitReady(phone.page);
      }
      await waitFor("2 players on the host", async () => {
        const snap = await hostSnapshot(host.page);
        return snap.players.length === 2;
      });

      // Remove Bob: the first tap asks, the second removes.
      const bobKick = '#players .player[data-name="Bob"] .player-kick';
      await host.page.click(bobKick);
      await host.page.waitForSelector(`${bobKick}[data-confirm]`);
      await screenshot(host.page, "host-kick-confirm");
      assert.match(
        await host.page.$eval(bobKick, (b) => b.textContent ?? ""),
        /Remove Bob\?/,
      );
      assert.equal(
        server.registry.stats().players,
        2,
        "one tap removes no one",
      );
      await host.page.click(bobKick);
      const bob = phones[1].page;
      await waitFor("Bob's phone to say it was removed", async () => {
        const snap = await phoneSnapshot(bob);
        return snap.stage === "ended";
      });
      assert.match(
        await bob.$eval("body", (b) => (b as HTMLElement).innerText),
        /took you out/,
      );
      await waitFor("Bob gone from the host's list", async () => {
        const snap = await hostSnapshot(host.page);
        return snap.players.length === 1 && snap.players[0].name === "Ann";
      });
      assert.equal(server.registry.stats().players, 1);

      // Ann's phone dies; she comes back on another one (no saved seat).
      await phones[0].context.close();
      phones.shift();
      await waitFor("the server to see Ann's phone gone", () =>
        Promise.resolve(
          server.registry.room(host.room)?.seatOf("Ann")?.connId === undefined,
        ));
      const second = await openPhone(chromium.browser, joinUrl);
      phones.push(second);
      await joinAs(second.page, "Ann");
      await waitFor("the new phone to wait for the host", async () => {
        const snap = await phoneSnapshot(second.page);
        return snap.stage === "waitingHost";
      });
      assert.match(
        await second.page.$eval(
          "#connect-text",
          (p) => (p as HTMLElement).innerText,
        ),
        /Waiting for the host to let you back in/,
      );
      const prompt = '#rejoin-requests .rejoin-request[data-name="Ann"]';
      await host.page.waitForSelector(prompt, { visible: true });
      assert.match(
        await host.page.$eval(prompt, (p) => (p as HTMLElement).innerText),
        /Ann wants to come back on another phone/,
      );
      await screenshot(host.page, "host-rejoin-request");
      await screenshot(second.page, "phone-waiting-for-host");
      await host.page.click(`${prompt} .rejoin-approve`);
      await waitReady(second.page);
      await waitFor("Ann connected again on the host", async () => {
        const snap = await hostSnapshot(host.page);
        return snap.players.length === 1 &&
          snap.players[0].name === "Ann" &&
          snap.players[0].state !== "disconnected";
      });
      assert.equal(await host.page.$(prompt), null);
    } finally {
      for (const phone of phones) await phone.context.close().catch(() => {});
      await chromium.close();
      await server.close();
    }
  },
});
