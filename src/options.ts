/** The client's options, their defaults and their checks, declared once. */
import { InvalidOptionError } from './errors.js';

/** A `fetch` implementation: the global one, or one from a test, a proxy agent or a polyfill. */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** Backoff settings; see `DEFAULTS.backoff`. */
export interface Backoff {
  /** Delay before the first retry, doubled for each further one. */
  initialDelayMs: number;
  /** Upper bound of a computed delay. */
  maxDelayMs: number;
  /** The longest server-requested wait (`Retry-After`) the client sleeps through. */
  maxRetryAfterMs: number;
}

/** Options for `new FishAudio(options)`. Every field is optional; see {@link DEFAULTS}. */
export interface ClientOptions {
  /**
   * The API key, sent as `Authorization: Bearer <key>`.
   * Default: the `FISH_API_KEY` environment variable, where the runtime has one.
   * It cannot be given as an `Authorization` header instead: headers are refused with that name.
   * `null` sends no `Authorization` at all, for a proxy that adds the key itself (a browser app
   * must not hold the key); it is never the default, so a missing key is still an error.
   */
  apiKey?: string | null;
  /**
   * Where the API lives. Default: the `FISH_BASE_URL` environment variable where the runtime
   * has one (so code written for the API runs against a stand-in or proxy unchanged), else
   * `https://api.fish.audio`. Browsers need a proxy of their own here, because the API sends
   * no CORS headers. A trailing slash is fine.
   */
  baseUrl?: string;
  /** A custom `fetch`, called as `fetch(url, init)`. Default: `globalThis.fetch`. */
  fetch?: Fetch;
  /** Headers sent with every request; per-request `headers` override them. */
  defaultHeaders?: Record<string, string>;
  /**
   * How many times a failed request is retried: connection errors, timeouts, 408, 409, 429
   * and 5xx. Never other 4xx. Default 2 (so at most 3 attempts).
   */
  maxRetries?: number;
  /** Milliseconds one attempt may take, body included. Default 60 000. */
  timeout?: number;
  /** Backoff between retries; tests shorten it. Defaults in {@link DEFAULTS}. */
  backoff?: Partial<Backoff>;
  /** Largest response body accepted, in bytes. Default 1 MiB; the credit body is ~300 bytes. */
  maxResponseBytes?: number;
  /**
   * Largest single server-sent event accepted, counted in characters of its text as it
   * accumulates (the API's events are JSON with base64 audio, where a character is a byte): a
   * stream whose unfinished event passes it fails with `InvalidResponseError` at once, and the
   * rest is not read. Default 8 MiB, room for a base64 WAV chunk of a long text chunk. Audio
   * from `tts.convert` has no such bound: it is handed over chunk by chunk, never buffered.
   */
  maxEventBytes?: number;
  /**
   * What to do when a 2xx body (or a streamed event) does not match the spec's schema:
   * `'error'` throws `InvalidResponseError` listing each mismatch; `'warn'` reports each kind of
   * mismatch once through `logger` and returns the body; `'off'` skips the check. Properties the
   * spec does not mention are always accepted: the API adds fields before the spec does.
   * Default: per resource, see `DEFAULTS.validateResponses`: `'error'` for the wallet, whose
   * spec is settled, `'warn'` for the younger, fast-changing rest. Given here, it applies to all.
   */
  validateResponses?: ValidationMode;
  /** Where `'warn'` reports go. Default `console`. The package logs nothing else. */
  logger?: Logger;
}

/** What to do with a 2xx body that does not match the spec. */
export type ValidationMode = 'error' | 'warn' | 'off';

/** The one method the client needs of a logger; `console` has it. */
export interface Logger {
  /** Receives one line per kind of response mismatch. */
  warn(message: string): void;
}

/** Options for a single call, as its last argument. */
export interface RequestOptions {
  /** Aborts the call; it then rejects with `APIUserAbortError` whose `cause` is the reason. */
  signal?: AbortSignal;
  /** Extra headers for this call; they override the client's `defaultHeaders`. */
  headers?: Record<string, string>;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number;
  /** Overrides the client's `timeout` (ms per attempt) for this call. */
  timeout?: number;
  /**
   * Whether this call may be sent twice. Defaults to what its HTTP method says (GET: yes,
   * POST: no); a request that is not idempotent is never retried unless this is `true`.
   */
  idempotent?: boolean;
}

/** The defaults for {@link ClientOptions}, in one place. */
export const DEFAULTS = {
  baseUrl: 'https://api.fish.audio',
  apiKeyEnvVar: 'FISH_API_KEY',
  baseUrlEnvVar: 'FISH_BASE_URL',
  maxRetries: 2,
  timeout: 60_000,
  maxResponseBytes: 1024 * 1024,
  // One event of `tts.withTimestamps` holds one audio chunk in base64: a 300-character text
  // chunk of 48 kHz WAV (~25 s, ~2.4 MB, ~3.2 MB as base64) fits with room to spare.
  maxEventBytes: 8 * 1024 * 1024,
  /**
   * Strict where the spec has settled (a mismatch there is a real surprise), lenient where it
   * changes every few weeks (a strict default would turn each upstream drift into an outage).
   */
  validateResponses: { wallet: 'error', default: 'warn' } as const satisfies Record<
    string,
    ValidationMode
  >,
  backoff: {
    initialDelayMs: 500,
    maxDelayMs: 8_000,
    // Longer waits than this are the caller's decision: the error carries `retryAfter`.
    maxRetryAfterMs: 60_000,
  },
} as const;

/**
 * The longest `timeout` a timer can hold: setTimeout fires at once for delays above
 * 2^31 - 1 ms (about 24.8 days), which would time out every request immediately.
 */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Whether this runtime has `process.env` to read (Node, Bun, Deno); edge runtimes (Cloudflare
 * Workers, Vercel's edge) and browsers pass their settings in other ways.
 */
export function hasEnv(): boolean {
  const process = (globalThis as { process?: { env?: unknown } }).process;
  return typeof process?.env === 'object' && process.env !== null;
}

/** Reads an environment variable where the runtime has `process.env` (Node, Bun, Deno's compat). */
export function readEnv(name: string): string | undefined {
  let value: string | undefined;
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
      ?.env;
    value = env?.[name]?.trim();
  } catch {
    // Deno without --allow-env throws on reading the environment: treat it as unset.
    return undefined;
  }
  return value ? value : undefined;
}

/** The client's options after defaults and checks: what the client actually runs with. */
export interface ResolvedOptions {
  /** `null`: send no `Authorization` (a proxy adds it). */
  apiKey: string | null;
  baseUrl: string;
  fetch: Fetch;
  /** `defaultHeaders` as header-name → value pairs, names in lower case. */
  defaultHeaders: Record<string, string>;
  maxRetries: number;
  timeout: number;
  backoff: Backoff;
  maxResponseBytes: number;
  maxEventBytes: number;
  /** The mode for a resource (`'wallet'`, `'tts'`, …), the option or the per-resource default. */
  validationFor: (resource: string) => ValidationMode;
  logger: Logger;
}

const CLIENT_OPTIONS = [
  'apiKey',
  'baseUrl',
  'fetch',
  'defaultHeaders',
  'maxRetries',
  'timeout',
  'backoff',
  'maxResponseBytes',
  'maxEventBytes',
  'validateResponses',
  'logger',
] as const satisfies readonly (keyof ClientOptions)[];
const REQUEST_OPTIONS = [
  'signal',
  'headers',
  'maxRetries',
  'timeout',
  'idempotent',
] as const satisfies readonly (keyof RequestOptions)[];
const VALIDATION_MODES: readonly ValidationMode[] = ['error', 'warn', 'off'];

/**
 * Applies {@link DEFAULTS} and refuses, with an {@link InvalidOptionError} naming the option,
 * any value that cannot work. Only own properties count, so nothing inherited is used.
 */
export function resolveOptions(options: ClientOptions = {}): ResolvedOptions {
  const given = ownOptions('options', options, CLIENT_OPTIONS);
  // `null` is the deliberate keyless mode; only `undefined` falls back to the environment.
  const apiKey = given.apiKey === null ? null : (given.apiKey ?? readEnv(DEFAULTS.apiKeyEnvVar));
  if (apiKey === undefined || apiKey === '') {
    throw new InvalidOptionError(
      'apiKey',
      hasEnv()
        ? `No API key. Pass { apiKey } to new FishAudio() or set the ${DEFAULTS.apiKeyEnvVar} environment variable.`
        : // A worker's secrets arrive as bindings (env.FISH_API_KEY), never as process.env.
          'No API key. Pass { apiKey } to new FishAudio(): this runtime has no environment variables to read it from (in a worker, pass the secret from its env binding).',
    );
  }
  if (apiKey !== null && (typeof apiKey !== 'string' || !isUsableApiKey(apiKey))) {
    // Said without echoing the key: fetch's own error would quote the header value.
    throw new InvalidOptionError(
      'apiKey',
      'The API key must be a string of printable ASCII characters without spaces.',
    );
  }
  const validateResponses = given.validateResponses;
  if (validateResponses !== undefined && !VALIDATION_MODES.includes(validateResponses)) {
    throw new InvalidOptionError(
      'validateResponses',
      `validateResponses must be 'error', 'warn' or 'off', got ${describeValue(validateResponses)}.`,
    );
  }
  const fetch =
    given.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
  if (typeof fetch !== 'function') {
    throw new InvalidOptionError('fetch', `fetch must be a function, got ${describeValue(fetch)}.`);
  }
  const logger = given.logger ?? console;
  if (typeof (logger as Partial<Logger> | null)?.warn !== 'function') {
    throw new InvalidOptionError('logger', 'logger must have a warn(message) method.');
  }
  const backoff: Backoff = { ...DEFAULTS.backoff };
  const backoffNames = Object.keys(backoff) as (keyof Backoff)[];
  for (const [name, value] of Object.entries(ownOptions('backoff', given.backoff, backoffNames))) {
    if (value === undefined) continue;
    backoff[name as keyof Backoff] = checkWholeNumber(`backoff.${name}`, value, 0);
  }
  return {
    apiKey,
    baseUrl: resolveBaseUrl(given.baseUrl),
    fetch,
    defaultHeaders: checkHeaders('defaultHeaders', given.defaultHeaders),
    maxRetries: checkRetries(given.maxRetries ?? DEFAULTS.maxRetries),
    timeout: checkTimeout(given.timeout ?? DEFAULTS.timeout),
    backoff,
    maxResponseBytes: checkWholeNumber(
      'maxResponseBytes',
      given.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
      1,
    ),
    maxEventBytes: checkWholeNumber(
      'maxEventBytes',
      given.maxEventBytes ?? DEFAULTS.maxEventBytes,
      1,
    ),
    validationFor: (resource) =>
      validateResponses ??
      (Object.hasOwn(DEFAULTS.validateResponses, resource)
        ? DEFAULTS.validateResponses[resource as keyof typeof DEFAULTS.validateResponses]
        : DEFAULTS.validateResponses.default),
    logger,
  };
}

/** A call's options after checks; `headers` as lower-case name → value pairs. */
export interface ResolvedRequestOptions {
  signal: AbortSignal | undefined;
  headers: Record<string, string>;
  maxRetries: number;
  timeout: number;
  idempotent: boolean | undefined;
}

/** Checks a call's options against the client's, which supply what the call leaves out. */
export function resolveRequestOptions(
  options: RequestOptions | undefined,
  client: ResolvedOptions,
): ResolvedRequestOptions {
  const given = ownOptions('request options', options, REQUEST_OPTIONS);
  const { signal, idempotent } = given;
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new InvalidOptionError(
      'signal',
      `signal must be an AbortSignal, got ${describeValue(signal)}.`,
    );
  }
  if (idempotent !== undefined && typeof idempotent !== 'boolean') {
    throw new InvalidOptionError(
      'idempotent',
      `idempotent must be true or false, got ${describeValue(idempotent)}.`,
    );
  }
  return {
    signal,
    headers:
      given.headers === undefined
        ? client.defaultHeaders
        : { ...client.defaultHeaders, ...checkHeaders('headers', given.headers) },
    maxRetries: given.maxRetries === undefined ? client.maxRetries : checkRetries(given.maxRetries),
    timeout: given.timeout === undefined ? client.timeout : checkTimeout(given.timeout),
    idempotent,
  };
}

/** Whether text can be an HTTP header value: no line breaks or other control characters. */
export function isUsableHeaderValue(value: string): boolean {
  return HEADER_VALUE.test(value);
}

/** Whether a key can travel in an HTTP header: printable ASCII, no spaces. */
export function isUsableApiKey(key: string): boolean {
  return /^[\x21-\x7e]+$/.test(key);
}

/** Checks a `maxRetries` value, from the client options or a single call. */
export function checkRetries(value: unknown): number {
  return checkWholeNumber('maxRetries', value, 0);
}

/** Checks a `timeout` value, from the client options or a single call. */
export function checkTimeout(value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_TIMEOUT_MS) {
    throw new InvalidOptionError(
      'timeout',
      `timeout must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, got ${describeValue(value)}.`,
    );
  }
  return value as number;
}

// Headers the client sets itself, and headers fetch refuses at dispatch (undici throws, which
// would otherwise surface as a retried network error). Lower case.
const RESERVED_HEADERS: Readonly<Record<string, string>> = {
  authorization: 'pass the key as the apiKey option',
  connection: 'fetch manages connections itself',
  'keep-alive': 'fetch manages connections itself',
  'transfer-encoding': 'fetch sets the framing itself',
  upgrade: 'fetch cannot upgrade a connection',
  expect: 'fetch does not support it',
  'content-length': 'fetch computes it from the body',
  'content-type': 'the client sets it from the body it encodes',
  host: 'it comes from baseUrl',
};
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 9110 field values: visible ASCII and obs-text, with inner spaces and tabs.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Checks headers once, up front, so a bad name or value is a clear error naming the option
 * rather than a failed (and retried) request. Returns lower-case names. Values are never
 * echoed: they may be secrets.
 */
export function checkHeaders(option: string, headers: unknown): Record<string, string> {
  if (headers === undefined) return {};
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new InvalidOptionError(option, `${option} must be an object of header names to strings.`);
  }
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = (headers as Record<string, unknown>)[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) {
      throw new InvalidOptionError(
        option,
        `${option} has a header name HTTP cannot carry: ${JSON.stringify(name)}.`,
      );
    }
    if (Object.hasOwn(RESERVED_HEADERS, lower)) {
      throw new InvalidOptionError(
        option,
        `${option} cannot set ${name}: ${RESERVED_HEADERS[lower]}.`,
      );
    }
    if (typeof value !== 'string' || !isUsableHeaderValue(value)) {
      throw new InvalidOptionError(
        option,
        `${option}["${name}"] must be a string without line breaks or control characters.`,
      );
    }
    out[lower] = value;
  }
  return out;
}

/** Whether a value is a plain object (`{}` or `Object.create(null)`), not an array or class. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return typeof AbortSignal !== 'undefined' && value instanceof AbortSignal;
}

/**
 * The own, enumerable properties of an options object; an unknown name is a typo the caller
 * must hear about, with the nearest known name.
 */
function ownOptions<T extends object>(
  option: string,
  value: T | undefined,
  known: readonly string[],
): Partial<T> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError(option, `${option} must be an object.`);
  }
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(value)) {
    if (!known.includes(name)) {
      const near = nearest(name, known);
      throw new InvalidOptionError(
        name,
        `Unknown option "${name}" in ${option}${near ? ` (did you mean "${near}"?)` : ''}.`,
      );
    }
    out[name] = (value as Record<string, unknown>)[name];
  }
  return out as Partial<T>;
}

/**
 * The known name closest to `name`, if one is close enough to be a typo: a case-insensitive
 * edit distance of at most a third of its length (and at least 2).
 */
export function nearest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    const allowed = Math.max(2, Math.floor(candidate.length / 3));
    if (distance <= allowed && distance < bestDistance)
      [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

function checkWholeNumber(name: string, value: unknown, min: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw new InvalidOptionError(
      name,
      `${name} must be a whole number of at least ${min}, got ${describeValue(value)}.`,
    );
  }
  return value as number;
}

/** Describes a value for an error message without echoing a string, which may be a secret. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  return Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * The base URL: the option, else `FISH_BASE_URL`, else the API's. A bad variable is refused
 * naming the variable, since the caller passed no option to look at.
 */
function resolveBaseUrl(given: unknown): string {
  if (given !== undefined) return checkBaseUrl(given);
  const fromEnv = readEnv(DEFAULTS.baseUrlEnvVar);
  if (fromEnv === undefined) return DEFAULTS.baseUrl;
  try {
    return checkBaseUrl(fromEnv);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidOptionError('baseUrl', `${DEFAULTS.baseUrlEnvVar}: ${reason}`);
  }
}

/**
 * Checks and normalises the base URL. Paths are appended to it as text, so a query or
 * fragment (even an empty `?` or `#`) would swallow them, and credentials in a URL end up in
 * logs. Said without echoing the URL, which may hold a secret.
 */
export function checkBaseUrl(value: unknown): string {
  if (typeof value !== 'string') {
    throw new InvalidOptionError(
      'baseUrl',
      `baseUrl must be a string, got ${describeValue(value)}.`,
    );
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim())) {
    // `localhost:3000` would parse as the scheme `localhost:`: say what is missing instead.
    throw new InvalidOptionError(
      'baseUrl',
      'baseUrl must start with http:// or https:// (such as http://localhost:3000).',
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidOptionError('baseUrl', 'baseUrl is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidOptionError(
      'baseUrl',
      `baseUrl must be an http(s) URL, not ${JSON.stringify(url.protocol)}.`,
    );
  }
  if (url.username || url.password || value.includes('?') || value.includes('#')) {
    throw new InvalidOptionError(
      'baseUrl',
      'baseUrl must not contain credentials, a query or a fragment; pass the key as apiKey.',
    );
  }
  if (value !== value.trim()) {
    throw new InvalidOptionError('baseUrl', 'baseUrl must not start or end with white space.');
  }
  return url.href.replace(/\/+$/, '');
}
