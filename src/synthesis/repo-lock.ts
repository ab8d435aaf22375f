import { randomUUID } from 'crypto';
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';

/** Where the lock lives: a directory, made atomically by mkdir (ignored by git). */
export const LOCK_DIR = '.projen/go-service.lock';

/** How a child process learns that its parent holds the lock: `<lock dir>#<token>`. */
export const LOCK_ENV = 'PROJEN_GO_SERVICE_LOCK';

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
      if (path === lock && readOwner(lock)?.token === token) return new RepoLock(lock, token, false, false);
    }
    const waitMs = Number(process.env[WAIT_ENV] ?? DEFAULT_WAIT_SECONDS) * 1000;
    const deadline = Date.now() + waitMs;
    const token = randomUUID();
    const parent = join(lock, '..');
    // a repository without .projen/ yet gets none from the lock alone
    const madeParent = mkdirSync(parent, { recursive: true }) !== undefined;
    for (;;) {
      // the lock is the owner file, created exclusively (O_EXCL) in the lock directory
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
      }
      if (!existsSync(join(lock, 'owner.json'))) {
        try {
          writeFileSync(join(lock, 'owner.json'), JSON.stringify({ pid: process.pid, token, what, since: Date.now() } satisfies Owner), { flag: 'wx' });
          return new RepoLock(lock, token, true, madeParent);
        } catch (e) {
          // the holder released the lock (removed its directory) between our mkdir and this write: again
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
            // (a full disk, say): leave nothing behind
            rmSync(lock, { recursive: true, force: true });
            if (madeParent) rmdirQuietly(parent);
            throw e;
          }
        }
      }
      const owner = readOwner(lock);
      if (owner === undefined ? olderThan(lock, 5_000) : !alive(owner.pid)) {
        // its process ended (killed): take it over
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        const who = owner ? `${owner.what} (pid ${owner.pid}, for ${Math.round((Date.now() - owner.since) / 1000)} s)` : 'another command';
        throw new RepositoryBusyError(`${dir}: ${who} is changing this repository. Wait until it is done and run this again; if no such process runs, remove ${LOCK_DIR}`);
      }
      sleep(100);
    }
  }

  private constructor(
    private readonly path: string,
    private readonly token: string,
    private readonly owned: boolean,
    private readonly madeParent: boolean,
  ) {}

  /** Whether this process took the lock itself (rather than joining its parent's). */
  public get ownedHere(): boolean {
    return this.owned;
  }

  /** What a child process needs in its environment to act under this lock. */
  public get env(): { [name: string]: string } {
    return { [LOCK_ENV]: `${this.path}#${this.token}` };
  }

  /** Gives the lock back (a joined lock stays the parent's). */
  public release(): void {
    if (this.owned && readOwner(this.path)?.token === this.token) {
      rmSync(this.path, { recursive: true, force: true });
      if (this.madeParent) rmdirQuietly(join(this.path, '..'));
    }
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

function readOwner(lock: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(join(lock, 'owner.json'), 'utf-8'));
  } catch {
    return undefined;
  }
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
