/**
 * Ingredients are told apart by shape, not only by colour: each ingredient's
 * icon, as the TV paints it (`drawIngredient`) and as the phone draws it
 * (`ingredientIcon`), is rendered in Chromium, turned to grey, and compared
 * with every other one pixel by pixel; each pair must differ by more than a
 * threshold. Greyscale sheets go to test-output/screenshots/.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as esbuild from "esbuild";
import { ignoreBrowserTests, launchChromium } from "./chromium.ts";
import { screenshot } from "./pages.ts";

/** Icon size drawn, px. */
const SIZE = 64;
/**
 * Least mean difference of grey levels (0..255) over the pixels either of
 * two icons paints: two
 * icons this close would read alike to someone who sees no colour.
 */
const MIN_GREY_DIFFERENCE = 25;

const ROOT = new URL("../../", import.meta.url).pathname;

/** Bundles the two painters and the ingredient list for a blank page. */
async function painters(): Promise<string> {
  try {
    const result = await esbuild.build({
      stdin: {
        contents: `
          import { drawIngredient } from "./src/client/host/game/food_art.ts";
          import { ingredientIcon } from "./src/phone/ingredient_look.ts";
          import { INGREDIENTS } from "./src/game/mod.ts";
          globalThis.art = { drawIngredient, ingredientIcon, INGREDIENTS };`,
        resolveDir: ROOT,
        loader: "ts",
      },
      bundle: true,
      write: false,
      format: "iife",
      logLevel: "error",
    });
    return result.outputFiles[0].text;
  } finally {
    await esbuild.stop();
  }
}

Deno.test({
  name:
    "Ingredient icons differ from each other in greyscale, on the TV and on the phone",
  ignore: ignoreBrowserTests(),
  async fn() {
    const script = await painters();
    const chromium = await launchChromium();
    try {
      const page = await chromium.browser.newPage();
      await page.setViewport({ width: 700, height: 200 });
      await page.setContent(
        '<html lang="en"><body style="margin:0;background:#140f26"></body></html>',
      );
      await page.addScriptTag({ content: script });
      const result = await page.evaluate(async (size) => {
        // deno-lint-ignore no-explicit-any
        const art = (globalThis as any).art;
        const names: string[] = art.INGREDIENTS;
        const grey = (canvas: HTMLCanvasElement): Float32Array => {
          const data = canvas.getContext("2d")!.getImageData(0, 0, size, size)
            .data;
          const out = new Float32Array(size * size);
          for (let i = 0; i < out.length; i++) {
            out[i] = 0.2126 * data[i * 4] + 0.7152 * data[i * 4 + 1] +
              0.0722 * data[i * 4 + 2];
          }
          return out;
        };
        const canvasFor = (): HTMLCanvasElement => {
          const canvas = document.createElement("canvas");
          canvas.width = canvas.height = size;
          canvas.style.filter = "grayscale(1)";
          canvas.style.margin = "8px";
          const ctx = canvas.getContext("2d")!;
          ctx.fillStyle = "#1f1838";
          ctx.fillRect(0, 0, size, size);
          document.body.append(canvas);
          return canvas;
        };
        const tv = names.map((_, i) => {
          const canvas = canvasFor();
          art.drawIngredient(
            canvas.getContext("2d"),
            i,
            size / 2,
            size / 2,
            26,
          );
          return grey(canvas);
        });
        document.body.append(document.createElement("br"));
        const phone = [];
        for (const name of names) {
          const canvas = canvasFor();
          const svg = art.ingredientIcon(name).replace(
            "<svg ",
            `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" `,
          );
          const img = new Image();
          img.src = `data:image/svg+xml,${encodeURIComponent(svg)}`;
          await img.decode();
          canvas.getContext("2d")!.drawImage(img, 0, 0, size, size);
          phone.push(grey(canvas));
        }
        const blank = canvasFor();
        const bg = grey(blank)[0];
        blank.remove();
        const pairs: { where: string; a: string; b: string; diff: number }[] =
          [];
        for (const [where, icons] of [["tv", tv], ["phone", phone]] as const) {
          for (let a = 0; a < names.length; a++) {
            for (let b = a + 1; b < names.length; b++) {
              // Over the pixels either icon paints (the background is
              // the same in both and would water the difference down).
              let sum = 0;
              let ink = 0;
              for (let i = 0; i < icons[a].length; i++) {
                const [x, y] = [icons[a][i], icons[b][i]];
                if (Math.abs(x - bg) < 2 && Math.abs(y - bg) < 2) continue;
                ink++;
                sum += Math.abs(x - y);
              }
              pairs.push({
                where,
                a: names[a],
                b: names[b],
                diff: sum / Math.max(1, ink),
              });
            }
          }
        }
        return { names, pairs };
      }, SIZE);
      await screenshot(page, "ingredients-greyscale");
      assert.ok(result.names.length >= 5, "every ingredient drawn");
      const alike = result.pairs.filter((p) => p.diff < MIN_GREY_DIFFERENCE);
      assert.deepEqual(
        alike,
        [],
        `pairs too alike in grey: ${JSON.stringify(alike)}`,
      );
      await page.close();
    } finally {
      await chromium.close();
    }
  },
});
