import { createHash } from 'crypto';
import { existsSync, linkSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync } from 'fs';
import { dirname, isAbsolute, join, relative } from 'path';
import type { IConstruct } from 'constructs';
import { ADOPT_JOURNAL, AdoptTransaction, markAdoptCommitted } from './adopt-transaction';
import { faultPoint, FileSystemError, fsyncDir, removeEmptyTree, renameDurably, TMP_SUFFIX, writeFileAtomic, writeTmp } from './fs-safe';
import { firstMissingDir, isPathList, isPathPairList, lexists, readJournalFile } from './journal-file';
import { asidePath } from './moved-aside';
import { BACKUP_SUFFIX, EDIT_RECORD, markEditCommitted, PROJENRC_FILE, recoverEdit } from './projenrc-guard';
import { assertInsideRepository } from './repo-paths';
import { SCRATCH_DIR, sweepScratch } from '../go/scratch';

/** Where an interrupted synthesis is remembered (ignored by git). */
export const JOURNAL = '.projen/go-service.journal.json';

/**
 * Files a killed run may leave that no journal names: a command's .projenrc.ts beside its target or
 * kept aside, and the files of versions before the journal. Removed only by the run that holds the
 * lock itself (a command's own synthesis must not remove its parent's backup).
 */
const LEFTOVERS = ['.projenrc.ts.projen-tmp', 'go.mod.projen-tmp', '.projen/go-service.state.json.tmp', `${EDIT_RECORD}${TMP_SUFFIX}`];

/**
 * The suffix of a file's old version while the commit moves the new one in (a hard link: no space
 * needed), so that a failed commit can put every file back; removed once all are in.
 */
export const OLD_SUFFIX = '.projen-old';


interface Journal {
  /**
   * `writing`: the new files are being written beside their targets; `committing`: they are being
   * moved in; `rolling-back`: a commit failed, and the files it had moved in are being put back.
   */
  readonly phase: 'writing' | 'committing' | 'rolling-back';
  /** [file beside the target, target], relative to the repository. */
  readonly renames: Array<[string, string]>;
  /** Files the synthesis removes. */
  readonly deletions: string[];
  /** [a file of the user's, where it goes]: moved aside before a generated file takes its place. */
  readonly asides: Array<[string, string]>;
  /** Directories the synthesis makes (the first missing one of each new file's path). */
  readonly dirs?: string[];
  /** The targets that existed before (and were not moved aside): put back from `<target>.projen-old` on a roll-back. */
  readonly replaced?: string[];
}

const TRANSACTIONS = new WeakMap<IConstruct, SynthesisTransaction>();

/**
 * A synthesis as one change of the repository: every file is written beside its target first
 * (nothing is touched yet, so a full disk or a permission error changes nothing), then a journal
 * records the moves, then the files are renamed in, then the journal goes. A run killed at any
 * instant leaves the old repository (with leftovers the next run removes) or a journal the next run
 * completes: the next `npx projen` always reaches exactly the new state.
 */
export class SynthesisTransaction {
  /** The transaction of the synthesis under way in a project, if one is. */
  public static of(project: IConstruct): SynthesisTransaction | undefined {
    return TRANSACTIONS.get(project);
  }

  /** Ends the transaction of a project's synthesis (committed or not). */
  public static end(project: IConstruct): void {
    TRANSACTIONS.delete(project);
  }

  /** Starts the transaction of a project's synthesis. */
  public static begin(project: IConstruct, root: string): SynthesisTransaction {
    const tx = new SynthesisTransaction(root);
    TRANSACTIONS.set(project, tx);
    return tx;
  }

  /**
   * Brings the repository out of an interrupted synthesis: completes one that was moving its files in,
   * drops the leftovers of one that was still writing them. Returns what it did, for the log.
   */
  public static recover(root: string, options: { leftovers?: boolean } = {}): string | undefined {
    assertInsideRepository(root, JOURNAL, 'reads');
    assertInsideRepository(root, `${JOURNAL}${TMP_SUFFIX}`, 'removes');
    // (what a run that did not finish left beside the files, a journal it was writing among them: removed below, and said)
    const maybeLeft = [`${JOURNAL}${TMP_SUFFIX}`, ...options.leftovers ? [...LEFTOVERS, EDIT_RECORD, `${PROJENRC_FILE}${BACKUP_SUFFIX}`, `${ADOPT_JOURNAL}${TMP_SUFFIX}`] : []];
    const left = maybeLeft.filter((f) => lexists(join(root, f)));
    rmSync(join(root, `${JOURNAL}${TMP_SUFFIX}`), { force: true });
    const notes: string[] = [];
    const journal = existsSync(join(root, JOURNAL)) ? readJournal(root) : undefined;
    const done = journal ? recoverJournal(root, journal) : undefined;
    if (done) notes.push(done);
    // (after the journal: a command killed during its synthesis gets its .projenrc.ts back, and an adopt
    // is rolled back, unless the synthesis had committed its files, which this run just completed)
    const edit = options.leftovers ? recoverEdit(root, journal?.phase === 'committing') : undefined;
    if (edit) notes.push(edit);
    const adopt = options.leftovers ? AdoptTransaction.recover(root, journal?.phase) : undefined;
    if (adopt) notes.push(adopt);
    const swept: string[] = [];
    if (options.leftovers) {
      // what a run killed before this one's journal existed (or an older version) may have left
      for (const f of LEFTOVERS) {
        assertInsideRepository(root, f, 'removes');
        rmSync(join(root, f), { force: true });
      }
      // the copies and scratch files of a killed command (in the repository, never outside it)
      assertInsideRepository(root, `${SCRATCH_DIR}/.gitignore`, 'removes');
      swept.push(...sweepScratch(root));
    }
    const removed = [...left.filter((f) => !lexists(join(root, f))), ...swept];
    if (notes.length === 0 && removed.length > 0) {
      notes.push(`removed what a run that did not finish had left (${removed.join(', ')}): it had changed nothing else`);
    }
    return notes.length > 0 ? notes.join('\n') : undefined;
  }

  private readonly staged = new Map<string, { content: string | Buffer; mode: number }>();
  private readonly deletions = new Set<string>();
  private readonly asides = new Map<string, string>();
  private readonly hooks: Array<() => void> = [];
  private written: string[] = [];
  private madeDirs: string[] = [];
  /** Once the commit is moving files in, it alone answers for the repository (abort leaves it be). */
  private settled = false;

  private constructor(private readonly root: string) {}

  /** Stages a file: written when the transaction commits. */
  public stage(path: string, content: string | Buffer, mode: number): void {
    assertInsideRepository(this.root, path);
    this.deletions.delete(path);
    this.staged.set(path, { content, mode });
  }

  /**
   * Stages a sample file (the user's once written): when it is missing, or was never completely written
   * (empty, or a beginning of the sample: a run killed while writing it). A file the user changed is
   * never touched.
   */
  public stageSample(path: string, content: string): void {
    if (this.staged.has(path)) return;
    // a link of the user's where a sample goes (README.md -> ../docs/index.md) is theirs, wherever it
    // leads and even when it dangles: never written through, never replaced
    if (isLink(join(this.root, path))) return;
    // (before reading it: a FIFO there would block the read)
    assertInsideRepository(this.root, path);
    let current: string | undefined;
    try {
      current = readFileSync(join(this.root, path), 'utf-8');
    } catch {
      current = undefined;
    }
    if (current === undefined || (current !== content && content.startsWith(current))) {
      this.stage(path, content, 0o644);
    }
  }

  /** Stages the removal of a file. */
  public remove(path: string): void {
    assertInsideRepository(this.root, path, 'removes');
    if (!this.staged.has(path)) this.deletions.add(path);
  }

  /** Moves a file of the user's aside (`.pre-projen/<file>`, numbered if taken) before a generated one replaces it; returns where it goes. */
  public moveAside(path: string): string {
    const to = asidePath(this.root, path);
    this.asides.set(path, to);
    return to;
  }

  /** The content a path will have after the commit: staged, or as it is. */
  public contentOf(path: string): string | Buffer | undefined {
    if (this.deletions.has(path)) return undefined;
    const staged = this.staged.get(path);
    if (staged) return staged.content;
    assertInsideRepository(this.root, path, 'reads');
    try {
      return readFileSync(join(this.root, path));
    } catch {
      return undefined;
    }
  }

  /** Whether anything is staged for the path. */
  public isStaged(path: string): boolean {
    return this.staged.has(path);
  }

  /** Runs `hook` right before the commit writes anything (to stage what depends on everything else). */
  public beforeCommit(hook: () => void): void {
    this.hooks.push(hook);
  }

  /** Writes everything beside its target, then moves it all in under the journal. */
  public commit(): void {
    for (const hook of this.hooks.splice(0)) hook();
    // projen's task list last: the default task it names needs the files before it (tsconfig.projen.json on a
    // first synthesis), so a kill between two renames never leaves a task list npx projen cannot run
    const tasksLast = (p: string) => (p === '.projen/tasks.json' ? 1 : 0);
    const renames = [...this.staged.keys()].sort().sort((x, y) => tasksLast(x) - tasksLast(y)).map((p): [string, string] => [`${p}${TMP_SUFFIX}`, p]);
    const deletions = [...this.deletions].filter((p) => existsSync(join(this.root, p))).sort();
    const asides = [...this.asides.entries()].sort();
    if (renames.length === 0 && deletions.length === 0 && asides.length === 0) return;
    const journalFile = join(this.root, JOURNAL);
    // checked again right before anything is written: every path inside the repository, over files only
    assertInsideRepository(this.root, JOURNAL);
    for (const [, target] of renames) assertInsideRepository(this.root, target);
    for (const path of deletions) assertInsideRepository(this.root, path, 'removes');
    for (const [, to] of asides) assertInsideRepository(this.root, to);
    // (the first missing directory of each new file, and of each file moved aside: a roll-back removes them)
    const firstMissing = [...renames.map(([tmp]) => tmp), ...asides.map(([, to]) => to)].map((p) => firstMissingDir(this.root, dirname(p)));
    const dirs = [...new Set(firstMissing.filter((d): d is string => d !== undefined))].sort();
    const replaced = renames.map(([, target]) => target).filter((t) => !this.asides.has(t) && existsSync(join(this.root, t)));
    try {
      // 1. say what is being written, so leftovers of a kill can be found; 2. write it all beside the targets
      writeFileAtomic(journalFile, journalText({ phase: 'writing', renames, deletions, asides, dirs }));
      for (const [tmp, target] of renames) {
        const { content, mode } = this.staged.get(target)!;
        const made = writeTmp(join(this.root, tmp), content, mode);
        this.written.push(tmp);
        if (made) this.madeDirs.push(made);
      }
    } catch (e) {
      this.abort();
      if (FileSystemError.explains(e)) throw FileSystemError.of(this.root, e, 'Nothing was changed');
      throw e;
    }
    // 3. from here on, the journal says how to finish: a kill is completed by the next run
    const journal: Journal = { phase: 'committing', renames, deletions, asides, dirs, replaced };
    try {
      writeFileAtomic(journalFile, journalText(journal));
    } catch (e) {
      this.abort();
      if (FileSystemError.explains(e)) throw FileSystemError.of(this.root, e, 'Nothing was changed');
      throw e;
    }
    this.settled = true;
    this.written = [];
    this.madeDirs = [];
    try {
      // (a command's edit of .projenrc.ts is now done: a kill from here on keeps it)
      markEditCommitted(this.root);
      markAdoptCommitted(this.root, true);
      applyMoves(this.root, journal);
    } catch (e) {
      // a file that cannot be replaced (immutable, say): every file already moved in is put back
      throw rollBackAfter(this.root, journal, e);
    }
    dropOldVersions(this.root, journal);
    faultPoint(`remove ${JOURNAL}`);
    rmSync(journalFile, { force: true });
    fsyncDir(dirname(journalFile));
  }

  /** Removes what was written beside the targets: the repository is as it was. */
  public abort(): void {
    // (a commit that failed while moving files in has put them back, or left its journal to finish it)
    if (this.settled) return;
    for (const tmp of this.written) rmSync(join(this.root, tmp), { force: true });
    this.written = [];
    for (const d of this.madeDirs.reverse()) removeEmptyTree(d);
    this.madeDirs = [];
    rmSync(join(this.root, JOURNAL), { force: true });
    rmSync(join(this.root, `${JOURNAL}${TMP_SUFFIX}`), { force: true });
  }
}

function journalText(j: Journal): string {
  return `${JSON.stringify(j, undefined, 2)}\n`;
}

/**
 * Moves the user's files aside, the new files in, and removes what goes: each step idempotent. A file
 * replaced or removed keeps its old version as `<file>.projen-old` (a hard link, or the file itself
 * renamed) until all are in, for a roll-back.
 */
function applyMoves(root: string, j: Journal): void {
  for (const [from, to] of j.asides) {
    if (existsSync(join(root, from)) && !existsSync(join(root, to))) {
      mkdirSync(dirname(join(root, to)), { recursive: true });
      renameDurably(join(root, from), join(root, to));
    }
  }
  for (const [tmp, target] of j.renames) {
    if (!lexists(join(root, tmp))) continue;
    if (lexists(join(root, target))) {
      const old = join(root, `${target}${OLD_SUFFIX}`);
      rmSync(old, { force: true });
      linkSync(join(root, target), old);
    }
    renameDurably(join(root, tmp), join(root, target));
  }
  for (const path of j.deletions) {
    faultPoint(`delete ${path}`);
    if (lexists(join(root, path))) renameSync(join(root, path), join(root, `${path}${OLD_SUFFIX}`));
  }
}

/** Once every file is in: the old versions go. */
function dropOldVersions(root: string, j: Journal): void {
  for (const p of [...j.renames.map(([, target]) => target), ...j.deletions]) rmSync(join(root, `${p}${OLD_SUFFIX}`), { force: true });
}

/**
 * Puts back what a commit had moved in (its journal says what), idempotently: a run killed while doing
 * it finishes it. Returns the files it put back.
 */
function rollBack(root: string, j: Journal): string[] {
  const back: string[] = [];
  const asideOf = new Map(j.asides);
  const replaced = new Set(j.replaced ?? []);
  for (const path of [...j.deletions].reverse()) {
    const old = join(root, `${path}${OLD_SUFFIX}`);
    if (lexists(old) && !lexists(join(root, path))) {
      renameDurably(old, join(root, path));
      back.push(path);
    }
  }
  for (const [tmp, target] of [...j.renames].reverse()) {
    const t = join(root, target);
    const old = join(root, `${target}${OLD_SUFFIX}`);
    if (lexists(join(root, tmp))) {
      // not moved in: the target is as it was (a link to it made for the move goes)
      rmSync(join(root, tmp), { force: true });
      rmSync(old, { force: true });
      continue;
    }
    if (lexists(old)) {
      renameDurably(old, t);
      back.push(target);
      continue;
    }
    const aside = asideOf.get(target);
    if (aside !== undefined) {
      if (lexists(join(root, aside))) {
        rmSync(t, { force: true });
        renameDurably(join(root, aside), t);
        back.push(target);
      }
      continue;
    }
    // new with this commit (or put back already): a new file goes
    if (!replaced.has(target) && lexists(t)) {
      rmSync(t, { force: true });
      back.push(target);
    }
  }
  // users' files moved aside for a generated file that never came in
  for (const [from, to] of j.asides) {
    if (lexists(join(root, to)) && !lexists(join(root, from))) renameDurably(join(root, to), join(root, from));
  }
  for (const d of [...(j.dirs ?? [])].reverse()) removeEmptyTree(join(root, d));
  return back.sort();
}

/**
 * A commit failed while moving files in (`e`): every file already moved in is put back, under a
 * `rolling-back` journal (a kill finishes it at the next run). Returns the error to throw, which says
 * exactly what happened.
 */
function rollBackAfter(root: string, j: Journal, e: unknown): unknown {
  const journalFile = join(root, JOURNAL);
  const what = (then: string): unknown => {
    if (FileSystemError.explains(e)) return FileSystemError.of(root, e, then);
    if (e instanceof Error) e.message = `${e.message} (${then})`;
    return e;
  };
  try {
    // (an adopt under way is no longer complete with this synthesis)
    markAdoptCommitted(root, false);
    writeFileAtomic(journalFile, journalText({ ...j, phase: 'rolling-back' }));
  } catch {
    // (a full disk: the roll-back below runs all the same; if it fails too, the committing journal completes it forward)
  }
  let back: string[];
  try {
    back = rollBack(root, j);
  } catch (e2) {
    const where = FileSystemError.explains(e2) ? `${relativeTo(root, e2)}: ${e2.code}` : String(e2);
    return what(`Some files were already replaced, and putting them back failed too (${where}): ${JOURNAL} remembers each one, and the next npx projen finishes the job`);
  }
  rmSync(journalFile, { force: true });
  fsyncDir(dirname(journalFile));
  return what(back.length === 0
    ? 'Nothing was changed'
    : `${back.length === 1 ? `${back[0]} was` : `${back.length} files (${back.join(', ')}) were`} already replaced and ${back.length === 1 ? 'was' : 'were'} put back, so nothing was changed`);
}

/** The path an fs error names, relative to the repository. */
function relativeTo(root: string, e: NodeJS.ErrnoException): string {
  const where = (e as { target?: string }).target ?? e.path;
  return where ? relative(root, where).replace(/\.projen-(tmp|old)$/, '') || '.' : 'the repository';
}

/** The journal of an interrupted synthesis, checked: every path in it inside the repository, over files. */
function readJournal(root: string): Journal {
  // (written beside and renamed in: a journal is whole or absent)
  const malformed = (why: string) => new FileSystemError(`${JOURNAL}: is not a journal projen-go-service wrote (${why}), so the synthesis it would finish is unknown. Check the generated files (git status, git diff), remove ${JOURNAL}, then run it again. Nothing was changed.`);
  const j = readJournalFile(root, JOURNAL, ['writing', 'committing', 'rolling-back'], malformed);
  const lists = [j.deletions, j.dirs ?? [], j.replaced ?? []];
  if (!isPathPairList(j.renames) || !isPathPairList(j.asides ?? []) || !lists.every(isPathList)) {
    throw malformed('its renames, deletions or asides are not lists of paths');
  }
  if (!(j.renames as Array<[string, string]>).every(([tmp, target]) => tmp === `${target}${TMP_SUFFIX}`)) {
    throw malformed('a rename is not from a file beside its target');
  }
  const journal: Journal = { asides: [], ...j };
  const then = `Nothing was changed (${JOURNAL} names it)`;
  for (const [, target] of journal.renames) assertInsideRepository(root, target, 'writes', then);
  for (const path of journal.deletions) assertInsideRepository(root, path, 'removes', then);
  for (const [from, to] of journal.asides) {
    assertInsideRepository(root, from, 'writes', then);
    assertInsideRepository(root, to, 'writes', then);
  }
  for (const d of journal.dirs ?? []) {
    if (d.split('/').includes('..') || isAbsolute(d)) throw malformed(`the directory ${d} is outside the repository`);
  }
  return journal;
}

/** Completes (or rolls back) what a journal says, and removes it; returns what it did, for the log. */
function recoverJournal(root: string, journal: Journal): string {
  const file = join(root, JOURNAL);
  if (journal.phase === 'writing') {
    for (const [tmp] of journal.renames) rmSync(join(root, tmp), { force: true });
    for (const d of [...(journal.dirs ?? [])].reverse()) removeEmptyTree(join(root, d));
    rmSync(file, { force: true });
    return `removed the files an interrupted synthesis had started to write (${journal.renames.length}); nothing else had changed`;
  }
  if (journal.phase === 'rolling-back') {
    const back = rollBack(root, journal);
    rmSync(file, { force: true });
    return `put back the files of a synthesis that had failed while moving them in (${back.length}): the repository is as it was before it`;
  }
  applyMoves(root, journal);
  dropOldVersions(root, journal);
  rmSync(file, { force: true });
  return `completed an interrupted synthesis (${journal.renames.length} files moved in, ${journal.deletions.length} removed)`;
}

/** sha256 of a file's content. */
export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * Writes a sample file (once; the user's afterwards) through the synthesis under way, or at once
 * (beside and renamed) when there is none.
 */
export function writeSample(project: IConstruct & { readonly outdir: string }, path: string, content: string): void {
  const tx = SynthesisTransaction.of(project);
  if (tx) {
    tx.stageSample(path, content);
  } else if (!existsSync(join(project.outdir, path)) && !isLink(join(project.outdir, path))) {
    writeFileAtomic(join(project.outdir, path), content, 0o644);
  }
}

/** Whether a path is a symbolic link (a dangling one included). */
function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Writes a file through the synthesis under way, or at once (beside and renamed) when there is none. */
export function writeGenerated(project: IConstruct & { readonly outdir: string }, path: string, content: string | Buffer, mode: number): void {
  const tx = SynthesisTransaction.of(project);
  if (tx) {
    tx.stage(path, content, mode);
  } else {
    writeFileAtomic(join(project.outdir, path), content, mode);
  }
}
