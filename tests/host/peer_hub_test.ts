import assert from "node:assert/strict";
import { type HubPlayer, PeerHub } from "../../src/host/peer_hub.ts";
import type { ClientMessage, PhoneMessage } from "../../src/protocol/mod.ts";
import { FakePeer } from "../_helpers/fake_peer.ts";

function makeHub(relayAfterMs = 10_000) {
  const peers: FakePeer[] = [];
  const signals: ClientMessage[] = [];
  const hub = new PeerHub({
    sendSignal: (message) => {
      signals.push(message);
      return true;
    },
    createPeer: () => {
      const peer = new FakePeer();
      peers.push(peer);
      return peer;
    },
    relayAfterMs,
    pingIntervalMs: 60_000,
  });
  const changes: HubPlayer[] = [];
  const messages: Array<[string, PhoneMessage]> = [];
  const failures: string[] = [];
  hub.on("playerChanged", (p) => changes.push(p));
  hub.on("message", (name, m) => messages.push([name, m]));
  hub.on("p2pFailed", (name) => failures.push(name));
  return { hub, peers, signals, changes, messages, failures };
}

Deno.test("PeerHub answers a relayed offer with offerResponse, then trickles candidates", () => {
  const { hub, peers, signals } = makeHub();
  try {
    hub.handleServerMessage({
      type: "playerJoined",
      clientUsername: "Ann",
      reconnected: false,
    });
    hub.handleServerMessage({
      type: "offer",
      sdp: "v=0 offer",
      clientUsername: "Ann",
    });
    assert.equal(peers.length, 1);
    assert.deepEqual(peers[0].signals, [{ type: "offer", sdp: "v=0 offer" }]);
    peers[0].fire("signal", { type: "answer", sdp: "v=0 answer" });
    peers[0].fire("signal", {
      type: "candidate",
      candidate: { candidate: "c1" },
    });
    assert.deepEqual(signals, [
      {
        action: "offerResponse",
        clientUsername: "Ann",
        response: { type: "answer", sdp: "v=0 answer" },
      },
      {
        action: "signal",
        clientUsername: "Ann",
        data: { type: "candidate", candidate: { candidate: "c1" } },
      },
    ]);
    hub.handleServerMessage({
      type: "signal",
      clientUsername: "Ann",
      data: { type: "candidate", candidate: { candidate: "c2" } },
    });
    assert.equal(peers[0].signals.length, 2);
  } finally {
    hub.close();
  }
});

Deno.test("PeerHub reports P2P, forwards game input and measures round-trip time", () => {
  const { hub, peers, messages } = makeHub();
  try {
    hub.handleServerMessage({
      type: "playerJoined",
      clientUsername: "Ann",
      reconnected: false,
    });
    hub.handleServerMessage({ type: "offer", sdp: "o", clientUsername: "Ann" });
    peers[0].fire("connect");
    assert.equal(hub.player("Ann")?.state, "p2p");
    const ping = JSON.parse(peers[0].sent[0]);
    assert.equal(ping.t, "ping");
    peers[0].fire("data", JSON.stringify({ t: "pong", id: ping.id }));
    assert.equal(typeof hub.player("Ann")?.rttMs, "number");
    peers[0].fire("data", JSON.stringify({ t: "move", x: 0.5, y: -0.5 }));
    peers[0].fire("data", JSON.stringify({ t: "move", x: 5, y: 0 }));
    assert.deepEqual(messages, [["Ann", { t: "move", x: 0.5, y: -0.5 }]]);
  } finally {
    hub.close();
  }
});

Deno.test("PeerHub marks a player relayed, says P2P failed, and sends through the relay", async () => {
  const { hub, signals, messages, failures } = makeHub(20);
  try {
    hub.handleServerMessage({
      type: "playerJoined",
      clientUsername: "Rita",
      reconnected: false,
    });
    hub.handleServerMessage({
      type: "offer",
      sdp: "o",
      clientUsername: "Rita",
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(hub.player("Rita")?.state, "relayed");
    assert.deepEqual(failures, ["Rita"]);
    hub.handleServerMessage({
      type: "relay",
      clientUsername: "Rita",
      data: { t: "move", x: -1, y: 0 },
    });
    assert.deepEqual(messages, [["Rita", { t: "move", x: -1, y: 0 }]]);
    hub.send("Rita", { t: "feedback", say: { key: "note.go" }, tone: "info" });
    assert.deepEqual(signals.at(-1), {
      action: "relay",
      clientUsername: "Rita",
      data: { t: "feedback", say: { key: "note.go" }, tone: "info" },
    });
  } finally {
    hub.close();
  }
});

Deno.test("PeerHub keeps a disconnected player and replaces its peer on a new offer", () => {
  const { hub, peers } = makeHub();
  const removed: string[] = [];
  hub.on("playerRemoved", (name) => removed.push(name));
  try {
    hub.handleServerMessage({
      type: "playerJoined",
      clientUsername: "Bob",
      reconnected: false,
    });
    hub.handleServerMessage({
      type: "offer",
      sdp: "o1",
      clientUsername: "Bob",
    });
    peers[0].fire("connect");
    hub.handleServerMessage({
      type: "playerLeft",
      clientUsername: "Bob",
      reason: "disconnected",
    });
    assert.equal(hub.player("Bob")?.state, "disconnected");
    assert.equal(peers[0].destroyed, true);
    hub.handleServerMessage({
      type: "playerJoined",
      clientUsername: "Bob",
      reconnected: true,
    });
    hub.handleServerMessage({
      type: "signal",
      clientUsername: "Bob",
      data: { type: "offer", sdp: "o2" },
    });
    assert.equal(peers.length, 2);
    assert.equal(hub.player("Bob")?.state, "connecting");
    hub.handleServerMessage({
      type: "playerLeft",
      clientUsername: "Bob",
      reason: "left",
    });
    assert.equal(hub.player("Bob"), undefined);
    assert.deepEqual(removed, ["Bob"]);
  } finally {
    hub.close();
  }
});

Deno.test("PeerHub takes a phone's new offer on a live link without dropping it: relay meanwhile, P2P again", () => {
  const { hub, peers, signals, changes, failures } = makeHub();
  try {
    hub.handleServerMessage({
      type: "playerJoined",
      clientUsername: "Ann",
      reconnected: false,
    });
    hub.handleServerMessage({
      type: "offer",
      sdp: "o1",
      clientUsername: "Ann",
    });
    peers[0].fire("signal", { type: "answer", sdp: "a1" });
    peers[0].fire("connect");
    peers[0].fire("close"); // the data channel drops mid-game
    assert.equal(hub.player("Ann")?.state, "relayed");
    hub.handleServerMessage({
      type: "signal",
      clientUsername: "Ann",
      data: { type: "offer", sdp: "o2" },
    });
    assert.equal(peers.length, 2);
    assert.deepEqual(peers[1].signals, [{ type: "offer", sdp: "o2" }]);
    assert.equal(hub.player("Ann")?.state, "relayed", "still playing");
    hub.send("Ann", { t: "feedback", say: { key: "note.go" }, tone: "info" });
    assert.deepEqual(signals.at(-1), {
      action: "relay",
      clientUsername: "Ann",
      data: { t: "feedback", say: { key: "note.go" }, tone: "info" },
    });
    peers[1].fire("signal", { type: "answer", sdp: "a2" });
    assert.deepEqual(signals.at(-1), {
      action: "signal",
      clientUsername: "Ann",
      data: { type: "answer", sdp: "a2" },
    });
    peers[1].fire("connect");
    assert.equal(hub.player("Ann")?.state, "p2p");
    assert.deepEqual(
      changes.map((c) => c.state).filter((s, i, all) => s !== all[i - 1]),
      ["p2p", "relayed", "p2p"],
    );
    assert.deepEqual(failures, [], "no 'could not connect directly' banner");
  } finally {
    hub.close();
  }
});

Deno.test("PeerHub marks a phone whose ping goes unanswered for the silence limit as silent, and back when it answers", () => {
  let now = 1_000;
  const peers: FakePeer[] = [];
  const hub = new PeerHub({
    sendSignal: () => true,
    createPeer: () => {
      const peer = new FakePeer();
      peers.push(peer);
      return peer;
    },
    relayAfterMs: 10_000,
    pingIntervalMs: 60_000,
    silentAfterMs: 5_000,
    now: () => now,
  });
  const states: string[] = [];
  hub.on("playerChanged", (p) => {
    if (states.at(-1) !== p.state) states.push(p.state);
  });
  const pings = () =>
    peers[0].sent.map((raw) => JSON.parse(raw)).filter((m) => m.t === "ping");
  try {
    hub.handleServerMessage({
      type: "playerJoined",
      clientUsername: "Bo",
      reconnected: false,
    });
    hub.handleServerMessage({ type: "offer", sdp: "o", clientUsername: "Bo" });
    now += 60_000; // a slow connection does not count as silence
    peers[0].fire("connect");
    assert.equal(hub.player("Bo")?.state, "p2p");
    assert.equal(pings().length, 1, "pinged once linked");
    now += 4_999;
    hub.checkSilence();
    assert.equal(hub.player("Bo")?.state, "p2p", "not yet");
    peers[0].fire("data", JSON.stringify({ t: "move", x: 0, y: 0 }));
    now += 60_000;
    hub.checkSilence();
    assert.equal(
      hub.player("Bo")?.state,
      "p2p",
      "any message answers; no ping since, nothing to answer",
    );
    hub.pingAll();
    hub.pingAll();
    now += 4_999;
    hub.checkSilence();
    assert.equal(hub.player("Bo")?.state, "p2p");
    now += 1;
    hub.checkSilence();
    assert.equal(hub.player("Bo")?.state, "silent", "5 s since the first ping");
    const [, late] = pings();
    now += 30_000;
    peers[0].fire("data", JSON.stringify({ t: "pong", id: late.id }));
    assert.equal(hub.player("Bo")?.state, "p2p", "heard again");
    now += 30_000;
    hub.checkSilence();
    assert.equal(hub.player("Bo")?.state, "p2p");
    assert.deepEqual(states, ["p2p", "silent", "p2p"]);
  } finally {
    hub.close();
  }
});

Deno.test("new PeerHub() refuses a silence limit that is not positive", () => {
  assert.throws(
    () =>
      new PeerHub({
        sendSignal: () => true,
        createPeer: () => new FakePeer(),
        relayAfterMs: 0,
        silentAfterMs: 0,
      }),
    RangeError,
  );
});
