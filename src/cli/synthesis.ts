import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'fs';
import { tmpdir } from 'os';
import { basename, join, relative } from 'path';
import { SECRETS_DIR } from '../model/constants';
import { ADOPT_JOURNAL, ADOPT_WORK } from '../synthesis/adopt-transaction';
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
        if (!(prefix === '' && SKIPPED_DIRS.includes(e.name)) && rel !== LOCK_DIR && rel !== ADOPT_WORK) walk(join(dir, e.name), rel);
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
 * Copies the repository (without node_modules, .git and secrets; node_modules linked) into a
 * temporary directory, where `prepare` may change it, and synthesizes the copy. The caller removes
 * `tmp`.
 */
export function synthesizeCopy(dir: string, prepare: (copy: string) => void = () => {}): { tmp: string; copy: string; result: SynthesisResult } {
  const tmp = mkdtempSync(join(tmpdir(), 'projen-go-service-'));
  const copy = join(tmp, basename(dir));
  try {
    cpSync(dir, copy, {
      recursive: true,
      verbatimSymlinks: true,
      // (a FIFO, socket or device is not copied: never opened, and no synthesis reads one)
      filter: (src) => !SKIPPED_DIRS.includes(relative(dir, src)) && relative(dir, src) !== LOCK_DIR && !isSpecial(src),
    });
    if (existsSync(join(dir, 'node_modules'))) symlinkSync(join(dir, 'node_modules'), join(copy, 'node_modules'));
    prepare(copy);
    return { tmp, copy, result: synthesize(copy) };
  } catch (e) {
    // nothing is left behind in the temporary directory
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
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
    if (/^\s+at /.test(l) || l.trim() === '') break;
    message.push(l);
  }
  return { name, message: message.join('\n') };
}
