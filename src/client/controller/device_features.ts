/**
 * Phone extras that not every browser has: vibration, fullscreen and a
 * screen wake lock. Each degrades to nothing where unsupported.
 *
 * @module
 */
/// <reference lib="dom" />
import type { FeedbackTone } from "../../protocol/mod.ts";

/** Vibration pattern per feedback tone, in ms. */
export const VIBRATION_PATTERNS: Record<FeedbackTone, number[]> = {
  info: [30],
  good: [40, 60, 40],
  bad: [120, 80, 120],
};

/** Buzzes the phone for a feedback tone, if it can. */
export function vibrate(tone: FeedbackTone): void {
  try {
    navigator.vibrate?.(VIBRATION_PATTERNS[tone]);
  } catch {
    // Not allowed (no user gesture yet) or unsupported.
  }
}

/** True when the page can go fullscreen. */
export function canFullscreen(): boolean {
  return typeof document.documentElement.requestFullscreen === "function";
}

/** Enters fullscreen, or leaves it. */
export async function toggleFullscreen(): Promise<void> {
  try {
    if (document.fullscreenElement) await document.exitFullscreen();
    else {await document.documentElement.requestFullscreen({
        navigationUI: "hide",
      });}
  } catch {
    // Refused by the browser: nothing to do.
  }
}

/**
 * Keeps the screen on while `wanted()` is true; re-acquires the lock when
 * the page becomes visible again. Returns a function that releases it.
 */
export function keepScreenOn(wanted: () => boolean): {
  update(): void;
  release(): void;
} {
  let sentinel: WakeLockSentinel | null = null;
  let pending = false;
  const update = async () => {
    const want = wanted() && document.visibilityState === "visible";
    if (want && !sentinel && !pending && "wakeLock" in navigator) {
      pending = true;
      try {
        sentinel = await navigator.wakeLock.request("screen");
        sentinel.addEventListener("release", () => {
          sentinel = null;
        });
      } catch {
        sentinel = null;
      } finally {
        pending = false;
      }
    } else if (!want && sentinel) {
      const held = sentinel;
      sentinel = null;
      await held.release().catch(() => {});
    }
  };
  const onVisibility = () => void update();
  document.addEventListener("visibilitychange", onVisibility);
  return {
    update: () => void update(),
    release: () => {
      document.removeEventListener("visibilitychange", onVisibility);
      const held = sentinel;
      sentinel = null;
      void held?.release().catch(() => {});
    },
  };
}
