import { posix } from 'path';
import type { AnalyzedMain, AnalyzedPath } from './analyzer';
import { imageDataDirectory } from './data-variables';

/**
 * A flag whose value is a directory the program writes (`--storage.tsdb.path`, default `data/`), as
 * the compiler traced it: the arguments it runs with move its data directory.
 */
export interface DataFlag {
  /** The flag's name, without dashes (`storage.tsdb.path`). */
  readonly name: string;
  /** As the program takes it (`--storage.tsdb.path`, `-storage.path`). */
  readonly syntax: string;
  /** Its default, as the analyzer evaluated it (`data/`); empty when it has none. */
  readonly default: string;
  /** The variables that set it too (kingpin's `Envar`, urfave's `EnvVars`). */
  readonly variables: readonly string[];
  /**
   * Where the directory written is, from the flag's value: `''` the value itself, `chunks` a
   * directory under it, `..` the directory of the value (a file the flag names).
   */
  readonly under: string;
  /** The call that writes it and where (`os.MkdirAll at main.go:18`). */
  readonly where: string;
}

/**
 * The flags whose value (or a path under it) is a directory the program creates or writes a file in:
 * for each, the outermost such directory.
 */
export function dataFlagsOf(writes: readonly AnalyzedPath[], flags: AnalyzedMain['flags']): DataFlag[] {
  const out = new Map<string, DataFlag>();
  for (const w of writes) {
    if (!w.flag) continue;
    const f = flags.find((x) => x.syntax.replace(/=.*$/, '') === w.flag);
    if (!f) continue;
    const path = trimSlashes(w.path);
    const def = trimSlashes(f.default);
    // the part of the path written below the flag's value (`/stash.lock` of `data/stash.lock`)
    const rest = def === '' ? (path ? `/${path}` : '') : path === def ? '' : path.startsWith(`${def}/`) ? path.slice(def.length) : undefined;
    if (rest === undefined) continue;
    const isDir = /\.Mkdir(All)?$/.test(w.call);
    const sub = isDir ? rest : rest === '' ? '/..' : posix.dirname(rest);
    const under = sub === '/' || sub === '' || sub === '.' ? '' : sub === '/..' ? '..' : sub.replace(/^\//, '');
    const known = out.get(f.name);
    // the outermost: the directory of a file value before the value itself before a directory under it;
    // of the same directory, the call that creates it
    if (known && (rank(known.under) < rank(under) || (rank(known.under) === rank(under) && (!isDir || /\.Mkdir/.test(known.where))))) continue;
    out.set(f.name, { name: f.name, syntax: f.syntax.replace(/=.*$/, ''), default: f.default, variables: f.env ?? [], under, where: `${w.call} at ${w.source}` });
  }
  return [...out.values()];
}

function rank(under: string): number {
  return under === '..' ? 0 : under === '' ? 1 : 1 + under.split('/').length;
}

function trimSlashes(p: string): string {
  return p.replace(/^(\.\/)+/, '').replace(/(.)\/+$/, '$1');
}

/** The arguments a service runs with, and where they come from (`your Dockerfile's CMD`). */
export interface ArgumentSource {
  readonly args: readonly string[];
  readonly from: string;
}

/** The data directories the arguments and the image's environment set through data flags. */
export interface DataFlagSettings {
  /** The directories made writable (`dataDirectories`): absolute, or relative to the working directory. */
  readonly directories: string[];
  /** What adopt says of each. */
  readonly facts: string[];
}

/**
 * Where each data flag points when the service runs: the value its arguments give the flag (the
 * last one, as flag parsers take it: `--storage.tsdb.path=/prometheus` of their Dockerfile's CMD),
 * else the value the image's environment gives a variable bound to the flag. That directory (or
 * the one under it the program writes) is a data directory. A variable adopt already handles as a
 * data variable (src/go/data-variables.ts) is left to it.
 *
 * @param flags the program's data flags
 * @param sources the arguments it runs with (its subcommand, its image's CMD), in order
 * @param imageEnvironment what the image sets (their Dockerfile's `ENV`)
 * @param handledVariables the variables already made data directories
 */
export function dataFlagSettings(
  flags: readonly DataFlag[], sources: readonly ArgumentSource[],
  imageEnvironment: { readonly [name: string]: string }, handledVariables: readonly string[] = [],
): DataFlagSettings {
  const out: DataFlagSettings = { directories: [], facts: [] };
  for (const f of flags) {
    let set: { value: string; how: string } | undefined;
    for (const s of sources) {
      const given = argumentValue(s.args, f.name);
      if (given) set = { value: given.value, how: `set by ${given.words} (${s.from})` };
    }
    if (!set) {
      const v = f.variables.find((x) => imageEnvironment[x] !== undefined && !handledVariables.includes(x));
      if (v) set = { value: imageEnvironment[v], how: `set by ${v}=${imageEnvironment[v]} (your image's ENV; ${v} is a variable of the flag)` };
    }
    if (!set) continue;
    const value = set.value.replace(/(.)\/+$/, '$1');
    const dir = imageDataDirectory(f.under === '..' ? posix.dirname(value) : f.under ? `${value}/${f.under}` : value);
    if (!dir || out.directories.includes(dir)) continue;
    out.directories.push(dir);
    const def = f.default ? `, default ${f.default}` : '';
    out.facts.push(`its data directory is flag ${f.syntax} (${f.where}${def}), ${set.how}: ${dir} is a data directory (writable, a volume in compose)`);
  }
  return out;
}

/**
 * The value arguments give a flag (`--name=v`, `-name=v`, `--name v`), the last one, with the words
 * that give it; undefined when none does.
 */
function argumentValue(args: readonly string[], name: string): { value: string; words: string } | undefined {
  let out: { value: string; words: string } | undefined;
  for (let i = 0; i < args.length; i++) {
    const m = /^--?([^=\s]+)(?:=(.*))?$/s.exec(args[i]);
    if (!m || m[1] !== name) continue;
    if (m[2] !== undefined) out = { value: m[2], words: args[i] };
    else if (i + 1 < args.length && !args[i + 1].startsWith('-')) out = { value: args[i + 1], words: `${args[i]} ${args[++i]}` };
  }
  return out;
}

/**
 * The directories a service keeps once data flags moved its data. Those the defaults gave stay
 * writable (a run with other arguments writes there), except one that lies inside a new data
 * directory (writable already) or ends in the same name as one (`data` beside `--data-dir=/data`:
 * they would share a volume). Relative ones are taken from the working directory.
 */
export function withMovedData(directories: readonly string[], moved: readonly string[], workdir: string): string[] {
  const abs = (d: string) => (d.startsWith('/') ? d : posix.join(workdir, d));
  const last = (d: string) => posix.basename(abs(d));
  const gives = (d: string) => moved.some((o) => o !== d && (abs(d).startsWith(`${abs(o).replace(/\/$/, '')}/`) || last(o) === last(d)));
  return [...new Set([...directories.filter((d) => !gives(d)), ...moved])];
}
