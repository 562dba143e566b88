/** Every test ends with no child process of its own still running (see `killChildren`). */
import { afterEach } from 'vitest';
import { killChildren } from '../../scripts/lib/process.js';

afterEach(() => killChildren());
