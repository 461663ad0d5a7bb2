/**
 * Key-value storage that never throws: a browser in private mode, with a
 * full quota or with storage switched off throws from every call, and a
 * page must then simply forget. The storage is passed in (the pages give
 * `localStorage` or `sessionStorage`; tests give a map), so nothing here
 * touches the DOM.
 *
 * @module
 */

/** The part of the Web Storage API the pages use. */
export type KeyValue = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/**
 * The value under `key`, or null when there is none or storage throws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { safeGet, safeSet } from "./safe_storage.ts";
 * const broken = {
 *   getItem(): string | null { throw new Error("denied"); },
 *   setItem(): void { throw new Error("denied"); },
 *   removeItem(): void { throw new Error("denied"); },
 * };
 * safeSet(broken, "name", "Ann"); // forgotten, not thrown
 * assert.equal(safeGet(broken, "name"), null);
 * ```
 */
export function safeGet(storage: KeyValue, key: string): string | null {
  try {
    return storage.getItem(key);
  } catch {
    return null;
  }
}

/** Stores `value` under `key`; a storage that throws forgets it. */
export function safeSet(storage: KeyValue, key: string, value: string): void {
  try {
    storage.setItem(key, value);
  } catch {
    // Private mode or full: the page just forgets.
  }
}

/** Removes `key`; a storage that throws has nothing to forget. */
export function safeRemove(storage: KeyValue, key: string): void {
  try {
    storage.removeItem(key);
  } catch {
    // Nothing to forget.
  }
}

/** The JSON value under `key`, or null when missing, unreadable or not JSON. */
export function readJson(storage: KeyValue, key: string): unknown {
  const raw = safeGet(storage, key);
  if (!raw) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
