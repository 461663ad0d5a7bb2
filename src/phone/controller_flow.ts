/**
 * The phone page's policy, without a DOM: which screen a connection stage
 * shows, what the join form says about its fields, and whether a page load
 * takes its seat back. The page's entry file only wires these to the view.
 *
 * @module
 */
import { checkName, checkRoomCode } from "./join_validation.ts";
import type { PhoneStage } from "./phone_session.ts";
import type { Seat } from "./session_store.ts";

/** The phone page's screens. */
export type Screen = "join" | "connect" | "play" | "ended";

/** What a stage does to the page. */
export interface StageEffect {
  /** Screen to show, or null to stay on the current one. */
  screen: Screen | null;
  /** The joined player is gone (the page forgets its name). */
  forget: boolean;
  /** Error line of the join form, or null to leave it. */
  formError: string | null;
  /** Re-enable the join button. */
  unlockJoin: boolean;
  /** Focus the name field (the name was taken). */
  focusName: boolean;
  /**
   * Empty the code field and put the cursor there (the game is gone: a new
   * code is needed; the name stays).
   */
  clearRoom: boolean;
  /** A calm line over the join form (not an error), or null to leave it. */
  notice: string | null;
}

const NOTHING: StageEffect = {
  screen: null,
  forget: false,
  formError: null,
  unlockJoin: false,
  focusName: false,
  clearRoom: false,
  notice: null,
};

/**
 * What the page does on a connection stage. `joined` says whether the phone
 * has a player (it stays on the controller while reconnecting).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stageEffect } from "./controller_flow.ts";
 * assert.equal(stageEffect({ kind: "peer" }, false).screen, "connect");
 * assert.equal(stageEffect({ kind: "peer" }, true).screen, null);
 * ```
 */
export function stageEffect(stage: PhoneStage, joined: boolean): StageEffect {
  switch (stage.kind) {
    case "server":
    case "joining":
    case "waitingHost":
    case "peer":
      return { ...NOTHING, screen: joined ? null : "connect" };
    case "ready":
      return { ...NOTHING, screen: "play" };
    case "hostAway":
      return { ...NOTHING, screen: joined ? "play" : null };
    case "refused":
      if (stage.code === "room closed") {
        // Not the player's mistake: said calmly, ready for the new code.
        return {
          ...NOTHING,
          screen: "join",
          formError: "",
          unlockJoin: true,
          clearRoom: true,
          notice: stage.message,
        };
      }
      return {
        ...NOTHING,
        screen: "join",
        formError: stage.message,
        unlockJoin: true,
        focusName: stage.code === "name taken",
        notice: "",
      };
    case "unreachable":
      return {
        ...NOTHING,
        screen: "join",
        formError: stage.message,
        unlockJoin: true,
        notice: "",
      };
    case "ended":
      return { ...NOTHING, screen: "ended", forget: true };
    case "idle":
      return { ...NOTHING, screen: "join", forget: true, unlockJoin: true };
  }
}

/** The join form's verdict: a message per field, and the values when valid. */
export interface JoinFormCheck {
  /** Message under the room field ("" when fine or not shown yet). */
  roomError: string;
  /** Message under the name field. */
  nameError: string;
  /** The cleaned values, when both are valid. */
  fields: { room: string; name: string } | null;
}

/**
 * Checks the join form. Empty fields are only complained about when
 * `showEmpty` (on submit), not while the player is still typing.
 */
export function checkJoinForm(
  roomText: string,
  nameText: string,
  showEmpty: boolean,
): JoinFormCheck {
  const room = checkRoomCode(roomText);
  const name = checkName(nameText);
  const roomShown = showEmpty || roomText.trim() !== "";
  const nameShown = showEmpty || nameText.trim() !== "";
  return {
    roomError: room.ok || !roomShown ? "" : room.message,
    nameError: name.ok || !nameShown ? "" : name.message,
    fields: room.ok && name.ok ? { room: room.value, name: name.value } : null,
  };
}

/**
 * The seat a page load takes back. The tab's saved seat, when the link names
 * no room or the same room. When the link names another room, the seat is
 * still taken back if the page was restored (`restored`: a reload, a tab the
 * browser brought back, history), as the address is then stale; a link
 * freshly opened in this tab (`restored` false) shows the join form for its
 * room instead, and the seat stays saved.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seatToResume } from "./controller_flow.ts";
 * const seat = { room: "BBBB", name: "Bo", token: "t" };
 * assert.equal(seatToResume("AAAA", seat, true), seat);
 * assert.equal(seatToResume("AAAA", seat, false), null);
 * ```
 */
export function seatToResume(
  linkRoom: string,
  seat: Seat | null,
  restored: boolean,
): Seat | null {
  if (!seat) return null;
  if (!linkRoom || linkRoom.toUpperCase() === seat.room) return seat;
  return restored ? seat : null;
}

/**
 * The phone page's address for `room` (the room it is in, or none): the
 * same page with `?room=CODE`, other query parameters kept.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { addressFor } from "./controller_flow.ts";
 * assert.equal(
 *   addressFor("http://x/play/?room=AAAA&debug=1", "BBBB"),
 *   "/play/?room=BBBB&debug=1",
 * );
 * assert.equal(addressFor("http://x/play/?room=AAAA", null), "/play/");
 * ```
 */
export function addressFor(href: string, room: string | null): string {
  const url = new URL(href);
  if (room) url.searchParams.set("room", room);
  else url.searchParams.delete("room");
  return url.pathname + url.search + url.hash;
}
