/** The `--help` texts, built from the declarations in `args.ts` and `exit-codes.ts`. */
import { VERSION } from '../version.js';
import {
  BASE_URL_ENV,
  COMMANDS,
  FLAGS,
  flagsOf,
  GROUPS,
  isGroup,
  KEY_ENV,
  PROGRAM,
  type Command,
  type CommandSpec,
  type Flag,
  type Group,
  type FlagSpec,
} from './args.js';
import { EXIT_CODE_MEANINGS } from './exit-codes.js';

/** Where help wraps when it is not written to a terminal, which says its own width. */
export const HELP_WIDTH = 80;
const INDENT = 24;
/** The terminal's width, held within reason: no narrower than the commands it shows, nor wider than reads well. */
const [MIN_WIDTH, MAX_WIDTH] = [HELP_WIDTH, 120];

/** The width help wraps at on `output`: the terminal's, else {@link HELP_WIDTH}. */
export function helpWidth(output: { isTTY?: boolean; columns?: number }): number {
  const columns = output.isTTY === true ? output.columns : undefined;
  if (columns === undefined || !Number.isFinite(columns)) return HELP_WIDTH;
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.floor(columns)));
}

// Set by each helpText call, which builds its text synchronously from here down.
let WIDTH = HELP_WIDTH;

/**
 * The help for the whole command, for one of its commands, or for a group of them, wrapped at
 * `width` columns.
 */
export function helpText(command?: Command | Group, width = HELP_WIDTH): string {
  WIDTH = width;
  const sections = !command
    ? overviewSections()
    : isGroup(command)
      ? groupSections(command)
      : commandSections(command);
  return `${sections.join('\n\n')}\n`;
}

/** `voices --help`: the group's commands, their usage and examples. */
function groupSections(group: Group): string[] {
  const names = (Object.keys(COMMANDS) as Command[]).filter((name) => name.startsWith(`${group} `));
  return [
    title(`${PROGRAM} ${group}: ${GROUPS[group]}`),
    section('Usage', [...names.map(usageLine), `${PROGRAM} ${group} <command> --help`]),
    section(
      'Commands',
      names.map((name) => wrap(name, COMMANDS[name].summary, 17)),
    ),
    section('Examples', examples(names)),
    environment(),
    exitCodes(),
  ];
}

function overviewSections(): string[] {
  const names = Object.keys(COMMANDS) as Command[];
  return [
    title(`${PROGRAM} ${VERSION}: Fish Audio credit, speech and voices from the command line.`),
    section('Usage', [
      ...names.map(usageLine),
      `${PROGRAM} <command> --help`,
      `${PROGRAM} --help | --version`,
    ]),
    section(
      'Commands',
      names.map((name) => wrap(name, COMMANDS[name].summary, 17)),
    ),
    section(
      'Flags',
      flagsOf().map((flag) => flagLine(flag)),
    ),
    section('Examples', examples(names)),
    environment(),
    exitCodes(),
  ];
}

function commandSections(command: Command): string[] {
  const spec: CommandSpec = COMMANDS[command];
  return [
    title(`${PROGRAM} ${command}: ${spec.summary}`),
    section('Usage', [usageLine(command)]),
    ...(spec.operand ? [section('Arguments', [wrap(spec.operand, spec.operandHelp ?? '')])] : []),
    section(
      'Flags',
      flagsOf(command).map((flag) => flagLine(flag, command)),
    ),
    section('Examples', examples([command])),
    environment(),
    exitCodes(),
  ];
}

/**
 * `fish-audio-api tts TEXT -o FILE [--voice ID] ...`: the operand, the required flags, then the
 * command's own optional flags, not the global ones.
 */
function usageLine(command: Command): string {
  const spec: CommandSpec = COMMANDS[command];
  const required: readonly Flag[] = spec.required ?? [];
  const own = flagsOf(command).filter((flag) => 'commands' in FLAGS[flag]);
  const flags = [
    ...required.map((flag) => flagUsage(flag, true)),
    ...own.filter((flag) => !required.includes(flag)).map((flag) => flagUsage(flag, false)),
  ];
  const head = `${PROGRAM} ${command}${spec.operand ? ` ${spec.operand}` : ''}`;
  // Continuation lines start under the first flag, as man pages do.
  const lines = [head];
  for (const flag of [...flags, '[--base-url URL]', '[--timeout MS]']) {
    const last = lines.length - 1;
    if (2 + lines[last]!.length + 1 + flag.length > WIDTH) lines.push(' '.repeat(head.length));
    lines[lines.length - 1] += ` ${flag}`;
  }
  return lines.join('\n  ');
}

/** `[--min AMOUNT]`, or `-o FILE` for a required flag with a short form. */
function flagUsage(flag: Flag, required: boolean): string {
  const spec: FlagSpec = FLAGS[flag];
  const name = required && spec.short ? `-${spec.short}` : `--${flag}`;
  const text = `${name}${spec.value ? ` ${spec.value}` : ''}`;
  return required ? text : `[${text}]${spec.multiple ? '...' : ''}`;
}

/** One flag's line: in the overview, with the command it belongs to; else as `command` sees it. */
function flagLine(flag: Flag, command?: Command): string {
  const spec: FlagSpec = FLAGS[flag];
  const short = spec.short ? `-${spec.short}, ` : '';
  const name = `${short}--${flag}${spec.value ? ` ${spec.value}` : ''}`;
  if (command) return wrap(name, spec.helpFor?.[command] ?? spec.help);
  const only = spec.commands?.length === 1 ? ` (${spec.commands[0]} only)` : '';
  return wrap(name, `${spec.help}${only}`);
}

/**
 * Each example with what it does: aligned comments when every line fits the width, else each
 * comment on its own line above its command.
 */
function examples(commands: readonly Command[]): string[] {
  const rows = commands.flatMap(
    (command): ReadonlyArray<readonly [string, string]> => COMMANDS[command].examples,
  );
  const column = Math.max(...rows.map(([line]) => line.length)) + 2;
  const aligned = rows.every(([, what]) => 2 + column + 2 + what.length <= WIDTH);
  return [
    `export ${KEY_ENV}=<your key>`,
    ...rows.map(([line, what]) =>
      aligned ? `${line.padEnd(column)}# ${what}` : `# ${what}\n  ${line}`,
    ),
  ];
}

function environment(): string {
  return section('Environment', [
    wrap(KEY_ENV, 'Your API key (required).'),
    wrap(BASE_URL_ENV, 'The base URL when --base-url is not given.'),
    wrap('NO_COLOR', 'Any non-empty value turns colour off.'),
  ]);
}

function exitCodes(): string {
  return section(
    'Exit codes',
    // Right-aligned: 0 to 143.
    Object.entries(EXIT_CODE_MEANINGS).map(([code, meaning]) =>
      wrap(`${code.padStart(3)}  `, meaning, 7),
    ),
  );
}

/** The first line of a help text, wrapped like any other. */
function title(text: string): string {
  return wrap('', text, 2).slice(2).replace(/^ +/, '').replaceAll('\n  ', '\n');
}

function section(title: string, lines: readonly string[]): string {
  return `${title}:\n${lines.map((line) => `  ${line}`).join('\n')}`;
}

/**
 * `label` then `text` from column `indent` (a label too long for it gets a line of its own),
 * wrapped at the width with continuation lines under the text. Lines start two columns in.
 */
function wrap(label: string, text: string, indent = INDENT): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  // The first line is the section's item, which gets its two columns from `section`.
  const pad = ' '.repeat(indent);
  const fits = label.trimEnd().length < indent - 2;
  const head = fits ? label.padEnd(indent - 2) : `${label}\n${pad}`;
  return `${head}${lines.join(`\n${pad}`)}`;
}
