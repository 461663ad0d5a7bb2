/**
 * End-to-end in Chromium: a phone that goes silent mid-round is noticed.
 * Ann and Bo start a round; Bo's page is frozen (DevTools pause: its link
 * stays open but nothing answers). Within `PHONE_SILENT_MS` (5 s) and a
 * ping, the TV shows Bo as "No signal" and the round pauses; once Bo's page
 * runs again its answers come back and the round resumes by itself.
 * Screenshot: test-output/screenshots/host-no-signal.png.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { CDPSession, Page } from "puppeteer-core";
import { ignoreBrowserTests } from "./chromium.ts";
import { hostSnapshot, screenshot, waitFor } from "./pages.ts";
import { gameSnapshot, phoneView, tapAction, waitAction } from "./steering.ts";
import { withParty } from "./party.ts";

/** Pauses a page's JavaScript (as a breakpoint would); returns the resume. */
async function freeze(page: Page): Promise<() => Promise<void>> {
  const cdp: CDPSession = await page.createCDPSession();
  await cdp.send("Debugger.enable");
  await cdp.send("Debugger.pause");
  let resumed = false;
  return async () => {
    if (resumed) return;
    resumed = true;
    await cdp.send("Debugger.resume").catch(() => {});
    await cdp.detach().catch(() => {});
  };
}

/** Bo's row on the host: its link state and the pill's words. */
async function boOnHost(host: Page): Promise<{ state: string; pill: string }> {
  const snap = await hostSnapshot(host);
  const state = snap.players.find((p) => p.name === "Bo")?.state ?? "none";
  const pill = await host.$eval(
    '#players .player[data-name="Bo"] .player-state',
    (p) => p.textContent ?? "",
  );
  return { state, pill };
}

Deno.test({
  name:
    "browser: a frozen phone shows as no signal on the TV and pauses the round, which resumes when it answers again",
  ignore: ignoreBrowserTests(),
  async fn() {
    await withParty(
      { query: "?round=300&seed=7", names: ["Ann", "Bo"] },
      async ({ host, phones: [ann, bo], errors }) => {
        let unfreeze: (() => Promise<void>) | null = null;
        try {
          await waitFor("both players connected", async () => {
            const snap = await hostSnapshot(host);
            return snap.players.length === 2 &&
              snap.players.every((p) =>
                p.state === "p2p" || p.state === "relayed"
              );
          });
          await waitAction(ann, "start");
          await tapAction(ann, "start");
          await waitFor("the round on, not paused", async () => {
            const game = await gameSnapshot(host);
            return game.phase === "playing" && !game.paused &&
              (await phoneView(bo))?.phase === "playing";
          });

          unfreeze = await freeze(bo);
          const silent = await waitFor(
            "Bo silent and the round paused",
            async () => {
              const row = await boOnHost(host);
              const game = await gameSnapshot(host);
              return row.state === "silent" && game.paused && { row, game };
            },
          );
          assert.equal(silent.row.pill, "No signal");
          assert.equal(
            silent.game.players.find((p) => p.name === "Bo")?.link,
            "silent",
          );
          const frozenLeft = silent.game.timeLeftMs;
          await host.bringToFront();
          await screenshot(host, "host-no-signal");
          const still = await gameSnapshot(host);
          assert.equal(still.paused, true);
          assert.equal(still.timeLeftMs, frozenLeft, "the clock stands still");

          await unfreeze();
          await waitFor(
            "Bo answering again and the round running",
            async () => {
              const row = await boOnHost(host);
              const game = await gameSnapshot(host);
              return (row.state === "p2p" || row.state === "relayed") &&
                !game.paused && game.timeLeftMs < frozenLeft;
            },
          );
          assert.match((await boOnHost(host)).pill, /P2P|Relayed/);
          assert.deepEqual(errors, []);
        } finally {
          await unfreeze?.();
        }
      },
    );
  },
});
