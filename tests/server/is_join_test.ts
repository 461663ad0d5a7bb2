import assert from "node:assert/strict";
import { isJoin } from "../../src/server/socket_connection.ts";

Deno.test("isJoin() reads the one action key of a clean join without parsing the offer", () => {
  const offer = JSON.stringify({
    type: "offer",
    sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n",
  });
  assert.equal(
    isJoin(
      `{"action":"joinRoom","room":"ABCD","username":"Ann","offer":${offer}}`,
    ),
    true,
  );
  assert.equal(
    isJoin(`{ "action" :\n\t"reclaimRoom", "room": "ABCD", "token": "x"}`),
    true,
  );
  assert.equal(isJoin(`{"room":"ABCD","action":"joinRoom"}`), true);
  assert.equal(isJoin(`{"action":"createRoom"}`), false);
  assert.equal(isJoin(`{"action":"relay","data":"Room"}`), false);
  assert.equal(isJoin(`{"action":"signal","clientUsername":"Room"}`), false);
});

Deno.test("isJoin() parses any frame whose action could be spelled otherwise, so no join escapes the budget", () => {
  // JSON.parse keeps the last of duplicate keys.
  assert.equal(isJoin(`{"action":"relay","data":1,"action":"joinRoom"}`), true);
  assert.equal(
    isJoin(`{"action":"joinRoom","action":"relay","x":"Room"}`),
    false,
  );
  // A key spelled with \u escapes is still "action".
  assert.equal(isJoin(`{"\\u0061ction":"joinRoom"}`), true);
  assert.equal(isJoin(`{"action":"join\\u0052oom"}`), true);
  assert.equal(isJoin(`{"action":"signal","x":"\\u0052oom"}`), false);
  // Not JSON, or not an object: not a join.
  assert.equal(isJoin(`{"action":"joinRoom"`), true);
  assert.equal(isJoin(`["action","joinRoom"]`), false);
  assert.equal(isJoin(`"joinRoom"`), false);
});

Deno.test("isJoin() agrees with JSON.parse on every well-formed frame of a fuzzed set", () => {
  const actions = [
    "joinRoom",
    "reclaimRoom",
    "createRoom",
    "relay",
    "signal",
    "join\\u0052oom",
  ];
  const parsedAction = (text: string) => {
    const value = JSON.parse(text) as { action?: unknown };
    return value.action === "joinRoom" || value.action === "reclaimRoom";
  };
  let seed = 7;
  const pick = <T>(list: readonly T[]) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return list[seed % list.length];
  };
  for (let i = 0; i < 2_000; i++) {
    const keys = [
      pick(["action", "\\u0061ction", "room"]),
      pick(["action", "username", "offer"]),
    ];
    const space = pick(["", " ", "\n\t "]);
    const body = keys.map((key) =>
      `"${key}"${space}:${space}"${pick(actions)}"`
    ).join(",");
    const text = `{${body},"room":"Room"}`;
    // A frame read as a join that is not one only costs its sender a token.
    if (parsedAction(text)) assert.equal(isJoin(text), true, text);
  }
});
