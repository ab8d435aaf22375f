import { cpSync, existsSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'fs';
import { dirname, isAbsolute, join, relative, resolve } from 'path';
import { faultPoint, FileSystemError, fsyncDir, makeDirs, removeEmptyTree, renameDurably, TMP_SUFFIX, writeFileAtomic, writeTmp } from './fs-safe';
import { firstMissingDir, isPathList, isPathPairList, lexists, readJournalFile } from './journal-file';
import { installRepoPackages } from './new-repo-setup';
import { assertInsideRepository } from './repo-paths';

/**
 * `adopt` as one change of the repository, journaled like a synthesis: the user's files it moves (the
 * Makefile to local.mk, the files make or Compose would read instead of the generated ones), the files
 * it writes (package.json, package-lock.json, .projenrc.ts) and the npm install (into a directory of
 * its own under .projen/, renamed in as node_modules) are recorded before any of them happens. A kill
 * at any instant is finished by the next adopt or `npx projen` under the lock: rolled back, unless the
 * synthesis had committed its files (then the adopt is complete, and only its leftovers go). Nothing is
 * copied out of the repository.
 *
 * `npx projen` finishes it too: right after the journal, .projenrc.ts and a projen task list whose
 * default task runs it (EARLY) are moved in, before anything of the user's is touched, and
 * node_modules is moved in before anything else; so from then on (with the packages installed) the
 * `npx projen` of a user who sees .projenrc.ts runs the synthesis, whose recovery completes or rolls
 * back the adopt and says which (src/synthesis/index.ts).
 */

/** Where an adopt under way is remembered (in .projen/, which git ignores). */
export const ADOPT_JOURNAL = '.projen/go-service.adopt.json';

/** adopt's own directory: the npm install (`install/`), the node_modules it replaces (`node_modules.old`). */
export const ADOPT_WORK = '.projen/go-service.adopt';

/** projen's task list and manifest, until the synthesis writes them: the default task runs .projenrc.ts, as projen's does. */
export const ADOPT_TASKS = '.projen/tasks.json';
const ADOPT_MANIFEST = '.projen/files.json';
const PROJENRC = '.projenrc.ts';

/** What adopt moves in first, in this order: what `npx projen` needs to run .projenrc.ts (besides the packages). */
const EARLY = [PROJENRC, ADOPT_MANIFEST, ADOPT_TASKS];

const ADOPT_TASKS_JSON = `${JSON.stringify({
  'tasks': {
    default: {
      name: 'default',
      description: 'Synthesize project files',
      steps: [{ execArgs: ['tsx', PROJENRC], shell: ['npx', '-y', '-p', 'tsx', '-c'] }],
    },
  },
  '//': 'Written by projen-go-service adopt until npx projen writes it: its synthesis completes the adopt.',
}, undefined, 2)}\n`;

/** (the synthesis replaces both as generated files, never moving them aside as the user's) */
const ADOPT_MANIFEST_JSON = `${JSON.stringify({ files: [ADOPT_MANIFEST, ADOPT_TASKS] }, undefined, 2)}\n`;

/** The suffix of a file's old version while adopt replaces it (a hard link). */
const OLD = '.projen-old';

const STAGED_MODULES = `${ADOPT_WORK}/install/node_modules`;
const OLD_MODULES = `${ADOPT_WORK}/node_modules.old`;

interface AdoptJournal {
  /**
   * `writing`: the new files are written beside their targets, the packages installed into ADOPT_WORK;
   * `applying`: the user's files are moved, the new ones moved in, the synthesis runs;
   * `rolling-back`: it failed, and all of it is being put back.
   */
  readonly phase: 'writing' | 'applying' | 'rolling-back';
  /** The synthesis committed its files: a kill from here on completes the adopt. */
  readonly committed?: boolean;
  /** [the user's file, where it goes], relative to the repository. */
  readonly moves: Array<[string, string]>;
  /** Files written beside their targets (`<file>.projen-tmp`) and renamed in. */
  readonly writes: string[];
  /** Of `writes`, those that existed before (kept as `<file>.projen-old` until the adopt is done). */
  readonly replaced: string[];
  /** npm install into ADOPT_WORK, renamed in as node_modules; `hadNodeModules`: the one it replaces is kept as node_modules.old. */
  readonly install?: { readonly hadNodeModules: boolean };
  /** The directories the moves make (the first missing one of each path). */
  readonly dirs: string[];
  /** Of `writes`, those moved in while writing (EARLY), before anything else. */
  readonly early?: string[];
  /** .projen/ did not exist before the adopt: a roll-back by `npx projen` removes it when empty. */
  readonly madeProjenDir?: boolean;
}

/** What the packages are installed from: package.json, and the lock file the repository has, if any. */
export interface AdoptInstall {
  /** package.json as adopt writes it. */
  readonly packageJson: string;
  /** The repository's package-lock.json, if it has one. */
  readonly packageLock?: string;
}

/** The npm install failed: nothing was changed. */
export class AdoptInstallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdoptInstallError';
  }
}

/** adopt's change of the repository: staged, applied under the journal, then finished or rolled back. */
export class AdoptTransaction {
  /**
   * Brings the repository out of an adopt that did not finish (killed): rolled back, unless its
   * synthesis had committed its files (`synthesisPhase`: what the synthesis journal said, before this
   * run finished it), when the adopt is complete. Returns what it did, for the log.
   */
  public static recover(root: string, synthesisPhase: string | undefined): string | undefined {
    assertInsideRepository(root, ADOPT_JOURNAL, 'reads');
    rmSync(join(root, `${ADOPT_JOURNAL}${TMP_SUFFIX}`), { force: true });
    if (!existsSync(join(root, ADOPT_JOURNAL))) return undefined;
    const j = readAdoptJournal(root);
    if (j.phase === 'applying' && (synthesisPhase === 'committing' || (j.committed && synthesisPhase === undefined))) {
      finish(root, j);
      return 'completed an adopt that did not finish (killed after its synthesis had written the generated files): the repository is adopted.';
    }
    if (j.phase === 'writing') {
      dropStaged(root, j);
      return 'removed what an adopt that did not finish had started to write (killed before it moved or replaced any file): the repository is as it was before it.';
    }
    rollBack(root, j);
    return 'rolled back an adopt that did not finish (killed before its synthesis was complete): every file it had moved or written is back as it was before it.';
  }

  private readonly moves: Array<[string, string]> = [];
  private readonly writes = new Map<string, string>();
  private installFrom?: AdoptInstall;
  private journal?: AdoptJournal;

  /**
   * @param root the repository
   * @param madeProjenDir .projen/ did not exist before this adopt (its lock made it): a roll-back by npx projen removes it
   */
  constructor(private readonly root: string, private readonly madeProjenDir = false) {}

  /** Moves a file of the user's (`Makefile` to `local.mk`, `compose.yaml` aside). */
  public move(from: string, to: string): void {
    this.moves.push([from, to]);
  }

  /** Writes a file (beside it first, renamed in with the rest). */
  public write(path: string, content: string): void {
    this.writes.set(path, content);
  }

  /** Installs the packages (npm install into ADOPT_WORK, renamed in as node_modules). */
  public install(from: AdoptInstall): void {
    this.installFrom = from;
  }

  /**
   * Records it all, then writes every file beside its target and installs the packages, touching
   * nothing of the repository's yet. On a failure (npm install, a full disk) what it wrote goes.
   */
  public prepare(): void {
    const root = this.root;
    if (this.writes.has(PROJENRC)) {
      // (so that npx projen runs .projenrc.ts from now on: the synthesis replaces both)
      if (!this.writes.has(ADOPT_TASKS)) this.writes.set(ADOPT_TASKS, ADOPT_TASKS_JSON);
      if (!this.writes.has(ADOPT_MANIFEST)) this.writes.set(ADOPT_MANIFEST, ADOPT_MANIFEST_JSON);
    }
    const writes = [...this.writes.keys()];
    if (this.installFrom) writes.push('package-lock.json');
    for (const p of [ADOPT_JOURNAL, ...writes]) assertInsideRepository(root, p);
    for (const [from, to] of this.moves) {
      assertInsideRepository(root, from);
      assertInsideRepository(root, to);
    }
    const dirs = [...new Set(this.moves.map(([, to]) => firstMissingDir(root, dirname(to))).filter((d): d is string => d !== undefined))].sort();
    this.journal = {
      phase: 'writing',
      moves: this.moves,
      writes: writes.sort(),
      replaced: writes.filter((w) => lexists(join(root, w))),
      install: this.installFrom ? { hadNodeModules: lexists(join(root, 'node_modules')) } : undefined,
      dirs,
      early: EARLY.filter((w) => this.writes.has(w)),
      madeProjenDir: this.madeProjenDir,
    };
    try {
      writeJournal(root, this.journal);
      // what npx projen needs first, then the rest beside the targets
      for (const w of this.journal.early!) {
        writeTmp(join(root, `${w}${TMP_SUFFIX}`), this.writes.get(w)!, 0o644);
        moveIn(root, w);
      }
      for (const [path, content] of this.writes) {
        if (!this.journal.early!.includes(path)) writeTmp(join(root, `${path}${TMP_SUFFIX}`), content, 0o644);
      }
      if (this.installFrom) this.stageInstall(this.installFrom);
    } catch (e) {
      dropStaged(root, this.journal);
      throw e;
    }
  }

  /** Moves the user's files and the new ones in (the journal says `applying` first: a kill is rolled back). */
  public apply(): void {
    const j: AdoptJournal = { ...this.journal!, phase: 'applying' };
    try {
      writeJournal(this.root, j);
    } catch (e) {
      // (a full disk: nothing was moved yet, and what was written beside the files goes)
      dropStaged(this.root, this.journal!);
      throw e;
    }
    this.journal = j;
    try {
      applyMoves(this.root, j);
    } catch (e) {
      this.rollBack();
      throw e;
    }
  }

  /** The synthesis succeeded: the old versions and the work directory go. */
  public finish(): void {
    finish(this.root, this.journal!);
  }

  /** It failed: every file is put back as it was. */
  public rollBack(): void {
    rollBack(this.root, this.journal!);
  }

  /** npm install in ADOPT_WORK/install, with the repository's package.json and lock file (and node_modules, copied). */
  private stageInstall(from: AdoptInstall): void {
    const root = this.root;
    const stage = join(root, ADOPT_WORK, 'install');
    makeDirs(stage);
    // `file:` specs are relative to the repository: relative to the staging directory there, and back in the lock file
    const specs = new Map<string, string>();
    const pkg = JSON.parse(from.packageJson);
    for (const deps of [pkg.dependencies, pkg.devDependencies, pkg.optionalDependencies]) {
      for (const [name, spec] of Object.entries(deps ?? {})) {
        if (typeof spec !== 'string' || !spec.startsWith('file:') || isAbsolute(spec.slice(5))) continue;
        const staged = `file:${relative(stage, resolve(root, spec.slice(5)))}`;
        specs.set(staged, spec);
        deps[name] = staged;
      }
    }
    writeTmp(join(stage, 'package.json'), JSON.stringify(pkg, undefined, 2), 0o644);
    if (from.packageLock !== undefined) writeTmp(join(stage, 'package-lock.json'), from.packageLock, 0o644);
    if (this.journal!.install?.hadNodeModules) {
      // (npm changes it in place: the repository's stays as it is until the new one is moved in)
      cpSync(join(root, 'node_modules'), join(stage, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    }
    faultPoint(`install ${STAGED_MODULES}`);
    try {
      installRepoPackages(stage);
    } catch (e) {
      throw new AdoptInstallError((e as Error).message.split('\n')[0]);
    }
    // the lock files name the packages as the repository's package.json does
    for (const lock of [join(stage, 'package-lock.json'), join(stage, 'node_modules', '.package-lock.json')]) {
      if (!existsSync(lock)) continue;
      let text = readFileSync(lock, 'utf-8');
      for (const [staged, spec] of specs) text = text.split(JSON.stringify(staged)).join(JSON.stringify(spec));
      writeFileAtomic(lock, text);
    }
    relinkOutward(join(stage, 'node_modules'), join(root, 'node_modules'));
    writeTmp(join(root, `package-lock.json${TMP_SUFFIX}`), readFileSync(join(stage, 'package-lock.json')), 0o644);
  }
}

/**
 * Links npm made in node_modules to what is outside it (a `file:` directory) are relative to where
 * node_modules is: made relative to `final`, where it is moved.
 */
function relinkOutward(staged: string, final: string): void {
  const visit = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() && e.name.startsWith('@')) visit(p);
      if (!e.isSymbolicLink()) continue;
      const target = resolve(dirname(p), readlinkSync(p));
      if (!relative(staged, target).startsWith('..')) continue;
      rmSync(p);
      symlinkSync(relative(dirname(join(final, relative(staged, p))), target), p);
    }
  };
  if (existsSync(staged)) visit(staged);
}

function writeJournal(root: string, j: AdoptJournal): void {
  writeFileAtomic(join(root, ADOPT_JOURNAL), `${JSON.stringify(j, undefined, 2)}\n`);
}

/**
 * Killed or failed before anything of the user's was moved: what was written beside the targets goes,
 * and so do the files moved in first (EARLY; one that replaced a file gets it back).
 */
function dropStaged(root: string, j: AdoptJournal): void {
  for (const w of j.writes) rmSync(join(root, `${w}${TMP_SUFFIX}`), { force: true });
  const replaced = new Set(j.replaced);
  for (const w of [...j.early ?? []].reverse()) {
    const t = join(root, w);
    if (lexists(join(root, `${w}${OLD}`))) {
      renameDurably(join(root, `${w}${OLD}`), t);
    } else if (!replaced.has(w) && lexists(t)) {
      faultPoint(`remove ${w}`);
      rmSync(t, { force: true });
    }
  }
  removeWork(root);
  removeJournal(root);
}

/** A file written beside its target moved in (the old version kept under a second name until the adopt is done). */
function moveIn(root: string, w: string): void {
  const tmp = join(root, `${w}${TMP_SUFFIX}`);
  if (!lexists(tmp)) return;
  if (lexists(join(root, w)) && !lexists(join(root, `${w}${OLD}`))) renameDurably(join(root, w), join(root, `${w}${OLD}`));
  renameDurably(tmp, join(root, w));
}

function removeWork(root: string): void {
  faultPoint(`remove ${ADOPT_WORK}`);
  rmSync(join(root, ADOPT_WORK), { recursive: true, force: true });
}

function removeJournal(root: string): void {
  faultPoint(`remove ${ADOPT_JOURNAL}`);
  rmSync(join(root, ADOPT_JOURNAL), { force: true });
  fsyncDir(join(root, dirname(ADOPT_JOURNAL)));
}

/**
 * Each step idempotent: a run killed while doing it does it again. The packages first and the files
 * npx projen needs (EARLY, moved in while writing already), then the other files, then the user's
 * files are moved: from the first move on, npx projen can run the synthesis that finishes the adopt.
 */
function applyMoves(root: string, j: AdoptJournal): void {
  if (j.install && lexists(join(root, STAGED_MODULES))) {
    if (j.install.hadNodeModules && lexists(join(root, 'node_modules')) && !lexists(join(root, OLD_MODULES))) {
      renameDurably(join(root, 'node_modules'), join(root, OLD_MODULES));
    }
    renameDurably(join(root, STAGED_MODULES), join(root, 'node_modules'));
  }
  const early = j.early ?? [];
  for (const w of [...early, ...j.writes.filter((x) => !early.includes(x))]) moveIn(root, w);
  for (const [from, to] of j.moves) {
    if (lexists(join(root, from)) && !lexists(join(root, to))) {
      makeDirs(dirname(join(root, to)));
      renameDurably(join(root, from), join(root, to));
    }
  }
}

/** Puts back all an adopt did, idempotently, under a `rolling-back` journal; then the journal goes. */
function rollBack(root: string, j: AdoptJournal): void {
  if (j.phase !== 'rolling-back') {
    try {
      writeJournal(root, { ...j, phase: 'rolling-back', committed: false });
    } catch {
      // (a full disk: the roll-back below runs all the same, and an `applying` journal is rolled back too)
    }
  }
  // in the reverse order of applyMoves: what npx projen needs to run the synthesis (which would finish
  // this roll-back) goes last
  for (const [from, to] of [...j.moves].reverse()) {
    if (lexists(join(root, to)) && !lexists(join(root, from))) renameDurably(join(root, to), join(root, from));
  }
  const early = j.early ?? [];
  const replaced = new Set(j.replaced);
  const putBack = (w: string) => {
    const t = join(root, w);
    const tmp = join(root, `${w}${TMP_SUFFIX}`);
    const old = join(root, `${w}${OLD}`);
    if (lexists(tmp)) {
      // not moved in
      rmSync(tmp, { force: true });
      if (lexists(old) && !lexists(t)) renameDurably(old, t);
      return;
    }
    if (lexists(old)) {
      renameDurably(old, t);
    } else if (!replaced.has(w) && lexists(t)) {
      faultPoint(`remove ${w}`);
      rmSync(t, { force: true });
    }
  };
  for (const w of j.writes.filter((x) => !early.includes(x)).reverse()) putBack(w);
  if (j.install) {
    const nm = join(root, 'node_modules');
    const old = join(root, OLD_MODULES);
    if (!lexists(join(root, STAGED_MODULES)) && lexists(nm) && (!j.install.hadNodeModules || lexists(old))) {
      faultPoint('remove node_modules');
      rmSync(nm, { recursive: true, force: true });
    }
    if (j.install.hadNodeModules && lexists(old) && !lexists(nm)) renameDurably(old, nm);
  }
  for (const w of [...early].reverse()) putBack(w);
  for (const d of [...j.dirs].reverse()) removeEmptyTree(join(root, d));
  removeWork(root);
  removeJournal(root);
}

/** The adopt is done: the old versions, the work directory and the journal go. */
function finish(root: string, j: AdoptJournal): void {
  // (a kill before every file was moved in: the synthesis committed, so the rest comes in too)
  applyMoves(root, j);
  for (const w of j.writes) rmSync(join(root, `${w}${OLD}`), { force: true });
  removeWork(root);
  removeJournal(root);
}

/**
 * Whether an adopt is under way (its journal is there) and made .projen/ (then a roll-back leaves none);
 * undefined when no adopt is.
 */
export function adoptUnderWay(root: string): { madeProjenDir: boolean } | undefined {
  if (!lexists(join(root, ADOPT_JOURNAL))) return undefined;
  try {
    return { madeProjenDir: readAdoptJournal(root).madeProjenDir === true };
  } catch {
    // (malformed: the recovery says so)
    return { madeProjenDir: false };
  }
}

/** Marks (or unmarks) the adopt under way as committed: its synthesis moved its files in. */
export function markAdoptCommitted(root: string, committed: boolean): void {
  if (!existsSync(join(root, ADOPT_JOURNAL))) return;
  let j: AdoptJournal;
  try {
    j = readAdoptJournal(root);
  } catch {
    return;
  }
  if (j.phase === 'applying' && Boolean(j.committed) !== committed) writeJournal(root, { ...j, committed });
}

/** The journal of an adopt under way, checked: every path in it inside the repository. */
function readAdoptJournal(root: string): AdoptJournal {
  const malformed = (why: string) => new FileSystemError(`${ADOPT_JOURNAL}: is not an adopt journal projen-go-service wrote (${why}), so what the adopt it would finish did is unknown. Check the repository (git status), remove ${ADOPT_JOURNAL} and ${ADOPT_WORK}, then run it again. Nothing was changed.`);
  const j = readJournalFile(root, ADOPT_JOURNAL, ['writing', 'applying', 'rolling-back'], malformed);
  if (!isPathPairList(j.moves) || !isPathList(j.writes) || !isPathList(j.replaced) || !isPathList(j.dirs)) throw malformed('its moves or writes are not lists of paths');
  if (j.early !== undefined && (!isPathList(j.early) || j.early.some((w: string) => !j.writes.includes(w)))) throw malformed('its early writes are not among its writes');
  const then = `Nothing was changed (${ADOPT_JOURNAL} names it)`;
  for (const [from, to] of j.moves) {
    assertInsideRepository(root, from, 'writes', then);
    assertInsideRepository(root, to, 'writes', then);
  }
  for (const w of j.writes) assertInsideRepository(root, w, 'writes', then);
  for (const d of j.dirs) {
    if (d.split('/').includes('..') || isAbsolute(d)) throw malformed(`the directory ${d} is outside the repository`);
  }
  return j;
}
