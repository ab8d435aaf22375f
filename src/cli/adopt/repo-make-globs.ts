import { existsSync, readFileSync } from 'fs';
import { join, posix } from 'path';

/**
 * A variable of the repository's make files set from a `$(wildcard ...)` that would match a file
 * adopt generates: `DOCKERFILE_VARIANTS ?= $(wildcard Dockerfile Dockerfile.*)` (Prometheus'
 * Makefile.common) matches `Dockerfile.distroless.dockerignore`, which make then takes for a
 * Dockerfile of its own (and stops: "Duplicate variant names found").
 */
export interface MatchingGlob {
  /** The variable (`DOCKERFILE_VARIANTS`). */
  readonly variable: string;
  /** Its assignment operator: `?=` can be set before the include; `=`, `:=` cannot. */
  readonly operator: string;
  /** Its value, as written (`$(wildcard Dockerfile Dockerfile.*)`). */
  readonly value: string;
  /** Where it is set: `Makefile.common:101`. */
  readonly where: string;
  /** The generated files it would match. */
  readonly matches: string[];
}

/** `include`, `-include` and `sinclude` lines whose file names hold no variable. */
const INCLUDE = /^\s*(?:-|s)?include\s+([^$#]+?)\s*(?:#.*)?$/;
/** `NAME ?= ... $(wildcard ...) ...`, with `override`/`export` in front or not. */
const ASSIGNMENT = /^\s*(?:(?:override|export)\s+)*([A-Za-z_][A-Za-z0-9_.-]*)\s*(\?=|::=|:=|\+=|=)\s*(.*\$[({]wildcard\s.*?)\s*(?:#.*)?$/;

/**
 * The wildcard variables of `makefile` (relative to `dir`) and the makefiles it includes (their
 * includes too, relative to `dir`, where make runs), whose patterns match one of `generated`
 * (paths relative to `dir`).
 */
export function matchingGlobs(dir: string, makefile: string, generated: readonly string[]): MatchingGlob[] {
  const found: MatchingGlob[] = [];
  const seen = new Set<string>();
  const read = (file: string, depth: number) => {
    if (seen.has(file) || depth > 4 || !existsSync(join(dir, file))) return;
    seen.add(file);
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf-8');
    } catch {
      return;
    }
    const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
    for (const [i, line] of lines.entries()) {
      const inc = INCLUDE.exec(line);
      if (inc) {
        for (const f of inc[1].split(/\s+/).filter(Boolean)) read(posix.normalize(f), depth + 1);
        continue;
      }
      const a = ASSIGNMENT.exec(line);
      if (!a) continue;
      const patterns = [...a[3].matchAll(/\$[({]wildcard\s+([^)}$]*)[)}]/g)].flatMap((m) => m[1].split(/\s+/).filter(Boolean));
      const matches = generated.filter((g) => patterns.some((p) => globToRegExp(p).test(g)));
      if (matches.length) found.push({ variable: a[1], operator: a[2], value: a[3], where: `${file}:${i + 1}`, matches });
    }
  };
  read(makefile, 0);
  return found;
}

/** make's wildcard (the shell's glob) as a regular expression over a relative path. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {re += '[^/]*';} else if (c === '?') {re += '[^/]';} else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
      } else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else {re += c.replace(/[.+^${}()|\\/]/g, '\\$&');}
  }
  return new RegExp(`^(?:\\./)?${re}$`);
}

/**
 * What the generated Makefile sets before it includes the repository's makefile, so that a `?=`
 * glob no longer picks up the generated ignore files: the same value without `*.dockerignore`.
 * Variables set with `=` or `:=` cannot be set from outside: those are returned as refusals (the
 * repository's make would stop, or build a file that is no Dockerfile).
 */
export function pinnedGlobs(globs: readonly MatchingGlob[]): { variables: Array<[string, string]>; refusals: string[] } {
  const variables: Array<[string, string]> = [];
  const refusals: string[] = [];
  for (const g of globs) {
    if (g.operator === '?=' && !variables.some(([n]) => n === g.variable)) {
      variables.push([g.variable, `$(filter-out %.dockerignore,${g.value})`]);
    } else if (g.operator !== '?=') {
      refusals.push(`${g.where}: ${g.variable} ${g.operator} ${g.value} would match ${g.matches.join(', ')}, the ignore file${g.matches.length > 1 ? 's' : ''} BuildKit needs beside ${g.matches.length > 1 ? 'those Dockerfiles' : 'that Dockerfile'}, and make cannot be told otherwise from outside. Write ${g.variable} ?= $(filter-out %.dockerignore,${g.value}) there (or filter *.dockerignore out), and run adopt again`);
    }
  }
  return { variables, refusals };
}
