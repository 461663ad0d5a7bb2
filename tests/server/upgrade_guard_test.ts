/**
 * Upgrade requests through raw sockets: handshake headers, the page's
 * origin, and the client address behind a trusted proxy.
 */
import assert from "node:assert/strict";
import { startTestServer } from "../_helpers/test_server.ts";
import { GOOD_KEY, rawUpgrade } from "./_raw_ws.ts";
import { spawnChildServer } from "./_child_server.ts";
import type { PizzaServer } from "../../src/server/app_server.ts";
import { requestHost } from "../../src/server/client_address.ts";

const V13 = { "Sec-WebSocket-Version": "13" };

/** Upgrades with `headers` and returns the status (closing the socket). */
async function statusOf(
  server: { port: number },
  headers: Record<string, string>,
): Promise<{ status: number; headers: Map<string, string> }> {
  const answer = await rawUpgrade(server.port, headers);
  answer.conn.close();
  return answer;
}

Deno.test("server refuses malformed upgrades: bad key 400, no key 400, version 8 426 naming 13", async () => {
  const server = await startTestServer();
  try {
    assert.equal(
      (await statusOf(server, { ...V13, "Sec-WebSocket-Key": "short" }))
        .status,
      400,
    );
    assert.equal(
      (await statusOf(server, {
        ...V13,
        "Sec-WebSocket-Key": btoa("seventeen bytes!!"),
      })).status,
      400,
    );
    assert.equal((await statusOf(server, V13)).status, 400);
    const old = await statusOf(server, {
      "Sec-WebSocket-Version": "8",
      "Sec-WebSocket-Key": GOOD_KEY,
    });
    assert.equal(old.status, 426);
    assert.equal(old.headers.get("sec-websocket-version"), "13");
    assert.equal(
      (await statusOf(server, { ...V13, "Sec-WebSocket-Key": GOOD_KEY }))
        .status,
      101,
    );
    assert.equal(server.registry.stats().connections <= 1, true);
  } finally {
    await server.close();
  }
});

Deno.test("server.ts prints no stack trace for client mistakes in the upgrade", async () => {
  const server = await spawnChildServer();
  for (
    const headers of [
      V13,
      { ...V13, "Sec-WebSocket-Key": "%%%" },
      { "Sec-WebSocket-Key": GOOD_KEY },
      { ...V13, "Sec-WebSocket-Key": GOOD_KEY, Origin: "https://evil.example" },
    ]
  ) {
    assert.notEqual((await statusOf(server, headers)).status, 101);
  }
  const { stdout, stderr } = await server.stop();
  assert.doesNotMatch(stderr, /\bat\s+\S+:\d+|Error/, stderr);
  assert.match(stdout, /bad upgrade address="127\.0\.0\.1"/);
  assert.match(stdout, /origin refused address="127\.0\.0\.1"/);
});

Deno.test("server allows no Origin, its own, LAN and ALLOWED_ORIGINS origins; others get 403", async () => {
  const server = await startTestServer({
    allowedOrigins: ["https://party.example"],
  });
  const upgrade = (origin?: string) =>
    statusOf(server, {
      ...V13,
      "Sec-WebSocket-Key": GOOD_KEY,
      ...(origin ? { Origin: origin } : {}),
    }).then((answer) => answer.status);
  try {
    assert.equal(await upgrade(), 101);
    assert.equal(await upgrade(`http://127.0.0.1:${server.port}`), 101);
    assert.equal(await upgrade("https://party.example"), 101);
    assert.equal(await upgrade("https://evil.example"), 403);
    assert.equal(await upgrade(`http://127.0.0.1:${server.port + 1}`), 403);
    assert.equal(await upgrade("null"), 403);
  } finally {
    await server.close();
  }
});

/** Opens sockets claiming `forwardedFor` until one is refused; returns how many opened. */
async function openUntilRefused(
  server: PizzaServer,
  forwardedFor: string[],
): Promise<number[]> {
  const conns: Deno.TcpConn[] = [];
  const statuses: number[] = [];
  try {
    for (const address of forwardedFor) {
      const answer = await rawUpgrade(server.port, {
        ...V13,
        "Sec-WebSocket-Key": GOOD_KEY,
        "X-Forwarded-For": `6.6.6.6, ${address}`,
      });
      conns.push(answer.conn);
      statuses.push(answer.status);
    }
  } finally {
    for (const conn of conns) conn.close();
  }
  return statuses;
}

Deno.test("server reads X-Forwarded-For only from a TRUST_PROXY peer", async () => {
  const addresses = ["203.0.113.1", "203.0.113.2", "203.0.113.1"];
  const trusting = await startTestServer({
    trustProxy: ["127.0.0.1"],
    maxConnectionsPerAddress: 1,
  });
  try {
    // Two clients behind the proxy each get their own limit; the second
    // socket of the first client is over it.
    assert.deepEqual(
      await openUntilRefused(trusting, addresses),
      [101, 101, 429],
    );
  } finally {
    await trusting.close();
  }
  const direct = await startTestServer({ maxConnectionsPerAddress: 1 });
  try {
    // Without TRUST_PROXY the header is ignored: all three are 127.0.0.1.
    assert.deepEqual(await openUntilRefused(direct, addresses), [
      101,
      429,
      429,
    ]);
  } finally {
    await direct.close();
  }
});

Deno.test("requestHost() believes Forwarded host= and X-Forwarded-Host only from a trusted proxy, rightmost first", () => {
  const trusted = ["127.0.0.1"];
  const headers = (entries: Record<string, string>) =>
    new Headers({ host: "127.0.0.1:8888", ...entries });
  assert.equal(
    requestHost(
      "127.0.0.1",
      headers({ forwarded: 'for=1.2.3.4;host="pizza.example";proto=https' }),
      trusted,
    ),
    "pizza.example",
  );
  // A client's own Forwarded element comes first; the proxy's is last.
  assert.equal(
    requestHost(
      "127.0.0.1",
      headers({
        forwarded: "host=evil.example, for=1.2.3.4;host=pizza.example",
      }),
      trusted,
    ),
    "pizza.example",
  );
  assert.equal(
    requestHost(
      "127.0.0.1",
      headers({ "x-forwarded-host": "evil.example, pizza.example:8443" }),
      trusted,
    ),
    "pizza.example:8443",
  );
  // Forwarded wins over X-Forwarded-Host; without either, Host.
  assert.equal(
    requestHost(
      "127.0.0.1",
      headers({ forwarded: "host=a.example", "x-forwarded-host": "b.example" }),
      trusted,
    ),
    "a.example",
  );
  assert.equal(
    requestHost("127.0.0.1", headers({}), trusted),
    "127.0.0.1:8888",
  );
  // From anyone else, or with no TRUST_PROXY, the headers are ignored.
  assert.equal(
    requestHost(
      "203.0.113.7",
      headers({ "x-forwarded-host": "pizza.example" }),
      trusted,
    ),
    "127.0.0.1:8888",
  );
  assert.equal(
    requestHost(
      "127.0.0.1",
      headers({ "x-forwarded-host": "pizza.example" }),
      [],
    ),
    "127.0.0.1:8888",
  );
});

Deno.test("server checks a page's Origin against the forwarded host only from a TRUST_PROXY peer", async () => {
  const upgrade = (server: { port: number }, headers: Record<string, string>) =>
    statusOf(server, { ...V13, "Sec-WebSocket-Key": GOOD_KEY, ...headers })
      .then((answer) => answer.status);
  const page = { Origin: "https://pizza.example" };
  const trusting = await startTestServer({ trustProxy: ["127.0.0.1"] });
  try {
    assert.equal(
      await upgrade(trusting, { ...page, "X-Forwarded-Host": "pizza.example" }),
      101,
    );
    assert.equal(
      await upgrade(trusting, {
        ...page,
        Forwarded: "for=198.51.100.4;host=pizza.example;proto=https",
      }),
      101,
    );
    // The proxy's Host alone (nginx's default) is not the page's host.
    assert.equal(await upgrade(trusting, page), 403);
    assert.equal(
      await upgrade(trusting, { ...page, "X-Forwarded-Host": "other.example" }),
      403,
    );
    assert.equal(
      await upgrade(trusting, {
        Origin: "https://evil.example",
        "X-Forwarded-Host": "pizza.example",
      }),
      403,
    );
  } finally {
    await trusting.close();
  }
  const direct = await startTestServer();
  try {
    assert.equal(
      await upgrade(direct, { ...page, "X-Forwarded-Host": "pizza.example" }),
      403,
    );
  } finally {
    await direct.close();
  }
});
