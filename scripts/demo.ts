/**
 * The main job on a fresh machine: `npm run demo`. Builds the package if needed, starts the
 * stand-in server from the built `fish-audio-api/testing`, and runs the built `fish-audio`
 * command against it the way a user would, printing what they would see. No network.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runMain } from './lib/main.js';
import { runProcess } from './lib/process.js';
import { ROOT } from './lib/root.js';

const DIST = path.join(ROOT, 'dist');
const CLI = path.join(DIST, 'cli.js');

/** Newest modification time under a folder, to tell whether dist/ is older than src/. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

function buildIfNeeded(): void {
  const built = existsSync(CLI) && existsSync(path.join(DIST, 'testing', 'index.js'));
  if (built && statSync(CLI).mtimeMs >= newest(path.join(ROOT, 'src'))) return;
  console.log('$ npm run build');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  console.log();
}

async function main(): Promise<number> {
  buildIfNeeded();
  const testing = (await import(
    pathToFileURL(path.join(DIST, 'testing', 'index.js')).href
  )) as typeof import('../src/testing/index.js');
  const standIn = await testing.startStandIn({ credit: '12.3400' });
  const env = {
    ...process.env,
    FISH_API_KEY: standIn.apiKey,
    FISH_BASE_URL: standIn.url,
    NO_COLOR: process.env.NO_COLOR ?? '',
  };
  console.log(`Stand-in Fish Audio API on ${standIn.url} (no network used)\n`);

  const commands = [
    ['credit'],
    ['credit', '--json'],
    ['credit', '--min', '10'],
    ['credit', '--min', '12.34'],
    ['credit', '--min', '50'],
    ['package'],
  ];
  for (const args of commands) {
    console.log(`$ fish-audio ${args.join(' ')}`);
    // Spawned asynchronously: the stand-in shares this process's event loop.
    const result = await runProcess(process.execPath, [CLI, ...args], { env });
    process.stdout.write(result.stdout);
    process.stdout.write(result.stderr);
    console.log(`(exit code ${result.code})\n`);
  }
  console.log(`The stand-in received ${standIn.requests.length} requests.`);
  await standIn.close();
  return 0;
}

runMain(import.meta.url, 'demo', main);
