/**
 * What the host sends a phone carries no prose: over many game states (bots
 * playing whole rounds at every level, with 1 to 5 players, audience events,
 * a pause and game over), every view, every short message and every audience
 * update is parsed by the protocol module, and every string in it is a code
 * from a known set (a catalogue key, an id, a phase...), a player's name, a
 * colour or a house number. Every message key reads in all four languages.
 */
import assert from "node:assert/strict";
import { botCommands, createBotTeam } from "../../src/bots/mod.ts";
import {
  closeAudienceVote,
  createGame,
  type Difficulty,
  disconnectPlayer,
  type GameEvent,
  type GameState,
  joinPlayer,
  playerView,
  startAudienceEvent,
  startGame,
  step,
} from "../../src/game/mod.ts";
import { toWireView } from "../../src/host/host_game.ts";
import { audienceViewOf, promptViewOf } from "../../src/host/audience_feed.ts";
import {
  ALLERGY_EXEMPTIONS,
  AudiencePromptSchema,
  AudienceUpdateSchema,
  EVENT_IDS,
  type HostMessage,
  INGREDIENT_IDS,
  OUTCOME_REASONS,
  parseHostMessage,
  type PhoneWords,
  TOWN_IDS,
} from "../../src/protocol/mod.ts";
import { hostWords } from "../../src/phone/host_words.ts";
import { LANGUAGES, Translator } from "../../src/phone/translator.ts";
import { catalogue } from "../phone/_english.ts";
import * as v from "valibot";

/** Strings that are codes: the phone's catalogue keys and every id set. */
const CODES: ReadonlySet<string> = new Set([
  ...Object.keys(catalogue("en")),
  ...INGREDIENT_IDS,
  ...EVENT_IDS,
  ...TOWN_IDS,
  ...OUTCOME_REASONS,
  ...ALLERGY_EXEMPTIONS,
  "lobby",
  "playing",
  "paused",
  "over",
  "ordering",
  "waiting",
  "event",
  "flavour",
  "info",
  "good",
  "bad",
  "view",
  "feedback",
  "audienceUpdate",
  "audiencePrompt",
]);

/** Action ids the host offers (sent back by the phone). */
const ACTION_ID =
  /^(start|restart|buy|take_order|deliver|pickup|enter_vehicle|leave_vehicle|(drop|discard):[0-2]|difficulty:[0-3])$/;

/** The strings of a message that are neither codes nor names, with their paths. */
export function prose(
  message: unknown,
  names: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value === "string") {
      const fine = CODES.has(value) || names.has(value) ||
        /^#[0-9a-f]{6}$/i.test(value) || /^\d{1,2}$/.test(value) ||
        (path.endsWith(".id") && ACTION_ID.test(value));
      if (!fine) out.push(`${path}: ${value}`);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}[${i}]`));
    } else if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        walk(item, `${path}.${key}`);
      }
    }
  };
  walk(message, "");
  return out;
}

/** Every `say`, `disabled` (a greyed-out reason) in a host message. */
function saysOf(message: HostMessage): PhoneWords[] {
  if (message.t === "feedback") return [message.say];
  if (message.t !== "view") return [];
  return message.view.actions.flatMap((a) =>
    a.disabled ? [a.say, a.disabled] : [a.say]
  );
}

/** The messages a host sends its phones for `state` and the events of its last step. */
function messagesOf(state: GameState, events: readonly GameEvent[]): unknown[] {
  const out: unknown[] = [];
  for (const p of state.players) {
    const view = playerView(state, p.id);
    if (view) out.push({ t: "view", view: toWireView(view) });
  }
  for (const e of events) {
    if (e.type === "feedback") {
      out.push({ t: "feedback", say: e.say, tone: e.tone });
    }
  }
  return out;
}

/** Plays a round with bots, gathering what the host would send. */
function playRound(
  seed: number,
  players: number,
  difficulty: Difficulty,
  sample: (state: GameState, events: readonly GameEvent[]) => void,
): GameState {
  let state = createGame({ seed, difficulty, roundLengthMs: 45_000 });
  const ids = Array.from({ length: players }, (_, i) => `bot${i}`);
  for (const id of ids) {
    const r = joinPlayer(state, { id, name: `Chef ${id}` });
    state = r.state;
    sample(state, r.events);
  }
  let r = startGame(state);
  state = r.state;
  sample(state, r.events);
  // An audience event from the start (votes come once a minute).
  r = startAudienceEvent(state, EVENT_IDS[seed % EVENT_IDS.length], 0);
  state = r.state;
  sample(state, r.events);
  const team = createBotTeam(ids, seed % 2 ? "first-timer" : "expert");
  for (let i = 0; i < 4_000 && state.phase === "playing"; i++) {
    r = step(state, botCommands(team, state), 16);
    state = r.state;
    const prompt = state.audience.prompt;
    if (
      prompt && prompt.about === "event" && state.clockMs >= prompt.closesMs
    ) {
      state = closeAudienceVote(state, {
        promptId: prompt.id,
        counts: [],
        reached: [],
      }).state;
      const kind = EVENT_IDS[i % EVENT_IDS.length];
      const started = startAudienceEvent(state, kind, prompt.id);
      state = started.state;
      sample(state, started.events);
    }
    if (i === 600) {
      const paused = disconnectPlayer(state, ids[0]);
      sample(paused.state, paused.events);
    }
    if (r.events.length > 0 || i % 50 === 0) sample(state, r.events);
  }
  sample(state, []);
  return state;
}

Deno.test("prose() finds English sentences and passes codes, ids and names", () => {
  const names = new Set(["Ann"]);
  assert.deepEqual(
    prose({
      t: "view",
      view: { name: "Ann", actions: [{ id: "buy", say: { key: "act.buy" } }] },
    }, names),
    [],
  );
  assert.deepEqual(
    prose({ t: "feedback", text: "Bought cheese", tone: "good" }, names),
    [".text: Bought cheese"],
  );
  assert.deepEqual(
    prose({ actions: [{ id: "Buy cheese for 3" }] }, names),
    [".actions[0].id: Buy cheese for 3"],
  );
});

Deno.test("The host's messages to phones are codes, ids and names, never prose, over many game states", () => {
  const keys = new Map<string, PhoneWords>();
  const problems = new Set<string>();
  let messages = 0;
  const difficulties: Difficulty[] = [0, 1, 2, 3];
  for (const difficulty of difficulties) {
    for (const players of [1, 3, 5]) {
      const seed = 11 + difficulty * 7 + players;
      playRound(seed, players, difficulty, (state, events) => {
        const names = new Set(state.players.map((p) => p.name));
        for (const raw of messagesOf(state, events)) {
          messages++;
          const wire = JSON.parse(JSON.stringify(raw));
          const parsed = parseHostMessage(wire);
          assert.ok(parsed.ok, JSON.stringify(wire).slice(0, 300));
          for (const p of prose(wire, names)) problems.add(p);
          for (const say of saysOf(parsed.msg)) keys.set(say.key, say);
        }
        const audience = [
          { action: "audienceUpdate", state: audienceViewOf(state) },
          ...(state.audience.prompt
            ? [{
              action: "audiencePrompt",
              prompt: promptViewOf(state.audience.prompt),
            }]
            : []),
        ];
        for (const msg of audience) {
          const schema = msg.action === "audienceUpdate"
            ? AudienceUpdateSchema
            : AudiencePromptSchema;
          assert.ok(v.safeParse(schema, msg).success, JSON.stringify(msg));
          for (const p of prose(msg, names)) problems.add(p);
        }
      });
    }
  }
  assert.deepEqual([...problems], []);
  assert.ok(messages > 2_000, `only ${messages} messages`);
  // The states covered the host's words: buttons, reasons and messages.
  for (
    const key of [
      "act.buy",
      "act.level",
      "act.start",
      "act.restart",
      "act.put_down",
      "act.bake",
      "act.add",
      "act.pick_up",
      "act.deliver",
      "backpack.throw",
      "why.allergic",
      "note.go",
      "note.welcome_vip",
      "note.bought",
      "note.made",
      "note.order_taken",
      "note.event",
      "say.delivered",
    ]
  ) assert.ok(keys.has(key), `no state said ${key}`);
  // Every key said reads in every language, slots filled.
  for (const lang of LANGUAGES) {
    const words = new Translator(lang, catalogue(lang));
    for (const say of keys.values()) {
      const text = hostWords(say, words);
      assert.ok(!/\[\[|\{\w+\}/.test(text), `${lang}: ${say.key}: ${text}`);
    }
  }
});
