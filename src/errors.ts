/**
 * Everything this package throws is a {@link FishAudioError}. Errors that come from an HTTP
 * response are {@link APIError}s with the status as data, one subclass per status family:
 *
 * ```ts
 * try {
 *   await client.wallet.getApiCredit();
 * } catch (error) {
 *   if (error instanceof RateLimitError) console.log('slow down', error.retryAfter);
 *   else if (error instanceof APIError) console.log(error.status, error.body);
 *   else throw error;
 * }
 * ```
 */
// This module imports nothing of the package, so every other module may import it.

// A registry symbol, the same in every copy of the package (ESM and CJS builds, two versions):
// an error carries its class-name chain under it, which `is()` reads instead of `instanceof`.
const BRAND = Symbol.for('fish-audio-api.error');
/** The name that ends every brand chain: FishAudioError's. */
const BASE_NAME = 'FishAudioError';

/** Base class of every error this package throws. */
export class FishAudioError extends Error {
  override name = 'FishAudioError';
  /**
   * The name `is()` looks for; a string, since minifiers rename classes. Every class here
   * declares its own, or it would inherit its parent's (test/brands.test.ts holds that).
   */
  static readonly errorName: string = BASE_NAME;

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    // Non-enumerable: JSON.stringify and util.inspect of an error stay as they were.
    Object.defineProperty(this, BRAND, { value: brandChain(new.target) });
  }

  /**
   * Whether `value` is an error of this class (or a subclass), thrown by any copy of this
   * package. `instanceof` fails across copies: an error from the `require`d build is not an
   * instance of the `import`ed classes (the dual-package hazard). `AuthenticationError.is(e)`
   * holds for both. False for a parent's or a sibling's error, and for anything that is not an
   * `Error` carrying the brand as its own property: a plain object that copies the brand is no
   * error of this package. A subclass of your own that declares no `errorName` is checked with
   * `instanceof` instead, so that it never answers for its parent's errors.
   */
  static is<E>(this: { readonly errorName: string; prototype: E }, value: unknown): value is E {
    // Error is shared by every copy of the package in a realm; a plain object is no error.
    if (!(value instanceof Error)) return false;
    // A class without a name of its own would inherit its parent's and claim its errors.
    if (!Object.hasOwn(this, 'errorName')) return value instanceof (this as unknown as Function);
    const chain = Object.hasOwn(value, BRAND) ? (value as { [BRAND]?: unknown })[BRAND] : undefined;
    return (
      Array.isArray(chain) &&
      chain[chain.length - 1] === BASE_NAME &&
      chain.includes(this.errorName)
    );
  }
}

/** The `errorName`s from `type` up to FishAudioError, e.g. `['AuthenticationError', 'APIError', 'FishAudioError']`. */
function brandChain(type: unknown): readonly string[] {
  const chain: string[] = [];
  for (let c = type as { errorName?: unknown } | null; c && c !== Function.prototype;) {
    if (Object.hasOwn(c, 'errorName') && typeof c.errorName === 'string') chain.push(c.errorName);
    c = Object.getPrototypeOf(c) as { errorName?: unknown } | null;
  }
  return Object.freeze(chain);
}

/**
 * An option or argument that cannot work: a bad `baseUrl`, a header `fetch` would refuse, a
 * `signal` that is not an `AbortSignal`, an unknown operation key. Thrown before anything is
 * sent, and never retried.
 */
export class InvalidOptionError extends FishAudioError {
  override name = 'InvalidOptionError';
  static override readonly errorName: string = 'InvalidOptionError';
  constructor(
    /** The option's name as you pass it, such as `'baseUrl'` or `'defaultHeaders'`. */
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

/** One way a response body differs from its documented schema. */
export interface ResponseMismatch {
  /** JSON pointer to the value, such as `'/credit'`; `''` is the body itself. */
  pointer: string;
  /** What the spec wants there, such as `'type string'` or `'required property'`. */
  expected: string;
  /** A short rendering of what arrived, such as `'number 12'`, or `'missing'`. */
  actual: string;
}

/** Joins mismatches into one line: `/credit: expected type string, got number 12; …`. */
export function formatMismatches(mismatches: readonly ResponseMismatch[]): string {
  return mismatches
    .map(
      (m) => `${m.pointer === '' ? '(root)' : m.pointer}: expected ${m.expected}, got ${m.actual}`,
    )
    .join('; ');
}

/** A parameter was refused before any request was sent. */
export class InvalidParameterError extends FishAudioError {
  override name = 'InvalidParameterError';
  static override readonly errorName: string = 'InvalidParameterError';
  constructor(
    /** Its name as the spec spells it, or its path in a body (`prosody.speed`, `voices[1]`). */
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

/** Facts about the HTTP exchange that produced an error. */
export interface ResponseInfo {
  /** The HTTP status. */
  status: number;
  /** The response headers. */
  headers: Headers;
  /** Parsed JSON when the body is JSON, otherwise the text (`''` when empty). */
  body: unknown;
  /** How many requests were made, retries included. */
  attempts: number;
}

/** The server answered with a non-2xx status. */
export class APIError extends FishAudioError {
  override name = 'APIError';
  static override readonly errorName: string = 'APIError';
  /** The HTTP status of the response. */
  readonly status: number;
  /** The response headers, e.g. `x-request-id` or `retry-after`. */
  readonly headers: Headers;
  /** Parsed JSON when the body is JSON, otherwise its text (`''` when empty). */
  readonly body: unknown;
  /** How many requests were made, retries included. */
  readonly attempts: number;

  constructor(info: ResponseInfo, advice?: string) {
    super(describeFailure(info, advice));
    this.status = info.status;
    this.headers = info.headers;
    this.body = info.body;
    this.attempts = info.attempts;
  }

  /** Builds the subclass that matches the status. */
  static from(info: ResponseInfo): APIError {
    const ErrorClass = errorClassForStatus(info.status);
    return new ErrorClass(info);
  }

  /** Keeps `JSON.stringify(error)` useful: headers are a class instance and would vanish. */
  toJSON(): Record<string, unknown> {
    return responseJSON(this);
  }
}

/** 400: the request was malformed. Fix the parameters before trying again. */
export class BadRequestError extends APIError {
  override name = 'BadRequestError';
  static override readonly errorName: string = 'BadRequestError';
}

/** 401: the API key is missing, wrong or revoked. */
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
  static override readonly errorName: string = 'AuthenticationError';
  constructor(info: ResponseInfo) {
    super(info, 'Check the API key (FISH_API_KEY or the apiKey option).');
  }
}

/** 402: not enough API credit. API credit is a separate balance from platform credit. */
export class PaymentRequiredError extends APIError {
  override name = 'PaymentRequiredError';
  static override readonly errorName: string = 'PaymentRequiredError';
  constructor(info: ResponseInfo) {
    super(
      info,
      'API credit is separate from platform (web app) credit: top up API credit for this key.',
    );
  }
}

/** 403: the key is valid but may not do this. */
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
  static override readonly errorName: string = 'PermissionDeniedError';
}

/** 404: no such resource (for the wallet: check `user_id`). */
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
  static override readonly errorName: string = 'NotFoundError';
}

/** 409: the request conflicts with the current state. */
export class ConflictError extends APIError {
  override name = 'ConflictError';
  static override readonly errorName: string = 'ConflictError';
}

/** One item of the documented 422 body. */
export interface ValidationIssue {
  /** Where the problem is, e.g. `['query', 'check_free_credit']`. */
  loc: string[];
  /** A machine-readable kind, e.g. `'bool_parsing'`. */
  type: string;
  /** A human-readable explanation. */
  msg: string;
  [key: string]: unknown;
}

/** 422: the server rejected a parameter. `details` holds its per-field explanation. */
export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError';
  static override readonly errorName: string = 'UnprocessableEntityError';
  /** The documented `[{loc, type, msg}]` items, or `[]` when the body has another shape. */
  readonly details: ValidationIssue[];
  constructor(info: ResponseInfo) {
    super(info);
    this.details = Array.isArray(info.body) && info.body.every(isValidationIssue) ? info.body : [];
  }
}

/** 429: too many concurrent requests. `retryAfter` is the server's wait in seconds, if given. */
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
  static override readonly errorName: string = 'RateLimitError';
  /** Seconds the server asked to wait (`Retry-After` or `retry-after-ms`), when it said so. */
  readonly retryAfter: number | undefined;
  constructor(info: ResponseInfo) {
    super(info, 'Reduce the number of concurrent requests or retry later.');
    this.retryAfter = parseRetryAfter(info.headers);
  }
}

/** 5xx: the server or the network edge in front of it failed. Usually worth retrying. */
export class InternalServerError extends APIError {
  override name = 'InternalServerError';
  static override readonly errorName: string = 'InternalServerError';
}

/**
 * No response arrived: DNS, refused or reset connection, TLS failure. Not an {@link APIError}:
 * without a response there is no status, headers or body.
 */
export class APIConnectionError extends FishAudioError {
  override name = 'APIConnectionError';
  static override readonly errorName: string = 'APIConnectionError';
  /** How many requests were made, retries included. */
  readonly attempts: number;
  /**
   * The system's code for the failure when there is one, such as `'ECONNREFUSED'`; `'ERR_BLOCKED_PORT'`
   * for a port that fetch refuses to connect to (9, 25, 6000, …), which is never retried.
   */
  readonly code: string | undefined;

  constructor(
    message: string,
    info: { attempts: number; code?: string | undefined },
    options?: ErrorOptions,
  ) {
    super(message + attemptsNote(info.attempts), options);
    this.attempts = info.attempts;
    this.code = info.code;
  }
}

/** No complete response arrived within the `timeout` option. */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = 'APIConnectionTimeoutError';
  static override readonly errorName: string = 'APIConnectionTimeoutError';
  constructor(timeoutMs: number, info: { attempts: number }) {
    super(
      `The request timed out after ${timeoutMs} ms. Raise the timeout option or retry later.`,
      info,
    );
  }
}

/** The caller's `signal` aborted the request. Its `cause` is the signal's `reason`. */
export class APIUserAbortError extends FishAudioError {
  override name = 'APIUserAbortError';
  static override readonly errorName: string = 'APIUserAbortError';
  constructor(reason?: unknown) {
    super('The request was aborted by its signal.', { cause: reason });
  }
}

/**
 * A realtime session (`fish-audio-api/realtime`) ended badly after its handshake: the server sent
 * `finish: error`, the connection closed before `finish`, or a frame could not be read.
 * Failures before the socket opens keep the HTTP classes (`AuthenticationError`,
 * `APIConnectionError`, …); an idle session is an `APIConnectionTimeoutError`.
 */
export class RealtimeError extends FishAudioError {
  override name = 'RealtimeError';
  static override readonly errorName: string = 'RealtimeError';
  /** The socket's close code when the connection closed (1006: dropped without one). */
  readonly closeCode: number | undefined;
  constructor(message: string, info: { closeCode?: number | undefined } = {}) {
    super(message);
    this.closeCode = info.closeCode;
  }
}

/**
 * A 2xx response whose body is not what the API documents: empty, not JSON, not an object,
 * too large, or (with `validateResponses: 'error'`) not matching the spec's schema.
 */
export class InvalidResponseError extends FishAudioError {
  override name = 'InvalidResponseError';
  static override readonly errorName: string = 'InvalidResponseError';
  /** The (2xx) HTTP status of the response. */
  readonly status: number;
  /** The response headers. */
  readonly headers: Headers;
  /** The body as received: parsed JSON when it parsed, otherwise the text. Nothing is lost. */
  readonly body: unknown;
  /** Each place the body differs from the spec's schema; `[]` for the other problems. */
  readonly mismatches: ResponseMismatch[];
  /** How many requests were made, retries included. */
  readonly attempts: number;
  constructor(info: ResponseInfo, problem: string, mismatches: ResponseMismatch[] = []) {
    super(
      (mismatches.length > 0
        ? `The API answered ${info.status} but ${problem}: ${formatMismatches(mismatches)}.`
        : `The API answered ${info.status} but ${problem}. ${excerpt(info.body)}`.trim()) +
        attemptsNote(info.attempts),
    );
    this.status = info.status;
    this.headers = info.headers;
    this.body = info.body;
    this.mismatches = mismatches;
    this.attempts = info.attempts;
  }

  /** Keeps `JSON.stringify(error)` useful: status, headers, body and mismatches. */
  toJSON(): Record<string, unknown> {
    return { ...responseJSON(this), mismatches: this.mismatches };
  }
}

/** The fields every response-carrying error serialises, headers as a plain object. */
function responseJSON(error: Error & ResponseInfo): Record<string, unknown> {
  return {
    name: error.name,
    message: error.message,
    status: error.status,
    headers: Object.fromEntries(error.headers),
    body: error.body,
    attempts: error.attempts,
  };
}

function attemptsNote(attempts: number): string {
  return attempts > 1 ? ` [after ${attempts} attempts]` : '';
}

function errorClassForStatus(status: number): new (info: ResponseInfo) => APIError {
  switch (status) {
    case 400:
      return BadRequestError;
    case 401:
      return AuthenticationError;
    case 402:
      return PaymentRequiredError;
    case 403:
      return PermissionDeniedError;
    case 404:
      return NotFoundError;
    case 409:
      return ConflictError;
    case 422:
      return UnprocessableEntityError;
    case 429:
      return RateLimitError;
  }
  return isServerError(status) ? InternalServerError : APIError;
}

/** Whether `status` is a 5xx: a server or edge failure (600 and above are no HTTP status). */
export function isServerError(status: number): boolean {
  return status >= 500 && status <= 599;
}

function describeFailure(info: ResponseInfo, advice?: string): string {
  const parts = [`${info.status} ${statusText(info.status)}`.trim()];
  const body = info.body;
  if (isRecord(body) && (typeof body.message === 'string' || typeof body.reason === 'string')) {
    if (typeof body.message === 'string') parts.push(body.message);
    if (typeof body.reason === 'string') parts.push(`(reason: ${body.reason})`);
  } else if (Array.isArray(body) && body.every(isValidationIssue)) {
    parts.push(body.map((i) => `${i.loc.join('.')}: ${i.msg}`).join('; '));
  } else if (typeof body === 'string' && body.trim() !== '') {
    parts.push(excerpt(body));
  } else if (body === '' || body === undefined) {
    parts.push('(empty body)');
  }
  if (advice) parts.push(`— ${advice}`);
  return parts.join(' ') + attemptsNote(info.attempts);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function statusText(status: number): string {
  return STATUS_TEXT[status] ?? '';
}

function excerpt(body: unknown): string {
  let text: string;
  try {
    text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  } catch {
    // A body nested too deeply for JSON.stringify (RangeError): say so rather than throw.
    text = '(a JSON value nested too deeply to show)';
  }
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `Body starts: ${flat.slice(0, 200)}…` : flat ? `Body: ${flat}` : '';
}

/**
 * Reads `retry-after-ms` or `Retry-After` (whole seconds or an HTTP date) as seconds; anything
 * else is ignored, so that a garbled header falls back to normal backoff instead of no wait.
 */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms')?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Number(ms) / 1000;
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  // HTTP dates (RFC 9110 §5.6.7) end in "GMT"; Date.parse alone accepts far too much.
  if (!/GMT$/.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isValidationIssue(value: unknown): value is ValidationIssue {
  return (
    isRecord(value) &&
    Array.isArray(value.loc) &&
    typeof value.type === 'string' &&
    typeof value.msg === 'string'
  );
}
