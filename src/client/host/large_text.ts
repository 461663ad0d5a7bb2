/**
 * The TV's "large text" switch: order list and name tags 1.5 × larger
 * (`<body data-text="large">`; the CSS and the world scene read it),
 * remembered in `localStorage`.
 *
 * @module
 */
/// <reference lib="dom" />

/** `localStorage` key of the switch. */
export const LARGE_TEXT_KEY = "pizza-peers:large-text";

/** Wires the `#large-text` checkbox. */
export function bindLargeTextSwitch(): void {
  const box = document.getElementById("large-text") as HTMLInputElement | null;
  if (!box) return;
  const apply = (on: boolean) => {
    document.body.dataset.text = on ? "large" : "normal";
    box.checked = on;
  };
  let stored = false;
  try {
    stored = localStorage.getItem(LARGE_TEXT_KEY) === "1";
  } catch {
    // Storage refused: off.
  }
  apply(stored);
  box.addEventListener("change", () => {
    apply(box.checked);
    try {
      localStorage.setItem(LARGE_TEXT_KEY, box.checked ? "1" : "0");
    } catch {
      // Not remembered; still applied.
    }
  });
}
