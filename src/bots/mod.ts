/**
 * Player policies for the rules engine: bots that plan a route to the next
 * useful place and act there, used to fill a room and to play whole games in
 * tests.
 *
 * @module
 */
export { addBot, botCommands, type BotTeam, createBotTeam } from "./bot.ts";
