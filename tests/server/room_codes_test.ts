/**
 * Unit tests for room codes and secret tokens.
 */
import assert from "node:assert/strict";
import { parseClientMessage } from "../../src/protocol/mod.ts";
import {
  isBlockedCode,
  randomRoomCode,
  randomToken,
  TOKEN_LENGTH,
} from "../../src/server/room_codes.ts";

Deno.test("isBlockedCode() blocks listed words in any case", () => {
  for (const code of ["SHIT", "shit", "Cunt", "NAZI", "DEAD", "PORN", "KILL"]) {
    assert.equal(isBlockedCode(code), true, code);
  }
});

Deno.test("isBlockedCode() blocks codes containing a blocked stem anywhere", () => {
  for (
    const code of [
      "FUCX",
      "XFUK",
      "ACUN",
      "NIGA",
      "QFAG",
      "KKKA",
      "ASEX",
      "XXXA",
      "BASS",
      "TITA",
      "CUMA",
      "DIKA",
      "COKE",
      "JIZA",
      "POOH",
      "WTFA",
    ]
  ) {
    assert.equal(isBlockedCode(code), true, code);
  }
});

Deno.test("isBlockedCode() allows ordinary codes", () => {
  for (const code of ["PZZA", "ABCD", "QAAA", "BAKE", "OVEN", "DOGE", "ZZZZ"]) {
    assert.equal(isBlockedCode(code), false, code);
  }
});

Deno.test("randomRoomCode() returns four uppercase letters using the whole alphabet", () => {
  const seen = new Set<string>();
  const codes = new Set<string>();
  for (let i = 0; i < 2_000; i++) {
    const code = randomRoomCode();
    assert.match(code, /^[A-Z]{4}$/);
    codes.add(code);
    for (const letter of code) seen.add(letter);
  }
  assert.equal(seen.size, 26);
  // 26^4 = 456,976 codes: 2,000 draws almost never repeat much.
  assert.ok(codes.size > 1_950, `only ${codes.size} distinct codes`);
});

Deno.test("randomRoomCode() spreads letters evenly", () => {
  const counts = new Map<string, number>();
  const draws = 5_000;
  for (let i = 0; i < draws; i++) {
    for (const letter of randomRoomCode()) {
      counts.set(letter, (counts.get(letter) ?? 0) + 1);
    }
  }
  const expected = (draws * 4) / 26; // ~769
  for (const [letter, count] of counts) {
    assert.ok(
      count > expected * 0.75 && count < expected * 1.25,
      `${letter} drawn ${count} times`,
    );
  }
});

Deno.test("randomToken() returns distinct URL-safe tokens of TOKEN_LENGTH", () => {
  assert.equal(TOKEN_LENGTH, 24);
  const tokens = new Set<string>();
  const chars = new Set<string>();
  for (let i = 0; i < 1_000; i++) {
    const token = randomToken();
    assert.match(token, /^[A-Za-z0-9_-]{24}$/);
    tokens.add(token);
    for (const c of token) chars.add(c);
  }
  assert.equal(tokens.size, 1_000);
  assert.equal(chars.size, 64);
});

Deno.test("randomToken() passes the protocol's token check", () => {
  const result = parseClientMessage(JSON.stringify({
    action: "reclaimRoom",
    room: "ABCD",
    hostToken: randomToken(),
  }));
  assert.ok(result.ok);
});
