/**
 * Three real `server.ts` processes on one real Redis: every behaviour with
 * the host on A and players on B and C, ten rooms of WebRTC bots spread over
 * all three, one instance killed with SIGKILL mid-game and its rooms coming
 * back through the others.
 */
import { ignoreWithout } from "../_helpers/external_tools.ts";
import assert from "node:assert/strict";
import { startTestRedis } from "../_helpers/redis_server.ts";
import {
  type ServerProcess,
  startServerProcess,
  waitUntil,
} from "../_helpers/server_process.ts";
import { WsClient } from "../_helpers/ws_client.ts";
import { HostBot, PlayerBot } from "../_helpers/webrtc_bots.ts";

const ENV = {
  STATIC_DIR: "tests/fixtures/static",
  SWEEP_INTERVAL_MS: "200",
  BUS_CODE_TTL_MS: "1500",
  BUS_KEEPALIVE_MS: "400",
  HOST_GRACE_MS: "60000",
  FAILED_JOIN_BUDGET: "8",
  ROOM_CREATES_PER_MINUTE: "1000",
  JOIN_BURST_PER_ADDRESS: "100000",
  MAX_CONNECTIONS_PER_ADDRESS: "100000",
  MAX_ROOMS_PER_ADDRESS: "1000",
};

const OFFER = { type: "offer", sdp: "v=0 fake offer" };
const CANDIDATE = {
  type: "candidate",
  candidate: { candidate: "candidate:1 1 udp 1 10.0.0.1 9 typ host" },
};

/** Retries `attempt` until it succeeds (each try fails on its own timeout). */
async function retry<T>(what: string, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`${what}: still failing: ${error}`);
      }
    }
  }
}

Deno.test({
  name:
    "three server.ts processes on one Redis: host on A and players on B and C behave as on one server; a SIGKILLed instance's rooms come back through the others",
  ignore: ignoreWithout("redis-server"),
  async fn(t) {
    await using redis = await startTestRedis();
    const servers: ServerProcess[] = await Promise.all(
      [0, 1, 2].map(() =>
        startServerProcess({ env: { ...ENV, REDIS_URL: redis.url } })
      ),
    );
    const [A, B, C] = servers.map((s) => s.url);
    const clients: WsClient[] = [];
    const bots: (HostBot | PlayerBot)[] = [];
    const connect = async (url: string) => {
      const client = await WsClient.connect(url);
      clients.push(client);
      return client;
    };
    const track = <T extends HostBot | PlayerBot>(bot: T): T => {
      bots.push(bot);
      return bot;
    };
    try {
      const host = await connect(A);
      host.send({ action: "createRoom" });
      const confirm = await host.nextOfType("confirmRoom");
      const room = String(confirm.room);
      const hostToken = String(confirm.hostToken);
      let ann: WsClient = await connect(B);
      let annToken = "";
      let bea: WsClient | undefined;

      await t.step(
        "seed join, offer/answer and trickle cross instances",
        async () => {
          ann.send({ action: "joinRoom", room, username: "Ann", offer: OFFER });
          const joined = await ann.nextOfType("joined");
          assert.equal(joined.username, "Ann");
          annToken = String(joined.reconnectToken);
          assert.deepEqual(await host.nextOfType("offer"), {
            ...OFFER,
            clientUsername: "Ann",
          });
          assert.deepEqual(await host.nextOfType("playerJoined"), {
            type: "playerJoined",
            clientUsername: "Ann",
            reconnected: false,
          });
          host.send({
            action: "offerResponse",
            clientUsername: "Ann",
            response: { type: "answer", sdp: "v=0 fake answer" },
          });
          assert.deepEqual(await ann.nextOfType("answer"), {
            type: "answer",
            sdp: "v=0 fake answer",
          });
          ann.send({ action: "signal", data: CANDIDATE });
          assert.deepEqual(await host.nextOfType("signal"), {
            type: "signal",
            clientUsername: "Ann",
            data: CANDIDATE,
          });
          host.send({
            action: "signal",
            clientUsername: "Ann",
            data: CANDIDATE,
          });
          assert.deepEqual((await ann.nextOfType("signal")).data, CANDIDATE);
          // The seed re-sends joinRoom to pass a new offer: no second player.
          ann.send({ action: "joinRoom", room, username: "Ann", offer: OFFER });
          assert.equal((await host.nextOfType("offer")).clientUsername, "Ann");
          assert.ok(!ann.received.some((m) => m.type === "joined"));
        },
      );

      await t.step("names stay unique across instances", async () => {
        bea = await connect(C);
        bea.send({ action: "joinRoom", room, username: "ann" });
        const joined = await bea.nextOfType("joined");
        assert.equal(joined.username, "ann 2");
        assert.equal(joined.renamed, true);
        assert.equal(joined.vip, false);
      });

      await t.step(
        "a code nobody holds is a wrong room on every instance",
        async () => {
          const lost = await connect(B);
          lost.send({ action: "joinRoom", room: "QXQX", username: "Cy" });
          const error = await lost.nextOfType("error");
          assert.equal(error.val, "wrong room");
        },
      );

      await t.step("the relay carries game messages both ways", async () => {
        ann.send({ action: "relay", data: { t: "hi" } });
        assert.deepEqual(await host.next((m) => m.type === "relay"), {
          type: "relay",
          clientUsername: "Ann",
          data: { t: "hi" },
        });
        host.send({ action: "relay", clientUsername: "ann 2", data: "yo" });
        assert.equal((await bea!.nextOfType("relay")).data, "yo");
      });

      await t.step(
        "a player reconnects by token through another instance",
        async () => {
          await ann.close();
          assert.deepEqual(
            await host.next((m) =>
              m.type === "playerLeft" && m.clientUsername === "Ann"
            ),
            {
              type: "playerLeft",
              clientUsername: "Ann",
              reason: "disconnected",
            },
          );
          ann = await connect(C);
          ann.send({
            action: "joinRoom",
            room,
            username: "Ann",
            reconnectToken: annToken,
          });
          const joined = await ann.nextOfType("joined");
          assert.equal(joined.reconnected, true);
          assert.equal(joined.vip, true);
          assert.equal(
            (await host.next((m) =>
              m.type === "playerJoined" && m.reconnected === true
            )).clientUsername,
            "Ann",
          );
        },
      );

      await t.step("after start, unknown names get 'no player'", async () => {
        host.send({ action: "startGame" });
        await ann.nextOfType("gameStarted");
        await bea!.nextOfType("gameStarted");
        const late = await connect(B);
        late.send({ action: "joinRoom", room, username: "Dee" });
        assert.equal((await late.nextOfType("error")).val, "no player");
      });

      await t.step("the host kicks a player on another instance", async () => {
        host.send({ action: "kickPlayer", clientUsername: "ann 2" });
        assert.equal((await bea!.nextOfType("roomClosed")).reason, "kicked");
        assert.equal(
          (await host.next((m) =>
            m.type === "playerLeft" && m.reason === "kicked"
          )).clientUsername,
          "ann 2",
        );
      });

      await t.step(
        "the host goes away and reclaims through another instance",
        async () => {
          await host.close();
          const away = await ann.nextOfType("hostAway");
          assert.equal(away.graceMs, 60_000);
          const back = await connect(B);
          back.send({ action: "reclaimRoom", room, hostToken });
          const again = await back.nextOfType("confirmRoom");
          assert.equal(again.room, room);
          assert.equal(again.started, true);
          assert.deepEqual(again.players, [
            { clientUsername: "Ann", connected: true },
          ]);
          await ann.nextOfType("hostBack");
        },
      );

      await t.step(
        "ten rooms of WebRTC bots over three instances; one SIGKILLed; its rooms come back",
        async () => {
          const names = ["Pat", "Quin"];
          // One room after the other: ten WebRTC handshakes at once are
          // too much for a busy 2-core machine within the bots' timeouts.
          const rooms: { i: number; host: HostBot; players: PlayerBot[] }[] =
            [];
          for (let i = 0; i < 10; i++) {
            const hostBot = track(await HostBot.open(servers[i % 3].url));
            const players = await Promise.all(
              names.map(async (name, k) =>
                track(
                  await PlayerBot.join(
                    servers[(i + 1 + k) % 3].url,
                    hostBot.room,
                    name,
                  ),
                )
              ),
            );
            rooms.push({ i, host: hostBot, players });
          }
          const exchange = async (
            r: { i: number; host: HostBot; players: PlayerBot[] },
            round: string,
          ) => {
            await Promise.all(
              names.map((name) => r.host.connected(name, 15_000)),
            );
            r.players.forEach((p, k) => p.send(`${round} from ${names[k]}`));
            await waitUntil(
              `room ${r.i} host hears ${round}`,
              () =>
                names.every((name) =>
                  r.host.messages.some((m) =>
                    m.from === name && m.data === `${round} from ${name}`
                  )
                ) || undefined,
            );
            names.forEach((name) => r.host.send(name, `${round} to ${name}`));
            await Promise.all(
              r.players.map((p, k) =>
                p.waitFor((text) => text === `${round} to ${names[k]}`, 15_000)
              ),
            );
          };
          await Promise.all(rooms.map((r) => exchange(r, "first")));

          const spread = await Promise.all(servers.map(async (s) => {
            const text = await (await fetch(`${s.url}/metrics`)).text();
            return Number(
              text.match(/pizza_bus_rooms_owned\{[^}]*\} (\d+)/)?.[1],
            );
          }));
          // Each instance owns its 3 or 4 rooms plus (A, B) the first room.
          assert.ok(spread.every((n) => n >= 3), `rooms owned: ${spread}`);

          const killed = servers[0];
          await killed.stop("SIGKILL");
          const live = [B, C];
          await Promise.all(rooms.map(async (r) => {
            const hostDied = r.i % 3 === 0;
            const via = live[r.i % 2];
            if (hostDied) {
              const old = r.host;
              r.host = track(
                await retry(
                  `room ${r.i}: reclaim`,
                  () => HostBot.reclaim(via, old.room, old.hostToken),
                ),
              );
              assert.equal(r.host.room, old.room);
              await old.close();
            }
            r.players = await Promise.all(r.players.map(async (p, k) => {
              const onKilled = (r.i + 1 + k) % 3 === 0;
              if (!hostDied && !onKilled) return p;
              const token = String(p.joined.reconnectToken);
              if (!hostDied) {
                // The owner notices the dead instance: the player is away.
                await waitUntil(
                  `room ${r.i}: ${names[k]} seen gone`,
                  () =>
                    r.host.ws.received.some((m) =>
                      m.type === "playerLeft" &&
                      m.clientUsername === names[k] &&
                      m.reason === "disconnected"
                    ) || undefined,
                );
              }
              await p.close();
              return track(
                await retry(
                  `room ${r.i}: ${names[k]} rejoins`,
                  () => PlayerBot.join(via, r.host.room, names[k], token),
                ),
              );
            }));
          }));
          await Promise.all(rooms.map((r) => exchange(r, "second")));
          const adopted = servers.slice(1).map((s) => s.output())
            .join("").match(/room adopted/g)?.length ?? 0;
          assert.equal(adopted, 4);
        },
      );

      await t.step(
        "an evicted instance (SIGINT) leaves its room to another: host reclaims, player rejoins by token",
        async () => {
          const evicted = servers[1];
          const host = await connect(evicted.url);
          host.send({ action: "createRoom" });
          const confirm = await host.nextOfType("confirmRoom");
          const room = String(confirm.room);
          const player = await connect(C);
          player.send({ action: "joinRoom", room, username: "Flo" });
          const token = String(
            (await player.nextOfType("joined")).reconnectToken,
          );
          assert.equal(await evicted.stop("SIGINT"), 0);
          assert.equal((await host.closed).code, 1001);
          // The player's instance sees the owner gone and closes its socket.
          assert.equal((await player.closed).code, 1012);
          const back = await connect(C);
          back.send({
            action: "reclaimRoom",
            room,
            hostToken: confirm.hostToken,
          });
          const again = await back.nextOfType("confirmRoom");
          assert.deepEqual(again.players, [
            { clientUsername: "Flo", connected: false },
          ]);
          const flo = await connect(C);
          flo.send({
            action: "joinRoom",
            room,
            username: "Flo",
            reconnectToken: token,
          });
          assert.equal((await flo.nextOfType("joined")).reconnected, true);
          assert.equal(
            (await back.nextOfType("playerJoined")).clientUsername,
            "Flo",
          );
        },
      );
    } finally {
      await Promise.all(bots.map((bot) => bot.close()));
      await Promise.all(clients.map((c) => c.close()));
      await Promise.all(servers.map((s) => s.stop()));
    }
  },
});
