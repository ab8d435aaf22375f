import { existsSync, lstatSync, readFileSync } from 'fs';
import { dirname, join } from 'path';
import { FileSystemError } from './fs-safe';

/**
 * What the synthesis journal and adopt's journal share: reading one (written beside and renamed in, it
 * is whole or absent), checking its shape, and the file-system questions their moves ask.
 */

/**
 * Reads the journal at `file` (relative to `root`): JSON, an object, a phase among `phases`. Anything
 * else is refused with `malformed(why)`, the journal's own house message.
 */
export function readJournalFile(root: string, file: string, phases: readonly string[], malformed: (why: string) => FileSystemError): any {
  let j: any;
  try {
    j = JSON.parse(readFileSync(join(root, file), 'utf-8'));
  } catch {
    throw malformed('it is not JSON');
  }
  if (typeof j !== 'object' || j === null || !phases.includes(j.phase)) {
    throw malformed(`its phase is not ${phases.slice(0, -1).join(', ')} or ${phases[phases.length - 1]}`);
  }
  return j;
}

/** A list of paths. */
export function isPathList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** A list of [from, to] paths. */
export function isPathPairList(v: unknown): v is Array<[string, string]> {
  return Array.isArray(v) && v.every((x) => Array.isArray(x) && x.length === 2 && isPathList(x));
}

/** Whether something is at a path (a dangling link too). */
export function lexists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The first directory of `dir` (relative to root) that does not exist yet, if any. */
export function firstMissingDir(root: string, dir: string): string | undefined {
  let missing: string | undefined;
  for (let d = dir; d !== '.' && d !== '' && !existsSync(join(root, d)); d = dirname(d)) missing = d;
  return missing;
}
