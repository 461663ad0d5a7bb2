/**
 * The Phaser scene that draws the town and everything in it from the engine
 * state: ground (one texture per town), buildings, trees, kitchen walls,
 * tables and ovens with their items and heat, houses' order bubbles, cars,
 * players with names and connection dots, and floating texts. Display objects
 * are made once and only moved or re-textured when what they show changes.
 *
 * @module
 */
/// <reference lib="dom" />
import * as Phaser from "phaser";
import {
  BAKED_HEAT,
  type GameEvent,
  type GameState,
  type HouseStatus,
  houseStatuses,
  INGREDIENTS,
  type Item,
  TILE_SIZE_PX,
  TileKind,
  type Town,
  WORLD_HEIGHT_PX,
  WORLD_WIDTH_PX,
} from "../../../game/mod.ts";
import {
  CAR_COLORS,
  CAR_SIZE,
  CHARACTER_SIZE,
  drawCar,
  drawCharacter,
  drawGround,
  drawHourglass,
  drawHouse,
  drawIngredient,
  drawItem,
  drawOven,
  drawStore,
  drawTable,
  drawTree,
  drawWall,
  type ItemLook,
  LIFT_PX,
  type Look,
  type Side,
} from "./art.ts";
import type { GameSource, LinkKind } from "./game_source.ts";
import type { SoundBoard } from "./sound_board.ts";
import { placeTags } from "../../../host/tag_layout.ts";
import { playerMark } from "../../../game/player_marks.ts";
import { drawMark } from "./player_mark_art.ts";

/** Key of this scene. */
export const WORLD_SCENE_KEY = "world";
/** Height of the HUD band above the world, in canvas px. */
export const HUD_HEIGHT_PX = 84;
/** Depth of labels, bubbles and floating text (above every world object). */
const LABEL_DEPTH = 1_000_000;
/** Alpha of a building or tree standing in front of a player. */
const SEE_THROUGH_ALPHA = 0.4;
/** Alpha of a disconnected player. */
const OFFLINE_ALPHA = 0.45;
/** Floating text: how far it rises, px, and for how long, ms. */
const FLOAT_RISE_PX = 46;
const FLOAT_MS = 1_400;
/** Walk bobbing: px and speed. */
const BOB_PX = 2.5;
const BOB_PER_MS = 0.02;
/** Radius of item icons on tables and ovens, px. */
const ITEM_RADIUS_PX = 11;
/**
 * Players, name tags, carried items and bubbles are drawn this much larger
 * than the town's tiles, so they read from a sofa 3 m from a TV.
 */
const BIG = 1.5;
/** How much larger name tags are with the host's "large text" switch. */
const LARGE_TEXT = 1.5;
/** Size of one ingredient cell inside an order bubble, px (before {@link BIG}). */
const BUBBLE_CELL_PX = 30;
/** Height of an order bubble's box and tail, px (before {@link BIG}). */
const BUBBLE_BOX_PX = 38;
const BUBBLE_TAIL_PX = 10;
/** Confetti pieces per delivery. */
const CONFETTI_PIECES = 36;
/** Confetti colours. */
const CONFETTI_COLORS = [
  0xffb703,
  0xfb5607,
  0x38d97a,
  0x3d7dd8,
  0xff5a5f,
  0xffffff,
];
/** Connection dot colours. */
const LINK_COLORS: Record<LinkKind, number> = {
  p2p: 0x38d97a,
  relayed: 0xffcc4d,
  connecting: 0x9aa0b4,
  silent: 0xff9f43,
  disconnected: 0xff5a5f,
  bot: 0x8ea2ff,
};
/** Tone colours of floating text. */
const TONE_COLORS = {
  info: "#ffffff",
  good: "#7dffb0",
  bad: "#ff7a7f",
} as const;
/** Font of labels. */
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

const T = TILE_SIZE_PX;

/** Two tags this close (px) count as one stack for floating messages. */
const STACK_GAP_PX = 8;

/** Where a player's name tag (with its carried items) was drawn. */
interface TagArea {
  x: number;
  top: number;
  bottom: number;
  w: number;
}

interface Occluder {
  image: Phaser.GameObjects.Image;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

interface PlayerSprite {
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

interface StationSprite {
  item: Phaser.GameObjects.Image;
  base: Phaser.GameObjects.Image;
  heat: Phaser.GameObjects.Graphics;
  key: string;
  heatKey: string;
  x: number;
  y: number;
}

interface BubbleSprite {
  bubble: Phaser.GameObjects.Image;
  glass: Phaser.GameObjects.Image;
  bar: Phaser.GameObjects.Graphics;
  key: string;
  barKey: string;
  /** Bottom (tail tip) of the bubble, world px. */
  x: number;
  y: number;
}

/** Draws the engine state; steps the game through its {@link GameSource}. */
export class WorldScene extends Phaser.Scene {
  #source: GameSource;
  #sound: SoundBoard;
  #townSeed = -1;
  #townObjects: Phaser.GameObjects.GameObject[] = [];
  #occluders: Occluder[] = [];
  #faded = new Set<Occluder>();
  #players = new Map<string, PlayerSprite>();
  #stations: StationSprite[] = [];
  #bubbles = new Map<number, BubbleSprite>();
  #cars: Phaser.GameObjects.Image[] = [];
  #floats: Phaser.GameObjects.Text[] = [];
  #ground: Phaser.Textures.CanvasTexture | null = null;
  #lastEvents: GameEvent[] = [];
  /** Top of each player's name tag (and carried items) this frame, by id. */
  #tagTops = new Map<string, TagArea>();

  /** @param source the page's game; @param sound the sound board. */
  constructor(source: GameSource, sound: SoundBoard) {
    super(WORLD_SCENE_KEY);
    this.#source = source;
    this.#sound = sound;
  }

  /** Events of the latest frame (the HUD reads them). */
  get lastEvents(): readonly GameEvent[] {
    return this.#lastEvents;
  }

  /** Sets up the camera below the HUD band and draws the first town. */
  create(): void {
    this.cameras.main.setViewport(
      0,
      HUD_HEIGHT_PX,
      WORLD_WIDTH_PX,
      WORLD_HEIGHT_PX,
    );
    this.cameras.main.setBackgroundColor("#2d6b3a");
    this.#syncTown(this.#source.game.state.town);
  }

  /** Steps the game by the frame's time, then draws. */
  override update(time: number, deltaMs: number): void {
    const result = this.#source.frame(deltaMs);
    this.#lastEvents = result.events;
    const state = this.#source.game.state;
    if (state.town.seed !== this.#townSeed) this.#syncTown(state.town);
    this.#syncStations(state);
    this.#syncCars(state);
    this.#syncPlayers(state, time);
    this.#syncBubbles(state, time);
    this.#seeThrough(state);
    for (const event of result.events) this.#onEvent(event, state);
  }

  // ---- textures --------------------------------------------------------------

  #texture(
    key: string,
    w: number,
    h: number,
    paint: (ctx: CanvasRenderingContext2D) => void,
  ): string {
    if (this.textures.exists(key)) return key;
    const tex = this.textures.createCanvas(key, w, h);
    if (!tex) return "__MISSING";
    paint(tex.getContext());
    tex.refresh();
    return key;
  }

  #itemTexture(item: Item): string {
    const look: ItemLook = item.burned
      ? "burned"
      : item.heat >= BAKED_HEAT - 1e-9
      ? "baked"
      : "raw";
    return this.#maskTexture(item.mask, look);
  }

  #maskTexture(mask: number, look: ItemLook): string {
    const size = ITEM_RADIUS_PX * 2 + 8;
    return this.#texture(
      `item-${mask}-${look}`,
      size,
      size + 8,
      (ctx) =>
        drawItem(ctx, mask, look, size / 2, size / 2 + 8, ITEM_RADIUS_PX),
    );
  }

  #characterTexture(color: string, look: Look): string {
    return this.#texture(
      `chef-${color}-${look}`,
      CHARACTER_SIZE.w,
      CHARACTER_SIZE.h,
      (ctx) => {
        drawCharacter(ctx, color, look);
        if (look !== "up") drawMark(ctx, playerMark(color), 18, 33, 7);
      },
    );
  }

  // ---- town --------------------------------------------------------------------

  #syncTown(town: Town): void {
    this.#townSeed = town.seed;
    for (const object of this.#townObjects) object.destroy();
    this.#townObjects = [];
    this.#occluders = [];
    this.#faded.clear();
    for (const s of this.#stations) {
      s.item.destroy();
      s.base.destroy();
      s.heat.destroy();
    }
    this.#stations = [];
    for (const b of this.#bubbles.values()) {
      b.bubble.destroy();
      b.glass.destroy();
      b.bar.destroy();
    }
    this.#bubbles.clear();
    for (const car of this.#cars) car.destroy();
    this.#cars = [];

    if (!this.#ground) {
      this.#ground = this.textures.createCanvas(
        "ground",
        WORLD_WIDTH_PX,
        WORLD_HEIGHT_PX,
      );
      this.add.image(0, 0, "ground").setOrigin(0, 0).setDepth(-1_000_000);
    }
    const ground = this.#ground;
    if (ground) {
      const ctx = ground.getContext();
      ctx.clearRect(0, 0, WORLD_WIDTH_PX, WORLD_HEIGHT_PX);
      drawGround(ctx, town);
      ground.refresh();
    }

    const W = town.widthTiles;
    const kind = (tx: number, ty: number) =>
      tx < 0 || ty < 0 || tx >= W || ty >= town.heightTiles
        ? -1
        : town.tiles[ty * W + tx];
    const addBlock = (
      key: string,
      tx: number,
      ty: number,
      w: number,
      h: number,
    ): Phaser.GameObjects.Image => {
      const image = this.add.image(tx * T, (ty + h) * T, key).setOrigin(0, 1)
        .setDepth((ty + h) * T);
      this.#townObjects.push(image);
      this.#occluders.push({
        image,
        left: tx * T,
        right: (tx + w) * T,
        top: ty * T - LIFT_PX,
        bottom: (ty + h) * T,
      });
      return image;
    };

    for (const house of town.houses) {
      const { tx, ty, w, h } = house.rect;
      const side = sideOf(house.rect, house.door);
      const key = this.#texture(
        `house-${w}x${h}-${house.id % 12}-${side}`,
        w * T,
        h * T + LIFT_PX,
        (ctx) => drawHouse(ctx, w, h, house.id, side),
      );
      addBlock(key, tx, ty, w, h);
    }
    for (const store of town.stores) {
      const { tx, ty, w, h } = store.rect;
      const key = this.#texture(
        `store-${w}x${h}-${store.ingredientIndex}-${store.price}`,
        w * T,
        h * T + LIFT_PX,
        (ctx) =>
          drawStore(ctx, { w, h }, {
            ingredient: store.ingredientIndex,
            price: store.price,
          }),
      );
      addBlock(key, tx, ty, w, h);
    }
    for (let ty = 0; ty < town.heightTiles; ty++) {
      for (let tx = 0; tx < W; tx++) {
        const k = kind(tx, ty);
        if (k === TileKind.Tree) {
          const v = (tx * 7 + ty * 3) % 2;
          addBlock(
            this.#texture(
              `tree-${v}`,
              T,
              T + LIFT_PX,
              (ctx) => drawTree(ctx, v),
            ),
            tx,
            ty,
            1,
            1,
          );
        } else if (k === TileKind.Wall) {
          const below = kind(tx, ty + 1) === TileKind.Wall;
          addBlock(
            this.#texture(
              `wall-${below ? 1 : 0}`,
              T,
              T + LIFT_PX,
              (ctx) => drawWall(ctx, below),
            ),
            tx,
            ty,
            1,
            1,
          );
        }
      }
    }
    const tableKey = this.#texture("table", T, T + LIFT_PX, drawTable);
    const ovenCold = this.#texture(
      "oven-cold",
      T,
      T + LIFT_PX,
      (ctx) => drawOven(ctx, false),
    );
    this.#texture("oven-hot", T, T + LIFT_PX, (ctx) => drawOven(ctx, true));
    for (const spot of town.stations) {
      const { tx, ty } = spot.tile;
      const depth = (ty + 1) * T;
      const base = this.add.image(
        tx * T,
        (ty + 1) * T,
        spot.kind === "table" ? tableKey : ovenCold,
      )
        .setOrigin(0, 1).setDepth(depth);
      const x = (tx + 0.5) * T;
      const y = ty * T - 2;
      const item = this.add.image(x, y, "__DEFAULT").setDepth(depth + 0.5)
        .setVisible(false);
      const heat = this.add.graphics().setDepth(depth + 0.6);
      this.#stations.push({ item, base, heat, key: "", heatKey: "", x, y });
    }
    this.#cars = this.#source.game.state.vehicles.map((v) =>
      this.add.image(v.x, v.y, this.#carTexture(v.id, v.facing)).setDepth(v.y)
    );
    // players keep their sprites; re-sort them above the new town
    for (const sprite of this.#players.values()) sprite.key = "";
  }

  #carTexture(id: number, facing: string): string {
    const horizontal = facing === "left" || facing === "right";
    const color = CAR_COLORS[id % CAR_COLORS.length];
    return this.#texture(
      `car-${id % CAR_COLORS.length}-${horizontal ? "h" : "v"}`,
      horizontal ? CAR_SIZE.long : CAR_SIZE.short,
      horizontal ? CAR_SIZE.short : CAR_SIZE.long,
      (ctx) => drawCar(ctx, color, horizontal),
    );
  }

  // ---- per frame -----------------------------------------------------------------

  #syncStations(state: GameState): void {
    state.stations.forEach((station, i) => {
      const sprite = this.#stations[i];
      if (!sprite) return;
      const item = station.item;
      const key = item ? this.#itemTexture(item) : "";
      if (key !== sprite.key) {
        sprite.key = key;
        sprite.item.setVisible(item !== null);
        if (item) sprite.item.setTexture(key);
        if (station.kind === "oven") {
          sprite.base.setTexture(item ? "oven-hot" : "oven-cold");
        }
      }
      const showHeat = item !== null && !item.burned &&
        (station.kind === "oven" || item.heat > 0.01);
      const heat = item ? Math.round(item.heat * 40) / 40 : 0;
      const heatKey = showHeat ? String(heat) : "";
      if (heatKey === sprite.heatKey) return;
      sprite.heatKey = heatKey;
      const g = sprite.heat;
      g.clear();
      if (!showHeat) return;
      const w = 28;
      const x = sprite.x - w / 2;
      const y = sprite.y + 38;
      g.fillStyle(0x1b1033, 0.85);
      g.fillRoundedRect(x - 2, y - 2, w + 4, 9, 3);
      const baked = heat >= BAKED_HEAT;
      g.fillStyle(baked ? 0x38d97a : heat > 0.5 ? 0xffb703 : 0xff7a3d, 1);
      g.fillRect(x, y, Math.max(1, w * Math.min(1, heat)), 5);
      g.fillStyle(0xffffff, 1);
      g.fillRect(x + w * BAKED_HEAT - 1, y - 2, 2, 9);
    });
  }

  #syncCars(state: GameState): void {
    for (const v of state.vehicles) {
      const car = this.#cars[v.id];
      if (!car) continue;
      if (car.x !== v.x || car.y !== v.y) {
        car.setPosition(v.x, v.y).setDepth(v.y);
      }
      const key = this.#carTexture(v.id, v.facing);
      if (car.texture.key !== key) car.setTexture(key);
      car.setFlipX(v.facing === "left").setFlipY(v.facing === "up");
    }
  }

  #syncPlayers(state: GameState, time: number): void {
    const seen = new Set<string>();
    const players = state.players;
    // Name tags (with the carried items above them) never overlap: wanted
    // spot over each head, a grid over a bunch, moved up where two touch.
    const boxes = players.map((p) => {
      const sprite = this.#players.get(p.id);
      const labelW = sprite ? sprite.label.width + 22 : 90;
      const bagW = p.backpack.length * 30 * BIG;
      const h = (sprite ? sprite.label.height : 34) +
        (p.backpack.length > 0 ? 34 * BIG : 0);
      return {
        x: p.x,
        y: p.y - (p.vehicleId !== null ? 30 : 56),
        w: Math.max(labelW, bagW),
        h,
      };
    });
    const tags = placeTags(boxes);
    players.forEach((p, index) => {
      seen.add(p.id);
      const sprite = this.#players.get(p.id) ?? this.#makePlayer(p.id);
      const look: Look = p.facing === "up"
        ? "up"
        : p.facing === "down"
        ? "down"
        : "side";
      const key = this.#characterTexture(p.color, look);
      if (sprite.key !== key) {
        sprite.key = key;
        sprite.body.setTexture(key);
      }
      sprite.body.setFlipX(p.facing === "left");
      const bob = p.moving ? Math.abs(Math.sin(time * BOB_PER_MS)) * BOB_PX : 0;
      const driving = p.vehicleId !== null;
      sprite.body.setVisible(!driving);
      sprite.body.setPosition(p.x, p.y + 10 - bob).setDepth(p.y);
      const { x: tagX, y: labelY } = tags[index];
      const bagY = labelY - sprite.label.height - 17 * BIG;
      this.#tagTops.set(p.id, {
        x: tagX,
        top: labelY - boxes[index].h,
        bottom: labelY,
        w: boxes[index].w,
      });
      const large = document.body.dataset.text === "large";
      const labelKey = `${p.name}|${p.color}|${large}`;
      if (sprite.labelKey !== labelKey) {
        sprite.labelKey = labelKey;
        sprite.label.setText(`${playerMark(p.color)} ${p.name}`)
          .setBackgroundColor(darken(p.color))
          .setFontSize(Math.round(17 * BIG * (large ? LARGE_TEXT : 1)));
      }
      sprite.label.setPosition(tagX + 9, labelY);
      sprite.dot.setPosition(
        tagX + 9 - sprite.label.width / 2 - 1,
        labelY - sprite.label.height / 2,
      );
      const source = this.#source.link(p.id);
      const link = p.connected || source === "silent" ? source : "disconnected";
      if (link !== sprite.link) {
        sprite.link = link;
        // Relayed is a ring, direct a filled dot: not told by colour alone.
        sprite.dot.setFillStyle(LINK_COLORS[link], link === "relayed" ? 0 : 1)
          .setStrokeStyle(3, link === "relayed" ? LINK_COLORS[link] : 0x1b1033);
      }
      const alpha = p.connected ? 1 : OFFLINE_ALPHA;
      sprite.body.setAlpha(alpha);
      const offlineText = link === "silent" ? "NO SIGNAL" : "OFFLINE";
      if (sprite.offline.text !== offlineText) {
        sprite.offline.setText(offlineText);
      }
      sprite.offline.setVisible(!p.connected).setPosition(p.x, p.y - 30);
      const bagKey = p.backpack.map((item) => this.#itemTexture(item)).join(
        ",",
      );
      if (bagKey !== sprite.bagKey) {
        sprite.bagKey = bagKey;
        sprite.bag.forEach((img, i) => {
          const item = p.backpack[i];
          img.setVisible(item !== undefined);
          if (item) img.setTexture(this.#itemTexture(item));
        });
      }
      const n = p.backpack.length;
      sprite.bag.forEach((img, i) =>
        img.setPosition(tagX + (i - (n - 1) / 2) * 30 * BIG, bagY)
      );
    });
    for (const [id, sprite] of this.#players) {
      if (seen.has(id)) continue;
      sprite.body.destroy();
      sprite.label.destroy();
      sprite.dot.destroy();
      sprite.offline.destroy();
      for (const img of sprite.bag) img.destroy();
      this.#players.delete(id);
      this.#tagTops.delete(id);
    }
  }

  #makePlayer(id: string): PlayerSprite {
    const body = this.add.image(0, 0, "__DEFAULT").setOrigin(0.5, 1)
      .setScale(BIG);
    const label = this.add.text(0, 0, "", {
      fontFamily: FONT,
      fontSize: `${Math.round(17 * BIG)}px`,
      fontStyle: "bold",
      color: "#ffffff",
      padding: { x: 6, y: 2 },
    }).setOrigin(0.5, 1).setDepth(LABEL_DEPTH);
    const dot = this.add.circle(0, 0, 6 * BIG, LINK_COLORS.connecting)
      .setStrokeStyle(
        3,
        0x1b1033,
      )
      .setDepth(LABEL_DEPTH + 1);
    const offline = this.add.text(0, 0, "OFFLINE", {
      fontFamily: FONT,
      fontSize: `${Math.round(13 * BIG)}px`,
      fontStyle: "bold",
      color: "#ffffff",
      backgroundColor: "#d62839",
      padding: { x: 4, y: 1 },
    }).setOrigin(0.5, 0.5).setDepth(LABEL_DEPTH + 2).setVisible(false);
    const bag = [0, 1, 2].map(() =>
      this.add.image(0, 0, "__DEFAULT").setScale(0.8 * BIG).setDepth(
        LABEL_DEPTH,
      )
        .setVisible(false)
    );
    const sprite: PlayerSprite = {
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
    this.#players.set(id, sprite);
    return sprite;
  }

  #syncBubbles(state: GameState, time: number): void {
    const statuses = state.phase === "lobby" ? [] : houseStatuses(state);
    const active = new Set<number>();
    for (const status of statuses) {
      if (status.stage === "none") continue;
      active.add(status.houseId);
      const house = state.town.houses[status.houseId];
      const x = (house.rect.tx + house.rect.w / 2) * T;
      // Never under the HUD: a top-row house's bubble comes down onto its roof.
      const tallest = (BUBBLE_BOX_PX + BUBBLE_TAIL_PX + 6) * BIG;
      const y = Math.max(house.rect.ty * T - LIFT_PX + 2, tallest + 14);
      const sprite = this.#bubbles.get(status.houseId) ??
        this.#makeBubble(x, y);
      this.#bubbles.set(status.houseId, sprite);
      const key = `${status.stage}|${
        status.wanted.join("+")
      }|${status.needsBaking}|${status.hourglass}`;
      if (key !== sprite.key) {
        sprite.key = key;
        this.#paintBubble(sprite, status);
      }
      const pulse = status.stage === "ordering" || status.hourglass
        ? 1 + Math.sin(time * (status.hourglass ? 0.014 : 0.008)) * 0.07
        : 1;
      sprite.bubble.setScale(pulse);
      const barKey = String(Math.round(status.progress * 50));
      if (barKey !== sprite.barKey) {
        sprite.barKey = barKey;
        const g = sprite.bar;
        g.clear();
        const w = 44 * BIG;
        const left = 1 - status.progress;
        g.fillStyle(0x1b1033, 0.9);
        g.fillRoundedRect(x - w / 2 - 3, y - 2, w + 6, 12, 5);
        g.fillStyle(
          left > 0.5 ? 0x38d97a : left > 0.25 ? 0xffb703 : 0xff5a5f,
          1,
        );
        g.fillRoundedRect(x - w / 2, y + 1, Math.max(2, w * left), 6, 3);
      }
    }
    for (const [id, sprite] of this.#bubbles) {
      const on = active.has(id);
      sprite.bubble.setVisible(on);
      sprite.bar.setVisible(on);
      if (!on) {
        sprite.glass.setVisible(false);
        sprite.key = "";
      }
    }
  }

  #makeBubble(x: number, y: number): BubbleSprite {
    const glassKey = this.#texture(
      "hourglass-big",
      Math.round(20 * BIG),
      Math.round(26 * BIG),
      (ctx) => {
        ctx.scale(BIG, BIG);
        drawHourglass(ctx);
      },
    );
    const bubble = this.add.image(x, y - 4, "__DEFAULT").setOrigin(0.5, 1)
      .setDepth(LABEL_DEPTH - 10);
    const glass = this.add.image(x, y, glassKey).setDepth(LABEL_DEPTH - 8)
      .setVisible(false);
    const bar = this.add.graphics().setDepth(LABEL_DEPTH - 9);
    return { bubble, glass, bar, key: "", barKey: "", x, y };
  }

  #paintBubble(sprite: BubbleSprite, status: HouseStatus): void {
    const ordering = status.stage === "ordering";
    const cells = ordering
      ? []
      : status.wanted.map((name) => INGREDIENTS.indexOf(name));
    const key = this.#orderBubbleTexture(
      cells,
      status.needsBaking && !ordering,
    );
    sprite.bubble.setTexture(key);
    const w = sprite.bubble.width;
    sprite.glass.setVisible(status.hourglass).setPosition(
      sprite.x + w / 2 - 2,
      sprite.y - 4 - sprite.bubble.height + 8,
    );
  }

  /**
   * One texture per order look: the bubble with every wanted ingredient as
   * its own icon inside it (a "!" while the order waits to be taken), gold
   * when it must be baked. Drawn whole, at the big size.
   */
  #orderBubbleTexture(cells: number[], baked: boolean): string {
    const n = Math.max(1, cells.length);
    const boxW = n * BUBBLE_CELL_PX + 12;
    const w = Math.round((boxW + 8) * BIG);
    const h = Math.round((BUBBLE_BOX_PX + BUBBLE_TAIL_PX + 6) * BIG);
    return this.#texture(
      `order-${cells.join("")}-${baked ? "b" : "r"}`,
      w,
      h,
      (ctx) => {
        ctx.scale(BIG, BIG);
        const fill = baked ? "#ffe08a" : "#ffffff";
        const bx = 3;
        const by = 2;
        const cx = bx + boxW / 2;
        ctx.fillStyle = "rgba(0,0,0,0.25)";
        ctx.beginPath();
        ctx.roundRect(bx + 2, by + 4, boxW, BUBBLE_BOX_PX, 12);
        ctx.fill();
        ctx.fillStyle = fill;
        ctx.strokeStyle = "#1b1033";
        ctx.lineWidth = 3;
        ctx.beginPath();
        ctx.roundRect(bx, by, boxW, BUBBLE_BOX_PX, 12);
        ctx.moveTo(cx - 7, by + BUBBLE_BOX_PX);
        ctx.lineTo(cx, by + BUBBLE_BOX_PX + BUBBLE_TAIL_PX);
        ctx.lineTo(cx + 7, by + BUBBLE_BOX_PX);
        ctx.fill();
        ctx.stroke();
        ctx.fillRect(cx - 6, by + BUBBLE_BOX_PX - 3, 12, 4);
        const mid = by + BUBBLE_BOX_PX / 2;
        if (cells.length === 0) {
          ctx.fillStyle = "#e63946";
          ctx.font = `900 30px ${FONT}`;
          ctx.textAlign = "center";
          ctx.textBaseline = "middle";
          ctx.fillText("!", cx, mid + 1);
          return;
        }
        cells.forEach((index, i) => {
          drawIngredient(
            ctx,
            index,
            bx + 6 + (i + 0.5) * BUBBLE_CELL_PX,
            mid,
            BUBBLE_CELL_PX * 0.4,
          );
        });
      },
    );
  }

  #seeThrough(state: GameState): void {
    const now = new Set<Occluder>();
    for (const p of state.players) {
      const left = p.x - 14;
      const right = p.x + 14;
      const top = p.y - 40;
      for (const o of this.#occluders) {
        if (
          o.bottom <= p.y || o.right <= left || o.left >= right ||
          o.bottom <= top || o.top >= p.y + 10
        ) {
          continue;
        }
        now.add(o);
      }
    }
    for (const o of this.#faded) if (!now.has(o)) o.image.setAlpha(1);
    for (const o of now) {
      if (!this.#faded.has(o)) o.image.setAlpha(SEE_THROUGH_ALPHA);
    }
    this.#faded = now;
  }

  #onEvent(event: GameEvent, state: GameState): void {
    if (event.type === "feedback") {
      const p = state.players.find((q) => q.id === event.playerId);
      if (p && (event.tone !== "info" || state.phase !== "lobby")) {
        const tag = this.#tagTops.get(p.id);
        this.#float(
          tag?.x ?? p.x,
          tag ? this.#clearAbove(tag) - 4 : p.y - 74,
          event.text,
          TONE_COLORS[event.tone],
          26,
        );
      }
      return;
    }
    this.#sound.play(event.name);
    if (event.name === "delivered") this.#confetti(event.x, event.y - 30);
    // "delivered" already floats as the deliverer's feedback
    if (
      event.name === "order_failed" || event.name === "baked" ||
      event.name === "burned"
    ) {
      const color = event.name === "baked" ? "#7dffb0" : "#ff7a7f";
      if (event.text) this.#float(event.x, event.y - 40, event.text, color, 24);
    }
  }

  /**
   * The top of the stack of name tags standing over `tag` (itself included),
   * so that a message floats up from above them all, not across them.
   */
  #clearAbove(tag: TagArea): number {
    let top = tag.top;
    for (let moved = true; moved;) {
      moved = false;
      for (const other of this.#tagTops.values()) {
        const above = other.top < top && other.bottom >= top - STACK_GAP_PX;
        if (above && Math.abs(other.x - tag.x) * 2 < other.w + tag.w) {
          top = other.top;
          moved = true;
        }
      }
    }
    return top;
  }

  /** A burst of confetti at (x, y): every delivery is a small party. */
  #confetti(x: number, y: number): void {
    if (matchMedia("(prefers-reduced-motion: reduce)").matches) {
      // Reduced motion: a still badge instead of flying pieces.
      const badge = this.add.text(x, y, "★", {
        fontFamily: FONT,
        fontSize: `${Math.round(34 * BIG)}px`,
        color: "#ffd23f",
      }).setOrigin(0.5).setDepth(LABEL_DEPTH + 4);
      this.time.delayedCall(1_200, () => badge.destroy());
      return;
    }
    for (let i = 0; i < CONFETTI_PIECES; i++) {
      const color = CONFETTI_COLORS[i % CONFETTI_COLORS.length];
      const piece = this.add.rectangle(x, y, 7 * BIG, 11 * BIG, color)
        .setDepth(LABEL_DEPTH + 4).setAngle(Math.random() * 360);
      const angle = -Math.PI / 2 + (Math.random() - 0.5) * Math.PI * 1.1;
      const reach = 60 + Math.random() * 110;
      const tx = x + Math.cos(angle) * reach;
      const peak = y + Math.sin(angle) * reach;
      this.tweens.add({
        targets: piece,
        x: tx,
        angle: piece.angle + (Math.random() - 0.5) * 720,
        duration: 1_300 + Math.random() * 500,
        ease: "Cubic.easeOut",
      });
      this.tweens.add({
        targets: piece,
        y: { from: y, to: peak },
        duration: 450,
        ease: "Quad.easeOut",
        onComplete: () => {
          this.tweens.add({
            targets: piece,
            y: peak + 90 + Math.random() * 60,
            alpha: 0,
            duration: 1_000,
            ease: "Quad.easeIn",
            onComplete: () => piece.destroy(),
          });
        },
      });
    }
  }

  #float(
    x: number,
    y: number,
    text: string,
    color: string,
    size: number,
  ): void {
    const label = this.#floats.pop() ?? this.add.text(0, 0, "", {
      fontFamily: FONT,
      fontStyle: "900",
      stroke: "#1b1033",
      strokeThickness: 5,
    }).setOrigin(0.5, 1).setDepth(LABEL_DEPTH + 5);
    label.setText(text).setColor(color).setFontSize(size).setPosition(x, y)
      .setAlpha(1).setVisible(true);
    this.tweens.add({
      targets: label,
      y: y - FLOAT_RISE_PX,
      alpha: 0,
      duration: FLOAT_MS,
      ease: "Cubic.easeIn",
      onComplete: () => {
        label.setVisible(false);
        this.#floats.push(label);
      },
    });
  }
}

/** Which side of a rectangle its door tile touches. */
function sideOf(
  rect: { tx: number; ty: number; w: number; h: number },
  door: { tx: number; ty: number },
): Side {
  if (door.ty >= rect.ty + rect.h) return "down";
  if (door.ty < rect.ty) return "up";
  return door.tx < rect.tx ? "left" : "right";
}

/** A darker shade of a `#rrggbb` colour, for label backgrounds. */
function darken(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const f = (v: number) => Math.round(v * 0.55).toString(16).padStart(2, "0");
  return `#${f((n >> 16) & 255)}${f((n >> 8) & 255)}${f(n & 255)}`;
}
