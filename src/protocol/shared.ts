/**
 * What both channels share: limits, error codes, the parse result and the
 * player-name rules.
 *
 * @module
 */
import * as v from "valibot";

/** Longest player name, in characters (the seed's limit). */
export const MAX_NAME_LENGTH = 20;
/** Room codes are this many uppercase letters. */
export const ROOM_CODE_LENGTH = 4;
/** Longest token (host or reconnect) accepted, in characters. */
export const MAX_TOKEN_LENGTH = 64;
/** Longest SDP accepted inside a signal, in characters. */
export const MAX_SDP_LENGTH = 32_768;

/** Every error value the server can send, as `{ type: "error", val }`. */
export const ERROR_CODES = [
  "wrong room",
  "room closed",
  "no player",
  "bad json",
  "binary",
  "too large",
  "bad message",
  "unknown action",
  "not in room",
  "already in room",
  "not host",
  "not player",
  "bad name",
  "name taken",
  "room full",
  "server full",
  "too many rooms",
  "bad token",
  "rate limited",
  "game started",
  "not approved",
  "no request",
  "unavailable",
] as const;

/** One of {@link ERROR_CODES}, as a schema. */
export const ErrorCodeSchema = v.picklist(ERROR_CODES);

/** One of {@link ERROR_CODES}. */
export type ErrorCode = v.InferOutput<typeof ErrorCodeSchema>;

/** A refused message: its code and words a person understands. */
export const ProtocolErrorSchema = v.object({
  /** Stable machine-readable code. */
  val: ErrorCodeSchema,
  /** What went wrong, for people. */
  message: v.string(),
});

/** A refused message: its code and words a person understands. */
export type ProtocolError = v.InferOutput<typeof ProtocolErrorSchema>;

/** Result of parsing: the typed message or why it was refused. */
export type ParseResult<T> =
  | { ok: true; msg: T }
  | { ok: false; error: ProtocolError };

/** No control or invisible format characters, except the zero-width joiner
 * that composes emoji such as "👩‍🍳". */
const NAME_PATTERN = /^(?:(?![\p{Cc}\p{Cf}\p{Zl}\p{Zp}])[^]|\u200D)+$/u;

/** A player name: trimmed, 1 to 20 characters, no control characters. */
export const UsernameSchema = v.pipe(
  v.string("a name must be text"),
  v.trim(),
  v.minLength(1, "a name cannot be empty"),
  v.maxLength(MAX_NAME_LENGTH, "a name can have at most 20 letters"),
  v.regex(NAME_PATTERN, "a name cannot contain control characters"),
);

/** A name that {@link UsernameSchema} would accept unchanged. */
export function isCleanName(name: unknown): name is string {
  return typeof name === "string" && name.length >= 1 &&
    name.length <= MAX_NAME_LENGTH && name.trim() === name &&
    NAME_PATTERN.test(name);
}

/** A refused parse, with its code and message. */
export function fail(
  val: ErrorCode,
  message: string,
): { ok: false; error: ProtocolError } {
  return { ok: false, error: { val, message } };
}

/** True when `text` takes more than `maxBytes` bytes as UTF-8. */
export function utf8LengthExceeds(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  return new TextEncoder().encode(text).byteLength > maxBytes;
}

/** Words valibot's first issue for people: `Bad X message: "path": why.` */
export function describeIssue(
  action: string,
  issue: v.BaseIssue<unknown>,
): string {
  const path = issue.path?.map((item) => String(item.key)).join(".");
  const where = path ? `"${path}"` : "message";
  const detail = issue.message.startsWith("Invalid")
    ? `expected ${issue.expected ?? "another value"}`
    : issue.message;
  return `Bad ${action} message: ${where}: ${detail}.`;
}
