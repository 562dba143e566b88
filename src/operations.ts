/**
 * The one door to `src/generated/`: operation keys, manifest entries and the validator for a
 * response. Everything else in the package, the stand-in and the scripts included, reads the
 * generated files through here, so the lookup rules are written once.
 *
 * Validators live in one module per resource, loaded on first use ({@link loadValidator}), so a
 * bundle holds only the validators of the resources an app calls.
 */
import { InvalidOptionError } from './errors.js';
import {
  operationManifest,
  type BodyEncoding,
  type OperationEntry,
  type OperationKey,
  type ParameterEntry,
  type RequestBodyEntry,
  type PaginationEntry,
  type SuccessEntry,
} from './generated/operations.js';
import {
  responseStatuses,
  validatorModules,
  type ResponseValidator,
  type ValidatorModule,
} from './generated/validators/index.js';

export type {
  BodyEncoding,
  OperationEntry,
  OperationKey,
  ParameterEntry,
  RequestBodyEntry,
  PaginationEntry,
  SuccessEntry,
};
export type { paths } from './generated/fish-audio.js';
/** The manifest's literal type, for types derived from it. */
export type Manifest = typeof operationManifest;
export type { ResponseValidationError, ResponseValidator } from './generated/validators/index.js';

const manifest: Readonly<Record<string, OperationEntry>> = operationManifest;
const loaders: Readonly<Record<string, () => Promise<ValidatorModule>>> = validatorModules;
type Tables = ValidatorModule['responseValidators'];

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

// Per resource: the pending import (so concurrent first calls share one) and, once it settled,
// its table (so later lookups need no await).
const pending = new Map<string, Promise<Tables>>();
const loaded = new Map<string, Tables>();

function loadTables(resource: string): Promise<Tables> {
  let promise = pending.get(resource);
  if (!promise) {
    promise = loaders[resource]!().then(({ responseValidators }) => {
      loaded.set(resource, responseValidators);
      return responseValidators;
    });
    // A failed import (a chunk that did not load) is retried on the next call.
    promise.catch(() => pending.delete(resource));
    pending.set(resource, promise);
  }
  return promise;
}

/**
 * OpenAPI lets a response be documented for one status, a range such as `2XX`, or `default`:
 * the exact code wins, then the range, then `default`.
 */
function pick(tables: Tables, key: string, status: number): ResponseValidator | undefined {
  const byStatus = Object.hasOwn(tables, key) ? tables[key]! : undefined;
  if (!byStatus) return undefined;
  const range = `${Math.floor(status / 100)}XX`;
  for (const name of [String(status), range, 'default']) {
    if (Object.hasOwn(byStatus, name)) return byStatus[name];
  }
  return undefined;
}

/**
 * The validator for a response of `key` with `status`, loading its resource's module on first
 * use (cached). `undefined` when the spec documents no JSON body (or event data) there.
 */
export async function loadValidator(
  key: OperationKey | string,
  status: number,
): Promise<ResponseValidator | undefined> {
  if (!isOperationKey(key)) return undefined;
  return pick(await loadTables(manifest[key]!.resource), key, status);
}

/** Loads every resource's validators, so that {@link validatorFor} can answer synchronously. */
export async function loadAllValidators(): Promise<void> {
  await Promise.all(Object.keys(loaders).map(loadTables));
}

/**
 * {@link loadValidator}, synchronously, for tools that loaded the validators up front
 * ({@link loadAllValidators}). Throws when the resource's module is not loaded yet, rather than
 * answering `undefined`, which would read as "nothing to check".
 */
export function validatorFor(
  key: OperationKey | string,
  status: number,
): ResponseValidator | undefined {
  if (!isOperationKey(key)) return undefined;
  const { resource } = manifest[key]!;
  const tables = loaded.get(resource);
  if (!tables) {
    throw new Error(
      `The validators of "${resource}" are not loaded: await loadValidator() or loadAllValidators() first.`,
    );
  }
  return pick(tables, key, status);
}

/** The exact statuses (not ranges or `default`) for which `key` documents a JSON body. */
export function documentedStatuses(key: string): number[] {
  const statuses = Object.hasOwn(responseStatuses, key) ? responseStatuses[key]! : [];
  return statuses.map(Number).filter(Number.isInteger);
}
