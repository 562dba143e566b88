/**
 * What the stand-in answers for speech, made deterministically from the request: audio bytes
 * that look like the requested format, timestamp events and a transcript of an upload.
 */

/**
 * The audio formats of `POST /v1/tts`, with their content type and, for mp3 and opus, a header
 * that only looks right (`wav` and `pcm` are real: see {@link audioChunks}).
 */
export const AUDIO_FORMATS: Readonly<Record<string, { contentType: string; magic: string }>> = {
  mp3: { contentType: 'audio/mpeg', magic: 'ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000' },
  wav: { contentType: 'audio/wav', magic: '' },
  pcm: { contentType: 'audio/pcm', magic: '' },
  opus: { contentType: 'audio/ogg', magic: 'OggS' },
};

/** The rate the stand-in's `wav` audio declares when the request names none: 16-bit mono. */
export const TTS_SAMPLE_RATE = 44_100;

const encoder = new TextEncoder();

/**
 * The audio for `text`, in `count` chunks: `<i>:<text>;` for each chunk `i`, so a test can see
 * the text it sent in the bytes it got back. `pcm` is those bytes as 16-bit samples (padded
 * with a space to a whole sample); `wav` puts a true WAV header before them, with the data's
 * size and `sampleRate` (the request's `sample_rate`), so a decoder plays it (as noise); mp3
 * and opus start with a header that only looks like the format.
 */
export function audioChunks(
  text: string,
  format: string,
  count: number,
  sampleRate = TTS_SAMPLE_RATE,
): Uint8Array[] {
  const chunks = Array.from({ length: count }, (_, i) => chunkBytes(text, format, i));
  if (format !== 'wav' && format !== 'pcm') return chunks;
  const size = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  if (size % 2 === 1) chunks[count - 1] = concat(chunks[count - 1]!, encoder.encode(' '));
  if (format === 'wav') chunks[0] = concat(wavHeader(sampleRate, size + (size % 2)), chunks[0]!);
  return chunks;
}

function chunkBytes(text: string, format: string, i: number): Uint8Array {
  const magic = i === 0 ? (AUDIO_FORMATS[format]?.magic ?? '') : '';
  return encoder.encode(`${magic}${i}:${text};`);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}

// A steady speaking rate keeps the timestamps plausible and easy to check.
const SECONDS_PER_WORD = 0.25;

/** One event of the timestamp stream (the spec's `TTSTimestampEvent`). */
export interface TimestampEventBody {
  audio_base64: string;
  content: string;
  alignment: { audio_duration: number; segments: { text: string; start: number; end: number }[] };
  chunk_seq: number;
  chunk_audio_offset_sec: number;
}

/**
 * The timestamp events for `text`: its words in up to `count` consecutive chunks, one event
 * each, with the chunk's audio made as {@link audioChunks} makes it and a segment per word.
 */
export function timestampEvents(text: string, format: string, count: number): TimestampEventBody[] {
  const words = text.split(/\s+/).filter(Boolean);
  const perChunk = Math.max(1, Math.ceil(words.length / count));
  const groups: string[][] = [];
  for (let i = 0; i < words.length; i += perChunk) groups.push(words.slice(i, i + perChunk));
  if (groups.length === 0) groups.push([]);
  let offset = 0;
  return groups.map((group, seq) => {
    const content = group.join(' ');
    const event = {
      audio_base64: Buffer.from(chunkBytes(content, format, seq)).toString('base64'),
      content,
      alignment: {
        audio_duration: group.length * SECONDS_PER_WORD,
        segments: group.map((word, i) => ({
          text: word,
          start: i * SECONDS_PER_WORD,
          end: (i + 1) * SECONDS_PER_WORD,
        })),
      },
      chunk_seq: seq,
      chunk_audio_offset_sec: offset,
    };
    offset += event.alignment.audio_duration;
    return event;
  });
}

// 16 kHz, 16-bit mono: a common speech format, so a byte count reads as a duration.
const BYTES_PER_SECOND = 32_000;

/** A transcript that names how many bytes of audio arrived, with one segment covering it. */
export function transcriptOf(audio: Uint8Array, ignoreTimestamps: boolean) {
  const duration = Math.round((audio.byteLength / BYTES_PER_SECOND) * 1000) / 1000;
  const text = `Stand-in transcript of ${audio.byteLength} bytes of audio`;
  return {
    text,
    duration,
    segments: ignoreTimestamps ? [] : [{ text, start: 0, end: duration }],
  };
}

/**
 * A playable WAV file (RIFF, PCM, 16-bit mono): a sine tone of `frequency` Hz lasting
 * `durationMs`, faded in and out so it does not click. What any decoder, `sox` or `ffprobe`
 * reads as audio of exactly that sample rate and duration.
 */
export function wavTone(sampleRate: number, durationMs: number, frequency: number): Uint8Array {
  const samples = Math.round((sampleRate * durationMs) / 1000);
  const bytes = new Uint8Array(44 + samples * 2);
  bytes.set(wavHeader(sampleRate, samples * 2));
  const view = new DataView(bytes.buffer);
  const fade = Math.max(1, Math.min(samples / 2, sampleRate / 100));
  for (let i = 0; i < samples; i++) {
    const envelope = Math.min(1, i / fade, (samples - 1 - i) / fade);
    const value = Math.sin((2 * Math.PI * frequency * i) / sampleRate) * envelope * 0.3;
    view.setInt16(44 + i * 2, Math.round(value * 32767), true);
  }
  return bytes;
}

/**
 * The 44-byte header of a WAV file (RIFF, PCM, 16-bit mono) whose data is `dataBytes` long:
 * what a decoder reads the sample rate and duration from.
 */
export function wavHeader(sampleRate: number, dataBytes: number): Uint8Array {
  const bytes = new Uint8Array(44);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // the PCM format chunk's size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true); // bytes per second
  view.setUint16(32, 2, true); // bytes per frame
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  return bytes;
}

/** How designed voices sound in the stand-in: short tones, one pitch per candidate. */
export const DESIGN_AUDIO = { sampleRate: 24_000, durationMs: 250, baseHz: 220 };

/** The candidates of a voice-design request: `n` of them, each with a real WAV. */
export function designCandidates(body: Record<string, unknown>) {
  const n = typeof body.n === 'number' && Number.isInteger(body.n) ? body.n : 2;
  const { sampleRate, durationMs, baseHz } = DESIGN_AUDIO;
  return Array.from({ length: n }, (_, index) => ({
    id: `stand-in-candidate-${index + 1}`,
    index,
    audio_base64: Buffer.from(wavTone(sampleRate, durationMs, baseHz * (index + 1))).toString(
      'base64',
    ),
    sample_rate: sampleRate,
    duration_ms: durationMs,
    text: typeof body.reference_text === 'string' ? body.reference_text : null,
    instruct: typeof body.instruction === 'string' ? body.instruction : null,
    language: typeof body.language === 'string' ? body.language : null,
  }));
}
