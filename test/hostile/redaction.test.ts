/**
 * Redaction replaces the key only where it stands as a whole token (not inside a longer run of
 * letters, digits, `-`, `_`, `.` or `~`), or percent-encoded. Innocent text is never altered,
 * even when the key is a single common letter.
 */
import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  FishAudio,
  InvalidResponseError,
  PaymentRequiredError,
  UnprocessableEntityError,
  type APIError,
} from '../../src/index.js';
import { apiCreditBody, failure, FAST, REDACTED, useHttpServer } from './support.js';

const server = useHttpServer();
const clientWithKey = (apiKey: string) => new FishAudio({ apiKey, baseUrl: server.url, ...FAST });

describe("a one-letter key 'e'", () => {
  it('leaves a 402 message "Check your credit" unchanged in the error', async () => {
    server.setDefault({ status: 402, json: { status: 402, message: 'Check your credit' } });
    const error = await failure(() => clientWithKey('e').wallet.getApiCredit());
    expect(error).toBeInstanceOf(PaymentRequiredError);
    expect((error as APIError).body).toEqual({ status: 402, message: 'Check your credit' });
    expect((error as Error).message).toContain('Check your credit');
    expect((error as Error).message).not.toContain(REDACTED);
  });

  it('leaves 422 details unchanged in body, details and message', async () => {
    const details = [{ loc: ['query', 'team_id'], type: 'x', msg: 'Field required' }];
    server.setDefault({ status: 422, json: details });
    const error = await failure(() => clientWithKey('e').wallet.getApiCredit());
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as UnprocessableEntityError).details).toEqual(details);
    expect((error as APIError).body).toEqual(details);
    expect((error as Error).message).toContain('Field required');
    expect((error as Error).message).not.toContain(REDACTED);
  });

  it('leaves the spec wording of an InvalidResponseError unchanged', async () => {
    server.setDefault({ json: apiCreditBody({ credit: 5 }) });
    const error = await failure(() => clientWithKey('e').wallet.getApiCredit());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toContain('expected type string');
    expect((error as InvalidResponseError).mismatches).toEqual([
      { pointer: '/credit', expected: 'type string', actual: 'number 5' },
    ]);
    expect((error as InvalidResponseError).body).toEqual(apiCreditBody({ credit: 5 }));
  });

  it('redacts "Bearer e" where the key stands as a whole token', async () => {
    server.setDefault({ status: 400, json: { status: 400, message: 'you sent Bearer e' } });
    const error = await failure(() => clientWithKey('e').wallet.getApiCredit());
    expect((error as APIError).body).toEqual({
      status: 400,
      message: `you sent Bearer ${REDACTED}`,
    });
  });

  it('redacts a JSON string that is exactly the key', async () => {
    server.setDefault({ status: 400, json: { status: 400, message: 'Bad', token: 'e' } });
    const error = await failure(() => clientWithKey('e').wallet.getApiCredit());
    expect((error as APIError).body).toEqual({ status: 400, message: 'Bad', token: REDACTED });
  });
});

describe("the whole-token rule, with the key 'abc'", () => {
  it.each([
    ['abc', REDACTED],
    ['Bearer abc', `Bearer ${REDACTED}`],
    ['"abc"', `"${REDACTED}"`],
    ['key=abc&x=1', `key=${REDACTED}&x=1`],
    ['(abc)', `(${REDACTED})`],
    ['Bearer%20abc', `Bearer%20${REDACTED}`],
    ['abcd', 'abcd'],
    ['xabc', 'xabc'],
    ['x-abc', 'x-abc'],
    ['abc_1', 'abc_1'],
    ['v1.abc.2', 'v1.abc.2'],
    ['~abc', '~abc'],
    ['ABC', 'ABC'],
  ])('turns the message %j into %j', async (message, expected) => {
    server.setDefault({ status: 400, json: { status: 400, message } });
    const error = await failure(() => clientWithKey('abc').wallet.getApiCredit());
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as APIError).body).toEqual({ status: 400, message: expected });
  });
});
