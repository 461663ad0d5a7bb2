/**
 * A floating touch joystick: touching anywhere in its zone puts the stick
 * under the thumb; dragging gives direction and strength.
 *
 * @module
 */
/// <reference lib="dom" />
import { type Stick, stickVector } from "../../phone/joystick_math.ts";

/** Stick radius as a fraction of the zone's shorter side. */
export const STICK_RADIUS_FRACTION = 0.22;
/** Smallest and largest stick radius, in CSS px. */
export const STICK_RADIUS_MIN_PX = 48;
/** Largest stick radius, in CSS px. */
export const STICK_RADIUS_MAX_PX = 110;

/** Elements of a joystick. */
export interface JoystickElements {
  /** The touch area (the whole thumb region). */
  zone: HTMLElement;
  /** The ring drawn under the thumb. */
  base: HTMLElement;
  /** The knob that follows the thumb. */
  knob: HTMLElement;
}

/**
 * Binds pointer events of `zone` and reports every stick change to
 * `onChange`. Returns a function that unbinds everything.
 */
export function bindJoystick(
  elements: JoystickElements,
  onChange: (stick: Stick) => void,
): () => void {
  const { zone, base, knob } = elements;
  let pointerId: number | null = null;
  let centre = { x: 0, y: 0 };
  let radius = STICK_RADIUS_MIN_PX;

  const place = (x: number, y: number) => {
    base.style.left = `${x}px`;
    base.style.top = `${y}px`;
    base.style.width = base.style.height = `${radius * 2}px`;
  };
  const moveKnob = (dx: number, dy: number) => {
    knob.style.transform =
      `translate(calc(-50% + ${dx}px), calc(-50% + ${dy}px))`;
  };
  // The zone is hidden (0 x 0) until the controller shows: the ring is
  // placed again whenever the zone's size changes, so it sits centred from
  // the first frame the zone is drawn, not in a corner until a touch.
  const rest = () => {
    const rect = inner(zone);
    if (rect.width === 0 || rect.height === 0) return;
    radius = stickRadius(rect);
    place(rect.width / 2, rect.height / 2);
    moveKnob(0, 0);
    zone.dataset.active = "false";
  };

  const update = (event: PointerEvent) => {
    const rect = inner(zone);
    let dx = event.clientX - rect.left - centre.x;
    let dy = event.clientY - rect.top - centre.y;
    const stick = stickVector(dx, dy, radius);
    const distance = Math.hypot(dx, dy);
    if (distance > radius) {
      dx = (dx / distance) * radius;
      dy = (dy / distance) * radius;
    }
    moveKnob(dx, dy);
    onChange(stick);
  };

  const down = (event: PointerEvent) => {
    if (pointerId !== null) return;
    event.preventDefault();
    pointerId = event.pointerId;
    try {
      zone.setPointerCapture(event.pointerId);
    } catch {
      // Synthetic pointers cannot always be captured.
    }
    const rect = inner(zone);
    radius = stickRadius(rect);
    centre = {
      x: clamp(event.clientX - rect.left, radius, rect.width - radius),
      y: clamp(event.clientY - rect.top, radius, rect.height - radius),
    };
    place(centre.x, centre.y);
    zone.dataset.active = "true";
    update(event);
  };
  const move = (event: PointerEvent) => {
    if (event.pointerId !== pointerId) return;
    event.preventDefault();
    update(event);
  };
  const up = (event: PointerEvent) => {
    if (event.pointerId !== pointerId) return;
    pointerId = null;
    rest();
    onChange({ x: 0, y: 0 });
  };

  zone.addEventListener("pointerdown", down);
  zone.addEventListener("pointermove", move);
  zone.addEventListener("pointerup", up);
  zone.addEventListener("pointercancel", up);
  addEventListener("resize", rest);
  const sized = new ResizeObserver(() => {
    if (pointerId === null) rest();
  });
  sized.observe(zone);
  rest();
  return () => {
    sized.disconnect();
    zone.removeEventListener("pointerdown", down);
    zone.removeEventListener("pointermove", move);
    zone.removeEventListener("pointerup", up);
    zone.removeEventListener("pointercancel", up);
    removeEventListener("resize", rest);
  };
}

/** A rectangle in viewport px. */
interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The zone's padding box in viewport px: what absolutely placed children are
 * positioned against (the border is not part of it).
 */
function inner(zone: HTMLElement): Box {
  const rect = zone.getBoundingClientRect();
  return {
    left: rect.left + zone.clientLeft,
    top: rect.top + zone.clientTop,
    width: zone.clientWidth,
    height: zone.clientHeight,
  };
}

function stickRadius(rect: Box): number {
  const side = Math.min(rect.width, rect.height);
  return clamp(
    side * STICK_RADIUS_FRACTION,
    STICK_RADIUS_MIN_PX,
    STICK_RADIUS_MAX_PX,
  );
}

function clamp(value: number, min: number, max: number): number {
  return max < min ? (min + max) / 2 : Math.min(max, Math.max(min, value));
}
