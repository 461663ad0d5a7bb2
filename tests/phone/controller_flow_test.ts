import assert from "node:assert/strict";
import {
  addressFor,
  checkJoinForm,
  seatToResume,
  stageEffect,
} from "../../src/phone/controller_flow.ts";

Deno.test("stageEffect() keeps a joined phone on the controller while it reconnects", () => {
  for (const kind of ["server", "joining", "peer"] as const) {
    const stage = kind === "server" ? { kind, attempt: 1 } : { kind };
    assert.equal(stageEffect(stage, false).screen, "connect", kind);
    assert.equal(stageEffect(stage, true).screen, null, kind);
  }
  const away = { kind: "hostAway", message: "The host is away" } as const;
  assert.equal(stageEffect(away, true).screen, "play");
  assert.equal(stageEffect(away, false).screen, null);
  assert.equal(
    stageEffect({ kind: "ready", path: "p2p" }, false).screen,
    "play",
  );
});

Deno.test("stageEffect() shows a phone waiting for the host's approval on the connect screen", () => {
  const waiting = {
    kind: "waitingHost",
    message: "Waiting for the host to let you back in…",
  } as const;
  assert.equal(stageEffect(waiting, false).screen, "connect");
  assert.equal(stageEffect(waiting, false).forget, false);
});

Deno.test("stageEffect() sends a refused phone back to the form with the reason, focusing the name when it was taken", () => {
  const taken = stageEffect(
    { kind: "refused", message: "That name is taken", code: "name taken" },
    false,
  );
  assert.deepEqual(taken, {
    screen: "join",
    forget: false,
    formError: "That name is taken",
    unlockJoin: true,
    focusName: true,
    clearRoom: false,
    notice: "",
  });
  const wrong = stageEffect(
    { kind: "refused", message: "No such room", code: "wrong room" },
    false,
  );
  assert.equal(wrong.focusName, false);
  const down = stageEffect({ kind: "unreachable", message: "down" }, true);
  assert.equal(down.screen, "join");
  assert.equal(down.formError, "down");
});

Deno.test("stageEffect() after a game that ended: says so calmly (no error), empties the code field, keeps the name", () => {
  const message = "This game has ended — ask the host for the new code";
  const gone = stageEffect(
    { kind: "refused", message, code: "room closed" },
    false,
  );
  assert.deepEqual(gone, {
    screen: "join",
    forget: false,
    formError: "",
    unlockJoin: true,
    focusName: false,
    clearRoom: true,
    notice: message,
  });
});

Deno.test("stageEffect() forgets the player when the game ends or the phone leaves", () => {
  const ended = stageEffect({ kind: "ended", message: "bye" }, true);
  assert.equal(ended.screen, "ended");
  assert.equal(ended.forget, true);
  const idle = stageEffect({ kind: "idle" }, true);
  assert.deepEqual([idle.screen, idle.forget, idle.unlockJoin], [
    "join",
    true,
    true,
  ]);
});

Deno.test("checkJoinForm() stays quiet about empty fields while typing, and complains on submit", () => {
  assert.deepEqual(checkJoinForm("", "", false), {
    roomError: "",
    nameError: "",
    fields: null,
  });
  const submitted = checkJoinForm("", "", true);
  assert.notEqual(submitted.roomError, "");
  assert.notEqual(submitted.nameError, "");
  assert.equal(submitted.fields, null);
  const typing = checkJoinForm("AB1", "", false);
  assert.notEqual(typing.roomError, "", "a bad code is shown while typing");
  assert.equal(typing.nameError, "");
  assert.deepEqual(checkJoinForm(" abcd ", " Ann ", true).fields, {
    room: "ABCD",
    name: "Ann",
  });
});

Deno.test("seatToResume() takes the saved seat back unless a freshly opened link names another room", () => {
  const seat = { room: "ABCD", name: "Ann", token: "t" };
  for (const restored of [true, false]) {
    assert.equal(seatToResume("", seat, restored), seat);
    assert.equal(seatToResume("abcd", seat, restored), seat);
    assert.equal(seatToResume("ABCD", null, restored), null);
  }
  assert.equal(seatToResume("WXYZ", seat, false), null, "a new link: its form");
  assert.equal(
    seatToResume("WXYZ", seat, true),
    seat,
    "a reload or a restored tab with a stale address keeps the tab's seat",
  );
});

Deno.test("addressFor() names the room the phone is in and keeps the rest of the address", () => {
  assert.equal(
    addressFor("http://h:1/play/?room=AAAA", "BBBB"),
    "/play/?room=BBBB",
  );
  assert.equal(addressFor("http://h:1/play/", "BBBB"), "/play/?room=BBBB");
  assert.equal(
    addressFor("http://h:1/play/?x=1&room=AAAA#top", null),
    "/play/?x=1#top",
  );
});
