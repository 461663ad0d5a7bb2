import assert from "node:assert/strict";
import {
  defaultComfort,
  parseComfort,
} from "../../src/phone/comfort_settings.ts";

Deno.test("parseComfort() follows the system's reduced motion until the player chooses", () => {
  assert.deepEqual(parseComfort(null, true), defaultComfort(true));
  assert.equal(parseComfort(null, true).reduceMotion, true);
  assert.equal(
    parseComfort('{"reduceMotion":false}', true).reduceMotion,
    false,
  );
});

Deno.test("parseComfort() keeps only boolean fields of stored settings", () => {
  assert.deepEqual(
    parseComfort('{"leftHanded":true,"vibration":false,"x":1}', false),
    { leftHanded: true, reduceMotion: false, vibration: false },
  );
  for (const raw of ["{", "[]", "null", '"x"', '{"leftHanded":"yes"}']) {
    assert.deepEqual(parseComfort(raw, false), defaultComfort(false), raw);
  }
});
