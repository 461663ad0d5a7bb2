import assert from "node:assert/strict";
import { GameLink, type LinkState } from "../../src/client/shared/game_link.ts";
import {
  type HostMessage,
  parseHostMessage,
  type PhoneMessage,
  type ProtocolError,
} from "../../src/protocol.ts";
import { FakePeer } from "./fake_peer.ts";

function makeLink(relayAfterMs = 10_000) {
  const peer = new FakePeer();
  const relayed: unknown[] = [];
  const link = new GameLink<HostMessage, PhoneMessage>({
    peer,
    relayAfterMs,
    parse: parseHostMessage,
    sendRelay: (data) => {
      relayed.push(data);
      return true;
    },
  });
  const states: LinkState[] = [];
  const messages: HostMessage[] = [];
  const invalid: ProtocolError[] = [];
  link.on("state", (s) => states.push(s));
  link.on("message", (m) => messages.push(m));
  link.on("invalid", (e) => invalid.push(e));
  return { peer, link, relayed, states, messages, invalid };
}

Deno.test("GameLink queues while connecting and flushes over P2P when the channel opens", () => {
  const { peer, link, relayed, states } = makeLink();
  try {
    link.send({ t: "move", x: 1, y: 0 });
    assert.equal(peer.sent.length, 0);
    peer.fire("connect");
    assert.deepEqual(states, ["p2p"]);
    assert.deepEqual(peer.sent.map((s) => JSON.parse(s)), [{
      t: "move",
      x: 1,
      y: 0,
    }]);
    assert.equal(relayed.length, 0);
  } finally {
    link.close();
  }
});

Deno.test("GameLink falls back to the relay when P2P does not open in time", async () => {
  const { link, relayed, states } = makeLink(20);
  try {
    link.send({ t: "act", id: "start" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(states, ["relayed"]);
    assert.deepEqual(relayed, [{ t: "act", id: "start" }]);
    link.send({ t: "move", x: 0, y: -1 });
    assert.deepEqual(relayed.at(-1), { t: "move", x: 0, y: -1 });
  } finally {
    link.close();
  }
});

Deno.test("GameLink switches to the relay at once when the other side relays", () => {
  const { link, states, messages } = makeLink();
  try {
    link.receiveRelay({ t: "feedback", text: "Hi", tone: "info" });
    assert.deepEqual(states, ["relayed"]);
    assert.deepEqual(messages, [{ t: "feedback", text: "Hi", tone: "info" }]);
  } finally {
    link.close();
  }
});

Deno.test("GameLink upgrades a relayed link when the data channel opens later", () => {
  const { peer, link, states } = makeLink();
  try {
    link.receiveRelay({ t: "ping", id: 1 });
    peer.fire("connect");
    assert.deepEqual(states, ["relayed", "p2p"]);
  } finally {
    link.close();
  }
});

Deno.test("GameLink falls back when the peer fails before opening", () => {
  const { peer, link, states } = makeLink();
  try {
    peer.fire("error", new Error("Ice connection failed."));
    assert.deepEqual(states, ["relayed"]);
  } finally {
    link.close();
  }
});

Deno.test("GameLink validates data-channel messages and drops bad ones", () => {
  const { peer, link, messages, invalid } = makeLink();
  try {
    peer.fire("connect");
    peer.fire("data", new TextEncoder().encode('{"t":"pong","id":3}'));
    peer.fire("data", '{"t":"view","view":{"name":"x"}}');
    peer.fire("data", "not json");
    assert.deepEqual(messages, [{ t: "pong", id: 3 }]);
    assert.deepEqual(invalid.map((e) => e.val), ["bad message", "bad json"]);
  } finally {
    link.close();
  }
});

Deno.test("GameLink.close() destroys the peer, stops the timer and is idempotent", async () => {
  const { peer, link, relayed, states } = makeLink(10);
  link.close();
  link.close();
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(peer.destroyed, true);
  assert.deepEqual(states, ["closed"]);
  link.send({ t: "leave" });
  assert.equal(relayed.length, 0);
});
