import type { AnalyzedPath } from './analyzer';

/** A variable that names a directory a program creates at run time (`SHIORI_DIR`), as the compiler traced it. */
export interface DataVariable {
  /** The variable's name. */
  readonly name: string;
  /**
   * Where the directory is when the variable is not set, as the analyzer evaluated it (`data`,
   * `{executable-dir}/x-data`, `$HOME/.x`); empty when unknown.
   */
  readonly fallback: string;
  /** The call that creates it and where (`os.MkdirAll at internal/cmd/root.go:87`). */
  readonly where: string;
}

/**
 * The variables whose value is a directory the program creates (an `os.Mkdir`/`MkdirAll` whose path
 * the compiler traced back to an environment variable, directly or through a struct-tag config
 * field): the program's data directory, moved by a variable.
 */
export function dataVariablesOf(writes: readonly AnalyzedPath[]): DataVariable[] {
  const out = new Map<string, DataVariable>();
  for (const w of writes) {
    if (!w.env || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(w.env) || !/\.Mkdir(All)?$/.test(w.call) || out.has(w.env)) continue;
    out.set(w.env, { name: w.env, fallback: w.path, where: `${w.call} at ${w.source}` });
  }
  return [...out.values()];
}

/** What the image sets for a program's data variables, and the data directories that come with them. */
export interface DataVariableSettings {
  /** The variables the image sets (`imageEnvironment`). */
  readonly environment: { [name: string]: string };
  /** The directories made writable (`dataDirectories`), absolute. */
  readonly directories: string[];
  /** What adopt says of each. */
  readonly facts: string[];
}

/**
 * Where each data variable points in the image. The repository's own image says it first (their
 * Dockerfile's `ENV SHIORI_DIR=/shiori`): that directory becomes a data directory, writable by the
 * image's user. Where it says nothing and the directory the program falls back to cannot be
 * written in a read-only image (beside the executable, under `$HOME`), the image sets the variable
 * to `/var/lib/<service>`. A fallback under the working directory is left to it (the working
 * directory is made writable when the program writes there), and so is one the compiler cannot
 * tell: an empty default often means "none" (no cache directory), which the image must not change.
 *
 * @param vars the program's data variables
 * @param imageEnvironment what the repository's image sets (its Dockerfile's `ENV`)
 * @param service the service's name
 */
export function dataVariableSettings(
  vars: readonly DataVariable[], imageEnvironment: { readonly [name: string]: string }, service: string,
): DataVariableSettings {
  const out: DataVariableSettings = { environment: {}, directories: [], facts: [] };
  for (const v of vars) {
    const theirs = imageEnvironment[v.name];
    if (theirs !== undefined && theirs.startsWith('/') && !/[$*?[]/.test(theirs)) {
      const dir = imageDataDirectory(theirs);
      if (!dir) continue;
      out.directories.push(dir);
      out.facts.push(`its data directory is ${v.name} (${v.where}): ${dir}, as your image set it, is a data directory (writable, a volume in compose)`);
    } else if (theirs === undefined && (v.fallback.startsWith('{executable') || v.fallback.startsWith('$HOME'))) {
      const dir = `/var/lib/${service}`;
      out.environment[v.name] = dir;
      out.directories.push(dir);
      out.facts.push(`its data directory is ${v.name} (${v.where}); unset, it would be ${v.fallback}, which a read-only image cannot write: the image sets ${v.name}=${dir}, a data directory`);
    }
  }
  return out;
}

/**
 * The data directory a value names in the image (`/shiori/` → `/shiori`), or undefined where it
 * cannot be one: not a plain path (a variable, a glob), the root, a system directory (`/tmp`,
 * `/etc`, ...), or a relative path that leaves the working directory. A relative path stays relative
 * (to the image's working directory, as dataDirectories takes it).
 */
export function imageDataDirectory(value: string): string | undefined {
  if (!value || /[$*?[{~]/.test(value)) return undefined;
  const dir = value.replace(/^(\.\/)+/, '').replace(/(.)\/+$/, '$1');
  if (dir === '/' || dir === '' || /^\/(tmp|dev|proc|sys|run|etc)(\/|$)/.test(dir)) return undefined;
  if (!dir.startsWith('/') && dir.split('/').includes('..')) return undefined;
  return dir;
}

/**
 * Whether a path a program writes is under its user's home directory (`~/.app/db`, which the
 * program expands itself, or `$HOME/.app`): no data directory of the image can name it (the
 * home of user 65532 is `/` on scratch and `/home/nonroot` on distroless, read-only under a
 * read-only root), so adopt says it instead.
 */
export function underHome(path: string): boolean {
  return path === '~' || path.startsWith('~/') || path === '$HOME' || path.startsWith('$HOME/');
}

/** What adopt says of a directory a program writes under its home. */
export function homeWriteFact(path: string, where: string): string {
  return `WARNING: it writes under its home directory (${path}, ${where}): the image's user 65532 has no writable home on a read-only root `
    + '(it is / on scratch). Point that path at a data directory: set it with its flag, variable or config file to one of dataDirectories';
}
