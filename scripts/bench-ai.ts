/**
 * The AI SDK rows of `npm run bench`: what `fish-audio-api/ai` adds on top of the client, with
 * the real `ai` 7 against the stand-in on 127.0.0.1 (HTTP and live on one address), rounds
 * interleaved. `ai` 7 needs Node 22, so `npm run bench` runs this file under `NODE22`; alone:
 *
 *   $NODE22 node_modules/tsx/dist/cli.mjs scripts/bench-ai.ts
 *
 * - time to the first audio: `experimental_streamSpeech` against a realtime session used
 *   directly (`openLiveSession`, send, end, first chunk), both over one text;
 * - a whole short TTS call: `generateSpeech` against `client.tts.convert` read to its end.
 */
import { experimental_streamSpeech, generateSpeech } from 'ai';
import { createFishAudio } from '../src/ai/index.js';
import { FishAudio } from '../src/index.js';
import { openLiveSession } from '../src/realtime/index.js';
import { startStandIn } from '../src/testing/index.js';
import { runMain } from './lib/main.js';

const ROUNDS = 40;
const TEXT = 'Hello from Fish Audio.';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Milliseconds from the call to the first audio bytes, then the rest drained. */
async function firstAudio(chunks: () => AsyncIterable<Uint8Array>): Promise<number> {
  const start = performance.now();
  let first: number | undefined;
  for await (const _chunk of chunks()) first ??= performance.now() - start;
  return first ?? Number.NaN;
}

/** Each contender's times over interleaved rounds, after one warm-up call each. */
async function interleave(contenders: Array<() => Promise<number>>): Promise<number[][]> {
  for (const run of contenders) await run();
  const times = contenders.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, run] of contenders.entries()) times[i]!.push(await run());
  }
  return times;
}

async function main(): Promise<number> {
  const api = await startStandIn({ ttsChunks: 2 });
  try {
    const client = new FishAudio({ apiKey: api.apiKey, baseUrl: api.url });
    const fish = createFishAudio({ client });
    const model = fish.speech('s2.1-pro-free');

    const [direct, viaAi] = await interleave([
      () =>
        firstAudio(async function* () {
          const session = await openLiveSession(client);
          session.send(TEXT);
          session.end();
          yield* session;
        }),
      () =>
        firstAudio(
          () =>
            experimental_streamSpeech({
              model,
              text: new ReadableStream<string>({
                start(controller) {
                  controller.enqueue(TEXT);
                  controller.close();
                },
              }),
            }).audioStream,
        ),
    ]);
    console.log(`\nAI SDK: time to the first audio over a live session (median of ${ROUNDS})`);
    console.log(`  openLiveSession used directly              ${median(direct!).toFixed(2)} ms`);
    console.log(
      `  experimental_streamSpeech                  ${median(viaAi!).toFixed(2)} ms  (+${(median(viaAi!) - median(direct!)).toFixed(2)} ms)`,
    );

    const timed = async (call: () => Promise<unknown>) => {
      const start = performance.now();
      await call();
      return performance.now() - start;
    };
    const [convert, generate] = await interleave([
      () => timed(async () => (await client.tts.convert({ text: TEXT })).arrayBuffer()),
      () => timed(() => generateSpeech({ model, text: TEXT })),
    ]);
    console.log(`\nAI SDK: a whole short TTS call over 127.0.0.1 (median of ${ROUNDS})`);
    console.log(`  client.tts.convert, read to its end        ${median(convert!).toFixed(2)} ms`);
    console.log(
      `  generateSpeech                             ${median(generate!).toFixed(2)} ms  (×${(median(generate!) / median(convert!)).toFixed(2)})`,
    );
  } finally {
    await api.close();
  }
  return 0;
}

runMain(import.meta.url, 'bench-ai', main);
