import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { makefileRenames, readRepoMakefile } from '../../../src/cli/adopt/repo-makefile';

function repo(files: { [path: string]: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'repo-makefile-'));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  return dir;
}

describe('readRepoMakefile: the makefile make reads, and its targets as make reads them', () => {
  test('targets from includes, computed names and double-colon rules; no pattern rules, special targets or mere prerequisites', () => {
    // GIVEN a makefile with what a regex over its lines gets wrong
    const dir = repo({
      'Makefile': [
        'include common.mk', 'TOOL := lint', '.PHONY: all', 'all: bin/app', '$(TOOL)-go:', '\t@true', 'clean::', '\trm -rf bin',
        '%.pb.go: %.proto', '\tprotoc $<', 'define RECIPE', 'fake: target', 'endef', 'x = a:b', '',
      ].join('\n'),
      'common.mk': 'common-build:\n\t@true\n',
    });
    // WHEN it is read
    const mk = readRepoMakefile(dir)!;
    // THEN make's own database says
    expect(mk).toEqual({ file: 'Makefile', to: 'local.mk', shadowing: [], targets: ['all', 'clean', 'common-build', 'lint-go'], readBy: 'make', variables: ['RECIPE', 'TOOL', 'x'] });
  });

  test('GNUmakefile, then makefile, then Makefile; the others that make would read before the generated Makefile are listed', () => {
    const dir = repo({ makefile: 'a:\n', Makefile: 'b:\n', GNUmakefile: 'c:\n' });
    expect(readRepoMakefile(dir)).toEqual(expect.objectContaining({ file: 'GNUmakefile', shadowing: ['makefile'], targets: ['c'] }));
    expect(readRepoMakefile(repo({ 'makefile': 'a:\n', 'local.mk': '' }))).toEqual(expect.objectContaining({ file: 'makefile', to: 'project.mk' }));
    expect(readRepoMakefile(repo({ 'go.mod': '' }))).toBeUndefined();
  });

  test('every name it could take exists: refused', () => {
    expect(() => readRepoMakefile(repo({ 'Makefile': '', 'local.mk': '', 'project.mk': '', 'local.pre-projen.mk': '' })))
      .toThrow('adopt: your Makefile would become one of local.mk, project.mk, local.pre-projen.mk, and they all exist. Move one away and run adopt again');
  });
});

test('makefileRenames: go-<name>, else generated-<name>; only the generated names (per-service ones too) that the user has', () => {
  expect(makefileRenames(['build', 'go-test', 'test', 'docker-push-api', 'generate'], ['shop', 'api'])).toEqual([
    ['build', 'go-build'], ['test', 'generated-test'], ['docker-push-api', 'go-docker-push-api'],
  ]);
});
