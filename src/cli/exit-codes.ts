/**
 * The `fish-audio-api` command's exit codes and what each means, written once: `--help` lists
 * them from here, the README's table is tested against them, and `errors.ts` maps to them. One
 * code per kind of outcome, so that a script can tell "below budget" from "wrong key" from
 * "network down" without reading stderr.
 */
export const EXIT_CODES = {
  /** Success; with `--min`, the balance is at least the minimum. */
  OK: 0,
  /** `credit --min AMOUNT`: the balance is below AMOUNT. */
  BELOW_MIN: 1,
  /** Unknown command or flag, a flag value that is not valid, a file that cannot be read or written. */
  USAGE: 2,
  /** `FISH_API_KEY` is missing or unusable, or `FISH_BASE_URL` is not a usable URL. */
  CONFIG: 3,
  /** The API refused the key (401) or what the key asked for (403). */
  AUTH: 4,
  /** 402: not enough API credit. */
  PAYMENT: 5,
  /** Any other error status from the API: 404, 429, 5xx, … */
  API: 6,
  /** No response (connection refused or reset, DNS failure, timeout), or a stream cut short. */
  NETWORK: 7,
  /** The API answered 2xx with a body that is not what it documents. */
  INVALID_RESPONSE: 8,
  /** Anything unexpected: a bug, to be reported. */
  INTERNAL: 9,
  /** Writing the output failed: a full disk, a lost permission, a read-only file system, … */
  FILE_SYSTEM: 10,
  /** SIGINT (Ctrl-C) while writing `-o FILE`: the temporary file is removed first. */
  INTERRUPTED: 130,
  /** SIGTERM while writing `-o FILE`: likewise. */
  TERMINATED: 143,
} as const;

/** One of the values of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** What each exit code means, as `--help` and the README list it. */
export const EXIT_CODE_MEANINGS: Readonly<Record<ExitCode, string>> = {
  0: 'success (with --min: the credit is at least AMOUNT)',
  1: 'the credit is below --min AMOUNT',
  2: 'usage error: unknown command or flag, a bad flag value (--base-url too), or a missing or unwritable file',
  3: 'configuration error: FISH_API_KEY missing or unusable, bad FISH_BASE_URL, ws not installed (tts --live)',
  4: 'the API refused the key (401) or its permission (403)',
  5: 'payment required (402): not enough API credit, which is separate from platform credit',
  6: 'other API error (404, 429, 5xx, ...)',
  7: 'network error or timeout: no response from the API, or audio that broke off',
  8: 'invalid response: the API answered something it does not document',
  9: 'internal error (a bug; please report it)',
  10: 'file-system error while writing the output (disk full, no permission, read-only, ...); an -o file is left as it was',
  130: 'interrupted by SIGINT (Ctrl-C); a file being written with -o is left as it was',
  143: 'stopped by SIGTERM; a file being written with -o is left as it was',
};

/** A failure the command itself detected, with the exit code it ends with. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    /** The exit code this failure ends the command with. */
    readonly code: ExitCode,
    message: string,
  ) {
    super(message);
  }
}
