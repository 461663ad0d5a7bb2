/**
 * The server behind a real nginx configured with the site block of
 * docs/DEPLOYING.md (TLS with a throwaway certificate, free ports, its own
 * temp folder): WebSockets with the page's Origin create a room, join, relay
 * both ways and reconnect with a token through it, and Chromium plays a join
 * and a phone reload through it. With TRUST_PROXY unset, the same upgrade is
 * refused (403), as nginx's default Host is the upstream's.
 */
/// <reference lib="dom" />
import assert from "node:assert/strict";
// @ts-types="@types/ws"
import WebSocket from "ws";
import { ignoreWithout, requireTool } from "../_helpers/external_tools.ts";
import {
  type ServerProcess,
  startServerProcess,
  waitUntil,
} from "../_helpers/server_process.ts";
import { ensureBuilt, TEST_STATIC_DIR } from "../e2e/test_server.ts";
import { launchChromium } from "../e2e/chromium.ts";
import {
  joinThroughPages,
  waitConnected,
  waitPlaying,
} from "../e2e/dom_join.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
/** How long one step may take on a busy machine, in ms. */
const STEP_MS = 20_000;

/** The nginx site block of docs/DEPLOYING.md, as written there. */
async function documentedSite(): Promise<string> {
  const doc = await Deno.readTextFile(`${ROOT}docs/DEPLOYING.md`);
  const block = doc.match(/```nginx\n([\s\S]*?)```/);
  assert.ok(block, "docs/DEPLOYING.md has no nginx block");
  return block[1];
}

/** A free TCP port on 127.0.0.1. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** A real nginx in front of `upstreamPort`, from the documented site block. */
interface Proxy extends AsyncDisposable {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  /** The CA that signed the certificate it serves (for 127.0.0.1). */
  readonly cert: string;
}

async function startNginx(dir: string, upstreamPort: number): Promise<Proxy> {
  const nginx = requireTool("nginx");
  // A throwaway CA, and a certificate for 127.0.0.1 signed by it.
  const openssl = async (args: string[]) => {
    const result = await new Deno.Command("openssl", {
      args,
      cwd: dir,
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.ok(result.success, new TextDecoder().decode(result.stderr));
  };
  const key = ["-newkey", "rsa:2048", "-nodes", "-days", "1"];
  await openssl([
    "req",
    "-x509",
    ...key,
    "-subj",
    "/CN=Test CA",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
  ]);
  await openssl([
    "req",
    "-x509",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    ...key,
    "-subj",
    "/CN=127.0.0.1",
    "-addext",
    "subjectAltName=IP:127.0.0.1",
    "-addext",
    "basicConstraints=CA:FALSE",
    "-keyout",
    "key.pem",
    "-out",
    "cert.pem",
  ]);
  const httpsPort = freePort();
  const httpPort = freePort();
  const site = (await documentedSite())
    .replace("server 127.0.0.1:8888;", `server 127.0.0.1:${upstreamPort};`)
    .replace("listen 443 ssl;", `listen 127.0.0.1:${httpsPort} ssl;`)
    .replace("listen 80;", `listen 127.0.0.1:${httpPort};`)
    .replace(/^\s*listen \[::\]:\d+( ssl)?;\n/gm, "")
    .replace(
      "/etc/letsencrypt/live/pizza.example.org/fullchain.pem",
      `${dir}/cert.pem`,
    )
    .replace(
      "/etc/letsencrypt/live/pizza.example.org/privkey.pem",
      `${dir}/key.pem`,
    );
  assert.ok(site.includes(`${dir}/cert.pem`) && site.includes(`${httpsPort}`));
  for (const temp of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) {
    await Deno.mkdir(`${dir}/${temp}`);
  }
  await Deno.writeTextFile(
    `${dir}/nginx.conf`,
    [
      ...(Deno.uid() === 0 ? ["user root;"] : []),
      "worker_processes 1;",
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      "events { worker_connections 256; }",
      "http {",
      "    access_log off;",
      `    client_body_temp_path ${dir}/body;`,
      `    proxy_temp_path ${dir}/proxy;`,
      `    fastcgi_temp_path ${dir}/fastcgi;`,
      `    uwsgi_temp_path ${dir}/uwsgi;`,
      `    scgi_temp_path ${dir}/scgi;`,
      site,
      "}",
      "",
    ].join("\n"),
  );
  const child = new Deno.Command(nginx, {
    args: [
      "-p",
      dir,
      "-c",
      `${dir}/nginx.conf`,
      "-e",
      `${dir}/error.log`,
      "-g",
      "daemon off;",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const cert = await Deno.readTextFile(`${dir}/ca.pem`);
  const client = Deno.createHttpClient({ caCerts: [cert] });
  const url = `https://127.0.0.1:${httpsPort}`;
  const stop = async () => {
    client.close();
    if (!exited) child.kill("SIGQUIT");
    await status;
    await stderr;
  };
  try {
    await waitUntil("nginx answers /healthz", async () => {
      if (exited) throw new Error(`nginx exited: ${await stderr}`);
      try {
        const response = await fetch(`${url}/healthz`, { client });
        await response.body?.cancel();
        return response.status === 200 || undefined;
      } catch {
        return undefined;
      }
    });
    // Plain HTTP is sent to HTTPS.
    const redirect = await fetch(`http://127.0.0.1:${httpPort}/play/`, {
      redirect: "manual",
    });
    await redirect.body?.cancel();
    assert.equal(redirect.status, 301);
  } catch (error) {
    await stop();
    const log = await Deno.readTextFile(`${dir}/error.log`).catch(() => "");
    throw new Error(`${error}\nnginx's error log:\n${log}`);
  }
  return { url, cert, [Symbol.asyncDispose]: stop };
}

/** A signaling socket through the proxy, as the page at `origin` opens it. */
class ProxiedSocket {
  readonly received: Record<string, unknown>[] = [];
  readonly closed: Promise<void>;
  #socket: WebSocket;
  #waiters = new Set<() => void>();

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on("message", (data: WebSocket.RawData) => {
      this.received.push(JSON.parse(data.toString()));
      for (const wake of this.#waiters) wake();
    });
    this.closed = new Promise((resolve) => socket.on("close", () => resolve()));
  }

  /** Opens a socket; rejects with the HTTP status when the upgrade is refused. */
  static open(proxy: Proxy, origin = proxy.url): Promise<ProxiedSocket> {
    const socket = new WebSocket(`${proxy.url.replace("https", "wss")}/`, {
      ca: proxy.cert,
      origin,
      perMessageDeflate: false,
    });
    return new Promise((resolve, reject) => {
      socket.on("open", () => resolve(new ProxiedSocket(socket)));
      socket.on(
        "unexpected-response",
        (_request, response) => {
          socket.terminate();
          reject(new Error(`upgrade refused: ${response.statusCode}`));
        },
      );
      socket.on("error", reject);
    });
  }

  send(message: Record<string, unknown>): void {
    this.#socket.send(JSON.stringify(message));
  }

  /** The first message of `type` not taken yet (removes it). */
  async take(type: string): Promise<Record<string, unknown>> {
    const deadline = Date.now() + STEP_MS;
    for (;;) {
      const index = this.received.findIndex((m) => m.type === type);
      if (index >= 0) return this.received.splice(index, 1)[0];
      const error = this.received.find((m) => m.type === "error");
      if (error) {
        throw new Error(`error instead of ${type}: ${JSON.stringify(error)}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} within ${STEP_MS} ms`);
      const { promise, resolve } = Promise.withResolvers<void>();
      const timer = setTimeout(resolve, left);
      this.#waiters.add(resolve);
      await promise;
      clearTimeout(timer);
      this.#waiters.delete(resolve);
    }
  }

  async close(): Promise<void> {
    if (this.#socket.readyState !== WebSocket.CLOSED) this.#socket.close();
    await this.closed;
  }
}

async function withUpstream(
  env: Record<string, string>,
  fn: (server: ServerProcess, dir: string) => Promise<void>,
): Promise<void> {
  await ensureBuilt();
  const dir = await Deno.makeTempDir({ prefix: "pizza-nginx-" });
  try {
    await using server = await startServerProcess({
      env: { STATIC_DIR: TEST_STATIC_DIR, ...env },
    });
    await fn(server, dir);
    await server.stop();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name:
    "behind nginx configured as docs/DEPLOYING.md says, with TRUST_PROXY: a join, relays both ways and a reconnect by token through real WebSockets, and Chromium joins and reloads a phone",
  ignore: ignoreWithout("nginx"),
  async fn(t) {
    // STUN off: tests talk to 127.0.0.1 only (behind a proxy it is on by default).
    await withUpstream(
      { TRUST_PROXY: "127.0.0.1", STUN_URLS: "none" },
      async (server, dir) => {
        await using proxy = await startNginx(dir, server.port);
        const sockets: ProxiedSocket[] = [];
        const open = async () => {
          const socket = await ProxiedSocket.open(proxy);
          sockets.push(socket);
          return socket;
        };
        try {
          const host = await open();
          host.send({ action: "createRoom" });
          const room = String((await host.take("confirmRoom")).room);
          const player = await open();
          player.send({
            action: "joinRoom",
            room,
            username: "Ann",
            offer: { type: "offer", sdp: "v=0" },
            keepsToken: true,
          });
          const joined = await player.take("joined");
          assert.equal(joined.username, "Ann");
          assert.equal((await host.take("playerJoined")).clientUsername, "Ann");
          const offer = await host.take("offer");
          assert.equal(offer.clientUsername, "Ann");
          host.send({
            action: "offerResponse",
            clientUsername: "Ann",
            response: { type: "answer", sdp: "v=0" },
          });
          assert.equal((await player.take("answer")).sdp, "v=0");
          // Relay both ways.
          player.send({ action: "relay", data: { t: "ping", id: 1 } });
          const up = await host.take("relay");
          assert.deepEqual([up.clientUsername, up.data], ["Ann", {
            t: "ping",
            id: 1,
          }]);
          host.send({
            action: "relay",
            clientUsername: "Ann",
            data: { t: "pong", id: 1 },
          });
          assert.deepEqual((await player.take("relay")).data, {
            t: "pong",
            id: 1,
          });
          // The phone's connection drops; it comes back with its token.
          await player.close();
          assert.equal((await host.take("playerLeft")).reason, "disconnected");
          const again = await open();
          again.send({
            action: "joinRoom",
            room,
            username: "Ann",
            reconnectToken: joined.reconnectToken,
          });
          const back = await again.take("joined");
          assert.equal(back.reconnected, true);
          assert.equal((await host.take("playerJoined")).reconnected, true);
          again.send({ action: "relay", data: { t: "ping", id: 2 } });
          assert.deepEqual((await host.take("relay")).data, {
            t: "ping",
            id: 2,
          });
          // Another site's page is still refused through the proxy.
          await assert.rejects(
            ProxiedSocket.open(proxy, "https://evil.example"),
            /upgrade refused: 403/,
          );
        } finally {
          for (const socket of sockets) await socket.close();
        }

        await t.step({
          name:
            "Chromium creates a game through nginx, a phone joins, reloads and is back",
          ignore: ignoreWithout("chromium"),
          async fn() {
            const browser = await launchChromium();
            try {
              const cdp = await browser.browser.target().createCDPSession();
              await cdp.send("Security.setIgnoreCertificateErrors", {
                ignore: true,
              });
              const { host, phone } = await joinThroughPages(
                browser.browser,
                proxy.url,
              );
              await phone.reload({ waitUntil: "load" });
              await waitPlaying(phone);
              await waitConnected(host, "Ann");
              assert.equal((await host.$$("#players li.player")).length, 1);
            } finally {
              await browser.close();
            }
          },
        });
      },
    );
  },
});

Deno.test({
  name:
    "behind nginx without TRUST_PROXY, the page's upgrade is refused (403): nginx sends the upstream's Host",
  ignore: ignoreWithout("nginx"),
  async fn() {
    await withUpstream({}, async (server, dir) => {
      await using proxy = await startNginx(dir, server.port);
      await assert.rejects(ProxiedSocket.open(proxy), /upgrade refused: 403/);
      const log = await waitUntil(
        "the refusal is logged",
        () =>
          Promise.resolve(/origin refused/.test(server.output()) || undefined),
      );
      assert.ok(log);
    });
  },
});
