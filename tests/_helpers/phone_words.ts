/** The keys the host may say to a phone, read from the protocol's schema. */
import { PhoneWordsSchema } from "../../src/protocol/mod.ts";

/** Every key a `PhoneWords` may carry (each variant's picklist or literal). */
export function phoneWordsKeys(): string[] {
  return PhoneWordsSchema.options.flatMap((option) => {
    const key = option.entries.key;
    return "options" in key ? [...key.options] : [key.literal];
  });
}
