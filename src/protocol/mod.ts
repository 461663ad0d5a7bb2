/**
 * Every message of Pizza Peers, typed and validated in one place: the one
 * import for server, host and phone.
 *
 * Two channels carry messages:
 * - Signaling (WebSocket to the server), in `./signaling.ts`: clients send
 *   `{ action, ... }`, the server sends `{ type, ... }`.
 * - Game (WebRTC data channel between a phone and the host, or the server
 *   relay when P2P fails), in `./game_messages.ts`: short `{ t, ... }`
 *   objects.
 *
 * Limits, error codes and the parse result both share live in
 * `./shared.ts`. Each shape is one valibot schema; its type is inferred from
 * it. Nothing here imports Deno, the DOM or Phaser.
 *
 * @module
 */
export {
  ERROR_CODES,
  type ErrorCode,
  ErrorCodeSchema,
  MAX_NAME_LENGTH,
  MAX_SDP_LENGTH,
  MAX_TOKEN_LENGTH,
  type ParseResult,
  type ProtocolError,
  ProtocolErrorSchema,
  ROOM_CODE_LENGTH,
  UsernameSchema,
} from "./shared.ts";
export {
  type AnswerMessage,
  AnswerMessageSchema,
  type ClientAction,
  type ClientMessage,
  ClientMessageSchema,
  type IceServer,
  IceServerSchema,
  IceServersRequestSchema,
  parseClientMessage,
  type ParseOptions,
  parseServerMessage,
  type PlayerGoneReason,
  PlayerGoneReasonSchema,
  type PlayerSummary,
  PlayerSummarySchema,
  type RoomClosedReason,
  RoomClosedReasonSchema,
  RoomCodeSchema,
  type ServerMessage,
  ServerMessageSchema,
  type ServerMessageType,
  type SignalData,
  SignalDataSchema,
} from "./signaling.ts";
export {
  type FeedbackTone,
  FeedbackToneSchema,
  type HostMessage,
  HostMessageSchema,
  MAX_GAME_MESSAGE_BYTES,
  parseHostMessage,
  parsePhoneMessage,
  type PhoneMessage,
  PhoneMessageSchema,
  type PlayerView,
  PlayerViewSchema,
} from "./game_messages.ts";
export {
  ALLERGY_EXEMPTIONS,
  EVENT_IDS,
  INGREDIENT_IDS,
  type ItemWords,
  ItemWordsSchema,
  OUTCOME_REASONS,
  type PhoneWords,
  PhoneWordsSchema,
  TOWN_IDS,
} from "./phone_words.ts";
export {
  AudienceCloseSchema,
  AudienceEventViewSchema,
  AudiencePromptSchema,
  AudienceReactSchema,
  type AudienceServerMessage,
  AudienceServerMessageSchema,
  AudienceUpdateSchema,
  type AudienceView,
  AudienceViewSchema,
  AudienceVoteSchema,
  MAX_AUDIENCE_ORDERS,
  MAX_VOTE_OPTIONS,
  REACTION_KINDS,
  ReactionCountsSchema,
  type ReactionKind,
  type VotePromptView,
  VotePromptViewSchema,
  WatchRoomSchema,
} from "./audience.ts";
