/**
 * The GitHub workflows cannot run here, so they are checked as far as can be offline: each file
 * passes action-validator (the workflow schema), they use only the pinned actions the project
 * allows, and the gate's own command passes on an unchanged spec.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { loadIgnoreFile } from '../scripts/lib/diff-ignore.js';
import { runProcess } from '../scripts/lib/process.js';
import { copyProject, ROOT } from './helpers/project-copy.js';

const WORKFLOWS = path.join(ROOT, '.github', 'workflows');
const FILES = readdirSync(WORKFLOWS).filter((file) => /\.ya?ml$/.test(file));
const IGNORE = 'openapi/spec-diff-ignore.yaml';

interface Step {
  uses?: string;
  run?: string;
  name?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { env?: Record<string, string>; steps: Step[] }>;
}

const read = (file: string) => readFileSync(path.join(WORKFLOWS, file), 'utf8');
const workflow = (file: string) => parse(read(file)) as Workflow;
const steps = (file: string) => Object.values(workflow(file).jobs).flatMap((job) => job.steps);
/** action-validator's own check of a workflow file, in-process (its command adds only printing). */
const validate = (text: string) => validateWorkflow(text).errors;

describe('the workflow files', () => {
  it('are the pull-request gate and the upstream sync', () => {
    expect(FILES.sort()).toEqual(['spec-diff.yml', 'spec-sync.yml']);
  });

  it.each(FILES)('%s passes action-validator', (file) => {
    expect(validate(read(file))).toEqual([]);
  });

  it.each(FILES)(
    '%s uses only actions/checkout and actions/setup-node, pinned by commit',
    (file) => {
      const uses = steps(file).flatMap((step) => (step.uses ? [step.uses] : []));
      expect(uses.length).toBeGreaterThan(0);
      for (const action of uses) {
        expect(action).toMatch(/^actions\/(checkout|setup-node)@[0-9a-f]{40}$/);
      }
    },
  );

  it.each(FILES)('%s installs with npm ci on Node 20', (file) => {
    const setup = steps(file).find((step) => step.uses?.startsWith('actions/setup-node@'));
    expect(setup?.with?.['node-version']).toBe(20);
    expect(steps(file).some((step) => step.run === 'npm ci')).toBe(true);
  });
});

describe('action-validator', () => {
  it('rejects a copy of the gate whose job lacks runs-on', () => {
    const text = read('spec-diff.yml');
    expect(text).toContain('runs-on:');
    const errors = validate(text.replace('runs-on:', 'runs_on:'));
    expect(JSON.stringify(errors)).toContain("Additional property 'runs_on' is not allowed");
  });
});

describe('the pull-request gate (spec-diff.yml)', () => {
  const gate = () => steps('spec-diff.yml').find((step) => step.run?.includes('--format github'));

  it('runs on pull requests', () => {
    expect(Object.keys(workflow('spec-diff.yml').on)).toEqual(['pull_request']);
  });

  it('compares the spec at the base commit with the pull request, through the ignore file', () => {
    expect(gate()?.run).toBe(
      'npm run -s spec:diff -- "$BASE_SHA:$SPEC" "$SPEC" --format github --ignore "$IGNORE"',
    );
    expect(workflow('spec-diff.yml').jobs.gate!.env).toEqual({
      BASE_SHA: '${{ github.event.pull_request.base.sha }}',
      SPEC: 'openapi/fish-audio.yaml',
      IGNORE,
    });
  });

  it('has a checked-in ignore file that accepts nothing', async () => {
    expect(await loadIgnoreFile(path.join(ROOT, IGNORE))).toEqual([]);
  });

  it('passes, printing nothing, when the spec matches the base commit', async () => {
    // The gate's own command, with HEAD as the base: the checked-in spec against itself. It runs
    // in a copy committed to a repository of its own, since `npm run spec:diff` builds into the
    // project folder (.tooling/), and a test writes only into its temp folder.
    const copy = await copyProject(['package.json', 'scripts', 'src', 'openapi']);
    try {
      const git = (...args: string[]) =>
        runProcess('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
          cwd: copy.dir,
        });
      for (const args of [
        ['init', '-q'],
        ['add', 'openapi'],
        ['commit', '-q', '-m', 'base'],
      ]) {
        const result = await git(...args);
        expect(result.code, result.stderr).toBe(0);
      }
      const env = { ...process.env, BASE_SHA: 'HEAD', SPEC: 'openapi/fish-audio.yaml', IGNORE };
      const result = await runProcess('bash', ['-c', gate()!.run!], { cwd: copy.dir, env });
      expect(result).toMatchObject({ code: 0, stdout: '' });
    } finally {
      await copy.remove();
    }
  });
});

describe('the upstream sync (spec-sync.yml)', () => {
  it('runs weekly and on demand', () => {
    const on = workflow('spec-sync.yml').on as { schedule: { cron: string }[] };
    expect(Object.keys(on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(on.schedule).toEqual([{ cron: '17 6 * * 1' }]);
  });

  it('fetches the published document and hands it to spec:update', () => {
    const text = read('spec-sync.yml');
    expect(text).toContain('UPSTREAM_URL: https://api.fish.audio/openapi.json');
    expect(text).toContain('npm run -s spec:update -- "$RUNNER_TEMP/upstream-openapi.json"');
  });

  it('commits every file spec:update writes: the spec, the generated code and the CHANGELOG section', () => {
    const sync = Object.values(workflow('spec-sync.yml').jobs)[0]!;
    expect(sync.env?.SYNCED?.split(' ')).toEqual(['openapi', 'src/generated', 'CHANGELOG.md']);
    const open = steps('spec-sync.yml').find(
      (step) => step.name === 'Open or update the pull request',
    );
    expect(open?.run).toContain('git status --porcelain -- $SYNCED');
    expect(open?.run).toContain('git add --all -- $SYNCED');
    expect(open?.run).not.toMatch(/copy|by hand|before merging/i);
  });

  it('speaks of the whole document, not of one resource, in what it prints', () => {
    expect(read('spec-sync.yml')).not.toMatch(/wallet/i);
  });

  it('opens the pull request with gh, the report as its body', () => {
    const text = read('spec-sync.yml');
    expect(text).toMatch(
      /gh pr create .*--title "\$title" \\\n\s+--body-file "\$RUNNER_TEMP\/body\.md"/,
    );
  });
});
