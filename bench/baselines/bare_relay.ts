/**
 * The floor for `deno task bench`: a bare `Deno.serve` relay that speaks the
 * same signaling messages as our server (createRoom, joinRoom, offerResponse,
 * signal, relay) and forwards frames by room code and name with no
 * validation, no limits, no timers and no tokens. Whatever our server costs
 * above this is the price of validation, limits and bookkeeping.
 *
 * Its audience is the fan-out floor: `watchRoom` adds the socket to the
 * room's watchers (answered with `watching`), and the host's
 * `audienceUpdate` is serialised once and sent to every watcher with
 * `socket.send(text)`, nothing else.
 *
 * Run: `PORT=8000 deno run --allow-net --allow-env bench/baselines/bare_relay.ts`
 *
 * @module
 */

/** Room code length, as in our protocol. */
const ROOM_CODE_LENGTH = 4;
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DEFAULT_PORT = 8000;

/** Loose shape of an inbound frame: nothing is checked. */
interface Frame {
  action?: string;
  room?: string;
  username?: string;
  clientUsername?: string;
  offer?: Record<string, unknown>;
  response?: unknown;
  data?: unknown;
  state?: unknown;
}

interface Room {
  host: WebSocket;
  players: Map<string, WebSocket>;
  watchers: Set<WebSocket>;
}

/** Who a socket is, once it created or joined a room. */
interface Seat {
  room?: Room;
  code?: string;
  username?: string;
  isHost: boolean;
  /** Set while the socket watches a room. */
  watching?: Room;
}

/**
 * Starts the bare relay on `port` (127.0.0.1).
 *
 * @param port TCP port to listen on; 0 picks one.
 * @returns The running server.
 */
export function startBareRelay(port: number): Deno.HttpServer<Deno.NetAddr> {
  const rooms = new Map<string, Room>();

  function newCode(): string {
    for (;;) {
      let code = "";
      for (let i = 0; i < ROOM_CODE_LENGTH; i++) {
        code += LETTERS[Math.floor(Math.random() * LETTERS.length)];
      }
      if (!rooms.has(code)) return code;
    }
  }

  function onFrame(ws: WebSocket, seat: Seat, frame: Frame): void {
    switch (frame.action) {
      case "createRoom": {
        const code = newCode();
        const room: Room = {
          host: ws,
          players: new Map(),
          watchers: new Set(),
        };
        rooms.set(code, room);
        seat.room = room;
        seat.code = code;
        seat.isHost = true;
        ws.send(JSON.stringify({ type: "confirmRoom", room: code }));
        return;
      }
      case "joinRoom": {
        const code = String(frame.room);
        const room = rooms.get(code);
        if (!room) return;
        const username = String(frame.username);
        room.players.set(username, ws);
        seat.room = room;
        seat.code = code;
        seat.username = username;
        ws.send(JSON.stringify({ type: "joined", room: code, username }));
        room.host.send(
          JSON.stringify({ type: "playerJoined", clientUsername: username }),
        );
        if (frame.offer) {
          room.host.send(
            JSON.stringify({ ...frame.offer, clientUsername: username }),
          );
        }
        return;
      }
      case "watchRoom": {
        const code = String(frame.room);
        const room = rooms.get(code);
        if (!room) return;
        room.watchers.add(ws);
        seat.watching = room;
        ws.send(JSON.stringify({ type: "watching", room: code }));
        return;
      }
      case "audienceUpdate": {
        if (!seat.isHost || !seat.room) return;
        const text = JSON.stringify({
          type: "audienceUpdate",
          state: frame.state,
        });
        for (const watcher of seat.room.watchers) watcher.send(text);
        return;
      }
      case "offerResponse":
        seat.room?.players.get(String(frame.clientUsername))?.send(
          JSON.stringify(frame.response),
        );
        return;
      case "signal":
      case "relay": {
        const type = frame.action;
        if (seat.isHost) {
          seat.room?.players.get(String(frame.clientUsername))?.send(
            JSON.stringify({ type, data: frame.data }),
          );
        } else {
          seat.room?.host.send(
            JSON.stringify({
              type,
              clientUsername: seat.username,
              data: frame.data,
            }),
          );
        }
        return;
      }
    }
  }

  function onClose(ws: WebSocket, seat: Seat): void {
    seat.watching?.watchers.delete(ws);
    const room = seat.room;
    if (!room || !seat.code) return;
    if (seat.isHost) {
      rooms.delete(seat.code);
      return;
    }
    if (seat.username !== undefined) {
      room.players.delete(seat.username);
      room.host.send(
        JSON.stringify({
          type: "playerLeft",
          clientUsername: seat.username,
          reason: "disconnected",
        }),
      );
    }
  }

  return Deno.serve(
    { port, hostname: "127.0.0.1", onListen: () => {} },
    (req) => {
      if (req.headers.get("upgrade") !== "websocket") {
        return new Response("bare relay\n");
      }
      const { socket, response } = Deno.upgradeWebSocket(req);
      const seat: Seat = { isHost: false };
      socket.onmessage = (e) => {
        let frame: Frame;
        try {
          frame = JSON.parse(e.data);
        } catch {
          return;
        }
        onFrame(socket, seat, frame);
      };
      socket.onclose = () => onClose(socket, seat);
      socket.onerror = () => {};
      return response;
    },
  );
}

if (import.meta.main) {
  const port = Number(Deno.env.get("PORT") ?? DEFAULT_PORT);
  const server = startBareRelay(port);
  console.log(`bare relay listening on http://127.0.0.1:${server.addr.port}/`);
  // Exit on SIGTERM as ours does (so `--cpu-prof` writes its profile).
  Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
}
