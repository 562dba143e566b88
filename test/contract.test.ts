/**
 * Contract tests: the real client against the spec-driven stand-in. Every body the stand-in
 * serves is collected and checked against the checked-in spec after each test, so the client
 * is only ever exercised with bodies the API is documented to send.
 */
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isDecimal } from '../src/decimal.js';
import {
  AudioResponse,
  AuthenticationError,
  collectTimestamps,
  EventStream,
  FishAudio,
  InternalServerError,
  InvalidOptionError,
  PaymentRequiredError,
  RateLimitError,
  UnprocessableEntityError,
  type Fetch,
} from '../src/index.js';
import {
  operationFor,
  operationKeys,
  documentedStatuses,
  type OperationKey,
} from '../src/operations.js';
import { startStandIn, type StandIn } from '../src/testing/index.js';
import { formatMismatches, validateLoadedResponse } from '../src/validate.js';
import { useFakeClock } from './helpers/clock.js';

const API_CREDIT = 'GET /wallet/{user_id}/api-credit';
const TTS = 'POST /v1/tts';
const TTS_TIMESTAMPS = 'POST /v1/tts/stream/with-timestamp';
const ASR = 'POST /v1/asr';
const AGENTS_CREATE = 'POST /v1/agent/agents';
const BYTES = new Uint8Array(256).map((_, i) => i);

/** Bodies that need more than one field to be spec-valid (the stand-in refuses less). */
const MINIMAL_BODIES: Record<string, Record<string, unknown>> = {
  'POST /model': { title: 'x', type: 'tts', train_mode: 'fast', voices: BYTES },
  'PATCH /v1/agent/agents/{agent_id}/config': { prompt: { system_prompt: 'x' } },
  'POST /v1/agent/phone-calls': { agent_id: 'x', phone_number_id: 'x', to_number: '+15550100' },
  'POST /v1/agent/phone-numbers': { provider: 'twilio', phone_number: '+15550100' },
};

/**
 * The least spec-valid input the client needs for `key`: every path parameter, required
 * headers (their default, the one value `voice-design-1` allows), and one body field (what
 * speech needs, or bytes where the body takes a file), or the whole body where one is not enough.
 */
function minimalParams(key: string): Record<string, unknown> {
  const { parameters, body } = operationFor(key);
  const params: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(parameters)) {
    if (spec.in === 'path') params[name] = spec.types?.includes('integer') ? 1 : 'x';
    if (spec.in === 'header' && spec.required) params[name] = spec.default ?? 's1';
  }
  if (key === TTS || key === TTS_TIMESTAMPS) params.text = 'hello there';
  else if (key === ASR) params.audio = BYTES;
  else if (MINIMAL_BODIES[key]) Object.assign(params, MINIMAL_BODIES[key]);
  else if (body) {
    const field = body.binary[0] ?? body.properties[0]!;
    params[field] = body.binary.includes(field) ? BYTES : 'x';
  }
  return params;
}

interface Served {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

/** Bodies served during the current test; checked and moved to `checked` after each test. */
const served: Served[] = [];
const checked: Served[] = [];

/** The global fetch, keeping a copy of every answer for the spec check. */
const observingFetch: Fetch = async (url, init) => {
  const response = await fetch(url, init);
  const { pathname } = new URL(url);
  served.push({
    method: init.method ?? 'GET',
    path: pathname,
    status: response.status,
    body: await readBody(response.clone()),
  });
  return response;
};

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  return response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
}

/** The operation a request addressed, found independently of the stand-in's own routing. */
function operationAt(method: string, path: string): string | undefined {
  return operationKeys.find((key) => {
    const operation = operationFor(key);
    const pattern = new RegExp(`^${operation.path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return operation.method === method && pattern.test(path);
  });
}

/** How a served body differs from its documented schema, as one line, or `undefined`. */
function driftOf({ method, path, status, body }: Served): string | undefined {
  const key = operationAt(method, path);
  if (!key || typeof body === 'string') return undefined;
  const mismatches = validateLoadedResponse(key as OperationKey, status, body);
  return mismatches.length > 0 ? `${status} ${key}: ${formatMismatches(mismatches)}` : undefined;
}

let standIn: StandIn;

function clientFor(options: { apiKey?: string; maxRetries?: number } = {}): FishAudio {
  return new FishAudio({
    apiKey: options.apiKey ?? standIn.apiKey,
    baseUrl: standIn.url,
    fetch: observingFetch,
    maxRetries: options.maxRetries ?? 0,
    backoff: { initialDelayMs: 5 },
  });
}

/** A request the client would refuse to send, made with the observing fetch. */
function rawFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = { Authorization: `Bearer ${standIn.apiKey}`, ...init.headers };
  return observingFetch(`${standIn.url}${path}`, { ...init, headers });
}

beforeAll(async () => {
  standIn = await startStandIn();
});
afterAll(() => standIn.close());
afterEach(() => {
  const bodies = served.splice(0);
  checked.push(...bodies);
  standIn.reset();
  expect(bodies.map(driftOf).filter(Boolean)).toEqual([]);
});

describe('the client against the stand-in', () => {
  it('reads the default API credit balance', async () => {
    const balance = await clientFor().wallet.getApiCredit();
    expect(balance.credit).toBe('100.0000');
  });

  it('reads a balance set with setBalance', async () => {
    standIn.setBalance('12.3400');
    const balance = await clientFor().wallet.getApiCredit();
    expect(balance.credit).toBe('12.3400');
  });

  it('gets the user_id it asked for echoed back', async () => {
    const balance = await clientFor().wallet.getApiCredit({ user_id: 'u_42' });
    expect(balance.user_id).toBe('u_42');
  });

  it('sends check_free_credit in a form the stand-in accepts', async () => {
    await clientFor().wallet.getApiCredit({ check_free_credit: true });
    expect(standIn.requests[0]?.query).toEqual({ check_free_credit: 'true' });
  });

  it('is recorded with its method, raw path, query and bearer key', async () => {
    await clientFor().wallet.getApiCredit({ user_id: 'a/b', check_free_credit: false });
    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0]).toMatchObject({
      method: 'GET',
      path: '/wallet/a%2Fb/api-credit',
      query: { check_free_credit: 'false' },
      headers: { authorization: `Bearer ${standIn.apiKey}` },
    });
  });

  for (const key of operationKeys) {
    const { status, kind } = operationFor(key).success;
    it(`gets ${key} answered with the documented ${status} ${kind} answer`, async () => {
      const call = clientFor().request(key, minimalParams(key) as never);
      const { data, response } = await call.withResponse();
      expect(response.status).toBe(status);
      // JSON bodies are also checked against the spec after each test, and events by the client.
      if (kind === 'json') expect(validateLoadedResponse(key, status, data)).toEqual([]);
      if (kind === 'json') expect(data).toBeTypeOf('object');
      if (kind === 'empty') expect(data).toBeUndefined();
      if (kind === 'binary')
        expect((await (data as AudioResponse).arrayBuffer()).byteLength).toBeGreaterThan(0);
      if (kind === 'sse')
        expect((await collectTimestamps(data as never)).alignments).not.toEqual([]);
    });
  }

  it('throws AuthenticationError when the stand-in answers 401', async () => {
    standIn.failNext(401);
    await expect(clientFor().wallet.getApiCredit()).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('throws AuthenticationError for a key the stand-in does not accept', async () => {
    const error = await clientFor({ apiKey: 'wrong-key' })
      .wallet.getApiCredit()
      .catch((e) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.body).toMatchObject({ status: 401, message: expect.any(String) });
  });

  it('throws PaymentRequiredError when the stand-in answers 402', async () => {
    standIn.failNext(402);
    await expect(clientFor().wallet.getApiCredit()).rejects.toBeInstanceOf(PaymentRequiredError);
  });

  it('throws UnprocessableEntityError with the details of a 422', async () => {
    const issue = { loc: ['query', 'check_free_credit'], type: 'bool_parsing', msg: 'Not a bool' };
    standIn.failNext(422, [issue]);
    const error = await clientFor()
      .wallet.getApiCredit()
      .catch((e) => e);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error.details).toEqual([issue]);
  });

  it('throws RateLimitError with the Retry-After the stand-in sent', async () => {
    standIn.failNext(429, undefined, { 'Retry-After': '7' });
    const error = await clientFor()
      .wallet.getApiCredit()
      .catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfter).toBe(7);
  });

  it('throws InternalServerError when the stand-in answers 500', async () => {
    standIn.failNext(500);
    await expect(clientFor().wallet.getApiCredit()).rejects.toBeInstanceOf(InternalServerError);
  });

  it('throws InternalServerError when the stand-in answers 503', async () => {
    standIn.failNext(503);
    await expect(clientFor().wallet.getApiCredit()).rejects.toBeInstanceOf(InternalServerError);
  });

  it('retries a 503 and then reads the balance', async () => {
    standIn.failNext(503);
    const balance = await clientFor({ maxRetries: 1 }).wallet.getApiCredit();
    expect(balance.credit).toBe('100.0000');
    expect(standIn.requests).toHaveLength(2);
  });

  it('gets 422 in the documented shape for a boolean sent as "yes"', async () => {
    const response = await rawFetch('/wallet/self/api-credit?check_free_credit=yes');
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual([
      { loc: ['query', 'check_free_credit'], type: 'bool_parsing', msg: expect.any(String) },
    ]);
  });

  it('gets 422 for a query parameter the spec does not list', async () => {
    const response = await rawFetch('/wallet/self/api-credit?colour=blue');
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject([{ loc: ['query', 'colour'] }]);
  });

  it('gets 404 for a path the spec does not have', async () => {
    const response = await rawFetch('/wallet/self/api-debit');
    expect(response.status).toBe(404);
  });

  it('gets 405 and an Allow header for a method the spec does not document', async () => {
    const response = await rawFetch('/wallet/self/api-credit', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });

  it('gets a body that matches the spec for every documented error status', async () => {
    const statuses = documentedStatuses(API_CREDIT);
    for (const status of statuses.filter((s) => s >= 400)) {
      standIn.failNext(status);
      const response = await rawFetch('/wallet/self/api-credit');
      expect(response.status).toBe(status);
    }
    // The bodies themselves are checked against the spec after each test.
    expect(served.length).toBeGreaterThan(0);
  });

  // Runs last: it looks back over what the tests above received.
  it('checked the bodies of every status exercised above against the spec', () => {
    const statuses = new Set(checked.map((s) => s.status));
    expect([...statuses]).toEqual(
      expect.arrayContaining([200, 401, 402, 404, 405, 422, 429, 500, 503]),
    );
  });
});

describe("the stand-in's own API", () => {
  it('listens on 127.0.0.1 on an ephemeral port', () => {
    expect(standIn.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses a setResponse body that does not match the spec', () => {
    expect(() => standIn.setResponse(API_CREDIT, { credit: 12 })).toThrow(/\/credit/);
  });

  it('refuses setResponse for an operation the spec does not have', () => {
    expect(() => standIn.setResponse('GET /wallet/{user_id}/nothing', {})).toThrow(/no operation/);
  });

  it('merges setResponse over the current body, keeping a set balance', async () => {
    standIn.setBalance('5.0000');
    standIn.setResponse(API_CREDIT, { has_free_credit: true, brand_new: 1 });
    const balance = await clientFor().wallet.getApiCredit();
    expect(balance).toMatchObject({ credit: '5.0000', has_free_credit: true, brand_new: 1 });
  });

  it('keeps a body set on one stand-in out of every other', async () => {
    standIn.setResponse(API_CREDIT, { has_free_credit: true });
    const other = await startStandIn();
    try {
      const client = new FishAudio({ apiKey: other.apiKey, baseUrl: other.url, maxRetries: 0 });
      await expect(client.wallet.getApiCredit()).resolves.toMatchObject({
        has_free_credit: false,
      });
    } finally {
      await other.close();
    }
  });

  it('removes a property set to undefined with setResponse', async () => {
    standIn.setResponse(API_CREDIT, { has_free_credit: undefined });
    const balance = await clientFor().wallet.getApiCredit();
    expect(balance).not.toHaveProperty('has_free_credit');
  });

  it('refuses setBalance("1e3")', () => {
    expect(() => standIn.setBalance('1e3')).toThrow(TypeError);
  });

  it('refuses setBalance("abc")', () => {
    expect(() => standIn.setBalance('abc')).toThrow(TypeError);
  });

  it('serves a failNext body that fits the serving operation though others document another shape', async () => {
    // The wallet documents no 422 body, while the agents' 422 is an object.
    standIn.failNext(422, [{ loc: ['body'], type: 'missing', msg: 'Field required' }]);
    const response = await rawFetch('/wallet/self/api-credit');
    expect(response.status).toBe(422);
  });

  // What the server could not send is refused when failNext is called, naming the argument;
  // before, it threw inside the server and the client waited for its timeout.
  const circular: Record<string, unknown> = { status: 500 };
  circular.self = circular;
  const unsendable: Array<[what: string, args: Parameters<StandIn['failNext']>, option: string]> = [
    ['a status of 200', [200], 'status'],
    ['a status of 600', [600], 'status'],
    ['a status that is not an integer', [500.5], 'status'],
    ['a body with a BigInt', [500, { status: 500, message: 'x', n: 1n }], 'body'],
    ['a circular body', [500, circular], 'body'],
    ['a header value with CR LF', [500, undefined, { 'X-A': 'a\r\nSet-Cookie: b' }], 'headers'],
    ['a header value with LF', [500, undefined, { 'X-A': 'a\nb' }], 'headers'],
    ['a header name with a space', [500, undefined, { 'X A': '1' }], 'headers'],
    ['an empty header name', [500, undefined, { '': '1' }], 'headers'],
    ['a Content-Length header', [500, undefined, { 'Content-Length': '1' }], 'headers'],
  ];
  for (const [what, args, option] of unsendable) {
    it(`refuses failNext with ${what} at once, naming ${option}, and keeps serving`, async () => {
      let thrown: unknown;
      try {
        standIn.failNext(...args);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidOptionError);
      expect((thrown as InvalidOptionError).option).toBe(option);
      // Nothing was queued: the next request is answered normally, and at once.
      const balance = await clientFor().wallet.getApiCredit();
      expect(balance.credit).toBe('100.0000');
    });
  }

  it('refuses a setResponse body with a BigInt, naming the body', () => {
    expect(() => standIn.setResponse(API_CREDIT, { extra: 1n })).toThrow(
      expect.objectContaining({ name: 'InvalidOptionError', option: 'body' }),
    );
  });

  // One rule for "a decimal amount": the stand-in takes exactly what `--min` takes.
  for (const amount of ['.5', '+7', '-0.30', '12.3400', '5.', '1e3', ' 5', '', 'NaN']) {
    it(`${isDecimal(amount) ? 'accepts' : 'refuses'} setBalance(${JSON.stringify(amount)}) as isDecimal does`, () => {
      const set = () => standIn.setBalance(amount);
      if (isDecimal(amount)) expect(set).not.toThrow();
      else expect(set).toThrow(TypeError);
    });
  }

  it('serves a string failNext body verbatim as plain text, like the network edge', async () => {
    standIn.failNext(401, 'No permission -- see authorization schemes');
    const error = await clientFor()
      .wallet.getApiCredit()
      .catch((e) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.body).toBe('No permission -- see authorization schemes');
  });

  it('serves queued failures in order, one request each', async () => {
    standIn.failNext(500);
    standIn.failNext(402);
    const client = clientFor();
    await expect(client.wallet.getApiCredit()).rejects.toBeInstanceOf(InternalServerError);
    await expect(client.wallet.getApiCredit()).rejects.toBeInstanceOf(PaymentRequiredError);
    await expect(client.wallet.getApiCredit()).resolves.toMatchObject({ credit: '100.0000' });
  });

  it('restores bodies, drops failures and clears requests on reset', async () => {
    standIn.setBalance('1.0000');
    standIn.failNext(500);
    await rawFetch('/wallet/self/api-credit?x=1');
    standIn.reset();
    expect(standIn.requests).toEqual([]);
    await expect(clientFor().wallet.getApiCredit()).resolves.toMatchObject({ credit: '100.0000' });
  });

  it('accepts the key and starting credit it is given', async () => {
    const custom = await startStandIn({ apiKey: 'sk-custom', credit: '0' });
    try {
      const client = new FishAudio({ apiKey: 'sk-custom', baseUrl: custom.url, maxRetries: 0 });
      await expect(client.wallet.getApiCredit()).resolves.toMatchObject({ credit: '0' });
    } finally {
      await custom.close();
    }
  });

  it('refuses a starting credit that is not a decimal string', async () => {
    await expect(startStandIn({ credit: '1e3' })).rejects.toThrow(TypeError);
  });

  it('closes keep-alive connections so nothing is left open', async () => {
    const closing = await startStandIn();
    const client = new FishAudio({ apiKey: closing.apiKey, baseUrl: closing.url, maxRetries: 0 });
    await client.wallet.getApiCredit();
    await closing.close();
    await expect(fetch(`${closing.url}/wallet/self/api-credit`)).rejects.toThrow();
  });
});

describe('the stand-in and speech', () => {
  /** A stand-in of its own, paced as given, with a client that hands streams over at once. */
  async function paced(options: { ttsChunks?: number; ttsChunkDelayMs?: number } = {}) {
    const api = await startStandIn(options);
    const client = new FishAudio({ apiKey: api.apiKey, baseUrl: api.url, maxRetries: 0 });
    return { api, client };
  }

  // On a fake clock the stand-in sends nothing after its first piece until the test moves time
  // on by the pause: each piece is seen to arrive before the next one has been sent.
  it('streams TTS audio so the first chunk arrives while the rest is still being sent', async () => {
    const clock = useFakeClock();
    const { api, client } = await paced({ ttsChunks: 3, ttsChunkDelayMs: 150 });
    try {
      const audio = (await client.tts.convert({ text: 'hello' }))[Symbol.asyncIterator]();
      const text = async () => Buffer.from((await audio.next()).value ?? []).toString('latin1');
      expect(await text()).toMatch(/0:hello;$/);
      expect(await clock.timersOf('testing/stand-in.ts')).toEqual([150]);
      const second = text();
      await clock.advance(150);
      expect(await second).toBe('1:hello;');
      const third = text();
      await clock.advance(150);
      expect(await third).toBe('2:hello;');
      expect((await audio.next()).done).toBe(true);
    } finally {
      await api.close();
    }
  });

  it('sends TTS audio that starts with an ID3 header and holds the text once per chunk', async () => {
    const { api, client } = await paced({ ttsChunks: 2 });
    try {
      const audio = await client.tts.convert({ text: 'hello' });
      const text = Buffer.from(await audio.arrayBuffer()).toString('latin1');
      expect(text).toBe('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u00000:hello;1:hello;');
    } finally {
      await api.close();
    }
  });

  const formats: Array<[format: 'mp3' | 'wav' | 'pcm' | 'opus', contentType: string]> = [
    ['mp3', 'audio/mpeg'],
    ['wav', 'audio/wav'],
    ['pcm', 'audio/pcm'],
    ['opus', 'audio/ogg'],
  ];
  for (const [format, contentType] of formats) {
    it(`labels TTS audio in format ${format} as ${contentType}`, async () => {
      const audio = await clientFor().tts.convert({ text: 'x', format });
      expect(audio.contentType).toBe(contentType);
    });
  }

  it('takes a msgpack TTS body and records its reference bytes exactly', async () => {
    const audio = await clientFor().tts.convert({
      text: 'clone',
      references: [{ audio: BYTES, text: 'sample' }],
    });
    expect(audio.contentType).toBe('audio/mpeg');
    expect(standIn.requests[0]?.headers['content-type']).toBe('application/msgpack');
    const sent = standIn.requests[0]?.body as { references: { audio: Uint8Array }[] };
    expect([...sent.references[0]!.audio]).toEqual([...BYTES]);
  });

  it('gets a PaymentRequiredError from TTS after failNext(402)', async () => {
    standIn.failNext(402);
    await expect(clientFor().tts.convert({ text: 'x' })).rejects.toBeInstanceOf(
      PaymentRequiredError,
    );
  });

  it('streams timestamp events that collectTimestamps turns into one alignment per chunk', async () => {
    const { api, client } = await paced({ ttsChunks: 2 });
    try {
      const events = await client.tts.withTimestamps({ text: 'one two three four' });
      const { audio, alignments } = await collectTimestamps(events);
      expect(Buffer.from(audio).toString('latin1')).toMatch(/^ID3.*0:one two;1:three four;$/s);
      expect(alignments.map((a) => [a.chunk_seq, a.chunk_audio_offset_sec, a.content])).toEqual([
        [0, 0, 'one two'],
        [1, 0.5, 'three four'],
      ]);
      expect(alignments[1]!.alignment.segments).toEqual([
        { text: 'three', start: 0, end: 0.25 },
        { text: 'four', start: 0.25, end: 0.5 },
      ]);
    } finally {
      await api.close();
    }
  });

  it('streams timestamp events at the configured pace', async () => {
    const clock = useFakeClock();
    const { api, client } = await paced({ ttsChunks: 2, ttsChunkDelayMs: 200 });
    try {
      const stream = (await client.tts.withTimestamps({ text: 'a b' })) as EventStream<unknown>;
      const events = stream[Symbol.asyncIterator]();
      expect((await events.next()).value).toMatchObject({ chunk_seq: 0, content: 'a' });
      // The second event is held back by a pause of exactly the configured length.
      expect(await clock.timersOf('testing/stand-in.ts')).toEqual([200]);
      const second = events.next();
      await clock.advance(200);
      expect((await second).value).toMatchObject({ chunk_seq: 1, content: 'b' });
      expect((await events.next()).done).toBe(true);
    } finally {
      await api.close();
    }
  });

  it('transcribes an upload with a text that names its byte count', async () => {
    const result = await clientFor().asr.transcribe({ audio: BYTES, language: 'en' });
    expect(result.text).toBe('Stand-in transcript of 256 bytes of audio');
    expect(result.duration).toBe(0.008);
  });

  it('records the multipart parts of an ASR upload, the audio byte for byte', async () => {
    await clientFor().asr.transcribe({ audio: BYTES, language: 'en' });
    const body = standIn.requests[0]?.body as { audio: Uint8Array; language: string };
    expect(body.language).toBe('en');
    expect(body.audio).toBeInstanceOf(Uint8Array);
    expect([...body.audio]).toEqual([...BYTES]);
  });

  it('serves the body set with setResponse for ASR instead of describing the upload', async () => {
    standIn.setResponse(ASR, { text: 'fixed' });
    const result = await clientFor().asr.transcribe({ audio: BYTES });
    expect(result.text).toBe('fixed');
  });
});

describe('the stand-in and request bodies', () => {
  it('answers 422 for an ASR upload without an audio part', async () => {
    const form = new FormData();
    form.append('language', 'en');
    const response = await rawFetch('/v1/asr', { method: 'POST', body: form });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject([{ loc: ['body', 'audio'] }]);
  });

  it('answers 422 for a TTS request without a body', async () => {
    const response = await rawFetch('/v1/tts', { method: 'POST' });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject([{ loc: ['body'], type: 'missing' }]);
  });

  it('answers 415 for a body in an encoding the operation does not offer', async () => {
    const response = await rawFetch('/v1/tts', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(response.status).toBe(415);
  });

  it('answers 422 for a JSON body that does not parse', async () => {
    const response = await rawFetch('/v1/tts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":',
    });
    expect(response.status).toBe(422);
  });

  it('answers 422 for a TTS format the spec does not list', async () => {
    const response = await rawFetch('/v1/tts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x', format: 'flac' }),
    });
    expect(response.status).toBe(422);
  });

  it('answers 422 naming a required header parameter that is missing', async () => {
    const response = await rawFetch('/v1/voice-design', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject([{ loc: ['header', 'model'] }]);
  });

  it('answers 204 with no body for an operation documented as empty', async () => {
    const response = await rawFetch('/v1/agent/agents/a1', { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('serves an operation without auth to a request without a key', async () => {
    const response = await fetch(`${standIn.url}/v1/agent/agents/a1/widget`);
    expect(response.status).toBe(200);
  });

  it('answers 401 for an operation with bearer auth to a request without a key', async () => {
    const response = await fetch(`${standIn.url}/v1/agent/agents`);
    expect(response.status).toBe(401);
  });

  it('echoes a path value the body names, such as agent_id', async () => {
    const agent = await clientFor().request('GET /v1/agent/agents/{agent_id}', {
      agent_id: 'agent-7',
    });
    expect(agent).toMatchObject({ agent_id: 'agent-7' });
  });

  it('refuses setResponse for an operation that answers with no body', () => {
    expect(() => standIn.setResponse('DELETE /v1/agent/agents/{agent_id}', {})).toThrow(
      expect.objectContaining({ name: 'InvalidOptionError', option: 'operationKey' }),
    );
  });
});

describe("the stand-in's options and queued failures", () => {
  const bad: Array<[option: 'ttsChunks' | 'ttsChunkDelayMs', value: unknown]> = [
    ['ttsChunks', 0],
    ['ttsChunks', 1.5],
    ['ttsChunks', 1001],
    ['ttsChunkDelayMs', -1],
    ['ttsChunkDelayMs', 60_001],
    ['ttsChunkDelayMs', '10'],
  ];
  for (const [option, value] of bad) {
    it(`refuses ${option}: ${JSON.stringify(value)} with an InvalidOptionError naming it`, async () => {
      await expect(startStandIn({ [option]: value })).rejects.toThrow(
        expect.objectContaining({ name: 'InvalidOptionError', option }),
      );
    });
  }

  it('answers 500 and fails close() when a queued body does not fit the serving operation', async () => {
    const api = await startStandIn();
    try {
      api.failNext(422, [{ loc: ['body'], type: 'missing', msg: 'x' }]);
      const response = await fetch(`${api.url}/v1/agent/agents`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${api.apiKey}` },
      });
      expect(response.status).toBe(500);
      expect((await response.json()).message).toContain(`does not fit ${AGENTS_CREATE}`);
    } finally {
      await expect(api.close()).rejects.toThrow(/failNext: the queued 422 body/);
    }
  });

  it('answers 500 and fails close() when a queued 401 body has a status of the wrong type', async () => {
    const api = await startStandIn();
    try {
      api.failNext(401, { status: 'no' });
      const response = await fetch(`${api.url}/wallet/self/api-credit`);
      expect((await response.json()).message).toMatch(/\/status/);
    } finally {
      await expect(api.close()).rejects.toThrow(/\/status/);
    }
  });
});

describe('the stand-in and an abandoned upload', () => {
  it('still closes cleanly after a client gave up halfway through a body', async () => {
    const api = await startStandIn();
    const { port } = new URL(api.url);
    // Node announces each request a server takes, just before its handler runs.
    const taken = new Promise<http.IncomingMessage>((resolve) => {
      const onStart = (message: unknown) => {
        diagnostics.unsubscribe('http.server.request.start', onStart);
        resolve((message as { request: http.IncomingMessage }).request);
      };
      diagnostics.subscribe('http.server.request.start', onStart);
    });
    const request = http.request({
      port,
      method: 'POST',
      path: '/v1/asr',
      headers: { 'content-length': '1000' },
    });
    request.on('error', () => {});
    request.write(Buffer.alloc(10));
    const received = await taken;
    request.destroy();
    // The stand-in has seen the upload break off, and dealt with it, before it is closed.
    await new Promise((resolve) => received.once('close', resolve));
    await new Promise(setImmediate);
    expect(api.requests).toHaveLength(0);
    await expect(api.close()).resolves.toBeUndefined();
  });
});

describe('the stand-in and a foreign key', () => {
  it('does not keep a key other than its own in its request log', async () => {
    const api = await startStandIn();
    try {
      const client = new FishAudio({ apiKey: 'sk-real-key-from-env', baseUrl: api.url });
      await client.wallet.getApiCredit().catch(() => undefined);
      expect(api.requests).toHaveLength(1);
      expect(api.requests[0]?.headers.authorization).toBe('[redacted: not the stand-in key]');
      expect(JSON.stringify(api.requests)).not.toContain('sk-real-key-from-env');
    } finally {
      await api.close();
    }
  });
});
