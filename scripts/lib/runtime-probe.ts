/**
 * The probe `check:runtimes` runs in each JavaScript runtime, as plain JavaScript source: one
 * body, wrapped once as an ES module (`import`) and once as CommonJS (`require`), each loading
 * the installed package by its name. It prints one JSON line, `{ checks, code, crossed }`:
 * each check is `true` or what went wrong instead, `code` is a refused connection's, and
 * `crossed` says whether the other module system loaded a second copy of the package.
 */

/** The probe's checks, in the order it runs them; the report lists failures by these names. */
export const PROBE_CHECKS = [
  'testing helper',
  'credit, key from FISH_API_KEY',
  'typed 401',
  'retry past a 503',
  '.withResponse()',
  'abort before a call',
  'abort during a call',
  'timeout',
  'refused connection has a code',
  'tts first chunk',
  'tts arrayBuffer()',
  'brand check across import and require',
  'live: audio, then finish',
  'live: abort mid-session',
  'live: refused handshake is AuthenticationError',
] as const;

// `lib` and `other` are the package as loaded by this module system and by the other one;
// `testing` is fish-audio-api/testing, `realtime` fish-audio-api/realtime (its socket is `ws` on
// Node, the global WebSocket on Bun and Deno). The URLs come from the environment the check
// sets; LIVE_URL is a live stand-in the parent runs.
const BODY = `
async function probe(lib, other, testing, realtime, env) {
  const { FishAudio, AuthenticationError, APIConnectionError, APIConnectionTimeoutError,
    APIUserAbortError } = lib;
  const checks = {};
  let code;
  let crossed = false;
  const check = async (name, run) => {
    try {
      const result = await run();
      checks[name] = result === true ? true : 'got ' + JSON.stringify(result);
    } catch (error) {
      checks[name] = 'threw ' + (error && error.name) + ': ' + (error && error.message);
    }
  };
  const fast = { backoff: { initialDelayMs: 5, maxDelayMs: 5 } };
  const api = await testing.startStandIn({ apiKey: env.FISH_API_KEY, credit: '7.2500' });
  try {
    await check(${JSON.stringify(PROBE_CHECKS[0])}, () => /^http:\\/\\/127\\.0\\.0\\.1:\\d+$/.test(api.url) || api.url);
    const client = new FishAudio({ baseUrl: api.url, ...fast }); // the key: FISH_API_KEY
    await check(${JSON.stringify(PROBE_CHECKS[1])}, async () => (await client.wallet.getApiCredit()).credit === '7.2500');
    const wrong = new FishAudio({ apiKey: 'wrong-key', baseUrl: api.url });
    const denied = await wrong.wallet.getApiCredit().catch((e) => e);
    await check(${JSON.stringify(PROBE_CHECKS[2])}, () =>
      (denied instanceof AuthenticationError && denied.status === 401) || String(denied));
    await check(${JSON.stringify(PROBE_CHECKS[3])}, async () => {
      const before = api.requests.length;
      api.failNext(503);
      const credit = await client.wallet.getApiCredit();
      return (credit.credit === '7.2500' && api.requests.length - before === 2) || api.requests.length - before;
    });
    await check(${JSON.stringify(PROBE_CHECKS[4])}, async () => {
      const { data, response } = await client.wallet.getApiCredit().withResponse();
      return (data.credit === '7.2500' && response.status === 200 &&
        /json/.test(response.headers.get('content-type'))) || response.status;
    });
    await check(${JSON.stringify(PROBE_CHECKS[5])}, async () => {
      const before = api.requests.length;
      const error = await client.wallet.getApiCredit(undefined, { signal: AbortSignal.abort() }).catch((e) => e);
      return (error instanceof APIUserAbortError && api.requests.length === before) || String(error);
    });
    const stalled = new FishAudio({ baseUrl: env.SLOW_URL, ...fast });
    await check(${JSON.stringify(PROBE_CHECKS[6])}, async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const error = await stalled.wallet.getApiCredit(undefined, { signal: controller.signal }).catch((e) => e);
      return error instanceof APIUserAbortError || String(error);
    });
    await check(${JSON.stringify(PROBE_CHECKS[7])}, async () => {
      const error = await stalled.wallet.getApiCredit(undefined, { timeout: 100, maxRetries: 0 }).catch((e) => e);
      return error instanceof APIConnectionTimeoutError || String(error);
    });
    await check(${JSON.stringify(PROBE_CHECKS[8])}, async () => {
      const refused = new FishAudio({ baseUrl: env.REFUSED_URL, maxRetries: 0 });
      const error = await refused.wallet.getApiCredit().catch((e) => e);
      code = error && error.code;
      return (error instanceof APIConnectionError && error.code === 'ECONNREFUSED') ||
        String(error) + ' code=' + code;
    });
    const speech = new FishAudio({ baseUrl: env.TTS_URL });
    // The TTS fixture holds the rest of the audio until it is asked for it.
    const release = () => fetch(env.TTS_URL + '/release', { method: 'POST' }).then((r) => r.arrayBuffer());
    await check(${JSON.stringify(PROBE_CHECKS[9])}, async () => {
      const audio = await speech.tts.convert({ text: 'Hello' });
      for await (const chunk of audio) {
        await release();
        return new TextDecoder().decode(chunk) === env.TTS_FIRST || new TextDecoder().decode(chunk);
      }
      return 'no chunk';
    });
    await check(${JSON.stringify(PROBE_CHECKS[10])}, async () => {
      const audio = await speech.tts.convert({ text: 'Hello' });
      await release();
      const text = new TextDecoder().decode(await audio.arrayBuffer());
      return text === env.TTS_FIRST + env.TTS_REST || text;
    });
    await check(${JSON.stringify(PROBE_CHECKS[11])}, async () => {
      const theirs = await new other.FishAudio({ apiKey: 'wrong-key', baseUrl: api.url }).wallet.getApiCredit().catch((e) => e);
      // Deno hands a CommonJS import() the same copy; the parent checks that some probe crossed.
      crossed = other.FishAudio !== FishAudio;
      return (AuthenticationError.is(theirs) && lib.FishAudioError.is(theirs) &&
        other.AuthenticationError.is(denied) && !other.RateLimitError.is(denied)) || String(theirs);
    });
    const live = new FishAudio({ baseUrl: env.LIVE_URL });
    await check(${JSON.stringify(PROBE_CHECKS[12])}, async () => {
      const chunks = [];
      for await (const chunk of realtime.liveSpeech(live, ['Hello ', 'live'])) chunks.push(...chunk);
      const text = new TextDecoder().decode(new Uint8Array(chunks));
      return text === 'Hello live' || text;
    });
    await check(${JSON.stringify(PROBE_CHECKS[13])}, async () => {
      const controller = new AbortController();
      async function* endless() {
        yield 'first';
        await new Promise(() => {}); // the text never ends: only the abort does
      }
      const error = await (async () => {
        for await (const _chunk of realtime.liveSpeech(live, endless(), {}, { signal: controller.signal })) {
          controller.abort();
        }
      })().then(() => 'ended without an error', (e) => e);
      return error instanceof APIUserAbortError || String(error);
    });
    await check(${JSON.stringify(PROBE_CHECKS[14])}, async () => {
      const wrongKey = new FishAudio({ apiKey: 'wrong-key', baseUrl: env.LIVE_URL });
      const error = await realtime.openLiveSession(wrongKey).catch((e) => e);
      return (error instanceof AuthenticationError && error.status === 401) ||
        String(error && error.name) + ': ' + String(error && error.message);
    });
  } finally {
    await api.close();
  }
  console.log(JSON.stringify({ checks, code, crossed }));
}
`;

const ENV = `const env = typeof process !== 'undefined' ? process.env : Deno.env.toObject();`;

/** The probe as an ES module: `import` of the package, `require` for the other copy. */
export const ESM_PROBE = `import * as lib from 'fish-audio-api';
import * as testing from 'fish-audio-api/testing';
import * as realtime from 'fish-audio-api/realtime';
import { createRequire } from 'node:module';
${ENV}
const other = createRequire(import.meta.url)('fish-audio-api');
${BODY}
await probe(lib, other, testing, realtime, env);
`;

/** The probe as CommonJS: `require` of the package, `import()` for the other copy. */
export const CJS_PROBE = `'use strict';
const lib = require('fish-audio-api');
const testing = require('fish-audio-api/testing');
const realtime = require('fish-audio-api/realtime');
${ENV}
${BODY}
import('fish-audio-api').then((other) => probe(lib, other, testing, realtime, env)).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

/**
 * For Deno without `--allow-env`: building a client with no key must throw the package's own
 * `InvalidOptionError`, not Deno's `NotCapable` from reading the environment.
 */
export const NO_ENV_PROBE = `import { FishAudio, FishAudioError, InvalidOptionError } from 'fish-audio-api';
let result;
try {
  new FishAudio();
  result = 'no error';
} catch (error) {
  result = error instanceof InvalidOptionError && FishAudioError.is(error) && error.option === 'apiKey'
    ? true
    : String(error && error.name) + ': ' + String(error && error.message);
}
console.log(JSON.stringify({ checks: { 'no key without --allow-env is InvalidOptionError': result } }));
`;
