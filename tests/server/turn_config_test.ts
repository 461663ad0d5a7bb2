/**
 * `/config` mints TURN credentials a few times per address per minute;
 * beyond that the address gets STUN only.
 */
import assert from "node:assert/strict";
import { startTestServer } from "../_helpers/test_server.ts";

Deno.test("server /config mints TURN credentials at most TURN_MINTS_PER_MINUTE times per address", async () => {
  const server = await startTestServer({
    stunUrls: ["stun:stun.example.org"],
    turnUrls: ["turn:turn.example.org"],
    turnSecret: "s3cret",
    turnMintsPerMinute: 3,
    trustProxy: ["127.0.0.1"],
  });
  const turnCount = async (forwardedFor: string) => {
    const response = await fetch(`${server.localUrl}/config`, {
      headers: { "X-Forwarded-For": forwardedFor },
    });
    const body = await response.json() as { iceServers: { urls: string[] }[] };
    return body.iceServers.filter((s) => s.urls[0].startsWith("turn:")).length;
  };
  try {
    const minted: number[] = [];
    for (let i = 0; i < 5; i++) minted.push(await turnCount("203.0.113.1"));
    assert.deepEqual(minted, [1, 1, 1, 0, 0]);
    // Another address has its own allowance.
    assert.equal(await turnCount("203.0.113.2"), 1);
  } finally {
    await server.close();
  }
});
