/**
 * The library's entries, by their file under dist/ (without the extension), and their sources:
 * read by the JavaScript build (tsup.config.ts) and the declarations (scripts/declarations.ts).
 */

/** The main entry and the testing helper: plain library code. */
export const LIBRARY_ENTRIES = { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' };

/** The realtime and AI SDK entries, kept out of the main one (see tsup.config.ts). */
export const SEPARATE_ENTRIES = { realtime: 'src/realtime/index.ts', ai: 'src/ai/index.ts' };
