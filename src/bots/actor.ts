/**
 * The bots' actor: turns each bot's plan (where to stand, what to do there)
 * into joystick and action commands for one step, and keeps a team of bots
 * from jamming in the town's one-tile roads and kitchen passages.
 *
 * Moving: each bot follows the breadth-first distance field to its plan's
 * tiles. Yielding: players are ranked (people first, then bots in join order,
 * and a bot that has been stuck drops to the bottom for a while); each bot
 * claims its own tile and the next few tiles of its route. A bot whose next
 * tile is claimed by a higher-ranked player, or stands on such a claim, takes
 * a detour around those claims when one is not much longer, and otherwise
 * steps aside to the nearest tile off the higher-ranked routes and waits
 * there. People standing still are walked round, as walls are: they may
 * stand there all round, and a bot must never stay boxed in. Stuck detection uses round time from the state (`clockMs`), never
 * wall-clock time or step counts, so it behaves the same at 16 ms and 100 ms
 * steps.
 *
 * Pure: {@link actTeam} reads the state and the previous motion memory and
 * returns new memory; the path cache is only a memo of distance fields.
 *
 * @module
 */

import { contextActions, type Target, targetOf } from "../game/actions.ts";
import { PLAYER_RADIUS_PX, TILE_SIZE_PX } from "../game/constants.ts";
import { tileCenterPx, tileIndex, tileOfPx } from "../game/tiles.ts";
import type { GameState, Player, PlayerCommand } from "../game/types.ts";
import {
  distanceField,
  fieldAvoiding,
  type PathCache,
  routeFrom,
  searchAvoiding,
  tileKeyOfPx,
  tileOfKey,
} from "./pathfinding.ts";
import type { BotPlan } from "./planner.ts";

/** Tiles ahead of a player (after its own) that it claims. */
export const CLAIM_TILES = 3;
/** Tiles of a route that lower-ranked bots keep off when stepping aside. */
export const ROUTE_TILES = 10;
/** Round time without getting closer to the goal after which a bot is stuck, ms. */
export const STUCK_MS = 1_500;
/** How long a stuck bot ranks below every other player, ms. */
export const DEMOTE_MS = 2_500;
/** How long a bot that stepped aside keeps ranking below bots on the move, ms. */
export const GIVE_WAY_MS = 1_000;
/** Extra tiles a detour may cost before a bot steps aside instead. */
export const DETOUR_SLACK_TILES = 8;
/** Farthest a bot looks for a tile to step aside to, in tiles. */
const ASIDE_SEARCH_TILES = 12;
/** Gap between two bodies below which they touch, px. */
const CONTACT_PX = 6;
/** Distance to a tile centre below which a bot counts as on it, px. */
const CENTRE_PX = 3;

/** One bot's movement memory. */
export interface Motion {
  /** Key of the goal tiles this memory tracks progress towards. */
  goalKey: string;
  /** Best distance to the goal so far (tiles * 32 + px to the next tile). */
  bestPx: number;
  /** Round time of the last progress, ms. */
  progressAtMs: number;
  /** Round time until which the bot ranks last (it was stuck), ms. */
  demotedUntilMs: number;
  /** Round time until which the bot keeps giving way (it stepped aside), ms. */
  givingWayUntilMs: number;
  /**
   * Round time this bot began giving way (kept while it keeps giving way):
   * of two bots giving way, the one that began first goes first, ms.
   */
  givingWaySinceMs?: number;
}

/** Movement memory of a team, by player id. */
export type TeamMotion = Readonly<Record<string, Motion>>;

/** A bot and its plan for this step (null: nothing to do). */
export interface BotIntent {
  /** The bot's player id. */
  playerId: string;
  /** What the planner wants, or null. */
  plan: BotPlan | null;
}

/** What {@link actTeam} returns. */
export interface ActResult {
  /** Commands for this step, at most one move and one action per bot. */
  commands: PlayerCommand[];
  /** Movement memory for the next step. */
  motion: Record<string, Motion>;
  /** Bots that gave way to a higher-ranked player this step (for tests). */
  yielding: string[];
}

function move(playerId: string, x: number, y: number): PlayerCommand {
  return { playerId, input: { type: "move", x, y } };
}

function act(playerId: string, id: string): PlayerCommand {
  return { playerId, input: { type: "action", id } };
}

function sameTarget(a: Target | null, b: Target | null): boolean {
  return a !== null && b !== null && a.kind === b.kind && a.id === b.id;
}

function goalKeyOf(plan: BotPlan): string {
  return plan.tiles.map((t) => `${t.tx},${t.ty}`).join(";");
}

/** Claims of the players ranked above the bot being moved. */
interface Claims {
  /** Own tiles and the next few tiles of each higher-ranked route. */
  near: Set<number>;
  /** Who claimed each near tile first. */
  owner: Map<number, string>;
  /** Longer stretches of the higher-ranked routes. */
  routes: Set<number>;
  /** Position of each tile along each claimant's route. */
  order: Map<string, Map<number, number>>;
  /** Tiles a higher-ranked body overlaps: never walked through. */
  solid: Set<number>;
  /** Centres of the higher-ranked bodies, px. */
  bodies: { x: number; y: number }[];
  /** Tiles of people standing still: routes go round them. */
  still: Set<number>;
}

function addClaim(
  claims: Claims,
  owner: string,
  route: readonly number[],
  near: number,
): void {
  const order = new Map<number, number>();
  route.forEach((key, i) => {
    if (!order.has(key)) order.set(key, i);
    claims.routes.add(key);
    if (i < near && !claims.near.has(key)) {
      claims.near.add(key);
      claims.owner.set(key, owner);
    }
  });
  claims.order.set(owner, order);
}

/**
 * Whether a higher-ranked claim stands in the way of moving from `here` to
 * `next`: not when its owner walks the same way behind us.
 */
function inTheWay(claims: Claims, here: number, next: number): boolean {
  for (const key of next === here ? [here] : [next, here]) {
    const owner = claims.owner.get(key);
    if (owner === undefined) continue;
    const order = claims.order.get(owner);
    const a = order?.get(here);
    const b = order?.get(next);
    if (next !== here && a !== undefined && b !== undefined && a < b) continue;
    return true;
  }
  return false;
}

/**
 * Moves and acts for every bot with an intent, one step. Players who are not
 * bots (people) rank first and claim their tile and the tile they head for.
 */
export function actTeam(
  state: GameState,
  cache: PathCache,
  intents: readonly BotIntent[],
  previous: TeamMotion,
): ActResult {
  const now = state.clockMs;
  const commands: PlayerCommand[] = [];
  const motion: Record<string, Motion> = {};
  const yielding: string[] = [];
  const botIds = new Set(intents.map((i) => i.playerId));
  const claims: Claims = {
    near: new Set(),
    owner: new Map(),
    routes: new Set(),
    order: new Map(),
    solid: new Set(),
    bodies: [],
    still: new Set(),
  };
  for (const p of state.players) {
    if (botIds.has(p.id) || p.vehicleId !== null) continue;
    claimPerson(claims, p);
  }
  const order = rank(state, intents, previous, now);

  for (const intent of order) {
    const player = state.players.find((p) => p.id === intent.playerId);
    if (!player) continue;
    const before = previous[intent.playerId];
    const result = actOne(state, cache, player, intent.plan, before, claims);
    commands.push(...result.commands);
    if (result.yielded) yielding.push(player.id);
    const next = updateMotion(
      before,
      intent.plan,
      result.progressPx,
      result.waiting,
      now,
    );
    if (result.yielded) {
      const still = (before?.givingWayUntilMs ?? 0) > now;
      next.givingWaySinceMs = still ? before?.givingWaySinceMs ?? now : now;
      next.givingWayUntilMs = now + GIVE_WAY_MS;
    }
    motion[player.id] = next;
    addClaim(claims, player.id, result.route, result.claim);
    addBody(claims, player);
  }
  return { commands, motion, yielding };
}

/**
 * Bots in rank order: going somewhere before giving way, giving way before
 * waiting at the target with nothing to do yet, waiting before idle (no
 * plan), not demoted before demoted, delivering before anything else, then
 * join order.
 */
function rank(
  state: GameState,
  intents: readonly BotIntent[],
  previous: TeamMotion,
  now: number,
): BotIntent[] {
  const joined = new Map(state.players.map((p, i) => [p.id, i]));
  const score = new Map<string, number>();
  for (const intent of intents) {
    const player = state.players.find((p) => p.id === intent.playerId);
    // A bot with nothing to do ranks below everyone: it only steps aside.
    const idle = !player || intent.plan === null;
    // A bot waiting where it wants to be ranks below one that gave way on
    // its way somewhere, or the two would wait for each other.
    const waiting = idle || isWaiting(state, player, intent.plan);
    const givingWay = (previous[intent.playerId]?.givingWayUntilMs ?? 0) > now;
    const demoted = (previous[intent.playerId]?.demotedUntilMs ?? 0) > now;
    // Carrying a pizza to its door goes first: its deadline is nearest.
    const urgent = intent.plan?.action === "deliver" ? 0 : 1;
    score.set(
      intent.playerId,
      (idle ? 16 : 0) + (waiting ? 8 : 0) + (givingWay ? 4 : 0) +
        (demoted ? 2 : 0) + urgent,
    );
  }
  const since = (id: string) =>
    (previous[id]?.givingWayUntilMs ?? 0) > now
      ? previous[id]?.givingWaySinceMs ?? 0
      : 0;
  return [...intents].sort((a, b) =>
    (score.get(a.playerId) ?? 0) - (score.get(b.playerId) ?? 0) ||
    since(a.playerId) - since(b.playerId) ||
    (joined.get(a.playerId) ?? 0) - (joined.get(b.playerId) ?? 0)
  );
}

/** Whether a bot has nowhere to go: no plan, or at its target with nothing to do yet. */
function isWaiting(
  state: GameState,
  player: Player,
  plan: BotPlan | null,
): boolean {
  if (!plan || plan.tiles.length === 0) return plan === null;
  if (!plan.target) {
    const t = tileOfPx(player.x, player.y);
    return plan.tiles.some((g) => g.tx === t.tx && g.ty === t.ty);
  }
  if (!sameTarget(targetOf(state, player), plan.target)) return false;
  return plan.action === null ||
    !contextActions(state, player.id).some((a) => a.id === plan.action);
}

/** Marks the tiles a player's body overlaps as not to be walked through. */
function addBody(claims: Claims, p: Player): void {
  const r = PLAYER_RADIUS_PX;
  claims.bodies.push({ x: p.x, y: p.y });
  for (const [dx, dy] of [[-r, -r], [r, -r], [-r, r], [r, r]]) {
    const key = tileKeyOfPx(p.x + dx, p.y + dy);
    if (key >= 0) claims.solid.add(key);
  }
}

function claimPerson(claims: Claims, p: Player): void {
  const here = tileKeyOfPx(p.x, p.y);
  if (here < 0) return;
  const route = [here];
  if (p.stickX === 0 && p.stickY === 0) claims.still.add(here);
  else {
    const ahead = tileKeyOfPx(p.x + p.stickX * 32, p.y + p.stickY * 32);
    if (ahead >= 0 && ahead !== here) route.push(ahead);
  }
  addClaim(claims, p.id, route, route.length);
  addBody(claims, p);
}

function updateMotion(
  before: Motion | undefined,
  plan: BotPlan | null,
  progressPx: number,
  waiting: boolean,
  now: number,
): Motion {
  const goalKey = plan ? goalKeyOf(plan) : "";
  const demotedUntilMs = before?.demotedUntilMs ?? 0;
  const givingWayUntilMs = before?.givingWayUntilMs ?? 0;
  const fresh = {
    goalKey,
    bestPx: progressPx,
    progressAtMs: now,
    givingWaySinceMs: before?.givingWaySinceMs,
  };
  if (!before || before.goalKey !== goalKey || waiting) {
    return { ...fresh, demotedUntilMs, givingWayUntilMs };
  }
  if (progressPx < before.bestPx - 1) {
    return { ...fresh, demotedUntilMs, givingWayUntilMs };
  }
  if (now - before.progressAtMs >= STUCK_MS) {
    // Stuck: rank last for a while so that others move first, and start over.
    return { ...fresh, demotedUntilMs: now + DEMOTE_MS, givingWayUntilMs };
  }
  return { ...before };
}

interface OneResult {
  commands: PlayerCommand[];
  /** How many tiles of the route are claimed. */
  claim: number;
  route: number[];
  progressPx: number;
  waiting: boolean;
  yielded: boolean;
}

function actOne(
  state: GameState,
  cache: PathCache,
  player: Player,
  plan: BotPlan | null,
  _before: Motion | undefined,
  claims: Claims,
): OneResult {
  const id = player.id;
  const here = tileKeyOfPx(player.x, player.y);
  const still: PlayerCommand[] = player.stickX !== 0 || player.stickY !== 0
    ? [move(id, 0, 0)]
    : [];
  const idle = (extra: PlayerCommand[] = []): OneResult => ({
    commands: [...still, ...extra],
    claim: 1,
    route: [here],
    progressPx: 0,
    waiting: true,
    yielded: false,
  });
  if (plan && plan.tiles.length === 0 && plan.action !== null) {
    return idle([act(id, plan.action)]);
  }
  if (here < 0) return idle();
  if (!plan || plan.tiles.length === 0) {
    return inTheWay(claims, here, here)
      ? stepAside(state, player, here, claims, 0)
      : idle();
  }
  const field = routeField(state, cache, plan, claims.still, here);
  const atTarget = plan.target === null
    ? field[here] === 0
    : sameTarget(targetOf(state, player), plan.target);
  if (atTarget) {
    const available = plan.action !== null &&
      contextActions(state, id).some((a) => a.id === plan.action);
    if (available) return idle([act(id, plan.action as string)]);
    // Waiting here (e.g. for an oven): give way if anyone needs the tile,
    // else stand in the middle of a goal tile, out of the neighbours' way.
    if (inTheWay(claims, here, here)) {
      return stepAside(state, player, here, claims, 0);
    }
    if (field[here] === 0) {
      const c = tileCenterPx(tileOfKey(here).tx, tileOfKey(here).ty);
      if (Math.hypot(c.x - player.x, c.y - player.y) <= CENTRE_PX) {
        return idle();
      }
      return { ...idle(), commands: [towards(id, player, c.x, c.y, 0.3)] };
    }
  }
  const direct = routeFrom(field, here, ROUTE_TILES + 1);
  const progressPx = progressOf(field, here, direct, player);
  const next = direct.length > 1 ? direct[1] : here;
  if (!inTheWay(claims, here, next)) {
    return {
      ...steer(player, direct, plan, field[here] === 0),
      route: direct,
      claim: CLAIM_TILES + 1,
      progressPx,
      waiting: false,
      yielded: false,
    };
  }
  // A higher-ranked player is in the way: go round its claims if that is short.
  const around = searchAvoiding(
    state.town,
    plan.tiles.map((t) => tileIndex(t.tx, t.ty)),
    claims.near,
  ).dist;
  const aroundD = around[here];
  if (
    aroundD >= 0 && !claims.near.has(here) &&
    aroundD <= field[here] + DETOUR_SLACK_TILES
  ) {
    const detour = routeFrom(around, here, ROUTE_TILES + 1);
    return {
      ...steer(player, detour, plan, aroundD === 0),
      route: detour,
      claim: CLAIM_TILES + 1,
      progressPx,
      waiting: false,
      yielded: false,
    };
  }
  return stepAside(state, player, here, claims, progressPx);
}

/**
 * The distance field a bot walks by: round the tiles of people standing
 * still (who may stand there all round, so waiting for them could last
 * forever), unless that leaves the bot no way to its goal.
 */
function routeField(
  state: GameState,
  cache: PathCache,
  plan: BotPlan,
  still: ReadonlySet<number>,
  here: number,
): Int32Array {
  const field = distanceField(cache, state.town, plan.tiles);
  if (still.size === 0) return field;
  const goals = plan.tiles.map((t) => tileIndex(t.tx, t.ty));
  const avoid = [...still].filter((k) => !goals.includes(k) && k !== here);
  if (avoid.length === 0) return field;
  // Always round them, not only when one is ahead: a bot switching between
  // the two fields as it walks would turn back and forth.
  const around = fieldAvoiding(cache, state, goals, avoid);
  return around[here] >= 0 ? around : field;
}

/** Steps aside to the nearest tile off the higher-ranked routes and waits. */
function stepAside(
  state: GameState,
  player: Player,
  here: number,
  claims: Claims,
  progressPx: number,
): OneResult {
  const id = player.id;
  const still: PlayerCommand[] = player.stickX !== 0 || player.stickY !== 0
    ? [move(id, 0, 0)]
    : [];
  const aside = asideRoute(state, player, here, claims);
  if (aside.length <= 1) {
    const centre = tileCenterPx(tileOfKey(here).tx, tileOfKey(here).ty);
    const off = Math.hypot(centre.x - player.x, centre.y - player.y);
    const cmds = aside.length === 1 && off > CENTRE_PX
      ? [towards(id, player, centre.x, centre.y, 0.3)]
      : still;
    return {
      commands: cmds,
      claim: 1,
      route: [here],
      progressPx,
      waiting: aside.length === 1,
      yielded: true,
    };
  }
  const step = tileOfKey(aside[1]);
  const c = tileCenterPx(step.tx, step.ty);
  return {
    commands: [towards(id, player, c.x, c.y, 1)],
    claim: 2,
    route: aside,
    progressPx,
    waiting: true,
    yielded: true,
  };
}

/**
 * The route to the nearest tile that is on no higher-ranked route (the bot's
 * own tile alone when it already stands on one), or [] when there is none.
 */
function asideRoute(
  state: GameState,
  player: Player,
  here: number,
  claims: Claims,
): number[] {
  if (!claims.routes.has(here) && !claims.near.has(here)) return [here];
  // Retreating along a higher-ranked route is fine; walking into a body is
  // not, nor past one that touches us in a one-tile passage.
  const blocked = new Set(claims.solid);
  for (const b of claims.bodies) {
    const dx = b.x - player.x;
    const dy = b.y - player.y;
    if (Math.hypot(dx, dy) > 2 * PLAYER_RADIUS_PX + CONTACT_PX) continue;
    const t = tileOfKey(here);
    const key = Math.abs(dx) >= Math.abs(dy)
      ? tileKeyOf(t.tx + Math.sign(dx), t.ty)
      : tileKeyOf(t.tx, t.ty + Math.sign(dy));
    if (key >= 0) blocked.add(key);
  }
  const { dist, parent } = searchAvoiding(state.town, [here], blocked);
  let best = -1;
  for (let key = 0; key < dist.length; key++) {
    const d = dist[key];
    if (d <= 0 || d > ASIDE_SEARCH_TILES) continue;
    if (claims.routes.has(key) || blocked.has(key)) continue;
    if (best < 0 || d < dist[best]) best = key;
  }
  if (best < 0) return [];
  const path: number[] = [];
  for (let at = best; at >= 0; at = parent[at]) path.push(at);
  return path.reverse();
}

/** Index of tile (tx, ty), or -1 outside the town. */
function tileKeyOf(tx: number, ty: number): number {
  return tileKeyOfPx((tx + 0.5) * TILE_SIZE_PX, (ty + 0.5) * TILE_SIZE_PX);
}

function progressOf(
  field: Int32Array,
  here: number,
  route: number[],
  player: Player,
): number {
  const d = field[here];
  if (d < 0) return Number.MAX_SAFE_INTEGER;
  const next = tileOfKey(route.length > 1 ? route[1] : here);
  const c = tileCenterPx(next.tx, next.ty);
  return d * 32 + Math.hypot(c.x - player.x, c.y - player.y);
}

function towards(
  id: string,
  player: Player,
  x: number,
  y: number,
  speed: number,
): PlayerCommand {
  const dx = x - player.x;
  const dy = y - player.y;
  const len = Math.hypot(dx, dy);
  if (len < 0.5) return move(id, 0, 0);
  return move(id, dx / len * speed, dy / len * speed);
}

/** Walks along a route: towards the next tile's centre, slowing on the goal. */
function steer(
  player: Player,
  route: number[],
  plan: BotPlan,
  onGoal: boolean,
): { commands: PlayerCommand[] } {
  const id = player.id;
  const key = route.length > 1 ? route[1] : route[0];
  const t = tileOfKey(key);
  const c = tileCenterPx(t.tx, t.ty);
  const len = Math.hypot(c.x - player.x, c.y - player.y);
  if (onGoal && len < CENTRE_PX && plan.target === null) {
    return { commands: player.moving ? [move(id, 0, 0)] : [] };
  }
  return {
    commands: [towards(id, player, c.x, c.y, onGoal && len < 8 ? 0.5 : 1)],
  };
}
