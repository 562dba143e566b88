/**
 * A hostile review of issue 22's two changes.
 *
 * 1. A live session reads frames as Node Buffers (`binaryType = 'nodebuffer'`): views of what
 *    the socket read, not copies, and the audio chunks it yields are views of those. A server
 *    that packs many frames into one TCP write, cuts one frame across many, fragments its
 *    messages or compresses them must still be heard byte for byte, and a careless caller that
 *    mutates, wipes or hands off a chunk it was given must not change any other chunk. The
 *    rewritten shape check (`shapeProblem`, `lengthAt`) must refuse and pass exactly at its bounds.
 * 2. The pager's page fingerprint hashes the items' JSON two UTF-16 units per step: a page that
 *    is new must never be taken for one seen before (the pager would stop and lose the rest).
 */
import { createHash } from 'node:crypto';
import { encode } from '@msgpack/msgpack';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { FishAudio, RealtimeError } from '../../src/index.js';
import { openLiveSession, type LiveOptions } from '../../src/realtime/index.js';
import { MAX_FRAME_DEPTH, MAX_FRAME_VALUES, readServerFrame } from '../../src/realtime/messages.js';
import type { SocketRuntime } from '../../src/realtime/socket.js';
import { nextParams } from '../../src/http/pagination.js';
import { BY_PAGE, BY_CURSOR, freshProgress } from '../helpers/pagination.js';
import { liveServer, type Peer } from '../helpers/live-server.js';
import { readAll } from '../helpers/settle.js';

const KEY = 'sk-review22-0123456789abcdef';

/** A seeded PRNG (mulberry32), so every random case can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const between = (next: () => number, low: number, high: number) =>
  low + Math.floor(next() * (high - low + 1));

const sha = (chunks: readonly Uint8Array[]) => {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
};

/** One WebSocket frame from the server (unmasked): binary, continuation or text. */
function wsFrame(payload: Uint8Array, opcode: number, fin = true, rsv1 = false): Buffer {
  const first = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  const n = payload.byteLength;
  let header: number[];
  if (n < 126) header = [first, n];
  else if (n < 65_536) header = [first, 126, n >> 8, n & 0xff];
  else
    header = [
      first,
      127,
      0,
      0,
      0,
      0,
      (n >>> 24) & 0xff,
      (n >>> 16) & 0xff,
      (n >>> 8) & 0xff,
      n & 0xff,
    ];
  return Buffer.concat([Buffer.from(header), payload]);
}
/** A whole binary message as one frame. */
const binary = (payload: Uint8Array) => wsFrame(payload, 0x2);
/** A whole binary message cut into fragments at the given sizes (the last takes the rest). */
function fragmented(payload: Uint8Array, cuts: number[]): Buffer {
  const pieces: Buffer[] = [];
  let at = 0;
  for (const [i, size] of cuts.entries()) {
    const end = Math.min(at + size, payload.byteLength);
    pieces.push(wsFrame(payload.subarray(at, end), i === 0 ? 0x2 : 0x0, false));
    at = end;
  }
  pieces.push(wsFrame(payload.subarray(at), cuts.length === 0 ? 0x2 : 0x0, true));
  return Buffer.concat(pieces);
}

/**
 * The `ws` WebSocket as the session makes it, recorded so a test can see the client's side.
 * `arraybuffer`: a socket that refuses 'nodebuffer' (as a WHATWG one does), so the session falls
 * back to ArrayBuffers, each a copy of its frame: how every frame was read before issue 22.
 */
function recordingRuntime(arraybuffer = false) {
  const made: WebSocket[] = [];
  class Recording extends WebSocket {
    constructor(url: string, options: WebSocket.ClientOptions) {
      super(url, options);
      made.push(this);
      if (!arraybuffer) return;
      const own = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'binaryType')!;
      own.set!.call(this, 'arraybuffer');
      Object.defineProperty(this, 'binaryType', {
        get: () => own.get!.call(this) as string,
        set: (type: string) => {
          if (type !== 'nodebuffer') own.set!.call(this, type);
        },
      });
    }
  }
  const runtime: SocketRuntime = { global: {}, importWs: async () => ({ default: Recording }) };
  return { runtime, made };
}

/** Frames as the session reads them now, and as it read them before (the control row). */
const READS = [
  { reads: 'Node Buffers (ws as it is)', arraybuffer: false },
  { reads: 'ArrayBuffers (a socket refusing nodebuffer)', arraybuffer: true },
];

const client = (server: { url: string }) =>
  new FishAudio({ apiKey: KEY, baseUrl: server.url, maxRetries: 0 });

async function open(server: { url: string }, options: LiveOptions = {}) {
  return openLiveSession(client(server), {}, options);
}

const audioEvent = (bytes: Uint8Array) => encode({ event: 'audio', audio: bytes });
const FINISH = encode({ event: 'finish', reason: 'stop' });
const text = (chunks: readonly Uint8Array[]) => chunks.map((c) => Buffer.from(c).toString());

/** Random payloads of random sizes, 0..70 000 bytes each, some empty on purpose. */
function payloads(seed: number, count: number): Uint8Array[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, i) => {
    const size = i % 5 === 3 ? 0 : between(next, 0, 70_000);
    const bytes = new Uint8Array(size);
    for (let j = 0; j < size; j++) bytes[j] = Math.floor(next() * 256);
    return bytes;
  });
}

type Delivery = 'one write' | 'many writes' | 'fragments' | 'deflate' | 'deflate fragments';

/** What the server does with the messages (each a msgpack event), per delivery. */
async function deliver(peer: Peer, messages: Uint8Array[], how: Delivery, seed: number) {
  const next = random(seed ^ 0x5eed);
  const pause = () => new Promise((resolve) => setImmediate(resolve));
  if (how === 'one write') {
    peer.raw.write(Buffer.concat(messages.map(binary)));
  } else if (how === 'many writes') {
    const stream = Buffer.concat(messages.map(binary));
    for (let at = 0; at < stream.byteLength;) {
      const size = between(next, 1, 9_000);
      peer.raw.write(stream.subarray(at, at + size));
      at += size;
      await pause();
    }
  } else if (how === 'fragments') {
    const frames = messages.map((message) => {
      const cuts = Array.from({ length: between(next, 0, 6) }, () => between(next, 0, 20_000));
      return fragmented(message, cuts);
    });
    peer.raw.write(Buffer.concat(frames));
  } else if (how === 'deflate') {
    peer.raw.cork();
    for (const message of messages) peer.socket.send(message, { binary: true, compress: true });
    process.nextTick(() => peer.raw.uncork());
  } else {
    for (const message of messages) {
      let at = 0;
      const pieces = between(next, 1, 5);
      for (let i = 1; i < pieces; i++) {
        const size = between(next, 0, Math.max(0, message.byteLength - at));
        peer.socket.send(message.subarray(at, at + size), {
          binary: true,
          compress: true,
          fin: false,
        });
        at += size;
      }
      peer.socket.send(message.subarray(at), { binary: true, compress: true, fin: true });
    }
  }
}

/** A session whose server sends `messages` (then finish) the way `how` says, once started. */
async function serving(
  messages: Uint8Array[],
  how: Delivery,
  seed = 1,
  options: LiveOptions = {},
  arraybuffer = false,
) {
  const deflate = how.startsWith('deflate');
  const server = await liveServer({
    onStart: (peer) => deliver(peer, [...messages, FINISH], how, seed),
    deflate,
  });
  const { runtime, made } = recordingRuntime(arraybuffer);
  const session = await open(server, { runtime, ...options });
  return { session, made };
}

const DELIVERIES: Delivery[] = [
  'one write',
  'many writes',
  'fragments',
  'deflate',
  'deflate fragments',
];
const SEEDS = [1, 2, 3, 22];
const ROWS = DELIVERIES.flatMap((how) => SEEDS.map((seed) => ({ how, seed })));

describe('audio frames read as views of what the socket read', () => {
  it.for(ROWS)(
    'yields exactly the bytes sent, in order, when the server uses $how (seed $seed)',
    async ({ how, seed }) => {
      const sent = payloads(seed, 14);
      const { session } = await serving(sent.map(audioEvent), how, seed);
      const { chunks, error } = await readAll(session);
      expect(error).toBeUndefined();
      expect(chunks.map((c) => c.byteLength)).toEqual(
        sent.filter((p) => p.byteLength > 0).map((p) => p.byteLength),
      );
      expect(sha(chunks)).toBe(sha(sent));
    },
  );

  it.for(DELIVERIES)(
    'hands a caller who zeroes every chunk as it reads it the next chunks intact (%s)',
    async (how) => {
      const sent = payloads(7, 14);
      const { session } = await serving(sent.map(audioEvent), how, 7);
      const seen: Buffer[] = [];
      const { error } = await readAll(session, (chunk) => {
        seen.push(Buffer.from(chunk));
        chunk.fill(0);
      });
      expect(error).toBeUndefined();
      expect(sha(seen)).toBe(sha(sent));
    },
  );

  it.for(DELIVERIES)(
    'leaves queued chunks intact when a caller zeroes the first after all have arrived (%s)',
    async (how) => {
      const sent = payloads(8, 14);
      const { session } = await serving(sent.map(audioEvent), how, 8);
      await session.done;
      const iterator = session[Symbol.asyncIterator]();
      const first = (await iterator.next()).value as Uint8Array;
      const firstCopy = Buffer.from(first);
      first.fill(0);
      const rest: Uint8Array[] = [];
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) rest.push(r.value);
      expect(sha([firstCopy, ...rest])).toBe(sha(sent));
    },
  );

  it.for(READS)(
    'leaves later chunks intact when a caller transfers an earlier chunk’s buffer to a worker, reading $reads',
    async ({ arraybuffer }) => {
      const sent = [1, 2, 3, 4].map((n) => new Uint8Array(1000).fill(n));
      const { session, made } = await serving(
        sent.map(audioEvent),
        'one write',
        1,
        {},
        arraybuffer,
      );
      expect(made[0]!.binaryType).toBe(arraybuffer ? 'arraybuffer' : 'nodebuffer');
      await session.done;
      const iterator = session[Symbol.asyncIterator]();
      const first = (await iterator.next()).value as Uint8Array;
      // What postMessage(chunk.buffer, [chunk.buffer]) to a Worker or an AudioWorklet does.
      structuredClone(first.buffer, { transfer: [first.buffer] });
      const rest: Uint8Array[] = [];
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) rest.push(r.value);
      expect(rest.map((c) => [c.byteLength, c[0]])).toEqual([
        [1000, 2],
        [1000, 3],
        [1000, 4],
      ]);
    },
  );

  it.for(READS)(
    'does not stall with the socket paused after a caller transferred a chunk’s buffer, reading $reads',
    async ({ arraybuffer }) => {
      // 200 KB in one write: more than ws reads at once, so the socket pauses with frames unread.
      const sent = Array.from({ length: 200 }, (_, n) => new Uint8Array(1000).fill(n % 256));
      const { session, made } = await serving(
        sent.map(audioEvent),
        'one write',
        1,
        { maxQueuedBytes: 1500 },
        arraybuffer,
      );
      const iterator = session[Symbol.asyncIterator]();
      const first = await iterator.next();
      structuredClone(first.value!.buffer, { transfer: [first.value!.buffer] });
      let read = 1;
      let stalled = false;
      for (;;) {
        const pending = iterator.next();
        let settled = false;
        void pending.then(
          () => (settled = true),
          () => (settled = true),
        );
        await new Promise((resolve) => setImmediate(resolve));
        // A reader waiting on an empty queue while the socket is paused waits forever: only
        // taking a chunk from the queue resumes the socket.
        if (!settled && made[0]!.isPaused) {
          stalled = true;
          session.close();
          break;
        }
        const r = await pending;
        if (r.done) break;
        read++;
      }
      expect({ stalled, read }).toEqual({ stalled: false, read: 200 });
    },
  );

  it.for(READS)(
    'gives a caller who reads a chunk’s whole buffer none of the bytes of other frames, reading $reads',
    async ({ arraybuffer }) => {
      const marker = Buffer.from('NEIGHBOUR-FRAME-MARKER');
      const messages = [
        audioEvent(new Uint8Array(300).fill(0x41)),
        encode({ event: 'log', note: marker.toString() }),
        audioEvent(new Uint8Array(300).fill(0x42)),
      ];
      const { session } = await serving(messages, 'one write', 1, {}, arraybuffer);
      const { chunks, error } = await readAll(session);
      expect(error).toBeUndefined();
      expect(chunks).toHaveLength(2);
      for (const chunk of chunks) expect(Buffer.from(chunk.buffer).includes(marker)).toBe(false);
    },
  );

  it.for(READS)(
    'keeps no more memory alive than the frames themselves for a caller who keeps 50 one-byte chunks, reading $reads',
    async ({ arraybuffer }) => {
      const server = await liveServer({
        onStart: async (peer) => {
          // One frame per write, a turn apart: each arrives in a read of its own.
          for (let i = 0; i < 50; i++) {
            peer.raw.write(binary(audioEvent(new Uint8Array([i]))));
            await new Promise((resolve) => setImmediate(resolve));
          }
          peer.raw.write(binary(FINISH));
        },
      });
      const { runtime } = recordingRuntime(arraybuffer);
      const session = await open(server, { runtime });
      const { chunks, error } = await readAll(session);
      expect(error).toBeUndefined();
      expect(chunks.map((c) => c[0])).toEqual(Array.from({ length: 50 }, (_, i) => i));
      const held = new Set(chunks.map((c) => c.buffer));
      const bytes = [...held].reduce((n, b) => n + b.byteLength, 0);
      // Each frame is 20 bytes of msgpack; allow 64 per chunk.
      expect(bytes).toBeLessThanOrEqual(50 * 64);
    },
  );

  it('yields 10 000 one-byte frames sent in one write, each with its own byte', async () => {
    const sent = Array.from({ length: 10_000 }, (_, i) => new Uint8Array([i % 251]));
    const { session } = await serving(sent.map(audioEvent), 'one write', 1, {
      maxQueuedBytes: Infinity,
    });
    const { chunks, error } = await readAll(session);
    expect(error).toBeUndefined();
    expect(chunks).toHaveLength(10_000);
    expect(chunks.every((c, i) => c.byteLength === 1 && c[0] === i % 251)).toBe(true);
  });

  it('yields nothing for 10 000 empty audio frames and then the one that holds bytes', async () => {
    const messages = [
      ...Array.from({ length: 10_000 }, () => audioEvent(new Uint8Array(0))),
      audioEvent(Buffer.from('last')),
    ];
    const { session } = await serving(messages, 'one write');
    const { chunks, error } = await readAll(session);
    expect(error).toBeUndefined();
    expect(text(chunks)).toEqual(['last']);
  });

  it('skips 10 000 events of unknown kinds sent in one write and yields the audio after them', async () => {
    const messages = [
      ...Array.from({ length: 10_000 }, (_, i) => encode({ event: 'log', n: i })),
      audioEvent(Buffer.from('after')),
    ];
    const { session } = await serving(messages, 'one write');
    const { chunks, error } = await readAll(session);
    expect(error).toBeUndefined();
    expect(text(chunks)).toEqual(['after']);
  });
});

// ---------------------------------------------------------------------------------------------
// The shape check at its edges.

const EVENT_LOG = [0xa5, ...Buffer.from('event'), 0xa3, ...Buffer.from('log')];
const KEY_DATA = [0xa4, ...Buffer.from('data')];
/** {event: 'log', data: <value bytes>} */
const logWith = (...value: number[]) => Buffer.from([0x82, ...EVENT_LOG, ...KEY_DATA, ...value]);

/** {event: 'audio', audio: <bytes>, deep: [[…[nil]…]]}, the arrays `levels` deep. */
function audioNested(bytes: Uint8Array, levels: number): Buffer {
  return Buffer.concat([
    Buffer.from([0x83]),
    Buffer.from(encode({ event: 'audio', audio: bytes })).subarray(1),
    Buffer.from([0xa4, ...Buffer.from('deep')]),
    Buffer.alloc(levels, 0x91),
    Buffer.from([0xc0]),
  ]);
}
/** {event: 'audio', audio: <bytes>, pad: [nil × n]}: 6 + n values. */
function audioPadded(bytes: Uint8Array, n: number): Buffer {
  return Buffer.concat([
    Buffer.from([0x83]),
    Buffer.from(encode({ event: 'audio', audio: bytes })).subarray(1),
    Buffer.from([
      0xa3,
      ...Buffer.from('pad'),
      0xdd,
      n >>> 24,
      (n >>> 16) & 0xff,
      (n >>> 8) & 0xff,
      n & 0xff,
    ]),
    Buffer.alloc(n, 0xc0),
  ]);
}

describe('frames at the edges of the shape check', () => {
  const refused: Array<[string, () => Buffer | string, RegExp]> = [
    [
      'a second whole event after the first (trailing bytes)',
      () => Buffer.concat([Buffer.from(audioEvent(Buffer.from('twice'))), Buffer.from(FINISH)]),
      /does not decode as msgpack/,
    ],
    [
      'a str32 length header cut at the end of the frame',
      () => logWith(0xdb, 0x00, 0x00),
      /does not decode as msgpack/,
    ],
    [
      'a bin32 length header cut at the end of the frame',
      () => logWith(0xc6, 0x00),
      /does not decode as msgpack/,
    ],
    [
      'an ext32 length header cut at the end of the frame',
      () => logWith(0xc9, 0, 0, 0),
      /does not decode as msgpack/,
    ],
    [
      'an array32 header cut at the end of the frame',
      () => logWith(0xdd, 0xff),
      /does not decode as msgpack/,
    ],
    [
      'a map16 header cut at the end of the frame',
      () => logWith(0xde),
      /does not decode as msgpack/,
    ],
    [
      'a map32 header alone, cut',
      () => Buffer.from([0xdf, 0x00, 0x00]),
      /does not decode as msgpack/,
    ],
    [
      'a bin32 claiming 4 294 967 295 bytes',
      () => logWith(0xc6, 0xff, 0xff, 0xff, 0xff, 1, 2, 3),
      /does not decode as msgpack/,
    ],
    [
      'an array claiming 4 294 967 295 entries',
      () => logWith(0xdd, 0xff, 0xff, 0xff, 0xff),
      new RegExp(`more than ${MAX_FRAME_VALUES} values`),
    ],
    [
      'a nested map claiming 4 294 967 295 entries',
      () => logWith(0xdf, 0xff, 0xff, 0xff, 0xff),
      new RegExp(`more than ${MAX_FRAME_VALUES} values`),
    ],
    [
      'an array16 claiming 65 535 entries',
      () => logWith(0xdc, 0xff, 0xff),
      new RegExp(`more than ${MAX_FRAME_VALUES} values`),
    ],
    [
      `one value more than ${MAX_FRAME_VALUES}`,
      () => audioPadded(Buffer.from('pad'), MAX_FRAME_VALUES - 6 + 1),
      new RegExp(`more than ${MAX_FRAME_VALUES} values`),
    ],
    [
      `nesting one level past ${MAX_FRAME_DEPTH}`,
      () => audioNested(Buffer.from('deep'), MAX_FRAME_DEPTH),
      new RegExp(`deeper than ${MAX_FRAME_DEPTH} levels`),
    ],
    ['an empty binary frame', () => Buffer.alloc(0), /not a msgpack map/],
    ['a text frame', () => 'hello', /text frame/],
  ];

  it.for(refused)(
    'ends the session with a RealtimeError, after the audio before it, on %s',
    async ([, make, message]) => {
      const bad = make();
      const server = await liveServer({
        onStart: (peer) => {
          // Every frame in one TCP write: the bad one is a view in the middle of the read.
          const frames = [
            binary(audioEvent(Buffer.from('kept'))),
            typeof bad === 'string' ? wsFrame(Buffer.from(bad), 0x1) : binary(bad),
            binary(audioEvent(Buffer.from('after'))),
            binary(FINISH),
          ];
          peer.raw.write(Buffer.concat(frames));
        },
      });
      const session = await open(server);
      const { chunks, error } = await readAll(session);
      expect(text(chunks)).toEqual(['kept']);
      expect(error).toBeInstanceOf(RealtimeError);
      expect(error!.message).toMatch(message);
    },
  );

  const accepted: Array<[string, () => Buffer]> = [
    [
      `exactly ${MAX_FRAME_VALUES} values`,
      () => audioPadded(Buffer.from('edge'), MAX_FRAME_VALUES - 6),
    ],
    [
      `nesting exactly ${MAX_FRAME_DEPTH} levels`,
      () => audioNested(Buffer.from('edge'), MAX_FRAME_DEPTH - 1),
    ],
  ];

  it.for(accepted)('yields the audio of a frame with %s', async ([, make]) => {
    const frame = make();
    const server = await liveServer({
      onStart: (peer) => {
        peer.raw.write(
          Buffer.concat([binary(audioEvent(Buffer.from('kept'))), binary(frame), binary(FINISH)]),
        );
      },
    });
    const session = await open(server);
    const { chunks, error } = await readAll(session);
    expect(error).toBeUndefined();
    expect(text(chunks)).toEqual(['kept', 'edge']);
  });

  // The frame as a view inside a larger buffer whose next bytes would complete it: the check
  // and the decoder must stop at the view's end, as they do for a copy.
  const views: Array<[string, number[], number[]]> = [
    ['a str32 header cut at the view’s end', [...logWith(0xdb, 0, 0)], [0, 2, 0x41, 0x42]],
    ['a bin8 header cut at the view’s end', [...logWith(0xc4)], [2, 1, 2]],
    ['an array32 header cut at the view’s end', [...logWith(0xdd, 0, 0)], [0, 1, 0xc0]],
    ['a map missing its last value', [0x82, ...EVENT_LOG, ...KEY_DATA], [0xc0]],
  ];

  it.for(views)('reads %s inside a larger buffer as it reads its copy', ([, frame, after]) => {
    const parent = new Uint8Array([9, 9, 9, ...frame, ...after]);
    const view = parent.subarray(3, 3 + frame.length);
    const copy = new Uint8Array(frame);
    expect(readServerFrame(view)).toEqual(readServerFrame(copy));
    expect(readServerFrame(view).kind).toBe('invalid');
  });

  it('yields audio that is a view with the same bytes whether the frame is a view or a copy', () => {
    const frame = audioEvent(Buffer.from('inside'));
    const parent = new Uint8Array([0xff, 0xff, ...frame, 0xff]);
    const read = readServerFrame(parent.subarray(2, 2 + frame.byteLength));
    expect(read.kind).toBe('audio');
    expect(Buffer.from((read as { audio: Uint8Array }).audio).toString()).toBe('inside');
  });
});

// ---------------------------------------------------------------------------------------------
// The pager's fingerprint, hashed two UTF-16 units per step.

describe('the page fingerprint', () => {
  const byPage = BY_PAGE;
  const byCursor = BY_CURSOR;
  const fresh = freshProgress;
  const item = (title: string) => ({ _id: 'v', title });

  /** Whether the pager goes on to a third page after these two (none seen before). */
  function walksOn(first: unknown[], second: unknown[], style: 'page' | 'cursor' = 'page') {
    const progress = fresh();
    if (style === 'cursor') {
      const a = nextParams(byCursor, {}, { next_cursor: 'c1' }, first, progress);
      const b = nextParams(byCursor, a ?? {}, { next_cursor: 'c2' }, second, progress);
      return a !== undefined && b !== undefined;
    }
    const a = nextParams(byPage, {}, { total: 1e9 }, first, progress);
    const b = nextParams(byPage, a ?? {}, { total: 1e9 }, second, progress);
    return a !== undefined && b !== undefined;
  }

  // JSON of [{"_id":"v","title":"…"}]: the title starts at index 21 (odd), so its characters
  // at even offsets inside it sit in the high half of a step's 32-bit word.
  const pairs: Array<[string, unknown[], unknown[]]> = [
    ['texts of odd length that differ only in the last character', [item('abc')], [item('abd')]],
    ['texts of even length that differ only in the last character', [item('abcd')], [item('abce')]],
    ['two characters swapped within one step', [item('ab')], [item('ba')]],
    ['a lone high surrogate and a lone low surrogate', [item('\ud83d')], [item('\ude00')]],
    [
      'a surrogate pair and the same two units apart',
      [item('\ud83d\ude00')],
      [item('\ud83d x\ude00')],
    ],
    ['two characters above U+FFFF', [item('😀')], [item('😁')]],
    [
      'a character above U+FFFF at the very end of an odd-length text',
      [item('ab😀')],
      [item('ab😃')],
    ],
    ['U+0000 against the empty string', [item('\u0000')], [item('')]],
    ['one character 0x8000 apart from the other page’s', [item('xAx')], [item('x\u8041x')]],
    [
      'two characters each 0x8000 apart from the other page’s',
      [item('AAAA')],
      [item('\u8041A\u8041A')],
    ],
    [
      'two Hangul and CJK titles whose characters are 0x8000 apart',
      [item('\u4e00X\u4e8cY')],
      [item('\uce00X\uce8cY')],
    ],
  ];

  it.for(pairs)('tells apart two pages with %s', ([, first, second]) => {
    expect(JSON.stringify(first)).not.toBe(JSON.stringify(second));
    expect(walksOn(first, second)).toBe(true);
  });

  it('tells apart two cursor pages whose agents’ names differ by 0x8000 in two characters', () => {
    const first = [{ agent_id: 'a', name: 'AAAA' }];
    const second = [{ agent_id: 'a', name: '\u8041A\u8041A' }];
    expect(walksOn(first, second, 'cursor')).toBe(true);
  });

  it('never takes one of 20 000 distinct random pages for one seen before', () => {
    const next = random(20_000);
    const alphabet = [
      () => String.fromCharCode(between(next, 0x20, 0x7e)),
      () => String.fromCharCode(between(next, 0x4e00, 0x9fff)),
      () => String.fromCharCode(between(next, 0xac00, 0xd7a3)),
      () => String.fromCodePoint(between(next, 0x1f300, 0x1faff)),
      () => String.fromCharCode(between(next, 0xd800, 0xdfff)), // lone surrogates
    ];
    const progress = fresh();
    const texts = new Set<string>();
    let params: Record<string, unknown> | undefined = {};
    let stoppedAt = -1;
    for (let n = 0; n < 20_000 && stoppedAt < 0; n++) {
      const items = Array.from({ length: between(next, 1, 3) }, () => {
        let title = '';
        const length = between(next, 0, 12);
        for (let i = 0; i < length; i++) title += alphabet[between(next, 0, 4)]!();
        return item(title);
      });
      const json = JSON.stringify(items);
      if (texts.has(json)) continue;
      texts.add(json);
      params = nextParams(byPage, params ?? {}, { total: 1e12 }, items, progress);
      if (params === undefined) stoppedAt = n;
    }
    expect(stoppedAt).toBe(-1);
  });

  it('never takes one of 20 000 distinct pages of titles 0x8000 apart in places for one seen before', () => {
    // Titles of 16 characters, each either 'A' or U+8041: all 2^16 such pages are distinct.
    const next = random(8000);
    const progress = fresh();
    const used = new Set<number>();
    let params: Record<string, unknown> | undefined = {};
    let stopped = 0;
    for (let n = 0; n < 20_000; n++) {
      let bits = Math.floor(next() * 65_536);
      while (used.has(bits)) bits = (bits + 1) % 65_536;
      used.add(bits);
      let title = '';
      for (let i = 0; i < 16; i++) title += bits & (1 << i) ? '\u8041' : 'A';
      params = nextParams(byPage, params ?? {}, { total: 1e12 }, [item(title)], progress);
      if (params === undefined) stopped++;
    }
    expect(stopped).toBe(0);
  });
});
