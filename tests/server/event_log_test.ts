import assert from "node:assert/strict";
import {
  EventLog,
  formatEvent,
  LOG_FLUSH_MS,
  LOG_MAX_BATCH,
} from "../../src/server/event_log.ts";

Deno.test("formatEvent() writes time, event and quoted fields, never more", () => {
  assert.equal(
    formatEvent(
      { event: "error", conn: "c7", detail: "bad json" },
      Date.UTC(2026, 10, 27, 12),
    ),
    '2026-11-27T12:00:00.000Z error conn="c7" detail="bad json"',
  );
  // A name with quotes or a newline cannot break the line apart.
  const line = formatEvent({ event: "player joined", username: 'A"\nB' }, 0);
  assert.equal(line.split("\n").length, 1);
});

Deno.test("EventLog writes events together once per flush interval", async () => {
  const written: string[] = [];
  const log = new EventLog((text) => written.push(text));
  try {
    log.add({ event: "connection opened", conn: "c1" });
    log.add({ event: "room created", room: "ABCD", conn: "c1" });
    assert.deepEqual(written, []);
    await new Promise((resolve) => setTimeout(resolve, LOG_FLUSH_MS + 50));
    assert.equal(written.length, 1);
    assert.match(written[0], /connection opened conn="c1"\n.*room created/);
  } finally {
    log.close();
  }
});

Deno.test("EventLog writes at once when a batch is full, and close() writes the rest", () => {
  const written: string[] = [];
  const log = new EventLog((text) => written.push(text));
  for (let i = 0; i < LOG_MAX_BATCH + 3; i++) log.add({ event: `e${i}` });
  assert.equal(written.length, 1);
  assert.equal(written[0].split("\n").length, LOG_MAX_BATCH);
  log.close();
  log.close();
  assert.equal(written.length, 2);
  assert.equal(written[1].split("\n").length, 3);
  log.add({ event: "after close" });
  log.flush();
  assert.equal(written.length, 2);
});
