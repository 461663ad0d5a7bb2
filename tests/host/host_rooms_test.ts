import assert from "node:assert/strict";
import {
  HOST_ROOMS_KEY,
  HOST_SESSION_KEY,
  HostRoomStore,
} from "../../src/host/host_rooms.ts";

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

Deno.test("HostRoomStore keeps the tab's room for a reload and every room for a new tab", () => {
  let now = 1_000;
  const local = memoryStorage();
  const session = memoryStorage();
  const tab = new HostRoomStore({ session, local, now: () => now });
  assert.equal(tab.tabRoom, null);
  tab.remember({ room: "ABCD", hostToken: "tok-a" }, 60_000);
  assert.deepEqual(tab.tabRoom, { room: "ABCD", hostToken: "tok-a" });
  // A reload: same session storage.
  const reloaded = new HostRoomStore({ session, local, now: () => now });
  assert.deepEqual(reloaded.tabRoom, { room: "ABCD", hostToken: "tok-a" });
  // Another tab hosts WXYZ; later, a new tab sees both, newest first.
  now += 5_000;
  new HostRoomStore({ session: memoryStorage(), local, now: () => now })
    .remember({ room: "WXYZ", hostToken: "tok-w" }, 30_000);
  const fresh = new HostRoomStore({
    session: memoryStorage(),
    local,
    now: () => now,
  });
  assert.equal(fresh.tabRoom, null);
  assert.deepEqual(fresh.resumable().map((r) => r.room), ["WXYZ", "ABCD"]);
  assert.equal(fresh.record("ABCD")?.hostToken, "tok-a");
});

Deno.test("HostRoomStore drops a room once its grace has passed since its tab last said so", () => {
  let now = 0;
  const local = memoryStorage();
  const tab = new HostRoomStore({
    session: memoryStorage(),
    local,
    now: () => now,
  });
  tab.remember({ room: "ABCD", hostToken: "t" }, 10_000);
  now = 9_000;
  tab.remember({ room: "ABCD", hostToken: "t" }, 10_000); // still open
  now = 19_000;
  assert.deepEqual(tab.resumable().map((r) => r.room), ["ABCD"]);
  now = 19_001;
  assert.deepEqual(tab.resumable(), []);
  assert.equal(local.data.has(HOST_ROOMS_KEY), false, "removed from storage");
});

Deno.test("HostRoomStore.forget() removes an ended room everywhere, leaveTab() only from the tab", () => {
  const local = memoryStorage();
  const session = memoryStorage();
  const store = new HostRoomStore({ session, local });
  store.remember({ room: "ABCD", hostToken: "t" }, 60_000);
  store.remember({ room: "WXYZ", hostToken: "u" }, 60_000);
  store.forget("WXYZ");
  assert.equal(store.tabRoom, null, "the tab hosted WXYZ last");
  assert.deepEqual(store.resumable().map((r) => r.room), ["ABCD"]);
  store.remember({ room: "ABCD", hostToken: "t" }, 60_000);
  store.leaveTab();
  assert.equal(store.tabRoom, null);
  assert.deepEqual(store.resumable().map((r) => r.room), ["ABCD"]);
});

Deno.test("HostRoomStore ignores corrupt entries and storage that throws", () => {
  const local = memoryStorage();
  const session = memoryStorage();
  session.setItem(HOST_SESSION_KEY, '{"room":"abcd","hostToken":"t"}');
  local.setItem(
    HOST_ROOMS_KEY,
    JSON.stringify([
      { room: "ABCD", hostToken: "t", graceMs: "soon", seenAt: 0 },
      "junk",
      { room: "WXYZ", hostToken: "u", graceMs: 60_000, seenAt: 0 },
    ]),
  );
  const store = new HostRoomStore({ session, local, now: () => 0 });
  assert.equal(store.tabRoom, null);
  assert.deepEqual(store.resumable().map((r) => r.room), ["WXYZ"]);
  const throwing = {
    getItem: (): string | null => {
      throw new Error("denied");
    },
    setItem: () => {
      throw new Error("quota");
    },
    removeItem: () => {
      throw new Error("denied");
    },
  };
  const broken = new HostRoomStore({ session: throwing, local: throwing });
  broken.remember({ room: "ABCD", hostToken: "t" }, 1);
  broken.forget("ABCD");
  assert.equal(broken.tabRoom, null);
  assert.deepEqual(broken.resumable(), []);
});
