import { Context } from './command';
import { CliError, ExitCode } from './exit-codes';
import { FileSystemError } from '../synthesis/fs-safe';
import { RepoLock, RepositoryBusyError } from '../synthesis/repo-lock';
import { SynthesisTransaction } from '../synthesis/transaction';

/**
 * Runs a command under the repository's lock (the one `npx projen` takes too, so no two change it at
 * once), after completing a synthesis that a kill interrupted. A second command waits briefly, then
 * exits 6; a file-system error names the file and exits 5.
 */
export function withRepoLock<T>(ctx: Context, what: string, run: (lock: RepoLock) => T): T {
  let lock: RepoLock;
  try {
    lock = RepoLock.acquire(ctx.cwd, what);
  } catch (e) {
    if (e instanceof RepositoryBusyError) throw new CliError(ExitCode.BUSY, `${e.message}. Nothing was changed.`);
    throw fileSystem(ctx, e);
  }
  try {
    const recovered = SynthesisTransaction.recover(ctx.cwd, { leftovers: lock.ownedHere });
    if (recovered) ctx.io.out(recovered);
    return run(lock);
  } catch (e) {
    throw fileSystem(ctx, e);
  } finally {
    lock.release();
  }
}

/** A file-system error, in the house form (exit 5); anything else as it is. */
function fileSystem(ctx: Context, e: unknown): unknown {
  if (FileSystemError.explains(e)) return new CliError(ExitCode.UNEXPECTED, FileSystemError.of(ctx.cwd, e, 'Nothing was changed').message);
  // (a path out of the repository, a FIFO where a file belongs, a lock or journal that is not ours: already in the house form)
  if (e instanceof FileSystemError) return new CliError(ExitCode.UNEXPECTED, e.message);
  return e;
}
