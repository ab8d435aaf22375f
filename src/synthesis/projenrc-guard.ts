import { createHash } from 'crypto';
import { existsSync, readFileSync, realpathSync, rmSync, statSync } from 'fs';
import { join, relative, resolve } from 'path';
import { renameDurably, writeFileAtomic } from './fs-safe';
import { assertInsideRepository } from './repo-paths';

/**
 * `.projenrc.ts` and the lock. A command edits it under the lock, keeping the original aside
 * (`.projenrc.ts.projen-orig`) and recording what it wrote (`.projen/go-service.edit.json`), so that a
 * command killed before it finished is undone by the next run: the original put back when the file
 * still holds what the command wrote, kept beside it (never deleted) when someone saved it since.
 * `npx projen` reads `.projenrc.ts` before it can take the lock (tsx runs the file, whose
 * `project.synth()` takes it): a file changed since this process started is refused under the lock,
 * so a synthesis never generates from an older `.projenrc.ts` than the one on disk.
 */

/** The file every editing command edits. */
export const PROJENRC_FILE = '.projenrc.ts';

/** The suffix of `.projenrc.ts`'s original, kept aside while a command edits it. */
export const BACKUP_SUFFIX = '.projen-orig';

/** What a command editing `.projenrc.ts` wrote, while it runs (ignored by git with the rest of .projen/). */
export const EDIT_RECORD = '.projen/go-service.edit.json';

interface EditRecord {
  /** The file edited (the real `.projenrc.ts`, a link's target inside the repository), relative to it. */
  readonly file: string;
  /** sha256 of what the command wrote. */
  readonly wrote: string;
}

function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Remembers, before a command writes it, what it writes into `file` (relative to `root`). */
export function beginEdit(root: string, file: string, text: string): void {
  assertInsideRepository(root, EDIT_RECORD);
  writeFileAtomic(join(root, EDIT_RECORD), `${JSON.stringify({ file, wrote: sha256(text) } satisfies EditRecord)}\n`);
}

/** The command is done with `.projenrc.ts` (its original restored, or no longer needed). */
export function endEdit(root: string): void {
  rmSync(join(root, EDIT_RECORD), { force: true });
}

/**
 * Undoes a command that was killed while it edited `.projenrc.ts` (run under the lock, by the process
 * that took it). Returns what it did, for the log.
 */
export function recoverEdit(root: string): string | undefined {
  let record: EditRecord | undefined;
  try {
    const r = JSON.parse(readFileSync(join(root, EDIT_RECORD), 'utf-8'));
    if (typeof r?.file === 'string' && typeof r?.wrote === 'string') record = r;
  } catch {
    record = undefined;
  }
  const file = record?.file ?? PROJENRC_FILE;
  const backup = `${file}${BACKUP_SUFFIX}`;
  assertInsideRepository(root, backup, 'reads');
  const abs = join(root, file);
  const absBackup = join(root, backup);
  if (!existsSync(absBackup)) {
    endEdit(root);
    return undefined;
  }
  assertInsideRepository(root, file, 'writes');
  const original = readFileSync(absBackup);
  const current = existsSync(abs) ? readFileSync(abs) : undefined;
  // killed before the new file was moved in (the backup is the file itself), or nothing to undo
  if (current !== undefined && (sameFile(abs, absBackup) || current.equals(original))) {
    rmSync(absBackup, { force: true });
    endEdit(root);
    return undefined;
  }
  if (current === undefined || (record !== undefined && sha256(current) === record.wrote)) {
    renameDurably(absBackup, abs);
    endEdit(root);
    return `put ${file} back as it was before a command that did not finish (killed while it ran npx projen): its change was not kept. Run the command again.`;
  }
  // saved by someone since: theirs stays, and so does the original
  endEdit(root);
  return `kept ${backup}: a command that did not finish left it, the original of ${file}, which was saved since. Compare the two, keep what you need in ${file}, then delete ${backup}.`;
}

function sameFile(a: string, b: string): boolean {
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.ino === sb.ino && sa.dev === sb.dev;
  } catch {
    return false;
  }
}

/**
 * `.projenrc.ts` changed after the process that runs it started (a command or an editor saved it
 * while this `npx projen` waited for the lock): what it would generate is out of date. Refused.
 */
export class ProjenrcChangedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjenrcChangedError';
  }
}

/**
 * Under the lock, before anything is written: when this process runs the repository's `.projenrc.ts`
 * (npx projen), that file has not changed since the process started, so the model in memory is the
 * one on disk. (tsx reads the file before `project.synth()` can take the lock.)
 */
export function assertProjenrcUnchanged(root: string): void {
  const file = join(root, PROJENRC_FILE);
  const script = process.argv[1];
  if (script === undefined) return;
  let st;
  try {
    if (realpathSync(resolve(script)) !== realpathSync(file)) return;
    st = statSync(file);
  } catch {
    return;
  }
  // (ctime too: a rename or a hard link changes it, not mtime)
  if (Math.max(st.mtimeMs, st.ctimeMs) > performance.timeOrigin) {
    throw new ProjenrcChangedError(`${relative(root, file)}: changed after this npx projen read it (another command or an editor saved it while this one waited for the repository's lock), so what it would generate is out of date. Run npx projen again. Nothing was changed.`);
  }
}
