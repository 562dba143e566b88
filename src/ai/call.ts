/**
 * What the speech and transcription models share: the client they call through, how an AI
 * SDK call's signal and headers become the client's per-call options, and the one retry loop.
 */
import { USER_AGENT } from '../http/identity.js';
import type { FishAudio, RequestOptions } from '../index.js';
import type { SocketRuntime } from '../realtime/socket.js';
import { redactor, type Redactor } from '../redact.js';
import { RESOLVED_OPTIONS } from '../resolved-options.js';
import { toAISDKError } from './errors.js';

/** What a model needs of its provider. */
export interface ModelConfig {
  /** The client, made on first use (so the default provider reads FISH_API_KEY only then). */
  client(): FishAudio;
  /** Whether a failed call may be sent again by the AI SDK's `maxRetries`. */
  idempotent: boolean;
  /** @internal Tests choose the WebSocket of streaming speech (as a live session's `runtime`). */
  socketRuntime?: SocketRuntime;
}

/** One AI SDK call on its way to the client. */
export interface Call {
  client: FishAudio;
  redact: Redactor;
  options: RequestOptions;
  /** Maps a failure of this call to what the AI SDK expects. */
  fail(error: unknown, path: string, requestBodyValues: Record<string, unknown>): unknown;
}

/**
 * Prepares a call. `maxRetries: 0`: the AI SDK's `maxRetries` is the one retry loop, so a
 * failure is never retried by both (nine requests for `maxRetries: 2` on each side).
 */
export function startCall(
  config: ModelConfig,
  abortSignal: AbortSignal | undefined,
  headers: Record<string, string | undefined> | undefined,
): Call {
  let client: FishAudio | undefined;
  let redact: Redactor = redactor(null);
  const fail: Call['fail'] = (error, path, requestBodyValues) =>
    toAISDKError(error, {
      url: `${client?.baseUrl ?? ''}${path}`,
      requestBodyValues,
      redact,
      idempotent: config.idempotent,
      signal: abortSignal,
    });
  try {
    client = config.client();
    redact = redactor(client[RESOLVED_OPTIONS]().apiKey);
  } catch (error) {
    // A missing FISH_API_KEY, found on first use: a LoadAPIKeyError, as the SDK's own providers.
    throw fail(error, '', {});
  }
  return {
    client,
    redact,
    options: { signal: abortSignal, headers: callHeaders(headers), maxRetries: 0 },
    fail,
  };
}

/**
 * The call's headers without the unset ones. The SDK sends its own `user-agent` (`ai/7…`),
 * which would replace the client's: the two are joined instead, as the SDK's providers do.
 */
function callHeaders(headers: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] =
      name.toLowerCase() === 'user-agent' ? `${USER_AGENT} ${value}` : value;
  }
  return out;
}

/** Response headers as the AI SDK's plain record, redacted. */
export function headerRecord(headers: Headers, redact: Redactor): Record<string, string> {
  return Object.fromEntries(redact.headers(headers));
}
