/**
 * What TypeScript tells a caller who gets a request wrong: the request types have names
 * (`TTSRequest`, …), so a misspelled field reads as one short line that names the type and the
 * field meant, not the whole anonymous request type (483 characters for TTS before).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/project-copy.js';
import { typecheckProbe } from './helpers/typecheck.js';

describe('a misspelled request field', () => {
  it.each([
    ['client.tts.convert', "{ text: 'hi', refrence_id: 'v' }", 'TTSRequest', 'reference_id'],
    ['client.tts.withTimestamps', "{ text: 'hi', fromat: 'mp3' }", 'TTSTimestampRequest', 'format'],
    [
      'client.asr.transcribe',
      '{ audio: new Blob([]), langauge: "en" }',
      'TranscribeRequest',
      'language',
    ],
    ['client.voices.list', '{ page_sise: 10 }', 'VoiceListParams', 'page_size'],
    [
      'client.wallet.getApiCredit',
      '{ check_free_credits: true }',
      'ApiCreditParams',
      'check_free_credit',
    ],
  ])('in %s names %s and the field meant, in one short line', async (method, args, type, meant) => {
    const probe = path.join(ROOT, 'test', 'probe-type-messages.ts');
    const code = [
      "import { FishAudio } from '../src/index.js';",
      "const client = new FishAudio({ apiKey: 'k' });",
      `export const call = () => ${method}(${args});`,
      '',
    ].join('\n');
    const result = await typecheckProbe({ probe, files: { [probe]: code } });
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`does not exist in type '${type}'`);
    expect(lines[0]).toContain(`Did you mean to write '${meant}'?`);
    expect(lines[0]!.length).toBeLessThan(250);
  });
});
