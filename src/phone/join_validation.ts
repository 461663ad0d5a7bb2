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
    return { ok: false, message: "join.code_empty" };
  }
  if (/[^a-z]/i.test(text)) {
    return { ok: false, message: "join.code_letters" };
  }
  if (text.length !== 4) {
    return { ok: false, message: "join.code_length" };
  }
  const result = v.safeParse(RoomCodeSchema, text);
  return result.success
    ? { ok: true, value: result.output }
    : { ok: false, message: "join.code_length" };
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
      message: "join.name_empty",
    };
  }
  if ([...text].length > MAX_NAME_LENGTH) {
    return {
      ok: false,
      message: "join.name_long",
    };
  }
  const result = v.safeParse(UsernameSchema, text);
  return result.success ? { ok: true, value: result.output } : {
    ok: false,
    message: "join.name_chars",
  };
}
