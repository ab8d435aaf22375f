/**
 * The house form of a configuration error: `<service>.<option>: <what is wrong>. <how to fix it>.`
 * Project-level options are named without a service.
 */
export function problem(subject: string | undefined, option: string, what: string, fix: string): string {
  const where = subject ? `${subject}.${option}` : option;
  return `${where}: ${sentence(what)} ${sentence(fix)}`;
}

function sentence(s: string): string {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** A problem with an option, before it is known which service it belongs to. */
export interface OptionProblem {
  readonly option: string;
  readonly what: string;
  readonly fix: string;
}

/**
 * Thrown when the configuration cannot be synthesized. The message lists every problem, one per line.
 */
export class ConfigurationError extends Error {
  constructor(public readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigurationError';
  }
}

/** Throws a ConfigurationError when there is any problem. */
export function throwIfProblems(problems: string[]): void {
  if (problems.length > 0) {
    throw new ConfigurationError(problems);
  }
}
