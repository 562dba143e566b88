/**
 * fish-audio-api: a typed client for the Fish Audio HTTP API (unofficial).
 * Everything public is exported from here and nowhere else.
 */
export { FishAudio } from './client.js';
export { Wallet } from './resources/wallet.js';
export {
  TTS,
  ASR,
  collectTimestamps,
  type CollectedTimestamps,
  type ChunkAlignment,
  type TTSRequest,
  type TTSTimestampRequest,
  type TimestampEvent,
  type TranscribeRequest,
  type Transcription,
} from './resources/speech.js';
export { AudioResponse, EventStream } from './http/stream.js';
export { PagePromise } from './http/pagination.js';
export {
  Voices,
  type Voice,
  type VoicePage,
  type VoiceListParams,
  type CreateVoiceParams,
  type UpdateVoiceParams,
  type DesignVoiceParams,
  type VoiceCandidate,
} from './resources/voices.js';
export type { Uploadable } from './http/body.js';
// An interface: the client's methods make these; there is no class to construct or test against.
export type { APIPromise } from './http/api-promise.js';
export {
  DEFAULTS,
  type ClientOptions,
  type ValidationMode,
  type RequestOptions,
  type Fetch,
  type Logger,
} from './options.js';
export { validateResponse } from './validate.js';
export type {
  ApiCredit,
  ApiCreditParams,
  Package,
  PackageParams,
  ParamsOf,
  ResponseOf,
  EventOf,
  RequestArgs,
  ResultOf,
  ItemOf,
} from './types.js';
export type { RawResponse, WithResponse } from './http/response.js';
export type { OperationKey } from './operations.js';
export {
  FishAudioError,
  InvalidOptionError,
  InvalidParameterError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PaymentRequiredError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  InvalidResponseError,
  RealtimeError,
  formatMismatches,
  type ResponseMismatch,
  type ResponseInfo,
  type ValidationIssue,
} from './errors.js';
/** The generated path types of the checked-in spec, for advanced typing needs. */
export type { paths } from './operations.js';
export { VERSION } from './version.js';
