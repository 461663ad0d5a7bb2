/**
 * The phone's comfort settings on the page: the dialog's switches, their
 * effect on `<body>` (`data-hand`, `data-motion`) and whether vibration is
 * on, remembered in `localStorage`.
 *
 * @module
 */
/// <reference lib="dom" />
import {
  COMFORT_KEY,
  type ComfortSettings,
  parseComfort,
} from "../../phone/comfort_settings.ts";

function byId<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`missing #${id}`);
  return found as T;
}

/** Reads the settings, applies them, and wires the dialog; returns a live view of them. */
export function bindComfortPanel(): { readonly settings: ComfortSettings } {
  const query = matchMedia("(prefers-reduced-motion: reduce)");
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(COMFORT_KEY);
  } catch {
    // Storage refused: defaults.
  }
  const state = { settings: parseComfort(stored, query.matches) };
  const dialog = byId<HTMLDialogElement>("comfort-dialog");
  const boxes: Record<keyof ComfortSettings, HTMLInputElement> = {
    leftHanded: byId("comfort-left"),
    reduceMotion: byId("comfort-motion"),
    vibration: byId("comfort-vibration"),
  };
  const apply = () => {
    const { leftHanded, reduceMotion } = state.settings;
    document.body.dataset.hand = leftHanded ? "left" : "right";
    document.body.dataset.motion = reduceMotion ? "reduce" : "full";
    for (const key of Object.keys(boxes) as (keyof ComfortSettings)[]) {
      boxes[key].checked = state.settings[key];
    }
  };
  for (const key of Object.keys(boxes) as (keyof ComfortSettings)[]) {
    boxes[key].addEventListener("change", () => {
      state.settings = { ...state.settings, [key]: boxes[key].checked };
      try {
        localStorage.setItem(COMFORT_KEY, JSON.stringify(state.settings));
      } catch {
        // Not remembered; still applied.
      }
      apply();
    });
  }
  for (const opener of document.querySelectorAll(".comfort-open")) {
    opener.addEventListener("click", () => dialog.showModal());
  }
  apply();
  return state;
}
