/**
 * The stand-in's refusals are the API's: an operation that documents a 422 gets a 422 of its
 * documented shape (`{status, message, reason?}`, the agent operations); every other
 * operation gets the 422 list `[{loc, type, msg}]` of the API's framework. Its own check of
 * what it serves accepts both, so `close()` resolves after any number of refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedStatuses, operationFor, operationKeys } from '../src/operations.js';
import { startStandIn, type StandIn } from '../src/testing/index.js';
import { validateLoadedResponse } from '../src/validate.js';

let api: StandIn;
beforeAll(async () => {
  api = await startStandIn();
});
afterAll(async () => {
  await api.close();
});

/** The path of `key` with every path parameter filled in. */
function pathOf(key: string): string {
  const { path, parameters } = operationFor(key);
  return path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    parameters[name]?.types?.includes('integer') ? '1' : 'x',
  );
}

function call(key: string, query: string, init: RequestInit = {}): Promise<Response> {
  const { method } = operationFor(key);
  const headers = { Authorization: `Bearer ${api.apiKey}`, ...init.headers };
  return fetch(`${api.url}${pathOf(key)}${query}`, { ...init, method, headers });
}

const documents422 = operationKeys.filter((key) => documentedStatuses(key).includes(422));
const others = operationKeys.filter((key) => !documents422.includes(key));

/** A body each operation that documents a 422 refuses: a list where an object belongs. */
function badBody(key: string): RequestInit {
  if (operationFor(key).body?.encodings.includes('json')) {
    return { body: '[]', headers: { 'content-type': 'application/json' } };
  }
  const form = new FormData();
  form.append('source', 'not a file');
  return { body: form };
}

describe('refusals by operations that document a 422', () => {
  it('are the 11 agent operations', () => {
    expect(documents422).toHaveLength(11);
    expect(documents422.every((key) => key.includes('/v1/agent/'))).toBe(true);
  });

  it.each(documents422)('%s refuses a bad body with its documented 422', async (key) => {
    const response = await call(key, '', { ...badBody(key) });
    const body: unknown = await response.json();
    expect(response.status).toBe(422);
    expect(body).toMatchObject({
      status: 422,
      message: expect.stringMatching(/^Invalid request: body/),
    });
    expect(validateLoadedResponse(key, 422, body)).toEqual([]);
  });
});

describe('a refusal of an unknown query parameter', () => {
  it.each(documents422)('%s answers with an object naming the parameter', async (key) => {
    const response = await call(key, '?colour=blue');
    expect(response.status).toBe(422);
    expect((await response.json()).message).toContain('query.colour');
  });

  it.each(others)('%s answers with the framework list naming the parameter', async (key) => {
    const response = await call(key, '?colour=blue');
    expect(response.status).toBe(422);
    expect(await response.json()).toContainEqual({
      loc: ['query', 'colour'],
      type: 'extra_forbidden',
      msg: expect.any(String),
    });
  });
});

describe('what a refusal says', () => {
  const SENT = 'value-the-user-sent';

  it('names the place of a too-long agent name without repeating the name', async () => {
    const response = await call('POST /v1/agent/agents', '', {
      body: JSON.stringify({ name: SENT.repeat(10) }),
      headers: { 'content-type': 'application/json' },
    });
    const text = await response.text();
    expect(text).toContain('body.name');
    expect(text).not.toContain(SENT);
  });

  it('names the place of a TTS format it does not list without repeating the format', async () => {
    const response = await call('POST /v1/tts', '', {
      body: JSON.stringify({ text: 'a', format: SENT }),
      headers: { 'content-type': 'application/json' },
    });
    const text = await response.text();
    expect(JSON.parse(text)).toContainEqual(expect.objectContaining({ loc: ['body', 'format'] }));
    expect(text).not.toContain(SENT);
  });

  it('puts every place in loc as a string, as the spec documented the list', async () => {
    const response = await call('POST /v1/tts', '', {
      body: JSON.stringify({ text: 'a', references: [{ text: 't' }] }),
      headers: { 'content-type': 'application/json' },
    });
    expect(await response.json()).toContainEqual(
      expect.objectContaining({ loc: ['body', 'references', '0', 'audio'] }),
    );
  });
});

describe("the stand-in's own check of its refusals", () => {
  it('lets close() resolve after it refused a request to every operation', async () => {
    const own = await startStandIn();
    for (const key of operationKeys) {
      const { method } = operationFor(key);
      const response = await fetch(`${own.url}${pathOf(key)}?colour=blue`, {
        method,
        headers: { Authorization: `Bearer ${own.apiKey}` },
      });
      await response.arrayBuffer();
    }
    await expect(own.close()).resolves.toBeUndefined();
  });
});
