import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { GoServiceProject } from '../../src';

/**
 * A sample's place held by a link of the user's (a module in a sub-directory whose README.md links to
 * the site's docs, as remark42's backend/ does): the link is theirs, wherever it leads and even when
 * it dangles (a copy of the module alone, as check makes): never refused, written through or replaced.
 */
describe('a link where a sample goes', () => {
  test.each([['to a file outside the module', false], ['dangling', true]])('%s stays as it is', (_what, dangling) => {
    // GIVEN a module in a sub-directory whose README.md is a link out of it
    const root = mkdtempSync(join(tmpdir(), 'pgs-sample-link-'));
    if (!dangling) {
      mkdirSync(join(root, 'site'));
      writeFileSync(join(root, 'site', 'index.md'), '# the docs\n');
    }
    const dir = join(root, 'backend');
    mkdirSync(join(dir, 'cmd', 'b'), { recursive: true });
    symlinkSync('../site/index.md', join(dir, 'README.md'));
    writeFileSync(join(dir, 'go.mod'), 'module example.com/b\n\ngo 1.24\n');
    writeFileSync(join(dir, 'cmd', 'b', 'main.go'), 'package main\n\nfunc main() {}\n');
    // WHEN the repository is synthesized
    new GoServiceProject({ name: 'b', outdir: dir }).synth();
    // THEN the link is there as it was, and what it leads to is untouched
    expect(lstatSync(join(dir, 'README.md')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'README.md'))).toBe('../site/index.md');
    if (!dangling) expect(readFileSync(join(root, 'site', 'index.md'), 'utf-8')).toBe('# the docs\n');
  });
});
