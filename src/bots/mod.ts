/**
 * Player policies for the rules engine: bots that plan what to do next
 * (`planner.ts`), turn plans into moves with yielding (`actor.ts`), and play
 * whole games headless (`headless.ts`); used to fill a room and in tests.
 *
 * @module
 */
export {
  addBot,
  BOT_PROFILES,
  botCommands,
  botIdsOf,
  type BotProfile,
  type BotTeam,
  createBotTeam,
} from "./bot.ts";
