/**
 * The global fetch, counting the requests a client hands to it: proof that a call sent
 * nothing, or how many attempts it made, without waiting to see whether a server hears more.
 */
import type { Fetch } from '../../src/index.js';

/** A counting fetch; `calls` is how many times the client called it. */
export interface CountingFetch {
  readonly calls: number;
  fetch: Fetch;
}

/** A fetch that counts its calls and otherwise is the global fetch. */
export function countingFetch(): CountingFetch {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    fetch: (input, init) => {
      calls += 1;
      return fetch(input, init);
    },
  };
}
