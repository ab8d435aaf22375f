import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { GoServiceProject } from '../src';
import { compareGoVersions } from '../src/synthesis/go-mod';

const USER_GO_MOD = `// the user's own comment
module example.com/hello

go 1.26

toolchain go1.26.8

require (
	github.com/google/uuid v1.6.0 // indirect
	golang.org/x/sync v0.10.0
)

replace golang.org/x/sync => ./third_party/sync
`;

/** Synthesizes a project over an existing go.mod and returns the go.mod after it. */
function resynth(goMod: string, options: { modulePath?: string; goVersion?: string; goDirective?: string } = {}): {
  text: string; warnings: string[];
} {
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

  test('a patch release of goVersion\'s minor stays: a dependency may need it', () => {
    const raised = USER_GO_MOD.replace('go 1.26\n', 'go 1.26.3\n');
    const same = resynth(raised);
    expect(same.text).toBe(raised);
    expect(same.warnings).toEqual([]);
  });

  test('a lower goVersion lowers the go line when no dependency needs more, and a toolchain line above it goes', () => {
    const goMod = 'module example.com/hello\n\ngo 1.26.2\n\ntoolchain go1.26.8\n';
    expect(resynth(goMod, { goVersion: '1.25' }).text).toBe('module example.com/hello\n\ngo 1.25\n');
  });

  test('a lower goVersion is refused, naming the dependency, when a dependency needs more', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'pgs-gomod-'));
    writeFileSync(join(outdir, 'go.mod'), 'module example.com/hello\n\ngo 1.26\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ./dep\n');
    mkdirSync(join(outdir, 'dep'));
    writeFileSync(join(outdir, 'dep', 'go.mod'), 'module example.com/dep\n\ngo 1.26.1\n');
    const project = new GoServiceProject({ name: 'hello', outdir, goVersion: '1.25' });
    expect(() => project.synth()).toThrow('goVersion: go.mod says go 1.26, above goVersion 1.25, and example.com/dep@v0.0.0 needs go 1.26.1 (its go.mod), so the go line cannot go down to 1.25. Keep goVersion at 1.26 or later, or downgrade example.com/dep (go get example.com/dep@<an older version>).');
    expect(readFileSync(join(outdir, 'go.mod'), 'utf-8')).toContain('go 1.26\n');
  });

  test('a lower goVersion is refused when what a dependency needs cannot be told (not in the module cache)', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'pgs-gomod-'));
    writeFileSync(join(outdir, 'go.mod'), USER_GO_MOD.replace('replace golang.org/x/sync => ./third_party/sync\n', ''));
    const project = new GoServiceProject({ name: 'hello', outdir, goVersion: '1.25' });
    expect(() => project.synth()).toThrow(/^goVersion: go\.mod says go 1\.26 and toolchain go1\.26\.8, above goVersion 1\.25, and what \S+ needs cannot be told: it is not in the module cache\. Run go mod download, then npx projen again, or raise goVersion\.$/);
  });

  test('goDirective keeps the language version of old code: go 1.16 built by Go 1.26', () => {
    const old = 'module example.com/hello\n\ngo 1.16\n';
    expect(resynth(old, { goDirective: '1.16' }).text).toBe(old);
    // and a new module starts with it
    const outdir = mkdtempSync(join(tmpdir(), 'pgs-gomod-'));
    new GoServiceProject({ name: 'hello', outdir, goDirective: '1.16' }).synth();
    expect(readFileSync(join(outdir, 'go.mod'), 'utf-8')).toBe('module example.com/hello\n\ngo 1.16\n');
  });

  test('a go.mod without a go line gets one after the module line', () => {
    expect(resynth('module example.com/hello\n').text).toBe('module example.com/hello\n\ngo 1.26\n');
  });

  test('Go versions order as the go command orders them', () => {
    const sorted = ['1.26.1', '1.26', '1.27', '1.26rc1', '1.26.0', '1.26beta2', '1.9'].sort(compareGoVersions);
    expect(sorted).toEqual(['1.9', '1.26', '1.26beta2', '1.26rc1', '1.26.0', '1.26.1', '1.27']);
  });
});
