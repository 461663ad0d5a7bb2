/**
 * Room codes and secret tokens: random, readable, never offensive.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { ROOM_CODE_LENGTH } from "../protocol/mod.ts";

const CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const TOKEN_ALPHABET =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** Characters in a host or reconnect token (~143 bits of randomness). */
export const TOKEN_LENGTH = 24;

/**
 * Four-letter words (and near-words) never handed out as room codes. Codes
 * are letters only, so digit look-alikes ("F0CK") cannot occur; three-letter
 * stems catch the spelling variants.
 */
const BLOCKED_CODES: ReadonlySet<string> = new Set([
  "ANAL",
  "ANUS",
  "ARSE",
  "BOOB",
  "BUTT",
  "CLIT",
  "COCK",
  "COON",
  "CRAP",
  "CUMS",
  "CUNT",
  "DAMN",
  "DICK",
  "DIKE",
  "DYKE",
  "FAGS",
  "FART",
  "FUCK",
  "FUKK",
  "FUCC",
  "FUKU",
  "GOOK",
  "HELL",
  "HOMO",
  "JEWS",
  "JISM",
  "JIZZ",
  "KIKE",
  "KILL",
  "KKKK",
  "MUFF",
  "NAZI",
  "NIGG",
  "PAKI",
  "PISS",
  "POOP",
  "PORN",
  "PUBE",
  "PUSS",
  "RAPE",
  "SCUM",
  "SEXY",
  "SHAG",
  "SHIT",
  "SLAG",
  "SLUT",
  "SPIC",
  "SUCK",
  "TITS",
  "TWAT",
  "WANK",
  "WHOR",
  "DIED",
  "DEAD",
  "HATE",
  "PEDO",
  "PERV",
  "NUDE",
  "MILF",
  "HOES",
  "THOT",
  "WTFF",
  "FUKS",
]);

/**
 * True when `code` is, or contains a three-letter stem of, a blocked word.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isBlockedCode } from "./room_codes.ts";
 * assert.equal(isBlockedCode("SHIT"), true);
 * assert.equal(isBlockedCode("PZZA"), false);
 * ```
 */
export function isBlockedCode(code: string): boolean {
  const upper = code.toUpperCase();
  if (BLOCKED_CODES.has(upper)) return true;
  return /FUC|FUK|CUN|NIG|FAG|KKK|SEX|XXX|ASS|TIT|CUM|DIK|COK|JIZ|POO|WTF/
    .test(upper);
}

/** Returns a random integer in [0, max) from a cryptographic source. */
function randomIndex(max: number): number {
  const buffer = new Uint32Array(1);
  // Rejection sampling keeps every value equally likely.
  const limit = Math.floor(0x1_0000_0000 / max) * max;
  do crypto.getRandomValues(buffer); while (buffer[0] >= limit);
  return buffer[0] % max;
}

/**
 * A random room code of four uppercase letters (may be blocked or in use;
 * the registry checks both).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { randomRoomCode } from "./room_codes.ts";
 * assert.match(randomRoomCode(), /^[A-Z]{4}$/);
 * ```
 */
export function randomRoomCode(): string {
  let code = "";
  for (let i = 0; i < ROOM_CODE_LENGTH; i++) {
    code += CODE_ALPHABET[randomIndex(CODE_ALPHABET.length)];
  }
  return code;
}

/**
 * A random URL-safe secret for host and reconnect tokens.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { randomToken } from "./room_codes.ts";
 * assert.match(randomToken(), /^[A-Za-z0-9_-]{24}$/);
 * ```
 */
export function randomToken(): string {
  if (tokenPoolAt + TOKEN_LENGTH > tokenPool.length) {
    // One system call for many tokens (a join mints one); each byte is
    // handed out once.
    crypto.getRandomValues(tokenPool);
    tokenPoolAt = 0;
  }
  // One string, built from character codes in place: concatenating 24
  // characters made ~24 strings per token (garbage on every join).
  const end = tokenPoolAt + TOKEN_LENGTH;
  for (let i = 0; i < TOKEN_LENGTH; i++) {
    tokenChars[i] = TOKEN_CODES[tokenPool[tokenPoolAt + i] & 63];
  }
  tokenPool.fill(0, tokenPoolAt, end);
  tokenPoolAt = end;
  const token = ASCII.decode(tokenChars);
  tokenChars.fill(0);
  return token;
}

/** {@link TOKEN_ALPHABET} as character codes. */
const TOKEN_CODES = Uint8Array.from(
  TOKEN_ALPHABET,
  (char) => char.charCodeAt(0),
);
/** The characters of the token being made. */
const tokenChars = new Uint8Array(TOKEN_LENGTH);
/** Reads {@link tokenChars} as one string. */
const ASCII = new TextDecoder();

/** Random bytes for the next tokens, read {@link TOKEN_LENGTH} at a time. */
const tokenPool = new Uint8Array(TOKEN_LENGTH * 128);
/** The first unused byte of {@link tokenPool}. */
let tokenPoolAt = tokenPool.length;

/**
 * SHA-256 of a token, as lower-case hex: what a shared room record keeps
 * instead of the token. Tokens carry ~143 random bits, so a plain hash
 * cannot be reversed by guessing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tokenDigest } from "./room_codes.ts";
 * assert.equal(
 *   tokenDigest("abc"),
 *   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
 * );
 * ```
 */
export function tokenDigest(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
