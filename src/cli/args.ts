/**
 * The command line: its commands and flags (declared once, read by the parser and the help),
 * parsing with "did you mean", and the settings a run needs from flags and environment.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isDecimal } from '../decimal.js';
import { checkBaseUrl, checkTimeout, DEFAULTS, isUsableApiKey, nearest } from '../options.js';
import { CliError, EXIT_CODES } from './exit-codes.js';
import { quoteName } from './render.js';

/** The command's name: the package's name, so that `npx fish-audio-api` runs this package. */
export const PROGRAM = 'fish-audio-api';

/** The environment variable that sets the base URL when `--base-url` is not given. */
export const BASE_URL_ENV = DEFAULTS.baseUrlEnvVar;

/** The environment variable that holds the API key (the library's own). */
export const KEY_ENV = DEFAULTS.apiKeyEnvVar;

/**
 * The CLI's default `--timeout`: shorter than the library's 60 s, because a person at a
 * terminal should hear about a dead connection within seconds, not minutes. With the
 * library's two retries, an unresponsive API ends the command in under a minute.
 */
export const CLI_TIMEOUT_MS = 15_000;

/**
 * The default `--timeout` of `asr`: the library's 60 s, because uploading a long recording and
 * transcribing it takes longer than a balance check, and a POST is not retried anyway.
 */
export const ASR_TIMEOUT_MS = DEFAULTS.timeout;

/** The models the API knows; `--model` sends any name, and warns about others. */
export const KNOWN_MODELS = ['s2.1-pro', 's2.1-pro-free', 's2-pro', 's1'] as const;

/** The audio formats `tts --format` takes, as the spec lists them. */
export const FORMATS = ['mp3', 'wav', 'pcm', 'opus'] as const;

/** Who may see a new voice, as the spec lists it. */
export const VISIBILITIES = ['private', 'unlist', 'public'] as const;

/** The commands, with what `--help` says about them. */
export const COMMANDS = {
  credit: {
    summary: 'The API credit balance: what API calls spend.',
    examples: [
      [`${PROGRAM} credit`, 'the balance, in a short summary'],
      [`${PROGRAM} credit --json`, 'the exact response body'],
      [`${PROGRAM} credit --min 5`, 'exit 1 when the balance is below 5 (a budget guard)'],
    ],
  },
  package: {
    summary: "The platform credit package: the web app's balance, separate from API credit.",
    examples: [
      [`${PROGRAM} package`, 'the plan and its balance'],
      [`${PROGRAM} package --json`, 'the exact response body'],
    ],
  },
  tts: {
    summary: 'Text to speech: streams the audio to a file, or to stdout with -o -.',
    operand: 'TEXT',
    operandHelp: "The text to speak; '-' reads it from stdin. With --live, leave it out (or '-').",
    required: ['output'],
    examples: [
      [`${PROGRAM} tts "Hello!" --voice ID -o hello.mp3`, 'one voice, in mp3 (the default)'],
      [`${PROGRAM} tts "Hi" --model s2.1-pro-free -o hi.wav`, 'free dev model; wav from the name'],
      [`cat story.txt | ${PROGRAM} tts - --voice ID -o story.opus`, 'the text from stdin'],
      [`${PROGRAM} tts "Hi" -o - | mpv -`, 'the audio to a player as it arrives'],
      [`llm-chat | ${PROGRAM} tts --live -o - | mpv -`, 'live: each stdin line spoken as it comes'],
    ],
    operandOptionalWith: 'live',
  },
  asr: {
    summary: 'Speech to text: uploads an audio file and prints its transcript.',
    operand: 'FILE',
    operandHelp: 'The audio file to transcribe (mp3, wav, ...).',
    required: [],
    examples: [
      [`${PROGRAM} asr meeting.mp3`, 'the transcript as text'],
      [`${PROGRAM} asr clip.wav --language en --json`, 'the body: text, duration, segments'],
    ],
  },
  'voices list': {
    summary: 'Lists voices, one line each (id, title, state, visibility), page by page.',
    examples: [
      [`${PROGRAM} voices list --self`, 'your own voices'],
      [`${PROGRAM} voices list --json | jq -r .title`, 'JSON Lines: one voice per line'],
    ],
  },
  'voices get': {
    summary: 'One voice: its title, state, languages, samples, ...',
    operand: 'ID',
    operandHelp: "The voice's id (the first column of 'voices list').",
    examples: [
      [`${PROGRAM} voices get ID`, 'a summary'],
      [`${PROGRAM} voices get ID --json`, 'the exact response body'],
    ],
  },
  'voices create': {
    summary: 'Clones a voice from audio samples (fast training) and prints its id.',
    operand: 'FILE...',
    operandHelp: 'One or more audio samples of the voice, each uploaded as its own part.',
    variadic: true,
    required: ['title'],
    examples: [
      [`${PROGRAM} voices create --title Me a.mp3 b.mp3`, 'a private voice from two samples'],
      [`${PROGRAM} voices create --title Me a.wav --text "What a.wav says"`, 'with its text'],
    ],
  },
  'voices delete': {
    summary: 'Deletes one of your voices.',
    operand: 'ID',
    operandHelp: "The voice's id.",
    examples: [[`${PROGRAM} voices delete ID`, 'gone for good']],
  },
} as const;

/** Commands made of two words, by their first: `voices` → `list`, `get`, ... */
export const GROUPS = {
  voices: 'Voices: list, inspect, clone and delete the voice models that tts speaks with.',
} as const;

/** A word that only leads to a subcommand, such as `voices`. */
export type Group = keyof typeof GROUPS;

/** A command name. */
export type Command = keyof typeof COMMANDS;

/** What `COMMANDS` says of one command, with the optional fields spelt out. */
export interface CommandSpec {
  summary: string;
  /** The name of its positional argument, for commands that take one. */
  operand?: string;
  operandHelp?: string;
  /** The operand may be given more than once (`FILE...`), and at least once. */
  variadic?: boolean;
  /** With this flag given, the operand may be left out (`tts --live` reads stdin). */
  operandOptionalWith?: Flag;
  /** Flags it cannot run without. */
  required?: readonly Flag[];
  examples: ReadonlyArray<readonly [string, string]>;
}
const COMMAND_NAMES = Object.keys(COMMANDS) as Command[];

/** How `FLAGS` declares one flag. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in help, for string flags. */
  value?: string;
  /** It may be given more than once; its value is then every one, in order. */
  multiple?: boolean;
  /** The commands that take it; every command when absent. */
  commands?: readonly Command[];
  /** What the overview (`--help`) says of it. */
  help: string;
  /** What one command's help says instead, where `help` would talk of other commands. */
  helpFor?: Partial<Record<Command, string>>;
}

const JSON_HELP = 'Print the response body as JSON instead of a summary';
const RETRIED = `A failed attempt is retried ${DEFAULTS.maxRetries} times, with a line on stderr each time.`;

/** Every flag, in the order `--help` lists them. */
export const FLAGS = {
  'user-id': {
    type: 'string',
    value: 'ID',
    commands: ['credit', 'package'],
    help: "Whose wallet to read (default: self, the key's owner).",
  },
  'team-id': {
    type: 'string',
    value: 'ID',
    commands: ['credit'],
    help: "A team's API credit instead of the user's.",
  },
  'check-free-credit': {
    type: 'boolean',
    commands: ['credit'],
    help: 'Ask the API whether free credit is available.',
  },
  min: {
    type: 'string',
    value: 'AMOUNT',
    commands: ['credit'],
    help: `Exit ${EXIT_CODES.BELOW_MIN} unless the API credit is at least AMOUNT, a decimal such as 5, 0.30 or .5, compared exactly; write a negative one as --min=-1.`,
  },
  voice: {
    type: 'string',
    value: 'ID',
    commands: ['tts'],
    help: "The voice model's ID (the API's reference_id); without it the API picks a voice.",
  },
  model: {
    type: 'string',
    value: 'MODEL',
    commands: ['tts'],
    help: `The model header: ${KNOWN_MODELS.join(', ')}, or any newer name. Without it (or with a name it does not know) the API uses the paid s2.1-pro; use s2.1-pro-free in development.`,
  },
  format: {
    type: 'string',
    value: 'FORMAT',
    commands: ['tts'],
    help: `${FORMATS.join(', ')} (default: from the -o file's extension, else the API's mp3).`,
  },
  output: {
    type: 'string',
    short: 'o',
    value: 'FILE',
    commands: ['tts'],
    help: "Where the audio goes (required); '-' for stdout, refused when stdout is a terminal. A file is written only when the whole audio has arrived; a FIFO or device, as it arrives.",
  },
  live: {
    type: 'boolean',
    commands: ['tts'],
    help: 'Speak stdin line by line over a live (WebSocket) session, streaming the audio of each line as it arrives, while more text is still coming. Needs the ws package (npm install ws).',
  },
  quiet: {
    type: 'boolean',
    short: 'q',
    commands: ['tts'],
    help: 'At a terminal, no note on stderr about the default model, nor where the audio was saved (neither is written to a pipe or a file).',
  },
  language: {
    type: 'string',
    value: 'LANG',
    commands: ['asr'],
    help: "The recording's language, such as en or zh (default: detected).",
  },
  self: {
    type: 'boolean',
    commands: ['voices list'],
    help: 'Only your own voices.',
  },
  title: {
    type: 'string',
    value: 'TITLE',
    commands: ['voices create'],
    help: "The new voice's title (required).",
  },
  text: {
    type: 'string',
    value: 'TEXT',
    multiple: true,
    commands: ['voices create'],
    help: 'What a sample says, once per FILE in the same order (default: the API transcribes them).',
  },
  visibility: {
    type: 'string',
    value: 'VISIBILITY',
    commands: ['voices create'],
    help: `${VISIBILITIES.join(', ')} (default: private; public needs a cover image).`,
  },
  json: {
    type: 'boolean',
    commands: ['credit', 'package', 'asr', 'voices list', 'voices get', 'voices create'],
    help: `${JSON_HELP}; voices list: JSON Lines, one voice per line.`,
    helpFor: {
      credit: `${JSON_HELP}.`,
      package: `${JSON_HELP}.`,
      asr: `${JSON_HELP}: text, duration and segments.`,
      'voices list': 'Print each voice as one line of JSON (JSON Lines) instead of a summary.',
      'voices get': `${JSON_HELP}.`,
      'voices create': `${JSON_HELP}.`,
    },
  },
  'base-url': {
    type: 'string',
    value: 'URL',
    help: `Where the API is, e.g. a proxy (default: ${BASE_URL_ENV}, else ${DEFAULTS.baseUrl}).`,
  },
  timeout: {
    type: 'string',
    value: 'MS',
    help: `Milliseconds one attempt may take (default: ${CLI_TIMEOUT_MS}; asr: ${ASR_TIMEOUT_MS}, voices create too; tts --live: the longest silence while audio is owed). A failed GET is retried ${DEFAULTS.maxRetries} times, with a line on stderr each time; tts, asr and voices create are never retried.`,
    helpFor: {
      credit: `Milliseconds one attempt may take (default: ${CLI_TIMEOUT_MS}). ${RETRIED}`,
      package: `Milliseconds one attempt may take (default: ${CLI_TIMEOUT_MS}). ${RETRIED}`,
      tts: `Milliseconds to wait for the audio to start and then for each chunk (default: ${CLI_TIMEOUT_MS}; with --live, the longest silence while audio is owed). Never retried: each call spends credit.`,
      asr: `Milliseconds the upload and transcription may take (default: ${ASR_TIMEOUT_MS}). Never retried.`,
      'voices list': `Milliseconds one page may take (default: ${CLI_TIMEOUT_MS}). ${RETRIED}`,
      'voices get': `Milliseconds one attempt may take (default: ${CLI_TIMEOUT_MS}). ${RETRIED}`,
      'voices create': `Milliseconds the upload may take (default: ${ASR_TIMEOUT_MS}). Never retried.`,
      'voices delete': `Milliseconds one attempt may take (default: ${CLI_TIMEOUT_MS}). ${RETRIED}`,
    },
  },
  help: { type: 'boolean', short: 'h', help: 'Show help; after a command, help for that command.' },
  version: { type: 'boolean', short: 'v', help: 'Show the version.' },
} as const satisfies Record<string, FlagSpec>;

/** A flag's name without the dashes. */
export type Flag = keyof typeof FLAGS;
const FLAG_NAMES = Object.keys(FLAGS) as Flag[];

/** The flags `command` takes, or every flag without a command. */
export function flagsOf(command?: Command): Flag[] {
  return FLAG_NAMES.filter((flag) => {
    const spec: FlagSpec = FLAGS[flag];
    return command === undefined || !spec.commands || spec.commands.includes(command);
  });
}

/** The pointer at the help every usage error ends with. */
export function seeHelp(command?: Command | Group): string {
  return `Run '${PROGRAM} ${command ? `${command} ` : ''}--help' for usage.`;
}

/** The flag values of one run, by flag name; a `multiple` flag's is every value given. */
export type FlagValues = Partial<Record<Flag, string | boolean | string[]>>;

/** What the command line asks for. */
export type Parsed =
  | { kind: 'help'; command?: Command | Group }
  | { kind: 'version' }
  | {
      kind: 'run';
      command: Command;
      values: FlagValues;
      /** The first operand. */
      operand?: string;
      /** Every operand, for a variadic command. */
      operands: string[];
    };

/** Parses the arguments after the program name; a usage mistake throws a {@link CliError}. */
export function parseCommandLine(argv: readonly string[]): Parsed {
  const options: ParseArgsConfig['options'] = Object.fromEntries(
    FLAG_NAMES.map((flag) => {
      const spec: FlagSpec = FLAGS[flag];
      return [
        flag,
        {
          type: spec.type,
          ...(spec.short ? { short: spec.short } : {}),
          ...(spec.multiple ? { multiple: true } : {}),
        },
      ];
    }),
  );
  // The command is found first, so that an error after it can point at its own help.
  const words = argv.filter((arg) => !arg.startsWith('-'));
  const early = findCommand(words);
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(EXIT_CODES.USAGE, `${describeParseError(error)} ${seeHelp(early)}`);
  }
  const values = parsed.values as FlagValues;
  const [first, ...extra] = parsed.positionals;
  // `help credit` is `credit --help`.
  const asked = first === 'help' ? extra : parsed.positionals;
  const found = findCommand(asked);
  if (asked.length > 0 && found === undefined) {
    const near = nearest(asked[0]!, [...TOP_WORDS, 'help']);
    const hint = near ? ` Did you mean '${near}'?` : '';
    throw new CliError(
      EXIT_CODES.USAGE,
      `Unknown command ${quoteName(String(asked[0]))}.${hint} ${seeHelp()}`,
    );
  }
  // `voices lst`: the group is right, the subcommand is not.
  if (found !== undefined && isGroup(found) && asked.length > 1) {
    const subs = subcommandsOf(found);
    const near = nearest(asked[1]!, subs);
    const hint = near ? ` Did you mean '${found} ${near}'?` : '';
    throw new CliError(
      EXIT_CODES.USAGE,
      `Unknown command ${quoteName(`${found} ${asked[1]}`)}.${hint} ${seeHelp(found)}`,
    );
  }
  if (values.help || first === 'help') return { kind: 'help', command: found };
  if (values.version) return { kind: 'version' };
  if (found === undefined) throw new CliError(EXIT_CODES.USAGE, `No command given. ${seeHelp()}`);
  if (isGroup(found)) {
    throw new CliError(
      EXIT_CODES.USAGE,
      `'${found}' needs a subcommand: ${listOf(subcommandsOf(found))}. ${seeHelp(found)}`,
    );
  }
  const word = found;
  const rest = asked.slice(word.split(' ').length);
  const spec: CommandSpec = COMMANDS[word];
  const operands = !spec.operand ? 0 : spec.variadic ? Infinity : 1;
  if (rest.length > operands) {
    throw new CliError(
      EXIT_CODES.USAGE,
      `Unexpected argument ${quoteName(String(rest[operands]))} after '${word}'. ${seeHelp(word)}`,
    );
  }
  const optional = spec.operandOptionalWith && values[spec.operandOptionalWith] !== undefined;
  if (spec.operand && rest.length === 0 && !optional) {
    throw new CliError(
      EXIT_CODES.USAGE,
      `'${word}' needs ${spec.operand}: ${spec.operandHelp} ${seeHelp(word)}`,
    );
  }
  const allowed = flagsOf(word);
  for (const flag of Object.keys(values) as Flag[]) {
    if (!allowed.includes(flag)) {
      throw new CliError(
        EXIT_CODES.USAGE,
        `--${flag} does not apply to '${word}'. ${seeHelp(word)}`,
      );
    }
  }
  for (const flag of spec.required ?? []) {
    if (values[flag] === undefined) {
      const { short, value }: FlagSpec = FLAGS[flag];
      throw new CliError(
        EXIT_CODES.USAGE,
        `'${word}' needs ${short ? `-${short}/` : ''}--${flag} ${value}. ${seeHelp(word)}`,
      );
    }
  }
  return {
    kind: 'run',
    command: word,
    values,
    operands: rest,
    ...(rest.length > 0 ? { operand: rest[0] } : {}),
  };
}

/** The words a command line may start with: one-word commands and groups. */
const TOP_WORDS = [...COMMAND_NAMES.filter((name) => !name.includes(' ')), ...Object.keys(GROUPS)];

/** The command (or the bare group) that the leading `words` name, if any. */
function findCommand(words: readonly string[]): Command | Group | undefined {
  const [first, second] = words;
  if (first === undefined) return undefined;
  if (isGroup(first)) {
    const pair = `${first} ${second}`;
    return isCommand(pair) ? pair : first;
  }
  return isCommand(first) ? first : undefined;
}

/** The second words of a group's commands: `list`, `get`, ... */
export function subcommandsOf(group: Group): string[] {
  return COMMAND_NAMES.filter((name) => name.startsWith(`${group} `)).map(
    (name) => name.split(' ')[1]!,
  );
}

/** `a, b or c`. */
function listOf(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

export function isGroup(word: string): word is Group {
  return Object.hasOwn(GROUPS, word);
}

function isCommand(word: string): word is Command {
  return Object.hasOwn(COMMANDS, word);
}

/** parseArgs explains over several lines, with advice about positionals that does not apply. */
function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = String(message);
  // `'-o, --output <value>'` names both forms: the long one says more.
  const flag = /'(?:-\w, )?(-[^' ,]+)/.exec(text)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const name = flag.slice(2);
    // A unique prefix (`--lang`) is what a person shortens a long name to.
    const prefixed = FLAG_NAMES.filter((known) => known.startsWith(name));
    const near = !flag.startsWith('--')
      ? undefined
      : (nearest(name, FLAG_NAMES) ?? (prefixed.length === 1 ? prefixed[0] : undefined));
    return `Unknown flag ${quoteName(flag)}.${near ? ` Did you mean --${near}?` : ''}`;
  }
  if (/ambiguous/.test(text))
    return `${flag} needs a value; write one that starts with "-" as ${flag}=VALUE.`;
  if (/argument missing/.test(text)) return `${flag} needs a value.`;
  if (/does not take an argument/.test(text)) return `${flag} does not take a value.`;
  return `${text.split('\n')[0]}.`.replace(/\.+$/, '.');
}

/** The environment `main()` reads (`FISH_API_KEY`, `FISH_BASE_URL`, `NO_COLOR`). */
export type CliEnv = Readonly<Record<string, string | undefined>>;

/** What a run needs from flags and environment, checked. */
export interface Settings {
  apiKey: string;
  baseUrl: string;
  timeout: number;
}

/**
 * Where each client option came from, as the user wrote it (`--base-url` or `FISH_BASE_URL`):
 * a refused value is a usage error when it came from a flag, a configuration error otherwise.
 */
export type Sources = Readonly<Record<'baseUrl' | 'apiKey' | 'timeout', string>>;

/** Where each option of this run comes from; known before anything is checked. */
export function sourcesOf(values: FlagValues, env: CliEnv): Sources {
  const baseUrl =
    values['base-url'] !== undefined
      ? '--base-url'
      : env[BASE_URL_ENV]?.trim()
        ? BASE_URL_ENV
        : 'the default base URL';
  return { baseUrl, apiKey: KEY_ENV, timeout: '--timeout' };
}

/**
 * Reads and checks the settings: flag values first (usage errors), then the environment
 * (configuration errors). The checks are the library's own (`checkBaseUrl`, `checkTimeout`,
 * `isUsableApiKey`), so the command accepts exactly what the client accepts; their
 * `InvalidOptionError`s are mapped to exit codes by `errors.ts`.
 */
export function readSettings(values: FlagValues, env: CliEnv, command?: Command): Settings {
  const min = values.min;
  if (typeof min === 'string' && !isDecimal(min)) {
    throw new CliError(
      EXIT_CODES.USAGE,
      `--min ${quoteName(min)} is not a decimal amount; write it like 5, 0.30 or --min=-1. ${seeHelp('credit')}`,
    );
  }
  const timeout = checkTimeout(
    readWholeNumber('--timeout', values.timeout) ??
      (command === 'asr' || command === 'voices create' ? ASR_TIMEOUT_MS : CLI_TIMEOUT_MS),
  );
  const flagUrl = values['base-url'];
  // Environment values are trimmed, as the library trims FISH_API_KEY; a flag is taken as typed.
  const envUrl = env[BASE_URL_ENV]?.trim();
  const baseUrl =
    typeof flagUrl === 'string' ? checkBaseUrl(flagUrl) : envUrl ? envUrl : DEFAULTS.baseUrl;
  const apiKey = env[KEY_ENV]?.trim();
  if (!apiKey) {
    throw new CliError(
      EXIT_CODES.CONFIG,
      `${KEY_ENV} is not set. Create an API key in your Fish Audio account, then run: export ${KEY_ENV}=<your key>`,
    );
  }
  if (!isUsableApiKey(apiKey)) {
    throw new CliError(
      EXIT_CODES.CONFIG,
      `${KEY_ENV} contains spaces or characters an HTTP header cannot carry; copy the key again.`,
    );
  }
  return { apiKey, baseUrl, timeout };
}

/** Digits only: `Number()` would also take `' 5'`, `'0x10'` and `'1e3'`. */
function readWholeNumber(flag: string, value: FlagValues[Flag]): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  throw new CliError(
    EXIT_CODES.USAGE,
    `${flag} ${quoteName(String(value))} is not a whole number of milliseconds. ${seeHelp()}`,
  );
}
