/**
 * Unit tests for the ICE server list and TURN credentials, checked against
 * an HMAC computed independently with node:crypto.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { iceServersFor, turnCredential } from "../../src/server/ice_config.ts";

function expectedCredential(secret: string, username: string): string {
  return createHmac("sha1", secret).update(username).digest("base64");
}

const NONE = {
  stunUrls: [],
  turnUrls: [],
  turnSecret: "",
  turnTtlMs: 3_600_000,
};

Deno.test("turnCredential() is base64 HMAC-SHA1 of the user name with the secret", async () => {
  const cases: [string, string][] = [
    ["s3cret", "1700003600:abc"],
    ["a much longer shared secret ".repeat(5), "4102444800:Zx_-09"],
    ["sécret ✓", "1700000000:ünï"],
  ];
  for (const [secret, username] of cases) {
    assert.equal(
      await turnCredential(secret, username),
      expectedCredential(secret, username),
    );
  }
  // A known value (from `openssl dgst -sha1 -hmac key`): SHA-1 is 20 bytes.
  const credential = await turnCredential("key", "user");
  assert.equal(credential, "7hn70X4egRo203m9RpFPlFr/D+0=");
  assert.equal(atob(credential).length, 20);
});

Deno.test("iceServersFor() returns nothing when nothing is configured", async () => {
  assert.deepEqual(await iceServersFor(NONE, 0, "id"), []);
});

Deno.test("iceServersFor() lists STUN servers without credentials", async () => {
  const stunUrls = ["stun:a.example:3478", "stun:b.example"];
  const servers = await iceServersFor({ ...NONE, stunUrls }, 0, "id");
  assert.deepEqual(servers, [{ urls: stunUrls }]);
  assert.notEqual(servers[0].urls, stunUrls);
});

Deno.test("iceServersFor() mints a TURN credential that expires turnTtlMs from now", async () => {
  const config = {
    stunUrls: ["stun:a.example"],
    turnUrls: ["turn:t.example:3478", "turns:t.example:5349"],
    turnSecret: "s3cret",
    turnTtlMs: 600_000,
  };
  const nowMs = 1_700_000_000_999;
  const servers = await iceServersFor(config, nowMs, "Req_id-42");
  assert.equal(servers.length, 2);
  assert.deepEqual(servers[0], { urls: ["stun:a.example"] });
  const turn = servers[1];
  assert.deepEqual(turn.urls, config.turnUrls);
  assert.notEqual(turn.urls, config.turnUrls);
  assert.equal(turn.username, "1700000600:Req_id-42");
  assert.equal(
    turn.credential,
    expectedCredential("s3cret", "1700000600:Req_id-42"),
  );
  // The secret itself never appears.
  assert.ok(!JSON.stringify(servers).includes("s3cret"));
});

Deno.test("iceServersFor() gives each id its own credential", async () => {
  const config = {
    ...NONE,
    turnUrls: ["turn:t.example"],
    turnSecret: "s3cret",
  };
  const [a] = await iceServersFor(config, 0, "one");
  const [b] = await iceServersFor(config, 0, "two");
  assert.equal(a.username, "3600:one");
  assert.equal(b.username, "3600:two");
  assert.notEqual(a.credential, b.credential);
});

Deno.test("iceServersFor() leaves TURN out without both URLs and a secret", async () => {
  assert.deepEqual(
    await iceServersFor({ ...NONE, turnUrls: ["turn:t.example"] }, 0, "id"),
    [],
  );
  assert.deepEqual(
    await iceServersFor({ ...NONE, turnSecret: "s3cret" }, 0, "id"),
    [],
  );
});
