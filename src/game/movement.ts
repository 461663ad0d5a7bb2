/**
 * Movement and collision: square hitboxes slide along blocked tiles, with a
 * small assist that steers round corners, and players push each other apart.
 * Inputs are sanitised so that NaN or a stick at exactly (0, 0) never turns
 * into a NaN position.
 *
 * @module
 */

import {
  DRIVE_SPEED_PX_PER_S,
  MAX_MOVE_SUBSTEP_PX,
  PLAYER_RADIUS_PX,
  STICK_DEAD_ZONE,
  TILE_SIZE_PX,
  VEHICLE_RADIUS_PX,
  WALK_SPEED_PX_PER_S,
} from "./constants.ts";
import { walkFactor } from "./audience_effects.ts";
import { isDrivable, isWalkable } from "./tiles.ts";
import type { Facing, GameState, Player } from "./types.ts";

/** Which tiles a mover may enter. */
export type Passable = (tx: number, ty: number) => boolean;

const EDGE_GAP_PX = 0.001;

/**
 * Clamps a joystick reading: non-finite parts become 0, the length is at most
 * 1, and lengths inside the dead zone become (0, 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sanitizeStick } from "./movement.ts";
 * assert.deepEqual(sanitizeStick(Number.NaN, 0), { x: 0, y: 0 });
 * assert.deepEqual(sanitizeStick(3, 4), { x: 0.6, y: 0.8 });
 * ```
 */
export function sanitizeStick(
  x: unknown,
  y: unknown,
): { x: number; y: number } {
  const fx = typeof x === "number" && Number.isFinite(x) ? x : 0;
  const fy = typeof y === "number" && Number.isFinite(y) ? y : 0;
  const len = Math.hypot(fx, fy);
  if (!(len >= STICK_DEAD_ZONE)) return { x: 0, y: 0 };
  return len > 1 ? { x: fx / len, y: fy / len } : { x: fx, y: fy };
}

/** Facing for a stick direction (the dominant axis), or `current` when released. */
export function facingOf(x: number, y: number, current: Facing): Facing {
  if (x === 0 && y === 0) return current;
  if (Math.abs(x) >= Math.abs(y)) return x > 0 ? "right" : "left";
  return y > 0 ? "down" : "up";
}

/**
 * Moves a square hitbox by (dx, dy) px, sliding along blocked tiles.
 *
 * @returns the new centre
 */
export function moveBox(
  passable: Passable,
  x: number,
  y: number,
  dx: number,
  dy: number,
  radius: number,
): { x: number; y: number } {
  const dist = Math.hypot(dx, dy);
  if (!(dist > 0)) return { x, y };
  const steps = Math.ceil(dist / MAX_MOVE_SUBSTEP_PX);
  let px = x;
  let py = y;
  for (let i = 0; i < steps; i++) {
    const sx = dx / steps;
    const sy = dy / steps;
    const nx = moveAxis(passable, px, py, sx, radius, true);
    const blockedX = Math.abs(nx - (px + sx)) > 1e-6;
    px = nx;
    const ny = moveAxis(passable, px, py, sy, radius, false);
    const blockedY = Math.abs(ny - (py + sy)) > 1e-6;
    py = ny;
    // Corner assist: blocked along the main axis but the lane ahead is open.
    if (blockedX && Math.abs(sx) > Math.abs(sy)) {
      py = assist(passable, px, py, sx, Math.abs(sx), radius, true);
    } else if (blockedY && Math.abs(sy) > Math.abs(sx)) {
      px = assist(passable, px, py, sy, Math.abs(sy), radius, false);
    }
  }
  return { x: px, y: py };
}

function moveAxis(
  passable: Passable,
  x: number,
  y: number,
  d: number,
  r: number,
  alongX: boolean,
): number {
  if (d === 0) return alongX ? x : y;
  const pos = alongX ? x : y;
  const other = alongX ? y : x;
  const next = pos + d;
  const lead = d > 0 ? next + r : next - r;
  const leadTile = Math.floor(lead / TILE_SIZE_PX);
  const fromTile = Math.floor((other - r) / TILE_SIZE_PX);
  const toTile = Math.floor((other + r - EDGE_GAP_PX) / TILE_SIZE_PX);
  for (let t = fromTile; t <= toTile; t++) {
    const free = alongX ? passable(leadTile, t) : passable(t, leadTile);
    if (!free) {
      return d > 0
        ? Math.max(pos, leadTile * TILE_SIZE_PX - r - EDGE_GAP_PX)
        : Math.min(pos, (leadTile + 1) * TILE_SIZE_PX + r + EDGE_GAP_PX);
    }
  }
  return next;
}

function assist(
  passable: Passable,
  x: number,
  y: number,
  d: number,
  budget: number,
  r: number,
  alongX: boolean,
): number {
  const pos = alongX ? x : y;
  const other = alongX ? y : x;
  const ahead = Math.floor((pos + Math.sign(d) * (r + 1)) / TILE_SIZE_PX);
  const isOpen = (l: number) =>
    alongX ? passable(ahead, l) : passable(l, ahead);
  const own = Math.floor(other / TILE_SIZE_PX);
  // The lane under the centre, else the neighbouring lane the box overlaps.
  const side = other - (own + 0.5) * TILE_SIZE_PX >= 0 ? 1 : -1;
  const lane = isOpen(own) ? own : own + side;
  if (!isOpen(lane)) return other;
  const centre = (lane + 0.5) * TILE_SIZE_PX;
  const delta = Math.max(-budget, Math.min(budget, centre - other));
  const moved = alongX
    ? moveAxis(passable, x, y, delta, r, false)
    : moveAxis(passable, x, y, delta, r, true);
  return moved;
}

/** What players may walk on in this state's town. */
export function walkable(state: GameState): Passable {
  const tiles = state.town.tiles;
  return (tx, ty) => isWalkable(tiles, tx, ty);
}

/** What vehicles may drive on in this state's town. */
export function drivable(state: GameState): Passable {
  const tiles = state.town.tiles;
  return (tx, ty) => isDrivable(tiles, tx, ty);
}

/** Moves every player (and driven vehicle) by its stick for `dtMs`, then separates players. */
export function movePlayers(state: GameState, dtMs: number): void {
  const walk = walkable(state);
  const drive = drivable(state);
  for (const p of state.players) {
    const stick = sanitizeStick(p.stickX, p.stickY);
    p.moving = stick.x !== 0 || stick.y !== 0;
    p.facing = facingOf(stick.x, stick.y, p.facing);
    if (!p.moving) continue;
    const vehicle = p.vehicleId === null
      ? undefined
      : state.vehicles[p.vehicleId];
    const speed = vehicle
      ? DRIVE_SPEED_PX_PER_S
      : WALK_SPEED_PX_PER_S * walkFactor(state);
    const dx = stick.x * speed * dtMs / 1000;
    const dy = stick.y * speed * dtMs / 1000;
    if (vehicle) {
      const to = moveBox(
        drive,
        vehicle.x,
        vehicle.y,
        dx,
        dy,
        VEHICLE_RADIUS_PX,
      );
      p.stats.drivenPx += Math.hypot(to.x - vehicle.x, to.y - vehicle.y);
      vehicle.x = to.x;
      vehicle.y = to.y;
      vehicle.facing = p.facing;
      p.x = to.x;
      p.y = to.y;
    } else {
      const to = moveBox(walk, p.x, p.y, dx, dy, PLAYER_RADIUS_PX);
      p.stats.walkedPx += Math.hypot(to.x - p.x, to.y - p.y);
      p.x = to.x;
      p.y = to.y;
    }
  }
  separateVehicles(state, walk, drive);
  separatePlayers(state.players, walk);
}

/**
 * Vehicles have weight (GAME.md: the original's cars did): overlapping
 * vehicles are pushed apart, half each, never off the road; a player on foot
 * overlapping a driven vehicle is pushed out of it (the whole way), never
 * into a wall, and when the player is pinned the car is held back, so a car
 * never drives through people. Parked cars can be walked past: roads are
 * one tile wide, and a parked car must not close one to walkers.
 */
export function separateVehicles(
  state: GameState,
  walk: Passable,
  drive: Passable,
): void {
  const vehicles = state.vehicles;
  const carGap = 2 * VEHICLE_RADIUS_PX;
  for (let i = 0; i < vehicles.length; i++) {
    for (let j = i + 1; j < vehicles.length; j++) {
      const a = vehicles[i];
      const b = vehicles[j];
      const n = apart(b.x - a.x, b.y - a.y, carGap, i, j);
      if (!n) continue;
      const ta = moveBox(
        drive,
        a.x,
        a.y,
        -n.x * n.push / 2,
        -n.y * n.push / 2,
        VEHICLE_RADIUS_PX,
      );
      const tb = moveBox(
        drive,
        b.x,
        b.y,
        n.x * n.push / 2,
        n.y * n.push / 2,
        VEHICLE_RADIUS_PX,
      );
      a.x = ta.x;
      a.y = ta.y;
      b.x = tb.x;
      b.y = tb.y;
    }
  }
  for (const v of vehicles) {
    const driver = v.driverId === null
      ? undefined
      : state.players.find((p) => p.id === v.driverId);
    if (driver) {
      driver.x = v.x;
      driver.y = v.y;
    }
  }
  const personGap = VEHICLE_RADIUS_PX + PLAYER_RADIUS_PX;
  for (const [k, p] of state.players.entries()) {
    if (p.vehicleId !== null) continue;
    for (const v of vehicles) {
      // A parked car can be walked past (roads are one tile wide).
      if (v.driverId === null) continue;
      const n = apart(p.x - v.x, p.y - v.y, personGap, v.id, k);
      if (!n) continue;
      const to = moveBox(
        walk,
        p.x,
        p.y,
        n.x * n.push,
        n.y * n.push,
        PLAYER_RADIUS_PX,
      );
      p.x = to.x;
      p.y = to.y;
      // Pinned against a wall: the car stops short instead of running over.
      const left = apart(p.x - v.x, p.y - v.y, personGap, v.id, k);
      if (!left) continue;
      const back = moveBox(
        drive,
        v.x,
        v.y,
        -left.x * left.push,
        -left.y * left.push,
        VEHICLE_RADIUS_PX,
      );
      v.x = back.x;
      v.y = back.y;
      const driver = state.players.find((q) => q.id === v.driverId);
      if (driver) {
        driver.x = v.x;
        driver.y = v.y;
      }
    }
  }
}

/** The unit direction from one centre to another and the overlap, or null if they don't overlap. */
function apart(
  dx: number,
  dy: number,
  gap: number,
  i: number,
  j: number,
): { x: number; y: number; push: number } | null {
  const d = Math.hypot(dx, dy);
  if (d >= gap) return null;
  if (d > 1e-6) return { x: dx / d, y: dy / d, push: gap - d };
  // Exactly on top of each other: a fixed direction per pair.
  const angle = (i * 7 + j * 13) % 16 * Math.PI / 8;
  return { x: Math.cos(angle), y: Math.sin(angle), push: gap };
}

/** Pushes overlapping players on foot apart, half each, never into walls. */
export function separatePlayers(players: Player[], walk: Passable): void {
  const minDist = 2 * PLAYER_RADIUS_PX;
  for (let i = 0; i < players.length; i++) {
    const a = players[i];
    if (a.vehicleId !== null) continue;
    for (let j = i + 1; j < players.length; j++) {
      const b = players[j];
      if (b.vehicleId !== null) continue;
      let nx = b.x - a.x;
      let ny = b.y - a.y;
      const d = Math.hypot(nx, ny);
      if (d >= minDist) continue;
      if (d > 1e-6) {
        nx /= d;
        ny /= d;
      } else {
        // Exactly on top of each other: a fixed direction per pair.
        const angle = (i * 7 + j * 13) % 16 * Math.PI / 8;
        nx = Math.cos(angle);
        ny = Math.sin(angle);
      }
      const push = (minDist - d) / 2;
      const ta = moveBox(
        walk,
        a.x,
        a.y,
        -nx * push,
        -ny * push,
        PLAYER_RADIUS_PX,
      );
      const tb = moveBox(
        walk,
        b.x,
        b.y,
        nx * push,
        ny * push,
        PLAYER_RADIUS_PX,
      );
      a.x = ta.x;
      a.y = ta.y;
      b.x = tb.x;
      b.y = tb.y;
    }
  }
}
