// Injected by the build (scripts/build.ts) into browser bundles: simple-peer
// and its stream dependencies expect Node's `Buffer` and `process` globals.
import { Buffer } from "buffer";
import process from "process/browser.js";

export { Buffer, process };
