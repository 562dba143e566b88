/** How the command writes: colour rules, aligned summaries, and text made safe for a terminal. */

/** A stream `main()` writes to: `process.stdout` or a test's stand-in. */
export interface CliOutput {
  /** Text, or audio bytes from `tts -o -`; `done` hears of a failed write, as a stream's does. */
  write(chunk: string | Uint8Array, done?: (error?: Error | null) => void): unknown;
  /** Colour is used only when this is `true`. */
  isTTY?: boolean;
  /** A terminal's width, which help wraps at. */
  columns?: number;
  /** A stream's failed write: process.stdout sets it at once when the pipe's reader has left. */
  readonly errored?: Error | null;
}

/** The text styles the command uses; each is the identity when colour is off. */
export interface Styles {
  bold(text: string): string;
  red(text: string): string;
}

/** Styles for `stream`: colour only on a terminal, and never when `NO_COLOR` is non-empty. */
export function styles(
  stream: CliOutput,
  env: Readonly<Record<string, string | undefined>>,
): Styles {
  // https://no-color.org: set and non-empty disables colour; pipes and files never get it.
  const on = stream.isTTY === true && !env.NO_COLOR;
  const wrap = (open: string, close: string) => (text: string) =>
    on ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return { bold: wrap('1', '22'), red: wrap('31', '39') };
}

/** Label/value lines with the values aligned; rows without a value are left out. */
export function table(rows: Array<[string, string | undefined]>): string {
  const shown = rows.filter((row): row is [string, string] => row[1] !== undefined);
  const width = Math.max(...shown.map(([label]) => label.length)) + 2;
  return shown.map(([label, value]) => `${label.padEnd(width)}${value}\n`).join('');
}

/** A body field as summary text, or `undefined` when the API left it out or sent null. */
export function show(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return oneLine(typeof value === 'string' ? value : JSON.stringify(value));
}

/** One line, without control characters: server text must not move the cursor or add lines. */
export function oneLine(text: string): string {
  // \p{Cf}: format characters (bidi overrides, zero-width spaces) that make a terminal show
  // other text than the line holds: `invoice\u202egpj.mp3` would read as invoice…mp3.jpg.
  return text.replace(/[\s\x00-\x1f\x7f-\x9f\p{Cf}]+/gu, ' ').trim();
}

/** {@link oneLine}, cut at 200 characters: an error line quotes a server, it does not relay it. */
export function clip(text: string): string {
  const flat = oneLine(text);
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** Where requests go, as error lines show it: origin and path, no trailing slash. */
export function displayUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** Milliseconds as seconds for people: `15000` → `15 s`, `100` → `0.1 s`. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** `512 bytes`, `12.3 kB`, `4.5 MB`: a size as a person reads it. */
export function sizeOf(bytes: number): string {
  if (bytes < 1000) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const [value, unit] = bytes < 1e6 ? [bytes / 1e3, 'kB'] : [bytes / 1e6, 'MB'];
  return `${value.toFixed(1)} ${unit}`;
}

/**
 * A value the person gave (a file name, a flag's value, an unknown command), as every line of
 * the command quotes it: JSON, with what {@link oneLine} would change escaped instead (controls,
 * format characters, line separators, no-break spaces, each space after a space), so `a  b.mp3`
 * or a name with a right-to-left mark is shown as what it is, not as another name; cut after
 * `limit` characters, since a line quotes a value, it does not relay it. The command's own words
 * go in single quotes.
 */
export function quoteName(name: string, limit = 200): string {
  const shown = name.length > limit ? `${name.slice(0, limit)}…` : name;
  return JSON.stringify(shown).replace(/(?! )[\s\x7f-\x9f\p{Cf}]|(?<= ) /gu, (char) =>
    // Each UTF-16 unit, so an astral format character is escaped whole.
    char
      .split('')
      .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .join(''),
  );
}
