/** Running a child process and collecting what it printed, for the scripts that need one. */
import { spawn, type ChildProcess } from 'node:child_process';

/** How a finished child process exited and what it printed. */
export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What {@link runProcess} may be told besides the command. */
export interface ProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this many milliseconds; default 120 000. Nothing here may hang. */
  timeout?: number;
}

/** Children started by {@link runProcess} that have not exited yet. */
const running = new Set<ChildProcess>();

/**
 * Kills every child {@link runProcess} started that is still running, and resolves once they
 * have exited. Tests call it when each test ends, so a test that timed out leaves no process
 * behind to write into the checkout later.
 */
export async function killChildren(): Promise<void> {
  const exits = [...running].map(
    (child) => new Promise<void>((resolve) => child.once('close', () => resolve())),
  );
  for (const child of running) child.kill('SIGKILL');
  await Promise.all(exits);
}

/**
 * Registers a child started some other way (a test that writes to its stdin or reads it as a
 * stream), so that {@link killChildren} ends it too.
 */
export function track<Child extends ChildProcess>(child: Child): Child {
  running.add(child);
  child.once('close', () => running.delete(child));
  child.once('error', () => running.delete(child));
  return child;
}

/**
 * Runs `command` with `args` and resolves once it has exited; never rejects on a non-zero
 * exit. A command that cannot start at all, or is killed at its timeout, resolves with code 1
 * and the reason in `stderr`.
 */
export function runProcess(
  command: string,
  args: string[],
  options: ProcessOptions = {},
): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      timeout: options.timeout ?? 120_000,
      killSignal: 'SIGKILL',
    });
    track(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      resolve({ code: 1, stdout, stderr: error.message });
    });
    child.on('close', (code, signal) => {
      if (signal !== null) stderr += `\n(killed by ${signal})\n`;
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}
