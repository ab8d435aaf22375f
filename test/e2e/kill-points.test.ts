import { spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { GIT_ENV, leftovers, newRepo, packedTarball, removeRepo, run, treeHash as treeHashOf } from './fixtures';

/**
 * Issue 22: a SIGKILL at every file operation of each command (adopt, add service, add postgres, add
 * redis, set, remove, npx projen), through the fault points of src/synthesis/fs-safe.ts
 * (PROJEN_GO_SERVICE_FAULT_KILL_AT: the command and the npx projen it runs die together at the n-th
 * write, rename, link or removal). After each kill the next run (adopt again; npx projen for the
 * others) must leave the tree byte- and mode-identical to the old tree or to the clean result, no
 * leftover in the repository, nothing of the repository outside it (the commands run with TMPDIR
 * pointing at a directory looked at right after each kill and after the next run: their copies of the
 * repository are made inside it, src/go/scratch.ts), and say what it finished or rolled back. `check`
 * and `adopt --dry-run` change nothing: killed while they copy the repository or synthesize the copy,
 * the next run removes the copy and says so. After a kill of adopt, `npx projen` (not only a second
 * adopt) completes or rolls it back.
 *
 * `FAULTS_SAMPLE=all` (npm run faults) kills at every point; otherwise FAULTS_SAMPLE (default 1) points
 * per command, the same ones on every run (spread over the command, offset by a hash of its name).
 */
const SAMPLE = process.env.FAULTS_SAMPLE ?? '1';
// (every point of adopt, with a second adopt after each kill: longer than the default 20 minutes)
jest.setTimeout(120 * 60_000);
const ROOT = mkdtempSync(join(tmpdir(), 'pgs-kill-'));
/** The temporary directory of the commands: nothing of theirs may remain in it. */
const TMP = join(ROOT, 'tmp');
mkdirSync(TMP);
const figures: string[] = [];

/** The tree, byte for byte and mode for mode (git's cache of file times aside: go list's VCS stamping refreshes it). */
function treeHash(dir: string): string {
  return treeHashOf(dir, ['.git/index']);
}

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ...GIT_ENV, TMPDIR: TMP, ...extra };
  delete e.NODE_ENV;
  return e;
}

/** Runs a command in its own process group; its exit status (null when killed) and output. */
function exec(cmd: string, args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}): { status: number | null; output: string } {
  const r = spawnSync(cmd, args, { cwd, env: env(extra), encoding: 'utf-8', detached: true, maxBuffer: 64 * 1024 * 1024 } as any);
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** A copy of `base` at the same depth under ROOT (node_modules linked, not copied, when `linkModules`). */
function copyOf(base: string, linkModules = true): string {
  const dir = join(mkdtempSync(join(ROOT, 'c-')), 'repo');
  cpSync(base, dir, { recursive: true, verbatimSymlinks: true, filter: (src) => relative(base, src) !== 'node_modules' });
  if (linkModules && existsSync(join(base, 'node_modules'))) symlinkSync(join(base, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** What the commands left in their temporary directory (tools' own caches aside: Go's build directories, tsx's cache). */
function tmpLeft(): string[] {
  return readdirSync(TMP).filter((n) => !/^(go-build\d+|tsx-\d+|node-compile-cache|jiti)$/.test(n));
}

/**
 * What the commands left in the temporary directory that holds something of a repository: any entry
 * but the tools' own caches, and any file at all (caches included) with the shop's `.env` secret or the
 * user's own Go code in it.
 */
function outsideTheRepository(): string[] {
  const found = tmpLeft();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /never-copied|Mine is the user's/.test(readFileSync(p, 'latin1'))) found.push(relative(TMP, p));
    }
  };
  walk(TMP);
  return found;
}

/** git's list of what differs from the last commit, untracked files included. */
function gitStatus(dir: string): string[] {
  return run('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir }).stdout.split('\n').filter((l) => l !== '');
}

/** The points to kill at, of `total`: all of them, or FAULTS_SAMPLE spread over them (the same on every run). */
function pick(total: number, key: string): number[] {
  if (SAMPLE === 'all') return Array.from({ length: total }, (_, i) => i + 1);
  const k = Math.min(total, Math.max(1, Number(SAMPLE) || 1));
  const offset = parseInt(createHash('sha256').update(key).digest('hex').slice(0, 8), 16) / 0x100000000;
  return [...new Set(Array.from({ length: k }, (_, i) => 1 + Math.floor(((i + offset) * total) / k)))];
}

interface Case {
  /** The command, as the figures name it. */
  readonly name: string;
  /** The repository it runs in (copied for each kill). */
  readonly base: () => string;
  /** The command. */
  readonly command: (dir: string) => [string, string[]];
  /** The run after the kill that must finish or roll back what it left. */
  readonly next: (dir: string) => [string, string[]];
  /** Only the points whose operation matches (adopt's npm install: those of the install). */
  readonly only?: RegExp;
  /** Whether node_modules is linked into each copy (adopt without installed packages: not). */
  readonly linkModules?: boolean;
  /** A command that changes nothing (check, adopt --dry-run): its fault points are those of its copy's synthesis. */
  readonly readOnly?: boolean;
  /**
   * npx projen after a kill of adopt: before .projen/tasks.json is there projen's own CLI stops ("Unable
   * to find projen project") before anything of ours runs. Then the user's files must be untouched, and
   * this run (adopt again) finishes it.
   */
  readonly withoutTasks?: (dir: string) => [string, string[]];
}

/** Counts: cases per command. */
const counts: { [name: string]: { points: number; killed: number; old: number; clean: number; withoutTasks: number } } = {};

/**
 * The command run whole once (counting its fault points, and giving the clean result), then killed at
 * each chosen point, each time in a fresh copy.
 */
function killAtPoints(c: Case): void {
  const first = copyOf(c.base(), c.linkModules !== false);
  const old = treeHash(first);
  const counter = join(first, '..', 'counter');
  const whole = exec(...c.command(first), first, { PROJEN_GO_SERVICE_FAULT_COUNTER: counter, PROJEN_GO_SERVICE_FAULT_FAIL_AT: '1000000000' });
  if (whole.status !== 0) throw new Error(`${c.name}: the command failed without a fault:\n${whole.output}`);
  const clean = treeHash(first);
  if (c.readOnly) expect(clean).toBe(old);
  else expect(clean).not.toBe(old);
  const trace = readFileSync(`${counter}.trace`, 'utf-8').trim().split('\n');
  rmSync(join(first, '..'), { recursive: true, force: true });
  const eligible = trace.map((l, i) => ({ n: i + 1, what: l.replace(/^\d+: /, '') })).filter((p) => !c.only || c.only.test(p.what));
  const chosen = pick(eligible.length, c.name).map((i) => eligible[i - 1]);
  const tally = { points: eligible.length, killed: 0, old: 0, clean: 0, withoutTasks: 0 };
  for (const point of chosen) {
    const dir = copyOf(c.base(), c.linkModules !== false);
    const before = c.withoutTasks ? gitStatus(dir) : [];
    const count = join(dir, '..', 'counter');
    const r = exec(...c.command(dir), dir, {
      PROJEN_GO_SERVICE_FAULT_COUNTER: count, PROJEN_GO_SERVICE_FAULT_KILL_AT: String(point.n), PROJEN_GO_SERVICE_FAULT_GROUP: '1',
    });
    const killed = existsSync(`${count}.log`) ? readFileSync(`${count}.log`, 'utf-8').trim() : undefined;
    if (!killed) throw new Error(`${c.name}: not killed at ${point.n} (${point.what}); it exited ${r.status}:\n${r.output}`);
    const where = `${c.name}, ${killed}`;
    // nothing of the repository outside it, right after the kill (its copies are made in it: src/go/scratch.ts)
    expect({ where, outside: outsideTheRepository() }).toEqual({ where, outside: [] });
    // (a lock left by the kill is taken over: not a change of the repository)
    const left = leftovers(dir).some((p) => !p.includes('go-service.lock'));
    let recovery = exec(...c.next(dir), dir);
    if (recovery.status !== 0 && c.withoutTasks && !existsSync(join(dir, '.projen', 'tasks.json')) && recovery.output.includes('Unable to find projen project')) {
      // (projen's CLI, before anything of ours: the kill came before the adopt had moved anything of the user's)
      const theirs = gitStatus(dir).filter((l) => !before.includes(l) && !/ (\.projen\/|\.projenrc\.ts$)|\.projen-tmp$/.test(l));
      expect({ where, changed: theirs }).toEqual({ where, changed: [] });
      tally.withoutTasks++;
      recovery = exec(...c.withoutTasks(dir), dir);
    }
    if (recovery.status !== 0) throw new Error(`${where}: ${c.next(dir).join(' ')} after the kill failed (exit ${recovery.status}):\n${recovery.output}`);
    // what it found, it names: completed, rolled back, removed or put back
    if (left && !/completed|rolled back|removed|put .* back|kept/.test(recovery.output)) {
      throw new Error(`${where}: the run after the kill did not say what it did with what the kill left:\n${recovery.output}`);
    }
    expect(recovery.output).not.toContain('edited by hand');
    const hash = treeHash(dir);
    if (hash !== clean && hash !== old) {
      throw new Error(`${where}: after ${c.next(dir).join(' ')} the tree is neither the old one nor the clean result:\n${run('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir }).stdout}`);
    }
    if (hash === clean) tally.clean++;
    else tally.old++;
    expect({ where, leftovers: leftovers(dir) }).toEqual({ where, leftovers: [] });
    expect({ where, outside: outsideTheRepository() }).toEqual({ where, outside: [] });
    tally.killed++;
    // (each case as it passes, for a long run: FAULTS_LOG names a file)
    if (process.env.FAULTS_LOG) appendFileSync(process.env.FAULTS_LOG, `${c.name} | ${point.n}/${tally.points} ${point.what.replace(dir, '')} | ${hash === clean ? 'clean' : 'old'}\n`);
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
  counts[c.name] = tally;
  const without = c.withoutTasks ? ` (${tally.withoutTasks} before .projen/tasks.json existed: projen's CLI stopped, the user's files untouched, adopt again finished it)` : '';
  figures.push(`${c.name}: ${tally.killed} kills of ${tally.points} file operations; after the next run ${tally.clean} clean results, ${tally.old} old trees, 0 other${without}`);
  expect(tally.killed).toBe(chosen.length);
}

let hello: string;
let withWorker: string;
let shop: string;
let shopInstalled: string;
let tarball: string;

/** adopt, run from the package installed beside the fixtures (as npx runs it), projen-go-service from the tarball. */
function adopt(dir: string): [string, string[]] {
  return ['node', [join(hello, 'node_modules', 'projen-go-service', 'lib', 'cli', 'bin.js'), 'adopt', '--from', `file:${relative(dir, tarball)}`]];
}

const npxProjen = (): [string, string[]] => ['npx', ['projen']];
const cli = (...args: string[]) => (): [string, string[]] => ['npx', ['projen-go-service', ...args]];

beforeAll(() => {
  tarball = packedTarball();
  hello = newRepo('faults');
  // the user's own code, which every kill must leave as it is
  writeFileSync(join(hello, 'cmd', 'faults', 'mine.go'), 'package main\n\n// Mine is the user\'s.\nconst Mine = "yes"\n');
  run('git', ['add', '-A'], { cwd: hello });
  run('git', ['commit', '-qm', 'the user\'s code'], { cwd: hello });
  withWorker = join(ROOT, 'with-worker');
  cpSync(hello, withWorker, { recursive: true, verbatimSymlinks: true, filter: (src) => relative(hello, src) !== 'node_modules' });
  symlinkSync(join(hello, 'node_modules'), join(withWorker, 'node_modules'));
  run('npx', ['projen-go-service', 'add', 'service', 'worker'], { cwd: withWorker });
  // a Go repository of the user's (a Dockerfile, a Makefile, a compose file, two main packages), before adopt
  shop = join(ROOT, 'shop');
  cpSync(join(__dirname, 'adopt-repo'), shop, { recursive: true });
  writeFileSync(join(shop, '.env'), 'SECRET=never-copied\n');
  run('git', ['init', '-q'], { cwd: shop });
  run('git', ['add', '-A'], { cwd: shop });
  run('git', ['commit', '-qm', 'the shop, before projen'], { cwd: shop });
  run('go', ['build', './...'], { cwd: shop });
  // ... and with the packages installed beside it already (no npm install)
  shopInstalled = join(ROOT, 'shop-installed');
  cpSync(shop, shopInstalled, { recursive: true });
  symlinkSync(join(hello, 'node_modules'), join(shopInstalled, 'node_modules'));
});

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(`kill points (FAULTS_SAMPLE=${SAMPLE}):\n  ${figures.join('\n  ')}`);
  removeRepo(hello);
  if (!process.env.KEEP_E2E) rmSync(ROOT, { recursive: true, force: true });
});

const ADD_THREE = `
new GoService(project, 'api', { port: 9001 });
new GoService(project, 'worker', { port: 9002 });
new GoService(project, 'jobs', { server: false });
new PostgresDatabase(project);
`;

/** hello, with three services and Postgres added to .projenrc.ts by hand (npx projen not run). */
function helloWithThreeMore(): string {
  const dir = join(ROOT, 'three-more');
  if (!existsSync(dir)) {
    cpSync(hello, dir, { recursive: true, verbatimSymlinks: true, filter: (src) => relative(hello, src) !== 'node_modules' });
    symlinkSync(join(hello, 'node_modules'), join(dir, 'node_modules'));
    const rc = readFileSync(join(dir, '.projenrc.ts'), 'utf-8')
      .replace('import { GoServiceProject } from "projen-go-service";', 'import { GoService, GoServiceProject, PostgresDatabase } from "projen-go-service";')
      .replace('project.synth();', `${ADD_THREE}\nproject.synth();`);
    if (!rc.includes('PostgresDatabase(project)')) throw new Error('the base .projenrc.ts changed shape');
    writeFileSync(join(dir, '.projenrc.ts'), rc);
  }
  return dir;
}

describe('a kill at a file operation of each command: the next run gives the old tree or the clean result', () => {
  test('npx projen (three services and Postgres added by hand)', () => {
    killAtPoints({ name: 'npx projen (3 services + Postgres)', base: helloWithThreeMore, command: npxProjen, next: npxProjen });
  });

  test.each([
    ['add service worker', ['add', 'service', 'worker']],
    ['add postgres', ['add', 'postgres']],
    ['add redis', ['add', 'redis']],
    ['set port 9000', ['set', 'port', '9000']],
  ])('%s', (name, args) => {
    killAtPoints({ name, base: () => hello, command: cli(...args), next: npxProjen });
  });

  test('remove service worker', () => {
    killAtPoints({ name: 'remove service worker', base: () => withWorker, command: cli('remove', 'service', 'worker'), next: npxProjen });
  });

  // (they change nothing: a kill leaves their copy of the repository, inside it, which the next run removes and names)
  test('check', () => {
    killAtPoints({ name: 'check', base: () => hello, command: cli('check'), next: npxProjen, readOnly: true });
  });

  test('adopt --dry-run', () => {
    killAtPoints({ name: 'adopt --dry-run', base: () => shopInstalled, command: (dir) => [adopt(dir)[0], [...adopt(dir)[1], '--dry-run']], next: (dir) => [adopt(dir)[0], [...adopt(dir)[1], '--dry-run']], readOnly: true });
  });

  test('adopt (packages installed already)', () => {
    killAtPoints({ name: 'adopt', base: () => shopInstalled, command: adopt, next: adopt });
  });

  test('adopt, then npx projen (not adopt) after the kill: it completes or rolls back the adopt, and says which', () => {
    killAtPoints({ name: 'adopt, then npx projen', base: () => shopInstalled, command: adopt, next: npxProjen, withoutTasks: adopt });
  });

  test('adopt with its npm install: the operations of the install', () => {
    killAtPoints({
      name: 'adopt (npm install)',
      base: () => shop,
      command: adopt,
      next: adopt,
      linkModules: false,
      only: /install|node_modules|package-lock|package\.json|go-service\.adopt/,
    });
  });
});

describe('adopt killed while npm install runs, and adopt that fails', () => {
  test('killed in the middle of npm install: adopt again rolls it back and adopts; nothing outside the repository', async () => {
    const dir = copyOf(shop, false);
    const before = treeHash(dir);
    const [cmd, args] = adopt(dir);
    const child = spawn(cmd, args, { cwd: dir, env: env(), detached: true, stdio: 'ignore' });
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    // as soon as npm has begun to fill the staged node_modules
    const staged = join(dir, '.projen', 'go-service.adopt', 'install', 'node_modules');
    const deadline = Date.now() + 120_000;
    while (!(existsSync(staged) && readdirSync(staged).length > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(staged)).toBe(true);
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    // nothing of the user's was touched yet
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
    expect(existsSync(join(dir, 'local.mk'))).toBe(false);
    const again = exec(cmd, args, dir);
    expect(again.status).toBe(0);
    expect(again.output).toContain('removed what an adopt that did not finish had started to write (killed before it moved or replaced any file)');
    expect(again.output).toContain('Adopted.');
    expect(treeHash(dir)).not.toBe(before);
    expect(existsSync(join(dir, 'node_modules', 'projen-go-service', 'package.json'))).toBe(true);
    expect(leftovers(dir)).toEqual([]);
    expect(tmpLeft()).toEqual([]);
    figures.push('adopt killed during npm install: adopt again said it removed the staged install, and adopted');
  });

  test('npm install fails: the repository is byte- and mode-identical, nothing is left', () => {
    const dir = copyOf(shop, false);
    const before = treeHash(dir);
    const r = exec('node', [adopt(dir)[1][0], 'adopt', '--from', 'file:../no-such-package.tgz'], dir);
    expect(r.status).toBe(5);
    expect(r.output).toContain('adopt: npm install failed (');
    expect(r.output).toContain('so the repository was put back as it was: nothing was written. Check that projen-go-service can be installed from file:../no-such-package.tgz, and run adopt again.');
    expect(treeHash(dir)).toBe(before);
    expect(existsSync(join(dir, '.projen'))).toBe(false);
    expect(tmpLeft()).toEqual([]);
    figures.push('adopt whose npm install fails: exit 5, the tree as it was');
  });

  test('the synthesis fails (a directory where renovate.json5 goes): exit 5 naming the file, the repository as it was', () => {
    const dir = copyOf(shopInstalled);
    mkdirSync(join(dir, 'renovate.json5'));
    writeFileSync(join(dir, 'renovate.json5', 'keep'), 'mine\n');
    const before = treeHash(dir);
    const r = exec(...adopt(dir), dir);
    expect(r.status).toBe(5);
    expect(r.output).toContain('renovate.json5: is a directory, not a file, and projen-go-service writes a file there. Move that directory away, then run it again.');
    expect(r.output).toContain('(adopt put the repository back as it was.)');
    expect(treeHash(dir)).toBe(before);
    expect(existsSync(join(dir, '.projen'))).toBe(false);
    expect(leftovers(dir)).toEqual([]);
    figures.push('adopt whose synthesis is refused (a directory where a file goes): exit 5 naming it, the tree as it was');
  });

  test('a rename of the synthesis fails (EPERM, as on an immutable file): everything adopt did is put back', () => {
    const dir = copyOf(shopInstalled);
    const before = treeHash(dir);
    // the points of a whole adopt: fail at the last rename of the synthesis' commit
    const counter = join(dir, '..', 'counter');
    const whole = copyOf(shopInstalled);
    exec(...adopt(whole), whole, { PROJEN_GO_SERVICE_FAULT_COUNTER: join(whole, '..', 'counter'), PROJEN_GO_SERVICE_FAULT_FAIL_AT: '1000000000' });
    const trace = readFileSync(join(whole, '..', 'counter.trace'), 'utf-8').trim().split('\n');
    const renames = trace.filter((l) => /^\d+: rename .*(Dockerfile|Makefile)$/.test(l));
    expect(renames.length).toBeGreaterThan(0);
    const at = renames[renames.length - 1].split(':')[0];
    const r = exec(...adopt(dir), dir, { PROJEN_GO_SERVICE_FAULT_COUNTER: counter, PROJEN_GO_SERVICE_FAULT_FAIL_AT: at });
    expect(r.status).toBe(5);
    expect(r.output).toMatch(/(Dockerfile|Makefile): could not be written: the operation was not permitted \(EPERM\)\. Make it \(and its directory\) writable for this user, then run it again\. \d+ files \([^)]+\) were already replaced and were put back, so nothing was changed\. \(adopt put the repository back as it was\.\)/);
    expect(treeHash(dir)).toBe(before);
    expect(leftovers(dir)).toEqual([]);
    figures.push('adopt whose synthesis fails at its last rename (EPERM): exit 5 naming the file, the tree as it was');
  });
});

describe('adopt: odd file types and a full disk', () => {
  test('a Dockerfile linked out of the repository: refused before anything is read or written, and the file it points to untouched', () => {
    const dir = copyOf(shopInstalled);
    const outside = mkdtempSync(join(ROOT, 'outside-'));
    writeFileSync(join(outside, 'Dockerfile'), readFileSync(join(dir, 'Dockerfile')));
    rmSync(join(dir, 'Dockerfile'));
    symlinkSync(join(outside, 'Dockerfile'), join(dir, 'Dockerfile'));
    const before = treeHash(dir);
    const r = exec(...adopt(dir), dir);
    expect(r.status).toBe(5);
    expect(r.output).toContain(`Dockerfile: is a symbolic link to ${join(outside, 'Dockerfile')}, outside the repository, and projen-go-service reads files only inside the repository. Replace the link with the file itself (or remove it), then run it again. Nothing was changed.`);
    expect(treeHash(dir)).toBe(before);
    expect(readFileSync(join(outside, 'Dockerfile'), 'utf-8')).toBe(readFileSync(join(shop, 'Dockerfile'), 'utf-8'));
    figures.push('adopt, a Dockerfile linked out of the repository: exit 5 naming it, the tree as it was');
  });

  const canMount = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=8k tmpfs "$d" && umount "$d" && rmdir "$d"']).status === 0;
  (canMount ? test : test.skip)('a full disk at sizes from nothing free to enough: adopt succeeds, or fails with exit 5 naming the file, and the tree is as it was', () => {
    const mount = join(ROOT, 'tmpfs');
    mkdirSync(mount);
    run('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]);
    const all = Array.from({ length: 13 }, (_, i) => i * 16 * 1024);
    const sizes = SAMPLE === 'all' ? all : [all[0], all[all.length - 1]];
    let failed = 0;
    let succeeded = 0;
    try {
      for (const free of sizes) {
        const dir = join(mount, 'repo');
        rmSync(dir, { recursive: true, force: true });
        cpSync(shopInstalled, dir, { recursive: true, verbatimSymlinks: true });
        const before = treeHash(dir);
        rmSync(join(mount, 'filler'), { force: true });
        const avail = Number(run('df', ['--output=avail', '-B1', mount]).stdout.split('\n')[1].trim());
        if (avail > free) run('fallocate', ['-l', String(avail - free), join(mount, 'filler')]);
        const r = exec(...adopt(dir), dir);
        rmSync(join(mount, 'filler'), { force: true });
        if (r.status === 0) {
          succeeded++;
          expect(existsSync(join(dir, '.projenrc.ts'))).toBe(true);
        } else {
          failed++;
          expect({ free, status: r.status }).toEqual({ free, status: 5 });
          expect(r.output).toMatch(/[^ ]+: could not be written: no space is left on the device \(ENOSPC\)\. Free some space, then run it again\./);
          expect({ free, same: treeHash(dir) === before }).toEqual({ free, same: true });
        }
        expect({ free, leftovers: leftovers(dir) }).toEqual({ free, leftovers: [] });
      }
    } finally {
      spawnSync('umount', [mount]);
    }
    figures.push(`adopt on a full disk: ${sizes.length} sizes (0 to ${sizes[sizes.length - 1] / 1024} KiB free): ${failed} failed cleanly (exit 5, the tree as it was), ${succeeded} succeeded; 0 leftovers`);
    expect(failed).toBeGreaterThan(0);
  });
});

describe('npx projen names a file-system cause in the house form, never with a stack trace', () => {
  test('a directory where a generated file goes', () => {
    const dir = copyOf(hello);
    const before = treeHash(dir);
    rmSync(join(dir, 'renovate.json5'), { force: true });
    mkdirSync(join(dir, 'renovate.json5'));
    const r = exec('npx', ['projen'], dir);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('FileSystemError: renovate.json5: is a directory, not a file, and projen-go-service writes a file there. Move that directory away, then run it again. Nothing was changed.');
    expect(r.output).not.toMatch(/^\s+at /m);
    rmSync(join(dir, 'renovate.json5'), { recursive: true });
    expect(exec('npx', ['projen'], dir).status).toBe(0);
    expect(treeHash(dir)).toBe(before);
    figures.push('npx projen, a directory where a generated file goes: the house message, no stack trace');
  });

  const canMount = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'd=$(mktemp -d) && mount --bind "$d" "$d" && umount "$d" && rmdir "$d"']).status === 0;
  (canMount ? test : test.skip)('a read-only .projen/ (the lock cannot be taken)', () => {
    const dir = copyOf(hello);
    const before = treeHash(dir);
    run('mount', ['--bind', join(dir, '.projen'), join(dir, '.projen')]);
    let r: { status: number | null; output: string };
    try {
      run('mount', ['-o', 'remount,ro,bind', join(dir, '.projen')]);
      r = exec('npx', ['projen'], dir);
    } finally {
      spawnSync('umount', [join(dir, '.projen')]);
    }
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('FileSystemError: .projen/go-service.lock: could not be written: the file system is read-only (EROFS). Run it where the repository can be written, then run it again. Nothing was changed.');
    expect(r.output).not.toMatch(/^\s+at /m);
    expect(treeHash(dir)).toBe(before);
    figures.push('npx projen, a read-only .projen/: the house message naming the lock, no stack trace');
  });
});
