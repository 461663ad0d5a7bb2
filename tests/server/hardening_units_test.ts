/**
 * Unit tests of the small hardening modules: client address behind
 * proxies, origins, handshake, bounded logs, open-file limit.
 */
import assert from "node:assert/strict";
import { clientAddress } from "../../src/server/client_address.ts";
import {
  checkHandshake,
  originAllowed,
} from "../../src/server/upgrade_checks.ts";
import { type LimitedEvent, LogLimiter } from "../../src/server/log_limiter.ts";
import {
  connectionBudget,
  parseLimits,
} from "../../src/server/open_file_limit.ts";

Deno.test("clientAddress() takes the rightmost untrusted hop, and only from a trusted peer", () => {
  const proxies = ["10.0.0.2", "10.0.0.3"];
  const xff = new Headers({
    "x-forwarded-for": "1.1.1.1, 203.0.113.9, 10.0.0.3",
  });
  // A client may forge the left part; the proxies' own entries are skipped.
  assert.equal(clientAddress("10.0.0.2", xff, proxies), "203.0.113.9");
  assert.equal(clientAddress("198.51.100.4", xff, proxies), "198.51.100.4");
  assert.equal(clientAddress("10.0.0.2", xff, []), "10.0.0.2");
  const forwarded = new Headers({
    forwarded: 'for=1.1.1.1, for="[2001:db8::7]:4711";proto=https',
    "x-forwarded-for": "9.9.9.9",
  });
  assert.equal(clientAddress("10.0.0.2", forwarded, proxies), "2001:db8::7");
  // Only proxies in the chain: the leftmost is the best guess.
  const onlyProxies = new Headers({ "x-forwarded-for": "10.0.0.3" });
  assert.equal(clientAddress("10.0.0.2", onlyProxies, proxies), "10.0.0.3");
  // A trusted peer without the header is the client itself.
  assert.equal(clientAddress("10.0.0.2", new Headers(), proxies), "10.0.0.2");
});

Deno.test("originAllowed() accepts own, LAN and listed origins, ignoring case and a trailing slash", () => {
  const lan = ["http://192.168.1.7:8888"];
  assert.equal(originAllowed("http://192.168.1.7:8888/", "x", lan, []), true);
  assert.equal(
    originAllowed("HTTP://Localhost:8888", "localhost:8888", [], []),
    true,
  );
  assert.equal(
    originAllowed("http://localhost:8889", "localhost:8888", [], []),
    false,
  );
  assert.equal(
    originAllowed("https://a.example", null, [], ["https://a.example"]),
    true,
  );
  assert.equal(
    originAllowed("https://b.example", null, lan, ["https://a.example"]),
    false,
  );
});

Deno.test("originAllowed() reads a lazy LAN list only when no cheaper check decides", () => {
  let reads = 0;
  const lan = () => {
    reads++;
    return ["http://192.168.1.7:8888"];
  };
  // No Origin (not a browser page), the server's own origin, a listed one:
  // decided without the LAN list (listing interfaces is a system call).
  assert.equal(originAllowed(null, "x", lan, []), true);
  assert.equal(
    originAllowed("http://localhost:8888", "localhost:8888", lan, []),
    true,
  );
  assert.equal(
    originAllowed("https://a.example", "x", lan, ["https://a.example"]),
    true,
  );
  assert.equal(reads, 0);
  assert.equal(originAllowed("http://192.168.1.7:8888", "x", lan, []), true);
  assert.equal(originAllowed("https://evil.example", "x", lan, []), false);
  assert.equal(reads, 2);
});

Deno.test("checkHandshake() wants a 16-byte base64 key and version 13", () => {
  const h = (key?: string, version = "13") =>
    new Headers({
      "sec-websocket-version": version,
      ...(key === undefined ? {} : { "sec-websocket-key": key }),
    });
  assert.equal(checkHandshake(h(btoa("0123456789abcdef"))), undefined);
  assert.equal(checkHandshake(h(btoa("0123456789abcde")))?.status, 400);
  assert.equal(checkHandshake(h("!!!!!!!!!!!!!!!!!!!!!!=="))?.status, 400);
  assert.equal(checkHandshake(h())?.status, 400);
  const old = checkHandshake(h(btoa("0123456789abcdef"), "8"));
  assert.equal(old?.status, 426);
  assert.deepEqual(old?.headers, { "Sec-WebSocket-Version": "13" });
});

Deno.test("LogLimiter bounds lines per kind and in total, and summarises what it held back", () => {
  const out: LimitedEvent[] = [];
  let now = 0;
  const log = new LogLimiter<LimitedEvent>((e) => out.push(e), () => now, {
    perKind: 3,
    total: 10,
    windowMs: 1_000,
  });
  for (let i = 0; i < 10_000; i++) {
    log.add({ event: "error", detail: "wrong room", address: "6.6.6.6" });
  }
  // Many kinds at once (one per address) stay bounded too.
  for (let i = 0; i < 10_000; i++) {
    log.add({
      event: "connection opened",
      address: `10.0.${i >> 8}.${i & 255}`,
    });
  }
  assert.equal(out.length, 10);
  now = 1_000;
  log.tick();
  const summaries = out.slice(10);
  const wrong = summaries.find((e) => e.detail?.startsWith("wrong room"));
  assert.match(String(wrong?.detail), /\(9997 similar suppressed\)/);
  assert.equal(wrong?.address, "6.6.6.6");
  assert.ok(summaries.length <= 11, `${summaries.length} summaries`);
  const suppressed = summaries.reduce(
    (sum, e) => sum + Number(e.detail?.match(/\((\d+) /)?.[1] ?? 0),
    0,
  );
  assert.equal(suppressed, 20_000 - 10);
  // A quiet next window writes nothing more.
  now = 2_000;
  log.tick();
  assert.equal(out.length, 10 + summaries.length);
});

Deno.test("parseLimits() reads /proc limits; connectionBudget() stays well below the soft limit", () => {
  const text =
    "Limit                     Soft Limit           Hard Limit           Units\n" +
    "Max open files            256                  4096                 files\n";
  assert.deepEqual(parseLimits(text), { soft: 256, hard: 4096 });
  assert.equal(parseLimits("nothing"), undefined);
  assert.equal(connectionBudget(20_000, { soft: 256, hard: 4096 }), 192);
  assert.equal(connectionBudget(100, { soft: Infinity, hard: Infinity }), 100);
});
