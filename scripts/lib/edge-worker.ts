/**
 * The worker `check:runtimes` runs in the edge runtimes (Cloudflare's `workerd`, Vercel's
 * `edge-runtime`): the installed package, bundled with esbuild, calling the stand-in from a
 * fetch handler. `GET /?base=<stand-in>&key=<its key>` answers one JSON array, a `{ name, ok,
 * detail }` per check, so the driver reads results, never logs.
 */

/** The checks the worker runs, in order. */
export const EDGE_CHECKS = [
  'credit',
  'streamed tts.convert: the first chunk',
  '401 is AuthenticationError',
  'a missing key names no environment variable',
  'realtime says which runtimes have it, not npm install ws',
] as const;

/** The checks, as a module both entries below import. */
const CHECKS = `
import { FishAudio, AuthenticationError, FishAudioError, InvalidOptionError } from 'fish-audio-api';
import { openLiveSession } from 'fish-audio-api/realtime';

const NAMES = ${JSON.stringify(EDGE_CHECKS)};

export async function runChecks(request) {
  const query = new URL(request.url).searchParams;
  const baseUrl = query.get('base');
  const apiKey = query.get('key');
  const results = [];
  const check = async (name, run) => {
    let outcome;
    try {
      outcome = await run();
    } catch (error) {
      outcome = 'threw ' + (error && error.name) + ': ' + (error && error.message);
    }
    results.push({ name, ok: outcome === true, detail: outcome === true ? '' : String(outcome) });
  };
  await check(NAMES[0], async () => {
    const { credit } = await new FishAudio({ apiKey, baseUrl }).wallet.getApiCredit();
    return credit === '7.2500' || credit;
  });
  await check(NAMES[1], async () => {
    const audio = await new FishAudio({ apiKey, baseUrl }).tts.convert({ text: 'edge' });
    for await (const chunk of audio) {
      const text = new TextDecoder().decode(chunk);
      return text.startsWith('ID3') || JSON.stringify(text.slice(0, 40));
    }
    return 'no audio';
  });
  await check(NAMES[2], async () => {
    const client = new FishAudio({ apiKey: 'wrong-key', baseUrl, maxRetries: 0 });
    const error = await client.wallet.getApiCredit().catch((e) => e);
    return (error instanceof AuthenticationError && error.status === 401) || String(error);
  });
  await check(NAMES[3], async () => {
    try {
      new FishAudio({ baseUrl });
      return 'no error';
    } catch (error) {
      const good =
        error instanceof InvalidOptionError &&
        /env binding/.test(error.message) &&
        !/set the FISH_API_KEY environment variable/.test(error.message);
      return good || String(error.message);
    }
  });
  await check(NAMES[4], async () => {
    const error = await openLiveSession(new FishAudio({ apiKey, baseUrl })).catch((e) => e);
    const good =
      error instanceof FishAudioError &&
      !/npm install/.test(error.message) &&
      /Node \\(with ws\\), Bun or Deno/.test(error.message);
    return good || String(error && error.message);
  });
  return Response.json(results);
}
`;

/** The worker for workerd: an ES module whose default export has `fetch`. */
export const WORKERD_SOURCE = `${CHECKS}
export default { fetch: (request) => runChecks(request) };
`;

/** The worker for edge-runtime: a script that listens for `fetch` events. */
export const EDGE_RUNTIME_SOURCE = `${CHECKS}
addEventListener('fetch', (event) => event.respondWith(runChecks(event.request)));
`;

/** workerd's configuration: the worker on `port`, allowed to call 127.0.0.1 (the stand-in). */
export function workerdConfig(port: number): string {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2024-09-23",
  globalOutbound = "loopback",
);
`;
}
