/**
 * Inline checks of the join form, in the same rules as the server
 * (protocol.ts), with friendly words.
 *
 * @module
 */
import * as v from "valibot";
import {
  MAX_NAME_LENGTH,
  RoomCodeSchema,
  UsernameSchema,
} from "../protocol/mod.ts";

/** Result of checking one field. */
export type FieldCheck = { ok: true; value: string } | {
  ok: false;
  message: string;
};

/**
 * Checks a room code as typed: any case, spaces ignored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkRoomCode } from "./join_validation.ts";
 * assert.deepEqual(checkRoomCode(" abcd "), { ok: true, value: "ABCD" });
 * assert.equal(checkRoomCode("ab1").ok, false);
 * ```
 */
export function checkRoomCode(raw: string): FieldCheck {
  const text = raw.replace(/\s+/g, "");
  if (text === "") {
    return { ok: false, message: "Type the 4 letters from the big screen." };
  }
  if (/[^a-z]/i.test(text)) {
    return { ok: false, message: "The code only has letters, no numbers." };
  }
  if (text.length !== 4) {
    return {
      ok: false,
      message: `The code has 4 letters (you typed ${text.length}).`,
    };
  }
  const result = v.safeParse(RoomCodeSchema, text);
  return result.success
    ? { ok: true, value: result.output }
    : { ok: false, message: "The code has 4 letters." };
}

/**
 * Checks a player name: 1 to 20 characters after trimming.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkName } from "./join_validation.ts";
 * assert.deepEqual(checkName(" Ann "), { ok: true, value: "Ann" });
 * assert.equal(checkName("").ok, false);
 * ```
 */
export function checkName(raw: string): FieldCheck {
  const text = raw.trim();
  if (text === "") {
    return {
      ok: false,
      message: "Type your name so everyone knows who you are.",
    };
  }
  if ([...text].length > MAX_NAME_LENGTH) {
    return {
      ok: false,
      message: `That name is too long: ${MAX_NAME_LENGTH} letters at most.`,
    };
  }
  const result = v.safeParse(UsernameSchema, text);
  return result.success ? { ok: true, value: result.output } : {
    ok: false,
    message: "That name has strange characters. Use letters and numbers.",
  };
}
