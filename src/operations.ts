/**
 * The one door to `src/generated/`: operation keys, manifest entries and the validator for a
 * response. Everything else in the package, the stand-in and the scripts included, reads the
 * generated files through here, so the lookup rules are written once.
 */
import { InvalidOptionError } from './errors.js';
import {
  operationManifest,
  type OperationEntry,
  type OperationKey,
  type ParameterEntry,
} from './generated/operations.js';
import { responseValidators, type ResponseValidator } from './generated/validators.js';

export type { OperationEntry, OperationKey, ParameterEntry };
export type { paths } from './generated/fish-audio.js';
/** The manifest's literal type, for types derived from it. */
export type Manifest = typeof operationManifest;
export type { ResponseValidationError, ResponseValidator } from './generated/validators.js';

const manifest: Readonly<Record<string, OperationEntry>> = operationManifest;
// Operations without any JSON response have no entry, hence the widened type.
const validators: Readonly<Record<string, Readonly<Record<string, ResponseValidator>>>> =
  responseValidators;

/** Every operation key of the checked-in spec, in the spec's order. */
export const operationKeys = Object.keys(operationManifest) as OperationKey[];

/** Whether `key` names an operation of the spec (an own key of the manifest). */
export function isOperationKey(key: unknown): key is OperationKey {
  return typeof key === 'string' && Object.hasOwn(manifest, key);
}

/** The manifest entry of `key`; an unknown key is a caller's mistake, refused before sending. */
export function operationFor(key: unknown): OperationEntry {
  if (!isOperationKey(key)) {
    throw new InvalidOptionError(
      'operation',
      `Unknown operation ${JSON.stringify(String(key))}: expected a key such as "${operationKeys[0]}".`,
    );
  }
  return manifest[key]!;
}

/**
 * The validator for a response of `key` with `status`. OpenAPI lets a response be documented
 * for one status, a range such as `2XX`, or `default`: the exact code wins, then the range,
 * then `default`. `undefined` when the spec documents no JSON body there.
 */
export function validatorFor(key: string, status: number): ResponseValidator | undefined {
  const byStatus = Object.hasOwn(validators, key) ? validators[key]! : undefined;
  if (!byStatus) return undefined;
  const range = `${Math.floor(status / 100)}XX`;
  for (const name of [String(status), range, 'default']) {
    if (Object.hasOwn(byStatus, name)) return byStatus[name];
  }
  return undefined;
}

/** The exact statuses (not ranges or `default`) for which `key` documents a JSON body. */
export function documentedStatuses(key: string): number[] {
  const byStatus = Object.hasOwn(validators, key) ? validators[key]! : {};
  return Object.keys(byStatus).map(Number).filter(Number.isInteger);
}
