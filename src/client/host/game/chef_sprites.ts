/**
 * The chefs on the TV: body (bobbing while walking, see-through when away),
 * name tag with the connection dot and the carried items above it, and an
 * "OFFLINE" mark. Where tags go is `placeTags` (src/host/tag_layout.ts):
 * within one tile of the chef, never over each other, a store sign or an
 * order; smaller in a crowd. A tag over a chef fades.
 *
 * @module
 */
/// <reference lib="dom" />
import type * as Phaser from "phaser";
import {
  type GameState,
  type Player,
  WORLD_HEIGHT_PX,
  WORLD_WIDTH_PX,
} from "../../../game/mod.ts";
import { type Rect, rectsOverlap } from "../../../host/layout_rect.ts";
import { placeTags, tagRect, type TagSpot } from "../../../host/tag_layout.ts";
import { CHARACTER_SIZE, drawCharacter, type Look } from "./art.ts";
import { playerMark } from "../../../game/player_marks.ts";
import { drawMark } from "./player_mark_art.ts";
import type { LinkKind } from "./game_source.ts";
import {
  BIG,
  canvasTexture,
  FONT,
  itemTexture,
  LABEL_DEPTH,
} from "./world_look.ts";
import { tvWords } from "../tv_words.ts";

/** How much larger name tags are with the host's "large text" switch. */
const LARGE_TEXT = 1.5;
/** Alpha of a disconnected player. */
const OFFLINE_ALPHA = 0.45;
/** Alpha of a name tag over a chef. */
const FADED_TAG_ALPHA = 0.7;
/** Walk bobbing: px and speed. */
const BOB_PX = 2.5;
const BOB_PER_MS = 0.02;
/** Width of one carried item in a tag, px. */
const BAG_CELL_PX = 30 * BIG;
/** Height of the carried items row above a name, px. */
const BAG_ROW_PX = 34 * BIG;
/** A chef's body is drawn this much below its position (feet), px. */
const FEET_PX = 10;
/** Connection dot colours (a state without its own is red). */
const LINK_COLORS: Partial<Record<string, number>> = {
  p2p: 0x38d97a,
  relayed: 0xffcc4d,
  connecting: 0x9aa0b4,
  silent: 0xff9f43,
  disconnected: 0xff5a5f,
  bot: 0x8ea2ff,
};

interface Chef {
  body: Phaser.GameObjects.Image;
  label: Phaser.GameObjects.Text;
  dot: Phaser.GameObjects.Arc;
  offline: Phaser.GameObjects.Text;
  bag: Phaser.GameObjects.Image[];
  key: string;
  bagKey: string;
  labelKey: string;
  link: LinkKind | null;
}

/** Draws every chef with its name tag. */
export class ChefSprites {
  #scene: Phaser.Scene;
  #chefs = new Map<string, Chef>();
  #tags = new Map<string, Rect>();
  #layoutKey = "";
  #spots: TagSpot[] = [];

  /** @param scene the town scene. */
  constructor(scene: Phaser.Scene) {
    this.#scene = scene;
  }

  /** Where each drawn tag is this frame, by player id (floating text goes above). */
  get tags(): ReadonlyMap<string, Rect> {
    return this.#tags;
  }

  /** Where the chefs' bodies are (bubbles over them fade). */
  bodies(state: GameState): Rect[] {
    return state.players.map(bodyRect);
  }

  /**
   * Draws the chefs of `state`, with tags kept off `avoid` (store signs and
   * order bubbles); `link` tells each player's connection.
   */
  sync(
    state: GameState,
    time: number,
    avoid: readonly Rect[],
    link: (id: string) => LinkKind,
  ): void {
    const players = state.players;
    const chefs = players.map((p) => this.#chefs.get(p.id) ?? this.#make(p.id));
    players.forEach((p, i) => this.#syncLook(chefs[i], p, time, link));
    const bodies = players.map(bodyRect);
    const boxes = players.map((p, i) => {
      const { label } = chefs[i];
      const bagW = p.backpack.length * BAG_CELL_PX;
      return {
        x: p.x,
        y: p.y +
          (p.vehicleId !== null ? -20 : FEET_PX - CHARACTER_SIZE.h * BIG + 6),
        w: Math.max(label.width + 22, bagW),
        h: label.height + (p.backpack.length > 0 ? BAG_ROW_PX : 0),
        bareH: label.height,
      };
    });
    // Chefs standing still (a crowd waiting at a store) keep their layout.
    const key = JSON.stringify(
      [boxes, avoid].flat(2).flatMap((r) =>
        Object.values(r).map((v) => Math.round(v as number))
      ),
    );
    if (key !== this.#layoutKey) {
      this.#layoutKey = key;
      this.#spots = placeTags(boxes, {
        avoid,
        prefer: bodies,
        area: {
          left: 0,
          top: 0,
          right: WORLD_WIDTH_PX,
          bottom: WORLD_HEIGHT_PX,
        },
      });
    }
    const spots = this.#spots;
    this.#tags.clear();
    players.forEach((p, i) => {
      const chef = chefs[i];
      const spot = spots[i];
      const rect = tagRect(boxes[i], spot);
      const s = spot.scale;
      chef.label.setVisible(!spot.hidden).setScale(s)
        .setPosition(spot.x + 9 * s, spot.y);
      chef.dot.setVisible(!spot.hidden).setScale(s).setPosition(
        spot.x + (9 - chef.label.width / 2 - 1) * s,
        spot.y - (chef.label.height / 2) * s,
      );
      const showBag = !spot.hidden && !spot.bare;
      const n = p.backpack.length;
      const bagY = spot.y - (chef.label.height + 17 * BIG) * s;
      chef.bag.forEach((img, k) =>
        img.setVisible(showBag && k < n).setScale(0.8 * BIG * s).setPosition(
          spot.x + (k - (n - 1) / 2) * BAG_CELL_PX * s,
          bagY,
        )
      );
      if (spot.hidden) return;
      this.#tags.set(p.id, rect);
      const over = bodies.some((body) => rectsOverlap(rect, body));
      const alpha = over ? FADED_TAG_ALPHA : 1;
      chef.label.setAlpha(alpha);
      chef.dot.setAlpha(alpha);
      for (const img of chef.bag) img.setAlpha(alpha);
    });
    const seen = new Set(players.map((p) => p.id));
    for (const [id, chef] of this.#chefs) {
      if (seen.has(id)) continue;
      chef.body.destroy();
      chef.label.destroy();
      chef.dot.destroy();
      chef.offline.destroy();
      for (const img of chef.bag) img.destroy();
      this.#chefs.delete(id);
    }
  }

  /** Forgets the drawn looks, so the next frame draws every chef afresh. */
  redraw(): void {
    for (const chef of this.#chefs.values()) chef.key = "";
  }

  #syncLook(
    chef: Chef,
    p: Player,
    time: number,
    link: (id: string) => LinkKind,
  ): void {
    const look: Look = p.facing === "up"
      ? "up"
      : p.facing === "down"
      ? "down"
      : "side";
    const key = canvasTexture(
      this.#scene,
      `chef-${p.color}-${look}`,
      CHARACTER_SIZE.w,
      CHARACTER_SIZE.h,
      (ctx) => {
        drawCharacter(ctx, p.color, look);
        // The player's number on the chest: players apart without colour.
        if (look !== "up") drawMark(ctx, playerMark(p.color), 18, 33, 7);
      },
    );
    if (chef.key !== key) {
      chef.key = key;
      chef.body.setTexture(key);
    }
    chef.body.setFlipX(p.facing === "left");
    const bob = p.moving ? Math.abs(Math.sin(time * BOB_PER_MS)) * BOB_PX : 0;
    chef.body.setVisible(p.vehicleId === null);
    chef.body.setPosition(p.x, p.y + FEET_PX - bob).setDepth(p.y);
    const large = document.body.dataset.text === "large";
    const labelKey = `${p.name}|${p.color}|${large}`;
    if (chef.labelKey !== labelKey) {
      chef.labelKey = labelKey;
      chef.label.setText(`${playerMark(p.color)} ${p.name}`)
        .setBackgroundColor(darken(p.color))
        .setFontSize(Math.round(17 * BIG * (large ? LARGE_TEXT : 1)));
    }
    const source = link(p.id);
    // A silent phone pauses the round like a disconnect, under its own words.
    const state = p.connected || source === "silent" ? source : "disconnected";
    if (state !== chef.link) {
      chef.link = state;
      // Relayed is a ring, direct a filled dot: not told by colour alone.
      const color = LINK_COLORS[state] ?? LINK_COLORS.disconnected;
      chef.dot.setFillStyle(color, state === "relayed" ? 0 : 1)
        .setStrokeStyle(3, state === "relayed" ? color : 0x1b1033);
    }
    const offline = tvWords.t(
      state === "silent" ? "tag.silent" : "tag.offline",
    );
    if (chef.offline.text !== offline) chef.offline.setText(offline);
    chef.body.setAlpha(p.connected ? 1 : OFFLINE_ALPHA);
    chef.offline.setVisible(!p.connected).setPosition(p.x, p.y - 30);
    const bagKey = p.backpack.map((item) => itemTexture(this.#scene, item))
      .join(",");
    if (bagKey !== chef.bagKey) {
      chef.bagKey = bagKey;
      chef.bag.forEach((img, i) => {
        const item = p.backpack[i];
        if (item) img.setTexture(itemTexture(this.#scene, item));
      });
    }
  }

  #make(id: string): Chef {
    const scene = this.#scene;
    const body = scene.add.image(0, 0, "__DEFAULT").setOrigin(0.5, 1)
      .setScale(BIG);
    const label = scene.add.text(0, 0, "", {
      fontFamily: FONT,
      fontSize: `${Math.round(17 * BIG)}px`,
      fontStyle: "bold",
      color: "#ffffff",
      padding: { x: 6, y: 2 },
    }).setOrigin(0.5, 1).setDepth(LABEL_DEPTH);
    const dot = scene.add.circle(0, 0, 6 * BIG, LINK_COLORS.connecting ?? 0)
      .setStrokeStyle(3, 0x1b1033).setDepth(LABEL_DEPTH + 1);
    const offline = scene.add.text(0, 0, "", {
      fontFamily: FONT,
      fontSize: `${Math.round(13 * BIG)}px`,
      fontStyle: "bold",
      color: "#ffffff",
      backgroundColor: "#d62839",
      padding: { x: 4, y: 1 },
    }).setOrigin(0.5, 0.5).setDepth(LABEL_DEPTH + 2).setVisible(false);
    const bag = [0, 1, 2].map(() =>
      scene.add.image(0, 0, "__DEFAULT").setDepth(LABEL_DEPTH).setVisible(false)
    );
    const chef: Chef = {
      body,
      label,
      dot,
      offline,
      bag,
      key: "",
      bagKey: "",
      labelKey: "",
      link: null,
    };
    this.#chefs.set(id, chef);
    return chef;
  }
}

/** Where a chef's body is drawn (a little inside its canvas). */
function bodyRect(p: Player): Rect {
  const w = CHARACTER_SIZE.w * BIG * 0.8;
  const h = p.vehicleId !== null ? 30 : CHARACTER_SIZE.h * BIG * 0.9;
  return {
    left: p.x - w / 2,
    right: p.x + w / 2,
    top: p.y + FEET_PX - h,
    bottom: p.y + FEET_PX,
  };
}

/** A darker shade of a `#rrggbb` colour, for label backgrounds. */
function darken(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const f = (v: number) => Math.round(v * 0.55).toString(16).padStart(2, "0");
  return `#${f((n >> 16) & 255)}${f((n >> 8) & 255)}${f(n & 255)}`;
}
