import { lstatSync, readlinkSync, realpathSync, Stats } from 'fs';
import { isAbsolute, join, relative, sep } from 'path';
import { FileSystemError } from './fs-safe';

/**
 * Where a synthesis may write: only inside the repository, and only over a file. Every path the
 * transaction writes, renames, removes or reads as a file of its own (the generated files, the journal,
 * the lock) is checked here first: a directory on its way that is a symbolic link out of the
 * repository, a FIFO, socket or device where a file belongs (never opened: opening a FIFO blocks), or a
 * directory where a file belongs is refused at once, naming the file, before anything is written.
 */

/** What the repository's own file at a path is for, in a message: `writes a file there`. */
export type PathUse = 'writes' | 'removes' | 'reads';

/** A path the synthesis must not touch (outside the repository, or not a file): nothing was changed. */
export class UnsafePathError extends FileSystemError {
  constructor(message: string) {
    super(message);
    // (named as a file-system error: the commands report it as one, exit 5)
  }
}

/** What a file that is not a regular file is called in a message, or undefined for a regular file. */
export function specialKind(st: Stats): string | undefined {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isDirectory()) return 'a directory';
  return undefined;
}

/** Whether `path` is `root` or under it (both real paths). */
function within(root: string, path: string): boolean {
  const r = relative(root, path);
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/**
 * Checks the path of a file the synthesis writes, removes or reads (relative to `root`): every
 * directory on its way that exists resolves inside the repository, and what is there now is a regular
 * file (or a link to one inside the repository), or nothing. Throws an UnsafePathError in the house
 * form otherwise.
 * @param then what happened to the repository, for the message (`Nothing was changed`)
 */
export function assertInsideRepository(root: string, path: string, use: PathUse = 'writes', then = 'Nothing was changed'): void {
  const refuse = (what: string, fix: string) => new UnsafePathError(`${path}: ${what}. ${fix}, then run it again. ${then}.`);
  const abs = join(root, path);
  if (isAbsolute(path) || !within(root, abs) || abs === root) {
    throw refuse('is not a path inside the repository', 'Name a file inside the repository');
  }
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    // (no repository directory yet: nothing on the way to follow)
    return;
  }
  const parts = relative(root, abs).split(sep);
  // every directory on the way that exists: inside the repository once its links are resolved
  for (let i = 1; i < parts.length; i++) {
    const rel = parts.slice(0, i).join('/');
    const st = lstatOrUndefined(join(root, rel));
    if (st === undefined) break;
    if (!st.isSymbolicLink()) continue;
    let real: string | undefined;
    try {
      real = realpathSync(join(root, rel));
    } catch {
      real = undefined;
    }
    if (real === undefined || !within(realRoot, real)) {
      const to = readlinkSync(join(root, rel));
      throw refuse(
        `its directory ${rel} is a symbolic link to ${to}${real === undefined ? ', which does not exist' : ', outside the repository'}, and projen-go-service ${use === 'reads' ? 'reads' : 'writes and removes'} files only inside the repository`,
        `Replace the link ${rel} with a directory of the repository (or remove it)`,
      );
    }
  }
  const st = lstatOrUndefined(abs);
  if (st === undefined) return;
  let target = st;
  if (st.isSymbolicLink()) {
    let real: string | undefined;
    try {
      real = realpathSync(abs);
    } catch {
      real = undefined;
    }
    if (real !== undefined && !within(realRoot, real)) {
      throw refuse(
        `is a symbolic link to ${readlinkSync(abs)}, outside the repository, and projen-go-service ${use === 'reads' ? 'reads' : 'writes and removes'} files only inside the repository`,
        'Replace the link with the file itself (or remove it)',
      );
    }
    if (real === undefined) return;
    target = lstatSync(real);
  }
  const kind = specialKind(target);
  if (kind !== undefined) {
    const verb = use === 'writes' ? 'writes a file there' : use === 'removes' ? 'removes the file there' : 'reads a file there';
    throw refuse(
      `is ${kind}, not a file, and projen-go-service ${verb}${kind === 'a directory' ? '' : ' (it was not opened)'}`,
      kind === 'a directory' ? 'Move that directory away' : `Remove ${kind.replace(/ \(.*\)$/, '').replace(/^an? /, 'the ')} (or move it out of the repository)`,
    );
  }
}

/** Whether a path (relative to root) holds something that is not a regular file (or a link to one). */
export function isSpecialFile(root: string, path: string): boolean {
  try {
    return specialKind(lstatSync(realpathSync(join(root, path)))) !== undefined;
  } catch {
    return false;
  }
}

