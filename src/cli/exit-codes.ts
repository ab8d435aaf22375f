/**
 * The exit codes of `projen-go-service`: one table, read by `--help` and by the errors that carry them.
 */
export const ExitCode = {
  /** The command did what was asked (or, with --dry-run, showed it). */
  OK: 0,
  /** `check`: a generated file was edited by hand or is stale. */
  DRIFT: 1,
  /** Unknown command or option, a bad value, or a request that does not fit the repository. */
  USAGE: 2,
  /** `.projenrc.ts` has a shape the command cannot edit safely: nothing was changed. */
  UNEDITABLE: 3,
  /** The synthesis (`npx projen`) failed: `.projenrc.ts` and moved files were put back. */
  SYNTHESIS: 4,
  /** Something else failed (a command it runs, such as npm install, or the file system): the message says what. */
  UNEXPECTED: 5,
  /** Another `npx projen` or projen-go-service command is changing the repository: nothing was changed. */
  BUSY: 6,
} as const;

/** What each exit code means, for `--help` and the README. */
export const EXIT_CODE_MEANINGS: ReadonlyArray<readonly [number, string]> = [
  [ExitCode.OK, 'done (with --dry-run: the plan was printed and nothing was changed)'],
  [ExitCode.DRIFT, 'check: a generated file was edited by hand or is stale (the diff is printed)'],
  [ExitCode.USAGE, 'usage error: unknown command or option, a bad value, or a request that does not fit the repository'],
  [ExitCode.UNEDITABLE, '.projenrc.ts has a shape the command cannot edit safely; the lines to add by hand are printed, nothing was changed'],
  [ExitCode.SYNTHESIS, 'npx projen failed; .projenrc.ts (and any file moved aside) was restored as it was'],
  [ExitCode.UNEXPECTED, 'something else failed (a command it runs, such as npm install, or the file system: the file is named, and nothing was changed); the message says what'],
  [ExitCode.BUSY, 'another npx projen or projen-go-service command is changing the repository (after a short wait); nothing was changed: run it again'],
];

/**
 * An error the CLI reports in the house form (`<what is wrong>. <how to fix it>.`) and exits with.
 */
export class CliError extends Error {
  constructor(public readonly exitCode: number, message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage error: exit code 2. The message is one `<what is wrong>. <how to fix it>` line; the period is added. */
export function usageError(message: string): CliError {
  return new CliError(ExitCode.USAGE, /[.!?]$/.test(message) ? message : `${message}.`);
}
