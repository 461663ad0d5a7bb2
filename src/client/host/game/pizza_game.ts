/**
 * Starts the host's Phaser game (world + HUD scenes) inside an element, with
 * the host's keys (Enter/Space/S start, R restart, B bots, M mute) and the
 * read-only `window.pizzaGame` handle for browser tests (test builds only).
 *
 * @module
 */
/// <reference lib="dom" />
import * as Phaser from "phaser";
import { WORLD_HEIGHT_PX, WORLD_WIDTH_PX } from "../../../game/mod.ts";
import type { GameSource } from "./game_source.ts";
import type { GameSnapshot, ShownText } from "../../../host/game_snapshot.ts";
import {
  chooseRenderer,
  rendererParam,
  type WebglProbe,
} from "../../../host/renderer_choice.ts";
import "../../shared/build_flags.ts";
import { HudScene } from "./hud_scene.ts";
import { SoundBoard } from "./sound_board.ts";
import { HUD_HEIGHT_PX, WorldScene } from "./world_scene.ts";

/** Keys that start the round from the lobby. */
export const START_GAME_KEYS: ReadonlySet<string> = new Set([
  "Enter",
  " ",
  "s",
  "S",
]);
/** Keys that restart after game over. */
export const RESTART_KEYS: ReadonlySet<string> = new Set(["r", "R"]);
/** Keys that add bots in the lobby. */
export const BOT_KEYS: ReadonlySet<string> = new Set(["b", "B"]);
/** Keys that pick the next difficulty (lobby and game over). */
export const DIFFICULTY_KEYS: ReadonlySet<string> = new Set(["d", "D"]);
/** Keys that flip mute. */
export const MUTE_KEYS: ReadonlySet<string> = new Set(["m", "M"]);

/** A running host game. */
export interface PizzaGame {
  /** The Phaser game. */
  phaser: Phaser.Game;
  /** Stops the game, its sound and its key handler. Safe to call twice. */
  close(): void;
}

/** Starts the game scenes in `parent`, scaled to fit. */
export function startPizzaGame(
  parent: HTMLElement,
  source: GameSource,
): PizzaGame {
  const sound = new SoundBoard(globalThis.localStorage ?? null);
  const hudScene = new HudScene(source, sound);
  const phaser = new Phaser.Game({
    type: rendererType(),
    parent,
    width: WORLD_WIDTH_PX,
    height: WORLD_HEIGHT_PX + HUD_HEIGHT_PX,
    backgroundColor: "#1b1033",
    banner: false,
    scale: { mode: Phaser.Scale.FIT, autoCenter: Phaser.Scale.CENTER_BOTH },
    scene: [new WorldScene(source, sound), hudScene],
  });
  let frames = 0;
  let fps = 0;
  let since = performance.now();
  phaser.events.on(Phaser.Core.Events.POST_STEP, () => {
    frames++;
    const now = performance.now();
    if (now - since >= 1000) {
      fps = Math.round((frames * 1000) / (now - since));
      frames = 0;
      since = now;
    }
  });
  const onKey = (event: KeyboardEvent): void => {
    if (event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
    // Typing goes to text fields; a ticked checkbox (drop-in) keeps the keys.
    if (
      event.target instanceof HTMLInputElement &&
      event.target.type !== "checkbox"
    ) return;
    // Space and Enter on a focused control work that control (keyboard use).
    if (
      (event.key === " " || event.key === "Enter") &&
      event.target instanceof Element &&
      event.target.matches("button, input, select, textarea, a[href], summary")
    ) return;
    sound.unlock();
    try {
      if (START_GAME_KEYS.has(event.key)) {
        if (event.key === " ") event.preventDefault();
        source.start();
      } else if (RESTART_KEYS.has(event.key)) source.restart();
      else if (BOT_KEYS.has(event.key)) source.fillBots();
      else if (DIFFICULTY_KEYS.has(event.key)) source.nextDifficulty();
      else if (MUTE_KEYS.has(event.key)) hudScene.toggleMute();
    } catch (error) {
      console.error("Host key failed:", error);
    }
  };
  // The parent is hidden until the room opens: fit the canvas again whenever
  // its box changes size (shown, window resized), not only on window resize.
  const fit = new ResizeObserver(() => {
    if (phaser.scale.getParentBounds()) phaser.scale.refresh();
  });
  fit.observe(parent);
  const onPointer = (): void => sound.unlock();
  addEventListener("keydown", onKey);
  addEventListener("pointerdown", onPointer);
  if (PIZZA_TEST_HOOKS) {
    globalThis.pizzaGame = {
      texts: () => visibleTexts(phaser),
      snapshot(): GameSnapshot {
        const s = source.game.state;
        return {
          phase: s.phase,
          paused: s.paused,
          seed: s.town.seed,
          difficulty: s.difficulty,
          timeLeftMs: s.timeLeftMs,
          money: s.money,
          strikes: s.strikes,
          delivered: s.delivered,
          outcome: s.outcome
            ? { won: s.outcome.won, text: s.outcome.text }
            : null,
          muted: sound.muted,
          joiningOpen: source.joiningOpen(),
          fps,
          players: s.players.map((p) => ({
            id: p.id,
            name: p.name,
            x: p.x,
            y: p.y,
            connected: p.connected,
            bot: source.game.isBot(p.id),
            link: source.link(p.id),
            backpack: p.backpack.length,
            backpackMasks: p.backpack.map((item) => item.mask),
            allergyMask: p.allergyMask,
            vip: s.vipId === p.id,
          })),
          orders: s.orders.map((o) => ({
            houseId: o.houseId,
            stage: o.stage,
            mask: o.mask,
          })),
        };
      },
    };
  }
  let closed = false;
  return {
    phaser,
    close() {
      if (closed) return;
      closed = true;
      removeEventListener("keydown", onKey);
      removeEventListener("pointerdown", onPointer);
      fit.disconnect();
      sound.close();
      phaser.destroy(true);
    },
  };
}

/**
 * Phaser renderer: `?renderer=webgl|canvas` if asked, else WebGL only on a
 * GPU (see src/host/renderer_choice.ts); a software rasteriser gets Canvas.
 */
function rendererType(): number {
  const choice = chooseRenderer(rendererParam(location.search), probeWebgl);
  return choice === "webgl" ? Phaser.WEBGL : Phaser.CANVAS;
}

/** Creates a throw-away WebGL context to see whether it is fast and whose it is. */
function probeWebgl(): WebglProbe {
  const canvas = document.createElement("canvas");
  const gl = canvas.getContext("webgl", { failIfMajorPerformanceCaveat: true });
  if (!gl) return { fast: false, renderer: "" };
  try {
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    const name = gl.getParameter(
      info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER,
    );
    return { fast: true, renderer: typeof name === "string" ? name : "" };
  } finally {
    gl.getExtension("WEBGL_lose_context")?.loseContext();
  }
}

/** Every visible text of the running scenes, with its box in game px (tests read the TV's words). */
function visibleTexts(phaser: Phaser.Game): ShownText[] {
  const out: ShownText[] = [];
  const walk = (objects: Phaser.GameObjects.GameObject[]): void => {
    for (const object of objects) {
      const shown = object as unknown as { visible?: boolean; alpha?: number };
      if (shown.visible === false || shown.alpha === 0) continue;
      if (object instanceof Phaser.GameObjects.Container) walk(object.list);
      else if (object instanceof Phaser.GameObjects.Text && object.text) {
        const box = object.getBounds();
        const scene = object.scene.sys.settings.key;
        out.push({
          scene,
          text: object.text,
          left: box.left,
          right: box.right,
          top: box.top,
          bottom: box.bottom,
        });
      }
    }
  };
  for (const scene of phaser.scene.getScenes(true)) walk(scene.children.list);
  return out;
}
