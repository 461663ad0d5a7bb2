/**
 * End-to-end: the real server, the real pages, headless Chromium. A host and
 * three phones join through the UI, move, reload, lose the host; a phone
 * without P2P plays through the relay.
 */
import assert from "node:assert/strict";
import { ignoreBrowserTests, launchChromium } from "./chromium.ts";
import {
  holdStick,
  hostSnapshot,
  joinAs,
  openHost,
  openPhone,
  type Phone,
  PHONE_LANDSCAPE,
  PHONE_PORTRAIT,
  phoneSnapshot,
  releaseStick,
  screenshot,
  waitFor,
  waitReady,
} from "./pages.ts";
import { startTestServer, TEST_HOST_GRACE_MS } from "./test_server.ts";

const ignore = ignoreBrowserTests();

Deno.test({
  name: "browser: host and 3 phones join, move, reload and see the game end",
  ignore,
  async fn() {
    const server = await startTestServer();
    const chromium = await launchChromium();
    const phones: Phone[] = [];
    try {
      const base = server.localUrl;
      const host = await openHost(chromium.browser, base);
      assert.match(host.room, /^[A-Z]{4}$/);
      const link = await host.page.$eval(
        "#join-link",
        (a) => (a as HTMLAnchorElement).href,
      );
      assert.equal(
        link,
        `http://192.0.2.10:${server.port}/play/?room=${host.room}`,
      );

      // Two phones follow the link (code pre-filled), one types it in lower case.
      const names = ["Ann", "Bob", "Cleo"];
      phones.push(
        await openPhone(chromium.browser, `${base}/play/?room=${host.room}`),
      );
      phones.push(
        await openPhone(chromium.browser, `${base}/play/?room=${host.room}`),
      );
      phones.push(await openPhone(chromium.browser, `${base}/play/`));
      await joinAs(phones[0].page, names[0]);
      await joinAs(phones[1].page, names[1]);
      await joinAs(phones[2].page, names[2], host.room.toLowerCase());
      for (const phone of phones) await waitReady(phone.page);

      const lobby = await waitFor(
        "3 players connected P2P in the lobby",
        async () => {
          const snap = await hostSnapshot(host.page);
          return snap.players.length === 3 && snap.players.every((p) =>
            p.state === "p2p"
          ) &&
            snap.players.every((p) => p.rttMs !== null) && snap;
        },
      );
      assert.deepEqual(lobby.players.map((p) => p.name), names);
      assert.deepEqual(lobby.players.map((p) => p.vip), [true, false, false]);
      assert.equal(new Set(lobby.players.map((p) => p.color)).size, 3);
      const rows = await host.page.$$eval(
        "#players .player",
        (items) => items.map((item) => item.textContent ?? ""),
      );
      assert.equal(rows.length, 3);
      assert.ok(rows.every((row) => row.includes("P2P")), rows.join(" | "));

      // The VIP's phone got its view with the Start button from the host.
      const vipView = await waitFor("the VIP view", async () =>
        (await phoneSnapshot(phones[0].page)).view ?? undefined);
      assert.equal(vipView.vip, true);
      assert.ok(
        vipView.actions.some((a) =>
          a.id === "start"
        ),
        JSON.stringify(vipView.actions),
      );

      // Each phone pushes its stick a different way; the host's state follows.
      const pushes = [{ dx: 90, dy: 0 }, { dx: 0, dy: -90 }, {
        dx: -70,
        dy: 70,
      }];
      for (const [index, phone] of phones.entries()) {
        const { dx, dy } = pushes[index];
        const before = (await hostSnapshot(host.page)).players[index];
        await holdStick(phone.page, dx, dy);
        const moved = await waitFor(
          `${names[index]}'s input on the host`,
          async () => {
            const player = (await hostSnapshot(host.page)).players[index];
            const sameWay = Math.sign(player.input.x) === Math.sign(dx) &&
              Math.sign(player.input.y) === Math.sign(dy) &&
              Math.hypot(player.input.x, player.input.y) > 0.5;
            const travelled = Math.hypot(
              player.pos.x - before.pos.x,
              player.pos.y - before.pos.y,
            );
            return sameWay && travelled > 5 && player;
          },
        );
        assert.ok(
          Number.isFinite(moved.input.x) && Number.isFinite(moved.input.y),
        );
        if (index === 0) {
          await screenshot(phone.page, "phone-portrait");
        }
        await releaseStick(phone.page);
        await waitFor(`${names[index]}'s stick back to centre`, async () => {
          const player = (await hostSnapshot(host.page)).players[index];
          return player.input.x === 0 && player.input.y === 0;
        });
      }
      // Sends are throttled: well under one message per touch event frame.
      const sent = (await phoneSnapshot(phones[0].page)).movesSent;
      assert.ok(sent >= 2 && sent <= 12, `phone 1 sent ${sent} move messages`);

      await screenshot(host.page, "host-lobby");
      await phones[1].page.setViewport(PHONE_LANDSCAPE);
      await screenshot(phones[1].page, "phone-landscape");
      await phones[1].page.setViewport(PHONE_PORTRAIT);

      // Bob reloads: same player (name, colour), connected again, input flows.
      const bobBefore = (await hostSnapshot(host.page)).players[1];
      await phones[1].page.reload();
      const bobAgain = await waitReady(phones[1].page);
      assert.equal(bobAgain.name, "Bob");
      const bobAfter = await waitFor("Bob back on the host", async () => {
        const snap = await hostSnapshot(host.page);
        const bob = snap.players.find((p) => p.name === "Bob");
        return snap.players.length === 3 && bob?.state === "p2p" && bob;
      });
      assert.equal(bobAfter.color, bobBefore.color);
      await holdStick(phones[1].page, 80, 0);
      await waitFor("Bob's input after the reload", async () => {
        const bob = (await hostSnapshot(host.page)).players[1];
        return bob.name === "Bob" && bob.input.x > 0.5;
      });
      await releaseStick(phones[1].page);

      // The host reloads: it reclaims its room and every phone reconnects P2P.
      await host.page.reload();
      await waitFor(
        "the host to reclaim the room with 3 players on P2P",
        async () => {
          const snap = await hostSnapshot(host.page);
          return snap.room === host.room && snap.players.length === 3 &&
            snap.players.every((p) => p.state === "p2p");
        },
      );
      await holdStick(phones[2].page, 0, 80);
      await waitFor("Cleo's input after the host reload", async () => {
        const cleo = (await hostSnapshot(host.page)).players.find((p) =>
          p.name === "Cleo"
        );
        return cleo !== undefined && cleo.input.y > 0.5;
      });
      await releaseStick(phones[2].page);

      // The host page closes: every phone says the game ended.
      await host.page.close();
      for (const phone of phones) {
        await waitFor("the phone to show the end", async () => {
          const screen = await phone.page.$eval(
            "body",
            (b) => b.dataset.screen,
          );
          return screen === "ended";
        }, TEST_HOST_GRACE_MS + 10_000);
        const text = await phone.page.$eval(
          "#ended-text",
          (p) => p.textContent ?? "",
        );
        assert.match(text, /ended/i);
      }
      await screenshot(phones[0].page, "phone-ended");
    } finally {
      for (const phone of phones) await phone.context.close().catch(() => {});
      await chromium.close();
      await server.close();
    }
  },
});

Deno.test({
  name:
    "browser: a phone that cannot connect P2P plays through the server relay",
  ignore,
  async fn() {
    const server = await startTestServer();
    const chromium = await launchChromium();
    let phone: Phone | null = null;
    try {
      const base = server.localUrl;
      const host = await openHost(chromium.browser, base);
      phone = await openPhone(
        chromium.browser,
        `${base}/play/?room=${host.room}`,
        {
          blockP2P: true,
        },
      );
      await joinAs(phone.page, "Rita");
      await waitReady(phone.page);
      const pill = await phone.page.$eval(
        "#link-pill",
        (el) => el.textContent ?? "",
      );
      assert.equal(pill, "Via server");
      await waitFor("Rita relayed on the host", async () => {
        const snap = await hostSnapshot(host.page);
        return snap.players[0]?.state === "relayed" &&
          snap.players[0].rttMs !== null;
      });
      const row = await host.page.$eval(
        "#players .player",
        (el) => el.textContent ?? "",
      );
      assert.match(row, /Rita.*Relayed/);
      const banner = await host.page.$eval(
        "#banner",
        (el) => el.textContent ?? "",
      );
      assert.match(banner, /Rita's phone could not connect directly/);

      await holdStick(phone.page, -90, 0);
      await waitFor("relayed input on the host", async () => {
        const rita = (await hostSnapshot(host.page)).players[0];
        return rita.input.x < -0.5 && rita.moves > 0;
      });
      await screenshot(host.page, "host-relayed");
      await releaseStick(phone.page);
    } finally {
      await phone?.context.close().catch(() => {});
      await chromium.close();
      await server.close();
    }
  },
});

Deno.test({
  name: "browser: failures are explained (wrong code, server gone)",
  ignore,
  async fn() {
    const server = await startTestServer();
    const chromium = await launchChromium();
    let phone: Phone | null = null;
    try {
      const base = server.localUrl;
      const host = await openHost(chromium.browser, base);
      phone = await openPhone(chromium.browser, `${base}/play/`);
      // Inline validation before anything is sent.
      await joinAs(phone.page, "Zed", "ab1");
      const inline = await phone.page.$eval(
        "#room-error",
        (p) => p.textContent ?? "",
      );
      assert.match(inline, /only has letters/);
      // A code that does not exist: the server's error in friendly words.
      const wrong = host.room === "ZZZZ" ? "YYYY" : "ZZZZ";
      await joinAs(phone.page, "Zed", wrong.toLowerCase());
      const refused = await waitFor("the join error", async () => {
        const text = await phone!.page.$eval(
          "#join-error",
          (p) => p.textContent ?? "",
        );
        return text || undefined;
      });
      assert.match(refused, /can't find a game with that code/);
      await screenshot(phone.page, "phone-join-error");
      // The server goes away: the host says so.
      await server.close();
      const banner = await waitFor(
        "the host's server-lost banner",
        async () => {
          const text = await host.page.$eval(
            "#banner",
            (b) => (b as HTMLElement).hidden ? "" : b.textContent ?? "",
          );
          return text || undefined;
        },
      );
      assert.match(banner, /Room lost: .*restarting|Lost the game server/);
    } finally {
      await phone?.context.close().catch(() => {});
      await chromium.close();
      await server.close();
    }
  },
});

/** Records the page's data channels in `window.pizzaChannels`, to cut them. */
const RECORD_CHANNELS_SCRIPT = `(() => {
  const channels = [];
  window.pizzaChannels = channels;
  const create = RTCPeerConnection.prototype.createDataChannel;
  RTCPeerConnection.prototype.createDataChannel = function (...args) {
    const channel = create.apply(this, args);
    channels.push(channel);
    return channel;
  };
})();`;

Deno.test({
  name:
    "browser: a phone whose data channel drops plays on through the relay and gets P2P back",
  ignore,
  async fn() {
    const server = await startTestServer();
    const chromium = await launchChromium();
    let phone: Phone | null = null;
    try {
      const base = server.localUrl;
      const host = await openHost(chromium.browser, base);
      const context = await chromium.browser.createBrowserContext();
      const page = await context.newPage();
      phone = { context, page };
      await page.setViewport(PHONE_PORTRAIT);
      await page.evaluateOnNewDocument(RECORD_CHANNELS_SCRIPT);
      await page.goto(`${base}/play/?room=${host.room}`);
      await joinAs(page, "Dora");
      await waitReady(page);
      const path = () =>
        page.$eval("#link-pill", (el) => (el as HTMLElement).dataset.path);
      const hostState = async () =>
        (await hostSnapshot(host.page)).players[0]?.state;
      await waitFor(
        "Dora on P2P",
        async () => (await hostState()) === "p2p" && (await path()) === "p2p",
      );

      // The channel drops (as on a Wi-Fi hiccup): both sides go relayed...
      await page.evaluate(() => {
        const channels = (globalThis as unknown as {
          pizzaChannels: RTCDataChannel[];
        }).pizzaChannels;
        channels[channels.length - 1].close();
      });
      await waitFor(
        "Dora relayed",
        async () =>
          (await hostState()) === "relayed" || (await path()) === "relayed",
        10_000,
      );
      // ...and the phone offers a new connection through signaling.
      await waitFor(
        "Dora back on P2P",
        async () => (await hostState()) === "p2p" && (await path()) === "p2p",
      );
      const channels = await page.evaluate(() =>
        (globalThis as unknown as { pizzaChannels: RTCDataChannel[] })
          .pizzaChannels.map((c) => c.readyState)
      );
      assert.deepEqual(channels, ["closed", "open"]);
      // Same player, input flows over the new channel.
      await holdStick(page, 0, -90);
      await waitFor("Dora's input over the new channel", async () => {
        const dora = (await hostSnapshot(host.page)).players[0];
        return dora.name === "Dora" && dora.input.y < -0.5;
      });
      await releaseStick(page);
      assert.equal((await hostSnapshot(host.page)).players.length, 1);
    } finally {
      await phone?.context.close().catch(() => {});
      await chromium.close();
      await server.close();
    }
  },
});
