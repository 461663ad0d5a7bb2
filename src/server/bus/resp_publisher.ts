/**
 * A bare Redis connection that only PUBLISHes: the room bus's hot path.
 *
 * Through ioredis under Deno, a PUBLISH round trip costs several times a
 * bare socket's (command objects, node streams, reply parser, a timer per
 * command), and its reply wakes the sender once more per batch. Here a
 * batch is one RESP write and nothing comes back: after AUTH (when the URL
 * has a password) the connection sends `CLIENT REPLY OFF`. Pub/sub delivers
 * at most once anyway; a PUBLISH that reached Redis is relayed. Claims,
 * records and counters stay on ioredis, which also tells the bus when Redis
 * is down and back.
 *
 * It connects on first use and again after any failure (a write error, or
 * the socket closed by Redis or the network); a failure makes that
 * `publish()` throw, and the bus then reports down.
 *
 * @module
 */

/** Options for {@link RespPublisher}. */
export interface RespPublisherOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. */
  url: string;
  /** AUTH with no answer after this long fails, in ms. @default 5000 */
  timeoutMs?: number;
}

/** One open socket. */
interface Link {
  conn: Deno.TcpConn | Deno.TlsConn;
  closed: boolean;
  /** Waits for the answer to AUTH (the only command answered). */
  answer?: PromiseWithResolvers<void>;
  /** The read loop, ended once the socket is closed. */
  reading?: Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** RESP for one command (arguments as text). */
export function respCommand(args: readonly string[]): string {
  let out = `*${args.length}\r\n`;
  for (const arg of args) {
    out += `$${encoder.encode(arg).length}\r\n${arg}\r\n`;
  }
  return out;
}

/**
 * PUBLISHes batches of texts over one bare socket, in order, with no
 * replies.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { respCommand } from "./resp_publisher.ts";
 * assert.equal(
 *   respCommand(["PUBLISH", "ch", "é"]),
 *   "*3\r\n$7\r\nPUBLISH\r\n$2\r\nch\r\n$2\r\né\r\n",
 * );
 * ```
 */
export class RespPublisher {
  readonly #url: URL;
  readonly #timeoutMs: number;
  #link: Promise<Link> | undefined;
  #closed = false;

  constructor(options: RespPublisherOptions) {
    this.#url = new URL(options.url);
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  /**
   * PUBLISHes each text to its channel, in order, in one write.
   * @throws Error when the socket cannot be opened or written to.
   */
  async publish(
    messages: readonly { channel: string; text: string }[],
  ): Promise<void> {
    if (this.#closed) throw new Error("publisher closed");
    let text = "";
    for (const { channel, text: payload } of messages) {
      text += respCommand(["PUBLISH", channel, payload]);
    }
    const link = await this.#connect();
    await this.#write(link, text);
  }

  /** Closes the socket. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const link = this.#link;
    this.#link = undefined;
    const open = await link?.catch(() => undefined);
    if (open === undefined) return;
    this.#fail(open, "publisher closed");
    await open.reading;
  }

  #connect(): Promise<Link> {
    if (this.#link) return this.#link;
    const link = this.#open();
    this.#link = link;
    link.catch(() => {
      if (this.#link === link) this.#link = undefined;
    });
    return link;
  }

  async #open(): Promise<Link> {
    const url = this.#url;
    const hostname = url.hostname.replace(/^\[|\]$/g, "");
    const port = Number(url.port || 6379);
    let conn: Deno.TcpConn | Deno.TlsConn;
    if (url.protocol === "rediss:") {
      conn = await Deno.connectTls({ hostname, port });
    } else {
      const tcp = await Deno.connect({ hostname, port });
      tcp.setNoDelay(true);
      conn = tcp;
    }
    const link: Link = { conn, closed: false };
    link.reading = this.#read(link);
    try {
      const password = decodeURIComponent(url.password);
      const user = decodeURIComponent(url.username);
      if (password) {
        link.answer = Promise.withResolvers<void>();
        const timer = setTimeout(
          () => this.#fail(link, `no answer to AUTH in ${this.#timeoutMs} ms`),
          this.#timeoutMs,
        );
        try {
          await this.#write(
            link,
            respCommand(user ? ["AUTH", user, password] : ["AUTH", password]),
          );
          await link.answer.promise;
        } finally {
          clearTimeout(timer);
        }
      }
      // Pub/sub channels do not depend on the database: no SELECT.
      await this.#write(link, respCommand(["CLIENT", "REPLY", "OFF"]));
    } catch (error) {
      this.#fail(link, String(error));
      throw error;
    }
    if (this.#closed) {
      this.#fail(link, "publisher closed");
      throw new Error("publisher closed");
    }
    return link;
  }

  async #write(link: Link, text: string): Promise<void> {
    if (link.closed) throw new Error("connection to Redis lost");
    const bytes = encoder.encode(text);
    let written = 0;
    try {
      while (written < bytes.length) {
        written += await link.conn.write(bytes.subarray(written));
      }
    } catch (error) {
      this.#fail(link, `write failed: ${error}`);
      throw new Error(`connection to Redis lost: ${error}`);
    }
  }

  /**
   * Reads until the socket ends: only AUTH's answer (`+OK` or `-ERR …`)
   * comes; anything else closes the socket.
   */
  async #read(link: Link): Promise<void> {
    const buffer = new Uint8Array(4_096);
    let pending = "";
    try {
      for (;;) {
        const n = await link.conn.read(buffer);
        if (n === null) break;
        pending += decoder.decode(buffer.subarray(0, n), { stream: true });
        const end = pending.indexOf("\r\n");
        if (end < 0) continue;
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        const answer = link.answer;
        link.answer = undefined;
        if (answer === undefined || pending !== "") {
          throw new Error(`unexpected answer: ${line.slice(0, 60)}`);
        }
        if (line.startsWith("+")) answer.resolve();
        else answer.reject(new Error(`Redis refused: ${line.slice(1)}`));
      }
      this.#fail(link, "connection to Redis lost");
    } catch (error) {
      this.#fail(link, `connection to Redis lost: ${error}`);
    }
  }

  #fail(link: Link, reason: string): void {
    link.answer?.reject(new Error(reason));
    link.answer = undefined;
    if (link.closed) return;
    link.closed = true;
    try {
      link.conn.close();
    } catch {
      // Already closed.
    }
    const current = this.#link;
    current?.then((open) => {
      if (open === link && this.#link === current) this.#link = undefined;
    }, () => {});
  }
}
