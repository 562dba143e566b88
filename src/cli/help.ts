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

const WIDTH = 96;
const INDENT = 24;

/** The help for the whole command, for one of its commands, or for a group of them. */
export function helpText(command?: Command | Group): string {
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
    `${PROGRAM} ${group}: ${GROUPS[group]}`,
    section('Usage', [...names.map(usageLine), `${PROGRAM} ${group} <command> --help`]),
    section(
      'Commands',
      names.map((name) => `${name.padEnd(15)}${COMMANDS[name].summary}`),
    ),
    section('Examples', examples(names)),
    environment(),
    exitCodes(),
  ];
}

function overviewSections(): string[] {
  const names = Object.keys(COMMANDS) as Command[];
  return [
    `${PROGRAM} ${VERSION}: Fish Audio credit, speech and voices from the command line.`,
    section('Usage', [
      ...names.map(usageLine),
      `${PROGRAM} <command> --help`,
      `${PROGRAM} --help | --version`,
    ]),
    section(
      'Commands',
      names.map((name) => `${name.padEnd(15)}${COMMANDS[name].summary}`),
    ),
    section(
      'Flags',
      flagsOf().map((flag) => flagLine(flag, true)),
    ),
    section('Examples', examples(names)),
    environment(),
    exitCodes(),
  ];
}

function commandSections(command: Command): string[] {
  const spec: CommandSpec = COMMANDS[command];
  return [
    `${PROGRAM} ${command}: ${spec.summary}`,
    section('Usage', [usageLine(command)]),
    ...(spec.operand
      ? [section('Arguments', [wrap(spec.operand.padEnd(INDENT - 2), spec.operandHelp ?? '')])]
      : []),
    section(
      'Flags',
      flagsOf(command).map((flag) => flagLine(flag, false)),
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

function flagLine(flag: Flag, markCommands: boolean): string {
  const spec = FLAGS[flag];
  const short = 'short' in spec ? `-${spec.short}, ` : '';
  const name = `${short}--${flag}${'value' in spec ? ` ${spec.value}` : ''}`;
  const only =
    markCommands && 'commands' in spec && spec.commands.length === 1
      ? ` (${spec.commands[0]} only)`
      : '';
  return wrap(name.padEnd(INDENT - 2), `${spec.help}${only}`);
}

function examples(commands: readonly Command[]): string[] {
  const rows = commands.flatMap(
    (command): ReadonlyArray<readonly [string, string]> => COMMANDS[command].examples,
  );
  const width = Math.max(...rows.map(([line]) => line.length)) + 2;
  return [
    `export ${KEY_ENV}=<your key>`,
    ...rows.map(([line, what]) => `${line.padEnd(width)}# ${what}`),
  ];
}

function environment(): string {
  return section('Environment', [
    wrap(KEY_ENV.padEnd(INDENT - 2), 'Your API key (required).'),
    wrap(BASE_URL_ENV.padEnd(INDENT - 2), 'The base URL when --base-url is not given.'),
    wrap('NO_COLOR'.padEnd(INDENT - 2), 'Any non-empty value turns colour off.'),
  ]);
}

function exitCodes(): string {
  return section(
    'Exit codes',
    // Right-aligned: 0 to 143.
    Object.entries(EXIT_CODE_MEANINGS).map(([code, meaning]) => `${code.padStart(3)}  ${meaning}`),
  );
}

function section(title: string, lines: readonly string[]): string {
  return `${title}:\n${lines.map((line) => `  ${line}`).join('\n')}`;
}

/** `label` then `text`, wrapped at {@link WIDTH} with continuation lines under the text. */
function wrap(label: string, text: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && INDENT + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  return `${label}${lines.join(`\n${' '.repeat(INDENT)}`)}`;
}
