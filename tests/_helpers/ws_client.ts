/**
 * A WebSocket test client: sends JSON, queues what arrives, and waits for
 * the next message matching a predicate.
 *
 * @module
 */

/** A message from the server, loosely typed for assertions. */
export type Received = { type?: string; [key: string]: unknown };

/** A test client over a real WebSocket. */
export class WsClient {
  readonly socket: WebSocket;
  readonly received: Received[] = [];
  readonly #waiters: {
    predicate: (msg: Received) => boolean;
    resolve: (msg: Received) => void;
  }[] = [];
  readonly closed: Promise<CloseEvent>;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    this.closed = new Promise((resolve) =>
      socket.addEventListener("close", resolve)
    );
    socket.addEventListener("message", (event) => {
      const msg = JSON.parse(String(event.data)) as Received;
      const index = this.#waiters.findIndex((w) => w.predicate(msg));
      if (index >= 0) {
        const [waiter] = this.#waiters.splice(index, 1);
        waiter.resolve(msg);
      } else {
        this.received.push(msg);
      }
    });
  }

  /**
   * Connects to `url` (http(s) URLs are turned into ws(s)). `headers` go
   * with the upgrade (Deno's WebSocket takes them), e.g. `X-Forwarded-For`
   * to a server with `TRUST_PROXY=127.0.0.1`, so one test plays many
   * addresses.
   */
  static async connect(
    url: string,
    path = "/",
    headers?: Record<string, string>,
  ): Promise<WsClient> {
    const target = url.replace(/^http/, "ws") + path;
    const socket = headers
      ? new WebSocket(target, { headers } as unknown as string[])
      : new WebSocket(target);
    const client = new WsClient(socket);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.close();
        reject(new Error(`no WebSocket open from ${url} within 5 s`));
      }, 5_000);
      socket.addEventListener("open", () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
      socket.addEventListener(
        "error",
        () => reject(new Error(`cannot connect to ${url}`)),
        { once: true },
      );
    });
    return client;
  }

  /** Sends an object as JSON. */
  send(msg: unknown): void {
    this.socket.send(JSON.stringify(msg));
  }

  /** Sends a raw frame (string or bytes) as it is. */
  sendRaw(data: string | Uint8Array): void {
    this.socket.send(data);
  }

  /** Waits for the next message matching `predicate` (default: any). */
  next(
    predicate: (msg: Received) => boolean = () => true,
    timeoutMs = 3_000,
  ): Promise<Received> {
    const index = this.received.findIndex(predicate);
    if (index >= 0) return Promise.resolve(this.received.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (msg: Received) => {
          clearTimeout(timer);
          resolve(msg);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(
          new Error(
            `no matching message within ${timeoutMs} ms; queued: ${
              JSON.stringify(this.received).slice(0, 500)
            }`,
          ),
        );
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** Waits for the next message of a given `type`. */
  nextOfType(type: string, timeoutMs?: number): Promise<Received> {
    return this.next((msg) => msg.type === type, timeoutMs);
  }

  /** Closes the socket and waits until it is closed. */
  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
    await this.closed;
  }
}
