import { createHash } from 'crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'fs';
import { dirname, join } from 'path';
import type { IConstruct } from 'constructs';
import { faultPoint, FileSystemError, fsyncDir, removeEmptyTree, renameDurably, TMP_SUFFIX, writeFileAtomic, writeTmp } from './fs-safe';
import { asidePath } from './moved-aside';

/** Where an interrupted synthesis is remembered (ignored by git). */
export const JOURNAL = '.projen/go-service.journal.json';

/**
 * Files a killed run may leave that no journal names: a command's .projenrc.ts beside its target or
 * kept aside, and the files of versions before the journal. Removed only by the run that holds the
 * lock itself (a command's own synthesis must not remove its parent's backup).
 */
const LEFTOVERS = ['.projenrc.ts.projen-tmp', '.projenrc.ts.projen-orig', 'go.mod.projen-tmp', '.projen/go-service.state.json.tmp'];


interface Journal {
  /** `writing`: the new files are being written beside their targets; `committing`: they are being moved in. */
  readonly phase: 'writing' | 'committing';
  /** [file beside the target, target], relative to the repository. */
  readonly renames: Array<[string, string]>;
  /** Files the synthesis removes. */
  readonly deletions: string[];
  /** [a file of the user's, where it goes]: moved aside before a generated file takes its place. */
  readonly asides: Array<[string, string]>;
  /** Directories the synthesis makes (the first missing one of each new file's path). */
  readonly dirs?: string[];
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
    rmSync(join(root, `${JOURNAL}${TMP_SUFFIX}`), { force: true });
    if (options.leftovers) {
      // what a run killed before this one's journal existed (or an older version) may have left
      for (const f of LEFTOVERS) rmSync(join(root, f), { force: true });
    }
    const file = join(root, JOURNAL);
    if (!existsSync(file)) return undefined;
    let journal: Journal;
    try {
      journal = JSON.parse(readFileSync(file, 'utf-8'));
    } catch {
      // written beside and renamed in: a journal is whole or absent; anything else is not ours
      return undefined;
    }
    if (journal.phase === 'writing') {
      for (const [tmp] of journal.renames) rmSync(join(root, tmp), { force: true });
      for (const d of [...(journal.dirs ?? [])].reverse()) removeEmptyTree(join(root, d));
      rmSync(file, { force: true });
      return `removed the files an interrupted synthesis had started to write (${journal.renames.length}); nothing else had changed`;
    }
    applyMoves(root, journal);
    rmSync(file, { force: true });
    return `completed an interrupted synthesis (${journal.renames.length} files moved in, ${journal.deletions.length} removed)`;
  }

  private readonly staged = new Map<string, { content: string | Buffer; mode: number }>();
  private readonly deletions = new Set<string>();
  private readonly asides = new Map<string, string>();
  private readonly hooks: Array<() => void> = [];
  private written: string[] = [];
  private madeDirs: string[] = [];

  private constructor(private readonly root: string) {}

  /** Stages a file: written when the transaction commits. */
  public stage(path: string, content: string | Buffer, mode: number): void {
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
    const renames = [...this.staged.keys()].sort().map((p): [string, string] => [`${p}${TMP_SUFFIX}`, p]);
    const deletions = [...this.deletions].filter((p) => existsSync(join(this.root, p))).sort();
    const asides = [...this.asides.entries()].sort();
    if (renames.length === 0 && deletions.length === 0 && asides.length === 0) return;
    const journalFile = join(this.root, JOURNAL);
    const dirs = [...new Set(renames.map(([tmp]) => firstMissingDir(this.root, dirname(tmp))).filter((d): d is string => d !== undefined))].sort();
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
    try {
      writeFileAtomic(journalFile, journalText({ phase: 'committing', renames, deletions, asides }));
    } catch (e) {
      this.abort();
      if (FileSystemError.explains(e)) throw FileSystemError.of(this.root, e, 'Nothing was changed');
      throw e;
    }
    applyMoves(this.root, { phase: 'committing', renames, deletions, asides });
    faultPoint(`remove ${JOURNAL}`);
    rmSync(journalFile, { force: true });
    fsyncDir(dirname(journalFile));
  }

  /** Removes what was written beside the targets: the repository is as it was. */
  public abort(): void {
    for (const tmp of this.written) rmSync(join(this.root, tmp), { force: true });
    this.written = [];
    for (const d of this.madeDirs.reverse()) removeEmptyTree(d);
    this.madeDirs = [];
    rmSync(join(this.root, JOURNAL), { force: true });
    rmSync(join(this.root, `${JOURNAL}${TMP_SUFFIX}`), { force: true });
  }
}

/** The first directory of `dir` (relative to root) that does not exist yet, if any. */
function firstMissingDir(root: string, dir: string): string | undefined {
  let missing: string | undefined;
  for (let d = dir; d !== '.' && d !== '' && !existsSync(join(root, d)); d = dirname(d)) missing = d;
  return missing;
}

function journalText(j: Journal): string {
  return `${JSON.stringify(j, undefined, 2)}\n`;
}

/** Moves the user's files aside, the new files in, and removes what goes: each step idempotent. */
function applyMoves(root: string, j: Journal): void {
  for (const [from, to] of j.asides) {
    if (existsSync(join(root, from)) && !existsSync(join(root, to))) {
      mkdirSync(dirname(join(root, to)), { recursive: true });
      renameDurably(join(root, from), join(root, to));
    }
  }
  for (const [tmp, target] of j.renames) {
    if (existsSync(join(root, tmp))) renameDurably(join(root, tmp), join(root, target));
  }
  for (const path of j.deletions) {
    faultPoint(`delete ${path}`);
    rmSync(join(root, path), { force: true });
  }
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
  } else if (!existsSync(join(project.outdir, path))) {
    writeFileAtomic(join(project.outdir, path), content, 0o644);
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
