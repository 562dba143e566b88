/**
 * Uploads and the values a request body can carry, over real HTTP on 127.0.0.1, asserted on the
 * bytes the server received. A binary field takes bytes (a Blob or File, an ArrayBuffer, any
 * ArrayBufferView) and sends exactly those; anything else (a path, a stream, an object) is
 * refused by name before a request exists. A value no encoding can carry (NaN, a BigInt, a
 * cycle…) is refused the same way in JSON, multipart and msgpack, and a Date is an ISO string in
 * all three. An empty list, which multipart cannot express, goes as msgpack.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decode } from '@msgpack/msgpack';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FishAudio, InvalidParameterError } from '../../src/index.js';
import { encodeBody } from '../../src/http/body.js';
import { operationFor } from '../../src/operations.js';
import { listenLoopback, type Loopback, type Received } from '../helpers/loopback.js';
import { failure, KEY } from './support.js';

let server: Loopback;
let dir: string;

beforeAll(async () => {
  // Each operation answers as the spec documents it; the bodies are not what is tested here.
  server = await listenLoopback((req, res) => {
    if (req.url === '/v1/tts') return res.writeHead(200, { 'content-type': 'audio/mpeg' }).end('x');
    if (req.method === 'PATCH') return res.writeHead(200).end();
    const json = req.url === '/v1/asr' ? { text: 'hi', duration: 1, segments: [] } : { _id: 'v1' };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(json));
  });
  dir = await mkdtemp(path.join(tmpdir(), 'fish-uploads-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.requests.length = 0;
});

const client = () =>
  new FishAudio({ apiKey: KEY, baseUrl: server.url, maxRetries: 0, validateResponses: 'off' });

/** The one request the server received. */
function only(): Received {
  expect(server.requests).toHaveLength(1);
  return server.requests[0]!;
}

/** The multipart parts of `request`, read by the platform's own parser, as a server would. */
function partsOf(request: Received): Promise<FormData> {
  expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
  return new Response(new Uint8Array(request.body), {
    headers: { 'content-type': request.headers['content-type']! },
  }).formData();
}

function msgpackOf(request: Received): Record<string, unknown> {
  expect(request.headers['content-type']).toBe('application/msgpack');
  return decode(request.body) as Record<string, unknown>;
}

async function bytesOf(part: FormDataEntryValue | null | undefined): Promise<number[]> {
  expect(part).toBeInstanceOf(Blob);
  return [...new Uint8Array(await (part as Blob).arrayBuffer())];
}

/** A refused call: the typed error, naming `parameter`, and not one request sent. */
async function refused(call: () => Promise<unknown>, parameter: string): Promise<string> {
  const error = await failure(call);
  expect(error).toBeInstanceOf(InvalidParameterError);
  expect((error as InvalidParameterError).parameter).toBe(parameter);
  expect(server.requests).toHaveLength(0);
  return (error as Error).message;
}

const transcribe = (audio: unknown) => client().asr.transcribe({ audio } as never);

// Bytes in every shape a caller may hold them, each a view onto part of a larger buffer where
// the shape allows, so that sending the whole buffer instead of the view would show.
const backing = new Uint8Array([9, 9, 1, 2, 3, 250, 9, 9]);
const BYTES: Array<[string, () => unknown, number[]]> = [
  ['a Uint8Array view into a larger buffer', () => backing.subarray(2, 6), [1, 2, 3, 250]],
  [
    'a Buffer that starts inside its memory',
    () => Buffer.from([0, 7, 8, 255]).subarray(1),
    [7, 8, 255],
  ],
  [
    'an Int16Array view (its bytes, not its numbers)',
    () => new Int16Array(new Uint16Array([0x0102, 0x0304, 0xfffe]).buffer, 2, 2),
    [...new Uint8Array(new Uint16Array([0x0304, 0xfffe]).buffer)],
  ],
  ['a DataView over part of a buffer', () => new DataView(backing.buffer, 1, 3), [9, 1, 2]],
  ['an ArrayBuffer', () => new Uint8Array([0, 128, 255]).buffer, [0, 128, 255]],
  ['a Blob', () => new Blob([new Uint8Array([4, 5, 6])]), [4, 5, 6]],
];

describe('a binary field in a multipart upload', () => {
  it.each(BYTES)('sends %s as exactly its bytes', async (_what, make, expected) => {
    await client().asr.transcribe({ audio: make() as never, language: 'en' });
    const parts = await partsOf(only());
    expect(await bytesOf(parts.get('audio'))).toEqual(expected);
    expect(parts.get('language')).toBe('en');
  });

  it('keeps the name of a File', async () => {
    await transcribe(new File([new Uint8Array([1])], 'clip.wav'));
    expect(((await partsOf(only())).get('audio') as File).name).toBe('clip.wav');
  });

  it('sends each voice sample as its own part, whatever shape its bytes come in', async () => {
    await client().voices.create({
      title: 'Me',
      type: 'tts',
      train_mode: 'fast',
      voices: [new Int16Array([1, -1]), new Blob(['ab']), new Uint8Array([5]).buffer] as never,
    });
    const samples = (await partsOf(only())).getAll('voices');
    expect(samples).toHaveLength(3);
    expect(await bytesOf(samples[0])).toEqual([...new Uint8Array(new Int16Array([1, -1]).buffer)]);
    expect(await bytesOf(samples[1])).toEqual([97, 98]);
    expect(await bytesOf(samples[2])).toEqual([5]);
  });
});

describe('bytes inside a msgpack body', () => {
  it.each(BYTES)(
    'sends %s as a reference audio of exactly its bytes',
    async (_what, make, want) => {
      await client().tts.convert({
        text: 'hi',
        references: [{ audio: make() as never, text: 'r' }],
      });
      const sent = msgpackOf(only()) as { references: Array<{ audio: Uint8Array }> };
      expect([...sent.references[0]!.audio]).toEqual(want);
    },
  );
});

describe('a binary field refuses what is not bytes, sending nothing', () => {
  const NOT_BYTES: Array<[string, () => unknown]> = [
    ['a file path', () => 'recording.mp3'],
    ['a number', () => 42],
    ['a plain object', () => ({ data: [1, 2, 3] })],
    ['a Promise (a forgotten await)', () => Promise.resolve(new Uint8Array([1]))],
    ['a Response', () => new Response('x')],
  ];

  it.each(NOT_BYTES)('refuses %s as the audio, saying what it takes', async (_what, make) => {
    const message = await refused(() => transcribe(make()), 'audio');
    expect(message).toMatch(/Blob/);
    expect(message).toMatch(/ArrayBuffer/);
  });

  it('names the voice sample that is not bytes by its index', async () => {
    const voices = [new Uint8Array([1]), 'second.wav'];
    const call = () =>
      client().voices.create({ title: 'Me', type: 'tts', train_mode: 'fast', voices } as never);
    await refused(call, 'voices[1]');
  });

  it('refuses a path string as the cover image', async () => {
    await refused(
      () => client().voices.update('v1', { cover_image: 'cover.png' as never }),
      'cover_image',
    );
  });

  it('refuses a path string as a knowledge source', async () => {
    const call = () =>
      client().request('POST /v1/agent/knowledge-sources', { source: 'notes.pdf' } as never);
    await refused(call, 'source');
  });

  it('does not show the value of a refused string, which may be a secret', async () => {
    const message = await refused(() => transcribe('sk-pasted-in-the-wrong-place'), 'audio');
    expect(message).not.toContain('sk-pasted');
  });
});

describe('streams', () => {
  it('refuses an fs.ReadStream, and nothing of its local path reaches the wire', async () => {
    const file = path.join(dir, 'private-recording-7f3a.mp3');
    await writeFile(file, new Uint8Array([1, 2, 3]));
    const stream = createReadStream(file);
    try {
      const message = await refused(() => transcribe(stream), 'audio');
      expect(message).toMatch(/openAsBlob/);
      expect(message).not.toContain('private-recording');
      expect(server.requests.map((r) => r.body.toString('latin1')).join('')).not.toContain(
        'private-recording',
      );
    } finally {
      stream.destroy();
    }
  });

  it('refuses a web ReadableStream, saying to read it into a Blob first', async () => {
    const stream = new Blob([new Uint8Array([1, 2])]).stream();
    const message = await refused(() => transcribe(stream), 'audio');
    expect(message).toMatch(/ReadableStream/);
    expect(message).toMatch(/read it into a Blob first/);
  });

  it('leaves a refused ReadableStream unread, so the caller can still use it', async () => {
    const stream = new Blob([new Uint8Array([1, 2])]).stream();
    await refused(() => transcribe(stream), 'audio');
    expect(stream.locked).toBe(false);
    expect([...new Uint8Array(await new Response(stream).arrayBuffer())]).toEqual([1, 2]);
  });
});

/**
 * The same rule in every encoding: the value is put second in a list of strings, which every
 * encoding has (`reference_id` in JSON and msgpack, repeated `tags` parts in multipart).
 */
const ENCODINGS = {
  json: {
    path: 'reference_id[1]',
    send: (value: unknown) =>
      client().tts.convert({ text: 'hi', reference_id: ['a', value] as never }),
    async read(): Promise<unknown[]> {
      const request = only();
      expect(request.headers['content-type']).toBe('application/json');
      return (JSON.parse(request.body.toString()) as { reference_id: unknown[] }).reference_id;
    },
  },
  msgpack: {
    path: 'reference_id[1]',
    send: (value: unknown) =>
      client().tts.convert({
        text: 'hi',
        reference_id: ['a', value] as never,
        references: [{ audio: new Uint8Array([1]), text: 'r' }],
      }),
    read: async () => msgpackOf(only()).reference_id as unknown[],
  },
  multipart: {
    path: 'tags[1]',
    send: (value: unknown) => client().voices.update('v1', { tags: ['a', value] as never }),
    // A part is text: an object or list is sent as its JSON.
    read: async () =>
      (await partsOf(only())).getAll('tags').map((part) => {
        const text = part as string;
        return text.startsWith('{') ? (JSON.parse(text) as unknown) : text;
      }),
  },
} as const;
type Encoding = keyof typeof ENCODINGS;
const ALL = Object.keys(ENCODINGS) as Encoding[];

const circular = () => {
  const node: Record<string, unknown> = { a: 1 };
  node.self = node;
  return node;
};

const REFUSED: Array<[string, () => unknown, string]> = [
  ['NaN', () => NaN, ''],
  ['Infinity', () => Infinity, ''],
  ['-Infinity', () => -Infinity, ''],
  ['a BigInt', () => 10n, ''],
  ['a function', () => () => 1, ''],
  ['a symbol', () => Symbol('s'), ''],
  ['undefined in a list', () => undefined, ''],
  ['an invalid Date', () => new Date('not a date'), ''],
  ['a Map', () => new Map([['a', 1]]), ''],
  ['a string with a lone surrogate', () => 'a\uD800b', ''],
  ['an object that contains itself', circular, '.self'],
];

describe.each(ALL)('in a %s body', (encoding) => {
  const { path: where, send, read } = ENCODINGS[encoding];

  it.each(REFUSED)(
    'refuses %s, naming its path, and sends nothing',
    async (_what, make, suffix) => {
      await refused(() => send(make()), where + suffix);
    },
  );

  it('sends a Date as its ISO 8601 string', async () => {
    await send(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)));
    expect(await read()).toEqual(['a', '2026-01-02T03:04:05.000Z']);
  });

  it('leaves out a property whose value is undefined', async () => {
    await send({ kept: 1, dropped: undefined });
    expect(await read()).toEqual(['a', { kept: 1 }]);
  });
});

describe('lists in a multipart body', () => {
  it('sends an empty list as msgpack, which can say "no tags" where multipart cannot', async () => {
    await client().voices.update('v1', { tags: [] });
    expect(msgpackOf(only())).toEqual({ tags: [] });
  });

  it('carries the bytes beside an empty list exactly, in msgpack', async () => {
    await client().voices.update('v1', { tags: [], cover_image: new Uint8Array([1, 2, 3]) });
    const sent = msgpackOf(only()) as { tags: unknown[]; cover_image: Uint8Array };
    expect(sent.tags).toEqual([]);
    expect([...sent.cover_image]).toEqual([1, 2, 3]);
  });

  it('keeps a list with items as repeated multipart parts', async () => {
    await client().voices.update('v1', { tags: ['calm', 'warm'] });
    expect((await partsOf(only())).getAll('tags')).toEqual(['calm', 'warm']);
  });

  it('sends a list holding null as msgpack, since a multipart part cannot be null', async () => {
    await client().voices.update('v1', { tags: ['calm', null] as never });
    expect(msgpackOf(only())).toEqual({ tags: ['calm', null] });
  });

  it('refuses an empty list where the operation offers multipart alone', async () => {
    const entry = { ...operationFor('POST /v1/asr').body!, encodings: ['multipart'] as const };
    const error = await failure(() => encodeBody(entry, { audio: new Uint8Array([1]), x: [] }));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).parameter).toBe('x');
  });
});

describe('bytes elsewhere', () => {
  it('refuses bytes in a JSON-only body, naming the field', async () => {
    const call = () =>
      client().request('POST /v1/agent/agents', { name: new Uint8Array([1]) } as never);
    const message = await refused(call, 'name');
    expect(message).toMatch(/JSON/);
  });

  it("leaves the caller's body as it was after reading its Blobs for msgpack", async () => {
    const audio = new Blob([new Uint8Array([1, 2])]);
    const reference = { audio, text: 'r', when: new Date(0) };
    await client().tts.convert({ text: 'hi', references: [reference as never] });
    expect(reference.audio).toBe(audio);
    expect(reference.when).toBeInstanceOf(Date);
    const sent = msgpackOf(only()) as { references: Array<{ audio: Uint8Array }> };
    expect([...sent.references[0]!.audio]).toEqual([1, 2]);
  });
});
