/** Where this project lives, for scripts that read or write its files. */
import path from 'node:path';

/** The project root: the folder above `scripts/`. */
export const ROOT = path.resolve(import.meta.dirname, '..', '..');
