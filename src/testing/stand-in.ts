/**
 * A local stand-in for the Fish Audio API, driven by the checked-in spec: it routes by the
 * operation manifest (`src/generated/operations.ts`), refuses requests the spec would not
 * accept, and checks every body it serves against the generated response validators. When the
 * spec gains an operation, a parameter or a status, the stand-in follows without an edit; only
 * the default 200 bodies below are written by hand.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDecimal } from '../decimal.js';
import { formatMismatches, InvalidOptionError } from '../errors.js';
import {
  operationFor,
  operationKeys,
  documentedStatuses,
  isOperationKey,
  loadAllValidators,
  validatorFor,
  type OperationEntry,
  type OperationKey,
} from '../operations.js';
import { isPlainObject, isUsableApiKey } from '../options.js';
import { validateLoadedResponse as validateResponse } from '../validate.js';
import { API_CREDIT, defaultBodies, defaultErrorBody } from './bodies.js';

/** Options for {@link startStandIn}. */
export interface StandInOptions {
  /** The bearer token the stand-in accepts. Default `'test-key'`. */
  apiKey?: string;
  /** The initial API credit, a decimal string. Default `'100.0000'`. */
  credit?: string;
}

/** One request the stand-in received, whatever it answered. */
export interface RecordedRequest {
  /** The HTTP method, such as `'GET'`. */
  method: string;
  /** The path exactly as received, still percent-encoded, without the query string. */
  path: string;
  /** The query parameters, decoded; a repeated name keeps its last value. */
  query: Record<string, string>;
  /** The request headers with lower-case names; repeated headers are joined with `', '`. */
  headers: Record<string, string | undefined>;
}

/** A running stand-in; see {@link startStandIn}. */
export interface StandIn {
  /** Where it listens, `http://127.0.0.1:<port>`: pass it as the client's `baseUrl`. */
  readonly url: string;
  /** The bearer token it accepts. */
  readonly apiKey: string;
  /** Every request received since the start or the last {@link StandIn.reset}, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /**
   * Sets the API credit that `GET /wallet/{user_id}/api-credit` reports.
   * @param credit A decimal string such as `'12.3400'` (the rule `--min` uses too); anything
   *   else throws a `TypeError`.
   */
  setBalance(credit: string): void;
  /**
   * Merges `body` over the 200 body an operation currently serves (a property set to
   * `undefined` is removed). Throws when the result would not match the spec, so a test can
   * never be built on a body the real API is not documented to send, and throws an
   * `InvalidOptionError` (`option: 'body'`) for a body JSON cannot carry (a BigInt, a cycle).
   * @param operationKey A manifest key such as `'GET /wallet/{user_id}/api-credit'`.
   */
  setResponse(operationKey: string, body: Record<string, unknown>): void;
  /**
   * Queues a failure: the next request that reaches an operation gets `status` (400–599)
   * instead of being checked and answered. Several calls queue several failures.
   * @param body Sent as JSON. When omitted: a body that matches the spec when the spec
   *   documents the status (such as `{status, message}`), otherwise `{status, message}`.
   *   A string is sent as is, as `text/plain`, like the network edge's plain-text 401 or
   *   HTML 502. A JSON body for a documented status must match the spec, or this throws.
   * @param headers Extra response headers, such as `{ 'Retry-After': '2' }`.
   * @throws InvalidOptionError naming the argument (`status`, `body` or `headers`) for what
   *   cannot be sent: a status outside 400–599, a body JSON cannot carry (a BigInt, a cycle),
   *   a header name HTTP does not allow, a value with a line break, or a framing header
   *   (`Content-Length`, `Transfer-Encoding`), which the stand-in sets itself. Nothing is
   *   queued then, and the server goes on serving.
   */
  failNext(status: number, body?: unknown, headers?: Record<string, string>): void;
  /** Restores the default bodies and the initial credit, drops queued failures, clears requests. */
  reset(): void;
  /**
   * Closes the server and every open connection. Rejects when a served body failed the
   * stand-in's own check against the spec, so that such a bug cannot go unnoticed.
   */
  close(): Promise<void>;
}

const OK = 200;

/**
 * Starts a stand-in for the Fish Audio API on 127.0.0.1 (an ephemeral port), so code that
 * uses the client can be tested without network or credit.
 *
 * ```ts
 * import { FishAudio, PaymentRequiredError } from 'fish-audio-api';
 * import { startStandIn } from 'fish-audio-api/testing';
 *
 * const api = await startStandIn({ credit: '3.5000' });
 * const client = new FishAudio({ apiKey: api.apiKey, baseUrl: api.url });
 * await client.wallet.getApiCredit(); // { credit: '3.5000', ... }
 * api.failNext(402);
 * await client.wallet.getApiCredit(); // throws PaymentRequiredError
 * await api.close();
 * ```
 *
 * It answers 404 for a path the spec does not have, 405 for a method it does not document,
 * 401 without `Authorization: Bearer <apiKey>`, and 422 (`[{loc, type, msg}]`) for a query
 * parameter the spec does not list, a missing required one, or a value of the wrong type.
 */
export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const apiKey = options.apiKey ?? 'test-key';
  const initialCredit = options.credit ?? '100.0000';
  if (typeof apiKey !== 'string' || !isUsableApiKey(apiKey)) {
    throw new TypeError('apiKey must be a non-empty string of printable ASCII without spaces.');
  }
  checkDecimal('credit', initialCredit);
  let bodies = defaultBodies(initialCredit);
  await loadAllValidators(); // so that every check below can stay synchronous
  selfCheckDefaults(bodies);
  const failures: Failure[] = [];
  const requests: RecordedRequest[] = [];
  const selfCheckFailures: string[] = [];

  const answer = (res: http.ServerResponse, reply: Reply): void => {
    const problem = reply.key && checkServed(reply.key, reply.status, reply.body);
    if (problem) {
      // A bug in the stand-in or a spec it no longer matches: fail this call and close().
      selfCheckFailures.push(problem);
      return write(res, { status: 500, body: { status: 500, message: problem } });
    }
    write(res, reply);
  };

  const server = http.createServer((req, res) => {
    req.resume();
    const request = record(req);
    requests.push(withoutForeignKey(request, apiKey));
    try {
      answer(res, respond(request, req.method ?? '', apiKey, bodies, failures));
    } catch (error) {
      // What the setters let through is sendable, so this is a stand-in bug: the client gets a
      // 500 at once instead of waiting for its timeout, and close() reports it.
      const problem = `stand-in failure: ${error instanceof Error ? error.message : String(error)}`;
      selfCheckFailures.push(problem);
      if (!res.headersSent) write(res, { status: 500, body: { status: 500, message: problem } });
      else res.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  const setResponse = (operationKey: string, body: Record<string, unknown>): void => {
    if (!isOperationKey(operationKey)) {
      throw new Error(
        `setResponse: the spec has no operation ${JSON.stringify(operationKey)} (it has: ${operationKeys.join(', ')}).`,
      );
    }
    if (!isRecord(body)) throw new TypeError('setResponse: body must be a plain object.');
    checkJson('setResponse', body);
    const merged = Object.fromEntries(
      Object.entries({ ...bodies.get(operationKey), ...body }).filter(([, v]) => v !== undefined),
    );
    const mismatches = validateResponse(operationKey as OperationKey, OK, merged);
    if (mismatches.length > 0) {
      throw new TypeError(
        `setResponse: the 200 body of ${operationKey} would not match the spec: ${formatMismatches(mismatches)}`,
      );
    }
    bodies.set(operationKey, merged);
  };

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    setBalance(credit) {
      checkDecimal('setBalance', credit);
      setResponse(API_CREDIT, { credit });
    },
    setResponse,
    failNext(status, body, headers = {}) {
      if (!Number.isInteger(status) || status < 400 || status > 599) {
        throw new InvalidOptionError(
          'status',
          `failNext: status must be an integer from 400 to 599, got ${String(status)}.`,
        );
      }
      if (body !== undefined && typeof body !== 'string') {
        checkJson('failNext', body);
        checkFailureBody(status, body);
      }
      failures.push({ status, body, headers: checkResponseHeaders(headers) });
    },
    reset() {
      bodies = defaultBodies(initialCredit);
      failures.length = 0;
      // Emptied in place: callers may hold on to `requests`.
      requests.length = 0;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      if (selfCheckFailures.length > 0) {
        throw new Error(
          `The stand-in served bodies that do not match the spec:\n${selfCheckFailures.join('\n')}`,
        );
      }
    },
  };
}

interface Failure {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** An answer; `key` names the operation whose documented bodies it must match, if any. */
interface Reply {
  key?: string;
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Issue {
  loc: string[];
  type: string;
  msg: string;
}

/** Decides the answer to one request, in the order the checks are documented. */
function respond(
  request: RecordedRequest,
  method: string,
  apiKey: string,
  bodies: ReadonlyMap<string, Record<string, unknown>>,
  failures: Failure[],
): Reply {
  const candidates = matchPath(request.path);
  if (candidates.length === 0) {
    return errorReply(404, `No operation in the spec has the path ${request.path}`);
  }
  const match = candidates.find((c) => operationFor(c.key).method === method);
  if (!match) {
    const allowed = candidates.map((c) => operationFor(c.key).method);
    const reply = errorReply(
      405,
      `${method} is not allowed here; the spec has ${allowed.join(', ')}`,
    );
    return { ...reply, headers: { Allow: allowed.join(', ') } };
  }
  const { key } = match;
  const failure = failures.shift();
  if (failure) {
    const body = failure.body === undefined ? defaultErrorBody(key, failure.status) : failure.body;
    return { key, status: failure.status, body, headers: failure.headers };
  }
  const auth = checkAuthorization(request.headers.authorization, apiKey);
  if (auth) return { key, ...errorReply(401, auth) };
  const { issues, pathValues } = checkParameters(operationFor(key), match.rawParams, request.query);
  if (issues.length > 0) return { key, status: 422, body: issues };
  const body = bodies.get(key);
  if (!body) {
    return errorReply(
      501,
      `The stand-in has no 200 body for ${key} yet; give it one with setResponse()`,
    );
  }
  return { key, status: OK, body: echoPathValues(operationFor(key), body, pathValues) };
}

function errorReply(status: number, message: string): Reply {
  return { status, body: { status, message } };
}

/** Operations whose path template matches `rawPath`, the most literal template first. */
function matchPath(rawPath: string): { key: string; rawParams: Record<string, string> }[] {
  const found = [];
  for (const key of operationKeys) {
    const operation = operationFor(key);
    const names: string[] = [];
    const pattern = operation.path.replace(/\{([^}]+)\}|[^{]+/g, (part, name?: string) => {
      if (name === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(name);
      // One parameter is exactly one non-empty path segment.
      return '([^/]+)';
    });
    const values = new RegExp(`^${pattern}$`).exec(rawPath);
    if (!values) continue;
    const rawParams = Object.fromEntries(names.map((name, i) => [name, values[i + 1]!]));
    found.push({ key, rawParams, params: names.length });
  }
  // `/wallet/self/x` beats `/wallet/{user_id}/x` should the spec ever have both.
  return found.sort((a, b) => a.params - b.params);
}

/** Why the request is not authorized, or `undefined` when it is. Never repeats the token. */
function checkAuthorization(header: string | undefined, apiKey: string): string | undefined {
  if (!header) return 'Missing API key: send Authorization: Bearer <key>';
  const token = /^Bearer +(\S+) *$/i.exec(header)?.[1];
  if (token === undefined) return 'Malformed Authorization header: expected Bearer <key>';
  return token === apiKey ? undefined : 'Invalid API key';
}

/** Checks path and query values against the operation's parameter list. */
function checkParameters(
  operation: OperationEntry,
  rawParams: Record<string, string>,
  query: Record<string, string>,
): { issues: Issue[]; pathValues: Record<string, string> } {
  const issues: Issue[] = [];
  const pathValues: Record<string, string> = {};
  for (const name of Object.keys(query)) {
    if (operation.parameters[name]?.in !== 'query') {
      issues.push({
        loc: ['query', name],
        type: 'extra_forbidden',
        msg: 'Unknown query parameter',
      });
    }
  }
  for (const [name, spec] of Object.entries(operation.parameters)) {
    let value = spec.in === 'path' ? rawParams[name] : query[name];
    if (value === undefined) {
      if (spec.required)
        issues.push({ loc: [spec.in, name], type: 'missing', msg: 'Field required' });
      continue;
    }
    if (spec.in === 'path') {
      try {
        value = decodeURIComponent(value);
      } catch {
        issues.push({ loc: ['path', name], type: 'value_error', msg: 'Invalid percent-encoding' });
        continue;
      }
      pathValues[name] = value;
    }
    const issue = checkText(spec.types, value);
    if (issue) issues.push({ loc: [spec.in, name], ...issue });
  }
  return { issues, pathValues };
}

// How a value of each JSON type is spelled in a URL. Strings, arrays and objects are not
// checked: any text can be a string, and the spec has no array or object parameters.
const SPELLINGS: Record<string, { pattern: RegExp; type: string; msg: string }> = {
  boolean: {
    pattern: /^(true|false)$/,
    type: 'bool_parsing',
    msg: 'Input should be true or false',
  },
  integer: { pattern: /^-?\d+$/, type: 'int_parsing', msg: 'Input should be a valid integer' },
  number: {
    pattern: /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/,
    type: 'float_parsing',
    msg: 'Input should be a valid number',
  },
};

/** The issue with a URL value that must have one of `types`, or `undefined` when it fits. */
function checkText(
  types: readonly string[] | undefined,
  text: string,
): Omit<Issue, 'loc'> | undefined {
  if (!types) return undefined;
  const checked = types.filter((type) => type !== 'null');
  if (checked.some((type) => !SPELLINGS[type] || SPELLINGS[type].pattern.test(text))) {
    return undefined;
  }
  const spelling = SPELLINGS[checked[0] ?? ''];
  // A parameter that is only `null` cannot be sent at all.
  if (!spelling) return { type: 'value_error', msg: 'Input should be absent' };
  return { type: spelling.type, msg: spelling.msg };
}

/**
 * Path values the body also names are echoed, as the API echoes `user_id`, except the
 * parameter's default, which is an alias (`self`) rather than a value.
 */
function echoPathValues(
  operation: OperationEntry,
  body: Record<string, unknown>,
  pathValues: Record<string, string>,
): Record<string, unknown> {
  const echoed = { ...body };
  for (const [name, value] of Object.entries(pathValues)) {
    if (Object.hasOwn(body, name) && value !== operation.parameters[name]?.default) {
      echoed[name] = value;
    }
  }
  return echoed;
}

/** A description of how a served body fails its documented schema, or `undefined`. */
function checkServed(key: string, status: number, body: unknown): string | undefined {
  // A string body is the edge's non-JSON answer; the spec documents JSON bodies only.
  if (typeof body === 'string') return undefined;
  const mismatches = validateResponse(key as OperationKey, status, body);
  if (mismatches.length === 0) return undefined;
  return `stand-in self-check: its ${status} body for ${key} does not match the spec: ${formatMismatches(mismatches)}`;
}

/**
 * Throws unless every default body (200 and error) matches the checked-in spec. After a spec
 * update that a default body no longer meets, every test that starts a stand-in says so.
 */
function selfCheckDefaults(bodies: ReadonlyMap<string, Record<string, unknown>>): void {
  const problems: string[] = [];
  for (const key of operationKeys) {
    const body = bodies.get(key);
    const problem = body && checkServed(key, OK, body);
    if (problem) problems.push(problem);
    for (const status of documentedStatuses(key)) {
      if (!(status >= 400)) continue;
      const problem = checkServed(key, status, defaultErrorBody(key, status));
      if (problem) problems.push(problem);
    }
  }
  if (problems.length > 0) {
    throw new Error(`Update the default bodies in src/testing/bodies.ts:\n${problems.join('\n')}`);
  }
}

/** Throws unless a JSON `failNext` body matches every documented schema for `status`. */
function checkFailureBody(status: number, body: unknown): void {
  for (const key of operationKeys) {
    const mismatches = validateResponse(key as OperationKey, status, body);
    if (mismatches.length > 0) {
      throw new TypeError(
        `failNext: the ${status} body would not match the spec for ${key}: ${formatMismatches(mismatches)}`,
      );
    }
  }
}

/**
 * Throws unless JSON can carry `body` as it is: `JSON.stringify` throws on a BigInt or a cycle,
 * and would send nothing at all for a function or a symbol.
 */
function checkJson(method: string, body: unknown): void {
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch (error) {
    throw new InvalidOptionError(
      'body',
      `${method}: body cannot be sent as JSON (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  if (text === undefined) {
    throw new InvalidOptionError('body', `${method}: body cannot be sent as JSON.`);
  }
}

// The stand-in frames every body itself; a second length or encoding would corrupt the reply.
const FRAMING_HEADERS = ['content-length', 'transfer-encoding'];

/**
 * Checks `failNext` headers with Node's own validators, the ones `writeHead` would throw from
 * inside the server, so a mistake is the caller's error now. Values are not echoed.
 */
function checkResponseHeaders(headers: unknown): Record<string, string> {
  if (!isPlainObject(headers)) {
    throw new InvalidOptionError('headers', 'failNext: headers must be an object of strings.');
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') {
      throw new InvalidOptionError(
        'headers',
        `failNext: header ${JSON.stringify(name)} must have a string value.`,
      );
    }
    try {
      http.validateHeaderName(name);
      http.validateHeaderValue(name, value);
    } catch {
      throw new InvalidOptionError(
        'headers',
        `failNext: header ${JSON.stringify(name)} cannot be sent: a name must be an HTTP token, and a value cannot hold a line break or control character.`,
      );
    }
    if (FRAMING_HEADERS.includes(name.toLowerCase())) {
      throw new InvalidOptionError(
        'headers',
        `failNext: the stand-in sets ${name} itself, from the body it sends.`,
      );
    }
    out[name] = value;
  }
  return out;
}

function checkDecimal(what: string, value: unknown): void {
  if (!isDecimal(value)) {
    throw new TypeError(
      `${what}: expected a decimal string such as '12.3400', got ${typeof value === 'string' ? JSON.stringify(value) : typeof value}.`,
    );
  }
}

function record(req: http.IncomingMessage): RecordedRequest {
  const target = req.url ?? '';
  const mark = target.indexOf('?');
  const query = new URLSearchParams(mark === -1 ? '' : target.slice(mark + 1));
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }

  return {
    method: req.method ?? '',
    path: mark === -1 ? target : target.slice(0, mark),
    query: Object.fromEntries(query),
    headers,
  };
}

/**
 * A client that fell back to a real FISH_API_KEY must not leave that key in what a test prints
 * (a failing `toEqual` on `requests`, say): any other token than the stand-in's is blanked.
 */
function withoutForeignKey(request: RecordedRequest, apiKey: string): RecordedRequest {
  const auth = request.headers.authorization;
  if (auth === undefined || auth === `Bearer ${apiKey}`) return request;
  return {
    ...request,
    headers: { ...request.headers, authorization: '[redacted: not the stand-in key]' },
  };
}

function write(res: http.ServerResponse, { status, body, headers = {} }: Reply): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res
    .writeHead(status, {
      'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    })
    .end(text);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
