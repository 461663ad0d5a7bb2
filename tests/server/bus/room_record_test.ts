import assert from "node:assert/strict";
import {
  buildRoomRecord,
  decodeRoomRecord,
  encodeRoomRecord,
  hashToken,
  tokenMatchesHash,
} from "../../../src/server/bus/room_record.ts";
import { randomToken } from "../../../src/server/room_codes.ts";

const room = {
  code: "PZZA",
  owner: "i-a",
  hostToken: randomToken(),
  started: true,
  seats: [
    { name: "Bo", token: randomToken(), joinedAt: 20 },
    { name: "Ann", token: randomToken(), joinedAt: 10 },
  ],
};

Deno.test("buildRoomRecord() keeps names, flags and token hashes, never the tokens", async () => {
  const record = await buildRoomRecord(room, 99);
  const text = encodeRoomRecord(record);
  for (const token of [room.hostToken, ...room.seats.map((s) => s.token)]) {
    assert.equal(text.includes(token), false);
  }
  assert.equal(record.vip, "Ann");
  assert.deepEqual(record.seats.map((s) => s.name), ["Ann", "Bo"]);
  assert.equal(record.started, true);
  assert.equal(record.updatedAt, 99);
  assert.equal(record.hostTokenHash, await hashToken(room.hostToken));
});

Deno.test("tokenMatchesHash() accepts the host token and refuses any other", async () => {
  const record = await buildRoomRecord(room, 1);
  assert.equal(
    await tokenMatchesHash(room.hostToken, record.hostTokenHash),
    true,
  );
  assert.equal(
    await tokenMatchesHash(randomToken(), record.hostTokenHash),
    false,
  );
  assert.equal(
    await tokenMatchesHash(room.seats[0].token, record.seats[1].tokenHash),
    true,
  );
});

Deno.test("decodeRoomRecord() reads back what was stored and refuses anything else", async () => {
  const record = await buildRoomRecord({ ...room, seats: [] }, 5);
  assert.equal(record.vip, undefined);
  assert.deepEqual(decodeRoomRecord(encodeRoomRecord(record)), record);
  assert.equal(decodeRoomRecord("{"), undefined);
  assert.equal(
    decodeRoomRecord(JSON.stringify({ ...record, version: 2 })),
    undefined,
  );
  assert.equal(
    decodeRoomRecord(JSON.stringify({ ...record, hostTokenHash: "secret" })),
    undefined,
  );
  assert.equal(
    decodeRoomRecord(JSON.stringify({ ...record, code: "TOOLONG" })),
    undefined,
  );
});

Deno.test("buildRoomRecord() keeps whether a seat keeps its token, and a digest carried over from an adopted room's record", async () => {
  const record = await buildRoomRecord({
    code: "ABCD",
    owner: "i-2",
    hostToken: "host-secret-token",
    started: true,
    seats: [
      { name: "Ann", token: "ann-secret-token", joinedAt: 1, keepsToken: true },
      { name: "Bob", tokenHash: "ab".repeat(32), joinedAt: 2 },
    ],
  }, 9);
  assert.deepEqual(record.seats, [
    {
      name: "Ann",
      tokenHash: await hashToken("ann-secret-token"),
      joinedAt: 1,
      keepsToken: true,
    },
    { name: "Bob", tokenHash: "ab".repeat(32), joinedAt: 2 },
  ]);
  assert.deepEqual(decodeRoomRecord(encodeRoomRecord(record)), record);
});
