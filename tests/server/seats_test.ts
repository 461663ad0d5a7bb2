/**
 * Seats through real sockets: the token holder always wins, a rejoin by
 * name waits for the host, lobby seats expire, kicks close the socket, host
 * tokens rotate and the host opens or closes joining.
 */
import assert from "node:assert/strict";
import { startTestServer } from "../_helpers/test_server.ts";
import { WsClient } from "../_helpers/ws_client.ts";
import type { PizzaServer } from "../../src/server/app_server.ts";

const OFFER = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" };
/** Waits on busy machines are long: they end as soon as the state is seen. */
const WAIT_MS = 15_000;

/** Runs `body` with a server and closes every client it opened. */
async function withServer(
  overrides: Parameters<typeof startTestServer>[0],
  body: (
    server: PizzaServer,
    open: () => Promise<WsClient>,
  ) => Promise<void>,
): Promise<void> {
  const server = await startTestServer(overrides);
  const clients: WsClient[] = [];
  try {
    await body(server, async () => {
      const client = await WsClient.connect(server.localUrl);
      clients.push(client);
      return client;
    });
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  }
}

/** A host with its room. */
async function host(open: () => Promise<WsClient>) {
  const conn = await open();
  conn.send({ action: "createRoom" });
  const confirm = await conn.nextOfType("confirmRoom");
  return { conn, room: String(confirm.room), token: String(confirm.hostToken) };
}

/** A joined player (or the answer it got instead of `joined`). */
async function join(
  open: () => Promise<WsClient>,
  room: string,
  username: string,
  extra: Record<string, unknown> = {},
) {
  const conn = await open();
  conn.send({ action: "joinRoom", room, username, offer: OFFER, ...extra });
  const answer = await conn.next((m) =>
    m.type === "joined" || m.type === "error" || m.type === "rejoinPending"
  );
  return { conn, answer };
}

Deno.test("server: a phone with its seat's token takes the seat back from an impostor who took it by name, closing the impostor with 4000", async () => {
  await withServer({}, async (_server, open) => {
    const h = await host(open);
    const ann = await join(open, h.room, "Ann");
    const token = ann.answer.reconnectToken;
    h.conn.send({ action: "startGame" });
    await ann.conn.nextOfType("gameStarted");
    await ann.conn.close();
    await h.conn.next((m) =>
      m.type === "playerLeft" && m.reason === "disconnected"
    );
    // The seed's rule: a name alone takes back a seat whose phone never
    // kept a token…
    const impostor = await join(open, h.room, "Ann");
    assert.equal(impostor.answer.type, "joined");
    // …and the phone holding the token takes it back again.
    const back = await join(open, h.room, "Ann", { reconnectToken: token });
    assert.equal(back.answer.type, "joined");
    assert.equal(back.answer.reconnected, true);
    const closed = await impostor.conn.closed;
    assert.equal(closed.code, 4000);
  });
});

Deno.test("server: a rejoin by name of a token-keeping seat waits for the host's approval, then joins", async () => {
  await withServer({}, async (_server, open) => {
    const h = await host(open);
    const ann = await join(open, h.room, "Ann", { keepsToken: true });
    assert.equal(ann.answer.type, "joined");
    h.conn.send({ action: "startGame" });
    await ann.conn.close();
    await h.conn.next((m) => m.type === "playerLeft");

    const asker = await join(open, h.room, "Ann");
    assert.equal(asker.answer.type, "rejoinPending");
    assert.match(String(asker.answer.message), /host to let you back in/);
    const request = await h.conn.nextOfType("rejoinRequest");
    assert.equal(request.clientUsername, "Ann");
    // Refused first: "not approved".
    h.conn.send({
      action: "approveRejoin",
      requestId: request.requestId,
      approve: false,
    });
    const refused = await asker.conn.nextOfType("error");
    assert.equal(refused.val, "not approved");
    assert.equal(
      (await h.conn.nextOfType("rejoinClosed")).outcome,
      "refused",
    );
    // Asked again and approved: joined, and the host gets the offer.
    asker.conn.send({
      action: "joinRoom",
      room: h.room,
      username: "Ann",
      offer: OFFER,
    });
    await asker.conn.nextOfType("rejoinPending");
    const again = await h.conn.nextOfType("rejoinRequest");
    h.conn.send({
      action: "approveRejoin",
      requestId: again.requestId,
      approve: true,
    });
    const joined = await asker.conn.nextOfType("joined");
    assert.equal(joined.reconnected, true);
    assert.equal(joined.username, "Ann");
    const offer = await h.conn.nextOfType("offer");
    assert.equal(offer.clientUsername, "Ann");
  });
});

Deno.test("server: an unanswered rejoin request is refused after REJOIN_APPROVAL_MS", async () => {
  await withServer(
    { rejoinApprovalMs: 1_000, sweepIntervalMs: 50 },
    async (_server, open) => {
      const h = await host(open);
      const ann = await join(open, h.room, "Ann", { keepsToken: true });
      await ann.conn.close();
      await h.conn.next((m) => m.type === "playerLeft");
      const asker = await join(open, h.room, "Ann");
      assert.equal(asker.answer.type, "rejoinPending");
      const error = await asker.conn.nextOfType("error", WAIT_MS);
      assert.equal(error.val, "not approved");
      const closed = await h.conn.nextOfType("rejoinClosed", WAIT_MS);
      assert.equal(closed.outcome, "expired");
    },
  );
});

Deno.test("server: a disconnected lobby seat expires after LOBBY_SEAT_GRACE_MS and the host is told", async () => {
  await withServer(
    { lobbySeatGraceMs: 200, sweepIntervalMs: 50 },
    async (server, open) => {
      const h = await host(open);
      const drops = [];
      for (let i = 0; i < 12; i++) {
        drops.push((await join(open, h.room, `Drop${i}`)).conn);
      }
      const full = await join(open, h.room, "Real");
      assert.equal(full.answer.val, "room full");
      await Promise.all(drops.map((c) => c.close()));
      for (let i = 0; i < 12; i++) {
        await h.conn.next(
          (m) => m.type === "playerLeft" && m.reason === "expired",
          WAIT_MS,
        );
      }
      assert.equal(server.registry.stats().players, 0);
      const real = await join(open, h.room, "Real");
      assert.equal(real.answer.type, "joined");
    },
  );
});

Deno.test("server: kickPlayer closes the kicked phone's socket with 1008, in the lobby and for a disconnected seat", async () => {
  await withServer({}, async (server, open) => {
    const h = await host(open);
    const ann = await join(open, h.room, "Ann");
    const bob = await join(open, h.room, "Bob");
    h.conn.send({ action: "kickPlayer", clientUsername: "Ann" });
    const roomClosed = await ann.conn.nextOfType("roomClosed");
    assert.equal(roomClosed.reason, "kicked");
    assert.equal((await ann.conn.closed).code, 1008);
    await bob.conn.close();
    await h.conn.next((m) =>
      m.type === "playerLeft" && m.reason === "disconnected"
    );
    h.conn.send({ action: "kickPlayer", clientUsername: "Bob" });
    await h.conn.next((m) =>
      m.type === "playerLeft" && m.reason === "kicked" &&
      m.clientUsername === "Bob"
    );
    assert.equal(server.registry.stats().players, 0);
  });
});

Deno.test("server: a reclaim gets a new host token and the old one is refused after", async () => {
  await withServer({}, async (_server, open) => {
    const h = await host(open);
    await h.conn.close();
    const page = await open();
    page.send({ action: "reclaimRoom", room: h.room, hostToken: h.token });
    const confirm = await page.nextOfType("confirmRoom");
    assert.notEqual(confirm.hostToken, h.token);
    const thief = await open();
    thief.send({ action: "reclaimRoom", room: h.room, hostToken: h.token });
    assert.equal((await thief.nextOfType("error")).val, "bad token");
  });
});

Deno.test("server: with joining opened after startGame a late friend joins; closed, the seed's no player holds", async () => {
  await withServer({}, async (_server, open) => {
    const h = await host(open);
    await join(open, h.room, "Ann");
    h.conn.send({ action: "startGame" });
    const early = await join(open, h.room, "Late");
    assert.equal(early.answer.val, "no player");
    h.conn.send({ action: "setJoining", open: true });
    assert.equal((await h.conn.nextOfType("joiningChanged")).open, true);
    const late = await join(open, h.room, "Late");
    assert.equal(late.answer.type, "joined");
    assert.equal(late.answer.started, true);
    const joined = await h.conn.next((m) =>
      m.type === "playerJoined" && m.clientUsername === "Late"
    );
    assert.equal(joined.reconnected, false);
    h.conn.send({ action: "setJoining", open: false });
    await h.conn.nextOfType("joiningChanged");
    const later = await join(open, h.room, "Later");
    assert.equal(later.answer.val, "no player");
  });
});
