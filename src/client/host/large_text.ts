/**
 * The TV's "large text" switch (the A+ toggle over the order list): order
 * list and name tags 1.5 × larger (`<body data-text="large">`; the CSS and
 * the chef sprites read it), remembered in `localStorage`.
 *
 * @module
 */
/// <reference lib="dom" />

/** `localStorage` key of the switch. */
export const LARGE_TEXT_KEY = "pizza-peers:large-text";

/** Wires the `#large-text` toggle button (`aria-pressed`). */
export function bindLargeTextSwitch(): void {
  const box = document.getElementById("large-text");
  if (!box) return;
  const apply = (on: boolean) => {
    document.body.dataset.text = on ? "large" : "normal";
    box.setAttribute("aria-pressed", String(on));
  };
  let stored = false;
  try {
    stored = localStorage.getItem(LARGE_TEXT_KEY) === "1";
  } catch {
    // Storage refused: off.
  }
  apply(stored);
  box.addEventListener("click", () => {
    const on = box.getAttribute("aria-pressed") !== "true";
    apply(on);
    try {
      localStorage.setItem(LARGE_TEXT_KEY, on ? "1" : "0");
    } catch {
      // Not remembered; still applied.
    }
  });
}
