/**
 * A pure model of the join path for the per-address limits: the policy
 * (`AddressLimits` over `MemoryLimitCounters`) with a fake clock, and a set
 * of live codes standing in for the registry. Shared by the household and
 * attacker tests.
 */
import {
  AddressLimits,
  type AddressLimitSettings,
} from "../../src/server/address_limits.ts";
import {
  type LimitCounters,
  MemoryLimitCounters,
} from "../../src/server/limit_counters.ts";
import { DEFAULTS } from "../../src/server/config.ts";

/** What a join got. */
export type JoinOutcome =
  | "joined"
  | "wrong room"
  | "room closed"
  | "rate limited";

/** The registry's side of the model: live codes, and who sits where. */
export class LimitsModel {
  now = 0;
  readonly limits: AddressLimits;
  readonly live = new Set<string>();
  /** Failed joins that reached the registry for a code never closed lately. */
  probes = 0;

  constructor(
    settings: AddressLimitSettings = DEFAULTS,
    counters?: LimitCounters,
  ) {
    this.limits = new AddressLimits(
      settings,
      counters ?? new MemoryLimitCounters({ now: () => this.now }),
      () => this.now,
    );
  }

  /** A join (or reclaim) as the socket layer and registry handle it. */
  async join(
    address: string,
    room: string,
    token = false,
    action: "joinRoom" | "reclaimRoom" = "joinRoom",
  ): Promise<JoinOutcome> {
    const ask = { action, room, token } as const;
    const verdict = await this.limits.ask(address, ask);
    if (!verdict.ok) {
      return verdict.reason === "room closed" ? "room closed" : "rate limited";
    }
    if (this.live.has(room)) {
      this.limits.seated(address, 1);
      return "joined";
    }
    if (!verdict.closedCode) this.probes++;
    await this.limits.failedJoin(address, ask, verdict.closedCode);
    return "wrong room";
  }

  /** A host opens a room under `code`; false when refused. */
  async create(address: string, code: string): Promise<boolean> {
    const verdict = await this.limits.ask(address, { action: "createRoom" });
    if (!verdict.ok) return false;
    this.live.add(code);
    await this.limits.roomOpened(code);
    this.limits.seated(address, 1);
    return true;
  }

  /** A room closes; `seated` sockets (by address) leave it. */
  async close(code: string, seated: string[]): Promise<void> {
    this.live.delete(code);
    await this.limits.roomClosed(code);
    for (const address of seated) this.limits.seated(address, -1);
  }
}
