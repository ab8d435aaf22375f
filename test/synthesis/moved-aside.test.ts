import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ASIDE_DIR, asidePath, movedAsideMessage } from '../../src/synthesis/moved-aside';

describe('files moved aside go to one folder, .pre-projen/<path>', () => {
  test('the path keeps its directories; a taken one is numbered as a folder, never as a suffix', () => {
    // GIVEN a repository where .pre-projen/Dockerfile is taken already
    const root = mkdtempSync(join(tmpdir(), 'aside-'));
    mkdirSync(join(root, ASIDE_DIR));
    writeFileSync(join(root, ASIDE_DIR, 'Dockerfile'), 'FROM x\n');
    // THEN
    expect(asidePath(root, 'deploy/compose.yaml')).toBe('.pre-projen/deploy/compose.yaml');
    expect(asidePath(root, 'Dockerfile')).toBe('.pre-projen/2/Dockerfile');
    expect(asidePath(root, 'Dockerfile', (p) => p === '.pre-projen/2/Dockerfile')).toBe('.pre-projen/3/Dockerfile');
    expect(movedAsideMessage('Dockerfile', '.pre-projen/Dockerfile')).toBe('moved your Dockerfile to .pre-projen/Dockerfile: a generated Dockerfile takes its place. Carry over what you still need through .projenrc.ts, then delete .pre-projen/Dockerfile.');
  });

  test('no glob of the repository matches what is there: make\'s wildcard Dockerfile.*, */Dockerfile, a shell\'s *', () => {
    // GIVEN a Dockerfile moved aside, and a makefile that globs Dockerfile variants the way Prometheus' Makefile.common does
    const root = mkdtempSync(join(tmpdir(), 'aside-'));
    mkdirSync(join(root, ASIDE_DIR));
    writeFileSync(join(root, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(root, asidePath(root, 'Dockerfile')), 'FROM old\n');
    writeFileSync(join(root, 'Makefile'), 'all:\n\t@echo Dockerfile $(wildcard Dockerfile.*) $(wildcard */Dockerfile) $(wildcard */*)\n');
    // THEN make and the shell see only the generated Dockerfile
    expect(execFileSync('make', ['--no-print-directory'], { cwd: root, encoding: 'utf-8' }).trim()).toBe('Dockerfile');
    expect(execFileSync('sh', ['-c', 'echo *'], { cwd: root, encoding: 'utf-8' }).trim()).toBe('Dockerfile Makefile');
  });
});
