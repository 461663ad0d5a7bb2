/**
 * The phone page's debug handle: a read-only picture of its state, used by
 * browser tests and handy in DevTools.
 *
 * @module
 */
import type { PlayerView } from "../protocol/mod.ts";
import type { PhoneStage } from "./phone_session.ts";
import type { AudienceScreen } from "./audience_session.ts";

/** A read-only picture of the phone's state. */
export interface PhoneSnapshot {
  /** Connection stage kind. */
  stage: PhoneStage["kind"];
  /** Final player name, once joined. */
  name: string | null;
  /** Latest view from the host. */
  view: PlayerView | null;
  /** Joystick messages sent. */
  movesSent: number;
  /** What the audience screen shows, when this phone watches. */
  audience: AudienceScreen | null;
}

declare global {
  /** Debug and test handle of the phone page. */
  var pizzaPhone: { snapshot(): PhoneSnapshot } | undefined;
}
