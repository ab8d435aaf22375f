import {
  appendFileSync, chmodSync, closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync,
  statSync, writeFileSync, writeSync,
} from 'fs';
import { dirname, join, relative } from 'path';

/**
 * Writing files so that no kill, full disk or permission error leaves one half-written: each file is
 * written beside its target (`<file>.projen-tmp`), flushed to disk, then renamed over the target, and
 * the directory is flushed. A rename is atomic: the target is the old file or the new one, never a mix.
 */

/** The suffix of a file being written beside its target. */
export const TMP_SUFFIX = '.projen-tmp';

/**
 * A point where a crash test may kill the process: `PROJEN_GO_SERVICE_FAULT_COUNTER` names a file
 * that counts the points passed (across processes) and `PROJEN_GO_SERVICE_FAULT_KILL_AT` the one
 * at which the process kills itself with SIGKILL (`PROJEN_GO_SERVICE_FAULT_FAIL_AT`: the ones, comma-separated, whose
 * operation fails with EPERM, as on an immutable file). Does nothing otherwise.
 */
export function faultPoint(what: string): void {
  const counter = process.env.PROJEN_GO_SERVICE_FAULT_COUNTER;
  const at = Number(process.env.PROJEN_GO_SERVICE_FAULT_KILL_AT ?? 0);
  const failAt = (process.env.PROJEN_GO_SERVICE_FAULT_FAIL_AT ?? '').split(',').filter((x) => x !== '').map(Number);
  if (!counter || !(at || failAt.length > 0)) return;
  const n = (existsSync(counter) ? Number(readFileSync(counter, 'utf-8')) || 0 : 0) + 1;
  writeFileSync(counter, String(n));
  // (every point passed, in order: what the n-th operation is)
  appendFileSync(`${counter}.trace`, `${n}: ${what}\n`);
  if (failAt.includes(n)) {
    // PROJEN_GO_SERVICE_FAULT_FAIL_AT: the operation fails there as an immutable file makes it fail
    appendFileSync(`${counter}.log`, `failed at ${n}: ${what}\n`);
    const path = what.replace(/^\w+ /, '');
    throw Object.assign(new Error(`EPERM: operation not permitted, ${what}`), { code: 'EPERM', path, target: path });
  }
  if (n === at) {
    appendFileSync(`${counter}.log`, `killed at ${n}: ${what}\n`);
    // the whole process group (a command and the npx projen it runs) when the test started it as one
    process.kill(process.env.PROJEN_GO_SERVICE_FAULT_GROUP ? 0 : process.pid, 'SIGKILL');
  }
}

/** The permission bits of a file (0644, 0444...). */
export function permissions(path: string): number {
  return statSync(path).mode % 0o10000;
}

/**
 * Writes a file beside its target (`<target>.projen-tmp`), flushed to disk, with its mode. Returns
 * the first directory it had to make, if any (so that an abort can take it away again).
 */
export function writeTmp(tmp: string, data: string | Buffer, mode: number): string | undefined {
  faultPoint(`write ${tmp}`);
  const buffer = typeof data === 'string' ? Buffer.from(data, 'utf-8') : data;
  let fd: number | undefined;
  let made: string | undefined;
  try {
    made = makeDirs(dirname(tmp));
    // a new file, never through a link or into a FIFO left at its name (opening one blocks)
    rmSync(tmp, { force: true });
    fd = openSync(tmp, 'wx', mode); // (O_EXCL: fails on a link or a FIFO left there since, never follows it)
    let offset = 0;
    while (offset < buffer.length) offset += writeSync(fd, buffer, offset, buffer.length - offset);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    chmodSync(tmp, mode);
    return made;
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    if (made) removeEmptyTree(made);
    // name the file being written, even when what failed was making its directory
    if (typeof e === 'object' && e !== null) (e as { target?: string }).target = tmp;
    throw e;
  }
}

/** Renames a flushed file over its target, and flushes the directory. */
export function renameDurably(from: string, to: string): void {
  faultPoint(`rename ${to}`);
  renameSync(from, to);
  fsyncDir(dirname(to));
}

/** Writes `data` to `path` for good: beside it, flushed, renamed over it. */
export function writeFileAtomic(path: string, data: string | Buffer, mode = 0o644): void {
  const tmp = `${path}${TMP_SUFFIX}`;
  writeTmp(tmp, data, mode);
  try {
    renameDurably(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Keeps the file as it is under a second name, without copying it (a hard link: no space needed), so
 * it can be put back with a rename whatever happens to the disk meanwhile. Returns the backup's path.
 */
export function keepAside(path: string): string {
  const backup = `${path}.projen-orig`;
  rmSync(backup, { force: true });
  faultPoint(`link ${backup}`);
  linkSync(path, backup);
  return backup;
}

/**
 * mkdir -p, one level at a time, so an error says what really happened (a recursive mkdirSync
 * reports ENOENT on a read-only file system). Returns the first directory it made, if any.
 */
export function makeDirs(dir: string): string | undefined {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return missing[0];
}

/** Removes `dir` when it holds no file (only empty directories). */
export function removeEmptyTree(dir: string): void {
  const empty = (d: string): boolean => readdirSync(d, { withFileTypes: true }).every((e) => e.isDirectory() && empty(join(d, e.name)));
  try {
    if (empty(dir)) rmSync(dir, { recursive: true, force: true });
  } catch {
    // gone already, or unreadable: leave it
  }
}

/** Flushes a directory's entries (renames, new files) to disk; best effort. */
export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some file systems cannot open a directory for reading: the rename is still atomic
  }
}

/** What a file-system error code means, and what fixes it. */
const FILE_SYSTEM_CODES: { readonly [code: string]: { what: string; fix: string } } = {
  ENOSPC: { what: 'no space is left on the device', fix: 'Free some space' },
  EDQUOT: { what: 'the disk quota is used up', fix: 'Free some space or raise the quota' },
  EACCES: { what: 'permission was denied', fix: 'Make it (and its directory) writable for this user' },
  EPERM: { what: 'the operation was not permitted', fix: 'Make it (and its directory) writable for this user' },
  EROFS: { what: 'the file system is read-only', fix: 'Run it where the repository can be written' },
  EIO: { what: 'the device reported an I/O error', fix: 'Check the disk' },
  ENOTDIR: { what: 'a part of its path is a file, not a directory', fix: 'Move that file away' },
  EISDIR: { what: 'it is a directory', fix: 'Move that directory away' },
};

/**
 * A file could not be written: which one, why, and what to do. The synthesis or command that met it
 * changed nothing (the message says so).
 */
export class FileSystemError extends Error {
  /** Whether `e` is a file-system error this package knows how to explain. */
  public static explains(e: unknown): e is NodeJS.ErrnoException {
    // (not instanceof Error: an error from fs may come from another realm, as under jest)
    const code = typeof e === 'object' && e !== null ? (e as NodeJS.ErrnoException).code : undefined;
    return typeof code === 'string' && code in FILE_SYSTEM_CODES;
  }

  /**
   * @param root the repository, which paths are named relative to
   * @param e the error
   * @param then what happened to the repository (`Nothing was changed`)
   */
  public static of(root: string, e: NodeJS.ErrnoException, then: string): FileSystemError {
    const known = FILE_SYSTEM_CODES[e.code!];
    const where = (e as { target?: string }).target ?? e.path;
    const path = where ? relative(root, where).replace(/\.projen-tmp$/, '') || '.' : 'the repository';
    return new FileSystemError(`${path}: could not be written: ${known.what} (${e.code}). ${known.fix}, then run it again. ${then}.`);
  }

  constructor(message: string) {
    super(message);
    this.name = 'FileSystemError';
  }
}
