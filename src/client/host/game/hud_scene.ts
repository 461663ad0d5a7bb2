/**
 * The Phaser scene over the world: the HUD band (time left, money, strikes,
 * pizzas delivered, difficulty, room code and join URL, mute button) and the
 * lobby, pause and game-over panels. Texts change only when their value does.
 *
 * @module
 */
/// <reference lib="dom" />
import * as Phaser from "phaser";
import {
  type GameState,
  hud,
  MAX_PLAYERS,
  WORLD_HEIGHT_PX,
  WORLD_WIDTH_PX,
} from "../../../game/mod.ts";
import { deliveriesToWin } from "../../../game/outcome.ts";
import { drawCoin, drawItem } from "./food_art.ts";
import type { GameSource } from "./game_source.ts";
import type { SoundBoard } from "./sound_board.ts";
import { HUD_HEIGHT_PX } from "./world_scene.ts";
import { tvWords } from "../tv_words.ts";

/** Key of this scene. */
export const HUD_SCENE_KEY = "hud";
/** Seconds left from which the clock turns red. */
const HURRY_SECONDS = 30;
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const PANEL_COLOR = 0x1b1033;
const ACCENT = "#ffb703";
/** Rows of the game-over stats table (the player cap). */
const MAX_STAT_ROWS = MAX_PLAYERS;
/** Height of one stats row, px. */
const STAT_ROW_PX = 30;

type Text = Phaser.GameObjects.Text;

/** Draws the HUD and the lobby / pause / game-over panels. */
export class HudScene extends Phaser.Scene {
  #source: GameSource;
  #sound: SoundBoard;
  #time!: Text;
  #money!: Text;
  #coin!: Phaser.GameObjects.Image;
  #delivered!: Text;
  #difficulty!: Text;
  #code!: Text;
  #joinAt!: Text;
  #url!: Text;
  #strikes!: Phaser.GameObjects.Graphics;
  #mute!: Phaser.GameObjects.Graphics;
  #lobby!: Phaser.GameObjects.Container;
  #lobbyLine!: Text;
  #overLevel!: Text;
  #lobbyLevel!: Text;
  #pause!: Phaser.GameObjects.Container;
  #pauseText!: Text;
  #over!: Phaser.GameObjects.Container;
  #overTitle!: Text;
  #overReason!: Text;
  #overStats!: Text;
  #overStars!: Phaser.GameObjects.Graphics;
  #overRows: Text[][] = [];
  #dim!: Phaser.GameObjects.Rectangle;
  #keys = new Map<string, string>();
  /** The widest each text may be, px: longer words shrink it to fit. */
  #maxWidth = new Map<Text, number>();
  /** Texts whose words are fixed (headings, buttons), by catalogue key. */
  #fixed: Array<{ text: Text; key: string }> = [];

  /** @param source the page's game; @param sound the sound board. */
  constructor(source: GameSource, sound: SoundBoard) {
    super({ key: HUD_SCENE_KEY, active: true });
    this.#source = source;
    this.#sound = sound;
  }

  /** Builds the HUD band and the (hidden) panels. */
  create(): void {
    const W = WORLD_WIDTH_PX;
    const band = this.add.graphics();
    band.fillStyle(PANEL_COLOR, 1);
    band.fillRect(0, 0, W, HUD_HEIGHT_PX);
    band.fillStyle(0xffb703, 1);
    band.fillRect(0, HUD_HEIGHT_PX - 4, W, 4);

    // clock
    const clock = this.add.graphics();
    clock.fillStyle(0xffffff, 1).fillCircle(38, 42, 22);
    clock.lineStyle(5, 0x1b1033, 1).strokeCircle(38, 42, 17);
    clock.lineStyle(4, 0x1b1033, 1).lineBetween(38, 42, 38, 31).lineBetween(
      38,
      42,
      46,
      46,
    );
    this.#time = this.#text(70, 42, "6:00", 46).setOrigin(0, 0.5);

    // money
    const coinKey = "hud-coin";
    if (!this.textures.exists(coinKey)) {
      const tex = this.textures.createCanvas(coinKey, 44, 44);
      if (tex) {
        drawCoin(tex.getContext(), 22);
        tex.refresh();
      }
    }
    this.#coin = this.add.image(222, 42, coinKey);
    this.#money = this.#text(250, 42, "0", 40).setOrigin(0, 0.5);

    // strikes
    this.#label(this.#text(370, 24, "", 14, "#b3a8d6"), "hud.strikes")
      .setOrigin(0, 0.5);
    this.#strikes = this.add.graphics();

    // delivered
    const pizzaKey = "hud-pizza";
    if (!this.textures.exists(pizzaKey)) {
      const tex = this.textures.createCanvas(pizzaKey, 44, 44);
      if (tex) {
        drawItem(tex.getContext(), 0b00111, "baked", 22, 22, 18);
        tex.refresh();
      }
    }
    this.add.image(520, 42, pizzaKey);
    this.#delivered = this.#text(548, 42, "0", 40).setOrigin(0, 0.5);

    this.#difficulty = this.#text(640, 42, "", 22, "#1b1033")
      .setOrigin(0, 0.5).setBackgroundColor("#ffd166").setPadding(10, 4, 10, 4);

    // join info, right
    this.#joinAt = this.#label(
      this.#text(W - 78, 20, "", 13, "#b3a8d6"),
      "hud.join_at",
    ).setOrigin(1, 0.5);
    this.#url = this.#text(W - 78, 42, "", 20).setOrigin(1, 0.5);
    this.#code = this.#text(W - 78, 66, "", 18, ACCENT).setOrigin(1, 0.5);

    // mute button
    this.#mute = this.add.graphics();
    const hit = this.add.zone(W - 38, 42, 60, 60).setInteractive({
      useHandCursor: true,
    });
    hit.on("pointerdown", () => this.toggleMute());
    this.#drawMute();

    // panels
    const top = HUD_HEIGHT_PX;
    this.#dim = this.add.rectangle(0, top, W, WORLD_HEIGHT_PX, 0x0c0818, 0.55)
      .setOrigin(0, 0).setVisible(false);
    this.#lobby = this.#panel(W / 2, top + WORLD_HEIGHT_PX - 136, 900, 216);
    // Between the two buttons (at ±330, 150 wide).
    const title = this.#fit(
      this.#label(this.#text(0, -70, "", 40, ACCENT), "lobby.title"),
      470,
    );
    this.#lobbyLine = this.#fit(this.#text(0, -18, "", 22, "#f6f1ff"), 860);
    this.#lobbyLevel = this.#fit(this.#text(0, 22, "", 20, ACCENT), 860);
    const keys = this.#fit(
      this.#label(this.#text(0, 66, "", 20, "#b3a8d6"), "lobby.keys"),
      860,
    );
    const botButton = this.#button(
      330,
      -70,
      "lobby.bots",
      () => this.#source.fillBots(),
    );
    const startButton = this.#button(
      -330,
      -70,
      "lobby.start",
      () => this.#source.start(),
    );
    this.#lobby.add([
      title,
      this.#lobbyLine,
      this.#lobbyLevel,
      keys,
      botButton,
      startButton,
    ]);

    this.#pause = this.#panel(W / 2, top + WORLD_HEIGHT_PX / 2, 820, 150);
    const pauseTitle = this.#fit(
      this.#label(this.#text(0, -30, "", 48, ACCENT), "pause.title"),
      780,
    );
    this.#pauseText = this.#fit(this.#text(0, 30, "", 24), 780);
    this.#pause.add([pauseTitle, this.#pauseText]);

    this.#over = this.#panel(W / 2, top + WORLD_HEIGHT_PX / 2, 1040, 820);
    this.#overTitle = this.#fit(this.#text(0, -345, "", 72), 1000);
    // A long reason wraps onto two lines, a size smaller.
    this.#overReason = this.#text(0, -280, "", 30).setWordWrapWidth(980, true);
    this.#overStars = this.add.graphics();
    this.#overStats = this.#fit(this.#text(0, -160, "", 26, "#b3a8d6"), 1000);
    const head = this.#statsRow(-112, "#b3a8d6", 22);
    this.#label(head[0], "over.head.player");
    this.#label(head[1], "over.head.delivered");
    this.#label(head[2], "over.head.earned");
    this.#label(head[3], "over.head.distance");
    this.#overRows = Array.from(
      { length: MAX_STAT_ROWS },
      (_, i) => this.#statsRow(-74 + i * STAT_ROW_PX, "#ffffff", 26),
    );
    const again = this.#button(
      0,
      352,
      "over.again",
      () => this.#source.restart(),
      360,
    );
    this.#overLevel = this.#fit(this.#text(0, 300, "", 20, "#b3a8d6"), 1000);
    const hint = this.#overLevel;
    this.#over.add([
      this.#overTitle,
      this.#overReason,
      this.#overStars,
      this.#overStats,
      ...head,
      ...this.#overRows.flat(),
      hint,
      again,
    ]);
    for (const panel of [this.#lobby, this.#pause, this.#over]) {
      panel.setVisible(false);
    }
  }

  /** Flips mute (key M or the button). */
  toggleMute(): void {
    this.#sound.unlock();
    this.#sound.toggleMute();
    this.#drawMute();
  }

  /** Refreshes values that changed. */
  override update(time: number): void {
    const state = this.#source.game.state;
    const h = hud(state);
    const seconds = Math.ceil(h.timeLeftMs / 1000);
    for (const { text, key } of this.#fixed) {
      this.#set(text, `fixed:${key}:${text.name}`, tvWords.t(key));
    }
    this.#set(this.#time, "time", tvWords.clock(seconds));
    const hurry = state.phase === "playing" && seconds <= HURRY_SECONDS;
    this.#color(this.#time, "timeColor", hurry ? "#ff5a5f" : "#ffffff");
    // A round of 10 minutes or more has a wider clock: the money moves over.
    const coinX = Math.max(222, 70 + this.#time.width + 32);
    if (this.#coin.x !== coinX) {
      this.#coin.setX(coinX);
      this.#money.setX(coinX + 28);
    }
    if (hurry && !state.paused) {
      this.#time.setScale(1 + Math.max(0, Math.sin(time * 0.012)) * 0.08);
    } else this.#time.setScale(1);
    this.#set(this.#money, "money", tvWords.number(h.money));
    this.#color(this.#money, "moneyColor", h.money < 0 ? "#ff5a5f" : "#ffffff");
    this.#set(this.#delivered, "delivered", tvWords.number(h.delivered));
    this.#set(
      this.#difficulty,
      "difficulty",
      tvWords.t(`level.${state.difficulty}`),
    );
    const join = this.#source.joinInfo();
    // How to join shows only while joining is open (drop-in off hides it
    // mid-round, as the sidebar does).
    const open = join !== null && this.#source.joiningOpen();
    this.#joinAt.setVisible(open);
    this.#set(
      this.#url,
      "url",
      open ? join.url.replace(/^https?:\/\//, "") : "",
    );
    this.#set(
      this.#code,
      "code",
      open ? tvWords.t("hud.room", { room: join.room }) : "",
    );
    // A long level name (German, the pseudo-locale) or join link: the link
    // shrinks to the room left between them, never under the badge.
    const room = WORLD_WIDTH_PX - 78 - (this.#difficulty.x +
      this.#difficulty.width + 24);
    const urlWidth = this.#url.width;
    this.#url.setScale(urlWidth > room ? room / urlWidth : 1);
    const strikesKey = `${h.strikes}/${h.maxStrikes}`;
    if (this.#keys.get("strikes") !== strikesKey) {
      this.#keys.set("strikes", strikesKey);
      this.#drawStrikes(h.strikes, h.maxStrikes);
    }
    this.#panels(state);
    this.#sound.setMusic(state.phase === "playing" && !state.paused);
  }

  #panels(state: GameState): void {
    const lobby = state.phase === "lobby";
    const paused = state.phase === "playing" && state.paused;
    const over = state.phase === "over";
    this.#lobby.setVisible(lobby);
    this.#pause.setVisible(paused);
    this.#over.setVisible(over);
    this.#dim.setVisible(paused || over);
    if (lobby) {
      const join = this.#source.joinInfo();
      const n = state.players.length;
      const line = join
        ? tvWords.t("lobby.line", { room: join.room, count: n })
        : tvWords.t("lobby.creating");
      this.#set(this.#lobbyLine, "lobby", line);
    }
    if (paused) {
      const away = state.players.filter((p) => !p.connected).map((p) => p.name);
      this.#set(
        this.#pauseText,
        "pause",
        tvWords.t("pause.waiting", { names: away }),
      );
    }
    if (lobby || over) {
      // What the chosen level adds, in one line (D picks the next one).
      const level = tvWords.t(`level.${state.difficulty}.line`);
      this.#set(
        this.#overLevel,
        "overLevel",
        tvWords.t("over.level", { level }),
      );
      this.#set(this.#lobbyLevel, "lobbyLevel", level);
    }
    if (over && state.outcome) {
      const o = state.outcome;
      this.#set(
        this.#overTitle,
        "overTitle",
        tvWords.t(o.won ? "over.win" : "over.lost"),
      );
      this.#color(this.#overTitle, "overColor", o.won ? "#7dffb0" : "#ff5a5f");
      const players = state.players.filter((p) => !p.waiting).length;
      this.#set(
        this.#overReason,
        "overReason",
        tvWords.t(`outcome.${o.reason}`, {
          delivered: state.delivered,
          players,
          need: deliveriesToWin(players),
        }),
      );
      this.#set(
        this.#overStats,
        "overStats",
        tvWords.t("over.stats", {
          delivered: state.delivered,
          money: state.money,
          strikes: state.strikes,
        }),
      );
      const starsKey = String(o.stars);
      if (this.#keys.get("overStars") !== starsKey) {
        this.#keys.set("overStars", starsKey);
        this.#drawStars(o.stars);
      }
      const team = hud(state).team;
      const teamKey = JSON.stringify([tvWords.locale, team]);
      if (this.#keys.get("overTeam") !== teamKey) {
        this.#keys.set("overTeam", teamKey);
        this.#overRows.forEach((row, i) => {
          const p = team[i];
          for (const cell of row) cell.setVisible(p !== undefined);
          if (!p) return;
          this.#setFitted(row[0], p.name);
          row[0].setColor(p.color);
          this.#setFitted(row[1], tvWords.number(p.deliveries));
          this.#setFitted(
            row[2],
            tvWords.t("over.coins", { count: p.moneyEarned }),
          );
          const tiles = p.walkedTiles + p.drivenTiles;
          this.#setFitted(row[3], tvWords.t("over.tiles", { count: tiles }));
        });
      }
    }
  }

  /** Marks `text` as showing the words of catalogue `key` (said again each frame it changes). */
  #label(text: Text, key: string): Text {
    text.setName(`${this.#fixed.length}`);
    this.#fixed.push({ text, key });
    return text;
  }

  #set(text: Text, key: string, value: string): void {
    if (this.#keys.get(key) === value) return;
    this.#keys.set(key, value);
    if (text === this.#overReason) {
      text.setFontSize(30).setText(value);
      if (text.getWrappedText().length > 1) text.setFontSize(24);
      return;
    }
    this.#setFitted(text, value);
  }

  /** Lets `text` be at most `width` px wide (wider words shrink it). */
  #fit(text: Text, width: number): Text {
    this.#maxWidth.set(text, width);
    return text;
  }

  /** Sets the words of `text`, shrunk to its widest if they are longer. */
  #setFitted(text: Text, value: string): void {
    text.setScale(1).setText(value);
    const max = this.#maxWidth.get(text);
    if (max !== undefined && text.width > max) text.setScale(max / text.width);
  }

  #color(text: Text, key: string, color: string): void {
    if (this.#keys.get(key) === color) return;
    this.#keys.set(key, color);
    text.setColor(color);
  }

  #text(
    x: number,
    y: number,
    value: string,
    size: number,
    color = "#ffffff",
  ): Text {
    return this.add.text(x, y, value, {
      fontFamily: FONT,
      fontSize: `${size}px`,
      fontStyle: "900",
      color,
      align: "center",
    }).setOrigin(0.5, 0.5);
  }

  /** Four cells of the game-over stats table at row y. */
  #statsRow(y: number, color: string, size: number): Text[] {
    return [
      this.#fit(this.#text(-440, y, "", size, color).setOrigin(0, 0.5), 420),
      this.#fit(this.#text(60, y, "", size, color), 170),
      this.#fit(this.#text(240, y, "", size, color), 170),
      this.#fit(this.#text(410, y, "", size, color), 160),
    ];
  }

  /** The star grade: `stars` of 3 filled. */
  #drawStars(stars: number): void {
    const g = this.#overStars;
    g.clear();
    for (let i = 0; i < 3; i++) {
      const cx = (i - 1) * 90;
      const cy = -212;
      const points: Phaser.Math.Vector2[] = [];
      for (let k = 0; k < 10; k++) {
        const r = k % 2 === 0 ? 38 : 16;
        const a = -Math.PI / 2 + (k * Math.PI) / 5;
        points.push(
          new Phaser.Math.Vector2(cx + Math.cos(a) * r, cy + Math.sin(a) * r),
        );
      }
      const on = i < stars;
      g.fillStyle(on ? 0xffd23f : 0x2a2150, 1).fillPoints(points, true);
      g.lineStyle(4, on ? 0xc77d00 : 0x4b4175, 1).strokePoints(points, true);
    }
  }

  #panel(
    x: number,
    y: number,
    w: number,
    h: number,
  ): Phaser.GameObjects.Container {
    const g = this.add.graphics();
    g.fillStyle(0x000000, 0.35).fillRoundedRect(
      -w / 2 + 6,
      -h / 2 + 10,
      w,
      h,
      26,
    );
    g.fillStyle(PANEL_COLOR, 0.94).fillRoundedRect(-w / 2, -h / 2, w, h, 26);
    g.lineStyle(5, 0xffb703, 1).strokeRoundedRect(-w / 2, -h / 2, w, h, 26);
    return this.add.container(x, y, [g]).setDepth(10);
  }

  /** A button; `label` is its catalogue key. */
  #button(
    x: number,
    y: number,
    label: string,
    onClick: () => void,
    w = 150,
  ): Phaser.GameObjects.Container {
    const h = 52;
    const g = this.add.graphics();
    g.fillStyle(0xc77d00, 1).fillRoundedRect(-w / 2, -h / 2 + 5, w, h, 14);
    g.fillStyle(0xffc233, 1).fillRoundedRect(-w / 2, -h / 2, w, h, 14);
    const text = this.#fit(
      this.#label(this.#text(0, 0, "", 24, "#1b1033"), label),
      w - 20,
    );
    const button = this.add.container(x, y, [g, text]).setSize(w, h);
    button.setInteractive({ useHandCursor: true });
    button.on("pointerdown", () => {
      this.#sound.unlock();
      onClick();
    });
    return button;
  }

  #drawStrikes(strikes: number, max: number): void {
    const g = this.#strikes;
    g.clear();
    for (let i = 0; i < max; i++) {
      const x = 382 + i * 38;
      const y = 52;
      const hit = i < strikes;
      g.fillStyle(hit ? 0xff5a5f : 0x2a2150, 1).fillRoundedRect(
        x - 15,
        y - 15,
        30,
        30,
        8,
      );
      g.lineStyle(5, hit ? 0xffffff : 0x4b4175, 1);
      g.lineBetween(x - 7, y - 7, x + 7, y + 7).lineBetween(
        x + 7,
        y - 7,
        x - 7,
        y + 7,
      );
    }
  }

  #drawMute(): void {
    const g = this.#mute;
    const x = WORLD_WIDTH_PX - 38;
    const y = 42;
    g.clear();
    g.fillStyle(0x2a2150, 1).fillRoundedRect(x - 26, y - 26, 52, 52, 14);
    g.fillStyle(0xffffff, 1);
    g.fillRect(x - 14, y - 6, 8, 12);
    g.fillTriangle(x - 8, y - 6, x + 2, y - 14, x + 2, y + 14);
    g.fillTriangle(x - 8, y + 6, x + 2, y - 14, x + 2, y + 14);
    g.lineStyle(3, 0xffffff, 1);
    if (this.#sound.muted) {
      g.lineStyle(4, 0xff5a5f, 1).lineBetween(x + 6, y - 8, x + 18, y + 8)
        .lineBetween(x + 18, y - 8, x + 6, y + 8);
    } else {
      g.beginPath();
      g.arc(x + 4, y, 8, -0.9, 0.9);
      g.strokePath();
      g.beginPath();
      g.arc(x + 4, y, 14, -0.9, 0.9);
      g.strokePath();
    }
  }
}
