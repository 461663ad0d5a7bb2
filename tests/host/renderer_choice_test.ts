import assert from "node:assert/strict";
import {
  chooseRenderer,
  isSoftwareRenderer,
  rendererParam,
} from "../../src/host/renderer_choice.ts";

Deno.test("isSoftwareRenderer() spots the software rasterisers by name", () => {
  for (
    const name of [
      "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)",
      "Google SwiftShader",
      "llvmpipe (LLVM 15.0.6, 256 bits)",
      "Mesa/X.org softpipe",
      "ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0)",
    ]
  ) assert.equal(isSoftwareRenderer(name), true, name);
  for (
    const name of [
      "ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)",
      "Apple M1",
      "ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)",
      "",
    ]
  ) assert.equal(isSoftwareRenderer(name), false, name);
});

Deno.test("chooseRenderer() takes WebGL only on a fast hardware GPU, unless the page asks", () => {
  const gpu = { fast: true, renderer: "Apple M1" };
  let probes = 0;
  const probe = (found: { fast: boolean; renderer: string }) => () => {
    probes++;
    return found;
  };
  assert.equal(chooseRenderer(null, probe(gpu)), "webgl");
  assert.equal(
    chooseRenderer(null, probe({ fast: true, renderer: "Google SwiftShader" })),
    "canvas",
  );
  assert.equal(
    chooseRenderer(null, probe({ fast: false, renderer: "" })),
    "canvas",
    "no context with failIfMajorPerformanceCaveat",
  );
  assert.equal(probes, 3);
  assert.equal(chooseRenderer("canvas", probe(gpu)), "canvas");
  assert.equal(
    chooseRenderer("webgl", probe({ fast: false, renderer: "" })),
    "webgl",
  );
  assert.equal(probes, 3, "no probe when the page asks");
});

Deno.test("rendererParam() reads ?renderer= and ignores other values", () => {
  assert.equal(rendererParam("?renderer=canvas&seed=1"), "canvas");
  assert.equal(rendererParam("?renderer=WebGL"), null);
  assert.equal(rendererParam(""), null);
});
