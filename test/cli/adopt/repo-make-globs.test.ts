import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { readPromuFacts } from '../../../src/cli/adopt/repo-dockerfile';
import { globToRegExp, matchingGlobs, pinnedGlobs } from '../../../src/cli/adopt/repo-make-globs';

function repo(files: { [path: string]: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'make-globs-'));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

describe('a glob of the repository\'s make files that would match a generated ignore file', () => {
  test('found through an include, pinned before it with the ignore files filtered out', () => {
    const dir = repo({
      'Makefile': 'include shared.mk\n\nall:\n\t@true\n',
      'shared.mk': 'IMAGES ?= $(wildcard Dockerfile Dockerfile.*) # every variant\nSOURCES := $(wildcard *.go)\n',
    });
    const globs = matchingGlobs(dir, 'Makefile', ['Dockerfile.distroless.dockerignore']);
    expect(globs).toEqual([{ variable: 'IMAGES', operator: '?=', value: '$(wildcard Dockerfile Dockerfile.*)', where: 'shared.mk:1', matches: ['Dockerfile.distroless.dockerignore'] }]);
    expect(pinnedGlobs(globs)).toEqual({ variables: [['IMAGES', '$(filter-out %.dockerignore,$(wildcard Dockerfile Dockerfile.*))']], refusals: [] });
  });

  test('a glob that matches none of them is left alone', () => {
    const dir = repo({ Makefile: 'IMAGES ?= $(wildcard build/*.Dockerfile)\n' });
    expect(matchingGlobs(dir, 'Makefile', ['Dockerfile.dev.dockerignore'])).toEqual([]);
  });

  test('= or := cannot be set from outside: refused, with the line to write', () => {
    const dir = repo({ Makefile: 'override IMAGES := $(wildcard Dockerfile*)\n' });
    const { variables, refusals } = pinnedGlobs(matchingGlobs(dir, 'Makefile', ['Dockerfile.dev.dockerignore']));
    expect(variables).toEqual([]);
    expect(refusals).toEqual(['Makefile:1: IMAGES := $(wildcard Dockerfile*) would match Dockerfile.dev.dockerignore, the ignore file BuildKit needs beside that Dockerfile, and make cannot be told otherwise from outside. Write IMAGES ?= $(filter-out %.dockerignore,$(wildcard Dockerfile*)) there (or filter *.dockerignore out), and run adopt again']);
  });

  test.each([
    ['Dockerfile.*', 'Dockerfile.distroless.dockerignore', true],
    ['Dockerfile.*', 'build/Dockerfile.dev.dockerignore', false],
    ['*/Dockerfile.*', 'build/Dockerfile.dev.dockerignore', true],
    ['Dockerfile.[a-c]*', 'Dockerfile.arm.dockerignore', true],
    ['Dockerfile.[!a]*', 'Dockerfile.arm.dockerignore', false],
    ['Dockerfile', 'Dockerfile.dockerignore', false],
  ])('make\'s wildcard %s over %s: %s', (glob, path, matches) => {
    expect(globToRegExp(glob).test(path)).toBe(matches);
  });
});

describe('.promu.yml', () => {
  test('its ldflags stamp each binary: Version, Revision and BuildDate; Branch and BuildUser have no value here; its tags are named, not taken', () => {
    const dir = repo({
      '.promu.yml': [
        'build:',
        '  binaries:',
        '    - name: app',
        '      path: ./cmd/app',
        '    - name: tool',
        '      path: ./cmd/tool',
        '  tags:',
        '    all: [netgo, builtinassets]',
        '  ldflags: |',
        '    -X example.com/v/version.Version={{.Version}}',
        '    -X example.com/v/version.Revision={{.Revision}}',
        '    -X example.com/v/version.Branch={{.Branch}}',
        '    -X example.com/v/version.BuildUser={{user}}@{{host}}',
        '    -X example.com/v/version.BuildDate={{date "20060102-15:04:05"}}',
        '',
      ].join('\n'),
    });
    const facts = readPromuFacts(dir);
    expect([...facts.keys()]).toEqual(['./cmd/app', './cmd/tool']);
    const app = facts.get('./cmd/app')!;
    expect(app.versionVariables).toEqual({ version: 'example.com/v/version.Version', commit: 'example.com/v/version.Revision', date: 'example.com/v/version.BuildDate' });
    expect(app.buildTags).toEqual([]);
    // (its tags are named, not taken: builtinassets needs the web UI built first)
    expect(app.skipped).toEqual([
      '-X example.com/v/version.Branch={{.Branch}}',
      '-X example.com/v/version.BuildUser={{user}}@{{host}}',
      'build tags netgo, builtinassets (a tag may need files built outside Go first, such as an embedded web UI: add them to buildTags once the build has them)',
    ]);
  });

  test('no binaries: the module root; no ldflags or no file: nothing', () => {
    expect([...readPromuFacts(repo({ '.promu.yml': 'build:\n  ldflags: -X main.version={{.Version}}\n' })).keys()]).toEqual(['.']);
    expect(readPromuFacts(repo({ '.promu.yml': 'go:\n  version: 1.25\n' })).size).toBe(0);
    expect(readPromuFacts(repo({})).size).toBe(0);
  });
});
