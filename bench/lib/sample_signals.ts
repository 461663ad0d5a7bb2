/**
 * Representative WebRTC signals for the synthetic join load: an offer and an
 * answer SDP as `@roamhq/wrtc` emits them for one data channel, and four
 * trickle candidates each way. Addresses are loopback.
 *
 * @module
 */

/** A WebRTC signal as simple-peer emits it. */
export interface SignalData {
  /** "offer", "answer", "candidate", "renegotiate", "transceiverRequest". */
  type?: string;
  /** Session description, for offers and answers. */
  sdp?: string;
  /** Trickle ICE candidate. */
  candidate?: {
    candidate: string;
    sdpMLineIndex: number;
    sdpMid: string;
  };
}

function sdp(kind: "offer" | "answer"): string {
  const setup = kind === "offer" ? "actpass" : "active";
  return [
    "v=0",
    "o=- 1474343225320857606 2 IN IP4 127.0.0.1",
    "s=-",
    "t=0 0",
    "a=group:BUNDLE 0",
    "a=extmap-allow-mixed",
    "a=msid-semantic: WMS",
    "m=application 54306 UDP/DTLS/SCTP webrtc-datachannel",
    "c=IN IP4 127.0.0.1",
    "a=candidate:1510613869 1 udp 2122063615 127.0.0.1 54306 typ host generation 0 network-id 3",
    "a=ice-ufrag:8Q0g",
    "a=ice-pwd:qF3oiRROofJZXzBqnONFRf7N",
    "a=ice-options:trickle",
    "a=fingerprint:sha-256 9C:B2:10:85:57:DA:FD:4B:A0:63:44:0A:5B:28:2F:B2:29:D0:89:A1:0C:F1:14:B4:50:CB:CF:EB:4B:B3:74:9B",
    `a=setup:${setup}`,
    "a=mid:0",
    "a=sctp-port:5000",
    "a=max-message-size:262144",
    "",
  ].join("\r\n");
}

/** An offer SDP of the size a data-channel-only peer sends. */
export const SAMPLE_OFFER: SignalData = { type: "offer", sdp: sdp("offer") };
/** The matching answer. */
export const SAMPLE_ANSWER: SignalData = { type: "answer", sdp: sdp("answer") };

const CANDIDATE_LINES = [
  "candidate:559267639 1 udp 2122136831 ::1 60985 typ host generation 0 ufrag 8Q0g network-id 4",
  "candidate:1510613869 1 udp 2122063615 127.0.0.1 54306 typ host generation 0 ufrag 8Q0g network-id 3",
  "candidate:1876313031 1 tcp 1518157055 ::1 48017 typ host tcptype passive generation 0 ufrag 8Q0g network-id 4",
  "candidate:344579997 1 tcp 1518083839 127.0.0.1 45483 typ host tcptype passive generation 0 ufrag 8Q0g network-id 3",
];

/** Four trickle candidates, sent each way in a join. */
export const SAMPLE_CANDIDATES: readonly SignalData[] = CANDIDATE_LINES.map((
  candidate,
) => ({
  type: "candidate",
  candidate: { candidate, sdpMLineIndex: 0, sdpMid: "0" },
}));

/** Addresses that stay on this machine. */
const LOOPBACK_ADDRESS = / (127\.\d+\.\d+\.\d+|::1) \d+ typ /;

/**
 * Keeps WebRTC traffic on loopback: drops trickle candidates and SDP
 * candidate lines whose address is not 127.0.0.0/8 or ::1. Returns undefined
 * for a candidate to drop.
 *
 * @param data A signal simple-peer emitted.
 * @returns The signal to send, or undefined to drop it.
 */
export function loopbackOnly(data: SignalData): SignalData | undefined {
  if (data.candidate) {
    return LOOPBACK_ADDRESS.test(` ${data.candidate.candidate}`)
      ? data
      : undefined;
  }
  if (data.sdp) {
    const lines = data.sdp.split("\r\n").filter((line) =>
      !line.startsWith("a=candidate:") || LOOPBACK_ADDRESS.test(line)
    );
    return { ...data, sdp: lines.join("\r\n") };
  }
  return data;
}
