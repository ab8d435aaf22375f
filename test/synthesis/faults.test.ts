import { execFileSync, spawn, spawnSync } from 'child_process';
import {
  chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync,
  writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { tree } from './tree';
import { GoService, GoServiceProject } from '../../src';
import { main } from '../../src/cli/index';
import { FileSystemError } from '../../src/synthesis/fs-safe';
import { EDIT_RECORD, projenrcChangedSinceStart } from '../../src/synthesis/projenrc-guard';
import { LOCK_DIR, RepoLock } from '../../src/synthesis/repo-lock';
import { UnsafePathError } from '../../src/synthesis/repo-paths';
import { JOURNAL, OLD_SUFFIX, SynthesisTransaction, sha256 } from '../../src/synthesis/transaction';

/**
 * Issue 22, the synthesis and the commands: no link or special file leads a write out of the
 * repository or blocks it, a failed commit is rolled back for real, the lock is taken over atomically,
 * and every failure is named in the house form. Each case checks the exact message, that the tree is
 * byte- and mode-identical to before (or to a clean result), and that nothing outside changed.
 */

function dir(prefix = 'pgs-faults-'): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

function project(outdir: string, services: string[] = []): GoServiceProject {
  const p = new GoServiceProject({ name: 'hello', outdir });
  services.forEach((s, i) => new GoService(p, s, { port: 9090 + i }));
  p.logger.info = () => {};
  p.logger.warn = () => {};
  return p;
}

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** The error a function throws (fails the test when it throws none). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, and none was thrown');
}

describe('no write, rename or removal leaves the repository', () => {
  test('a symbolic link out of the repository on the way of a generated file (cmd -> /outside/cmd) is refused before anything is written', () => {
    const root = dir();
    const outside = dir('pgs-outside-');
    mkdirSync(join(outside, 'cmd'));
    symlinkSync(join(outside, 'cmd'), join(root, 'cmd'));
    const before = tree(root);
    const e = thrown(() => project(root).synth());
    expect(e).toBeInstanceOf(UnsafePathError);
    expect(e.message).toBe(`cmd/hello/main.go: its directory cmd is a symbolic link to ${outside}/cmd, outside the repository, and projen-go-service writes and removes files only inside the repository. Replace the link cmd with a directory of the repository (or remove it), then run it again. Nothing was changed.`);
    expect(tree(root)).toEqual(before);
    expect(tree(outside)).toEqual(new Map([['cmd', 'dir 755']]));
  });

  test('a generated file no longer generated, in a directory linked out of the repository (docs -> /outside), is not removed there', () => {
    const root = dir();
    const outside = dir('pgs-outside-');
    project(root).synth();
    // the last synthesis generated docs/old.md, and docs became a link out since
    writeFileSync(join(outside, 'old.md'), 'not yours to remove\n');
    symlinkSync(outside, join(root, 'docs'));
    const manifest = JSON.parse(readFileSync(join(root, '.projen/files.json'), 'utf-8'));
    chmodSync(join(root, '.projen/files.json'), 0o644);
    writeFileSync(join(root, '.projen/files.json'), JSON.stringify({ ...manifest, files: [...manifest.files, 'docs/old.md'] }));
    const before = tree(root);
    const outsideBefore = tree(outside);
    expect(thrown(() => project(root).synth()).message).toBe(`docs/old.md: its directory docs is a symbolic link to ${outside}, outside the repository, and projen-go-service writes and removes files only inside the repository. Replace the link docs with a directory of the repository (or remove it), then run it again. Nothing was changed.`);
    expect(tree(root)).toEqual(before);
    expect(tree(outside)).toEqual(outsideBefore);
  });

  test('a generated file that is a link out of the repository is refused, and what it points to is untouched', () => {
    const root = dir();
    const outside = dir('pgs-outside-');
    project(root).synth();
    writeFileSync(join(outside, 'Makefile'), 'mine\n');
    rmSync(join(root, 'Makefile'));
    symlinkSync(join(outside, 'Makefile'), join(root, 'Makefile'));
    const before = tree(root);
    expect(thrown(() => project(root, ['worker']).synth()).message).toBe(`Makefile: is a symbolic link to ${outside}/Makefile, outside the repository, and projen-go-service writes and removes files only inside the repository. Replace the link with the file itself (or remove it), then run it again. Nothing was changed.`);
    expect(tree(root)).toEqual(before);
    expect(readFileSync(join(outside, 'Makefile'), 'utf-8')).toBe('mine\n');
  });

  test('a FIFO where the Dockerfile belongs is named and refused at once, never opened (no hang)', () => {
    const root = dir();
    project(root).synth();
    rmSync(join(root, 'Dockerfile'));
    mkfifo(join(root, 'Dockerfile'));
    const before = tree(root);
    const started = Date.now();
    expect(thrown(() => project(root, ['worker']).synth()).message).toBe('Dockerfile: is a FIFO (named pipe), not a file, and projen-go-service writes a file there (it was not opened). Remove the FIFO (or move it out of the repository), then run it again. Nothing was changed.');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(tree(root)).toEqual(before);
    expect(existsSync(join(root, LOCK_DIR))).toBe(false);
  }, 30_000);

  test('a FIFO where a sample belongs is refused too (a sample is read before it is written)', () => {
    const root = dir();
    mkdirSync(join(root, 'cmd/hello'), { recursive: true });
    mkfifo(join(root, 'cmd/hello/main.go'));
    const before = tree(root);
    expect(thrown(() => project(root).synth()).message).toBe('cmd/hello/main.go: is a FIFO (named pipe), not a file, and projen-go-service writes a file there (it was not opened). Remove the FIFO (or move it out of the repository), then run it again. Nothing was changed.');
    expect(tree(root)).toEqual(before);
  }, 30_000);

  test('a directory where a generated file belongs is named as such', () => {
    const root = dir();
    project(root).synth();
    rmSync(join(root, 'Dockerfile'));
    mkdirSync(join(root, 'Dockerfile'));
    const before = tree(root);
    expect(thrown(() => project(root).synth()).message).toBe('Dockerfile: is a directory, not a file, and projen-go-service writes a file there. Move that directory away, then run it again. Nothing was changed.');
    expect(tree(root)).toEqual(before);
  });

  test('.projen linked out of the repository: the lock is not taken there', () => {
    const root = dir();
    const outside = dir('pgs-outside-');
    symlinkSync(outside, join(root, '.projen'));
    expect(thrown(() => project(root).synth()).message).toBe(`.projen/go-service.lock/owner.json: its directory .projen is a symbolic link to ${outside}, outside the repository, and projen-go-service writes and removes files only inside the repository. Replace the link .projen with a directory of the repository (or remove it), then run it again. Nothing was changed.`);
    expect(tree(outside)).toEqual(new Map());
    expect(tree(root)).toEqual(new Map([['.projen', `link ${outside}`]]));
  });

  test('a journal that names a path out of the repository is refused, and nothing is moved', () => {
    const root = dir();
    const outside = dir('pgs-outside-');
    writeFileSync(join(outside, 'victim'), 'keep\n');
    mkdirSync(join(root, '.projen'));
    symlinkSync(outside, join(root, 'docs'));
    writeFileSync(join(root, JOURNAL), JSON.stringify({ phase: 'committing', renames: [], deletions: ['docs/victim'], asides: [] }));
    const before = tree(root);
    expect(thrown(() => SynthesisTransaction.recover(root)).message).toBe(`docs/victim: its directory docs is a symbolic link to ${outside}, outside the repository, and projen-go-service writes and removes files only inside the repository. Replace the link docs with a directory of the repository (or remove it), then run it again. Nothing was changed (.projen/go-service.journal.json names it).`);
    expect(tree(root)).toEqual(before);
    expect(readFileSync(join(outside, 'victim'), 'utf-8')).toBe('keep\n');
  });

  test('a malformed journal gets the house message with the fix', () => {
    const root = dir();
    mkdirSync(join(root, '.projen'));
    for (const [text, why] of [
      ['{"phase": "committing", "renames": [["a", "b"]], "deletions": [], "asides": []}', 'a rename is not from a file beside its target'],
      ['not json', 'it is not JSON'],
      ['{}', 'its phase is not writing, committing or rolling-back'],
    ]) {
      writeFileSync(join(root, JOURNAL), text);
      expect(thrown(() => SynthesisTransaction.recover(root)).message).toBe(`.projen/go-service.journal.json: is not a journal projen-go-service wrote (${why}), so the synthesis it would finish is unknown. Check the generated files (git status, git diff), remove .projen/go-service.journal.json, then run it again. Nothing was changed.`);
      expect(readFileSync(join(root, JOURNAL), 'utf-8')).toBe(text);
    }
  });
});

describe('a commit that fails while moving files in is rolled back for real, and says so', () => {
  const env = ['PROJEN_GO_SERVICE_FAULT_COUNTER', 'PROJEN_GO_SERVICE_FAULT_FAIL_AT'];
  afterEach(() => env.forEach((k) => delete process.env[k]));

  /** How many fault points a synthesis of `services` passes over `root` as it is (on a copy). */
  function points(root: string, services: string[]): number {
    const copy = dir();
    execFileSync('cp', ['-a', `${root}/.`, copy]);
    const counter = join(dir(), 'counter');
    process.env.PROJEN_GO_SERVICE_FAULT_COUNTER = counter;
    process.env.PROJEN_GO_SERVICE_FAULT_FAIL_AT = String(1e9);
    project(copy, services).synth();
    delete process.env.PROJEN_GO_SERVICE_FAULT_FAIL_AT;
    return Number(readFileSync(counter, 'utf-8'));
  }

  test('the Nth rename fails (a mocked EPERM): every file already replaced is put back, the message lists them, no journal or old version is left', () => {
    const root = dir();
    project(root).synth();
    const before = tree(root);
    const total = points(root, ['worker']);
    // the last points: ...rename of each target, remove the journal; fail at the fourth from the end
    process.env.PROJEN_GO_SERVICE_FAULT_COUNTER = join(dir(), 'counter');
    process.env.PROJEN_GO_SERVICE_FAULT_FAIL_AT = String(total - 3);
    const e = thrown(() => project(root, ['worker']).synth());
    expect(e).toBeInstanceOf(FileSystemError);
    expect(e.message).toMatch(/^[^:]+: could not be written: the operation was not permitted \(EPERM\)\. Make it \(and its directory\) writable for this user, then run it again\. \d+ files \([^)]+\) were already replaced and were put back, so nothing was changed\.$/);
    expect(tree(root)).toEqual(before);
    // and the next run reaches exactly the clean result
    project(root, ['worker']).synth();
    const clean = dir();
    project(clean, ['worker']).synth();
    expect(tree(root)).toEqual(tree(clean));
  });

  test('putting the files back fails too: the message says so, the journal stays, and the next run finishes the roll-back', () => {
    const root = dir();
    project(root).synth();
    const before = tree(root);
    const total = points(root, ['worker']);
    // the rename at total - 3 fails; then the roll-back journal (a write and a rename) and the first put-back, which fails too
    process.env.PROJEN_GO_SERVICE_FAULT_COUNTER = join(dir(), 'counter');
    process.env.PROJEN_GO_SERVICE_FAULT_FAIL_AT = `${total - 3},${total}`;
    const e = thrown(() => project(root, ['worker']).synth());
    expect(e.message).toMatch(/^[^:]+: could not be written: the operation was not permitted \(EPERM\)\. Make it \(and its directory\) writable for this user, then run it again\. Some files were already replaced, and putting them back failed too \([^:]+: EPERM\): \.projen\/go-service\.journal\.json remembers each one, and the next npx projen finishes the job\.$/);
    expect(JSON.parse(readFileSync(join(root, JOURNAL), 'utf-8')).phase).toBe('rolling-back');
    delete process.env.PROJEN_GO_SERVICE_FAULT_FAIL_AT;
    expect(SynthesisTransaction.recover(root)).toMatch(/^put back the files of a synthesis that had failed while moving them in \(\d+\): the repository is as it was before it$/);
    expect(tree(root)).toEqual(before);
  });

  const immutable = spawnSync('sh', ['-c', 'f=$(mktemp) && chattr +i "$f" && chattr -i "$f" && rm "$f"']).status === 0;
  (immutable ? test : test.skip)('an immutable Dockerfile (chattr +i): the files moved in before it are put back, the message says which', () => {
    const root = dir();
    project(root).synth();
    execFileSync('chattr', ['+i', join(root, 'Dockerfile')]);
    try {
      const before = tree(root);
      const e = thrown(() => project(root, ['worker']).synth());
      expect(e.message).toBe('Dockerfile: could not be written: the operation was not permitted (EPERM). Make it (and its directory) writable for this user, then run it again. 2 files (.dockerignore, .projen/go-service.state.json) were already replaced and were put back, so nothing was changed.');
      expect(tree(root)).toEqual(before);
      expect(readdirSync(root).filter((f) => f.endsWith(OLD_SUFFIX) || f.endsWith('.projen-tmp'))).toEqual([]);
    } finally {
      execFileSync('chattr', ['-i', join(root, 'Dockerfile')]);
    }
  });

  test('a roll-back interrupted by a kill is finished by the next run: the old files back, new ones gone', () => {
    const root = dir();
    mkdirSync(join(root, '.projen'));
    writeFileSync(join(root, 'a.txt'), 'new a');
    writeFileSync(join(root, `a.txt${OLD_SUFFIX}`), 'old a');
    writeFileSync(join(root, 'b.txt'), 'new b');
    writeFileSync(join(root, 'c.txt.projen-tmp'), 'new c');
    writeFileSync(join(root, 'c.txt'), 'old c');
    writeFileSync(join(root, `gone.txt${OLD_SUFFIX}`), 'old gone');
    writeFileSync(join(root, JOURNAL), JSON.stringify({
      phase: 'rolling-back',
      renames: [['a.txt.projen-tmp', 'a.txt'], ['b.txt.projen-tmp', 'b.txt'], ['c.txt.projen-tmp', 'c.txt']],
      deletions: ['gone.txt'],
      asides: [],
      replaced: ['a.txt', 'c.txt'],
    }));
    expect(SynthesisTransaction.recover(root)).toBe('put back the files of a synthesis that had failed while moving them in (3): the repository is as it was before it');
    expect(tree(root)).toEqual(new Map([
      ['.projen', 'dir 755'],
      ['a.txt', `file 644 ${sha256('old a')}`],
      ['c.txt', `file 644 ${sha256('old c')}`],
      ['gone.txt', `file 644 ${sha256('old gone')}`],
    ]));
  });
});

describe('the lock', () => {
  const wait = process.env.PROJEN_GO_SERVICE_LOCK_WAIT;
  afterEach(() => {
    if (wait === undefined) delete process.env.PROJEN_GO_SERVICE_LOCK_WAIT;
    else process.env.PROJEN_GO_SERVICE_LOCK_WAIT = wait;
  });

  test('a plain file at the lock path is refused, named, and never deleted', () => {
    const root = dir();
    mkdirSync(join(root, '.projen'));
    writeFileSync(join(root, LOCK_DIR), 'my notes\n');
    const before = tree(root);
    expect(thrown(() => RepoLock.acquire(root, 'npx projen')).message).toBe('.projen/go-service.lock: is a file, where projen-go-service keeps its lock (a directory it makes and removes). Move it away (projen-go-service did not make it, and does not remove it), then run it again. Nothing was changed.');
    expect(tree(root)).toEqual(before);
  });

  test('a malformed owner.json gets the house message with the fix', () => {
    const root = dir();
    mkdirSync(join(root, LOCK_DIR), { recursive: true });
    writeFileSync(join(root, LOCK_DIR, 'owner.json'), '{"who": "me"}');
    process.env.PROJEN_GO_SERVICE_LOCK_WAIT = '0';
    const before = tree(root);
    expect(thrown(() => RepoLock.acquire(root, 'npx projen')).message).toBe('.projen/go-service.lock/owner.json: is not an owner file projen-go-service wrote (it does not name a process and a token), so who holds this repository is unknown. If no npx projen or projen-go-service command is running, remove .projen/go-service.lock, then run it again. Nothing was changed.');
    expect(tree(root)).toEqual(before);
  });

  const canMount = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=8k tmpfs "$d" && umount "$d" && rmdir "$d"']).status === 0;
  (canMount ? test : test.skip)('a read-only .projen/ and a full disk: the house message, naming the lock', () => {
    const root = dir();
    mkdirSync(join(root, '.projen'));
    execFileSync('mount', ['--bind', join(root, '.projen'), join(root, '.projen')]);
    try {
      execFileSync('mount', ['-o', 'remount,ro,bind', join(root, '.projen')]);
      expect(thrown(() => RepoLock.acquire(root, 'npx projen')).message).toBe('.projen/go-service.lock: could not be written: the file system is read-only (EROFS). Run it where the repository can be written, then run it again. Nothing was changed.');
    } finally {
      execFileSync('umount', [join(root, '.projen')]);
    }
    const full = dir();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8k,nr_inodes=4', 'tmpfs', full]);
    try {
      mkdirSync(join(full, '.projen'));
      mkdirSync(join(full, 'x'));
      // fill the inodes and blocks left
      for (let i = 0; ; i++) {
        try {
          writeFileSync(join(full, 'x', `f${i}`), Buffer.alloc(4096));
        } catch {
          break;
        }
      }
      const before = tree(full);
      expect(thrown(() => RepoLock.acquire(full, 'npx projen')).message).toMatch(/^\.projen\/go-service\.lock(\/owner\.json)?: could not be written: no space is left on the device \(ENOSPC\)\. Free some space, then run it again\. Nothing was changed\.$/);
      expect(tree(full)).toEqual(before);
    } finally {
      execFileSync('umount', [full]);
    }
  });

  test('a stale-lock takeover never removes a fresh lock another taker just took (race with an injected delay)', async () => {
    const root = dir();
    mkdirSync(join(root, LOCK_DIR), { recursive: true });
    // held by a process that ended
    writeFileSync(join(root, LOCK_DIR, 'owner.json'), JSON.stringify({ pid: 2 ** 22 + 1, token: 'dead', what: 'npx projen', since: Date.now() }));
    const log = join(root, 'log');
    const script = join(dir(), 'taker.ts');
    writeFileSync(script, [
      'import { appendFileSync } from \'fs\';',
      `import { RepoLock } from ${JSON.stringify(resolve(__dirname, '../../src/synthesis/repo-lock'))};`,
      'const [root, name, hold] = process.argv.slice(2);',
      `appendFileSync(${JSON.stringify(log)}, \`\${name} start \${Date.now()}\\n\`);`,
      'const lock = RepoLock.acquire(root, name);',
      `appendFileSync(${JSON.stringify(log)}, \`\${name} got \${Date.now()}\\n\`);`,
      'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(hold));',
      `appendFileSync(${JSON.stringify(log)}, \`\${name} done \${Date.now()}\\n\`);`,
      'lock.release();',
    ].join('\n'));
    const tsx = resolve(__dirname, '../../node_modules/.bin/tsx');
    const run = (name: string, hold: number, env: { [k: string]: string }) => new Promise<number>((done) => {
      spawn(tsx, [script, root, name, String(hold)], { env: { ...process.env, PROJEN_GO_SERVICE_LOCK_WAIT: '60', ...env }, stdio: 'inherit' })
        .on('exit', (code) => done(code ?? -1));
    });
    // slow judges the owner dead, then sleeps 4 s before taking its file; fast takes the lock over meanwhile and holds it 5 s
    const slow = run('slow', 100, { PROJEN_GO_SERVICE_LOCK_TAKEOVER_DELAY_MS: '4000' });
    for (let i = 0; i < 300 && !(existsSync(log) && readFileSync(log, 'utf-8').includes('slow start')); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    const fast = run('fast', 5000, {});
    expect(await Promise.all([slow, fast])).toEqual([0, 0]);
    const at = (line: string) => Number(new RegExp(`^${line} (\\d+)$`, 'm').exec(readFileSync(log, 'utf-8'))![1]);
    // one holder at a time: slow got it only once fast was done with it
    expect(at('fast got')).toBeLessThan(at('slow got'));
    expect(at('slow got')).toBeGreaterThanOrEqual(at('fast done'));
    expect(existsSync(join(root, LOCK_DIR))).toBe(false);
  }, 60_000);

  test('many takers at once, each taking and giving back the lock in a loop: one holder at a time, and no release fails (a taker writing into the lock directory as it is given back)', async () => {
    const root = dir();
    mkdirSync(join(root, '.projen'));
    const script = join(dir(), 'loop.ts');
    writeFileSync(script, [
      'import { existsSync, rmSync, writeFileSync } from \'fs\';',
      `import { RepoLock } from ${JSON.stringify(resolve(__dirname, '../../src/synthesis/repo-lock'))};`,
      'const [root, go] = process.argv.slice(2);',
      // all start at once (tsx starts slowly)
      'while (!existsSync(go)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);',
      'for (let i = 0; i < 60; i++) {',
      '  const lock = RepoLock.acquire(root, `taker ${process.pid}`);',
      // a second holder would find the marker there
      '  writeFileSync(`${root}/held`, String(process.pid), { flag: \'wx\' });',
      '  rmSync(`${root}/held`);',
      '  lock.release();',
      '}',
    ].join('\n'));
    const tsx = resolve(__dirname, '../../node_modules/.bin/tsx');
    const go = join(dir(), 'go');
    const started = Array.from({ length: 12 }, () => new Promise<number>((done) => {
      spawn(tsx, [script, root, go], { env: { ...process.env, PROJEN_GO_SERVICE_LOCK_WAIT: '120' }, stdio: 'inherit' })
        .on('exit', (code) => done(code ?? -1));
    }));
    await new Promise((r) => setTimeout(r, 3000));
    writeFileSync(go, '');
    expect(await Promise.all(started)).toEqual(Array(12).fill(0));
    expect(existsSync(join(root, LOCK_DIR))).toBe(false);
    expect(existsSync(join(root, 'held'))).toBe(false);
  }, 120_000);

  test('a live owner is never taken over: a second taker waits, is refused, and the owner file is byte for byte as it was', () => {
    const root = dir();
    const first = RepoLock.acquire(root, 'npx projen');
    const owner = readFileSync(join(root, LOCK_DIR, 'owner.json'), 'utf-8');
    process.env.PROJEN_GO_SERVICE_LOCK_WAIT = '0.2';
    // a taker that judged an earlier owner dead: it must not remove this one
    expect(() => RepoLock.acquire(root, 'npx projen')).toThrow(/is changing this repository/);
    expect(readFileSync(join(root, LOCK_DIR, 'owner.json'), 'utf-8')).toBe(owner);
    first.release();
    expect(existsSync(join(root, LOCK_DIR))).toBe(false);
  });
});

describe('.projenrc.ts', () => {
  test('a command killed during its synthesis: the next run puts the original back (never deletes it)', () => {
    const root = dir();
    mkdirSync(join(root, '.projen'));
    writeFileSync(join(root, '.projenrc.ts'), 'new\n');
    writeFileSync(join(root, '.projenrc.ts.projen-orig'), 'original\n');
    writeFileSync(join(root, EDIT_RECORD), JSON.stringify({ file: '.projenrc.ts', wrote: sha256('new\n') }));
    expect(SynthesisTransaction.recover(root, { leftovers: true })).toBe('put .projenrc.ts back as it was before a command that did not finish (killed while it ran npx projen): its change was not kept. Run the command again.');
    expect(tree(root)).toEqual(new Map([['.projen', 'dir 755'], ['.projenrc.ts', `file 644 ${sha256('original\n')}`]]));
  });

  test('a command killed after its synthesis committed its files: the change is kept (the generated files are of it)', () => {
    for (const how of ['the record says so', 'the journal was committing']) {
      const root = dir();
      mkdirSync(join(root, '.projen'));
      writeFileSync(join(root, '.projenrc.ts'), 'new\n');
      writeFileSync(join(root, '.projenrc.ts.projen-orig'), 'original\n');
      writeFileSync(join(root, EDIT_RECORD), JSON.stringify({ file: '.projenrc.ts', wrote: sha256('new\n'), committed: how === 'the record says so' }));
      if (how === 'the journal was committing') {
        writeFileSync(join(root, 'Dockerfile.projen-tmp'), 'new Dockerfile\n');
        writeFileSync(join(root, JOURNAL), JSON.stringify({ phase: 'committing', renames: [['Dockerfile.projen-tmp', 'Dockerfile']], deletions: [], asides: [] }));
      }
      const note = SynthesisTransaction.recover(root, { leftovers: true })!;
      expect(note.split('\n').pop()).toBe('kept the change a command that did not finish had made to .projenrc.ts: its synthesis was complete.');
      expect(readFileSync(join(root, '.projenrc.ts'), 'utf-8')).toBe('new\n');
      expect(readdirSync(root).sort()).toEqual(how === 'the record says so' ? ['.projen', '.projenrc.ts'] : ['.projen', '.projenrc.ts', 'Dockerfile']);
      expect(readdirSync(join(root, '.projen'))).toEqual([]);
    }
  });

  test('saved by the user since: both kept, and said so', () => {
    const root = dir();
    mkdirSync(join(root, '.projen'));
    writeFileSync(join(root, '.projenrc.ts'), 'theirs\n');
    writeFileSync(join(root, '.projenrc.ts.projen-orig'), 'original\n');
    writeFileSync(join(root, EDIT_RECORD), JSON.stringify({ file: '.projenrc.ts', wrote: sha256('new\n') }));
    expect(SynthesisTransaction.recover(root, { leftovers: true })).toBe('kept .projenrc.ts.projen-orig: a command that did not finish left it, the original of .projenrc.ts, which was saved since. Compare the two, keep what you need in .projenrc.ts, then delete .projenrc.ts.projen-orig.');
    expect(readFileSync(join(root, '.projenrc.ts'), 'utf-8')).toBe('theirs\n');
    expect(readFileSync(join(root, '.projenrc.ts.projen-orig'), 'utf-8')).toBe('original\n');
  });

  test('killed before the new file was moved in (the backup is the file itself): the backup goes, the file stays', () => {
    const root = dir();
    mkdirSync(join(root, '.projen'));
    writeFileSync(join(root, '.projenrc.ts'), 'original\n');
    linkSync(join(root, '.projenrc.ts'), join(root, '.projenrc.ts.projen-orig'));
    writeFileSync(join(root, EDIT_RECORD), JSON.stringify({ file: '.projenrc.ts', wrote: sha256('new\n') }));
    expect(SynthesisTransaction.recover(root, { leftovers: true })).toBe('removed what a run that did not finish had left (.projen/go-service.edit.json, .projenrc.ts.projen-orig): it had changed nothing else');
    expect(tree(root)).toEqual(new Map([['.projen', 'dir 755'], ['.projenrc.ts', `file 644 ${sha256('original\n')}`]]));
  });

  test('npx projen whose .projenrc.ts changed after it read it (while it waited for the lock) runs it again under the lock', () => {
    const root = dir();
    const rc = join(root, '.projenrc.ts');
    const guard = JSON.stringify(resolve(__dirname, '../../src/synthesis/projenrc-guard'));
    const repoLock = JSON.stringify(resolve(__dirname, '../../src/synthesis/repo-lock'));
    writeFileSync(rc, [
      "import { appendFileSync, readFileSync } from 'fs';",
      `import { rerunIfProjenrcChanged } from ${guard};`,
      `import { RepoLock } from ${repoLock};`,
      'const log = (line: string) => appendFileSync(`${__dirname}/log`, `${line}\\n`);',
      "log(`read ${readFileSync(__filename, 'utf-8').endsWith('// saved\\n') ? 'the save' : 'the first version'}`);",
      // (someone saves it after this process read it, before it takes the lock)
      "if (!process.env.PROJEN_GO_SERVICE_RERUN) appendFileSync(__filename, '// saved\\n');",
      "const lock = RepoLock.acquire(__dirname, 'npx projen');",
      'try {',
      '  log(`ran again: ${rerunIfProjenrcChanged(__dirname, lock.env)}`);',
      '} finally {',
      '  lock.release();',
      '}',
      '',
    ].join('\n'));
    const r = spawnSync(resolve(__dirname, '../../node_modules/.bin/tsx'), [rc], { cwd: root, encoding: 'utf-8' });
    expect(r.stderr).toBe('');
    expect(readFileSync(join(root, 'log'), 'utf-8')).toBe('read the first version\nread the save\nran again: undefined\nran again: 0\n');
    expect(existsSync(join(root, LOCK_DIR))).toBe(false);
    // a process that reads a file changed by no one since goes on
    const saved = process.argv[1];
    process.argv[1] = rc;
    try {
      // (written after this process started: as when another command saved it while this one waited for the lock)
      writeFileSync(rc, '// new\n');
      expect(projenrcChangedSinceStart(root)).toBe(true);
    } finally {
      process.argv[1] = saved;
    }
  }, 60_000);
});

describe('the commands', () => {
  /**
   * A repository whose `npx projen` runs a stand-in for projen-go-service (the real tsx, a fake
   * package): `synth` is what its GoServiceProject.synth() does.
   */
  function repo(synth: string): string {
    const root = dir('pgs-cli-');
    writeFileSync(join(root, '.projenrc.ts'), "import { GoServiceProject } from 'projen-go-service';\n\nconst project = new GoServiceProject({ name: 'hello' });\nproject.synth();\n");
    mkdirSync(join(root, 'node_modules/projen'), { recursive: true });
    mkdirSync(join(root, 'node_modules/.bin'));
    symlinkSync(realpathSync(resolve(__dirname, '../../node_modules/.bin/tsx')), join(root, 'node_modules/.bin/tsx'));
    mkdirSync(join(root, 'node_modules/projen-go-service'));
    writeFileSync(join(root, 'node_modules/projen-go-service/package.json'), '{ "name": "projen-go-service", "main": "index.js" }\n');
    writeFileSync(join(root, 'node_modules/projen-go-service/index.js'), `const fs = require('fs');\nclass GoServiceProject { synth() { ${synth} } }\nclass GoService {}\nmodule.exports = { GoServiceProject, GoService };\n`);
    return root;
  }

  function cli(cwd: string, ...argv: string[]): { code: number; out: string; err: string } {
    const out: string[] = [];
    const err: string[] = [];
    const code = main(argv, { cwd, io: { out: (t) => out.push(t), err: (t) => err.push(t) } });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  test('a .projenrc.ts linked inside the repository is edited through the link, and stays a link', () => {
    const root = repo('');
    mkdirSync(join(root, 'config'));
    execFileSync('mv', [join(root, '.projenrc.ts'), join(root, 'config/projenrc.ts')]);
    symlinkSync('config/projenrc.ts', join(root, '.projenrc.ts'));
    const r = cli(root, 'add', 'service', 'worker', '--port', '9090');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(readlinkSync(join(root, '.projenrc.ts'))).toBe('config/projenrc.ts');
    expect(readFileSync(join(root, 'config/projenrc.ts'), 'utf-8')).toContain("new GoService(project, 'worker', { port: 9090 });");
    expect(readdirSync(join(root, 'config'))).toEqual(['projenrc.ts']);
    expect(existsSync(join(root, EDIT_RECORD))).toBe(false);
  }, 60_000);

  test('a failed edit through a link puts the target back and keeps the link', () => {
    const root = repo("throw new Error('boom');");
    mkdirSync(join(root, 'config'));
    execFileSync('mv', [join(root, '.projenrc.ts'), join(root, 'config/projenrc.ts')]);
    symlinkSync('config/projenrc.ts', join(root, '.projenrc.ts'));
    const before = tree(root);
    const r = cli(root, 'add', 'service', 'worker', '--port', '9090');
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/^npx projen failed with this change, so \.projenrc\.ts was restored as it was and nothing was changed\./);
    before.delete('.projen');
    const after = tree(root);
    after.delete('.projen');
    expect(after).toEqual(before);
  }, 60_000);

  test('a .projenrc.ts linked out of the repository, or a FIFO, is refused and never replaced', () => {
    const root = repo('');
    const outside = dir('pgs-outside-');
    execFileSync('mv', [join(root, '.projenrc.ts'), join(outside, 'projenrc.ts')]);
    symlinkSync(join(outside, 'projenrc.ts'), join(root, '.projenrc.ts'));
    const before = tree(root);
    const outsideBefore = tree(outside);
    expect(cli(root, 'add', 'service', 'worker')).toEqual({ code: 2, out: '', err: `.projenrc.ts: is a symbolic link to ${outside}/projenrc.ts, outside the repository, and the commands edit only files inside it. Edit that file by hand, or replace the link with a copy of it, then run the command again. Nothing was changed.` });
    before.delete('.projen');
    const after = tree(root);
    after.delete('.projen');
    expect(after).toEqual(before);
    expect(tree(outside)).toEqual(outsideBefore);
    rmSync(join(root, '.projenrc.ts'));
    mkfifo(join(root, '.projenrc.ts'));
    expect(cli(root, 'add', 'service', 'worker')).toEqual({ code: 2, out: '', err: '.projenrc.ts: is a FIFO (named pipe), not a file (it was not opened). Put the project\'s .projenrc.ts there, then run the command again. Nothing was changed.' });
  }, 60_000);

  test('a save of .projenrc.ts while the command runs is reported, with a non-zero exit; the save stays', () => {
    const root = repo("fs.appendFileSync('.projenrc.ts', '// saved by the editor\\n');");
    const r = cli(root, 'add', 'service', 'worker', '--port', '9090');
    expect(r.code).toBe(5);
    expect(r.err).toBe('.projenrc.ts: was saved by someone else while this command ran, so it may no longer hold this change, and the generated files may not be what it generates now (they are kept as npx projen left them: changed .projenrc.ts). Check that .projenrc.ts says what you mean, then run npx projen.');
    expect(readFileSync(join(root, '.projenrc.ts'), 'utf-8')).toMatch(/new GoService\(project, 'worker', \{ port: 9090 \}\);\nproject\.synth\(\);\n\/\/ saved by the editor\n$/);
    expect(readdirSync(root).filter((f) => f.startsWith('.projenrc.ts.'))).toEqual([]);
  }, 60_000);

  test('a file at the lock path, or a malformed journal: the house message, exit 5, nothing changed', () => {
    const root = repo('');
    mkdirSync(join(root, '.projen'));
    writeFileSync(join(root, LOCK_DIR), 'mine\n');
    let before = tree(root);
    expect(cli(root, 'add', 'service', 'worker')).toEqual({ code: 5, out: '', err: '.projen/go-service.lock: is a file, where projen-go-service keeps its lock (a directory it makes and removes). Move it away (projen-go-service did not make it, and does not remove it), then run it again. Nothing was changed.' });
    expect(tree(root)).toEqual(before);
    rmSync(join(root, LOCK_DIR));
    writeFileSync(join(root, JOURNAL), '{"phase": "done"}');
    before = tree(root);
    expect(cli(root, 'add', 'service', 'worker')).toEqual({ code: 5, out: '', err: '.projen/go-service.journal.json: is not a journal projen-go-service wrote (its phase is not writing, committing or rolling-back), so the synthesis it would finish is unknown. Check the generated files (git status, git diff), remove .projen/go-service.journal.json, then run it again. Nothing was changed.' });
    expect(tree(root)).toEqual(before);
  });

  test('check does not crash on a FIFO in the tree, and leaves no copy behind (in the repository, where it is made, or the temporary directory)', () => {
    const root = repo("fs.writeFileSync('out.txt', 'generated\\n');");
    writeFileSync(join(root, 'out.txt'), 'generated\n');
    mkfifo(join(root, 'pipe'));
    const temps = () => readdirSync(tmpdir()).filter((f) => f.startsWith('projen-go-service-')).sort();
    const tempsBefore = temps();
    const before = tree(root);
    const r = cli(root, 'check');
    expect([r.code, r.out]).toEqual([0, 'In sync: every generated file is what .projenrc.ts generates.']);
    // (its copy is made in .projen/go-service.scratch/: gone, and .projen/ as it was)
    expect(tree(root)).toEqual(before);
    // (other runs on this machine come and go: none of this one's is left)
    expect(temps().filter((t) => !tempsBefore.includes(t))).toEqual([]);
  }, 60_000);
});
