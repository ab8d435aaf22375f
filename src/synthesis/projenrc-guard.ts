import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, readFileSync, realpathSync, rmSync, statSync } from 'fs';
import { join, resolve } from 'path';
import { renameDurably, writeFileAtomic } from './fs-safe';
import { assertInsideRepository } from './repo-paths';

/**
 * `.projenrc.ts` and the lock. A command edits it under the lock, keeping the original aside
 * (`.projenrc.ts.projen-orig`) and recording what it wrote (`.projen/go-service.edit.json`), so that a
 * command killed before it finished is undone by the next run: the original put back when the file
 * still holds what the command wrote, kept beside it (never deleted) when someone saved it since.
 * `npx projen` reads `.projenrc.ts` before it can take the lock (tsx runs the file, whose
 * `project.synth()` takes it): when the file changed since this process started, it is run again
 * under the lock, so a synthesis never generates from an older `.projenrc.ts` than the one on disk.
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
  /** Its synthesis committed the files (a kill from then on keeps the change). */
  readonly committed?: boolean;
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

/** The synthesis of a command's edit commits its files: from here on, a kill keeps the change. */
export function markEditCommitted(root: string): void {
  const record = readRecord(root);
  if (record && !record.committed) writeFileAtomic(join(root, EDIT_RECORD), `${JSON.stringify({ ...record, committed: true } satisfies EditRecord)}\n`);
}

function readRecord(root: string): EditRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(join(root, EDIT_RECORD), 'utf-8'));
    return typeof r?.file === 'string' && typeof r?.wrote === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Undoes a command that was killed while it edited `.projenrc.ts` (run under the lock, by the process
 * that took it): the original is put back, unless the command's synthesis had committed its files
 * (`committed`: this run completed it), when the change is kept. Returns what it did, for the log.
 */
export function recoverEdit(root: string, committed = false): string | undefined {
  assertInsideRepository(root, EDIT_RECORD, 'reads');
  const record = readRecord(root);
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
  const ours = current !== undefined && record !== undefined && sha256(current) === record.wrote;
  if (ours && (committed || record.committed)) {
    // the generated files are those of the change: it stays, and the original goes
    rmSync(absBackup, { force: true });
    endEdit(root);
    return `kept the change a command that did not finish had made to ${file}: its synthesis was complete.`;
  }
  if (current === undefined || ours) {
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

/** `.projenrc.ts` changed while `npx projen` ran it, twice: what it would generate is out of date. Refused. */
export class ProjenrcChangedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjenrcChangedError';
  }
}

/** Set in the environment of a synthesis run again because `.projenrc.ts` changed under the first. */
const RERUN_ENV = 'PROJEN_GO_SERVICE_RERUN';

/**
 * Whether this process runs the repository's `.projenrc.ts` (npx projen) and that file changed since
 * the process started (tsx reads the file before `project.synth()` can take the lock): the model in
 * memory may be older than the file on disk.
 */
export function projenrcChangedSinceStart(root: string): boolean {
  const file = join(root, PROJENRC_FILE);
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    if (realpathSync(resolve(script)) !== realpathSync(file)) return false;
    const st = statSync(file);
    // (ctime too: a rename or a hard link changes it, not mtime)
    return Math.max(st.mtimeMs, st.ctimeMs) > performance.timeOrigin;
  } catch {
    return false;
  }
}

/**
 * Under the lock, before anything is read for the synthesis: when `.projenrc.ts` changed after this
 * process read it, it is run again, under this lock, so the synthesis reads it with the lock held.
 * Returns that run's exit status (the caller then writes nothing, and exits with it), or undefined
 * when the file did not change. A file that changes again meanwhile is refused.
 */
export function rerunIfProjenrcChanged(root: string, lockEnv: { [name: string]: string }): number | undefined {
  if (!projenrcChangedSinceStart(root)) return undefined;
  if (process.env[RERUN_ENV]) {
    throw new ProjenrcChangedError(`${PROJENRC_FILE}: changed again while npx projen ran it (an editor saving it, or another program), so what it would generate is out of date. Let it settle, then run npx projen again. Nothing was changed.`);
  }
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    cwd: process.cwd(), stdio: 'inherit', env: { ...process.env, ...lockEnv, [RERUN_ENV]: '1' },
  });
  return r.status ?? 1;
}
