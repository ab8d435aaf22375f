import { execFile } from 'child_process';
import { cpSync, writeFileSync } from 'fs';
import { join } from 'path';
import { INVALID_CONFIGS, InvalidConfig, PROJENRC_IMPORTS } from '../invalid-configs';
import { newRepo, removeRepo, run, treeHash } from './fixtures';

/**
 * Issue 6: every invalid configuration, written into a real repo's .projenrc.ts, makes `npx projen`
 * fail with the exact message, and leaves the repository byte for byte as it was (modes included).
 */
function npxProjen(cwd: string): Promise<{ code: number; output: string }> {
  const env = { ...process.env };
  delete env.NODE_ENV;
  return new Promise((ok) => {
    execFile('npx', ['projen'], { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      ok({ code: err ? (err as any).code ?? 1 : 0, output: `${stdout}${stderr}` });
    });
  });
}

describe('a failing npx projen leaves the repository as it was', () => {
  const WORKERS = 2;
  const repos: string[] = [];
  const results = new Map<string, { code: number; output: string; before: string; after: string }>();

  beforeAll(async () => {
    const first = newRepo('hello');
    repos.push(first);
    for (let i = 1; i < WORKERS; i++) {
      const copy = `${first}-${i}`;
      cpSync(first, copy, { recursive: true, verbatimSymlinks: true });
      repos.push(copy);
    }
    const queue = [...INVALID_CONFIGS];
    await Promise.all(repos.map(async (repo) => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        writeFileSync(join(repo, '.projenrc.ts'), PROJENRC_IMPORTS + c.projenrc);
        const before = treeHash(repo);
        const r = await npxProjen(repo);
        results.set(c.name, { ...r, before, after: treeHash(repo) });
      }
    }));
    // the repository still synthesizes once the configuration is fixed
    run('git', ['checkout', '-q', '.projenrc.ts'], { cwd: first });
    run('npx', ['projen'], { cwd: first });
    expect(run('git', ['status', '--porcelain'], { cwd: first }).stdout).toBe('');
  });

  afterAll(() => {
    for (const r of repos.slice(1)) removeRepo(r);
    removeRepo(repos[0]);
  });

  test.each(INVALID_CONFIGS.map((c) => [c.name, c] as const))('%s', (_n, c: InvalidConfig) => {
    const r = results.get(c.name)!;
    expect(r.code).not.toBe(0);
    expect(r.output).toContain(c.message);
    expect(r.after).toBe(r.before);
  });
});
