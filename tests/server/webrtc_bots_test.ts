/**
 * Real WebRTC through the server: a host bot and player bots connect with
 * simple-peer (trickle on) and exchange data-channel messages.
 */
import assert from "node:assert/strict";
import { startTestServer } from "../_helpers/test_server.ts";
import { HostBot, PlayerBot } from "../_helpers/webrtc_bots.ts";
import { WsClient } from "../_helpers/ws_client.ts";

/** Waits until `check` holds, polling. */
async function until(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Deno.test("host bot and 4 player bots connect peer-to-peer through the server and talk both ways; a player rejoins its live seat only with its reconnect token", async () => {
  const server = await startTestServer();
  const host = await HostBot.open(server.localUrl);
  const players: PlayerBot[] = [];
  try {
    const names = ["Ann", "Bob", "Cat", "Dan"];
    players.push(
      ...await Promise.all(
        names.map((name) => PlayerBot.join(server.localUrl, host.room, name)),
      ),
    );
    await Promise.all(names.map((name) => host.connected(name)));

    // Player -> host over each data channel.
    players.forEach((bot, i) => bot.send(`move from ${names[i]}`));
    await until(() => host.messages.length === 4);
    for (const name of names) {
      assert.ok(
        host.messages.some((m) =>
          m.from === name && m.data === `move from ${name}`
        ),
      );
    }
    // Host -> each player.
    names.forEach((name) => host.send(name, `view for ${name}`));
    await Promise.all(
      players.map((bot, i) => bot.waitFor((t) => t === `view for ${names[i]}`)),
    );

    host.ws.send({ action: "startGame" });
    await players[0].ws.nextOfType("gameStarted");

    // Cat's phone moves to another network: its old socket is still open
    // as far as the server knows, so only the reconnect token gets the
    // seat back. A wrong token for that live seat is refused ("name
    // taken": the game has started and the name is in use).
    const cat = players[2];
    const token = String(cat.joined.reconnectToken);
    host.ws.received.splice(0);
    assert.match(token, /^[A-Za-z0-9_-]{8,64}$/);
    await assert.rejects(
      PlayerBot.join(server.localUrl, host.room, "Cat", "wrongwrongwrong"),
      /join refused: .*"val":"name taken"/,
    );
    const back = await PlayerBot.join(server.localUrl, host.room, "Cat", token);
    players[2] = back;
    assert.equal(back.joined.reconnected, true);
    assert.equal(back.joined.username, "Cat");
    assert.notEqual(back.joined.reconnectToken, token);
    // The old socket was closed as replaced; the host saw Cat come back.
    assert.equal((await cat.ws.closed).code, 4000);
    await cat.close();
    assert.deepEqual(
      await host.ws.nextOfType("playerJoined"),
      { type: "playerJoined", clientUsername: "Cat", reconnected: true },
    );
    // The old token was spent: with it, Cat's seat (which now keeps its
    // token) only asks the host, who refuses.
    const replay = await WsClient.connect(server.localUrl);
    try {
      replay.send({
        action: "joinRoom",
        room: host.room,
        username: "Cat",
        reconnectToken: token,
      });
      await replay.nextOfType("rejoinPending");
      const request = await host.ws.nextOfType("rejoinRequest");
      host.ws.send({
        action: "approveRejoin",
        requestId: request.requestId,
        approve: false,
      });
      assert.equal((await replay.nextOfType("error")).val, "not approved");
    } finally {
      await replay.close();
    }
    await host.connected("Cat");
    back.send("back again");
    await until(() =>
      host.messages.some((m) => m.from === "Cat" && m.data === "back again")
    );
    host.send("Cat", "welcome back");
    await back.waitFor((t) => t === "welcome back");
    assert.equal(server.registry.stats().players, 4);
  } finally {
    await Promise.all(players.map((bot) => bot.close()));
    await host.close();
    await server.close();
  }
});
