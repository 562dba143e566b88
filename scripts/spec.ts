/**
 * Kept only for scripts/generate.ts, manifest.ts and validators.ts, which import from here and
 * are changed by someone else; everything else imports scripts/lib/openapi.ts directly.
 */
export * from './lib/openapi.js';
