/**
 * Unit tests for the counters and their Prometheus text rendering.
 */
import assert from "node:assert/strict";
import { Metrics } from "../../src/server/metrics.ts";

const GAUGES = { rooms: 3, connections: 10, players: 7 };

/** Parses Prometheus text: samples by name (with labels) and each metric's TYPE. */
function parseExposition(text: string) {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  const helps = new Set<string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    let match = /^# HELP ([a-z_]+) .+$/.exec(line);
    if (match) {
      helps.add(match[1]);
      continue;
    }
    match = /^# TYPE ([a-z_]+) (counter|gauge)$/.exec(line);
    if (match) {
      types.set(match[1], match[2]);
      continue;
    }
    match = /^([a-z_]+)(\{[a-z_]+="[^"\\\n]*"\})? (-?\d+(?:\.\d+)?)$/.exec(
      line,
    );
    assert.ok(match, `not a valid sample line: ${JSON.stringify(line)}`);
    const [, name, labels = "", value] = match;
    assert.ok(types.has(name), `${name} has no TYPE before its sample`);
    assert.ok(helps.has(name), `${name} has no HELP before its sample`);
    samples.set(name + labels, Number(value));
  }
  return { samples, types };
}

Deno.test("Metrics starts with every counter at zero", () => {
  const metrics = new Metrics();
  assert.equal(metrics.roomsCreated, 0);
  assert.equal(metrics.joins, 0);
  assert.equal(metrics.reconnects, 0);
  assert.equal(metrics.relayedMessages, 0);
  assert.equal(metrics.connectionsOpened, 0);
  assert.equal(metrics.connectionsRefused, 0);
  assert.equal(metrics.errorCount("wrong room"), 0);
});

Deno.test("Metrics.countError() counts each error code separately", () => {
  const metrics = new Metrics();
  metrics.countError("wrong room");
  metrics.countError("wrong room");
  metrics.countError("rate limited");
  assert.equal(metrics.errorCount("wrong room"), 2);
  assert.equal(metrics.errorCount("rate limited"), 1);
  assert.equal(metrics.errorCount("no player"), 0);
});

Deno.test("Metrics.render() writes valid Prometheus text with every gauge and counter", () => {
  const metrics = new Metrics();
  metrics.roomsCreated = 4;
  metrics.joins = 9;
  metrics.reconnects = 2;
  metrics.relayedMessages = 120;
  metrics.connectionsOpened = 15;
  metrics.connectionsRefused = 1;
  const text = metrics.render(GAUGES);
  assert.ok(text.endsWith("\n"));
  const { samples, types } = parseExposition(text);
  assert.deepEqual(Object.fromEntries(samples), {
    pizza_rooms: 3,
    pizza_connections: 10,
    pizza_players: 7,
    pizza_rooms_created_total: 4,
    pizza_joins_total: 9,
    pizza_reconnects_total: 2,
    pizza_relayed_messages_total: 120,
    pizza_connections_opened_total: 15,
    pizza_connections_refused_total: 1,
    pizza_internal_errors_total: 0,
  });
  for (const [name, type] of types) {
    assert.equal(type, name.endsWith("_total") ? "counter" : "gauge", name);
  }
  assert.equal(types.get("pizza_errors_total"), "counter");
});

Deno.test("Metrics.render() lists errors by code, sorted, with one TYPE line", () => {
  const metrics = new Metrics();
  metrics.countError("wrong room");
  metrics.countError("bad json");
  metrics.countError("wrong room");
  metrics.countError("not host");
  const text = metrics.render(GAUGES);
  const { samples } = parseExposition(text);
  assert.equal(samples.get('pizza_errors_total{code="wrong room"}'), 2);
  assert.equal(samples.get('pizza_errors_total{code="bad json"}'), 1);
  assert.equal(samples.get('pizza_errors_total{code="not host"}'), 1);
  const errorLines = text.split("\n").filter((l) =>
    l.startsWith("pizza_errors_total{")
  );
  assert.deepEqual(errorLines, [
    'pizza_errors_total{code="bad json"} 1',
    'pizza_errors_total{code="not host"} 1',
    'pizza_errors_total{code="wrong room"} 2',
  ]);
  assert.equal(text.match(/^# TYPE pizza_errors_total /gm)?.length, 1);
});

Deno.test("Metrics.render() with no errors still declares the error counter", () => {
  const text = new Metrics().render({ rooms: 0, connections: 0, players: 0 });
  const { samples } = parseExposition(text);
  assert.match(text, /^# TYPE pizza_errors_total counter$/m);
  assert.ok(![...samples.keys()].some((k) => k.startsWith("pizza_errors")));
  assert.equal(samples.get("pizza_rooms"), 0);
});

Deno.test("Metrics instances do not share counts", () => {
  const a = new Metrics();
  const b = new Metrics();
  a.joins++;
  a.countError("room full");
  assert.equal(b.joins, 0);
  assert.equal(b.errorCount("room full"), 0);
});

Deno.test("Metrics.render() writes every room-bus figure under the instance label when a bus runs", () => {
  const bus = {
    instanceId: "i-7",
    busUp: true,
    messagesIn: 40,
    messagesOut: 41,
    messagesRefused: 2,
    roundTripMs: 1.5,
    roomsOwned: 3,
    roomsElsewhere: 4,
    socketsForwarded: 5,
    remoteSockets: 6,
  };
  const { samples, types } = parseExposition(
    new Metrics().render({ ...GAUGES, bus }),
  );
  const at = (name: string) => samples.get(`${name}{instance="i-7"}`);
  assert.equal(at("pizza_bus_up"), 1);
  assert.equal(at("pizza_bus_messages_in_total"), 40);
  assert.equal(at("pizza_bus_messages_out_total"), 41);
  assert.equal(at("pizza_bus_messages_refused_total"), 2);
  assert.equal(at("pizza_bus_round_trip_ms"), 1.5);
  assert.equal(at("pizza_bus_rooms_owned"), 3);
  assert.equal(at("pizza_bus_rooms_elsewhere"), 4);
  assert.equal(at("pizza_bus_sockets_forwarded"), 5);
  assert.equal(at("pizza_bus_remote_sockets"), 6);
  assert.equal(types.get("pizza_bus_messages_out_total"), "counter");
  assert.equal(types.get("pizza_bus_round_trip_ms"), "gauge");
  const without = parseExposition(new Metrics().render(GAUGES));
  assert.ok(
    ![...without.samples.keys()].some((k) => k.startsWith("pizza_bus_")),
    "no bus lines without a bus",
  );
});
