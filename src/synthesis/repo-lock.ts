import { randomUUID } from 'crypto';
import { existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';
import { FileSystemError } from './fs-safe';
import { assertInsideRepository, specialKind } from './repo-paths';

/** Where the lock lives: a directory, made atomically by mkdir (ignored by git). */
export const LOCK_DIR = '.projen/go-service.lock';

/** How a child process learns that its parent holds the lock: `<lock dir>#<token>`. */
export const LOCK_ENV = 'PROJEN_GO_SERVICE_LOCK';

/** The file in the lock directory that names its holder. */
const OWNER = 'owner.json';

/** For the race tests: how long a taker waits between judging an owner dead and taking its file, in ms. */
const TAKEOVER_DELAY_ENV = 'PROJEN_GO_SERVICE_LOCK_TAKEOVER_DELAY_MS';

/** How long a second command waits for the first, in seconds. */
const WAIT_ENV = 'PROJEN_GO_SERVICE_LOCK_WAIT';
const DEFAULT_WAIT_SECONDS = 10;

interface Owner {
  readonly pid: number;
  readonly token: string;
  readonly what: string;
  readonly since: number;
}

/**
 * Another `npx projen` or projen-go-service command holds the repository: refused after a short
 * wait, so no two of them ever change it at once (no lost update).
 */
export class RepositoryBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RepositoryBusyError';
  }
}

/**
 * One lock per repository, for `npx projen` and every projen-go-service command. A second one waits
 * briefly, then refuses with a clear message. A lock whose process has ended (a kill) is taken over.
 * A child that the holder runs (the `npx projen` of a command) inherits it through the environment.
 */
export class RepoLock {
  /**
   * Takes the lock of the repository in `dir`, or joins the parent's.
   * @param what what takes it, for the message a second one gets (`npx projen`, `add service worker`)
   */
  public static acquire(dir: string, what: string): RepoLock {
    const lock = join(dir, LOCK_DIR);
    const inherited = process.env[LOCK_ENV];
    if (inherited) {
      const [path, token] = inherited.split('#');
      const owner = readOwner(lock);
      if (path === lock && owner !== 'malformed' && owner?.token === token) return new RepoLock(lock, token, false, false);
    }
    try {
      const { token, madeParent } = take(dir, lock, what);
      return new RepoLock(lock, token, true, madeParent);
    } catch (e) {
      // a full disk, a read-only .projen/: the house message, naming the file
      if (FileSystemError.explains(e)) throw FileSystemError.of(dir, e, 'Nothing was changed');
      throw e;
    }
  }

  /** .projen/ goes too on release when empty, as if this lock had made it (an adopt rolled back made it). */
  private removeParent = false;

  private constructor(
    private readonly path: string,
    private readonly token: string,
    private readonly owned: boolean,
    private readonly madeParent: boolean,
  ) {}

  /** On release, .projen/ is removed too when it is empty: what made it (an adopt) was rolled back. */
  public removeParentWhenEmpty(): void {
    this.removeParent = true;
  }

  /** Whether taking the lock made .projen/ (the repository had none). */
  public get madeProjenDir(): boolean {
    return this.madeParent;
  }

  /** Whether this process took the lock itself (rather than joining its parent's). */
  public get ownedHere(): boolean {
    return this.owned;
  }

  /** What a child process needs in its environment to act under this lock. */
  public get env(): { [name: string]: string } {
    return { [LOCK_ENV]: `${this.path}#${this.token}` };
  }

  /**
   * Gives the lock back (a joined lock stays the parent's): its owner file goes (from then on the lock
   * is free), then the directory if it is empty. Never a recursive removal: a taker may be writing its
   * own owner file into the directory at that instant (a removal would fail with ENOTEMPTY, or take
   * the lock it just took).
   */
  public release(): void {
    const owner = readOwner(this.path);
    if (this.owned && owner !== 'malformed' && owner?.token === this.token) {
      rmSync(join(this.path, OWNER), { force: true });
      removeLeftOwnerFiles(this.path);
      rmdirQuietly(this.path);
      if (this.madeParent || this.removeParent) rmdirQuietly(join(this.path, '..'));
    }
  }
}

/**
 * Takes the lock: the owner file is written whole beside it, then linked in (link(2) fails when the
 * name exists: one taker wins). A lock whose owner's process ended is taken over by renaming its owner
 * file to a name of the taker's own, re-reading it, and removing it only when it is the owner judged
 * dead; a fresh owner (another taker's, written meanwhile) is linked back, and no one claims the lock
 * while a takeover is under way.
 */
function take(dir: string, lock: string, what: string): { token: string; madeParent: boolean } {
  // the lock and .projen/ are inside the repository, and the lock is a directory: a file there is not ours
  assertInsideRepository(dir, `${LOCK_DIR}/${OWNER}`);
  assertLockDirectory(lock);
  const waitMs = Number(process.env[WAIT_ENV] ?? DEFAULT_WAIT_SECONDS) * 1000;
  const deadline = Date.now() + waitMs;
  const token = randomUUID();
  const parent = join(lock, '..');
  const ownerFile = join(lock, OWNER);
  // a repository without .projen/ yet gets none from the lock alone
  const madeParent = !existsSync(parent);
  if (madeParent) mkdirSync(parent, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        // the holder that made .projen/ released the lock and removed it meanwhile: again
        mkdirSync(parent, { recursive: true });
        continue;
      }
      if (code !== 'EEXIST') throw e;
      assertLockDirectory(lock);
    }
    // (in this order: no owner, then no takeover under way; see takeOver)
    if (!existsSync(ownerFile) && !takeoverUnderWay(lock)) {
      const mine = join(lock, `${OWNER}.${token}`);
      try {
        writeFileSync(mine, JSON.stringify({ pid: process.pid, token, what, since: Date.now() } satisfies Owner), { flag: 'wx' });
        try {
          linkSync(mine, ownerFile);
          return { token, madeParent };
        } finally {
          rmSync(mine, { force: true });
        }
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // the holder released the lock (removed its directory) meanwhile: again
        if (code === 'ENOENT') continue;
        if (code !== 'EEXIST') {
          // (named as the owner file, not the name it was written under)
          if (typeof e === 'object' && e !== null) (e as { target?: string }).target = ownerFile;
          // (a full disk, say): leave nothing behind but what others hold
          rmSync(mine, { force: true });
          rmdirQuietly(lock);
          if (madeParent) rmdirQuietly(parent);
          throw e;
        }
      }
    }
    const owner = readOwner(lock);
    if (owner === 'malformed') {
      throw new FileSystemError(`${LOCK_DIR}/${OWNER}: is not an owner file projen-go-service wrote (it does not name a process and a token), so who holds this repository is unknown. If no npx projen or projen-go-service command is running, remove ${LOCK_DIR}, then run it again. Nothing was changed.`);
    }
    if (owner !== undefined && !alive(owner.pid)) {
      // its process ended (killed): take it over
      takeOver(lock, owner, token);
      continue;
    }
    if (Date.now() > deadline) {
      const who = owner ? `${owner.what} (pid ${owner.pid}, for ${Math.round((Date.now() - owner.since) / 1000)} s)` : 'another command';
      throw new RepositoryBusyError(`${dir}: ${who} is changing this repository. Wait until it is done and run this again; if no such process runs, remove ${LOCK_DIR}`);
    }
    sleep(100);
  }
}

/** The lock path holds a directory (or nothing): anything else is the user's and is never removed. */
function assertLockDirectory(lock: string): void {
  let st;
  try {
    st = lstatSync(lock);
  } catch {
    return;
  }
  if (st.isDirectory()) return;
  const kind = st.isSymbolicLink() ? 'a symbolic link' : specialKind(st) ?? 'a file';
  throw new FileSystemError(`${LOCK_DIR}: is ${kind}, where projen-go-service keeps its lock (a directory it makes and removes). Move it away (projen-go-service did not make it, and does not remove it), then run it again. Nothing was changed.`);
}

/** The suffix of an owner file being taken over. */
const TAKEOVER = '.takeover';

/**
 * Removes the owner file of a lock whose process ended: renamed to a name of this taker's first (one
 * rename wins), then re-read. Only the owner judged dead is removed; another (a fresh one, written
 * since) is linked back.
 */
function takeOver(lock: string, dead: Owner, token: string): void {
  const delay = Number(process.env[TAKEOVER_DELAY_ENV] ?? 0);
  if (delay > 0) sleep(delay);
  const ownerFile = join(lock, OWNER);
  const aside = join(lock, `${OWNER}.${token}${TAKEOVER}`);
  try {
    renameSync(ownerFile, aside);
  } catch (e) {
    // taken over by someone else first
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const got = readOwnerFile(aside);
  if (got === 'malformed' || got?.token !== dead.token) putBack(aside, ownerFile);
  rmSync(aside, { force: true });
}

/** Links an owner file taken aside back (no claimant took the lock meanwhile: a takeover was under way). */
function putBack(aside: string, ownerFile: string): void {
  try {
    linkSync(aside, ownerFile);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST' && (e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/**
 * Whether another taker is taking the lock over (its owner file is aside). One left by a taker that
 * was killed is finished here: its owner linked back if alive, removed if not.
 */
function takeoverUnderWay(lock: string): boolean {
  let names: string[];
  try {
    names = readdirSync(lock);
  } catch {
    return false;
  }
  let underWay = false;
  for (const name of names.filter((n) => n.endsWith(TAKEOVER))) {
    const aside = join(lock, name);
    if (!olderThan(aside, 2_000)) {
      underWay = true;
      continue;
    }
    const owner = readOwnerFile(aside);
    if (owner !== undefined && owner !== 'malformed' && alive(owner.pid)) putBack(aside, join(lock, OWNER));
    rmSync(aside, { force: true });
  }
  return underWay;
}

/**
 * Removes the owner files a taker killed between writing and linking one left behind (older than a
 * taker takes; a live taker removes its own).
 */
function removeLeftOwnerFiles(lock: string): void {
  let names: string[];
  try {
    names = readdirSync(lock);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(`${OWNER}.`) && !name.endsWith(TAKEOVER) && olderThan(join(lock, name), 2_000)) rmSync(join(lock, name), { force: true });
  }
}

/** Removes a directory if it is empty (a synthesis may have written into it meanwhile). */
function rmdirQuietly(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty, or gone
  }
}

/** The owner of a lock: undefined when there is none (or it cannot be read), `malformed` when it is not ours. */
function readOwner(lock: string): Owner | 'malformed' | undefined {
  return readOwnerFile(join(lock, OWNER));
}

function readOwnerFile(file: string): Owner | 'malformed' | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf-8');
  } catch {
    return undefined;
  }
  try {
    const o = JSON.parse(text);
    if (typeof o === 'object' && o !== null && Number.isInteger(o.pid) && typeof o.token === 'string') {
      return { pid: o.pid, token: o.token, what: typeof o.what === 'string' ? o.what : 'another command', since: Number(o.since) || Date.now() };
    }
  } catch {
    // below
  }
  return 'malformed';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock directory whose owner file was never written (killed between mkdir and write): stale after a while. */
function olderThan(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > ms;
  } catch {
    return false;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
