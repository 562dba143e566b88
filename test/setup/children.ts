/**
 * No child process outlives its test file, and a failed (or timed-out) test kills the children
 * still running at once (see `killChildren`). Not after every passing test: under
 * `describe.concurrent` that would kill the children of the tests still running beside it.
 * Every child also has a timeout of its own.
 */
import { afterAll, beforeEach } from 'vitest';
import { killChildren } from '../../scripts/lib/process.js';

beforeEach((context) => {
  context.onTestFailed(() => killChildren());
});
afterAll(() => killChildren());
