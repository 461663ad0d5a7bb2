/**
 * Compile-time flags that scripts/build.ts sets with esbuild's `define`.
 * Only bundled code may read them (Deno never runs the entry files).
 *
 * @module
 */

declare global {
  /**
   * True in the bundles browser tests load: the pages then publish their
   * debug handles (`pizzaHost`, `pizzaPhone`, `pizzaGame`). False in
   * production, where esbuild drops the handles as dead code.
   */
  const PIZZA_TEST_HOOKS: boolean;
}

export {};
