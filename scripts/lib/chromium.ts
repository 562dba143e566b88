/**
 * Drives headless Chromium over the DevTools protocol on `--remote-debugging-pipe` (file
 * descriptors 3 and 4, NUL-separated JSON), so no driver package and no downloaded browser are
 * needed: the Chromium the system installed is enough.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** What the page showed once its title said it was done. */
export interface PageOutcome {
  title: string;
  text: string;
}

/**
 * Opens `url`, waits (up to `timeoutMs`) until `document.title` is one of `doneTitles`, saves
 * a screenshot to `screenshot` and returns the title and the text of `#results`.
 */
export async function runPage(
  chromium: string,
  url: string,
  {
    screenshot,
    doneTitles,
    timeoutMs = 30_000,
  }: {
    screenshot: string;
    doneTitles: string[];
    timeoutMs?: number;
  },
): Promise<PageOutcome> {
  const profile = await mkdtemp(path.join(tmpdir(), 'fish-audio-chromium-'));
  const child = spawn(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      '--remote-debugging-pipe',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child
    .stderr!.setEncoding('utf8')
    .on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const input = child.stdio[3] as Writable;
  const output = child.stdio[4] as Readable;
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let buffer = '';
  output.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\0'); end >= 0; end = buffer.indexOf('\0')) {
      const message = JSON.parse(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
      const waiter = message.id === undefined ? undefined : pending.get(message.id);
      if (!waiter) continue;
      pending.delete(message.id);
      if (message.error)
        waiter.reject(new Error(`${message.error.message} (${message.error.code})`));
      else waiter.resolve(message.result);
    }
  });
  child.on('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error(`chromium exited: ${stderr}`));
    pending.clear();
  });
  const send = (method: string, params: object = {}, sessionId?: string): Promise<any> =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve, reject });
      input.write(JSON.stringify({ id, method, params, sessionId }) + '\0');
    });

  try {
    const { targetId } = await send('Target.createTarget', { url });
    const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
    const evaluate = async (expression: string): Promise<string> =>
      String(
        (await send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)).result
          .value ?? '',
      );
    const deadline = Date.now() + timeoutMs;
    let title = '';
    while (Date.now() < deadline) {
      title = await evaluate('document.title');
      if (doneTitles.includes(title)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const text = await evaluate("document.getElementById('results')?.textContent ?? ''");
    const shot = await send('Page.captureScreenshot', { format: 'png' }, sessionId);
    await writeFile(screenshot, Buffer.from(shot.data, 'base64'));
    return { title, text };
  } finally {
    await send('Browser.close').catch(() => {});
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
    await rm(profile, { recursive: true, force: true });
  }
}
