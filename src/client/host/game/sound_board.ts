/**
 * Sound effects and a little background music, synthesised with WebAudio
 * oscillators (no files). Muting is remembered in localStorage.
 *
 * @module
 */
/// <reference lib="dom" />
import type { WorldEventName } from "../../../game/mod.ts";

/** localStorage key of the mute setting. */
export const MUTE_KEY = "pizza-peers-muted";
/** Master volume of effects, 0..1. */
const EFFECTS_VOLUME = 0.22;
/** Master volume of the music, 0..1. */
const MUSIC_VOLUME = 0.06;
/** Music tempo: length of one eighth note, in seconds. */
const EIGHTH_S = 0.2;
/** How far ahead music notes are scheduled, in seconds. */
const LOOKAHEAD_S = 0.6;

/** One note of an effect: frequency (Hz), start offset and length (s). */
type Note = readonly [freq: number, at: number, len: number];

/** Effects by world event; missing events make no sound. */
const EFFECTS: Partial<
  Record<WorldEventName, { wave: OscillatorType; notes: readonly Note[] }>
> = {
  player_joined: {
    wave: "triangle",
    notes: [[523, 0, 0.08], [784, 0.08, 0.14]],
  },
  player_left: { wave: "triangle", notes: [[523, 0, 0.1], [392, 0.1, 0.16]] },
  player_disconnected: {
    wave: "square",
    notes: [[330, 0, 0.12], [247, 0.12, 0.2]],
  },
  player_reconnected: {
    wave: "triangle",
    notes: [[392, 0, 0.08], [523, 0.08, 0.08], [659, 0.16, 0.12]],
  },
  game_started: {
    wave: "square",
    notes: [[523, 0, 0.1], [659, 0.1, 0.1], [784, 0.2, 0.1], [1047, 0.3, 0.25]],
  },
  game_won: {
    wave: "square",
    notes: [[523, 0, 0.12], [659, 0.12, 0.12], [784, 0.24, 0.12], [
      1047,
      0.36,
      0.5,
    ]],
  },
  game_lost: {
    wave: "sawtooth",
    notes: [[392, 0, 0.2], [349, 0.2, 0.2], [311, 0.4, 0.2], [262, 0.6, 0.5]],
  },
  order_placed: { wave: "sine", notes: [[880, 0, 0.06], [1175, 0.07, 0.1]] },
  order_taken: { wave: "triangle", notes: [[660, 0, 0.07], [880, 0.07, 0.09]] },
  order_failed: { wave: "sawtooth", notes: [[220, 0, 0.18], [165, 0.16, 0.3]] },
  delivered: {
    wave: "square",
    notes: [[784, 0, 0.07], [988, 0.07, 0.07], [1319, 0.14, 0.2]],
  },
  bought: { wave: "triangle", notes: [[1319, 0, 0.05], [1760, 0.05, 0.08]] },
  dropped: { wave: "sine", notes: [[300, 0, 0.07]] },
  combined: { wave: "triangle", notes: [[440, 0, 0.06], [660, 0.06, 0.1]] },
  picked_up: { wave: "sine", notes: [[500, 0, 0.05], [700, 0.05, 0.06]] },
  thrown_away: { wave: "sawtooth", notes: [[200, 0, 0.1]] },
  baked: { wave: "sine", notes: [[1568, 0, 0.12], [1568, 0.18, 0.12]] },
  burned: { wave: "sawtooth", notes: [[150, 0, 0.3]] },
  vehicle_entered: {
    wave: "square",
    notes: [[196, 0, 0.08], [247, 0.08, 0.12]],
  },
  vehicle_left: { wave: "square", notes: [[247, 0, 0.08], [196, 0.08, 0.1]] },
  refused: { wave: "square", notes: [[180, 0, 0.12]] },
};

/** The music: a bouncy bass + melody loop, in semitones from A3 (null = rest). */
const MELODY: readonly (number | null)[] = [
  12,
  null,
  16,
  19,
  21,
  19,
  16,
  null,
  14,
  null,
  17,
  21,
  24,
  21,
  17,
  null,
  12,
  null,
  16,
  19,
  24,
  23,
  21,
  19,
  17,
  16,
  14,
  null,
  12,
  null,
  null,
  null,
];
const BASS: readonly number[] = [0, 0, 7, 7, 5, 5, 7, 7];

/**
 * Plays effects and music. Browsers only allow sound after a user gesture:
 * call {@link SoundBoard.unlock} from a key or pointer handler.
 */
export class SoundBoard {
  #ctx: AudioContext | null = null;
  #muted: boolean;
  #storage: Pick<Storage, "getItem" | "setItem"> | null;
  #musicTimer: ReturnType<typeof setInterval> | undefined;
  #nextNoteAt = 0;
  #noteIndex = 0;
  #music = false;
  #closed = false;

  /** Reads the saved mute setting. */
  constructor(storage: Pick<Storage, "getItem" | "setItem"> | null) {
    this.#storage = storage;
    let saved: string | null = null;
    try {
      saved = storage?.getItem(MUTE_KEY) ?? null;
    } catch {
      saved = null;
    }
    this.#muted = saved === "1";
  }

  /** Whether sound is muted. */
  get muted(): boolean {
    return this.#muted;
  }

  /** Mutes or unmutes, and remembers it. */
  setMuted(muted: boolean): void {
    this.#muted = muted;
    try {
      this.#storage?.setItem(MUTE_KEY, muted ? "1" : "0");
    } catch {
      // private mode: not remembered
    }
  }

  /** Flips mute; returns the new setting. */
  toggleMute(): boolean {
    this.setMuted(!this.#muted);
    return this.#muted;
  }

  /** Creates or resumes the audio context (call from a user gesture). */
  unlock(): void {
    if (this.#closed) return;
    try {
      if (!this.#ctx) {
        const Ctor = globalThis.AudioContext;
        if (!Ctor) return;
        this.#ctx = new Ctor();
      }
      if (this.#ctx.state === "suspended") void this.#ctx.resume();
    } catch {
      this.#ctx = null;
    }
  }

  /** Plays the effect of a world event, if it has one. */
  play(name: WorldEventName): void {
    const ctx = this.#ctx;
    const effect = EFFECTS[name];
    if (!ctx || !effect || this.#muted || ctx.state !== "running") return;
    const t0 = ctx.currentTime + 0.01;
    for (const [freq, at, len] of effect.notes) {
      this.#tone(ctx, effect.wave, freq, t0 + at, len, EFFECTS_VOLUME);
    }
  }

  /** Starts or stops the background music. */
  setMusic(on: boolean): void {
    if (on === this.#music || this.#closed) return;
    this.#music = on;
    clearInterval(this.#musicTimer);
    this.#musicTimer = undefined;
    if (!on) return;
    this.#nextNoteAt = 0;
    this.#musicTimer = setInterval(() => this.#scheduleMusic(), 150);
  }

  /** Stops the music and closes the audio context. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#musicTimer);
    void this.#ctx?.close().catch(() => {});
    this.#ctx = null;
  }

  #scheduleMusic(): void {
    const ctx = this.#ctx;
    if (!ctx || ctx.state !== "running") return;
    if (this.#nextNoteAt < ctx.currentTime) {
      this.#nextNoteAt = ctx.currentTime + 0.05;
    }
    while (this.#nextNoteAt < ctx.currentTime + LOOKAHEAD_S) {
      const i = this.#noteIndex++ % MELODY.length;
      if (!this.#muted) {
        const note = MELODY[i];
        if (note !== null) {
          this.#tone(
            ctx,
            "triangle",
            semitone(note),
            this.#nextNoteAt,
            EIGHTH_S * 0.9,
            MUSIC_VOLUME,
          );
        }
        if (i % 4 === 0) {
          const bass = BASS[(i / 4) % BASS.length];
          this.#tone(
            ctx,
            "sine",
            semitone(bass - 12),
            this.#nextNoteAt,
            EIGHTH_S * 1.8,
            MUSIC_VOLUME * 1.6,
          );
        }
      }
      this.#nextNoteAt += EIGHTH_S;
    }
  }

  #tone(
    ctx: AudioContext,
    wave: OscillatorType,
    freq: number,
    at: number,
    len: number,
    volume: number,
  ): void {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = wave;
    osc.frequency.setValueAtTime(freq, at);
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(volume, at + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + len);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + len + 0.02);
  }
}

/** Frequency of a note `n` semitones above A3 (220 Hz). */
function semitone(n: number): number {
  return 220 * 2 ** (n / 12);
}
