import { existsSync, readFileSync, realpathSync } from 'fs';
import { basename, dirname, join, resolve } from 'path';
import { FileBase, Project } from 'projen';
import { adoptUnderWay } from './adopt-transaction';
import { FileSystemError, permissions } from './fs-safe';
import { movedAsideMessage } from './moved-aside';
import { fileMode, initProjectOf, postSynthesisDisabled, recordSynthesized, renderFile } from './projen-adapter';
import { PROJENRC_FILE, ProjenrcChangedError, rerunIfProjenrcChanged } from './projenrc-guard';
import { RepoLock, RepositoryBusyError } from './repo-lock';
import { assertInsideRepository } from './repo-paths';
import { SynthesisTransaction } from './transaction';

/**
 * How files reach the disk: `Project.synth()` as one change of the repository.
 *
 * Under the repository's lock, after completing any synthesis a kill interrupted; every file written
 * beside its target and renamed in only when all are written (SynthesisTransaction); unchanged files
 * not touched; a file of the user's that a generated file would replace moved aside, never
 * overwritten. A file-system error (a full disk, a read-only directory) changes nothing and names the
 * file. The order of projen's synthesis is kept: preSynthesize, stale-file cleanup, the components,
 * projectCreation, postSynthesize, postProjectCreation.
 */
export function synthesizeRepository(project: Project): void {
  try {
    synthesizeUnderLock(project);
  } catch (caught) {
    // (an error of the recovery of an interrupted run, say: named, and what stays said)
    const e = FileSystemError.explains(caught) ? FileSystemError.of(project.outdir, caught, 'What an earlier run left stays, and the next run goes on from there') : caught;
    // `npx projen` (tsx running .projenrc.ts): a file-system cause, a busy repository or a changing
    // .projenrc.ts is told in the house form (what, which file, the fix), never as a stack trace
    if (e instanceof AdoptRolledBack && runsAsProjenrc(project.outdir)) {
      // (the recovery did what npx projen was run for: the repository is whole, and says so)
      project.logger.info(e.message);
      process.exit(0);
    }
    if (runsAsProjenrc(project.outdir) && (e instanceof FileSystemError || e instanceof RepositoryBusyError || e instanceof ProjenrcChangedError)) {
      process.stderr.write(`${e.name}: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

/** `npx projen` rolled back an adopt that a kill interrupted: nothing is left to synthesize. */
class AdoptRolledBack extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdoptRolledBack';
  }
}

/** Whether this process is `npx projen` running the repository's .projenrc.ts (not a test or a program of someone else's). */
function runsAsProjenrc(outdir: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(resolve(script)) === realpathSync(join(outdir, PROJENRC_FILE));
  } catch {
    // (gone: an adopt rolled back took it, while it ran)
    try {
      return basename(script) === PROJENRC_FILE && realpathSync(dirname(resolve(script))) === realpathSync(outdir);
    } catch {
      return false;
    }
  }
}

function synthesizeUnderLock(project: Project): void {
  const lock = RepoLock.acquire(project.outdir, 'npx projen');
  try {
    const adopting = lock.ownedHere ? adoptUnderWay(project.outdir) : undefined;
    const recovered = SynthesisTransaction.recover(project.outdir, { leftovers: lock.ownedHere });
    if (recovered) project.logger.info(recovered);
    if (adopting && !existsSync(join(project.outdir, PROJENRC_FILE))) {
      // an adopt killed before its synthesis committed, rolled back: there is no project left to synthesize
      if (adopting.madeProjenDir) lock.removeParentWhenEmpty();
      lock.release();
      throw new AdoptRolledBack(`the repository is not adopted (${PROJENRC_FILE} was the adopt's, and went with it): run npx projen-go-service adopt to adopt it.`);
    }
    // (npx projen read .projenrc.ts before it could take the lock: changed since, it is run again under it)
    const rerun = rerunIfProjenrcChanged(project.outdir, lock.env);
    if (rerun !== undefined) {
      if (rerun !== 0) {
        lock.release();
        process.exit(rerun);
      }
      return;
    }
    const tx = SynthesisTransaction.begin(project, project.outdir);
    try {
      synthesizeWith(project, tx);
    } catch (e) {
      tx.abort();
      if (FileSystemError.explains(e)) throw FileSystemError.of(project.outdir, e, 'Nothing was changed');
      throw e;
    } finally {
      SynthesisTransaction.end(project);
    }
  } finally {
    lock.release();
  }
}

/** Project.synth(), with the files staged in `tx` and moved in at once. */
function synthesizeWith(project: Project, tx: SynthesisTransaction): void {
  const init = initProjectOf(project);
  if (init?.synth === false) {
    for (const comp of project.components) comp.projectCreation(init);
    return;
  }
  // before anything reads a generated file (a FIFO there would block the read) or writes one: every
  // path inside the repository, over a file
  assertInsideRepository(project.outdir, MANIFEST, 'reads');
  const manifest = readManifest(project.outdir);
  for (const file of project.files) assertInsideRepository(project.outdir, file.path);
  for (const path of manifest) assertInsideRepository(project.outdir, path, 'removes');
  assertInsideRepository(project.outdir, 'go.mod');
  project.preSynthesize();
  for (const comp of project.components) comp.preSynthesize();
  // generated files that are no longer generated go (projen's cleanup, in the transaction)
  const generated = new Set(project.files.map((f) => f.path));
  for (const path of manifest) {
    if (!generated.has(path)) tx.remove(path);
  }
  for (const comp of project.components) {
    if (comp instanceof FileBase) stageFile(project, comp, tx, manifest);
    else comp.synthesize();
  }
  tx.commit();
  if (init) {
    for (const comp of project.components) comp.projectCreation(init);
  }
  if (!postSynthesisDisabled()) {
    for (const comp of project.components) comp.postSynthesize();
    project.postSynthesize();
    if (init) {
      for (const comp of project.components) comp.postProjectCreation(init);
    }
  }
}

/**
 * FileBase.synthesize(), staged: unchanged files are left alone (content and mode), a file of the
 * user's is moved aside.
 */
function stageFile(project: Project, file: FileBase, tx: SynthesisTransaction, manifest: string[]): void {
  const content = renderFile(file);
  const abs = join(project.outdir, file.path);
  if (content === undefined) {
    if (existsSync(abs)) tx.remove(file.path);
    return;
  }
  const mode = fileMode(file);
  let prev: string | undefined;
  let prevMode: number | undefined;
  try {
    prev = readFileSync(abs, 'utf-8');
    prevMode = permissions(abs);
  } catch {
    prev = undefined;
  }
  if (prev === content && prevMode === mode) {
    recordSynthesized(file, prev, content, false);
    return;
  }
  if (prev !== undefined && prev !== content && !manifest.includes(file.path)) {
    project.logger.warn(movedAsideMessage(file.path, tx.moveAside(file.path)));
  }
  tx.stage(file.path, content, mode);
  recordSynthesized(file, prev, content, true);
}

/** projen's list of the files the last synthesis generated. */
const MANIFEST = '.projen/files.json';

/** The files the last synthesis generated (projen's .projen/files.json). */
function readManifest(outdir: string): string[] {
  try {
    const files = JSON.parse(readFileSync(join(outdir, MANIFEST), 'utf-8')).files;
    return Array.isArray(files) ? files.filter((f: unknown): f is string => typeof f === 'string') : [];
  } catch {
    return [];
  }
}
