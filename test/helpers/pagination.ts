/**
 * The two ways the API pages, as the manifest has them (not restated in each test), and an
 * empty {@link PageProgress} to walk pages with `nextParams` directly.
 */
import type { PageProgress } from '../../src/http/pagination.js';
import { operationFor, type PaginationEntry } from '../../src/operations.js';

function paginationOf(key: string): PaginationEntry {
  const pagination = operationFor(key).pagination;
  if (!pagination) throw new Error(`${key} does not page`);
  return pagination;
}

/** By page number: `GET /model` (items in `items`, a `total`). */
export const BY_PAGE = paginationOf('GET /model');
/** By cursor: `GET /v1/agent/agents` (items in `agents`, a `next_cursor`). */
export const BY_CURSOR = paginationOf('GET /v1/agent/agents');

/** What the pager remembers before its first page. */
export function freshProgress(): PageProgress {
  return { received: 0, cursors: new Set(), previous: undefined };
}
