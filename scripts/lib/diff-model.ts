/** What spec-diff reports: changes, per operation, each for one audience. */

/** Who notices a change: `callers` through what they send, `readers` through what they receive. */
export type Audience = 'callers' | 'readers';

/** One change to one operation. */
export interface Change {
  audience: Audience;
  breaking: boolean;
  /** A stable category such as `property-removed` or `type-changed`, for machines. */
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

/** Everything that changed, per operation; `breaking` is true when any change is. */
export interface SpecDiffReport {
  breaking: boolean;
  operations: OperationDiff[];
}

/** A {@link Change}, with `path` left out rather than `undefined` so reports compare cleanly. */
export function change(
  audience: Audience,
  breaking: boolean,
  kind: string,
  message: string,
  path?: string,
): Change {
  return path === undefined
    ? { audience, breaking, kind, message }
    : { audience, breaking, kind, message, path };
}

/** `1 change`, `2 changes`. */
export function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
