/**
 * A WebSocket client written on raw TCP, for what a browser cannot do:
 * odd handshake headers, forged proxy headers, and never reading.
 *
 * @module
 */

/** A raw upgrade's answer, and the connection when it was upgraded. */
export interface RawUpgrade {
  /** HTTP status of the answer. */
  status: number;
  /** Answer headers, lower-cased names. */
  headers: Map<string, string>;
  /** The TCP connection (close it). */
  conn: Deno.TcpConn;
  /** Bytes read past the headers (the start of the first frames). */
  rest: Uint8Array;
}

/** A valid key (base64 of 16 bytes). */
export const GOOD_KEY = btoa("0123456789abcdef");

/**
 * Sends an upgrade request with exactly the given headers (plus Host,
 * Upgrade and Connection) and reads the answer's head.
 */
export async function rawUpgrade(
  port: number,
  headers: Record<string, string>,
  path = "/",
): Promise<RawUpgrade> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  await conn.write(new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"));
  let received = new Uint8Array(0);
  const buffer = new Uint8Array(4096);
  for (;;) {
    const text = new TextDecoder().decode(received);
    const end = text.indexOf("\r\n\r\n");
    if (end >= 0) {
      const head = text.slice(0, end).split("\r\n");
      const status = Number(head[0].split(" ")[1]);
      const map = new Map<string, string>();
      for (const line of head.slice(1)) {
        const colon = line.indexOf(":");
        map.set(
          line.slice(0, colon).trim().toLowerCase(),
          line.slice(colon + 1).trim(),
        );
      }
      const headBytes = new TextEncoder().encode(text.slice(0, end + 4))
        .length;
      return { status, headers: map, conn, rest: received.slice(headBytes) };
    }
    const n = await conn.read(buffer);
    if (n === null) {
      conn.close();
      throw new Error(`connection closed before an answer: ${text}`);
    }
    const joined = new Uint8Array(received.length + n);
    joined.set(received);
    joined.set(buffer.subarray(0, n), received.length);
    received = joined;
  }
}

/** One masked client frame (opcode 1: text, 2: binary). */
export function maskedFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const mask = [7, 1, 3, 9];
  const length = payload.length;
  const extra = length < 126 ? 0 : length < 65_536 ? 2 : 8;
  const frame = new Uint8Array(2 + extra + 4 + length);
  frame[0] = 0x80 | opcode;
  if (extra === 0) frame[1] = 0x80 | length;
  else if (extra === 2) {
    frame[1] = 0x80 | 126;
    new DataView(frame.buffer).setUint16(2, length);
  } else {
    frame[1] = 0x80 | 127;
    new DataView(frame.buffer).setBigUint64(2, BigInt(length));
  }
  frame.set(mask, 2 + extra);
  for (let i = 0; i < length; i++) {
    frame[2 + extra + 4 + i] = payload[i] ^ mask[i % 4];
  }
  return frame;
}

/** A masked text frame with `text`. */
export function textFrame(text: string): Uint8Array {
  return maskedFrame(1, new TextEncoder().encode(text));
}
