/**
 * Unit tests for the static file server, on a temporary folder.
 */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import {
  contentType,
  GzipCache,
  safeRelativePath,
  serveStaticFile,
} from "../../src/server/static_files.ts";

const SECRET = "TOP SECRET outside the root";

/**
 * Makes `base/root` with a few files and `base/outside` with a secret, runs
 * `fn`, then removes everything.
 */
async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const base = await Deno.makeTempDir({ prefix: "pizza_static_" });
  try {
    const root = `${base}/root`;
    const outside = `${base}/outside`;
    for (const dir of [root, outside, `${root}/build`, `${root}/empty`]) {
      await Deno.mkdir(dir, { recursive: true });
    }
    await Deno.mkdir(`${root}/sub`);
    const files: Record<string, string> = {
      "index.html": "<!doctype html><title>Pizza</title>",
      "app.js": "console.log('pizza');",
      "style.css": "body{margin:0}",
      "data.json": '{"a":1}',
      "app.js.map": "{}",
      "manifest.webmanifest": "{}",
      "notes.txt": "hello",
      "icon.svg": "<svg/>",
      "image.PNG": "png",
      "photo.jpg": "jpg",
      "ding.wav": "wav",
      "music.mp3": "mp3",
      "font.woff2": "woff2",
      "module.wasm": "wasm",
      "README": "no extension",
      "build/index.html": "<p>build</p>",
      "build/controller-3F2A9C1B.js": "export {};",
      "build/pizza-toppings.js": "export {};",
      ".env": SECRET,
      "sub/.hidden": SECRET,
    };
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(`${root}/${name}`, text);
    }
    await Deno.writeTextFile(`${outside}/secret.txt`, SECRET);
    await Deno.writeTextFile(`${outside}/index.html`, SECRET);
    await Deno.symlink(`${outside}/secret.txt`, `${root}/leak.txt`);
    await Deno.symlink(outside, `${root}/leakdir`);
    await Deno.symlink(`${root}/app.js`, `${root}/alias.js`);
    await fn(root);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

function get(path: string, headers: HeadersInit = {}, method = "GET") {
  return new Request(`http://localhost${path}`, { method, headers });
}

/** Serves `path` and returns the status, headers and body text. */
async function fetchFile(
  root: string,
  path: string,
  headers: HeadersInit = {},
  method = "GET",
) {
  const response = await serveStaticFile(get(path, headers, method), { root });
  const body = await response.text();
  return { status: response.status, headers: response.headers, body };
}

// ---------------------------------------------------------------------------
// Serving files
// ---------------------------------------------------------------------------

Deno.test("serveStaticFile() serves files with their MIME types", async () => {
  await withRoot(async (root) => {
    const expected: Record<string, string> = {
      "/index.html": "text/html; charset=utf-8",
      "/app.js": "text/javascript; charset=utf-8",
      "/style.css": "text/css; charset=utf-8",
      "/data.json": "application/json; charset=utf-8",
      "/app.js.map": "application/json; charset=utf-8",
      "/manifest.webmanifest": "application/manifest+json; charset=utf-8",
      "/notes.txt": "text/plain; charset=utf-8",
      "/icon.svg": "image/svg+xml",
      "/image.PNG": "image/png",
      "/photo.jpg": "image/jpeg",
      "/ding.wav": "audio/wav",
      "/music.mp3": "audio/mpeg",
      "/font.woff2": "font/woff2",
      "/module.wasm": "application/wasm",
      "/README": "application/octet-stream",
    };
    for (const [path, type] of Object.entries(expected)) {
      const { status, headers, body } = await fetchFile(root, path);
      assert.equal(status, 200, path);
      assert.equal(headers.get("content-type"), type, path);
      assert.equal(headers.get("x-content-type-options"), "nosniff");
      const text = await Deno.readTextFile(`${root}${path}`);
      assert.equal(body, text, path);
      assert.equal(headers.get("content-length"), String(text.length), path);
    }
  });
});

Deno.test("serveStaticFile() serves index.html for the root and for folders", async () => {
  await withRoot(async (root) => {
    let res = await fetchFile(root, "/");
    assert.equal(res.status, 200);
    assert.equal(res.body, "<!doctype html><title>Pizza</title>");
    assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
    res = await fetchFile(root, "/build/");
    assert.equal(res.status, 200);
    assert.equal(res.body, "<p>build</p>");
    res = await fetchFile(root, "/build/?v=2");
    assert.equal(res.status, 200);
  });
});

Deno.test("serveStaticFile() honours another indexFile", async () => {
  await withRoot(async (root) => {
    const response = await serveStaticFile(get("/"), {
      root,
      indexFile: "notes.txt",
    });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "hello");
  });
});

Deno.test("serveStaticFile() redirects a folder without its trailing slash with 301", async () => {
  await withRoot(async (root) => {
    let res = await fetchFile(root, "/build");
    assert.equal(res.status, 301);
    assert.equal(res.headers.get("location"), "/build/");
    assert.equal(res.body, "");
    res = await fetchFile(root, "/build?room=ABCD");
    assert.equal(res.status, 301);
    assert.equal(res.headers.get("location"), "/build/?room=ABCD");
  });
});

Deno.test("serveStaticFile() never redirects to another host", async () => {
  await withRoot(async (root) => {
    // "//build/" would be a protocol-relative URL to the host "build".
    for (const path of ["//build", "///build", "/\\build"]) {
      const res = await fetchFile(root, path);
      assert.equal(res.status, 301, path);
      const location = res.headers.get("location") ?? "";
      assert.ok(!location.startsWith("//"), `${path} -> ${location}`);
      assert.equal(
        new URL(location, "http://localhost/").host,
        "localhost",
        `${path} -> ${location}`,
      );
    }
  });
});

Deno.test("serveStaticFile() answers 404 for missing files and folders without an index", async () => {
  await withRoot(async (root) => {
    for (
      const path of ["/missing.js", "/build/missing.js", "/empty/", "/nope/"]
    ) {
      const res = await fetchFile(root, path);
      assert.equal(res.status, 404, path);
      assert.equal(
        res.headers.get("content-type"),
        "text/plain; charset=utf-8",
      );
      assert.equal(res.body, "Not Found\n");
    }
  });
});

Deno.test("serveStaticFile() answers 404 when the root has no index.html", async () => {
  const root = await Deno.makeTempDir({ prefix: "pizza_static_empty_" });
  try {
    const response = await serveStaticFile(get("/"), { root });
    assert.equal(response.status, 404);
    await response.body?.cancel();
    const missing = await serveStaticFile(get("/x"), {
      root: `${root}/does-not-exist`,
    });
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

// ---------------------------------------------------------------------------
// Caching
// ---------------------------------------------------------------------------

Deno.test("serveStaticFile() marks hashed names immutable and everything else no-cache", async () => {
  await withRoot(async (root) => {
    const cases: Record<string, string> = {
      "/build/controller-3F2A9C1B.js": "public, max-age=31536000, immutable",
      "/build/pizza-toppings.js": "no-cache",
      "/app.js": "no-cache",
      "/": "no-cache",
      "/build/": "no-cache",
    };
    for (const [path, cache] of Object.entries(cases)) {
      const { status, headers } = await fetchFile(root, path);
      assert.equal(status, 200, path);
      assert.equal(headers.get("cache-control"), cache, path);
    }
  });
});

Deno.test("serveStaticFile() sends a weak ETag and answers a matching If-None-Match with 304", async () => {
  await withRoot(async (root) => {
    const first = await fetchFile(root, "/app.js");
    const etag = first.headers.get("etag") ?? "";
    assert.match(etag, /^W\/"[0-9a-z]+-[0-9a-z]+"$/);
    // The same file gives the same tag.
    assert.equal((await fetchFile(root, "/app.js")).headers.get("etag"), etag);

    const strong = etag.slice(2);
    for (
      const header of [etag, strong, `"nope", ${etag}`, ` ${etag} `, "*"]
    ) {
      const res = await fetchFile(root, "/app.js", {
        "If-None-Match": header,
      });
      assert.equal(res.status, 304, header);
      assert.equal(res.body, "");
      assert.equal(res.headers.get("etag"), etag);
      assert.equal(res.headers.get("cache-control"), "no-cache");
      assert.equal(res.headers.get("content-length"), null);
    }
    const other = await fetchFile(root, "/app.js", {
      "If-None-Match": 'W/"other"',
    });
    assert.equal(other.status, 200);
    assert.equal(other.body, "console.log('pizza');");
  });
});

Deno.test("serveStaticFile() changes the ETag when the file changes", async () => {
  await withRoot(async (root) => {
    const before = (await fetchFile(root, "/app.js")).headers.get("etag");
    await Deno.writeTextFile(`${root}/app.js`, "console.log('pizza!!');");
    const after = (await fetchFile(root, "/app.js")).headers.get("etag");
    assert.notEqual(after, before);
    // Same size, other modification time: still a new tag.
    await Deno.utime(`${root}/app.js`, new Date(), new Date(2020, 0, 1));
    const touched = (await fetchFile(root, "/app.js")).headers.get("etag");
    assert.notEqual(touched, after);
    const res = await fetchFile(root, "/app.js", {
      "If-None-Match": before ?? "",
    });
    assert.equal(res.status, 200);
  });
});

Deno.test("serveStaticFile() sends Last-Modified and answers If-Modified-Since with 304", async () => {
  await withRoot(async (root) => {
    const mtime = new Date("2024-01-02T03:04:05.678Z");
    await Deno.utime(`${root}/style.css`, mtime, mtime);
    const first = await fetchFile(root, "/style.css");
    const lastModified = first.headers.get("last-modified");
    assert.equal(lastModified, "Tue, 02 Jan 2024 03:04:05 GMT");

    for (
      const since of [
        lastModified!,
        "Tue, 02 Jan 2024 03:04:06 GMT",
        "Wed, 01 Jan 2025 00:00:00 GMT",
      ]
    ) {
      const res = await fetchFile(root, "/style.css", {
        "If-Modified-Since": since,
      });
      assert.equal(res.status, 304, since);
      assert.equal(res.body, "");
      assert.equal(res.headers.get("last-modified"), lastModified);
    }
    for (const since of ["Tue, 02 Jan 2024 03:04:04 GMT", "not a date"]) {
      const res = await fetchFile(root, "/style.css", {
        "If-Modified-Since": since,
      });
      assert.equal(res.status, 200, since);
      assert.equal(res.body, "body{margin:0}");
    }
    // If-None-Match wins over If-Modified-Since.
    const res = await fetchFile(root, "/style.css", {
      "If-None-Match": 'W/"other"',
      "If-Modified-Since": lastModified!,
    });
    assert.equal(res.status, 200);
  });
});

// ---------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------

Deno.test("serveStaticFile() answers HEAD with the headers and no body", async () => {
  await withRoot(async (root) => {
    const response = await serveStaticFile(get("/app.js", {}, "HEAD"), {
      root,
    });
    assert.equal(response.status, 200);
    assert.equal(response.body, null);
    assert.equal(
      response.headers.get("content-type"),
      "text/javascript; charset=utf-8",
    );
    assert.equal(
      response.headers.get("content-length"),
      String("console.log('pizza');".length),
    );
    assert.ok(response.headers.get("etag"));
    const etag = response.headers.get("etag")!;
    const notModified = await serveStaticFile(
      get("/app.js", { "If-None-Match": etag }, "HEAD"),
      { root },
    );
    assert.equal(notModified.status, 304);
    assert.equal(notModified.body, null);
    const missing = await fetchFile(root, "/missing", {}, "HEAD");
    assert.equal(missing.status, 404);
  });
});

Deno.test("serveStaticFile() answers other methods with 405 and Allow", async () => {
  await withRoot(async (root) => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const res = await fetchFile(root, "/app.js", {}, method);
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get("allow"), "GET, HEAD");
    }
  });
});

// ---------------------------------------------------------------------------
// Staying inside the root
// ---------------------------------------------------------------------------

Deno.test("serveStaticFile() never serves a file outside the root or a dotfile", async () => {
  await withRoot(async (root) => {
    const cases: [string, number][] = [
      // The URL parser already resolves these, so they stay inside the root.
      ["/../outside/secret.txt", 404],
      ["/%2e%2e/outside/secret.txt", 404],
      ["/%2E%2E/%2e%2e/outside/secret.txt", 404],
      ["/..\\outside\\secret.txt", 404],
      ["//outside/secret.txt", 404],
      // Encoded separators survive the URL parser and are refused.
      ["/..%2foutside%2fsecret.txt", 400],
      ["/%2e%2e%2foutside%2fsecret.txt", 400],
      ["/build/..%2F..%2Foutside/secret.txt", 400],
      ["/..%5coutside%5csecret.txt", 400],
      ["/build%5c..%5c..%5coutside%5csecret.txt", 400],
      // NUL and broken escapes.
      ["/app.js%00.png", 400],
      ["/%00", 400],
      ["/%E0%A4%A", 400],
      ["/%", 400],
      // Dotfiles and dot-folders.
      ["/.env", 400],
      ["/%2eenv", 400],
      ["/sub/.hidden", 400],
      ["/.git/config", 400],
      // Symlinks that lead out of the root.
      ["/leak.txt", 404],
      ["/leakdir/secret.txt", 404],
      ["/leakdir/", 404],
    ];
    for (const [path, status] of cases) {
      for (const method of ["GET", "HEAD"]) {
        const res = await fetchFile(root, path, {}, method);
        assert.equal(res.status, status, `${method} ${path}`);
        assert.ok(!res.body.includes(SECRET), `${method} ${path} leaked`);
      }
    }
  });
});

Deno.test("serveStaticFile() follows a symlink that stays inside the root", async () => {
  await withRoot(async (root) => {
    const res = await fetchFile(root, "/alias.js");
    assert.equal(res.status, 200);
    assert.equal(res.body, "console.log('pizza');");
  });
});

Deno.test("serveStaticFile() serves from a root given through a symlink", async () => {
  await withRoot(async (root) => {
    const link = `${root}/../root-link`;
    await Deno.symlink(root, link);
    const res = await fetchFile(link, "/app.js");
    assert.equal(res.status, 200);
    assert.equal((await fetchFile(link, "/leak.txt")).status, 404);
  });
});

Deno.test("safeRelativePath() normalises paths and refuses ways out", () => {
  const cases: [string, string | undefined][] = [
    ["/", ""],
    ["", ""],
    ["/build/a.js", "build/a.js"],
    ["//build///a.js", "build/a.js"],
    ["/./build/./a.js", "build/a.js"],
    ["/build/", "build"],
    ["/with%20space.txt", "with space.txt"],
    ["/caf%C3%A9.png", "café.png"],
    ["/../etc/passwd", undefined],
    ["/build/../../etc", undefined],
    ["/%2e%2e/etc/passwd", undefined],
    ["/..%2fetc", undefined],
    ["/a%5cb", undefined],
    ["/a\\b", undefined],
    ["/a%00b", undefined],
    ["/.env", undefined],
    ["/build/.cache/x", undefined],
    ["/%ZZ", undefined],
  ];
  for (const [input, expected] of cases) {
    assert.equal(safeRelativePath(input), expected, input);
  }
});

Deno.test("contentType() picks the type by the last extension, in any case", () => {
  assert.equal(contentType("/a/b.HTML"), "text/html; charset=utf-8");
  assert.equal(contentType("a.min.js"), "text/javascript; charset=utf-8");
  assert.equal(contentType("archive.tar.gz"), "application/octet-stream");
  assert.equal(contentType("Makefile"), "application/octet-stream");
});

// ---------------------------------------------------------------------------
// Compression
// ---------------------------------------------------------------------------

Deno.test("serveStaticFile() gzips text files for clients that accept it, once per version", async () => {
  await withRoot(async (root) => {
    const text = "console.log('pizza');\n".repeat(200);
    await Deno.writeTextFile(`${root}/big.js`, text);
    const gzipCache = new GzipCache();
    const serve = (headers: HeadersInit = {}) =>
      serveStaticFile(get("/big.js", headers), { root, gzipCache });

    const zipped = await serve({ "Accept-Encoding": "br, gzip;q=0.8" });
    assert.equal(zipped.headers.get("content-encoding"), "gzip");
    assert.equal(zipped.headers.get("vary"), "Accept-Encoding");
    const bytes = new Uint8Array(await zipped.arrayBuffer());
    assert.equal(Number(zipped.headers.get("content-length")), bytes.length);
    assert.ok(bytes.length < text.length / 5);
    assert.equal(new TextDecoder().decode(gunzipSync(bytes)), text);
    const etag = zipped.headers.get("etag") ?? "";
    assert.match(etag, /-gz"$/);

    // The same version revalidates to 304; a plain client gets plain bytes.
    const again = await serve({
      "Accept-Encoding": "gzip",
      "If-None-Match": etag,
    });
    assert.equal(again.status, 304);
    await again.body?.cancel();
    const plain = await serve();
    assert.equal(plain.headers.get("content-encoding"), null);
    assert.equal(await plain.text(), text);
    const refused = await serve({ "Accept-Encoding": "gzip;q=0, br" });
    assert.equal(refused.headers.get("content-encoding"), null);
    await refused.body?.cancel();

    // A changed file is compressed anew.
    await Deno.writeTextFile(`${root}/big.js`, text + "// v2\n".repeat(300));
    const changed = await serve({ "Accept-Encoding": "gzip" });
    const changedText = new TextDecoder().decode(
      gunzipSync(new Uint8Array(await changed.arrayBuffer())),
    );
    assert.ok(changedText.endsWith("// v2\n"));
  });
});

Deno.test("serveStaticFile() sends small and binary files uncompressed", async () => {
  await withRoot(async (root) => {
    const gzipCache = new GzipCache();
    await Deno.writeFile(`${root}/big.png`, new Uint8Array(4096));
    for (const path of ["/app.js", "/big.png"]) {
      const response = await serveStaticFile(
        get(path, { "Accept-Encoding": "gzip" }),
        { root, gzipCache },
      );
      assert.equal(response.headers.get("content-encoding"), null, path);
      await response.body?.cancel();
    }
  });
});

Deno.test("GzipCache keeps one copy per version and evicts the oldest beyond its budget", async () => {
  await withRoot(async (root) => {
    const unzip = (bytes: Uint8Array) =>
      new TextDecoder().decode(gunzipSync(bytes));
    const one = "first version ".repeat(50);
    const two = "second version ".repeat(50);
    await Deno.writeTextFile(`${root}/a.txt`, one);
    await Deno.writeTextFile(`${root}/b.txt`, two);
    const budget = (await new GzipCache().get(`${root}/a.txt`, "x")).length +
      10;
    const cache = new GzipCache(budget);
    assert.equal(unzip(await cache.get(`${root}/a.txt`, "v1")), one);
    // Same stamp: served from memory even though the file changed on disk.
    await Deno.writeTextFile(`${root}/a.txt`, two);
    assert.equal(unzip(await cache.get(`${root}/a.txt`, "v1")), one);
    // Another file pushes a.txt out; asking again reads the disk.
    await cache.get(`${root}/b.txt`, "v1");
    assert.equal(unzip(await cache.get(`${root}/a.txt`, "v1")), two);
  });
});
