/**
 * The audience events' English title and one-line description, for the big
 * screen and the engine's English (phones word events from their own
 * catalogues, by id).
 *
 * @module
 */

import type * as v from "valibot";
import type { AudienceEventKindSchema } from "./state_schema.ts";

/** Title and one-line description of each event, for the TV. */
export const EVENT_WORDS: Readonly<
  Record<
    v.InferOutput<typeof AudienceEventKindSchema>,
    { title: string; blurb: string }
  >
> = {
  rush_hour: { title: "Rush hour", blurb: "Orders come twice as often." },
  generous_tips: { title: "Generous tips", blurb: "Tips are doubled." },
  rain: { title: "Rain", blurb: "Everyone walks slower; cars don't mind." },
  road_works: { title: "Road works", blurb: "A street is closed." },
  free_delivery: {
    title: "Free delivery",
    blurb: "The oldest order waits 30 s longer.",
  },
};
