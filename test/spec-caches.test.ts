/**
 * The two caches of issue 16 must give what no cache would: parseSpec keeps the last four YAML
 * parses and hands out copies, which must equal a fresh `yaml` parse whatever callers did to
 * earlier copies; the generator formats a file's code apart from its leading `//` block, which
 * must give prettier's output for the whole text.
 *
 * Accepted differences from whole-text prettier, for headers doNotEditHeader never writes (its
 * three LF-ended lines end in a period, and a body always follows): a header line with trailing
 * spaces or tabs, a header with CRLF lines followed by an LF blank line, a lone CR or U+2028 in a
 * header line, `// prettier-ignore` as the last header line, and a file that is only the header
 * (prettier would drop its blank line). Each is kept as written, as the generator means to.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as prettier from 'prettier';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  vi,
  type MockInstance,
} from 'vitest';
import { parse } from 'yaml';
import { formatFiles } from '../scripts/generate.js';
import { loadSpec, parseSpec } from '../scripts/lib/openapi.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/** A document no other test parses, so its first read here is a real parse. */
const newDoc = (extra = '', before = '') =>
  `${before}openapi: 3.1.0\npaths: {}\nx-nonce: ${randomUUID()}\n${extra}`;
/** What the `yaml` package gives with no cache in between (its warnings silenced). */
const fresh = (text: string): unknown => parse(text, { logLevel: 'error' });
/** Reads `text` twice, the second time from the cache. */
const twice = (text: string) => [parseSpec(text, 'f.yaml'), parseSpec(text, 'f.yaml')];

/** yaml's warnings (one per real parse of a text with an unknown tag): counted, not printed. */
let warnings: MockInstance<typeof process.emitWarning>;
beforeEach(() => {
  warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
});
afterEach(() => warnings.mockRestore());

describe('parseSpec hands out documents no caller can change', () => {
  it.each([
    ['YAML', 'openapi: 3.1.0\npaths:\n  /a:\n    tags: [one]\nx-n: NONCE\n'],
    [
      'a flow mapping JSON.parse refuses',
      '{openapi: 3.1.0, paths: {/a: {tags: [one]}}, x-n: NONCE}',
    ],
    ['JSON', '{"openapi": "3.1.0", "paths": {"/a": {"tags": ["one"]}}, "x-n": "NONCE"}'],
  ])('returns %s as parsed after a caller edited the objects and arrays of a copy', (_, row) => {
    const text = row.replace('NONCE', randomUUID());
    const first = parseSpec(text, 'f.yaml');
    const operation = first.paths!['/a']!;
    (operation.tags as string[]).push('two');
    operation.added = true;
    first.openapi = '3.0.0';
    expect(parseSpec(text, 'f.yaml')).toStrictEqual(fresh(text));
  });

  it('returns a file read by loadSpec as parsed after a caller edited an earlier copy', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'spec-caches-load-'));
    try {
      const file = path.join(folder, 'spec.yaml');
      const text = newDoc('components:\n  schemas:\n    A: {required: [a]}\n');
      await writeFile(file, text);
      const first = await loadSpec(file);
      (first.components!.schemas!.A as { required: string[] }).required.length = 0;
      expect(await loadSpec(file)).toStrictEqual(fresh(text));
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('keeps an alias the same object as its anchor within one copy, as a fresh parse does', () => {
    const text = newDoc('a: &x {k: [1]}\nb: *x\nc: [*x]\n');
    const parsed = fresh(text) as Record<string, Array<unknown>>;
    const copies = twice(text) as Array<Record<string, Array<unknown>>>;
    const shared = (d: Record<string, Array<unknown>>) => [d.a === d.b, d.c![0] === d.a];
    expect(copies.map(shared)).toEqual([shared(parsed), shared(parsed)]);
  });

  it('shares no aliased object between two copies', () => {
    const text = newDoc('a: &x {k: [1]}\nb: *x\n');
    const first = parseSpec(text, 'f.yaml') as unknown as { a: { k: number[] } };
    first.a.k.push(2);
    expect(parseSpec(text, 'f.yaml')).toStrictEqual(fresh(text));
  });
});

describe('parseSpec gives what a fresh yaml parse gives', () => {
  const YAML_1_1 =
    't: 2001-12-14t21:59:43.1-05:00\ns: !!set {a}\no: !!omap [a: 1]\np: !!pairs [a: 1]\n';
  it.each([
    ['infinities and NaN', newDoc('a: .inf\nb: -.inf\nc: .nan\n')],
    ['negative zero', newDoc('a: -0\nb: -0.0\n')],
    [
      'big integers, hex and octal',
      newDoc('a: 123456789012345678901234567890\nb: 0x1F\nc: 0o17\n'),
    ],
    ['an unknown custom tag', newDoc('a: !custom foo\n')],
    ['YAML 1.1 timestamps, sets, ordered maps and pairs', newDoc(YAML_1_1, '%YAML 1.1\n---\n')],
    ['a cycle through an alias', newDoc('a: &x [1, *x]\n')],
    ['a merge key and a complex key', newDoc('a: &x {k: 1}\nb: {<<: *x}\n? [c, d]\n: 1\n')],
    ['a byte-order mark', newDoc('', '\uFEFF')],
  ])('for %s, on the first read and from the cache', (_, text) => {
    expect(twice(text)).toStrictEqual([fresh(text), fresh(text)]);
  });

  it('keeps a `__proto__` key an own property, never the prototype', () => {
    const text = newDoc('__proto__: {p: 1}\nx: {__proto__: [1]}\n');
    const own = (o: object) => [
      Object.getPrototypeOf(o) === Object.prototype,
      Object.getOwnPropertyDescriptor(o, '__proto__')?.value,
    ];
    const parsed = fresh(text) as { x: object };
    const expected = [own(parsed), own(parsed.x)];
    expect(expected).toEqual([
      [true, { p: 1 }],
      [true, [1]],
    ]);
    const docs = twice(text) as unknown as Array<{ x: object }>;
    expect(docs.map((doc) => [own(doc), own(doc.x)])).toEqual([expected, expected]);
  });

  // A copy would turn the Buffer into a plain Uint8Array (JSON.stringify then writes
  // {"0":104,...}): a tagged text is never cached.
  it('returns a !!binary scalar as the Buffer a fresh parse gives', () => {
    const text = newDoc('x: !!binary aGVsbG8=\n');
    expect(twice(text)).toStrictEqual([fresh(text), fresh(text)]);
  });

  it.each([
    ['with and without a byte-order mark', 'x: a\n', (t: string) => `\uFEFF${t}`],
    ['with LF and CRLF line ends', 'x: |\n  a\n  b\n', (t: string) => t.replace(/\n/g, '\r\n')],
    ['with trailing spaces in a block', 'x: |\n  a\n', (t: string) => t.replace('a\n', 'a  \n')],
    ['differing in spaces inside quotes', 'x: "a"', (t: string) => t.replace('"a"', '" a"')],
  ])('reads two texts %s each as its own text', (_, body, change) => {
    const text = newDoc(body);
    const texts = [text, change(text)];
    expect(texts.flatMap(twice)).toStrictEqual(texts.flatMap((t) => [fresh(t), fresh(t)]));
  });

  const NEITHER = /^bad\.yaml is neither YAML nor JSON: /;
  const SWAGGER = /^bad\.yaml is not an OpenAPI 3\.x document \(openapi: "2\.0"\)$/;
  it.each([
    ['unclosed YAML', 'openapi: [3.1.0\n', NEITHER],
    ['unclosed JSON', '{"openapi": "3.1.0", "paths": {}', NEITHER],
    ['a duplicate key', 'openapi: 3.1.0\nopenapi: 3.1.0\npaths: {}\n', NEITHER],
    ['Swagger 2.0 in YAML', 'openapi: "2.0"\npaths: {}\n', SWAGGER],
    ['Swagger 2.0 in JSON', '{"openapi": "2.0", "paths": {}}', SWAGGER],
    ['a top-level list', '- 1\n', /^bad\.yaml is not an OpenAPI document \(expected an object/],
    ['a document without paths', 'openapi: 3.1.0\n', /^bad\.yaml has no "paths" object$/],
  ])('refuses %s with the same message on every read', (_, text, message) => {
    for (let read = 0; read < 3; read++) expect(() => parseSpec(text, 'bad.yaml')).toThrow(message);
  });
});

describe("parseSpec's YAML cache", () => {
  /** A text whose every real parse warns once (an unknown directive: a tag is never cached). */
  const tagged = (extra = '') => newDoc(extra, '%FOO bar\n---\n');

  it('reads each of the four newest texts again without parsing it', () => {
    const texts = [tagged(), tagged(), tagged(), tagged()];
    texts.forEach((text) => parseSpec(text, 'f.yaml'));
    warnings.mockClear();
    const again = [...texts].reverse().map((text) => parseSpec(text, 'f.yaml'));
    expect(warnings).not.toHaveBeenCalled();
    expect(again).toStrictEqual([...texts].reverse().map(fresh));
  });

  it('keeps four: a large text is parsed again, to the same document, after four newer ones', () => {
    const paths = Array.from({ length: 300 }, (_, i) => `  /p${i}: {get: {tags: [t${i}]}}\n`);
    const large = tagged().replace('paths: {}\n', `paths:\n${paths.join('')}`);
    [large, tagged(), tagged(), tagged(), tagged()].forEach((text) => parseSpec(text, 'f.yaml'));
    warnings.mockClear();
    const again = parseSpec(large, 'f.yaml');
    expect(warnings).toHaveBeenCalledTimes(1);
    expect(again).toStrictEqual(fresh(large));
  });
});

describe('formatFiles', () => {
  let folder: string;
  let config: prettier.Options;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'spec-caches-format-'));
    await copyFile(path.join(ROOT, '.prettierrc.json'), path.join(folder, '.prettierrc.json'));
    config = (await prettier.resolveConfig(path.join(folder, 'x.ts'))) ?? {};
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  /** What prettier makes of the whole text, and what formatFiles makes of it twice (cached). */
  const both = async (name: string, text: string) => {
    const file = path.join(folder, name);
    const whole = await prettier.format(text, { ...config, filepath: file });
    const run = async () => (await formatFiles([{ path: file, contents: text }]))[0]!.contents;
    const ours = [await run(), await run()];
    return { whole, ours };
  };

  // As doNotEditHeader writes it, for the default spec and folder and for any other.
  const header = (command: string, spec = 'openapi/fish-audio.yaml') =>
    `// DO NOT EDIT. This file is generated by scripts/generate.ts\n// from ${spec}.\n` +
    `// Regenerate it with \`${command}\` after changing the spec.\n\n`;
  const DEFAULT = header('npm run generate');
  const OTHER = header(
    'npm run generate -- ../../tmp/spec-caches-x/a long spec.yaml --out ../../tmp/spec-caches-x/out',
    '../../tmp/spec-caches-x/a long spec.yaml',
  );
  const TS = 'export   const x = {a:1,\n b:"two"}\nexport type T = {a: number,b:string}\n';
  const JS = 'const v0 = validate1;\nconst schema1 = {"type":"object"}\nexport { v0 as a }\n';
  const DTS =
    "import type { ResponseValidator } from './index.js';\nexport declare const a: ResponseValidator<{x:1}>\n";

  it.each([
    ['the default header', 'a.ts', DEFAULT + TS],
    ['a header longer than printWidth, naming another spec and folder', 'a.ts', OTHER + TS],
    ['a .js file', 'v.js', DEFAULT + JS],
    ['a .d.ts file', 'v.d.ts', DEFAULT + DTS],
    ['CRLF line ends throughout', 'a.ts', (DEFAULT + TS).replace(/\n/g, '\r\n')],
    ['two blank lines after the header', 'a.ts', DEFAULT + '\n' + TS],
    ['a body that starts with blank lines', 'a.ts', DEFAULT + '\n\n\n' + TS],
    ['no blank line after the header', 'a.ts', DEFAULT.slice(0, -1) + TS],
    ['a /** */ comment first', 'a.ts', '/** Doc. */\n\n' + TS],
    ['a comment over code to re-indent', 'a.ts', '// note\n\n    if (a) {\n        b()\n    }\n'],
    ['/// directives', 'a.ts', '/// <reference types="node" />\n\n' + TS],
    ['a body that is only a comment', 'a.ts', DEFAULT + '// more\n'],
    ['a lone comment line with no line end', 'a.ts', '// only'],
  ])('formats %s byte for byte as prettier formats the whole text', async (_, name, text) => {
    const { whole, ours } = await both(name, text);
    expect(ours).toEqual([whole, whole]);
  });

  // Prettier picks its parser by file name too (package.json is json-stringify, other .json files
  // json): keyed by extension, whichever was formatted first gave the other its output.
  it('formats the same text in package.json and in another .json file each as prettier does', async () => {
    const text = '{"name":"spec-caches","files":["a","b"]}\n';
    const results = [await both('other.json', text), await both('package.json', text)];
    expect(results.map(({ ours }) => ours)).toEqual(results.map(({ whole }) => [whole, whole]));
  });
});
