/**
 * Page weight worker: what a browser loads for the controller page (`/play/`)
 * and the host page (`/`) from a running server of ours.
 *
 * Headless Chromium (puppeteer-core) opens each page and records every HTTP
 * response it gets (WebSockets and data: URLs aside); each is fetched again
 * to count its bytes uncompressed, gzipped (CompressionStream, default
 * level) and on the wire as our server sends them to a browser that accepts
 * gzip (its Content-Length when it compresses). Without Chromium, the page's
 * HTML is parsed for scripts and stylesheets instead.
 *
 * Prints one JSON line: {@link PageWeightResult}.
 *
 * @module
 */
import { parseArgs } from "node:util";
import puppeteer from "puppeteer-core";
import { CHROMIUM_ARGS, chromiumPath } from "../../scripts/chromium.ts";

/** What Chromium sends as Accept-Encoding. */
const BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd";
/** How long a page may take to load and go quiet, in ms. */
const PAGE_TIMEOUT_MS = 30_000;

/** One page's weight. */
export interface PageWeight {
  /** Path loaded. */
  path: string;
  /** URLs counted. */
  files: string[];
  /** Sum of response bodies uncompressed, in bytes. */
  rawBytes: number;
  /** Sum of each body gzipped, in bytes. */
  gzipBytes: number;
  /** Sum of bodies as our server sends them to a gzip-accepting browser. */
  wireBytes: number;
}

/** What the worker prints. */
export interface PageWeightResult {
  /** "chromium" or "html" (how files were found). */
  method: string;
  /** The controller page (`/play/`). */
  controller?: PageWeight;
  /** The host page (`/`). */
  host?: PageWeight;
  /** Why a page could not be measured. */
  error?: string;
}

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return (await new Response(stream).arrayBuffer()).byteLength;
}

async function weigh(path: string, urls: string[]): Promise<PageWeight> {
  let rawBytes = 0;
  let gzipBytes = 0;
  let wireBytes = 0;
  for (const url of urls) {
    const response = await fetch(url, {
      headers: { "accept-encoding": BROWSER_ACCEPT_ENCODING },
    });
    // fetch decodes the body; Content-Length still tells the wire size.
    const body = new Uint8Array(await response.arrayBuffer());
    const length = Number(response.headers.get("content-length"));
    const encoded = response.headers.get("content-encoding") !== null;
    rawBytes += body.byteLength;
    gzipBytes += await gzipSize(body);
    wireBytes += encoded && Number.isFinite(length) && length > 0
      ? length
      : body.byteLength;
  }
  return {
    path,
    files: urls.map((url) => new URL(url).pathname),
    rawBytes,
    gzipBytes,
    wireBytes,
  };
}

/** Chromium's executable (`CHROMIUM_PATH` or the default), if it exists. */
/** Finds what a page loads by parsing its HTML (scripts, stylesheets). */
async function filesFromHtml(pageUrl: string): Promise<string[]> {
  const html = await (await fetch(pageUrl)).text();
  const urls = [pageUrl];
  const pattern =
    /<(?:script[^>]*\bsrc|link[^>]*\brel="(?:stylesheet|modulepreload)"[^>]*\bhref)="([^"]+)"/g;
  for (const match of html.matchAll(pattern)) {
    urls.push(new URL(match[1], pageUrl).href);
  }
  return urls;
}

/** Loads each page in Chromium and lists the HTTP responses it received. */
async function filesFromChromium(
  executablePath: string,
  pageUrls: string[],
): Promise<string[][]> {
  const userDataDir = await Deno.makeTempDir({ prefix: "pizza-bench-" });
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`],
  });
  try {
    const results: string[][] = [];
    for (const pageUrl of pageUrls) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      const seen: string[] = [];
      page.on("response", (response) => {
        const url = response.url();
        if (url.startsWith("http") && response.status() < 300) seen.push(url);
      });
      await page.goto(pageUrl, {
        waitUntil: "networkidle0",
        timeout: PAGE_TIMEOUT_MS,
      });
      results.push([...new Set(seen)]);
      await context.close();
    }
    return results;
  } finally {
    await browser.close();
    await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
  }
}

/**
 * Weighs the controller and host pages of the server at `baseUrl`.
 *
 * @param baseUrl `http://127.0.0.1:<port>`.
 * @returns Bytes per page, raw and gzipped.
 */
export async function measurePageWeight(
  baseUrl: string,
): Promise<PageWeightResult> {
  const paths = ["/play/", "/"];
  const pageUrls = paths.map((path) => `${baseUrl}${path}`);
  for (const url of pageUrls) {
    const response = await fetch(url);
    await response.body?.cancel();
    if (!response.ok) {
      return {
        method: "none",
        error:
          `not built: ${new URL(url).pathname} answers ${response.status} ` +
          "(run deno task build)",
      };
    }
  }
  const executablePath = chromiumPath();
  let method = "html";
  let files: string[][];
  if (executablePath) {
    method = "chromium";
    files = await filesFromChromium(executablePath, pageUrls);
  } else {
    files = await Promise.all(pageUrls.map(filesFromHtml));
  }
  const [controller, host] = await Promise.all(
    paths.map((path, i) => weigh(path, files[i])),
  );
  return { method, controller, host };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { url: { type: "string", default: "" } },
  });
  let result: PageWeightResult;
  try {
    result = await measurePageWeight(values.url);
  } catch (error) {
    result = { method: "none", error: String(error) };
  }
  console.log(JSON.stringify(result));
}
