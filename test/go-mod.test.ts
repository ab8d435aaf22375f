import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { GoServiceProject } from '../src';
import { compareGoVersions } from '../src/files/go-mod';

const USER_GO_MOD = `// the user's own comment
module example.com/hello

go 1.26

toolchain go1.26.8

require (
	github.com/google/uuid v1.6.0 // indirect
	golang.org/x/sync v0.10.0
)

replace golang.org/x/sync => ../sync
`;

/** Synthesizes a project over an existing go.mod and returns the go.mod after it. */
function resynth(goMod: string, options: { modulePath?: string; goVersion?: string } = {}): { text: string; warnings: string[] } {
  const outdir = mkdtempSync(join(tmpdir(), 'pgs-gomod-'));
  writeFileSync(join(outdir, 'go.mod'), goMod);
  writeFileSync(join(outdir, 'go.sum'), 'github.com/google/uuid v1.6.0 h1:x=\n');
  const project = new GoServiceProject({ name: 'hello', outdir, ...options });
  const warnings: string[] = [];
  const warn = project.logger.warn.bind(project.logger);
  project.logger.warn = (...args: any[]) => {
    warnings.push(args.join(' '));
    warn(...args);
  };
  project.synth();
  expect(readFileSync(join(outdir, 'go.sum'), 'utf-8')).toBe('github.com/google/uuid v1.6.0 h1:x=\n');
  return { text: readFileSync(join(outdir, 'go.mod'), 'utf-8'), warnings };
}

describe('go.mod', () => {
  test('an unchanged model changes nothing', () => {
    expect(resynth(USER_GO_MOD).text).toBe(USER_GO_MOD);
  });

  test('a new modulePath changes the module line only', () => {
    expect(resynth(USER_GO_MOD, { modulePath: 'github.com/acme/hello' }).text)
      .toBe(USER_GO_MOD.replace('module example.com/hello', 'module github.com/acme/hello'));
  });

  test('a higher goVersion raises the go line only; toolchain, require, replace and comments stay', () => {
    expect(resynth(USER_GO_MOD, { goVersion: '1.27' }).text).toBe(USER_GO_MOD.replace('go 1.26\n', 'go 1.27\n'));
  });

  test('the go line is never lowered below what is there, and we say so', () => {
    const raised = USER_GO_MOD.replace('go 1.26\n', 'go 1.26.3\n');
    const same = resynth(raised);
    expect(same.text).toBe(raised);
    expect(same.warnings).toEqual([]);
    const lower = resynth(USER_GO_MOD, { goVersion: '1.25' });
    expect(lower.text).toBe(USER_GO_MOD);
    expect(lower.warnings).toEqual([
      'go.mod: kept "go 1.26", which is above goVersion 1.25 (a dependency or an earlier goVersion raised it; lowering it could break the build). The builder image follows goVersion: raise goVersion to 1.26, or lower go.mod yourself with go mod edit -go=1.25 if nothing needs 1.26.',
    ]);
  });

  test('a go.mod without a go line gets one after the module line', () => {
    expect(resynth('module example.com/hello\n').text).toBe('module example.com/hello\n\ngo 1.26\n');
  });

  test('Go versions order as the go command orders them', () => {
    const sorted = ['1.26.1', '1.26', '1.27', '1.26rc1', '1.26.0', '1.26beta2', '1.9'].sort(compareGoVersions);
    expect(sorted).toEqual(['1.9', '1.26', '1.26beta2', '1.26rc1', '1.26.0', '1.26.1', '1.27']);
  });
});
