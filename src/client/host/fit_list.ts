/**
 * Makes a list fit its box without scrolling (a TV cannot scroll): tries the
 * list's densities from roomy to tight and keeps the first at which nothing
 * overflows. The stylesheet says what each density looks like
 * (`[data-density="compact"]`, ...).
 *
 * @module
 */
/// <reference lib="dom" />

/** Densities tried, roomiest first. */
export const DENSITIES = ["roomy", "compact", "tight", "tiny"] as const;

/** Sets `list.dataset.density` to the roomiest density at which it fits. */
export function fitList(list: HTMLElement): void {
  for (const density of DENSITIES) {
    list.dataset.density = density;
    if (list.scrollHeight <= list.clientHeight + 1) return;
  }
}
