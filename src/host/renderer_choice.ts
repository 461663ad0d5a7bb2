/**
 * Which Phaser renderer the host page draws with. WebGL only where it is
 * done by a GPU: on a software rasteriser (SwiftShader, llvmpipe, Mesa's
 * softpipe, Windows' Basic Render Driver) it drew 5–8 frames a second where
 * the Canvas renderer draws 60. No DOM: the page probes WebGL and passes
 * what it found.
 *
 * @module
 */

/** What the page learned from a WebGL probe. */
export interface WebglProbe {
  /**
   * A context was created with `failIfMajorPerformanceCaveat` (false: no
   * WebGL, or only a slow one).
   */
  fast: boolean;
  /**
   * `UNMASKED_RENDERER_WEBGL` (from `WEBGL_debug_renderer_info`), or the
   * plain `RENDERER` string, or "" when unknown.
   */
  renderer: string;
}

/** The renderer a page may ask for with `?renderer=`. */
export type RendererParam = "webgl" | "canvas" | null;

/** Renderer names of software rasterisers. */
const SOFTWARE =
  /swiftshader|llvmpipe|softpipe|software|basic render|mesa offscreen/i;

/**
 * Whether a WebGL renderer string names a software rasteriser.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isSoftwareRenderer } from "./renderer_choice.ts";
 * assert.equal(isSoftwareRenderer("ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)"), true);
 * assert.equal(isSoftwareRenderer("llvmpipe (LLVM 15.0.6, 256 bits)"), true);
 * assert.equal(isSoftwareRenderer("ANGLE (Intel, Mesa Intel(R) UHD Graphics 620)"), false);
 * ```
 */
export function isSoftwareRenderer(renderer: string): boolean {
  return SOFTWARE.test(renderer);
}

/**
 * The renderer to use: what `?renderer=` asks for, else WebGL when the probe
 * (run only then) finds a fast, hardware one, else Canvas.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chooseRenderer } from "./renderer_choice.ts";
 * const gpu = { fast: true, renderer: "ANGLE (NVIDIA GeForce RTX 3060)" };
 * assert.equal(chooseRenderer(null, () => gpu), "webgl");
 * const cpu = { fast: true, renderer: "llvmpipe (LLVM 15.0.6, 256 bits)" };
 * assert.equal(chooseRenderer(null, () => cpu), "canvas");
 * assert.equal(chooseRenderer("canvas", () => gpu), "canvas");
 * ```
 */
export function chooseRenderer(
  asked: RendererParam,
  probe: () => WebglProbe,
): "webgl" | "canvas" {
  if (asked) return asked;
  const found = probe();
  return found.fast && !isSoftwareRenderer(found.renderer) ? "webgl" : "canvas";
}

/**
 * Reads `?renderer=` ("webgl" or "canvas"; anything else is null).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rendererParam } from "./renderer_choice.ts";
 * assert.equal(rendererParam("?renderer=webgl"), "webgl");
 * assert.equal(rendererParam("?renderer=fast"), null);
 * ```
 */
export function rendererParam(search: string): RendererParam {
  const value = new URLSearchParams(search).get("renderer");
  return value === "webgl" || value === "canvas" ? value : null;
}
