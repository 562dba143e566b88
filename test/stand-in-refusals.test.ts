/**
 * The stand-in refuses what the spec forbids, in every place a request carries a value: JSON,
 * msgpack and multipart bodies, query parameters and headers; and it accepts what the spec
 * allows, so that a user's test passes exactly when the real API would take the request.
 * Requests are sent with plain `fetch`: the client refuses some of these itself.
 */
import { encode } from '@msgpack/msgpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIn, type StandIn } from '../src/testing/index.js';

const BYTES = new Uint8Array(64).map((_, i) => i);

/** One request: where it goes and what it carries (at most one kind of body). */
interface Request {
  method?: string;
  path: string;
  json?: unknown;
  msgpack?: unknown;
  form?: Array<[name: string, value: string | Uint8Array]>;
  headers?: Record<string, string>;
}

let api: StandIn;
beforeAll(async () => {
  api = await startStandIn();
});
afterAll(async () => {
  await api.close();
});

function send({ method = 'POST', path, json, msgpack, form, headers = {} }: Request) {
  const all: Record<string, string> = { Authorization: `Bearer ${api.apiKey}`, ...headers };
  let body: BodyInit | undefined;
  if (json !== undefined) {
    all['content-type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (msgpack !== undefined) {
    all['content-type'] = 'application/msgpack';
    body = encode(msgpack);
  } else if (form) {
    const data = new FormData();
    for (const [name, value] of form) {
      if (typeof value === 'string') data.append(name, value);
      else data.append(name, new Blob([value as Uint8Array<ArrayBuffer>]), name);
    }
    body = data;
  }
  return fetch(`${api.url}${path}`, { method, headers: all, body });
}

/** Where each refusal points (`loc`), as `body.text` or `query.page_size`. */
function placesIn(body: unknown): string[] {
  if (Array.isArray(body)) return body.map((issue: { loc: string[] }) => issue.loc.join('.'));
  const message = String((body as { message?: unknown }).message);
  return [...message.matchAll(/(?:^|: |; )((?:body|query|header|path)(?:\.[\w-]+)*):/g)].map(
    (m) => m[1]!,
  );
}

const TTS = '/v1/tts';
const TIMESTAMPS = '/v1/tts/stream/with-timestamp';
const DESIGN_HEADERS = { model: 'voice-design-1' };
const VOICE = { title: 'Me', type: 'tts', train_mode: 'fast' };
const voiceForm = (
  ...extra: Array<[string, string | Uint8Array]>
): Array<[string, string | Uint8Array]> => [
  ['title', 'Me'],
  ['type', 'tts'],
  ['train_mode', 'fast'],
  ['voices', BYTES],
  ...extra,
];
const without = (form: Array<[string, string | Uint8Array]>, name: string) =>
  form.filter(([n]) => n !== name);

// [what, request, the place the refusal names]
const refused: Array<[string, Request, string]> = [
  // JSON bodies
  ['a TTS body without text', { path: TTS, json: {} }, 'body.text'],
  [
    'a TTS body with chunk_length 50',
    { path: TTS, json: { text: 'a', chunk_length: 50 } },
    'body.chunk_length',
  ],
  [
    'a TTS body with chunk_length 301',
    { path: TTS, json: { text: 'a', chunk_length: 301 } },
    'body.chunk_length',
  ],
  [
    'a TTS body with opus_bitrate 32',
    { path: TTS, json: { text: 'a', opus_bitrate: 32 } },
    'body.opus_bitrate',
  ],
  [
    'a TTS body with format flac',
    { path: TTS, json: { text: 'a', format: 'flac' } },
    'body.format',
  ],
  [
    'a TTS body with latency fast',
    { path: TTS, json: { text: 'a', latency: 'fast' } },
    'body.latency',
  ],
  [
    'a TTS body with temperature 1.5',
    { path: TTS, json: { text: 'a', temperature: 1.5 } },
    'body.temperature',
  ],
  ['a TTS body with text as a number', { path: TTS, json: { text: 5 } }, 'body.text'],
  [
    'a TTS body with chunk_length 150.5',
    { path: TTS, json: { text: 'a', chunk_length: 150.5 } },
    'body.chunk_length',
  ],
  ['a timestamp body without text', { path: TIMESTAMPS, json: { format: 'mp3' } }, 'body.text'],
  [
    'a design body without instruction',
    { path: '/v1/voice-design', json: {}, headers: DESIGN_HEADERS },
    'body.instruction',
  ],
  [
    'a design body with an empty instruction',
    { path: '/v1/voice-design', json: { instruction: '' }, headers: DESIGN_HEADERS },
    'body.instruction',
  ],
  [
    'a design instruction of 2001 characters',
    { path: '/v1/voice-design', json: { instruction: 'x'.repeat(2001) }, headers: DESIGN_HEADERS },
    'body.instruction',
  ],
  [
    'a design body with n 5',
    { path: '/v1/voice-design', json: { instruction: 'warm', n: 5 }, headers: DESIGN_HEADERS },
    'body.n',
  ],
  [
    'a design body with speed 0 (exclusive minimum)',
    { path: '/v1/voice-design', json: { instruction: 'warm', speed: 0 }, headers: DESIGN_HEADERS },
    'body.speed',
  ],
  [
    'a design body with a field the spec forbids',
    {
      path: '/v1/voice-design',
      json: { instruction: 'warm', colour: 'red' },
      headers: DESIGN_HEADERS,
    },
    'body.colour',
  ],
  ['an agent with an empty name', { path: '/v1/agent/agents', json: { name: '' } }, 'body.name'],
  [
    'an agent without a name',
    { path: '/v1/agent/agents', json: { description: 'd' } },
    'body.name',
  ],
  [
    'an agent with a field the spec forbids',
    { path: '/v1/agent/agents', json: { name: 'a', colour: 'red' } },
    'body.colour',
  ],
  [
    'an agent config with a first_message_mode it does not list',
    {
      method: 'PATCH',
      path: '/v1/agent/agents/a1/config',
      json: { prompt: { first_message_mode: 'loud' } },
    },
    'body.prompt.first_message_mode',
  ],
  [
    'a publish title of 121 characters',
    { path: '/v1/agent/agents/a1/publish', json: { version_title: 'x'.repeat(121) } },
    'body.version_title',
  ],
  [
    'a phone number from a provider other than twilio',
    { path: '/v1/agent/phone-numbers', json: { provider: 'vonage', phone_number: '+1' } },
    'body.provider',
  ],
  [
    'a phone call without to_number',
    { path: '/v1/agent/phone-calls', json: { agent_id: 'a', phone_number_id: 'p' } },
    'body.to_number',
  ],
  [
    'a tool with a timeout of 0 seconds',
    { path: '/v1/agent/tools', json: { name: 't', timeout_seconds: 0 } },
    'body.timeout_seconds',
  ],
  [
    'a session with 51 dynamic variables',
    {
      path: '/v1/agent/sessions',
      json: {
        agent_id: 'a',
        dynamic_variables: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`v${i}`, i])),
      },
    },
    'body.dynamic_variables',
  ],
  // msgpack bodies
  ['a msgpack TTS body without text', { path: TTS, msgpack: { format: 'wav' } }, 'body.text'],
  [
    'a msgpack TTS body with chunk_length 50',
    { path: TTS, msgpack: { text: 'a', chunk_length: 50 } },
    'body.chunk_length',
  ],
  [
    'a msgpack TTS reference without its text',
    { path: TTS, msgpack: { text: 'a', references: [{ audio: BYTES }] } },
    'body.references.0.text',
  ],
  [
    'a msgpack TTS reference whose audio is text',
    { path: TTS, msgpack: { text: 'a', references: [{ audio: 'a.wav', text: 't' }] } },
    'body.references.0.audio',
  ],
  [
    'a msgpack voice without a title',
    { path: '/model', msgpack: { type: 'tts', train_mode: 'fast', voices: [BYTES] } },
    'body.title',
  ],
  [
    'a msgpack voice with no samples',
    { path: '/model', msgpack: { ...VOICE, voices: [] } },
    'body.voices',
  ],
  [
    'a msgpack voice with 21 samples',
    { path: '/model', msgpack: { ...VOICE, voices: Array(21).fill(BYTES) } },
    'body.voices',
  ],
  [
    'a msgpack voice of type stt',
    { path: '/model', msgpack: { ...VOICE, type: 'stt', voices: [BYTES] } },
    'body.type',
  ],
  [
    'a msgpack transcription without audio',
    { path: '/v1/asr', msgpack: { language: 'en' } },
    'body.audio',
  ],
  // multipart bodies
  [
    'a multipart voice without a title',
    { path: '/model', form: without(voiceForm(), 'title') },
    'body.title',
  ],
  [
    'a multipart voice without a type',
    { path: '/model', form: without(voiceForm(), 'type') },
    'body.type',
  ],
  [
    'a multipart voice without a train_mode',
    { path: '/model', form: without(voiceForm(), 'train_mode') },
    'body.train_mode',
  ],
  [
    'a multipart voice with train_mode slow',
    { path: '/model', form: [...without(voiceForm(), 'train_mode'), ['train_mode', 'slow']] },
    'body.train_mode',
  ],
  [
    'a multipart voice with visibility secret',
    { path: '/model', form: voiceForm(['visibility', 'secret']) },
    'body.visibility',
  ],
  [
    'a multipart voice whose sample is a text field',
    { path: '/model', form: [...without(voiceForm(), 'voices'), ['voices', 'a.wav']] },
    'body.voices.0',
  ],
  [
    'a multipart voice with enhance_audio_quality maybe',
    { path: '/model', form: voiceForm(['enhance_audio_quality', 'maybe']) },
    'body.enhance_audio_quality',
  ],
  [
    'a multipart voice with 21 texts',
    {
      path: '/model',
      form: voiceForm(...Array.from({ length: 21 }, (): [string, string] => ['texts', 't'])),
    },
    'body.texts',
  ],
  [
    'a multipart voice update with visibility secret',
    { method: 'PATCH', path: '/model/v1', form: [['visibility', 'secret']] },
    'body.visibility',
  ],
  [
    'a multipart transcription whose audio is a text field',
    { path: '/v1/asr', form: [['audio', 'a.wav']] },
    'body.audio',
  ],
  [
    'a multipart transcription with ignore_timestamps yes',
    {
      path: '/v1/asr',
      form: [
        ['audio', BYTES],
        ['ignore_timestamps', 'yes'],
      ],
    },
    'body.ignore_timestamps',
  ],
  [
    'a multipart knowledge source without its file',
    { path: '/v1/agent/knowledge-sources', form: [['name', 'n']] },
    'body.source',
  ],
  [
    'a msgpack voice update with visibility secret',
    { method: 'PATCH', path: '/model/v1', msgpack: { visibility: 'secret' } },
    'body.visibility',
  ],
  [
    'a msgpack transcription with ignore_timestamps as text',
    { path: '/v1/asr', msgpack: { audio: BYTES, ignore_timestamps: 'yes' } },
    'body.ignore_timestamps',
  ],
  [
    'a TTS body whose references are not a list',
    { path: TTS, json: { text: 'a', references: 'none' } },
    'body.references',
  ],
  [
    'a multipart knowledge source update whose file is a text field',
    { method: 'PATCH', path: '/v1/agent/knowledge-sources/s1', form: [['source', 'a.pdf']] },
    'body.source',
  ],
  // query parameters
  ['a voice list with self yes', { method: 'GET', path: '/model?self=yes' }, 'query.self'],
  [
    'a voice list with page_size 500',
    { method: 'GET', path: '/model?page_size=500' },
    'query.page_size',
  ],
  [
    'a voice list with page_size 0',
    { method: 'GET', path: '/model?page_size=0' },
    'query.page_size',
  ],
  [
    'a voice list with page_number 0',
    { method: 'GET', path: '/model?page_number=0' },
    'query.page_number',
  ],
  [
    'a voice list sorted by newest',
    { method: 'GET', path: '/model?sort_by=newest' },
    'query.sort_by',
  ],
  [
    'an agent list with publication_state gone',
    { method: 'GET', path: '/v1/agent/agents?publication_state=gone' },
    'query.publication_state',
  ],
  ['an agent list with page 0', { method: 'GET', path: '/v1/agent/agents?page=0' }, 'query.page'],
  [
    'a tool list with page_size 101',
    { method: 'GET', path: '/v1/agent/tools?page_size=101' },
    'query.page_size',
  ],
  [
    'available numbers of type mobile',
    { method: 'GET', path: '/v1/agent/available-phone-numbers?number_type=mobile' },
    'query.number_type',
  ],
  [
    'available numbers from provider vonage',
    { method: 'GET', path: '/v1/agent/available-phone-numbers?provider=vonage' },
    'query.provider',
  ],
  // headers
  [
    'a TTS request for model s9',
    { path: TTS, json: { text: 'a' }, headers: { model: 's9' } },
    'header.model',
  ],
  [
    'a timestamp request for model s9',
    { path: TIMESTAMPS, json: { text: 'a' }, headers: { model: 's9' } },
    'header.model',
  ],
  [
    'a design request for model s1',
    { path: '/v1/voice-design', json: { instruction: 'warm' }, headers: { model: 's1' } },
    'header.model',
  ],
];

describe('the stand-in refuses a spec-invalid request', () => {
  it.each(refused)('answers 422 to %s, naming the place', async (_what, request, place) => {
    const response = await send(request);
    expect(response.status).toBe(422);
    expect(placesIn(await response.json())).toContain(place);
  });
});

// [what, request]
const accepted: Array<[string, Request]> = [
  [
    'a multipart voice update with one tag and a visibility',
    {
      method: 'PATCH',
      path: '/model/v1',
      form: [
        ['tags', 'calm'],
        ['visibility', 'unlist'],
      ],
    },
  ],
  [
    'a msgpack voice update with a cover image',
    { method: 'PATCH', path: '/model/v1', msgpack: { cover_image: BYTES, tags: ['a', 'b'] } },
  ],
  [
    'a TTS body with every bounded field at a limit',
    {
      path: TTS,
      json: {
        text: 'a',
        chunk_length: 300,
        opus_bitrate: -1000,
        format: 'opus',
        temperature: 0,
        top_p: 1,
        latency: 'balanced',
      },
    },
  ],
  ['a TTS request for model s1', { path: TTS, json: { text: 'a' }, headers: { model: 's1' } }],
  [
    'a msgpack TTS body with a reference',
    { path: TTS, msgpack: { text: 'a', references: [{ audio: BYTES, text: 't' }] } },
  ],
  [
    'a design body with every option',
    {
      path: '/v1/voice-design',
      json: {
        instruction: 'warm',
        reference_text: 'hi',
        language: 'en',
        n: 4,
        speed: 3,
        num_step: 128,
        guidance_scale: 0,
        instruct_guidance_scale: 0,
        seed: null,
      },
      headers: DESIGN_HEADERS,
    },
  ],
  [
    'a multipart voice with one sample and flags as text',
    {
      path: '/model',
      form: voiceForm(
        ['enhance_audio_quality', 'false'],
        ['visibility', 'private'],
        ['tags', 'a'],
        ['tags', 'b'],
      ),
    },
  ],
  [
    'a multipart voice with 20 samples and 20 texts',
    {
      path: '/model',
      form: voiceForm(
        ...Array.from({ length: 19 }, (): [string, Uint8Array] => ['voices', BYTES]),
        ...Array.from({ length: 20 }, (): [string, string] => ['texts', 't']),
      ),
    },
  ],
  [
    'a msgpack voice',
    { path: '/model', msgpack: { ...VOICE, voices: [BYTES], enhance_audio_quality: false } },
  ],
  [
    'a multipart transcription with ignore_timestamps false',
    {
      path: '/v1/asr',
      form: [
        ['audio', BYTES],
        ['ignore_timestamps', 'false'],
        ['language', 'en'],
      ],
    },
  ],
  [
    'a voice list with every filter',
    {
      method: 'GET',
      path: '/model?page_size=100&page_number=2&sort_by=created_at&tag=a&tag=b&self=true&language=en',
    },
  ],
  [
    'an agent list with publication_state live and page 2',
    { method: 'GET', path: '/v1/agent/agents?publication_state=live&page=2&page_size=1' },
  ],
  [
    'an agent with a name of 120 characters',
    { path: '/v1/agent/agents', json: { name: 'x'.repeat(120) } },
  ],
  ['a publish request without a body', { path: '/v1/agent/agents/a1/publish' }],
];

describe('the stand-in accepts a spec-valid request', () => {
  it.each(accepted)('answers 2xx to %s', async (_what, request) => {
    const response = await send(request);
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    await response.arrayBuffer();
  });
});
