/**
 * The TURN credentials the server mints (`TURN_SECRET`, coturn's
 * `use-auth-secret` scheme) against a real coturn from Debian on loopback:
 * two WebRTC peers forced to relay through it connect and talk; a wrong
 * secret or expired credentials get no relay at all.
 */
import assert from "node:assert/strict";
import Peer from "simple-peer";
import wrtc from "@roamhq/wrtc";
import { type IceServer, iceServersFor } from "../../src/server/ice_config.ts";
import { ignoreWithout, requireTool } from "../_helpers/external_tools.ts";
import { waitUntil } from "../_helpers/server_process.ts";

const SECRET = "the-shared-secret-of-this-test";
const TTL_MS = 600_000;

/** A free port on 127.0.0.1 (TCP; coturn takes the same number for UDP). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Starts coturn with `use-auth-secret` on loopback; resolves once it listens. */
async function startCoturn(dir: string) {
  const port = freePort();
  const relayFrom = 40_000 + Math.floor(Math.random() * 20_000);
  await Deno.writeTextFile(
    `${dir}/turnserver.conf`,
    [
      "listening-ip=127.0.0.1",
      "relay-ip=127.0.0.1",
      `listening-port=${port}`,
      `min-port=${relayFrom}`,
      `max-port=${relayFrom + 100}`,
      "fingerprint",
      "use-auth-secret",
      `static-auth-secret=${SECRET}`,
      "realm=pizza.test",
      "no-tls",
      "no-dtls",
      "no-cli",
      "no-multicast-peers",
      // The docs deny private ranges; this test's peers are on loopback.
      "allow-loopback-peers",
      `pidfile=${dir}/turnserver.pid`,
      `userdb=${dir}/turndb`,
      `log-file=${dir}/turnserver.log`,
      "simple-log",
      "",
    ].join("\n"),
  );
  const child = new Deno.Command(requireTool("coturn"), {
    args: ["-c", `${dir}/turnserver.conf`],
    stdout: "null",
    stderr: "null",
  }).spawn();
  let exited = false;
  const status = child.status.then(() => exited = true);
  const stop = async () => {
    if (!exited) child.kill("SIGTERM");
    await status;
  };
  try {
    await waitUntil("coturn listens", async () => {
      if (exited) throw new Error("coturn exited");
      try {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        conn.close();
        return true;
      } catch {
        return undefined;
      }
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `turn:127.0.0.1:${port}?transport=udp`, stop };
}

/** The candidates one peer gathers with only relays allowed. */
async function relayCandidates(iceServers: IceServer[]): Promise<string[]> {
  const pc = new wrtc.RTCPeerConnection({
    iceServers,
    iceTransportPolicy: "relay",
  });
  try {
    const found: string[] = [];
    const done = Promise.withResolvers<void>();
    pc.onicecandidate = (
      event: { candidate: { candidate: string } | null },
    ) => {
      if (event.candidate === null) done.resolve();
      else found.push(event.candidate.candidate);
    };
    pc.createDataChannel("probe");
    await pc.setLocalDescription(await pc.createOffer());
    const timer = setTimeout(
      () => done.reject(new Error("ICE gathering did not finish in 30 s")),
      30_000,
    );
    try {
      await done.promise;
    } finally {
      clearTimeout(timer);
    }
    return found.filter((candidate) => / typ relay /.test(candidate));
  } finally {
    pc.close();
  }
}

Deno.test({
  name:
    "coturn with use-auth-secret accepts the credentials iceServersFor() mints: two relay-only peers connect; a wrong secret or expired credentials get no relay",
  ignore: ignoreWithout("coturn"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "pizza-coturn-" });
    const turn = await startCoturn(dir);
    try {
      const settings = {
        stunUrls: [],
        turnUrls: [turn.url],
        turnSecret: SECRET,
        turnTtlMs: TTL_MS,
      };
      const minted = await iceServersFor(settings, Date.now(), "a");
      assert.equal(minted.length, 1);
      assert.ok(
        (await relayCandidates(minted)).length > 0,
        "no relay candidate",
      );

      // Two peers that may only use the relay talk through it.
      const config = {
        iceServers: minted,
        iceTransportPolicy: "relay" as const,
      };
      const a = new Peer({ initiator: true, trickle: true, wrtc, config });
      const b = new Peer({ trickle: true, wrtc, config });
      try {
        a.on("signal", (data) => b.signal(data));
        b.on("signal", (data) => a.signal(data));
        const heard = new Promise<string>((resolve, reject) => {
          b.on(
            "data",
            (data: Uint8Array) => resolve(new TextDecoder().decode(data)),
          );
          a.on("error", reject);
          b.on("error", reject);
        });
        await new Promise<void>((resolve, reject) => {
          a.on("connect", () => resolve());
          a.on("error", reject);
        });
        a.send("through coturn");
        assert.equal(await heard, "through coturn");
      } finally {
        a.destroy();
        b.destroy();
      }

      const wrong = await iceServersFor(
        { ...settings, turnSecret: "not-the-secret" },
        Date.now(),
        "b",
      );
      assert.deepEqual(await relayCandidates(wrong), []);
      const expired = await iceServersFor(
        settings,
        Date.now() - 2 * TTL_MS,
        "c",
      );
      assert.deepEqual(await relayCandidates(expired), []);
    } finally {
      await turn.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
