/**
 * The six messages of the live text-to-speech channel (`/v1/tts/live`), written by hand from
 * the API's AsyncAPI document: `api-reference/asyncapi.yml` of github.com/fishaudio/docs
 * (read at commit 5783e097, AsyncAPI 3.0.0, "Fish Audio WebSocket TTS API" 1.0.0). No generator
 * runs on that document, so when it changes this file is updated by hand. Every frame, both
 * ways, is one msgpack map with an `event` field; `readServerFrame` reads the server's within
 * bounds.
 */
import { decode } from '@msgpack/msgpack';

/** The model header of the handshake; an unknown value makes the server use `s2.1-pro`. */
export type LiveModel = 's1' | 's2-pro' | 's2.1-pro' | 's2.1-pro-free' | (string & {});

/** A voice sample with its transcript, for zero-shot cloning. */
export interface LiveReferenceAudio {
  /** The sample's audio bytes. */
  audio: Uint8Array;
  /** Exactly what is spoken in the sample, punctuation included. */
  text: string;
}

/** Speed and volume adjustments. */
export interface LiveProsody {
  /** Speaking rate, 0.5 to 2.0. */
  speed?: number;
  /** Volume change in dB, -20 to 20. */
  volume?: number;
  /** Normalise loudness (`s2-pro` and the S2.1-Pro family). */
  normalize_loudness?: boolean;
}

/**
 * The session's configuration (the document's `WebSocketTTSRequest`): the HTTP TTS request's
 * fields. `text` is usually empty here; the text follows in `text` events.
 */
export interface LiveTTSRequest {
  text: string;
  max_new_tokens?: number;
  temperature?: number;
  top_p?: number;
  repetition_penalty?: number;
  min_chunk_length?: number;
  /** One speaker: samples; several speakers: one array of samples per speaker. */
  references?: LiveReferenceAudio[] | LiveReferenceAudio[][] | null;
  /** A voice id, or one per speaker for dialogue (`s2-pro`, S2.1-Pro). */
  reference_id?: string | string[] | null;
  prosody?: LiveProsody | null;
  chunk_length?: number;
  condition_on_previous_chunks?: boolean;
  normalize?: boolean;
  early_stop_threshold?: number;
  format?: 'wav' | 'pcm' | 'mp3' | 'opus';
  sample_rate?: number | null;
  mp3_bitrate?: 64 | 128 | 192;
  opus_bitrate?: -1000 | 24000 | 32000 | 48000 | 64000;
  latency?: 'low' | 'normal' | 'balanced';
}

/** Client → server, first and once: the configuration. */
export interface StartEvent {
  event: 'start';
  request: LiveTTSRequest;
}

/** Client → server: a piece of text; the server buffers it by `chunk_length`. */
export interface TextEvent {
  event: 'text';
  text: string;
}

/** Client → server: synthesise the buffered text now. */
export interface FlushEvent {
  event: 'flush';
}

/** Client → server: no more text (the document calls it CloseEvent; its event is `stop`). */
export interface StopEvent {
  event: 'stop';
}

/** Server → client: audio bytes in the requested format. */
export interface AudioEvent {
  event: 'audio';
  audio: Uint8Array;
}

/** Server → client, last: the session is over; the connection closes after it. */
export interface FinishEvent {
  event: 'finish';
  reason: 'stop' | 'error';
}

/** Everything the client sends. */
export type ClientEvent = StartEvent | TextEvent | FlushEvent | StopEvent;

/** Everything the server sends that the client understands; others are ignored. */
export type ServerEvent = AudioEvent | FinishEvent;

/** The largest frame the client takes (`ws`'s `maxPayload`); the server's audio chunks are far smaller. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** The deepest nesting a server frame may have: the protocol's events have one level. */
export const MAX_FRAME_DEPTH = 32;
/** The most values (map keys, map values, array items) a server frame may hold. */
export const MAX_FRAME_VALUES = 65_536;

/** One binary frame from the server, read. */
export type ServerFrame =
  | { kind: 'audio'; audio: Uint8Array }
  | { kind: 'finish'; reason: unknown }
  /** An event of a kind the client does not know: ignored, as the protocol asks. */
  | { kind: 'other' }
  /** Not an event the client can read; `problem` completes "The server sent …". */
  | { kind: 'invalid'; problem: string; detail?: string };

/**
 * Reads a binary frame: one msgpack map with an `event` field. Its shape is measured before it
 * is decoded, so a frame nested 100 000 levels deep or claiming a billion entries is refused
 * at the cost of reading its headers, instead of blocking the event loop for seconds.
 */
export function readServerFrame(bytes: Uint8Array): ServerFrame {
  const problem = shapeProblem(bytes);
  if (problem !== undefined) return { kind: 'invalid', problem };
  let message: unknown;
  try {
    message = decode(bytes);
  } catch (error) {
    const detail = error instanceof Error ? error.message : undefined;
    return { kind: 'invalid', problem: 'a frame that does not decode as msgpack', detail };
  }
  const { event, audio, reason } = message as Record<string, unknown>;
  if (event === 'audio') {
    return audio instanceof Uint8Array
      ? { kind: 'audio', audio }
      : { kind: 'invalid', problem: 'an audio event without bytes' };
  }
  if (event === 'finish') return { kind: 'finish', reason };
  return { kind: 'other' };
}

/**
 * What is wrong with the frame's shape, reading only msgpack headers: not a map, too deep, or
 * too many values. `undefined` when the shape is fine or the bytes are not msgpack at all
 * (then the decoder says what is wrong).
 */
function shapeProblem(bytes: Uint8Array): string | undefined {
  const first = bytes[0];
  if (
    first === undefined ||
    !((first >= 0x80 && first <= 0x8f) || first === 0xde || first === 0xdf)
  ) {
    return 'a frame that is not a msgpack map';
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Values still to read at each open level; the first slot is the frame itself.
  const pending = [1];
  let at = 0;
  let values = 0;
  while (pending.length > 0) {
    if (pending[pending.length - 1] === 0) {
      pending.pop();
      continue;
    }
    pending[pending.length - 1]!--;
    const type = bytes[at];
    if (type === undefined) return undefined;
    // How many values this one opens: a map or an array; everything else is skipped whole.
    // (No closure or tuple per value: this runs for every frame of a session.)
    let count = 0;
    if (type >= 0x80 && type <= 0x8f) {
      count = (type & 0x0f) * 2;
      at += 1;
    } else if (type >= 0x90 && type <= 0x9f) {
      count = type & 0x0f;
      at += 1;
    } else if (type >= 0xa0 && type <= 0xbf) at += 1 + (type & 0x1f);
    else if (type === 0xdc || type === 0xde || type === 0xdd || type === 0xdf) {
      const width = type === 0xdc || type === 0xde ? 2 : 4;
      const n = lengthAt(view, at, width);
      if (n === undefined) return undefined;
      count = type === 0xde || type === 0xdf ? n * 2 : n;
      at += 1 + width;
    } else if (type in SIZED) {
      const [header, width] = SIZED[type]!;
      const n = lengthAt(view, at, width);
      if (n === undefined) return undefined;
      at += header + n;
    } else if (type in FIXED) at += FIXED[type]!;
    else if (type === 0xc1)
      return undefined; // never used: the decoder reports it
    else at += 1; // fixint, nil, false, true
    if (count === 0) continue;
    values += count;
    if (values > MAX_FRAME_VALUES) return `a frame of more than ${MAX_FRAME_VALUES} values`;
    pending.push(count);
    if (pending.length - 1 > MAX_FRAME_DEPTH) {
      return `a frame nested deeper than ${MAX_FRAME_DEPTH} levels`;
    }
  }
  return undefined;
}

/** The big-endian length of `width` bytes after the type byte at `at`; `undefined` past the end. */
function lengthAt(view: DataView, at: number, width: 1 | 2 | 4): number | undefined {
  if (at + 1 + width > view.byteLength) return undefined;
  return width === 1
    ? view.getUint8(at + 1)
    : width === 2
      ? view.getUint16(at + 1)
      : view.getUint32(at + 1);
}

// str8/16/32, bin8/16/32, ext8/16/32: [bytes before the payload, width of the length].
const SIZED: Record<number, [number, 1 | 2 | 4]> = {
  0xd9: [2, 1],
  0xda: [3, 2],
  0xdb: [5, 4],
  0xc4: [2, 1],
  0xc5: [3, 2],
  0xc6: [5, 4],
  0xc7: [3, 1],
  0xc8: [4, 2],
  0xc9: [6, 4],
};

// Numbers and fixext: their whole size in bytes.
const FIXED: Record<number, number> = {
  0xca: 5,
  0xcb: 9,
  0xcc: 2,
  0xcd: 3,
  0xce: 5,
  0xcf: 9,
  0xd0: 2,
  0xd1: 3,
  0xd2: 5,
  0xd3: 9,
  0xd4: 3,
  0xd5: 4,
  0xd6: 6,
  0xd7: 10,
  0xd8: 18,
};
