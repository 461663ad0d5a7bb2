/**
 * Serves files from one folder: MIME types, ETag and Last-Modified with 304s,
 * cache headers, index files, 404s, and no way out of the folder.
 *
 * @module
 */

/** Content types by file extension. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".gif": "image/gif",
  ".ico": "image/x-icon",
  ".wav": "audio/wav",
  ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
};

/** Cache policy for files whose names carry a content hash. */
const IMMUTABLE_CACHE = "public, max-age=31536000, immutable";
/** Cache policy for everything else: always revalidate (cheap with 304s). */
const REVALIDATE_CACHE = "no-cache";
/** Names with a content hash, e.g. `controller-3F2A9C1B.js`. */
const HASHED_NAME = /-[A-Z0-9]{8,}\.[a-z0-9]+$/;

/** Text-like types worth compressing. */
const COMPRESSIBLE_TYPE =
  /^(text\/|application\/(json|manifest\+json|wasm)|image\/svg\+xml)/;
/** Files smaller than this are sent as they are. */
const MIN_COMPRESS_BYTES = 1024;

/**
 * Gzipped copies of files, kept in memory and checked against each file's
 * size and modification time, so each version is compressed once.
 */
export class GzipCache {
  readonly #entries = new Map<
    string,
    { stamp: string; bytes: Uint8Array<ArrayBuffer> }
  >();
  #totalBytes = 0;

  /** @param maxBytes Largest total of cached gzipped bytes. @default 64 MiB */
  constructor(readonly maxBytes = 64 * 1024 * 1024) {}

  /** The gzipped bytes of `path` whose version is `stamp`. */
  async get(path: string, stamp: string): Promise<Uint8Array<ArrayBuffer>> {
    const cached = this.#entries.get(path);
    if (cached?.stamp === stamp) return cached.bytes;
    const file = await Deno.open(path, { read: true });
    const bytes = new Uint8Array(
      await new Response(
        file.readable.pipeThrough(new CompressionStream("gzip")),
      ).arrayBuffer(),
    );
    if (cached) this.#totalBytes -= cached.bytes.byteLength;
    this.#entries.delete(path);
    if (bytes.byteLength <= this.maxBytes) {
      while (this.#totalBytes + bytes.byteLength > this.maxBytes) {
        const [oldest, entry] = this.#entries.entries().next().value!;
        this.#entries.delete(oldest);
        this.#totalBytes -= entry.bytes.byteLength;
      }
      this.#entries.set(path, { stamp, bytes });
      this.#totalBytes += bytes.byteLength;
    }
    return bytes;
  }
}

/** Options for {@link serveStaticFile}. */
export interface StaticOptions {
  /** Absolute path of the folder to serve. */
  root: string;
  /** File served for a folder. @default "index.html" */
  indexFile?: string;
  /**
   * Where gzipped copies are kept; without one, files are sent
   * uncompressed. @default undefined
   */
  gzipCache?: GzipCache;
}

/**
 * Answers a GET or HEAD request from the files under `root`.
 *
 * @param request The request (its method and URL path are used).
 * @param options Where the files are.
 * @returns 200 with the file, 304 when the client's copy is current, 301
 * to add a folder's trailing slash, 404 when there is no such file, 405 for
 * other methods, 400 for malformed paths.
 */
export async function serveStaticFile(
  request: Request,
  options: StaticOptions,
): Promise<Response> {
  const { root, indexFile = "index.html", gzipCache } = options;
  if (request.method !== "GET" && request.method !== "HEAD") {
    return textResponse(405, "Method Not Allowed", { Allow: "GET, HEAD" });
  }
  const url = new URL(request.url);
  const relative = safeRelativePath(url.pathname);
  if (relative === undefined) return textResponse(400, "Bad Request");

  let path = relative === "" ? root : `${root}/${relative}`;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
    if (info.isDirectory) {
      if (!url.pathname.endsWith("/")) {
        // One leading slash only: "//name/" would send the browser to the
        // host "name" (an open redirect).
        const pathname = url.pathname.replace(/^\/+/, "/");
        return new Response(null, {
          status: 301,
          headers: { Location: `${pathname}/${url.search}` },
        });
      }
      path = `${path}/${indexFile}`;
      info = await Deno.stat(path);
    }
  } catch {
    return textResponse(404, "Not Found");
  }
  if (!info.isFile) return textResponse(404, "Not Found");

  // The real path must stay inside root (no symlink escapes).
  const [realRoot, realPath] = await Promise.all([
    Deno.realPath(root),
    Deno.realPath(path),
  ]);
  if (realPath !== realRoot && !realPath.startsWith(`${realRoot}/`)) {
    return textResponse(404, "Not Found");
  }

  const mtime = info.mtime?.getTime() ?? 0;
  const type = contentType(path);
  const compressible = gzipCache !== undefined &&
    COMPRESSIBLE_TYPE.test(type) && info.size >= MIN_COMPRESS_BYTES;
  const gzip = compressible && acceptsGzip(request.headers);
  const stamp = `${info.size.toString(36)}-${mtime.toString(36)}`;
  const etag = `W/"${stamp}${gzip ? "-gz" : ""}"`;
  const lastModified = new Date(Math.floor(mtime / 1000) * 1000);
  const headers = new Headers({
    "Content-Type": type,
    "ETag": etag,
    "Last-Modified": lastModified.toUTCString(),
    "Cache-Control": HASHED_NAME.test(path)
      ? IMMUTABLE_CACHE
      : REVALIDATE_CACHE,
    "X-Content-Type-Options": "nosniff",
  });
  if (compressible) headers.set("Vary", "Accept-Encoding");
  if (isNotModified(request.headers, etag, lastModified)) {
    return new Response(null, { status: 304, headers });
  }
  if (gzip) {
    const bytes = await gzipCache.get(realPath, stamp);
    headers.set("Content-Encoding", "gzip");
    headers.set("Content-Length", String(bytes.byteLength));
    return new Response(request.method === "HEAD" ? null : bytes, {
      status: 200,
      headers,
    });
  }
  headers.set("Content-Length", String(info.size));
  if (request.method === "HEAD") {
    return new Response(null, { status: 200, headers });
  }
  const file = await Deno.open(path, { read: true });
  return new Response(file.readable, { status: 200, headers });
}

/**
 * Turns a URL path into a path relative to the root, or `undefined` when it
 * is malformed or tries to leave the root.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { safeRelativePath } from "./static_files.ts";
 * assert.equal(safeRelativePath("/build/a.js"), "build/a.js");
 * assert.equal(safeRelativePath("/../etc/passwd"), undefined);
 * assert.equal(safeRelativePath("/%2e%2e/etc/passwd"), undefined);
 * ```
 */
export function safeRelativePath(pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return undefined;
  const parts: string[] = [];
  for (const part of decoded.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." || part.startsWith(".")) return undefined;
    parts.push(part);
  }
  return parts.join("/");
}

/** The Content-Type for a file path, by extension. */
export function contentType(path: string): string {
  const dot = path.lastIndexOf(".");
  const ext = dot === -1 ? "" : path.slice(dot).toLowerCase();
  return MIME_TYPES[ext] ?? "application/octet-stream";
}

/** True when Accept-Encoding allows gzip (`gzip` or `*`, q > 0). */
function acceptsGzip(headers: Headers): boolean {
  const accept = headers.get("Accept-Encoding");
  if (!accept) return false;
  return accept.split(",").some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (name !== "gzip" && name !== "*") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

function isNotModified(
  headers: Headers,
  etag: string,
  lastModified: Date,
): boolean {
  const ifNoneMatch = headers.get("If-None-Match");
  if (ifNoneMatch !== null) {
    const weak = (tag: string) => tag.trim().replace(/^W\//, "");
    return ifNoneMatch.trim() === "*" ||
      ifNoneMatch.split(",").some((tag) => weak(tag) === weak(etag));
  }
  const ifModifiedSince = headers.get("If-Modified-Since");
  if (ifModifiedSince !== null) {
    const since = Date.parse(ifModifiedSince);
    return !Number.isNaN(since) && lastModified.getTime() <= since;
  }
  return false;
}

function textResponse(
  status: number,
  text: string,
  extra: Record<string, string> = {},
): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", ...extra },
  });
}
