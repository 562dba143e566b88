/**
 * This package's errors, as the AI SDK expects them: a failed exchange with the API is an
 * `APICallError` (status, retryability, headers and body, all redacted), a bad argument an
 * `InvalidArgumentError`, a missing key a `LoadAPIKeyError`, and an abort rejects with the
 * signal's reason, as `fetch` does, so the SDK's retry loop recognises it and stops.
 */
import { APICallError, InvalidArgumentError, LoadAPIKeyError } from '@ai-sdk/provider';
import { isRetryable } from '../http/retry.js';
import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  FishAudioError,
  InvalidOptionError,
  InvalidParameterError,
  InvalidResponseError,
} from '../index.js';
import type { Redactor } from '../redact.js';

/** What an error needs to know of the call that failed. */
export interface FailedCall {
  /** The endpoint's URL (the base URL never holds credentials: the client refuses them). */
  url: string;
  /** The request's fields, already free of bytes; redacted again here. */
  requestBodyValues: Record<string, unknown>;
  /** The client's redactor for its key. */
  redact: Redactor;
  /** Whether the caller said the call may be sent twice (the provider's `idempotent`). */
  idempotent: boolean;
  /** The call's abort signal. */
  signal: AbortSignal | undefined;
}

/**
 * The error the AI SDK should see for `error`. Anything that is not this package's error (a
 * bug, a `TypeError` of a custom `fetch`) is returned unchanged.
 */
export function toAISDKError(error: unknown, call: FailedCall): unknown {
  if (!FishAudioError.is(error)) return error;
  // Not a type guard: APIUserAbortError adds nothing to FishAudioError, so its guard's false
  // branch would leave the compiler no type at all.
  if ((APIUserAbortError as { is(value: unknown): boolean }).is(error)) {
    // What fetch rejects with, so that the SDK's isAbortError sees an AbortError.
    return call.signal?.aborted ? call.signal.reason : error;
  }
  const { redact } = call;
  const message = redact.text(error.message);
  if (InvalidOptionError.is(error)) {
    if (error.option === 'apiKey') return new LoadAPIKeyError({ message });
    return new InvalidArgumentError({ argument: error.option, message, cause: error });
  }
  if (InvalidParameterError.is(error)) {
    return new InvalidArgumentError({ argument: error.parameter, message, cause: error });
  }
  const response = APIError.is(error) || InvalidResponseError.is(error) ? error : undefined;
  return new APICallError({
    message,
    url: call.url,
    requestBodyValues: redact.value(call.requestBodyValues),
    statusCode: response?.status,
    responseHeaders: response && Object.fromEntries(redact.headers(response.headers)),
    responseBody: response && bodyText(redact.value(response.body)),
    // The client's own rule: a call that spends credit is sent again only when the caller
    // said it may be; a 2xx the client could not read is never retried.
    isRetryable:
      (APIError.is(error) || APIConnectionError.is(error)) &&
      isRetryable(error, 'POST', call.idempotent),
    data: response && redact.value(response.body),
    cause: error,
  });
}

/** The body as the text `APICallError.responseBody` holds. */
function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  try {
    return JSON.stringify(body) ?? '';
  } catch {
    return String(body);
  }
}
