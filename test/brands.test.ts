/**
 * Every exported error class's `is()` answers true exactly for its own instances and its
 * subclasses', as `instanceof` would within one copy of the package, and across copies too.
 * The classes are read from the entries' exports, so a class added later is covered (and fails
 * here until it has a row in ARGS). The built ESM and CJS copies are held in test/package.test.ts.
 */
import { describe, expect, it } from 'vitest';
import * as main from '../src/index.js';
import * as realtime from '../src/realtime/index.js';

const { FishAudioError, APIError } = main;

/** An error class as `is()` and `new` see it. */
type ErrorClass = {
  readonly errorName: string;
  is(value: unknown): boolean;
  new (...args: never[]): Error;
};

/** Every export of `modules` that is `base` or a subclass of it, by export name. */
function errorClasses(base: Function, ...modules: object[]): Map<string, ErrorClass> {
  const found = new Map<string, ErrorClass>();
  for (const module of modules) {
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === 'function' && (value === base || value.prototype instanceof base)) {
        found.set(name, value as ErrorClass);
      }
    }
  }
  return found;
}

const CLASSES = errorClasses(FishAudioError, main, realtime);

const info = { status: 400, headers: new Headers(), body: '', attempts: 1 };

/** Constructor arguments per class: a class without a row fails the first test below. */
const ARGS: Record<string, unknown[]> = {
  FishAudioError: ['message'],
  InvalidOptionError: ['baseUrl', 'message'],
  InvalidParameterError: ['user_id', 'message'],
  APIError: [{ ...info, status: 418 }],
  BadRequestError: [info],
  AuthenticationError: [{ ...info, status: 401 }],
  PaymentRequiredError: [{ ...info, status: 402 }],
  PermissionDeniedError: [{ ...info, status: 403 }],
  NotFoundError: [{ ...info, status: 404 }],
  ConflictError: [{ ...info, status: 409 }],
  UnprocessableEntityError: [{ ...info, status: 422 }],
  RateLimitError: [{ ...info, status: 429 }],
  InternalServerError: [{ ...info, status: 500 }],
  APIConnectionError: ['connection refused', { attempts: 1, code: 'ECONNREFUSED' }],
  APIConnectionTimeoutError: [1000, { attempts: 1 }],
  APIUserAbortError: [new Error('stop')],
  RealtimeError: ['closed before finish', { closeCode: 1006 }],
  InvalidResponseError: [{ ...info, status: 200 }, 'the body is empty'],
};

/** An instance of the class exported as `name` by `classes`, from its row in ARGS. */
function make(classes: Map<string, ErrorClass>, name: string): Error {
  const Class = classes.get(name);
  const args = ARGS[name];
  if (!Class || !args) throw new Error(`no class or no ARGS row for ${name}`);
  return new Class(...(args as never[]));
}

/**
 * `Checker.is(instance)` for every pair, the instances made from `instances` (another copy of
 * the classes, or the same), keyed so that a failure names the pair.
 */
function answers(instances: Map<string, ErrorClass>): Record<string, boolean> {
  const table: Record<string, boolean> = {};
  for (const [checker, Checker] of CLASSES) {
    for (const name of instances.keys()) {
      table[`${checker}.is(new ${name})`] = Checker.is(make(instances, name));
    }
  }
  return table;
}

/** What every pair should answer: `instanceof`, the class hierarchy, within this copy. */
function hierarchy(): Record<string, boolean> {
  const table: Record<string, boolean> = {};
  for (const [checker, Checker] of CLASSES) {
    for (const name of CLASSES.keys()) {
      table[`${checker}.is(new ${name})`] = make(CLASSES, name) instanceof Checker;
    }
  }
  return table;
}

describe('the brand check of every exported error class', () => {
  it('has a constructor row for exactly the exported error classes', () => {
    expect(CLASSES.has('FishAudioError')).toBe(true);
    expect(CLASSES.has('RealtimeError')).toBe(true);
    expect(Object.keys(ARGS).sort()).toEqual([...CLASSES.keys()].sort());
  });

  it('is true exactly for instances of the class and its subclasses', () => {
    expect(answers(CLASSES)).toEqual(hierarchy());
  });

  it('holds the same answers for errors from a second copy of the errors module', async () => {
    // A query makes Vite load src/errors.ts again: new classes, the same registry symbol.
    const specifier = '../src/errors.ts?second-copy';
    const second = (await import(/* @vite-ignore */ specifier)) as typeof main;
    const copy = errorClasses(second.FishAudioError, second);
    expect(copy.get('APIError')).not.toBe(APIError);
    expect(make(copy, 'APIError') instanceof APIError).toBe(false);
    // Every exported class must live in src/errors.ts, the module that imports nothing.
    expect([...copy.keys()].sort()).toEqual([...CLASSES.keys()].sort());
    expect(answers(copy)).toEqual(hierarchy());
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a plain object', { name: 'RealtimeError', message: 'closed' }],
    [
      'a plain object that fakes the brand property',
      {
        [Symbol.for('fish-audio-api.error')]: [
          'RealtimeError',
          'APIConnectionTimeoutError',
          'APIConnectionError',
          'InvalidResponseError',
          'RateLimitError',
          'APIError',
          'FishAudioError',
        ],
      },
    ],
    [
      'an Error whose fake brand is not a chain ending at FishAudioError',
      Object.assign(new Error('m'), {
        [Symbol.for('fish-audio-api.error')]: ['AuthenticationError', 'APIError'],
      }),
    ],
    ['an object whose prototype is a real error', Object.create(new main.RealtimeError('m'))],
    ['a plain Error', new Error('m')],
  ])('is false for %s, whatever the class', (_what, value) => {
    const claimed = [...CLASSES].filter(([, Class]) => Class.is(value)).map(([name]) => name);
    expect(claimed).toEqual([]);
  });

  it('keeps a subclass that declares no errorName from claiming its parent’s errors', () => {
    class ProxyError extends APIError {}
    const parent = new APIError(info);
    const own = new ProxyError(info);
    expect([ProxyError.is(parent), ProxyError.is(own), APIError.is(own)]).toEqual([
      false,
      true,
      true,
    ]);
  });
});
