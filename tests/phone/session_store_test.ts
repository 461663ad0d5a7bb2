import assert from "node:assert/strict";
import {
  SessionStore,
  TOKEN_MAX_AGE_MS,
} from "../../src/phone/session_store.ts";

class MemoryStorage {
  #data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.#data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.#data.set(key, value);
  }
  removeItem(key: string): void {
    this.#data.delete(key);
  }
}

Deno.test("SessionStore remembers the name and the seat, and backs the token up per room and name", () => {
  let now = 1_000;
  const local = new MemoryStorage();
  const store = new SessionStore(local, new MemoryStorage(), () => now);
  store.name = "Ann";
  store.saveSeat({ room: "ABCD", name: "Ann", token: "tok-123456" });
  assert.equal(store.name, "Ann");
  assert.deepEqual(store.seat, {
    room: "ABCD",
    name: "Ann",
    token: "tok-123456",
  });
  // A new tab has empty sessionStorage but finds the token for the same room and name.
  const newTab = new SessionStore(local, new MemoryStorage(), () => now);
  assert.equal(newTab.seat, null);
  assert.equal(newTab.tokenFor("ABCD", "Ann"), "tok-123456");
  now += TOKEN_MAX_AGE_MS + 1;
  assert.equal(newTab.tokenFor("ABCD", "Ann"), undefined);
});

Deno.test("SessionStore.clearSeat() forgets the seat and its token in that room only", () => {
  const store = new SessionStore(new MemoryStorage(), new MemoryStorage());
  store.saveSeat({ room: "ABCD", name: "Ann", token: "tok-123456" });
  store.clearSeat("abcd");
  assert.equal(store.seat, null);
  assert.equal(store.tokenFor("ABCD", "Ann"), undefined);
});

Deno.test("SessionStore.clearSeat() of a failed join elsewhere keeps the tab's seat and its backup", () => {
  const local = new MemoryStorage();
  const store = new SessionStore(local, new MemoryStorage());
  // Bo was in AAAA (backup kept), then joined BBBB in this tab.
  store.saveSeat({ room: "AAAA", name: "Bo", token: "tok-a" });
  store.saveSeat({ room: "BBBB", name: "Bo", token: "tok-b" });
  // A join into the stale AAAA fails: only AAAA's seat is forgotten.
  store.clearSeat("AAAA", "Bo");
  assert.deepEqual(store.seat, { room: "BBBB", name: "Bo", token: "tok-b" });
  assert.equal(store.tokenFor("BBBB", "Bo"), "tok-b");
  assert.equal(store.tokenFor("AAAA", "Bo"), undefined);
  // A seat refused in BBBB itself goes, with its backup.
  store.clearSeat("BBBB", "Bo");
  assert.equal(store.seat, null);
  assert.equal(store.tokenFor("BBBB", "Bo"), undefined);
});

Deno.test("SessionStore ignores corrupt entries", () => {
  const session = new MemoryStorage();
  session.setItem("pizza-peers-seat", "{not json");
  const store = new SessionStore(new MemoryStorage(), session);
  assert.equal(store.seat, null);
});

Deno.test("SessionStore remembers that the how-to-play card was seen, across tabs", () => {
  const local = new MemoryStorage();
  const store = new SessionStore(local, new MemoryStorage());
  assert.equal(store.howToSeen, false);
  store.markHowToSeen();
  assert.equal(store.howToSeen, true);
  assert.equal(new SessionStore(local, new MemoryStorage()).howToSeen, true);
  assert.equal(
    new SessionStore(new MemoryStorage(), new MemoryStorage()).howToSeen,
    false,
  );
});
