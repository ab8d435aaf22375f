import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';

/**
 * Where a command works on a copy of the repository (check, adopt) or on its files (go list's copy of
 * go.mod, the binary the observer runs): a directory of its own inside the repository, never the
 * system's temporary directory, so nothing of the repository (its sources, its `.env`) is ever copied
 * out of it, not even by a kill. Each process has a directory of its own in it, named after its pid;
 * a kill's leftover is removed by the next run that holds the lock (sweepScratch), which says so.
 * Skipped by the snapshots and copies of the commands, outside the build context (the .dockerignore
 * is an allow-list) and ignored by git (the `.gitignore` in it).
 */
export const SCRATCH_DIR = '.projen/go-service.scratch';

/** A directory of this process's in SCRATCH_DIR. */
export interface Scratch {
  /** Its absolute path. */
  readonly path: string;
  /** Removes it, then SCRATCH_DIR and .projen/ when this made them and they are empty. */
  remove(): void;
}

/**
 * Makes a directory of this process's in the repository's SCRATCH_DIR (`<pid>-<purpose>-XXXXXX`).
 * @param root the repository
 * @param purpose what it is for, in its name (`copy`, `golist`, `observe`)
 */
export function makeScratch(root: string, purpose: string): Scratch {
  const projen = join(root, '.projen');
  const scratch = join(root, SCRATCH_DIR);
  const madeProjen = !existsSync(projen);
  let path: string | undefined;
  try {
    mkdirSync(scratch, { recursive: true });
    path = mkdtempSync(join(scratch, `${process.pid}-${purpose}-`));
    // git never lists it, in a repository whose .gitignore is not generated yet too
    if (!existsSync(join(scratch, '.gitignore'))) writeFileSync(join(scratch, '.gitignore'), '*\n');
  } catch (e) {
    // (a full disk, a read-only repository: the error names the scratch directory, whatever part failed)
    if (path) rmSync(path, { recursive: true, force: true });
    removeIfOnlyIgnore(scratch);
    if (madeProjen) rmdirQuietly(projen);
    throw Object.assign(e as Error, { path: scratch });
  }
  const made = path;
  return {
    path: made,
    remove: () => {
      rmSync(made, { recursive: true, force: true });
      removeIfOnlyIgnore(scratch);
      if (madeProjen) rmdirQuietly(projen);
    },
  };
}

/**
 * Removes the directories of SCRATCH_DIR whose process has ended (a kill), and SCRATCH_DIR, then
 * .projen/, when they are left empty. Run by the holder of the repository's lock. Returns what it removed (relative paths).
 */
export function sweepScratch(root: string): string[] {
  const scratch = join(root, SCRATCH_DIR);
  let names: string[];
  try {
    names = readdirSync(scratch);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (name === '.gitignore') continue;
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) continue;
    rmSync(join(scratch, name), { recursive: true, force: true });
    removed.push(`${SCRATCH_DIR}/${name}`);
  }
  removeIfOnlyIgnore(scratch);
  // (.projen/ made by the killed run, in a repository not adopted yet: it goes when nothing else is in it)
  if (removed.length > 0) rmdirQuietly(join(root, '.projen'));
  return removed;
}

/** Whether a process with this pid runs (EPERM: it does, as another user's). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** SCRATCH_DIR goes when only its .gitignore is left (another process's directory keeps it). */
function removeIfOnlyIgnore(scratch: string): void {
  try {
    if (readdirSync(scratch).every((n) => n === '.gitignore')) {
      rmSync(join(scratch, '.gitignore'), { force: true });
      rmdirQuietly(scratch);
    }
  } catch {
    // gone already
  }
}

function rmdirQuietly(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (another process's), or gone
  }
}
