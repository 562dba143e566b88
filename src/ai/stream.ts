/**
 * Streaming speech (`experimental_streamSpeech`, the AI SDK's experimental
 * `Experimental_StreamingSpeechModelV4.doStream`) over one live session of
 * `fish-audio-api/realtime`: text parts go up as they arrive, audio parts come down as they
 * are made. The realtime code, and with it msgpack and `ws`, loads on the first stream only.
 */
import {
  InvalidArgumentError,
  UnsupportedFunctionalityError,
  type Experimental_SpeechModelV4StreamOptions as StreamOptions,
  type Experimental_SpeechModelV4StreamPart as StreamPart,
  type Experimental_SpeechModelV4StreamResult as StreamResult,
  type SharedV4AudioFormat,
  type SharedV4Warning,
} from '@ai-sdk/provider';
import { FishAudioError, type TTSRequest } from '../index.js';
import type { LiveRequest, LiveSession } from '../realtime/session.js';
import type { SocketRuntime } from '../realtime/socket.js';
import { startCall, type Call, type ModelConfig } from './call.js';
import { toAISDKError } from './errors.js';
import { speechPartOptions } from './provider-options.js';
import { outputFormat, requestValues, speechFields, type Format } from './speech-request.js';

const LIVE_PATH = '/v1/tts/live';

// The media type of each format's bytes; Fish Audio's opus comes in an Ogg container.
const MEDIA_TYPES: Readonly<Record<Format, string>> = {
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
  opus: 'audio/ogg',
};
// The sample rate Fish Audio uses when none is asked for (the spec's `sample_rate`).
const DEFAULT_RATE = 44_100;
const DEFAULT_OPUS_RATE = 48_000;

/** The live session's request for one `experimental_streamSpeech` call, and its warnings. */
export function streamRequest(
  modelId: string,
  options: Omit<StreamOptions, 'text'>,
): { request: LiveRequest; warnings: SharedV4Warning[]; audioFormat: SharedV4AudioFormat } {
  const output: Partial<TTSRequest> = {};
  const asked = options.outputFormat;
  if (asked !== undefined) {
    if (typeof asked?.type !== 'string') {
      throw new InvalidArgumentError({
        argument: 'outputFormat',
        message: "outputFormat must be { type, rate? }, such as { type: 'audio/mpeg' }.",
      });
    }
    output.format = outputFormat(asked.type);
    if (asked.rate !== undefined) {
      if (!Number.isSafeInteger(asked.rate) || asked.rate <= 0) {
        throw new InvalidArgumentError({
          argument: 'outputFormat.rate',
          message: `outputFormat.rate must be a whole number of Hz, got ${String(asked.rate)}.`,
        });
      }
      output.sample_rate = asked.rate;
    }
  }
  const { fields, warnings } = speechFields(options, output);
  // The live request has every TTS field but `features`.
  const { features, ...live } = fields;
  if (features !== undefined) {
    warnings.push({
      type: 'unsupported',
      feature: 'providerOptions.fishAudio.features',
      details: "The live session's request has no features field; they were not sent.",
    });
  }
  if (options.includeRawChunks) {
    warnings.push({
      type: 'unsupported',
      feature: 'includeRawChunks',
      details: 'The live session gives audio only; no raw chunks are included.',
    });
  }
  const format = live.format ?? 'mp3';
  const rate = live.sample_rate ?? (format === 'opus' ? DEFAULT_OPUS_RATE : DEFAULT_RATE);
  const audioFormat: SharedV4AudioFormat =
    format === 'pcm' || live.sample_rate != null
      ? { type: MEDIA_TYPES[format], rate }
      : { type: MEDIA_TYPES[format] };
  return { request: { model: modelId, ...live } as LiveRequest, warnings, audioFormat };
}

/** A stream's text part, checked: the text to send and whether to flush after it. */
export function readPart(
  part: unknown,
  voice: string | undefined,
): { text: string; flush: boolean } {
  const { type, text, voice: partVoice, providerOptions } = (part ?? {}) as Record<string, unknown>;
  if (type !== 'text' || typeof text !== 'string') {
    throw new InvalidArgumentError({
      argument: 'text',
      message: "Each part of the text stream must be { type: 'text', text: string }.",
    });
  }
  if (partVoice !== undefined && partVoice !== voice) {
    // One live session speaks one voice: refuse rather than speak the part in the wrong one.
    throw new InvalidArgumentError({
      argument: 'voice',
      message:
        `Fish Audio speaks one voice per stream (${voice === undefined ? 'the default' : `"${voice}"`}), ` +
        `and a text part asks for ${JSON.stringify(partVoice)}: start another stream for another voice.`,
    });
  }
  return { text, flush: speechPartOptions(providerOptions).flush === true };
}

/** Made by `import('ws')` failing, so that the error can be told from others. */
class WsMissing extends Error {}

/** The runtime's WebSocket, with a failed import of `ws` marked. */
function marked(runtime: SocketRuntime | undefined): SocketRuntime {
  const { global, importWs } = runtime ?? {
    global: globalThis as unknown as Record<string, unknown>,
    importWs: () => import('ws'),
  };
  return {
    global,
    importWs: () =>
      importWs().catch((cause: unknown) => {
        throw new WsMissing('ws did not load', { cause });
      }),
  };
}

/** Runs `experimental_streamSpeech`'s call on one live session. */
export async function streamSpeech(
  modelId: string,
  config: ModelConfig,
  options: StreamOptions,
): Promise<StreamResult> {
  const { text, abortSignal: signal } = options;
  // The provider owns `text` from now on: every way out that does not read it cancels it.
  const release = (reason: unknown) => void text.cancel(reason).catch(() => {});
  let call: Call | undefined;
  let request: LiveRequest;
  let session: LiveSession;
  let voice: string | undefined;
  let warnings: SharedV4Warning[];
  let audioFormat: SharedV4AudioFormat;
  const fail = (error: unknown) => {
    if (!call) return error;
    if (FishAudioError.is(error) && error.cause instanceof WsMissing) {
      return Object.assign(
        new UnsupportedFunctionalityError({
          functionality: 'streaming speech without the ws package',
          message:
            "fish-audio-api/ai's streaming speech needs the ws package on this runtime (its " +
            'global WebSocket cannot send the Authorization header): npm install ws',
        }),
        { cause: error },
      );
    }
    return toAISDKError(error, {
      url: `${call.client.baseUrl.replace(/^http/, 'ws')}${LIVE_PATH}`,
      requestBodyValues: requestValues(request as Partial<TTSRequest>),
      redact: call.redact,
      idempotent: config.idempotent,
      signal,
    });
  };
  try {
    ({ request, warnings, audioFormat } = streamRequest(modelId, options));
    const { reference_id: id } = request;
    voice = typeof id === 'string' ? id : undefined;
    call = startCall(config, signal, options.headers);
    const { openLiveSession } = await import('../realtime/session.js');
    session = await openLiveSession(call.client, request, {
      signal,
      headers: call.options.headers as Record<string, string>,
      runtime: marked(config.socketRuntime),
    });
  } catch (error) {
    const failure = fail(error);
    release(failure);
    throw failure;
  }
  const timestamp = new Date();
  const audio = session[Symbol.asyncIterator]();
  const reader = text.getReader();
  let controller!: ReadableStreamDefaultController<StreamPart>;
  let over = false;
  let characters = 0;

  /** Ends the stream's work: no more text is read, the session hangs up (if it has not). */
  const stop = (reason?: unknown) => {
    over = true;
    signal?.removeEventListener('abort', onAbort);
    session.close();
    reader.cancel(reason).catch(() => {});
  };
  const error = (failure: unknown) => {
    if (over) return;
    stop(failure);
    controller.error(failure);
  };
  const onAbort = () => error(signal?.reason);

  const pump = async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (over) return;
      if (done) break;
      const part = readPart(value, voice);
      session.send(part.text);
      characters += [...part.text].length;
      if (part.flush) session.flush();
    }
    session.end();
  };
  const stream = new ReadableStream<StreamPart>({
    start(c) {
      controller = c;
      c.enqueue({ type: 'stream-start', warnings });
    },
    async pull(c) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await audio.next();
      } catch (failure) {
        return error(fail(failure));
      }
      if (over) return;
      if (next.done) {
        stop();
        c.enqueue({ type: 'finish', usage: { inputCharacters: characters } });
        c.close();
      } else {
        c.enqueue({ type: 'audio', audio: next.value, audioFormat });
      }
    },
    cancel(reason) {
      if (!over) stop(reason);
    },
  });
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();
  else {
    pump().catch((failure: unknown) => {
      // The session's own failure (send after it failed) comes from the audio side, after the
      // audio received before it; anything else (the text source's error, a refused part)
      // ends the stream here.
      if (!FishAudioError.is(failure)) error(failure);
    });
  }
  return {
    stream,
    request: { body: call!.redact.value(requestValues(request! as Partial<TTSRequest>)) },
    response: { timestamp, modelId },
  };
}
