/**
 * The phone's own peer against the host's simple-peer, on real WebRTC (node
 * WebRTC stands in for the browser's `RTCPeerConnection`): the signals are
 * simple-peer's, the channel opens, text goes both ways, and the phone's
 * close reaches the host. The far end going away is left to Chromium
 * (`tests/e2e/browser_test.ts`: the host reloads and every phone comes back
 * on P2P): node WebRTC crashes the process when its own side is closed from
 * the far end's close event.
 */
// @ts-types="npm:@types/simple-peer@9.11.9"
import Peer from "simple-peer";
import wrtc from "@roamhq/wrtc";
import assert from "node:assert/strict";
import { NativePeer } from "../../../src/client/controller/native_peer.ts";
import type { SignalData } from "../../../src/protocol/mod.ts";

/** A phone peer and a host simple-peer wired through an in-memory "server". */
function pair() {
  const global = globalThis as { RTCPeerConnection?: unknown };
  const before = global.RTCPeerConnection;
  global.RTCPeerConnection = wrtc.RTCPeerConnection;
  try {
    const phone = new NativePeer([]);
    const host = new Peer({ initiator: false, trickle: true, wrtc });
    const signals: SignalData[] = [];
    phone.on("signal", (data) => {
      signals.push(data);
      host.signal(data as Peer.SignalData);
    });
    host.on("signal", (data) => phone.signal(data as SignalData));
    return { phone, host, signals };
  } finally {
    global.RTCPeerConnection = before;
  }
}

/** Resolves on the first call of `subscribe`'s listener, or fails after 10 s. */
function first<T>(
  what: string,
  subscribe: (listener: (value: T) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what}`)), 10_000);
    subscribe((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

Deno.test("NativePeer connects to simple-peer with simple-peer's signals, and text goes both ways", async () => {
  const { phone, host, signals } = pair();
  try {
    await Promise.all([
      first("phone connect", (l) => phone.on("connect", () => l(undefined))),
      first("host connect", (l) => host.on("connect", () => l(undefined))),
    ]);
    assert.equal(signals[0].type, "offer");
    assert.match(String(signals[0].sdp), /^v=0/);
    const candidate = signals.find((s) => s.type === "candidate");
    assert.ok(candidate, "a trickle candidate");
    assert.equal(
      typeof (candidate.candidate as { candidate: unknown }).candidate,
      "string",
    );
    const atHost = first<string>(
      "host data",
      (l) => host.on("data", (d: Uint8Array) => l(new TextDecoder().decode(d))),
    );
    phone.send('{"t":"ping"}');
    assert.equal(await atHost, '{"t":"ping"}');
    const atPhone = first<string | Uint8Array>(
      "phone data",
      (l) => phone.on("data", l),
    );
    host.send('{"t":"pong"}');
    assert.equal(await atPhone, '{"t":"pong"}');
  } finally {
    const hostClosed = first(
      "host close",
      (l) => host.on("close", () => l(undefined)),
    );
    phone.destroy();
    await hostClosed;
  }
});
