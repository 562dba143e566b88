/**
 * The patch list that `spec:update` applies to the upstream document: what each patch repairs,
 * and that each fails loudly, naming itself, once its target is no longer as it found it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OpenAPIDocument } from '../scripts/lib/openapi.js';
import {
  applyPatches,
  OPERATION_NAMES,
  SPEC_PATCHES,
  TTS_AUDIO_MEDIA_TYPE,
} from '../scripts/lib/spec-patches.js';
import { ROOT } from './helpers/project-copy.js';

const UPSTREAM = path.join(ROOT, 'test', 'fixtures', 'upstream', 'openapi-2026-08-19.json');
const upstream = JSON.parse(await readFile(UPSTREAM, 'utf8')) as OpenAPIDocument;
type Doc = Record<string, any>;

/** A fresh copy of the upstream document, as a loosely typed tree to plant changes in. */
const fresh = () => structuredClone(upstream) as Doc;

describe('applyPatches on the 2026-08-19 upstream document', () => {
  const patched = applyPatches(upstream) as Doc;

  it('leaves its input untouched', () => {
    expect(upstream.paths!['/v1/tts']!.post).not.toHaveProperty('operationId');
  });

  it('gives the TTS 200 a binary audio media type', () => {
    expect(patched.paths['/v1/tts'].post.responses['200'].content).toEqual({
      [TTS_AUDIO_MEDIA_TYPE]: { schema: { type: 'string', format: 'binary' } },
    });
  });

  it.each(['POST /model', 'PATCH /model/{id}'])(
    'keeps only the encodings that carry bytes for %s',
    (key) => {
      const [method, route] = key.split(' ') as [string, string];
      const content = patched.paths[route][method.toLowerCase()].requestBody.content;
      expect(Object.keys(content)).toEqual(['multipart/form-data', 'application/msgpack']);
    },
  );

  it('names every operation from the name map, as its operationId', () => {
    const ids: Record<string, string> = {};
    for (const [route, item] of Object.entries(patched.paths as Doc)) {
      for (const [method, op] of Object.entries(item as Doc)) {
        ids[`${method.toUpperCase()} ${route}`] = (op as Doc).operationId;
      }
    }
    expect(Object.keys(ids)).toHaveLength(46);
    expect(ids).toEqual(OPERATION_NAMES);
  });
});

describe('each patch fails loudly when its target is gone', () => {
  it.each([
    [
      'tts-audio-response',
      'the TTS 200 gained a content',
      (doc: Doc) => {
        doc.paths['/v1/tts'].post.responses['200'].content = { 'audio/mpeg': {} };
      },
      /now documents a `content`/,
    ],
    [
      'tts-audio-response',
      'POST /v1/tts is gone',
      (doc: Doc) => {
        delete doc.paths['/v1/tts'];
      },
      /there is no operation POST \/v1\/tts/,
    ],
    [
      'voices-create-bytes',
      'POST /model no longer offers JSON',
      (doc: Doc) => {
        delete doc.paths['/model'].post.requestBody.content['application/json'];
      },
      /POST \/model no longer offers application\/json/,
    ],
    [
      'voices-update-bytes',
      'PATCH /model/{id} form body has no binary field any more',
      (doc: Doc) => {
        const form = doc.paths['/model/{id}'].patch.requestBody.content;
        delete form['application/x-www-form-urlencoded'].schema.properties.cover_image;
      },
      /under application\/x-www-form-urlencoded no longer has a binary field/,
    ],
    [
      'operation-names',
      'an operation the name map does not know',
      (doc: Doc) => {
        doc.paths['/v1/stt'] = structuredClone(doc.paths['/v1/asr']);
      },
      /POST \/v1\/stt is not in the name map/,
    ],
    [
      'operation-names',
      'an operation of the name map that is gone',
      (doc: Doc) => {
        delete doc.paths['/v1/voice-design'];
      },
      /lists operations that are gone: POST \/v1\/voice-design/,
    ],
    [
      'operation-names',
      'upstream adding its own operationId',
      (doc: Doc) => {
        doc.paths['/v1/asr'].post.operationId = 'asr';
      },
      /POST \/v1\/asr now has an operationId upstream/,
    ],
  ])('%s: %s', (id, _, plant, message) => {
    const doc = fresh();
    plant(doc);
    const patch = SPEC_PATCHES.find((p) => p.id === id)!;
    expect(() => patch.apply(doc as OpenAPIDocument)).toThrow(message);
    expect(() => applyPatches(doc as OpenAPIDocument)).toThrow(`patch "${id}" no longer applies`);
  });
});
