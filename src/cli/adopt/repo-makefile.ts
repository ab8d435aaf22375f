import { spawnSync } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { generatedMakeTargetNames } from '../../model/names';

/** The makefiles GNU make looks for, in the order it reads the first it finds. */
export const MAKEFILE_NAMES = ['GNUmakefile', 'makefile', 'Makefile'] as const;

/** Where a repository's own makefile goes, the first free one: the generated Makefile includes it. */
export const OWN_MAKEFILES = ['local.mk', 'project.mk', 'local.pre-projen.mk'];

/** How adopt renames a generated target that has a namesake among the user's targets: `build` → `go-build`. */
export const RENAME_PREFIXES = ['go-', 'generated-'];

/** The repository's own makefile, as make reads it, and what adopt does with it. */
export interface RepoMakefile {
  /** The makefile make reads today: GNUmakefile, else makefile, else Makefile. */
  readonly file: string;
  /** Where it goes (local.mk), which the generated Makefile includes. */
  readonly to: string;
  /**
   * The other makefiles of the repository that make would read instead of the generated Makefile
   * (GNUmakefile and makefile win over Makefile): moved aside. (A second Makefile is replaced, so
   * moved aside like any replaced file.)
   */
  readonly shadowing: string[];
  /** Its targets, as make itself reads them (its includes too). */
  readonly targets: string[];
  /** How they were read: `make` or, without make, the rule lines of the file. */
  readonly readBy: 'make' | 'rule lines';
  /**
   * The variables it sets (its includes too), as make's database says (origin makefile); undefined
   * without make (never guessed from its text).
   */
  readonly variables?: string[];
}

/** Why a repository's makefile cannot be moved (every name it could take exists). */
export class MakefileError extends Error {}

/**
 * The makefile make reads in `dir`, if any: the first of GNUmakefile, makefile and Makefile (names
 * compared exactly, on case-insensitive file systems too), where it goes, and its targets.
 */
export function readRepoMakefile(dir: string): RepoMakefile | undefined {
  const names = new Set(readdirSync(dir));
  const present = MAKEFILE_NAMES.filter((n) => names.has(n));
  if (present.length === 0) return undefined;
  const file = present[0];
  const to = OWN_MAKEFILES.find((f) => !names.has(f));
  if (!to) {
    throw new MakefileError(`adopt: your ${file} would become one of ${OWN_MAKEFILES.join(', ')}, and they all exist. Move one away and run adopt again`);
  }
  const read = makeTargets(dir, file);
  return { file, to, shadowing: present.slice(1).filter((n) => n !== 'Makefile'), targets: read.targets, readBy: read.by, variables: read.variables };
}

/**
 * The targets of a makefile as make reads it: its database (`make -pRrq -f <file> :`, nothing run),
 * without special targets (`.PHONY`), pattern rules, and files that are only prerequisites. Without
 * make, the targets of its rule lines.
 */
export function makeTargets(dir: string, file: string): { targets: string[]; by: 'make' | 'rule lines'; variables?: string[] } {
  const r = spawnSync('make', ['-pRrq', '-f', file, ':'], { cwd: dir, encoding: 'utf-8', timeout: 20_000, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  if (r.error || typeof r.stdout !== 'string' || !r.stdout.includes('# Files')) {
    return { targets: ruleLineTargets(readFileSync(join(dir, file), 'utf-8')), by: 'rule lines' };
  }
  return { targets: databaseTargets(r.stdout), by: 'make', variables: databaseVariables(r.stdout) };
}

/** Variables make itself sets or reads for its own use, whatever a makefile does with them. */
const MAKE_OWN_VARIABLES = new Set(['SHELL', 'MAKESHELL', 'MAKEFILE_LIST', 'MAKEFILES', 'MAKEFLAGS', 'MFLAGS', 'MAKEOVERRIDES', 'MAKECMDGOALS', 'MAKE_RESTARTS', 'CURDIR', 'VPATH', 'GPATH', 'SUFFIXES']);

/**
 * The variables the makefiles set, from the `# Variables` section of make's database: each whose
 * origin is `# makefile (from '<file>', line <n>)`, `define`d ones too. make's own variables
 * (MAKEFILE_LIST, SHELL, .DEFAULT_GOAL, ...) are left out, as are the environment's and make's defaults.
 */
export function databaseVariables(database: string): string[] {
  const start = database.indexOf('\n# Variables\n');
  if (start < 0) return [];
  const ends = ['\n# Pattern-specific Variable Values', '\n# Directories', '\n# Files'].map((h) => database.indexOf(h, start)).filter((i) => i > 0);
  const lines = database.slice(start, ends.length ? Math.min(...ends) : undefined).split('\n');
  const names = new Set<string>();
  for (const [i, line] of lines.entries()) {
    if (!/^# makefile \(from '.*', line \d+\)$/.test(line)) continue;
    const next = lines[i + 1] ?? '';
    const m = /^define (\S+)$/.exec(next) ?? /^(\S+?) (?::|::|\?|\+|!)?= /.exec(`${next} `);
    const name = m?.[1];
    if (name && !name.startsWith('.') && !MAKE_OWN_VARIABLES.has(name)) names.add(name);
  }
  return [...names].sort();
}

/** The targets in the `# Files` section of make's database. */
export function databaseTargets(database: string): string[] {
  const start = database.indexOf('\n# Files\n');
  const end = database.indexOf('\n# Finished Make data base', start);
  const section = database.slice(start, end < 0 ? undefined : end);
  const targets = new Set<string>();
  for (const entry of section.split(/\n\n+/)) {
    const lines = entry.split('\n').filter((l) => l !== '');
    if (lines[0] === '# Not a target:') continue;
    const rule = lines.find((l) => !l.startsWith('#') && !l.startsWith('\t'));
    const m = rule && /^([^:#=\s][^:=]*?):{1,2}(?!=)/.exec(rule);
    if (!m) continue;
    for (const t of m[1].split(/\s+/)) {
      if (t && !t.startsWith('.') && !t.includes('%')) targets.add(t);
    }
  }
  return [...targets].sort();
}

/** Targets of the rule lines of a makefile's text (what is left when make cannot be run). */
function ruleLineTargets(text: string): string[] {
  const targets = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_][A-Za-z0-9_./ -]*?)\s*::?(?!=)/.exec(line);
    if (m) for (const t of m[1].split(/\s+/)) if (t && !t.includes('%')) targets.add(t);
  }
  return [...targets].sort();
}

/**
 * The generated targets that have a namesake among the user's, and the name each generated one
 * takes: `go-<name>` (`generated-<name>` when that is taken too). The user's keep theirs.
 */
export function makefileRenames(userTargets: readonly string[], services: readonly string[]): Array<[string, string]> {
  const generated = generatedMakeTargetNames(services);
  const taken = new Set([...userTargets, ...generated]);
  const renames: Array<[string, string]> = [];
  for (const t of generated.filter((g) => userTargets.includes(g))) {
    const to = RENAME_PREFIXES.map((p) => `${p}${t}`).find((n) => !taken.has(n));
    if (!to) continue;
    taken.add(to);
    renames.push([t, to]);
  }
  return renames;
}
