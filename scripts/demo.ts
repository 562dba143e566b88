/**
 * The main job on a fresh machine: `npm run demo`. Builds the package if needed (quietly),
 * starts the stand-in server from the built `fish-audio-api/testing`, and runs the built
 * `fish-audio-api` command against it the way a user would, printing each command exactly as
 * it can be copied into a shell, then its output and exit code. No network.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runMain } from './lib/main.js';
import { runProcess } from './lib/process.js';
import { ROOT } from './lib/root.js';

const DIST = path.join(ROOT, 'dist');
const CLI = path.join(DIST, 'cli.js');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Newest modification time under a folder, to tell whether dist/ is older than src/. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

/**
 * Builds dist/ when it is missing or older than src/. The build log (tsup's lines, prefixed
 * `CLI` after tsup's own command line, not this package's) is shown only when the build fails.
 */
async function buildIfNeeded(): Promise<void> {
  const built = existsSync(CLI) && existsSync(path.join(DIST, 'testing', 'index.js'));
  if (built && statSync(CLI).mtimeMs >= newest(path.join(ROOT, 'src'))) {
    console.log('dist/ is up to date with src/');
    return;
  }
  const started = performance.now();
  const result = await runProcess(NPM, ['run', 'build', '--silent'], { cwd: ROOT });
  if (result.code !== 0) {
    process.stdout.write(result.stdout + result.stderr);
    throw new Error(`npm run build failed with exit code ${result.code}`);
  }
  console.log(`built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** A shell word, quoted only when it needs to be. */
function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

async function main(): Promise<number> {
  await buildIfNeeded();
  const testing = (await import(
    pathToFileURL(path.join(DIST, 'testing', 'index.js')).href
  )) as typeof import('../src/testing/index.js');
  const standIn = await testing.startStandIn({ credit: '12.3400' });
  console.log(
    [
      `Stand-in Fish Audio API on ${standIn.url}, accepting the key ${standIn.apiKey} (no network used).`,
      'Below, fish-audio-api is the built command (`node dist/cli.js` in this folder, `npx',
      'fish-audio-api` once installed). Each line is what you would type; against the real API,',
      'use your own key and leave out --base-url.',
      '',
    ].join('\n'),
  );

  const env: NodeJS.ProcessEnv = { ...process.env };
  // Only the key and the base URL this demo chose: nothing from the caller's shell leaks in.
  delete env.FISH_BASE_URL;
  const where = ['--base-url', standIn.url];
  // The only files the demo writes: a temporary folder, removed at the end.
  const folder = await mkdtemp(path.join(tmpdir(), 'fish-audio-demo-'));
  const hello = path.join(folder, 'hello.wav');
  const commands: Array<{ args: string[]; before?: () => void; note?: string; stdin?: string[] }> =
    [
      { args: ['credit', ...where] },
      { args: ['credit', '--json', ...where] },
      { args: ['credit', '--min', '10', ...where] },
      { args: ['credit', '--min', '12.34', ...where] },
      { args: ['credit', '--min', '50', ...where] },
      { args: ['package', ...where] },
      {
        args: ['tts', 'Hello from Fish Audio.', '-o', hello, '--model', 's2.1-pro-free', ...where],
      },
      { args: ['asr', hello, ...where] },
      {
        args: ['voices', 'list', ...where],
        note: 'the stand-in holds 24 voices, paged 10 at a time',
      },
      {
        args: ['tts', '--live', '-o', '-', '--model', 's2.1-pro-free', ...where],
        stdin: ['One line at a time.', 'Each one is spoken as it comes.'],
        note: "a live session on the same address, each line spoken as it comes (the stand-in's audio is the text's bytes)",
      },
      {
        args: ['credit', ...where],
        before: () => standIn.failNext(503, undefined, { 'Retry-After': '0' }),
        note: 'the stand-in was told to answer the next request with 503',
      },
      { args: ['credit', '--help'] },
    ];
  for (const { args, before, note, stdin } of commands) {
    before?.();
    if (note) console.log(`# ${note}`);
    const line = `FISH_API_KEY=${standIn.apiKey} fish-audio-api ${args.map(quote).join(' ')}`;
    const input = stdin && `printf '%s\\n' ${stdin.map(quote).join(' ')} | `;
    console.log(`$ ${input ?? ''}${line}`);
    // Spawned asynchronously, since the stand-in shares this process's event loop, and onto
    // this terminal, so stdout and stderr (a retry notice, an error) appear in their real order.
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...env, FISH_API_KEY: standIn.apiKey },
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'inherit', 'inherit'],
    });
    child.stdin?.end(stdin?.map((text) => `${text}\n`).join(''));
    const result = await new Promise<{ code: number | null }>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve({ code }));
    });
    console.log(`(exit code ${result.code})\n`);
  }
  console.log(
    `The stand-in received ${standIn.requests.length} HTTP requests and ${standIn.live?.connections.length ?? 0} live session(s).`,
  );
  await rm(folder, { recursive: true, force: true });
  await standIn.close();
  return 0;
}

runMain(import.meta.url, 'demo', main);
