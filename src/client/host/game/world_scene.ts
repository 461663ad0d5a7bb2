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
  TILE_SIZE_PX,
  TileKind,
  type Town,
  WORLD_HEIGHT_PX,
  WORLD_WIDTH_PX,
} from "../../../game/mod.ts";
import type { Rect } from "../../../host/layout_rect.ts";
import { type TvFloat, tvFloats } from "../../../host/tv_floats.ts";
import { tvWords } from "../tv_words.ts";
import {
  CAR_COLORS,
  CAR_SIZE,
  drawCar,
  drawGround,
  drawHouse,
  drawOven,
  drawStore,
  drawTable,
  drawTree,
  drawWall,
  LIFT_PX,
  type Side,
} from "./art.ts";
import { ChefSprites } from "./chef_sprites.ts";
import type { GameSource } from "./game_source.ts";
import { OrderBubbles } from "./order_bubbles.ts";
import type { SoundBoard } from "./sound_board.ts";
import {
  BIG,
  canvasTexture,
  FONT,
  itemTexture,
  LABEL_DEPTH,
} from "./world_look.ts";

/** Key of this scene. */
export const WORLD_SCENE_KEY = "world";
/** Height of the HUD band above the world, in canvas px. */
export const HUD_HEIGHT_PX = 84;
/**
 * Depth of what stands on tables and ovens, and of the ovens' heat bars:
 * above every chef (a chef at a table never hides it), below tags and bubbles.
 */
const STATION_ITEM_DEPTH = LABEL_DEPTH - 30;
/** Alpha of a building or tree standing in front of a player. */
const SEE_THROUGH_ALPHA = 0.4;
/** Floating text: how far it rises, px, and for how long, ms. */
const FLOAT_RISE_PX = 46;
const FLOAT_MS = 1_400;
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
/** Tone colours of floating text. */
const TONE_COLORS = {
  info: "#ffffff",
  good: "#7dffb0",
  bad: "#ff7a7f",
} as const;

const T = TILE_SIZE_PX;

/** Two tags this close (px) count as one stack for floating messages. */
const STACK_GAP_PX = 8;

interface Occluder {
  image: Phaser.GameObjects.Image;
  left: number;
  right: number;
  top: number;
  bottom: number;
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

/** Draws the engine state; steps the game through its {@link GameSource}. */
export class WorldScene extends Phaser.Scene {
  #source: GameSource;
  #sound: SoundBoard;
  #townSeed = -1;
  #townObjects: Phaser.GameObjects.GameObject[] = [];
  #occluders: Occluder[] = [];
  #faded = new Set<Occluder>();
  #chefs: ChefSprites;
  #bubbles: OrderBubbles;
  /** Store signs, world px: bubbles and tags keep off them. */
  #signs: Rect[] = [];
  #stations: StationSprite[] = [];
  #cars: Phaser.GameObjects.Image[] = [];
  #floats: Phaser.GameObjects.Text[] = [];
  #ground: Phaser.Textures.CanvasTexture | null = null;
  #lastEvents: GameEvent[] = [];

  /** @param source the page's game; @param sound the sound board. */
  constructor(source: GameSource, sound: SoundBoard) {
    super(WORLD_SCENE_KEY);
    this.#source = source;
    this.#sound = sound;
    this.#chefs = new ChefSprites(this);
    this.#bubbles = new OrderBubbles(this);
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
    this.#syncRoadWorks(state);
    this.#syncStations(state);
    this.#syncCars(state);
    // Bubbles first: the name tags keep off them and off the store signs.
    this.#bubbles.sync(state, time, this.#signs, this.#chefs.bodies(state));
    this.#chefs.sync(
      state,
      time,
      [...this.#signs, ...this.#bubbles.areas],
      (id) => this.#source.link(id),
    );
    this.#seeThrough(state);
    for (const event of result.events) this.#onEvent(event);
    // The TV's own words for what happened (never the phones' sentences).
    for (const f of tvFloats(result.events, state)) this.#floatSaid(f, state);
  }

  /** A floating message over a player's tag, a spot, or the town's middle. */
  #floatSaid(f: TvFloat, state: GameState): void {
    const text = tvWords.say(f.said);
    const color = TONE_COLORS[f.tone];
    if (f.place.at === "middle") {
      this.#float(WORLD_WIDTH_PX / 2, WORLD_HEIGHT_PX / 3, text, color, 30);
    } else if (f.place.at === "spot") {
      this.#float(f.place.x, f.place.y, text, color, 24);
    } else {
      const id = f.place.playerId;
      const p = state.players.find((q) => q.id === id);
      if (!p) return;
      const tag = this.#chefs.tags.get(p.id);
      this.#float(
        tag ? (tag.left + tag.right) / 2 : p.x,
        tag ? this.#clearAbove(tag) - 4 : p.y - 74,
        text,
        color,
        26,
      );
    }
  }

  #canvas(
    key: string,
    w: number,
    h: number,
    paint: (ctx: CanvasRenderingContext2D) => void,
  ): string {
    return canvasTexture(this, key, w, h, paint);
  }

  // ---- road works (an audience event) ------------------------------------------

  #roadWorks: Phaser.GameObjects.Graphics | null = null;
  #roadWorksKey = "";

  /** Barriers on the tiles road works closed, drawn when they change. */
  #syncRoadWorks(state: GameState): void {
    const closed = state.audience.event?.closedTiles ?? [];
    const key = `${state.town.seed}:${closed.join(",")}`;
    if (key === this.#roadWorksKey) return;
    this.#roadWorksKey = key;
    this.#roadWorks?.destroy();
    this.#roadWorks = null;
    if (closed.length === 0) return;
    const g = this.add.graphics();
    const W = state.town.widthTiles;
    let bottom = 0;
    for (const i of closed) {
      const x = (i % W) * T;
      const y = Math.floor(i / W) * T;
      bottom = Math.max(bottom, y + T);
      g.fillStyle(0x4a3b2a, 1).fillRect(x + 1, y + 1, T - 2, T - 2);
      for (let k = 0; k < 4; k++) {
        g.fillStyle(k % 2 === 0 ? 0xff7a00 : 0xffffff, 1)
          .fillRect(x + 2, y + 9 + k * 4, T - 4, 4);
      }
      g.fillStyle(0xff7a00, 1).fillTriangle(
        x + 6,
        y + 28,
        x + 10,
        y + 18,
        x + 14,
        y + 28,
      ).fillTriangle(x + 18, y + 28, x + 22, y + 18, x + 26, y + 28);
    }
    g.setDepth(bottom);
    this.#roadWorks = g;
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
    this.#bubbles.clear();
    this.#signs = [];
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
      const key = this.#canvas(
        `house-${w}x${h}-${house.id % 12}-${side}`,
        w * T,
        h * T + LIFT_PX,
        (ctx) => drawHouse(ctx, w, h, house.id, side),
      );
      addBlock(key, tx, ty, w, h);
    }
    for (const store of town.stores) {
      const { tx, ty, w, h } = store.rect;
      const key = this.#canvas(
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
      // the sign board on its roof (see drawStore)
      this.#signs.push({
        left: tx * T + 4,
        right: (tx + w) * T - 4,
        top: ty * T - LIFT_PX,
        bottom: (ty + h) * T - 40,
      });
    }
    for (let ty = 0; ty < town.heightTiles; ty++) {
      for (let tx = 0; tx < W; tx++) {
        const k = kind(tx, ty);
        if (k === TileKind.Tree) {
          const v = (tx * 7 + ty * 3) % 2;
          addBlock(
            this.#canvas(
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
            this.#canvas(
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
    const tableKey = this.#canvas("table", T, T + LIFT_PX, drawTable);
    const ovenCold = this.#canvas(
      "oven-cold",
      T,
      T + LIFT_PX,
      (ctx) => drawOven(ctx, false),
    );
    this.#canvas("oven-hot", T, T + LIFT_PX, (ctx) => drawOven(ctx, true));
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
      const item = this.add.image(x, y, "__DEFAULT")
        .setDepth(STATION_ITEM_DEPTH).setVisible(false);
      const heat = this.add.graphics().setDepth(STATION_ITEM_DEPTH + 1);
      this.#stations.push({ item, base, heat, key: "", heatKey: "", x, y });
    }
    this.#cars = this.#source.game.state.vehicles.map((v) =>
      this.add.image(v.x, v.y, this.#carTexture(v.id, v.facing)).setDepth(v.y)
    );
    // players keep their sprites; re-sort them above the new town
    this.#chefs.redraw();
  }

  #carTexture(id: number, facing: string): string {
    const horizontal = facing === "left" || facing === "right";
    const color = CAR_COLORS[id % CAR_COLORS.length];
    return this.#canvas(
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
      const key = item ? itemTexture(this, item) : "";
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

  /** Sound and confetti for a world event. */
  #onEvent(event: GameEvent): void {
    if (event.type !== "world") return;
    this.#sound.play(event.name);
    if (event.name === "delivered") this.#confetti(event.x, event.y - 30);
  }

  /**
   * The top of the stack of name tags standing over `tag` (itself included),
   * so that a message floats up from above them all, not across them.
   */
  #clearAbove(tag: Rect): number {
    let top = tag.top;
    for (let moved = true; moved;) {
      moved = false;
      for (const other of this.#chefs.tags.values()) {
        const above = other.top < top && other.bottom >= top - STACK_GAP_PX;
        if (above && other.left < tag.right && tag.left < other.right) {
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
    label.setText(text).setColor(color).setFontSize(size);
    // Whole inside the town, never cut by its edge.
    const half = label.width / 2;
    const inX = Math.min(Math.max(x, half + 4), WORLD_WIDTH_PX - half - 4);
    const inY = Math.max(y, label.height + FLOAT_RISE_PX);
    label.setPosition(inX, inY).setAlpha(1).setVisible(true);
    this.tweens.add({
      targets: label,
      y: inY - FLOAT_RISE_PX,
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
