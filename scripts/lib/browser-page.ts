/**
 * The page `check:runtimes` opens in headless Chromium: the installed package, bundled for the
 * browser with esbuild, calling the stand-in through a CORS proxy on another origin. It writes
 * one line per check into `#results` and sets the title to `PASS` or `FAIL` when done, so the
 * driver reads text from the page, never pixels.
 */

/** The checks the page runs, in order. */
export const PAGE_CHECKS = [
  'credit through the proxy, keyless (apiKey: null)',
  '401 is AuthenticationError',
  'abort is APIUserAbortError',
  'no CORS headers: APIConnectionError says CORS',
  "realtime through the proxy, keyless, on the browser's WebSocket",
  'realtime with a key: refused, saying to go keyless through a proxy',
] as const;

/** The page's script, bundled from the consumer project so `fish-audio-api` is the tarball's. */
export const PAGE_SOURCE = `
import { FishAudio, AuthenticationError, APIConnectionError, APIUserAbortError, FishAudioError } from 'fish-audio-api';
import { liveSpeech } from 'fish-audio-api/realtime';

const query = new URLSearchParams(location.search);
const proxy = query.get('proxy');
const direct = query.get('direct');
const results = document.getElementById('results');
const lines = [];
let failed = 0;

async function check(name, run) {
  let outcome;
  try {
    outcome = await run();
  } catch (error) {
    outcome = 'threw ' + (error && error.name) + ': ' + (error && error.message);
  }
  if (outcome !== true) failed += 1;
  lines.push((outcome === true ? 'PASS ' : 'FAIL ') + name + (outcome === true ? '' : ': ' + outcome));
  results.textContent = lines.join('\\n');
}

await check(${JSON.stringify(PAGE_CHECKS[0])}, async () => {
  // The proxy adds the key: the page holds none and sends no Authorization.
  const client = new FishAudio({ apiKey: null, baseUrl: proxy });
  const { credit } = await client.wallet.getApiCredit();
  return credit === '7.2500' || credit;
});
await check(${JSON.stringify(PAGE_CHECKS[1])}, async () => {
  const client = new FishAudio({ apiKey: 'wrong-key', baseUrl: proxy });
  const error = await client.wallet.getApiCredit().catch((e) => e);
  return (error instanceof AuthenticationError && AuthenticationError.is(error) && error.status === 401) || String(error);
});
await check(${JSON.stringify(PAGE_CHECKS[2])}, async () => {
  const client = new FishAudio({ apiKey: null, baseUrl: proxy });
  const controller = new AbortController();
  const call = client.wallet.getApiCredit(undefined, { signal: controller.signal });
  controller.abort();
  const error = await call.catch((e) => e);
  return error instanceof APIUserAbortError || String(error);
});
await check(${JSON.stringify(PAGE_CHECKS[3])}, async () => {
  const client = new FishAudio({ apiKey: null, baseUrl: direct, maxRetries: 0 });
  const error = await client.wallet.getApiCredit().catch((e) => e);
  return (error instanceof APIConnectionError && /may be CORS/.test(error.message)) || String(error);
});
await check(${JSON.stringify(PAGE_CHECKS[4])}, async () => {
  // The proxy relays /v1/tts/live, adding the key and the model the page sends as ?model=.
  const client = new FishAudio({ apiKey: null, baseUrl: proxy });
  const chunks = [];
  for await (const chunk of liveSpeech(client, ['Hello from the page'], { format: 'mp3', model: 's1' })) {
    chunks.push(chunk);
  }
  const text = new TextDecoder().decode(await new Blob(chunks).arrayBuffer());
  return text.includes('Hello from the page') || 'audio: ' + JSON.stringify(text.slice(0, 80));
});
await check(${JSON.stringify(PAGE_CHECKS[5])}, async () => {
  const client = new FishAudio({ apiKey: 'page-key', baseUrl: proxy });
  const error = await (async () => {
    for await (const _ of liveSpeech(client, ['Hi'])) return 'audio arrived';
  })().catch((e) => e);
  return (error instanceof FishAudioError && /apiKey: null/.test(error.message)) || String(error);
});
document.title = failed === 0 ? 'PASS' : 'FAIL';
`;

/** The page itself. */
export const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>running</title></head>
<body style="font: 16px monospace; padding: 1em">
<h1>fish-audio-api in Chromium</h1>
<pre id="results"></pre>
<script type="module" src="/page.js"></script>
</body></html>
`;
