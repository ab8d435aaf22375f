import { spawn, spawnSync } from 'child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { GIT_ENV, leftovers, newRepo, removeRepo, run, treeHash } from './fixtures';

/**
 * Issue 15: no kill, full disk, permission error or second process loses or half-writes a file.
 *
 * - Kill points: see kill-points.test.ts (every command, every file operation with npm run faults, a
 *   sample of them in npm test).
 * - Full disk: a tmpfs with 0 to 96 KiB free: every command fails cleanly (exit 5, the file named) or
 *   succeeds; no partial file, no leftover, the tree as it was.
 * - Read-only directories (a read-only bind mount: we run as root, so permissions alone do not stop us).
 * - 20 concurrent commands against one repository: no lost update, documented exit codes.
 * - The lost-data cases of the issue, each as a regression test.
 */
const ROOT = mkdtempSync(join(tmpdir(), 'pgs-crash-'));
const figures: string[] = [];

/** The environment of a command run by these tests (jest's NODE_ENV would silence projen). */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ...GIT_ENV, ...extra };
  delete e.NODE_ENV;
  return e;
}

/** Runs a command in its own process group; returns its exit status (null when killed) and output. */
function exec(cmd: string, args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}): {
  status: number | null; signal: string | null; output: string;
} {
  const r = spawnSync(cmd, args, { cwd, env: env(extra), encoding: 'utf-8', detached: true, maxBuffer: 64 * 1024 * 1024 } as any);
  return { status: r.status, signal: r.signal, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** A copy of `base` (node_modules linked, not copied): quick to make many of. */
function copyOf(base: string, name: string): string {
  const dir = join(mkdtempSync(join(ROOT, 'c-')), name);
  cpSync(base, dir, { recursive: true, verbatimSymlinks: true, filter: (src) => relative(base, src) !== 'node_modules' });
  symlinkSync(join(base, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Empty files, or projen's JSON files that do not parse: what a half-written file looks like. */
function halfWritten(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === '.git') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) {walk(p);} else {
        const text = readFileSync(p, 'utf-8');
        let broken = text.length === 0;
        if (!broken && /\/\.projen\/[^/]+\.json$/.test(p)) {
          try {
            JSON.parse(text);
          } catch {
            broken = true;
          }
        }
        if (broken) out.push(relative(dir, p));
      }
    }
  };
  walk(dir);
  return out;
}

let base: string;

beforeAll(() => {
  base = newRepo('crash');
  // the user's own code, which must survive every kill byte for byte
  writeFileSync(join(base, 'cmd', 'crash', 'mine.go'), 'package main\n\n// Mine is the user\'s.\nconst Mine = "yes"\n');
  run('git', ['add', '-A'], { cwd: base });
  run('git', ['commit', '-qm', 'the user\'s code'], { cwd: base });
});

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(`crash safety:\n  ${figures.join('\n  ')}`);
  removeRepo(base);
  if (!process.env.KEEP_E2E) rmSync(ROOT, { recursive: true, force: true });
});

describe('a full disk', () => {
  test('at every size from nothing free to enough: the command succeeds, or fails with exit 5 naming the file, and nothing is changed or half-written', () => {
    const mount = join(ROOT, 'tmpfs');
    mkdirSync(mount);
    run('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mount]);
    const sizes: number[] = [];
    let failures = 0;
    let successes = 0;
    try {
      for (let free = 0; free <= 96 * 1024; free += 4096) {
        const dir = join(mount, 'repo');
        rmSync(dir, { recursive: true, force: true });
        cpSync(base, dir, { recursive: true, verbatimSymlinks: true, filter: (src) => relative(base, src) !== 'node_modules' });
        symlinkSync(join(base, 'node_modules'), join(dir, 'node_modules'));
        const before = treeHash(dir);
        const originalRc = readFileSync(join(dir, '.projenrc.ts'), 'utf-8');
        // fill the disk up to `free` bytes left
        rmSync(join(mount, 'filler'), { force: true });
        const avail = Number(run('df', ['--output=avail', '-B1', mount]).stdout.split('\n')[1].trim());
        if (avail > free) run('fallocate', ['-l', String(avail - free), join(mount, 'filler')]);
        sizes.push(free);
        const r = exec('npx', ['projen-go-service', 'add', 'service', 'worker'], dir);
        rmSync(join(mount, 'filler'), { force: true });
        if (r.status === 0) {
          successes++;
          expect(readFileSync(join(dir, '.projenrc.ts'), 'utf-8')).toMatch(/new GoService\(project, ["']worker["']/);
        } else {
          failures++;
          expect(r.status).toBe(5);
          expect(r.output).toMatch(/: could not be written: no space is left on the device \(ENOSPC\)\. Free some space, then run it again\. Nothing was changed\./);
          expect(readFileSync(join(dir, '.projenrc.ts'), 'utf-8')).toBe(originalRc);
          expect(treeHash(dir)).toBe(before);
        }
        expect(leftovers(dir)).toEqual([]);
        expect(halfWritten(dir)).toEqual([]);
      }
    } finally {
      spawnSync('umount', [mount]);
    }
    figures.push(`full disk: ${sizes.length} sizes (0 to ${sizes[sizes.length - 1] / 1024} KiB free, 4 KiB steps): ${failures} failed cleanly (exit 5, nothing changed), ${successes} succeeded; 0 partial files, 0 leftovers`);
    expect(failures).toBeGreaterThan(0);
    expect(successes).toBeGreaterThan(0);
  });
});

describe('read-only directories', () => {
  test('a read-only cmd/: the synthesis fails naming the sample it cannot write, and nothing else was rewritten', () => {
    const dir = copyOf(base, 'crash');
    const before = treeHash(dir);
    run('mount', ['--bind', join(dir, 'cmd'), join(dir, 'cmd')]);
    try {
      run('mount', ['-o', 'remount,ro,bind', join(dir, 'cmd')]);
      const r = exec('npx', ['projen-go-service', 'add', 'service', 'worker'], dir);
      expect(r.status).toBe(5);
      expect(r.output).toContain('cmd/worker/main.go: could not be written: the file system is read-only (EROFS). Run it where the repository can be written, then run it again. Nothing was changed.');
      expect(r.output).toContain('.projenrc.ts was restored as it was');
    } finally {
      spawnSync('umount', [join(dir, 'cmd')]);
    }
    expect(treeHash(dir)).toBe(before);
    expect(leftovers(dir)).toEqual([]);
    figures.push('read-only cmd/: exit 5 naming cmd/worker/main.go, the tree byte for byte as it was');
  });
});

describe('commands at once', () => {
  test('20 concurrent add service commands: each one done or refused (exit 6), none lost, the tree consistent', async () => {
    const dir = copyOf(base, 'crash');
    type Result = { name: string; status: number | null; output: string };
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => new Promise<Result>((done) => {
      const name = `svc${i + 1}`;
      const child = spawn('npx', ['projen-go-service', 'add', 'service', name, '--port', String(9100 + i)], {
        cwd: dir, env: env({ PROJEN_GO_SERVICE_LOCK_WAIT: '20' }),
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('close', (status) => done({ name, status, output }));
    })));
    const done = results.filter((r) => r.status === 0).map((r) => r.name);
    const refused = results.filter((r) => r.status === 6);
    expect(results.filter((r) => r.status !== 0 && r.status !== 6)).toEqual([]);
    for (const r of refused) expect(r.output).toMatch(/is changing this repository\. Wait until it is done and run this again; if no such process runs, remove \.projen\/go-service\.lock\. Nothing was changed\./);
    // no lost update: exactly the commands that said done are in .projenrc.ts, and the generated files agree
    const rc = readFileSync(join(dir, '.projenrc.ts'), 'utf-8');
    const inRc = [...rc.matchAll(/new GoService\(project, ["'](svc\d+)["']/g)].map((m) => m[1]).sort();
    expect(inRc).toEqual([...done].sort());
    expect(done.length).toBeGreaterThan(0);
    const after = treeHash(dir);
    expect(exec('npx', ['projen'], dir).status).toBe(0);
    expect(treeHash(dir)).toBe(after);
    expect(leftovers(dir)).toEqual([]);
    figures.push(`20 concurrent commands (20 s wait): ${done.length} done, ${refused.length} refused with exit 6, 0 lost, 0 partial files`);
  });
});

describe('the lost-data cases of issue 15', () => {
  test('a save of .projenrc.ts by hand while a command that then fails runs: the user\'s save stays', () => {
    const dir = copyOf(base, 'crash');
    // the save comes while the command's npx projen runs .projenrc.ts (it appends to the file it runs)
    const rc = readFileSync(join(dir, '.projenrc.ts'), 'utf-8');
    writeFileSync(join(dir, '.projenrc.ts'), `if (process.env.SAVE_BY_HAND) require('fs').appendFileSync(__filename, '// saved by hand\\n');\n${rc}`);
    const r = exec('npx', ['projen-go-service', 'set', 'port', '80'], dir, { SAVE_BY_HAND: '1' });
    expect(r.status).toBe(4);
    expect(r.output).toContain('.projenrc.ts was saved by someone else meanwhile: it is kept as they saved it (not restored)');
    expect(readFileSync(join(dir, '.projenrc.ts'), 'utf-8')).toMatch(/port: 80,[\s\S]*\/\/ saved by hand\n$/);
    expect(existsSync(join(dir, '.projenrc.ts.projen-orig'))).toBe(false);
  });

  test('renovate off, a renovate.json5 of the user\'s, renovate on: theirs is moved aside and reported, never overwritten', () => {
    const dir = copyOf(base, 'crash');
    run('npx', ['projen-go-service', 'set', 'renovate', 'false'], { cwd: dir });
    expect(existsSync(join(dir, 'renovate.json5'))).toBe(false);
    writeFileSync(join(dir, 'renovate.json5'), '{ extends: ["local>acme/renovate-config"] }\n');
    const out = run('npx', ['projen-go-service', 'set', 'renovate', 'true'], { cwd: dir }).stdout;
    expect(out).toContain('moved your renovate.json5 to .pre-projen/renovate.json5');
    expect(readFileSync(join(dir, '.pre-projen/renovate.json5'), 'utf-8')).toBe('{ extends: ["local>acme/renovate-config"] }\n');
  });

  test('check in a git worktree (where .git is a file)', () => {
    const dir = copyOf(base, 'crash');
    const wt = join(dir, '..', 'wt');
    run('git', ['worktree', 'add', '-q', wt], { cwd: dir });
    symlinkSync(join(base, 'node_modules'), join(wt, 'node_modules'));
    expect(run('npx', ['projen-go-service', 'check'], { cwd: wt }).stdout).toContain('In sync');
  });
});
