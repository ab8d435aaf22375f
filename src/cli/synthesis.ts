import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'fs';
import { basename, join } from 'path';
import { makeScratch, SCRATCH_DIR } from '../go/scratch';
import { SECRETS_DIR } from '../model/constants';
import { ADOPT_JOURNAL, ADOPT_WORK } from '../synthesis/adopt-transaction';
import { faultPoint } from '../synthesis/fs-safe';
import { LOCK_DIR } from '../synthesis/repo-lock';
import { STATE_FILE } from '../synthesis/report';
import { JOURNAL } from '../synthesis/transaction';

/** Top-level directories a snapshot or a copy skips: installed packages, git, local secrets. */
const SKIPPED_DIRS = ['node_modules', '.git', SECRETS_DIR];

/** Files of a synthesis at work (its lock, its journal) and its memory: never part of a comparison. */
const TRANSIENT = [STATE_FILE, JOURNAL, ADOPT_JOURNAL];

/** path → sha256 of every file of a repository (without node_modules, .git and projen's state). */
export type Snapshot = Map<string, string>;

/** Hashes every file of the repository. */
export function snapshot(root: string): Snapshot {
  const files: Snapshot = new Map();
  const walk = (dir: string, prefix: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!(prefix === '' && SKIPPED_DIRS.includes(e.name)) && rel !== LOCK_DIR && rel !== ADOPT_WORK && rel !== SCRATCH_DIR) walk(join(dir, e.name), rel);
      } else if (e.isFile() && !TRANSIENT.includes(rel) && !(prefix === '' && e.name === '.git')) {
        // (.git is a file in a worktree or a submodule)
        files.set(rel, createHash('sha256').update(readFileSync(join(dir, e.name))).digest('hex'));
      }
    }
  };
  walk(root, '');
  return files;
}

/** A file that differs between two snapshots. */
export interface Change {
  readonly kind: 'added' | 'changed' | 'removed';
  readonly path: string;
}

/** Every file that differs, sorted by path. */
export function changes(before: Snapshot, after: Snapshot): Change[] {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths.flatMap((path): Change[] => {
    const a = before.get(path);
    const b = after.get(path);
    if (a === b) return [];
    return [{ kind: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed', path }];
  });
}

/** `changed Dockerfile` */
export function describeChange(c: Change): string {
  return `${c.kind} ${c.path}`;
}

/**
 * Copies the repository (without node_modules, .git and secrets, nor the lock, adopt's work and the
 * scratch directory; node_modules linked) into a directory of this process's in the repository's
 * scratch directory (src/go/scratch.ts: never out of the repository, so a kill leaves no copy of it,
 * `.env` included, anywhere else; the next run removes it), where `prepare` may change it, and
 * synthesizes the copy. The caller calls `remove`.
 */
export function synthesizeCopy(dir: string, prepare: (copy: string) => void = () => {}): SynthesizedCopy {
  const work = makeScratch(dir, 'copy');
  const copy = join(work.path, basename(dir));
  try {
    copyRepository(dir, copy);
    if (existsSync(join(dir, 'node_modules'))) symlinkSync(join(dir, 'node_modules'), join(copy, 'node_modules'));
    prepare(copy);
    return { remove: () => work.remove(), copy, result: synthesize(copy) };
  } catch (e) {
    // nothing is left behind
    work.remove();
    throw e;
  }
}

/** A synthesized copy of the repository: where it is, the outcome, and how it goes. */
export interface SynthesizedCopy {
  /** Removes the copy (and the scratch directory, when it is left empty). */
  readonly remove: () => void;
  readonly copy: string;
  readonly result: SynthesisResult;
}

/** The top-level entries and those of .projen/ a copy skips (the copy is made inside .projen/). */
const NOT_COPIED = [...SKIPPED_DIRS, LOCK_DIR, ADOPT_WORK, SCRATCH_DIR];

/**
 * The repository's files into `copy`, entry by entry (cpSync refuses a copy into a directory of its
 * own source): .projen/ without the lock, adopt's work and the scratch directory.
 */
function copyRepository(dir: string, copy: string): void {
  mkdirSync(copy, { recursive: true });
  const entries = (rel: string) => readdirSync(join(dir, rel)).map((n) => (rel ? `${rel}/${n}` : n)).filter((r) => !NOT_COPIED.includes(r));
  for (const rel of entries('')) {
    const src = join(dir, rel);
    // (a kill test's point: the copy half made)
    faultPoint(`copy ${rel}`);
    if (rel === '.projen' && lstatSync(src).isDirectory()) {
      mkdirSync(join(copy, rel));
      for (const inner of entries(rel)) copyEntry(join(dir, inner), join(copy, inner));
    } else {
      copyEntry(src, join(copy, rel));
    }
  }
}

function copyEntry(src: string, dest: string): void {
  if (isSpecial(src)) return;
  // (a FIFO, socket or device is not copied: never opened, and no synthesis reads one)
  cpSync(src, dest, { recursive: true, verbatimSymlinks: true, filter: (p) => !isSpecial(p) });
}

/** A FIFO, socket or device (not a file, a directory or a link). */
function isSpecial(path: string): boolean {
  try {
    const st = lstatSync(path);
    return !(st.isFile() || st.isDirectory() || st.isSymbolicLink());
  } catch {
    return false;
  }
}

/** The outcome of `npx projen`. */
export interface SynthesisResult {
  readonly ok: boolean;
  /** What projen said that a user should read: its notices on success, the model's error on failure. */
  readonly messages: string[];
  /** It failed on the file system (a full disk, a read-only directory): nothing was changed. */
  readonly fileSystem?: boolean;
  /** It failed because another command holds the repository. */
  readonly busy?: boolean;
}

/**
 * Runs the synthesis as a user would: `npx projen` in the repository. The first one (no
 * .projen/tasks.json yet, which projen needs to find the project) runs `.projenrc.ts` with tsx, as
 * the default task it writes will.
 */
export function synthesize(dir: string, env: { [name: string]: string } = {}): SynthesisResult {
  if (!existsSync(join(dir, 'node_modules', 'projen'))) {
    return { ok: false, messages: ['projen is not installed here (no node_modules/projen). Run npm install, then the command again.'] };
  }
  const command = existsSync(join(dir, '.projen', 'tasks.json')) ? ['projen'] : ['tsx', '.projenrc.ts'];
  const r = spawnSync('npx', command, { cwd: dir, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status === 0) {
    return { ok: true, messages: notices(output) };
  }
  const tail = output.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('npm warn')).slice(-20).join('\n');
  const error = errorOf(output);
  return {
    ok: false,
    messages: [error?.message ?? (r.error ? String(r.error) : tail)],
    fileSystem: error?.name === 'FileSystemError',
    busy: error?.name === 'RepositoryBusyError',
  };
}

/** projen's own log lines (`👾 ...`), without the task echo. */
function notices(output: string): string[] {
  return output.split('\n')
    .filter((l) => l.startsWith('👾 ') && !/^👾 [\w:-]+ \| /.test(l))
    .map((l) => l.slice('👾 '.length).trim());
}

/**
 * The error that stopped the synthesis: the model's ConfigurationError (every problem, one per
 * line) or another error's message, without the stack trace.
 */
function errorOf(output: string): { name: string; message: string } | undefined {
  const lines = output.split('\n');
  const first = lines.findIndex((l) => /^[A-Za-z]*Error: /.test(l));
  if (first < 0) return undefined;
  const name = /^([A-Za-z]*Error): /.exec(lines[first])![1];
  const message: string[] = [lines[first].replace(/^[A-Za-z]*Error: /, '')];
  for (const l of lines.slice(first + 1)) {
    // (a stack, a blank line or projen's own log line, `👾 Synthesis failed: Task "default" ...`, ends it)
    if (/^\s+at /.test(l) || l.trim() === '' || l.startsWith('👾 ')) break;
    message.push(l);
  }
  return { name, message: message.join('\n') };
}
