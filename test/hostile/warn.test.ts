/**
 * validateResponses: 'warn' reports each kind of drift once (operation, status, pointer,
 * expected type), not each drifting value, so a noisy API cannot flood the log or grow the
 * client's memory.
 */
import { describe, expect, it, vi } from 'vitest';
import { apiCreditBody, clientFor, useHttpServer } from './support.js';

const server = useHttpServer();

function warnClient() {
  const warn = vi.fn();
  return { warn, client: clientFor(server, { validateResponses: 'warn', logger: { warn } }) };
}

describe("validateResponses: 'warn'", () => {
  it('logs one line for 50 calls that each return a different numeric credit', async () => {
    server.setDefault((_req, index) => ({ json: apiCreditBody({ credit: index + 0.5 }) }));
    const { warn, client } = warnClient();
    for (let i = 0; i < 50; i++) await client.wallet.getApiCredit();
    expect(server.count()).toBe(50);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('/credit');
  });

  it('logs one line for a credit that drifts to a number, a boolean, null and an array', async () => {
    const values = [5, true, null, [], 6, false];
    server.setDefault((_req, index) => ({
      json: apiCreditBody({ credit: values[index % values.length] }),
    }));
    const { warn, client } = warnClient();
    for (let i = 0; i < values.length; i++) await client.wallet.getApiCredit();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('logs one line per pointer when two fields drift by turns', async () => {
    server.setDefault((_req, index) => ({
      json: index % 2 === 0 ? apiCreditBody({ credit: index }) : apiCreditBody({ user_id: index }),
    }));
    const { warn, client } = warnClient();
    for (let i = 0; i < 20; i++) await client.wallet.getApiCredit();
    expect(warn).toHaveBeenCalledTimes(2);
    const lines = warn.mock.calls.map((c) => String(c[0]));
    expect(lines.some((l) => l.includes('/credit'))).toBe(true);
    expect(lines.some((l) => l.includes('/user_id'))).toBe(true);
  });

  it('returns the drifting body to the caller as it came', async () => {
    server.setDefault({ json: apiCreditBody({ credit: 42 }) });
    const { client } = warnClient();
    expect((await client.wallet.getApiCredit()).credit as unknown).toBe(42);
  });

  // More distinct values than the client remembers kinds of drift (256), 100 calls at a time.
  it('logs once, not 300 times, for 300 distinct drifting values', async () => {
    server.setDefault((_req, index) => ({ json: apiCreditBody({ credit: index * 1.25 }) }));
    const { warn, client } = warnClient();
    for (let batch = 0; batch < 3; batch++) {
      await Promise.all(Array.from({ length: 100 }, () => client.wallet.getApiCredit()));
    }
    expect(server.count()).toBe(300);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
