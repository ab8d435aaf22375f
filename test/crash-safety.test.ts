import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { GoService, GoServiceProject } from '../src';
import { FileSystemError } from '../src/synthesis/fs-safe';
import { LOCK_DIR, RepoLock, RepositoryBusyError } from '../src/synthesis/repo-lock';
import { JOURNAL, SynthesisTransaction } from '../src/synthesis/transaction';

/**
 * Issue 15: no kill, full disk, permission error or second process can lose or half-write a file.
 * The end-to-end tests (test/e2e/crash.test.ts) kill real processes; these check the parts.
 */
function dir(): string {
  return mkdtempSync(join(tmpdir(), 'pgs-crash-'));
}

/** Every file under `root`, with its inode, mtime and content. */
function files(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {walk(p, r);} else {
        const st = statSync(p);
        out.set(r, `${st.ino}:${st.mtimeMs}:${st.mode}:${readFileSync(p, 'utf-8')}`);
      }
    }
  };
  walk(root, '');
  return out;
}

describe('a synthesis changes all or nothing, and only what changes', () => {
  test('a second synthesis of the same model writes no file (the same inode, mtime and mode for every one)', () => {
    const outdir = dir();
    const build = () => {
      const p = new GoServiceProject({ name: 'hello', outdir });
      new GoService(p, 'worker', { port: 9090 });
      return p;
    };
    build().synth();
    const before = files(outdir);
    build().synth();
    expect(files(outdir)).toEqual(before);
  });

  test('a file-system error (here: a directory that is a file) changes nothing, names the file, and leaves no file beside its target', () => {
    const outdir = dir();
    new GoServiceProject({ name: 'hello', outdir }).synth();
    const before = files(outdir);
    // cmd/worker cannot be made: cmd is a file now
    writeFileSync(join(outdir, 'cmd.txt'), '');
    const p = new GoServiceProject({ name: 'hello', outdir });
    new GoService(p, 'worker', { port: 9090, mainPackage: './cmd.txt/worker' });
    const attempt = () => p.synth();
    expect(attempt).toThrow(FileSystemError);
    expect(attempt).toThrow(/^cmd\.txt\/worker\/main\.go: could not be written: a part of its path is a file, not a directory \(ENOTDIR\)\. Move that file away, then run it again\. Nothing was changed\.$/);
    const after = files(outdir);
    after.delete('cmd.txt');
    expect(after).toEqual(before);
  });

  test('an interrupted commit is completed by the next run: every file moved in, the journal gone', () => {
    const root = dir();
    writeFileSync(join(root, 'a.txt'), 'old a');
    writeFileSync(join(root, 'b.txt'), 'old b');
    mkdirSync(join(root, '.projen'));
    // killed after a.txt was moved in, before b.txt was
    writeFileSync(join(root, 'b.txt.projen-tmp'), 'new b');
    writeFileSync(join(root, 'a.txt'), 'new a');
    writeFileSync(join(root, 'gone.txt'), 'stale');
    writeFileSync(join(root, JOURNAL), JSON.stringify({
      phase: 'committing', renames: [['a.txt.projen-tmp', 'a.txt'], ['b.txt.projen-tmp', 'b.txt']], deletions: ['gone.txt'], asides: [],
    }));
    expect(SynthesisTransaction.recover(root)).toBe('completed an interrupted synthesis (2 files moved in, 1 removed)');
    expect(readdirSync(root).sort()).toEqual(['.projen', 'a.txt', 'b.txt']);
    expect([readFileSync(join(root, 'a.txt'), 'utf-8'), readFileSync(join(root, 'b.txt'), 'utf-8')]).toEqual(['new a', 'new b']);
    expect(existsSync(join(root, JOURNAL))).toBe(false);
  });

  test('a run killed while still writing beside the targets: its leftovers go, and nothing else changed', () => {
    const root = dir();
    writeFileSync(join(root, 'a.txt'), 'old a');
    mkdirSync(join(root, '.projen'));
    writeFileSync(join(root, 'a.txt.projen-tmp'), 'ne');
    writeFileSync(join(root, JOURNAL), JSON.stringify({ phase: 'writing', renames: [['a.txt.projen-tmp', 'a.txt']], deletions: [], asides: [] }));
    expect(SynthesisTransaction.recover(root)).toMatch(/^removed the files an interrupted synthesis had started to write \(1\)/);
    expect(readdirSync(root).sort()).toEqual(['.projen', 'a.txt']);
    expect(readFileSync(join(root, 'a.txt'), 'utf-8')).toBe('old a');
  });
});

describe('one lock per repository', () => {
  const wait = process.env.PROJEN_GO_SERVICE_LOCK_WAIT;
  afterEach(() => {
    if (wait === undefined) delete process.env.PROJEN_GO_SERVICE_LOCK_WAIT;
    else process.env.PROJEN_GO_SERVICE_LOCK_WAIT = wait;
  });

  test('a second taker waits briefly, then is refused with who holds it', () => {
    const root = dir();
    const first = RepoLock.acquire(root, 'npx projen-go-service add service worker');
    process.env.PROJEN_GO_SERVICE_LOCK_WAIT = '0.3';
    const started = Date.now();
    expect(() => RepoLock.acquire(root, 'npx projen')).toThrow(RepositoryBusyError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(() => RepoLock.acquire(root, 'npx projen')).toThrow(new RegExp(`npx projen-go-service add service worker \\(pid ${process.pid}, for \\d+ s\\) is changing this repository\\. Wait until it is done and run this again; if no such process runs, remove \\.projen/go-service\\.lock$`));
    first.release();
    RepoLock.acquire(root, 'npx projen').release();
    expect(existsSync(join(root, LOCK_DIR))).toBe(false);
  });

  test('a lock whose process was killed is taken over at once', () => {
    const root = dir();
    mkdirSync(join(root, LOCK_DIR), { recursive: true });
    writeFileSync(join(root, LOCK_DIR, 'owner.json'), JSON.stringify({ pid: 2 ** 22 + 1, token: 'x', what: 'npx projen', since: Date.now() }));
    process.env.PROJEN_GO_SERVICE_LOCK_WAIT = '0';
    RepoLock.acquire(root, 'npx projen').release();
  });

  test('a command\'s own npx projen joins its lock through the environment', () => {
    const root = dir();
    const parent = RepoLock.acquire(root, 'add service worker');
    const saved = process.env.PROJEN_GO_SERVICE_LOCK;
    process.env.PROJEN_GO_SERVICE_LOCK = parent.env.PROJEN_GO_SERVICE_LOCK;
    try {
      const child = RepoLock.acquire(root, 'npx projen');
      expect(child.ownedHere).toBe(false);
      child.release();
      expect(existsSync(join(root, LOCK_DIR))).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.PROJEN_GO_SERVICE_LOCK;
      else process.env.PROJEN_GO_SERVICE_LOCK = saved;
      parent.release();
    }
  });
});

describe('files of the user\'s', () => {
  test('a file the model starts to own, that exists and is not ours, is moved aside and reported, never overwritten', () => {
    const outdir = dir();
    new GoServiceProject({ name: 'hello', outdir, renovate: false }).synth();
    writeFileSync(join(outdir, 'renovate.json5'), '{ "extends": ["local>acme/renovate"] }\n');
    const p = new GoServiceProject({ name: 'hello', outdir, renovate: true });
    const warnings: string[] = [];
    p.logger.warn = (...args: any[]) => { warnings.push(args.join(' ')); };
    p.synth();
    expect(readFileSync(join(outdir, '.pre-projen/renovate.json5'), 'utf-8')).toBe('{ "extends": ["local>acme/renovate"] }\n');
    expect(readFileSync(join(outdir, 'renovate.json5'), 'utf-8')).toContain('"$schema"');
    expect(warnings).toContain('moved your renovate.json5 to .pre-projen/renovate.json5: a generated renovate.json5 takes its place. Carry over what you still need through .projenrc.ts, then delete .pre-projen/renovate.json5.');
  });

  test('a sample never completely written (empty, or cut short) is written again; one the user changed is not touched', () => {
    const outdir = dir();
    new GoServiceProject({ name: 'hello', outdir }).synth();
    const main = join(outdir, 'cmd', 'hello', 'main.go');
    const test = join(outdir, 'cmd', 'hello', 'main_test.go');
    const full = readFileSync(main, 'utf-8');
    writeFileSync(main, '');
    writeFileSync(test, readFileSync(test, 'utf-8').slice(0, 100));
    new GoServiceProject({ name: 'hello', outdir }).synth();
    expect(readFileSync(main, 'utf-8')).toBe(full);
    expect(readFileSync(test, 'utf-8').length).toBeGreaterThan(100);
    writeFileSync(main, 'package main // mine\n');
    new GoServiceProject({ name: 'hello', outdir }).synth();
    expect(readFileSync(main, 'utf-8')).toBe('package main // mine\n');
  });
});

describe('escape hatches refuse what would break generated output', () => {
  test('a Makefile target named like a generated one (help, build, build-<service>) is refused at synthesis; one added twice too', () => {
    for (const name of ['help', 'build', 'build-hello']) {
      const outdir = dir();
      const p = new GoServiceProject({ name: 'hello', outdir });
      p.makefile.addTarget({ targets: [name], description: 'mine', recipe: ['echo mine'] });
      expect(() => p.synth()).toThrow(`makefile: the added target "${name}" is a target the Makefile generates, and make would run only one recipe for both. Choose another name for it.`);
      expect(readdirSync(outdir)).toEqual([]);
    }
    const p = new GoServiceProject({ name: 'hello', outdir: dir() });
    p.makefile.addTarget({ targets: ['deploy'], description: 'Deploy', recipe: ['echo 1'] });
    p.makefile.addTarget({ targets: ['deploy'], description: 'Deploy', recipe: ['echo 2'] });
    expect(() => p.synth()).toThrow('makefile: the target "deploy" is added twice. Add it once.');
  });

  test('text with a line break where a line is expected, and target names make cannot take, are refused at once', () => {
    const p = new GoServiceProject({ name: 'hello', outdir: dir() });
    expect(() => p.makefile.addTarget({ targets: ['deploy'], description: 'Deploy\nnow', recipe: [] }))
      .toThrow('makefile.addTarget: the description of ["deploy"] spans lines (or is not text), and make help prints one line per target. Give a one-line description.');
    expect(() => p.makefile.addRule({ targets: ['deploy'], recipe: ['echo a\necho b'] }))
      .toThrow('makefile.addRule: a line of the recipe of ["deploy"] spans lines (or is not text), and would break every target of the Makefile. Give one command per line, as a list of one-line strings.');
    expect(() => p.makefile.addRule({ targets: ['a b'] })).toThrow('makefile.addRule: ["a b"] is not a list of make target names.');
    expect(() => p.makefile.addVariable('X', 'a\nb')).toThrow('makefile.addVariable: the value of X spans lines (or is not text), and a make variable is one line. Give a one-line value.');
  });

  test('a .dockerignore pattern outside the repository is refused', () => {
    const p = new GoServiceProject({ name: 'hello', outdir: dir() });
    expect(() => p.dockerignore.include('../')).toThrow('dockerignore: "!../" names a path outside the repository, and the build context holds only the repository. Use a path inside it, such as "web/".');
    expect(() => p.dockerignore.include('web/../../x')).toThrow(/names a path outside the repository/);
    expect(() => p.dockerignore.exclude('a\nb')).toThrow('dockerignore: "a\\nb" is not one pattern (it spans lines, or is not text). Give each pattern as its own one-line string.');
  });
});
