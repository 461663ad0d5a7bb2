import assert from "node:assert/strict";
import { GameLink, type LinkState } from "../../src/link/game_link.ts";
import {
  type HostMessage,
  parseHostMessage,
  type PhoneMessage,
  type ProtocolError,
} from "../../src/protocol/mod.ts";
import { FakePeer } from "../_helpers/fake_peer.ts";

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
    link.receiveRelay({ t: "feedback", say: { key: "note.go" }, tone: "info" });
    assert.deepEqual(states, ["relayed"]);
    assert.deepEqual(messages, [{
      t: "feedback",
      say: { key: "note.go" },
      tone: "info",
    }]);
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

/** A link that makes a new FakePeer for each P2P retry. */
function makeRetryingLink(retry: {
  firstDelayMs?: number;
  maxDelayMs?: number;
  attemptMs?: number;
  maxAttempts?: number;
} = {}) {
  const first = new FakePeer();
  const peers: FakePeer[] = [first];
  const relayed: unknown[] = [];
  const link = new GameLink<HostMessage, PhoneMessage>({
    peer: first,
    relayAfterMs: 10_000,
    parse: parseHostMessage,
    sendRelay: (data) => {
      relayed.push(data);
      return true;
    },
    retry: {
      firstDelayMs: 10,
      maxDelayMs: 40,
      attemptMs: 1_000,
      ...retry,
      createPeer: () => {
        const peer = new FakePeer();
        peers.push(peer);
        return peer;
      },
    },
  });
  const states: LinkState[] = [];
  const signals: unknown[] = [];
  const retries: number[] = [];
  const messages: HostMessage[] = [];
  link.on("state", (s) => states.push(s));
  link.on("signal", (data) => signals.push(data));
  link.on("peerRetry", (n) => retries.push(n));
  link.on("message", (m) => messages.push(m));
  return { peers, link, relayed, states, signals, retries, messages };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("GameLink retries P2P after the data channel drops, relaying meanwhile, and switches back", async () => {
  const { peers, link, relayed, states, signals, retries, messages } =
    makeRetryingLink();
  try {
    peers[0].fire("connect");
    peers[0].fire("close");
    assert.deepEqual(states, ["p2p", "relayed"]);
    // Meanwhile the game goes on over the relay, both ways.
    link.send({ t: "move", x: 1, y: 0 });
    assert.deepEqual(relayed, [{ t: "move", x: 1, y: 0 }]);
    link.receiveRelay({ t: "ping", id: 7 });
    assert.deepEqual(messages, [{ t: "ping", id: 7 }]);
    await sleep(40);
    assert.equal(peers.length, 2, "a new peer after the first delay");
    assert.deepEqual(retries, [1]);
    assert.equal(peers[0].destroyed, true);
    // Its offer goes out through signaling; the answer comes back in.
    peers[1].fire("signal", { type: "offer", sdp: "o2" });
    assert.deepEqual(signals, [{ type: "offer", sdp: "o2" }]);
    link.signal({ type: "answer", sdp: "a2" });
    assert.deepEqual(peers[1].signals, [{ type: "answer", sdp: "a2" }]);
    assert.equal(link.state, "relayed");
    // A late event of the old peer changes nothing.
    peers[0].fire("close");
    peers[0].fire("signal", { type: "candidate", candidate: {} });
    assert.equal(signals.length, 1);
    peers[1].fire("connect");
    assert.deepEqual(states, ["p2p", "relayed", "p2p"]);
    link.send({ t: "move", x: 0, y: 1 });
    assert.deepEqual(JSON.parse(peers[1].sent[0]), { t: "move", x: 0, y: 1 });
    assert.equal(relayed.length, 1);
    await sleep(60);
    assert.equal(peers.length, 2, "no retry once P2P is back");
  } finally {
    link.close();
  }
});

Deno.test("GameLink backs off between failed P2P attempts and gives up after maxAttempts", async () => {
  const { peers, link, retries, states } = makeRetryingLink({
    firstDelayMs: 10,
    maxDelayMs: 25,
    attemptMs: 15,
    maxAttempts: 3,
  });
  try {
    peers[0].fire("connect");
    const droppedAt = Date.now();
    peers[0].fire("error", new Error("Connection failed."));
    // Attempt 1 fails by error, 2 and 3 by timeout.
    await sleep(25);
    assert.equal(peers.length, 2);
    peers[1].fire("error", new Error("Ice connection failed."));
    await sleep(400);
    assert.deepEqual(retries, [1, 2, 3]);
    assert.equal(peers.length, 4);
    assert.ok(Date.now() - droppedAt >= 10 + 20 + 15 + 25);
    assert.equal(link.state, "relayed");
    assert.deepEqual(states, ["p2p", "relayed"]);
    // A late success of the last attempt still upgrades the link.
    peers[3].fire("connect");
    assert.equal(link.state, "p2p");
  } finally {
    link.close();
  }
});

Deno.test("GameLink does not retry P2P that never opened, nor after close()", async () => {
  const never = makeRetryingLink();
  const closed = makeRetryingLink();
  try {
    never.peers[0].fire("error", new Error("Ice connection failed."));
    assert.equal(never.link.state, "relayed");
    closed.peers[0].fire("connect");
    closed.peers[0].fire("close");
    closed.link.close();
    await sleep(40);
    assert.equal(never.peers.length, 1);
    assert.equal(closed.peers.length, 1);
  } finally {
    never.link.close();
    closed.link.close();
  }
});

Deno.test("GameLink.replacePeer() keeps a P2P link going over the relay until the new channel opens", () => {
  const { peer, link, relayed, states } = makeLink();
  try {
    peer.fire("connect");
    const next = new FakePeer();
    link.replacePeer(next);
    assert.equal(peer.destroyed, true);
    assert.deepEqual(states, ["p2p", "relayed"]);
    link.send({ t: "leave" });
    assert.deepEqual(relayed, [{ t: "leave" }]);
    link.signal({ type: "offer", sdp: "o2" });
    assert.deepEqual(next.signals, [{ type: "offer", sdp: "o2" }]);
    next.fire("connect");
    assert.equal(link.state, "p2p");
    link.close();
    const late = new FakePeer();
    link.replacePeer(late);
    assert.equal(late.destroyed, true, "a closed link refuses new peers");
  } finally {
    link.close();
  }
});
