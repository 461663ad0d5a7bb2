/**
 * Joins one instance's registry to the bus, both ways:
 * - as the socket's instance, it forwards a socket's frames to the owner of
 *   the socket's room (`open`, `frame`, `gone`) and carries the owner's
 *   answers back to the socket (`send`, `close`);
 * - as the owner, it gives each remote socket a {@link RemoteConnection}
 *   and feeds its frames to the registry like a local socket's.
 *
 * The registry's logic stays unchanged: it sees connections, ids and raw
 * frames, local or remote alike.
 *
 * @module
 */
import type { BusEnvelope } from "./envelope.ts";
import {
  type BusConnection,
  proxyId,
  RemoteConnection,
} from "./remote_connection.ts";
import type { RoomBus } from "./room_bus.ts";

/** The three registry methods the link calls (as `RoomRegistry` has them). */
export interface RegistryPort {
  /** A connection opened (here: a remote socket entered an owned room). */
  open(conn: BusConnection, address: string): void;
  /** One raw frame from a connection. */
  receive(connId: string, raw: unknown): void;
  /** A connection closed. */
  closed(connId: string): void;
}

/** Options for {@link BusLink}. */
export interface BusLinkOptions {
  /** This instance's bus. */
  bus: Pick<RoomBus, "instanceId" | "publish">;
  /** This instance's registry. */
  registry: RegistryPort;
  /** This instance's own sockets, by id (to deliver the owner's answers). */
  localConnection: (connId: string) => BusConnection | undefined;
}

/**
 * Both directions of cross-instance traffic for one instance.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BusLink } from "./bus_link.ts";
 * import { MemoryBusHub, MemoryRoomBus } from "./memory_room_bus.ts";
 * const hub = new MemoryBusHub();
 * const ownerBus = new MemoryRoomBus({ hub, instanceId: "owner", keepAliveMs: 0 });
 * const edgeBus = new MemoryRoomBus({ hub, instanceId: "edge", keepAliveMs: 0 });
 * const frames: unknown[] = [];
 * const owner = new BusLink({
 *   bus: ownerBus, localConnection: () => undefined,
 *   registry: { open() {}, receive: (_id, raw) => frames.push(raw), closed() {} },
 * });
 * const edge = new BusLink({
 *   bus: edgeBus, localConnection: () => undefined,
 *   registry: { open() {}, receive() {}, closed() {} },
 * });
 * await ownerBus.start((e) => owner.deliver(e));
 * await edgeBus.start((e) => edge.deliver(e));
 * await edge.forward("c1", "owner", "10.0.0.1", '{"action":"ping"}');
 * await Promise.resolve();
 * assert.deepEqual(frames, ['{"action":"ping"}']);
 * await ownerBus.close();
 * await edgeBus.close();
 * ```
 */
export class BusLink {
  readonly #bus: Pick<RoomBus, "instanceId" | "publish">;
  readonly #registry: RegistryPort;
  readonly #localConnection: (connId: string) => BusConnection | undefined;
  /** Owner side: remote sockets in owned rooms, by proxy id. */
  readonly #proxies = new Map<string, RemoteConnection>();
  /** Socket side: local sockets forwarded, and the owner each goes to. */
  readonly #forwarded = new Map<string, string>();

  constructor(options: BusLinkOptions) {
    this.#bus = options.bus;
    this.#registry = options.registry;
    this.#localConnection = options.localConnection;
  }

  /** Remote sockets this instance's registry holds now. */
  get proxyCount(): number {
    return this.#proxies.size;
  }

  /** Local sockets whose frames go to another instance now. */
  get forwardedCount(): number {
    return this.#forwarded.size;
  }

  /** The owner a local socket's frames go to, if any. */
  ownerFor(connId: string): string | undefined {
    return this.#forwarded.get(connId);
  }

  /** Owner side: the instances whose sockets this instance holds. */
  remoteInstances(): Set<string> {
    const instances = new Set<string>();
    for (const proxy of this.#proxies.values()) {
      instances.add(proxy.instanceId);
    }
    return instances;
  }

  /** Socket side: each owner this instance forwards to, with its sockets. */
  forwardedByOwner(): Map<string, string[]> {
    const byOwner = new Map<string, string[]>();
    for (const [conn, owner] of this.#forwarded) {
      const list = byOwner.get(owner);
      if (list) list.push(conn);
      else byOwner.set(owner, [conn]);
    }
    return byOwner;
  }

  /**
   * Socket side: sends one frame of a local socket to the owner of its room
   * (announcing the socket first when it is new to that owner).
   * @returns false when the bus dropped it (unreachable).
   */
  async forward(
    connId: string,
    owner: string,
    address: string,
    raw: string,
  ): Promise<boolean> {
    const from = this.#bus.instanceId;
    const current = this.#forwarded.get(connId);
    if (current !== owner) {
      if (current !== undefined) this.#gone(connId, current);
      this.#forwarded.set(connId, owner);
      // Not awaited apart: publishes leave in call order.
      void this.#bus.publish(owner, {
        kind: "open",
        from,
        conn: connId,
        address,
      });
    }
    return await this.#bus.publish(owner, {
      kind: "frame",
      from,
      conn: connId,
      raw,
    });
  }

  /**
   * Socket side: a local socket closed; its owner forgets it. Also call it
   * when a socket returns to this instance's own rooms.
   */
  socketClosed(connId: string): void {
    const owner = this.#forwarded.get(connId);
    if (owner === undefined) return;
    this.#forwarded.delete(connId);
    this.#gone(connId, owner);
  }

  /** Handles one checked envelope from this instance's channel. */
  deliver(envelope: BusEnvelope): void {
    switch (envelope.kind) {
      case "open": {
        const id = proxyId(envelope.from, envelope.conn);
        if (this.#proxies.has(id)) return;
        const proxy = new RemoteConnection(
          this.#bus,
          envelope.from,
          envelope.conn,
        );
        this.#proxies.set(id, proxy);
        this.#registry.open(proxy, envelope.address);
        return;
      }
      case "frame": {
        const id = proxyId(envelope.from, envelope.conn);
        if (this.#proxies.has(id)) this.#registry.receive(id, envelope.raw);
        return;
      }
      case "gone":
        return this.#dropProxy(proxyId(envelope.from, envelope.conn));
      case "bye":
        for (const [id, proxy] of [...this.#proxies]) {
          if (proxy.instanceId === envelope.from) this.#dropProxy(id);
        }
        return;
      case "send":
        if (this.#forwarded.get(envelope.conn) !== envelope.from) return;
        this.#localConnection(envelope.conn)?.send(envelope.msg);
        return;
      case "close":
        if (this.#forwarded.get(envelope.conn) !== envelope.from) return;
        this.#localConnection(envelope.conn)?.close(
          envelope.code,
          envelope.reason,
        );
        return;
      case "ping":
      case "pong":
        return;
    }
  }

  /**
   * This instance stops: tells every owner its forwarded sockets are gone.
   * Idempotent.
   */
  async close(): Promise<void> {
    const owners = new Set(this.#forwarded.values());
    this.#forwarded.clear();
    await Promise.all(
      [...owners].map((owner) =>
        this.#bus.publish(owner, { kind: "bye", from: this.#bus.instanceId })
      ),
    );
  }

  #gone(connId: string, owner: string): void {
    void this.#bus.publish(owner, {
      kind: "gone",
      from: this.#bus.instanceId,
      conn: connId,
    });
  }

  #dropProxy(id: string): void {
    if (!this.#proxies.delete(id)) return;
    this.#registry.closed(id);
  }
}
