/**
 * Voices and paging over real HTTP on 127.0.0.1: list pages walked lazily by the one generic
 * pager (page numbers for voices, cursors for agents), multipart uploads with repeated parts,
 * empty answers as `void`, and designed voices decoded into bytes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FishAudio, PagePromise } from '../src/index.js';
import { nextParams } from '../src/http/pagination.js';
import { BY_PAGE, BY_CURSOR } from './helpers/pagination.js';

interface Seen {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
type Answer = { status?: number; json?: unknown; empty?: boolean };

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server answering each request with `answer(seen)`. */
async function serve(answer: (seen: Seen) => Answer) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const one = {
        method: req.method!,
        url: new URL(req.url!, 'http://x'),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      seen.push(one);
      const { status = 200, json, empty } = answer(one);
      if (empty) res.writeHead(status).end();
      else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new FishAudio({ apiKey: 'sk-voices', baseUrl: url, validateResponses: 'off' });
  return { seen, client };
}

const voice = (n: number) => ({ _id: `v${n}`, title: `Voice ${n}` });
/** Seven voices served in pages of `page_size`. */
const sevenVoices = (seen: Seen): Answer => {
  const number = Number(seen.url.searchParams.get('page_number') ?? 1);
  const size = Number(seen.url.searchParams.get('page_size') ?? 10);
  const all = Array.from({ length: 7 }, (_, i) => voice(i + 1));
  return { json: { total: 7, items: all.slice((number - 1) * size, number * size) } };
};

describe('client.voices.list', () => {
  it('resolves to the first page when awaited', async () => {
    const { client, seen } = await serve(sevenVoices);
    const page = await client.voices.list({ page_size: 3 });
    expect(page.items.map((v) => v._id)).toEqual(['v1', 'v2', 'v3']);
    expect(seen).toHaveLength(1);
  });

  it('walks every page lazily when iterated, stopping once the pages cover the total', async () => {
    const { client, seen } = await serve(sevenVoices);
    const ids: string[] = [];
    for await (const one of client.voices.list({ page_size: 3, self: true })) ids.push(one._id);
    expect(ids).toEqual(['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7']);
    expect(seen.map((s) => s.url.searchParams.get('page_number'))).toEqual([null, '2', '3']);
    expect(seen.every((s) => s.url.searchParams.get('self') === 'true')).toBe(true);
  });

  it('fetches no further page than the loop asks for', async () => {
    const { client, seen } = await serve(sevenVoices);
    for await (const one of client.voices.list({ page_size: 3 })) if (one._id === 'v2') break;
    expect(seen).toHaveLength(1);
  });

  it('is a PagePromise', async () => {
    const { client } = await serve(sevenVoices);
    const list = client.voices.list();
    expect(list).toBeInstanceOf(PagePromise);
    await list;
  });
});

describe('the cursor pager, through client.request', () => {
  it('walks agents across three pages and stops when next_cursor runs out', async () => {
    const pages: Record<string, unknown> = {
      start: { agents: [{ agent_id: 'a1' }], has_more: true, next_cursor: 'c2' },
      c2: { agents: [{ agent_id: 'a2' }], has_more: true, next_cursor: 'c3' },
      c3: { agents: [{ agent_id: 'a3' }], has_more: false, next_cursor: null },
    };
    const { client, seen } = await serve((s) => ({
      json: pages[s.url.searchParams.get('cursor') ?? 'start'],
    }));
    const ids: string[] = [];
    for await (const agent of client.request('GET /v1/agent/agents', { page_size: 1 })) {
      ids.push(agent.agent_id);
    }
    expect(ids).toEqual(['a1', 'a2', 'a3']);
    expect(seen.map((s) => s.url.searchParams.get('cursor'))).toEqual([null, 'c2', 'c3']);
  });
});

describe('when the pager stops', () => {
  const byPage = BY_PAGE;
  const byCursor = BY_CURSOR;
  /** `n` distinct items, and what the pager remembers: `received` items and the cursors seen. */
  const items = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ i: from + i }));
  const progress = (received = 0, cursors: string[] = []) => ({
    received,
    cursors: new Set(cursors),
    previous: undefined as string | undefined,
  });
  it.each([
    ['an empty page', byPage, {}, { total: 100 }, items(0), progress(), undefined],
    [
      'has_more: false',
      byPage,
      { page_size: 2 },
      { total: 100, has_more: false },
      items(2),
      progress(),
      undefined,
    ],
    [
      'items covering total',
      byPage,
      { page_size: 2, page_number: 3 },
      { total: 6 },
      items(2),
      progress(4),
      undefined,
    ],
    [
      'a server that caps page_size, so page numbers alone would skip items',
      byPage,
      { page_size: 100 },
      { total: 50 },
      items(20),
      progress(),
      { page_size: 100, page_number: 2 },
    ],
    [
      'the discovery window',
      byPage,
      { page_size: 10, page_number: 2 },
      { total: 900, accessible_upper_bound: 20 },
      items(10),
      progress(10),
      undefined,
    ],
    [
      'a page inside the window',
      byPage,
      { page_size: 10, page_number: 2 },
      { total: 900, accessible_upper_bound: 40 },
      items(10),
      progress(10),
      { page_size: 10, page_number: 3 },
    ],
    [
      'no next cursor',
      byCursor,
      {},
      { has_more: true, next_cursor: null },
      items(1),
      progress(),
      undefined,
    ],
    [
      'a cursor already followed (a cycle)',
      byCursor,
      { cursor: 'b' },
      { next_cursor: 'a' },
      items(1),
      progress(1, ['a', 'b']),
      undefined,
    ],
    [
      'a new cursor',
      byCursor,
      { cursor: 'c' },
      { next_cursor: 'd' },
      items(1),
      progress(1, ['c']),
      { cursor: 'd' },
    ],
  ])('%s', (_what, pagination, params, page, list, state, expected) => {
    expect(nextParams(pagination, params, page, list, state)).toEqual(expected);
  });

  it('stops when the server repeats the page it just sent', () => {
    const state = progress();
    const page = { total: 1000 };
    expect(nextParams(byPage, {}, page, items(3), state)).toEqual({ page_number: 2 });
    expect(nextParams(byPage, { page_number: 2 }, page, items(3), state)).toBeUndefined();
  });
});

describe('voices that change', () => {
  it('uploads every sample as its own part under the same name, byte for byte', async () => {
    let form: FormData | undefined;
    const { client, seen } = await serve(() => ({ status: 201, json: voice(9) }));
    const a = new Uint8Array([1, 2, 3]);
    const b = new Uint8Array([250, 251, 252, 253]);
    await client.voices.create({
      title: 'Me',
      type: 'tts',
      train_mode: 'fast',
      voices: [a, b] as never,
      texts: ['one', 'two'],
    });
    const sent = seen[0]!;
    form = await new Response(new Uint8Array(sent.body), {
      headers: { 'content-type': sent.headers['content-type']! },
    }).formData();
    const parts = form.getAll('voices') as Blob[];
    expect(parts).toHaveLength(2);
    expect([...new Uint8Array(await parts[0]!.arrayBuffer())]).toEqual([1, 2, 3]);
    expect([...new Uint8Array(await parts[1]!.arrayBuffer())]).toEqual([250, 251, 252, 253]);
    expect(form.getAll('texts')).toEqual(['one', 'two']);
    expect(form.get('title')).toBe('Me');
  });

  it.each([
    ['delete', (c: FishAudio) => c.voices.delete('v1'), 'DELETE'],
    ['update', (c: FishAudio) => c.voices.update('v1', { title: 'New' }), 'PATCH'],
  ])('resolves %s to nothing on an empty 200', async (_what, call, method) => {
    const { client, seen } = await serve(() => ({ empty: true }));
    await expect(call(client)).resolves.toBeUndefined();
    expect(seen[0]!.method).toBe(method);
    expect(seen[0]!.url.pathname).toBe('/model/v1');
  });

  it('gets one voice by id, percent-encoded into one segment', async () => {
    const { client, seen } = await serve(() => ({ json: voice(1) }));
    await expect(client.voices.get('a/b')).resolves.toMatchObject({ _id: 'v1' });
    expect(seen[0]!.url.pathname).toBe('/model/a%2Fb');
  });
});

describe('client.voices.design', () => {
  it('returns the candidates with their audio decoded, asking for voice-design-1', async () => {
    const wav = Buffer.from('RIFF....WAVE');
    const { client, seen } = await serve(() => ({
      json: {
        candidates: [
          {
            id: 'c1',
            index: 0,
            audio_base64: wav.toString('base64'),
            sample_rate: 44100,
            duration_ms: 900,
          },
        ],
      },
    }));
    const [candidate] = await client.voices.design({ instruction: 'a calm narrator' });
    expect(Buffer.from(candidate!.audio).toString()).toBe('RIFF....WAVE');
    expect(candidate).not.toHaveProperty('audio_base64');
    expect(seen[0]!.headers.model).toBe('voice-design-1');
    expect(JSON.parse(seen[0]!.body.toString())).toEqual({ instruction: 'a calm narrator' });
  });
});
