/**
 * A lean WebSocket client for load generation: RFC 6455 over `Deno.connect`
 * (TCP_NODELAY on), no extensions. Each read takes whatever the kernel has
 * for the socket (64 KiB at a time) and splits it into frames; a text
 * frame's arrival time is taken when its read completes, before it is
 * decoded. Thousands of these in one process cost the load generator far
 * less than npm `ws` sockets (which run on Deno's Node compatibility layer),
 * so a fan-out measure times the server, not the client. It is still a real
 * WebSocket to the server: the same upgrade, masked client frames, close
 * handshake.
 *
 * @module
 */

/** How long the upgrade may take, in ms. */
const UPGRADE_TIMEOUT_MS = 10_000;
/** Bytes asked for per read. */
const READ_BYTES = 64 * 1024;

/** An open lean socket. */
export interface LeanSocket {
  /** Sends one text frame (masked, as a client must). */
  send(text: string): void;
  /** Sends a close frame and closes the connection (idempotent). */
  close(): void;
  /** Resolves once the connection is closed. */
  readonly closed: Promise<void>;
}

/** Options for {@link openLean}. */
export interface LeanOptions {
  /** Each text frame, with `performance.now()` when its read completed. */
  onText: (text: string, at: number) => void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** A masked client frame (opcode 1 text, 8 close). */
function clientFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const len = payload.length;
  const head = len < 126 ? 2 : len < 65_536 ? 4 : 10;
  const out = new Uint8Array(head + 4 + len);
  out[0] = 0x80 | opcode;
  if (len < 126) out[1] = 0x80 | len;
  else if (len < 65_536) {
    out[1] = 0x80 | 126;
    out[2] = len >> 8;
    out[3] = len & 0xff;
  } else {
    out[1] = 0x80 | 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(len));
  }
  const mask = crypto.getRandomValues(new Uint8Array(4));
  out.set(mask, head);
  for (let i = 0; i < len; i++) out[head + 4 + i] = payload[i] ^ mask[i & 3];
  return out;
}

/**
 * Opens a WebSocket to `url` (`ws://host:port/path`) and resolves once the
 * server answered the upgrade with 101.
 *
 * @throws {Error} When the connection or the upgrade fails or times out.
 */
export async function openLean(
  url: string,
  options: LeanOptions,
): Promise<LeanSocket> {
  const u = new URL(url);
  const conn = await Deno.connect({
    hostname: u.hostname,
    port: Number(u.port || 80),
  });
  conn.setNoDelay(true);
  const timer = setTimeout(() => conn.close(), UPGRADE_TIMEOUT_MS);
  let buffered: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  const chunk = new Uint8Array(READ_BYTES);
  try {
    await conn.write(encoder.encode(
      `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\n` +
        "Upgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Key: ${randomKey()}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    ));
    for (;;) {
      const n = await conn.read(chunk);
      if (n === null) throw new Error(`${url}: closed during the upgrade`);
      buffered = concat(buffered, chunk.subarray(0, n));
      const end = indexOfHeaderEnd(buffered);
      if (end < 0) continue;
      const head = decoder.decode(buffered.subarray(0, end));
      if (!head.startsWith("HTTP/1.1 101")) {
        throw new Error(`${url}: ${head.split("\r\n")[0]}`);
      }
      buffered = buffered.slice(end + 4);
      break;
    }
  } catch (error) {
    try {
      conn.close();
    } catch { /* already closed */ }
    throw error instanceof Error ? error : new Error(String(error));
  } finally {
    clearTimeout(timer);
  }

  let open = true;
  const writes: Uint8Array[] = [];
  let writing = false;
  const write = (bytes: Uint8Array) => {
    writes.push(bytes);
    if (writing) return;
    writing = true;
    (async () => {
      try {
        while (writes.length > 0 && open) {
          let b = writes.shift()!;
          while (b.length > 0) b = b.subarray(await conn.write(b));
        }
      } catch { /* the read loop sees the close */ }
      writing = false;
    })();
  };
  const shut = () => {
    if (!open) return;
    open = false;
    try {
      conn.close();
    } catch { /* already closed */ }
  };

  let closeTimer: ReturnType<typeof setTimeout> | undefined;
  const closed = (async () => {
    let data = buffered;
    // The upgrade's read may already hold frames; they arrived then.
    let at = performance.now();
    try {
      for (;;) {
        for (;;) {
          if (data.length < 2) break;
          const b1 = data[1] & 0x7f;
          let head = 2;
          let len = b1;
          if (b1 === 126) {
            if (data.length < 4) break;
            len = (data[2] << 8) | data[3];
            head = 4;
          } else if (b1 === 127) {
            if (data.length < 10) break;
            len = Number(
              new DataView(data.buffer, data.byteOffset).getBigUint64(2),
            );
            head = 10;
          }
          if (data.length < head + len) break;
          const opcode = data[0] & 0x0f;
          const payload = data.subarray(head, head + len);
          if (opcode === 1 || opcode === 2) {
            options.onText(decoder.decode(payload), at);
          } else if (opcode === 8) {
            if (open) write(clientFrame(8, payload.slice(0, 2)));
            return;
          } else if (opcode === 9) write(clientFrame(10, payload.slice()));
          data = data.subarray(head + len);
        }
        if (!open) return;
        const n = await conn.read(chunk);
        if (n === null) return;
        at = performance.now();
        data = data.length === 0
          ? chunk.slice(0, n)
          : concat(data, chunk.subarray(0, n));
      }
    } catch {
      // Reset or closed locally: done.
    } finally {
      clearTimeout(closeTimer);
      shut();
    }
  })();

  return {
    send: (text) => {
      if (open) write(clientFrame(1, encoder.encode(text)));
    },
    close: () => {
      if (!open) return;
      write(clientFrame(8, new Uint8Array([0x03, 0xe8])));
      // The server answers with its close frame, then the read loop ends.
      closeTimer ??= setTimeout(shut, 2_000);
    },
    closed,
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function indexOfHeaderEnd(b: Uint8Array): number {
  for (let i = 0; i + 3 < b.length; i++) {
    if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}
