/**
 * The TypeScript compiler in-process, for tests that ask whether one file compiles. A probe file
 * is checked against the project's real sources, with some files (a regenerated src/generated/,
 * the probe itself) served from memory instead of disk. TypeScript checks lazily, so asking for
 * the probe's diagnostics alone checks only what the probe touches: a fraction of `tsc -p`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { ProcessResult } from '../../scripts/lib/process.js';
import { ROOT } from '../../scripts/lib/root.js';

/** What to check, and where. */
export interface ProbeOptions {
  /** The file(s) whose diagnostics are reported: absolute paths, on disk or in `files`. */
  probe: string | readonly string[];
  /** Absolute path to text: files that replace (or add to) those on disk. */
  files?: Record<string, string>;
  /**
   * The folder whose tsconfig.json gives the compiler options, and which the reported paths are
   * relative to, as tsc prints them; by default this project.
   */
  project?: string;
}

/** Parsed files, kept across calls: re-parsing lib.dom.d.ts for every probe would cost most. */
const parsed = new Map<string, { text: string; file: ts.SourceFile }>();
/** Compiler options by project folder. */
const options = new Map<string, ts.CompilerOptions>();

function compilerOptions(project: string): ts.CompilerOptions {
  let found = options.get(project);
  if (!found) {
    const config = path.join(project, 'tsconfig.json');
    const { config: json, error } = ts.readConfigFile(config, ts.sys.readFile);
    if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
    found = ts.parseJsonConfigFileContent(json, ts.sys, project, undefined, config).options;
    options.set(project, found);
  }
  return found;
}

/**
 * Type-checks `probe` as `tsc --noEmit` would within `project`, and resolves as a tsc run does:
 * code 0 and no output when it compiles, else code 2 and one `file(line,col): error TS...` line
 * per problem on stdout. Only the probe's own problems are reported.
 */
export async function typecheckProbe({
  probe,
  files = {},
  project = ROOT,
}: ProbeOptions): Promise<ProcessResult> {
  const settings = compilerOptions(project);
  const host = ts.createCompilerHost(settings, true);
  const readFile = (name: string) => files[path.resolve(name)] ?? ts.sys.readFile(name);
  host.readFile = readFile;
  host.fileExists = (name) => path.resolve(name) in files || ts.sys.fileExists(name);
  host.getCurrentDirectory = () => project;
  host.getSourceFile = (name, languageVersion) => {
    const text = readFile(name);
    if (text === undefined) return undefined;
    const key = `${path.resolve(name)}\0${JSON.stringify(languageVersion)}`;
    const cached = parsed.get(key);
    if (cached?.text === text) return cached.file;
    const file = ts.createSourceFile(name, text, languageVersion, true);
    parsed.set(key, { text, file });
    return file;
  };
  const probes = typeof probe === 'string' ? [probe] : probe;
  for (const name of probes) {
    if (!(path.resolve(name) in files) && !existsSync(name))
      throw new Error(`no probe file ${name}`);
  }
  const program = ts.createProgram({ rootNames: probes, options: settings, host });
  const diagnostics = probes.flatMap((name) => {
    const source = program.getSourceFile(name)!;
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  });
  const stdout = ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => project,
    getNewLine: () => '\n',
  });
  return { code: diagnostics.length > 0 ? 2 : 0, stdout, stderr: '' };
}
