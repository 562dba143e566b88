/** What spec-diff reports: changes, per operation, each for one audience. */

/** Who notices a change: `callers` through what they send, `readers` through what they receive. */
export type Audience = 'callers' | 'readers';

/**
 * How much a change matters, as oasdiff grades it: `breaking` stops working code, `warning` may
 * (the tool cannot tell, e.g. a changed `pattern`), `info` is listed for the record.
 */
export type Level = 'breaking' | 'warning' | 'info';

/** Levels from the most to the least severe. */
export const LEVELS: readonly Level[] = ['breaking', 'warning', 'info'];

/** One change to one operation. */
export interface Change {
  audience: Audience;
  /** Same as `level === 'breaking'`; kept for readers of the JSON report. */
  breaking: boolean;
  level: Level;
  /** The rule id, such as `property-removed` or `type-changed`: stable, listed by `--rules`. */
  kind: string;
  /** What changed, concretely, e.g. `response 200: property "credit" type changed: string -> number`. */
  message: string;
  /** The property path inside a body or parameter, e.g. `credit` or `items[].loc`. */
  path?: string;
}

/** The changes to one operation, keyed like `GET /wallet/{user_id}/api-credit`. */
export interface OperationDiff {
  key: string;
  changes: Change[];
}

/** A change that the ignore file accepts, with the reason it gives. */
export interface AcceptedChange {
  /** The operation, keyed like {@link OperationDiff.key}. */
  operation: string;
  change: Change;
  reason: string;
}

/** Everything that changed, per operation; `breaking` is true when any change is. */
export interface SpecDiffReport {
  breaking: boolean;
  operations: OperationDiff[];
  /**
   * Changes left out of `operations` because the ignore file accepts them; absent without an
   * ignore file. Listed in the text and markdown reports so that an accepted break stays seen.
   */
  accepted?: AcceptedChange[];
}

/**
 * A {@link Change}, with `path` left out rather than `undefined` so reports compare cleanly.
 * `verdict` is a level, or a boolean for the common breaking-or-info choice.
 */
export function change(
  audience: Audience,
  verdict: boolean | Level,
  kind: string,
  message: string,
  path?: string,
): Change {
  const level = typeof verdict === 'string' ? verdict : verdict ? 'breaking' : 'info';
  const base = { audience, breaking: level === 'breaking', level, kind, message };
  return path === undefined ? base : { ...base, path };
}

/** `1 change`, `2 changes`. */
export function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
