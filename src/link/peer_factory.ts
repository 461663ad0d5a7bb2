/**
 * Creates simple-peer connections with the page's ICE servers.
 *
 * @module
 */
import SimplePeer from "simple-peer";
import type { PeerLike } from "./game_link.ts";

/** Options of {@link createPeer}. */
export interface CreatePeerOptions {
  /** The phone initiates (sends the offer); the host answers. */
  initiator: boolean;
  /** ICE servers from `/config`. */
  iceServers: RTCIceServer[];
}

/** A trickle-ICE simple-peer connection, typed as a {@link PeerLike}. */
export function createPeer(options: CreatePeerOptions): PeerLike {
  return new SimplePeer({
    initiator: options.initiator,
    trickle: true,
    config: { iceServers: options.iceServers },
  }) as unknown as PeerLike;
}
