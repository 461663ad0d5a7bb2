/**
 * TURN credentials go only to sockets in a room, a few per address per
 * minute, valid for 10 minutes; `/config` gives STUN only.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { startTestServer } from "../_helpers/test_server.ts";
import { WsClient } from "../_helpers/ws_client.ts";

const SECRET = "s3cret";

interface IceAnswer {
  iceServers: { urls: string[]; username?: string; credential?: string }[];
  ttlMs: number;
}

function turnEntries(answer: IceAnswer) {
  return answer.iceServers.filter((s) => s.urls[0].startsWith("turn:"));
}

Deno.test("server /config gives STUN only, never TURN credentials or the secret", async () => {
  const server = await startTestServer({
    stunUrls: ["stun:stun.example.org"],
    turnUrls: ["turn:turn.example.org"],
    turnSecret: SECRET,
  });
  try {
    const text = await (await fetch(`${server.localUrl}/config`)).text();
    assert.ok(!text.includes(SECRET));
    const body = JSON.parse(text) as IceAnswer;
    assert.deepEqual(body.iceServers, [{ urls: ["stun:stun.example.org"] }]);
  } finally {
    await server.close();
  }
});

Deno.test("server gives TURN credentials only to sockets in a room, 10 minutes, a few per address per minute", async () => {
  const server = await startTestServer({
    stunUrls: ["stun:stun.example.org"],
    turnUrls: ["turn:turn.example.org"],
    turnSecret: SECRET,
    turnMintsPerMinute: 3,
  });
  const url = server.localUrl.replace(/^http/, "ws");
  const stranger = await WsClient.connect(url);
  const host = await WsClient.connect(url);
  const phone = await WsClient.connect(url);
  try {
    // A socket in no room is refused, and gets nothing else.
    stranger.send({ action: "iceServers" });
    const refused = await stranger.nextOfType("error");
    assert.equal(refused.val, "not in room");
    assert.equal(refused.action, "iceServers");

    host.send({ action: "createRoom" });
    const room = (await host.nextOfType("confirmRoom")).room as string;
    const before = Date.now();
    host.send({ action: "iceServers" });
    const forHost = await host.nextOfType("iceServers") as unknown as IceAnswer;
    assert.equal(forHost.ttlMs, 600_000);
    const [turn] = turnEntries(forHost);
    const match = /^(\d+):([A-Za-z0-9_-]+)$/.exec(turn.username ?? "");
    assert.ok(match, String(turn.username));
    const expiry = Number(match[1]);
    assert.ok(expiry >= Math.floor(before / 1000) + 600 - 1);
    assert.ok(expiry <= Math.ceil(Date.now() / 1000) + 600);
    assert.equal(
      turn.credential,
      createHmac("sha1", SECRET).update(turn.username!).digest("base64"),
    );

    phone.send({ action: "joinRoom", room, username: "Ann" });
    await phone.nextOfType("joined");
    // The address (127.0.0.1 for all three) has 3 mints a minute: the host
    // used one; two more, then STUN only.
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      phone.send({ action: "iceServers" });
      const answer = await phone.nextOfType(
        "iceServers",
      ) as unknown as IceAnswer;
      counts.push(turnEntries(answer).length);
      if (counts[i] === 0) assert.equal(answer.ttlMs, 0);
      assert.deepEqual(answer.iceServers[0], {
        urls: ["stun:stun.example.org"],
      });
    }
    assert.deepEqual(counts, [1, 1, 0]);
  } finally {
    await stranger.close();
    await host.close();
    await phone.close();
    await server.close();
  }
});
