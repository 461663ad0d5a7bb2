/**
 * A bot that plays like someone in their first round: it plans nothing
 * ahead (the planner's first-timer style: the oldest order it may carry,
 * one ingredient to the table at a time, no pizzas built ahead), and on top
 * of that it is slow to react and now and then walks the wrong way first.
 * Each time its plan changes it stands a moment reading the screen; at a
 * store, table or door it waits a moment before tapping; on some new goals
 * it first walks a few tiles somewhere else; and it does not push the stick
 * all the way.
 *
 * The rules decide nothing here: this only changes which plan the actor
 * walks and how fast. Its chance draws come from a seeded generator kept in
 * the bot's memory, so the same game plays the same way.
 *
 * @module
 */

import { contextActions, targetOf } from "../game/actions.ts";
import { chance, nextInt, type RngHolder, toSeed } from "../game/random.ts";
import { isWalkable, tileOfPx, type TilePos } from "../game/tiles.ts";
import type { GameState, Player, PlayerCommand } from "../game/types.ts";
import type { BotIntent } from "./actor.ts";
import type { BotPlan, PlanStyle } from "./team_memory.ts";

/** The first-timer's planning style: nothing ahead, one ingredient at a time. */
export const FIRST_TIMER_STYLE: PlanStyle = { ahead: false, oneAtATime: true };
/** Shortest and longest moment a first-timer stands still on a new plan, ms. */
export const REACTION_MS: readonly [number, number] = [1_000, 2_500];
/** Shortest and longest wait before tapping an action once there, ms. */
export const TAP_MS: readonly [number, number] = [300, 900];
/** Chance that a new goal starts with a detour. */
export const DETOUR_CHANCE = 0.2;
/** Nearest and farthest tile a detour heads for, in tiles each way. */
export const DETOUR_TILES: readonly [number, number] = [3, 6];
/** Longest a detour lasts before the bot gives it up, ms. */
export const DETOUR_MAX_MS = 6_000;
/** How far a first-timer pushes the stick (1: all the way). */
export const STICK_PUSH = 0.85;

/** One first-timer's memory of its hesitations. */
export interface FirstTimerMemory extends RngHolder {
  /** Key of the plan it last saw. */
  goalKey: string;
  /** Round time before which it stands thinking, ms. */
  readyAtMs: number;
  /** A tile it walks to first, or null. */
  detour: TilePos | null;
  /** Round time the detour is given up, ms. */
  detourUntilMs: number;
  /** Round time it taps the action it stands at, or -1 while not there. */
  tapAtMs: number;
}

/** What {@link firstTimerIntents} returns. */
export interface FirstTimerStep {
  /** The plans the actor walks this step. */
  intents: BotIntent[];
  /** The memory for the next step, by player id. */
  memory: Record<string, FirstTimerMemory>;
}

function planKey(plan: BotPlan | null): string {
  if (!plan) return "";
  const target = plan.target ? `${plan.target.kind}${plan.target.id}` : "-";
  return `${target}|${plan.action}|${
    plan.tiles.map((t) => `${t.tx},${t.ty}`).join(";")
  }`;
}

function fresh(state: GameState, playerId: string): FirstTimerMemory {
  let h = state.town.seed >>> 0;
  for (const c of playerId) h = Math.imul(h ^ c.charCodeAt(0), 0x9e3779b1);
  return {
    rng: toSeed(h),
    goalKey: "",
    readyAtMs: 0,
    detour: null,
    detourUntilMs: 0,
    tapAtMs: -1,
  };
}

/** A walkable tile a few tiles from the player, drawn at random, or null. */
function detourTile(
  state: GameState,
  player: Player,
  rng: RngHolder,
): TilePos | null {
  const here = tileOfPx(player.x, player.y);
  for (let tries = 0; tries < 12; tries++) {
    const reach = nextInt(rng, DETOUR_TILES[0], DETOUR_TILES[1]);
    const dx = nextInt(rng, -reach, reach);
    const dy = (chance(rng, 0.5) ? 1 : -1) * (reach - Math.abs(dx));
    const t = { tx: here.tx + dx, ty: here.ty + dy };
    if (isWalkable(state.town.tiles, t.tx, t.ty)) return t;
  }
  return null;
}

/**
 * The plans first-timers walk this step, from the plans the planner made:
 * nothing while they think, a detour now and then, and a moment before each
 * tap.
 */
export function firstTimerIntents(
  state: GameState,
  intents: readonly BotIntent[],
  previous: Readonly<Record<string, FirstTimerMemory>>,
): FirstTimerStep {
  const now = state.clockMs;
  const memory: Record<string, FirstTimerMemory> = {};
  const out: BotIntent[] = [];
  for (const intent of intents) {
    const player = state.players.find((p) => p.id === intent.playerId);
    const mem: FirstTimerMemory = {
      ...(previous[intent.playerId] ?? fresh(state, intent.playerId)),
    };
    memory[intent.playerId] = mem;
    const plan = intent.plan;
    if (!player || !plan) {
      mem.goalKey = planKey(plan);
      out.push(intent);
      continue;
    }
    const key = planKey(plan);
    if (key !== mem.goalKey) {
      mem.goalKey = key;
      mem.readyAtMs = now + nextInt(mem, REACTION_MS[0], REACTION_MS[1]);
      mem.tapAtMs = -1;
      mem.detour = plan.tiles.length > 0 && chance(mem, DETOUR_CHANCE)
        ? detourTile(state, player, mem)
        : null;
      mem.detourUntilMs = mem.readyAtMs + DETOUR_MAX_MS;
    }
    if (now < mem.readyAtMs) {
      out.push({ playerId: intent.playerId, plan: null });
      continue;
    }
    if (mem.detour) {
      const t = tileOfPx(player.x, player.y);
      const there = t.tx === mem.detour.tx && t.ty === mem.detour.ty;
      if (there || now >= mem.detourUntilMs) mem.detour = null;
      else {
        out.push({
          playerId: intent.playerId,
          plan: { target: null, tiles: [mem.detour], action: null },
        });
        continue;
      }
    }
    out.push({
      playerId: intent.playerId,
      plan: withTapDelay(state, player, plan, mem, now),
    });
  }
  return { intents: out, memory };
}

/** The plan, its action held back until a moment after the bot got there. */
function withTapDelay(
  state: GameState,
  player: Player,
  plan: BotPlan,
  mem: FirstTimerMemory,
  now: number,
): BotPlan {
  if (plan.action === null) return plan;
  const target = targetOf(state, player);
  const there = plan.tiles.length === 0 ||
    (plan.target !== null && target !== null &&
      target.kind === plan.target.kind && target.id === plan.target.id &&
      contextActions(state, player.id).some((a) => a.id === plan.action));
  if (!there) {
    mem.tapAtMs = -1;
    return plan;
  }
  if (mem.tapAtMs < 0) mem.tapAtMs = now + nextInt(mem, TAP_MS[0], TAP_MS[1]);
  return now >= mem.tapAtMs ? plan : { ...plan, action: null };
}

/** A first-timer's stick: never pushed all the way. */
export function softenMoves(
  commands: readonly PlayerCommand[],
): PlayerCommand[] {
  return commands.map((c) =>
    c.input.type === "move"
      ? {
        ...c,
        input: {
          ...c.input,
          x: c.input.x * STICK_PUSH,
          y: c.input.y * STICK_PUSH,
        },
      }
      : c
  );
}
