import { ignoreWithout } from "../../_helpers/external_tools.ts";
import assert from "node:assert/strict";
import { startTestRedis } from "../../_helpers/redis_server.ts";

async function pingOk(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await conn.write(new TextEncoder().encode("PING\r\n"));
      const buffer = new Uint8Array(16);
      const n = await conn.read(buffer);
      return new TextDecoder().decode(buffer.subarray(0, n ?? 0)) ===
        "+PONG\r\n";
    } finally {
      conn.close();
    }
  } catch {
    return false;
  }
}

Deno.test({
  name:
    "startTestRedis() answers PING, stops, starts again on the same port, and closes",
  ignore: ignoreWithout("redis-server"),
  async fn() {
    const redis = await startTestRedis();
    try {
      assert.equal(redis.url, `redis://127.0.0.1:${redis.port}`);
      assert.equal(await pingOk(redis.port), true);
      await redis.stop();
      assert.equal(redis.running, false);
      assert.equal(await pingOk(redis.port), false);
      await redis.start();
      assert.equal(redis.running, true);
      assert.equal(await pingOk(redis.port), true);
    } finally {
      await redis.close();
      await redis.close();
    }
    assert.equal(await pingOk(redis.port), false);
  },
});
