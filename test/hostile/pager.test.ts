/**
 * A server cannot make the pager loop: a page seen before, however long ago, ends the walk
 * cleanly (a repeat is the server going round in a circle, and nothing on it is new), without
 * yielding that page's items again; what the pager remembers to notice this is bounded.
 */
import { describe, expect, it } from 'vitest';
import { FishAudio, type ClientOptions } from '../../src/index.js';
import { MAX_REMEMBERED_PAGES, nextParams } from '../../src/http/pagination.js';
import type { RecordedRequest } from '../helpers/http-server.js';
import { clientFor, useHttpServer } from './support.js';
import { BY_PAGE, freshProgress } from '../helpers/pagination.js';

const server = useHttpServer();
const client = (options: ClientOptions = {}): FishAudio =>
  clientFor(server, { maxRetries: 0, validateResponses: 'off', ...options });

const voice = (id: string) => ({ _id: id, title: `Voice ${id}` });
/** A page of voices with these ids, claiming a total far beyond what will ever be walked. */
const page = (...ids: string[]) => ({ total: 1_000_000_000, items: ids.map(voice) });
const pageNumber = (request: RecordedRequest) => Number(request.query.get('page_number') ?? 1);

/** The ids the pager yields, refusing to walk past `cap` items (a loop would never end). */
async function walk(fish: FishAudio, cap = 200): Promise<string[]> {
  const ids: string[] = [];
  for await (const one of fish.voices.list({ page_size: 2 })) {
    ids.push(one._id);
    if (ids.length >= cap) break;
  }
  return ids;
}

describe('a server that repeats pages', () => {
  it('alternating two pages under a huge total is walked once each, in three requests', async () => {
    server.setDefault((request) => ({
      json: pageNumber(request) % 2 === 1 ? page('a1', 'a2') : page('b1', 'b2'),
    }));
    expect(await walk(client())).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(server.count()).toBe(3);
  });

  it('cycling through three pages stops at the first repeat', async () => {
    const pages = [page('a'), page('b'), page('c')];
    server.setDefault((request) => ({ json: pages[(pageNumber(request) - 1) % 3] }));
    expect(await walk(client())).toEqual(['a', 'b', 'c']);
    expect(server.count()).toBe(4);
  });

  it('going back to the first page after five new ones stops there', async () => {
    server.setDefault((request) => {
      const n = pageNumber(request);
      return { json: n <= 6 ? page(`p${n}`) : page('p1') };
    });
    expect(await walk(client())).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
  });

  it('sending the same page for every page number yields its items once', async () => {
    server.setDefault({ json: page('same1', 'same2') });
    expect(await walk(client())).toEqual(['same1', 'same2']);
    expect(server.count()).toBe(2);
  });

  it('alternating two pages behind ever-new cursors stops at the first repeat', async () => {
    server.setDefault((request, index) => ({
      json: {
        agents: [{ agent_id: index % 2 === 0 ? 'a' : 'b' }],
        has_more: true,
        next_cursor: `cursor-${index}-${request.query.get('cursor') ?? ''}`,
      },
    }));
    const ids: string[] = [];
    for await (const agent of client().request('GET /v1/agent/agents', { page_size: 1 })) {
      ids.push(agent.agent_id);
      if (ids.length >= 50) break;
    }
    expect(ids).toEqual(['a', 'b']);
    expect(server.count()).toBe(3);
  });

  it('a page whose items are reordered is a new page, not a repeat', async () => {
    server.setDefault((request) => {
      const n = pageNumber(request);
      const json = [page('x', 'y'), page('y', 'x'), { total: 4, items: [] }][n - 1];
      return { json };
    });
    expect(await walk(client())).toEqual(['x', 'y', 'y', 'x']);
  });

  it('a list that shifted by one item between pages is still walked to its end', async () => {
    const pages = [page('v1', 'v2'), page('v2', 'v3'), { total: 4, items: [voice('v4')] }];
    server.setDefault((request) => ({ json: pages[pageNumber(request) - 1] ?? page() }));
    expect(await walk(client())).toEqual(['v1', 'v2', 'v2', 'v3', 'v4']);
  });

  it('items nested 10 000 levels deep are fingerprinted without a stack overflow', async () => {
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    server.setDefault((request) => ({
      headers: { 'content-type': 'application/json' },
      body:
        pageNumber(request) === 1
          ? `{"total":2,"items":[{"_id":"d1","title":"t","deep":${deep}}]}`
          : `{"total":2,"items":[{"_id":"d2","title":"t"}]}`,
    }));
    expect(await walk(client())).toEqual(['d1', 'd2']);
  });
});

describe('what the pager remembers', () => {
  const byPage = BY_PAGE;
  const fresh = freshProgress;
  const items = (label: string) => [{ label }];

  it(`holds at most ${MAX_REMEMBERED_PAGES} page fingerprints, however many pages pass`, () => {
    const progress = fresh();
    let params: Record<string, unknown> | undefined = {};
    for (let n = 0; n < MAX_REMEMBERED_PAGES + 500; n++) {
      params = nextParams(byPage, params!, { total: 1e12 }, items(`page ${n}`), progress);
      expect(params).toBeDefined();
    }
    expect(progress.seen!.size).toBe(MAX_REMEMBERED_PAGES);
  });

  it('still ends a cycle that starts after it stopped remembering new pages', () => {
    const progress = fresh();
    let params: Record<string, unknown> | undefined = {};
    for (let n = 0; n < MAX_REMEMBERED_PAGES; n++) {
      params = nextParams(byPage, params!, { total: 1e12 }, items(`early ${n}`), progress);
    }
    // Seven pages, over and over: none of them was remembered.
    let steps = 0;
    while (params && steps < 1_000) {
      params = nextParams(byPage, params, { total: 1e12 }, items(`late ${steps % 7}`), progress);
      steps++;
    }
    expect(params).toBeUndefined();
    expect(steps).toBeLessThan(100);
    expect(progress.seen!.size).toBe(MAX_REMEMBERED_PAGES);
  });

  it('remembers at most as many cursors as pages', () => {
    const byCursor = {
      style: 'cursor',
      param: 'cursor',
      next: 'next_cursor',
      items: 'agents',
    } as const;
    const progress = fresh();
    for (let n = 0; n < MAX_REMEMBERED_PAGES + 10; n++) {
      const next = nextParams(byCursor, {}, { next_cursor: `c${n}` }, items(`${n}`), progress);
      expect(next).toEqual({ cursor: `c${n}` });
    }
    expect(progress.cursors.size).toBeLessThanOrEqual(MAX_REMEMBERED_PAGES);
  });
});
