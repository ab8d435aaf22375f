import { existsSync, readFileSync, statSync } from 'fs';
import { join, posix } from 'path';
import * as YAML from 'yaml';
import { Instruction, parseStages, shellWords } from './dockerfile-parse';
import { CodeStyle } from '../projenrc-editor';

/**
 * What a repository's own build files say about how a service is built and run, as options of
 * GoService: the Dockerfile's `go build` line (`-tags`, `-ldflags -X`), its final stage (`COPY` of
 * repository files, `ENV`, `WORKDIR`, `CMD`/`ENTRYPOINT` arguments, `HEALTHCHECK`), and
 * `.goreleaser.yaml`'s builds (`ldflags`, `tags`).
 */
export interface BuildFileFacts {
  /** Go build tags. */
  buildTags: string[];
  /** Linker flags other than -s, -w and the version stamps (`-X main.edition=oss`). */
  ldflags: string[];
  /** The -X variables stamped with the version, the commit and the date. */
  versionVariables: { version?: string; commit?: string; date?: string };
  /** Repository path → path in the image (relative to workdir when under it). */
  files: { [path: string]: string };
  /** The run-time environment of the service (its compose service's). */
  environment: { [name: string]: string };
  /** What the image sets (the Dockerfile's `ENV`): `imageEnvironment`. */
  imageEnvironment: { [name: string]: string };
  workdir?: string;
  /** The binary's arguments (after the binary, the port's flag left out). */
  args: string[];
  /** The HEALTHCHECK: an HTTP GET of a path (on a port, when not the service's), or the binary run with arguments. */
  healthCheck?: { kind: 'http'; path: string; port?: number } | { kind: 'command'; argv: string[] };
  /** What was read and not carried over, for adopt's report. */
  skipped: string[];
}

/** What a service's port is passed with, which the facts leave to the model. */
export interface PortFacts {
  readonly portVariable?: string;
  readonly portArgument?: string;
}

/** The files adopt reads build facts from. */
export const GORELEASER_FILES = ['.goreleaser.yaml', '.goreleaser.yml'];

/** Environment variables the model sets itself (or the base image): never carried over from ENV. */
const MODEL_ENV = ['PORT', 'PATH', 'HOME', 'TZ', 'ZONEINFO', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];

/** go build flags that take a value (the others are booleans). */
const VALUE_FLAGS = new Set(['o', 'tags', 'ldflags', 'gcflags', 'asmflags', 'mod', 'p', 'pkgdir', 'buildmode', 'installsuffix', 'compiler', 'gccgoflags', 'overlay', 'pgo', 'modfile', 'toolexec', 'exec', 'C']);

const VERSION_KINDS: Array<['version' | 'commit' | 'date', RegExp]> = [
  ['version', /version|release|tag$/i],
  ['commit', /commit|revision|sha|hash/i],
  ['date', /date|time|built|timestamp/i],
];

function emptyFacts(): BuildFileFacts {
  return { buildTags: [], ldflags: [], versionVariables: {}, files: {}, environment: {}, imageEnvironment: {}, args: [], skipped: [] };
}

/**
 * The facts of the repository's Dockerfile, by the main package their `go build` builds (`.`,
 * `./cmd/api`); the final stage's facts (files, ENV, WORKDIR, arguments, HEALTHCHECK) go to the
 * package `runsPackage` (the one the Dockerfile's image runs).
 */
export function readDockerfileFacts(dir: string, runsPackage: string | undefined, port: PortFacts = {}, file = 'Dockerfile'): Map<string, BuildFileFacts> {
  const out = new Map<string, BuildFileFacts>();
  const path = join(dir, file);
  if (!existsSync(path)) return out;
  const stages = parseStages(readFileSync(path, 'utf-8'));
  const of = (pkg: string) => out.get(pkg) ?? out.set(pkg, emptyFacts()).get(pkg)!;
  const binaries: string[] = [];
  for (const ins of stages.flatMap((s) => s.instructions).filter((i) => i.keyword === 'RUN')) {
    for (const build of goBuilds(ins.json ?? shellWords(ins.args))) {
      const facts = of(build.pkg);
      if (build.output) binaries.push(posix.basename(build.output));
      addUnique(facts.buildTags, build.tags);
      if (build.ldflags !== undefined) readLdflags(build.ldflags, facts);
    }
  }
  const last = stages[stages.length - 1];
  if (last && runsPackage !== undefined) readFinalStage(dir, last.instructions, of(runsPackage), port, binaries);
  for (const [k, v] of out) if (isEmpty(v)) out.delete(k);
  return out;
}

/**
 * The name of the binary the Dockerfile's final stage runs (its ENTRYPOINT, else its CMD; behind an
 * init wrapper, the binary it starts), when that stage runs one: `prometheus` for
 * `ENTRYPOINT ["/bin/prometheus"]`. A Dockerfile that copies a binary built outside it (promu's
 * `.build/linux-amd64/prometheus`) names its main package only this way.
 */
export function dockerfileRunsBinary(dir: string, file = 'Dockerfile'): string | undefined {
  const path = join(dir, file);
  if (!existsSync(path)) return undefined;
  const stages = parseStages(readFileSync(path, 'utf-8'));
  let run: string[] | undefined;
  for (const ins of stages[stages.length - 1]?.instructions ?? []) {
    if (ins.keyword === 'ENTRYPOINT') run = commandWords(ins);
    else if (ins.keyword === 'CMD' && run === undefined) run = commandWords(ins);
  }
  if (run && /(^|\/)(tini|tini-static|dumb-init)$/.test(run[0] ?? '')) run = run.slice(run[1] === '--' ? 2 : 1);
  const bin = run?.[0];
  if (!bin || bin.includes('$') || /(^|\/)(sh|bash|ash|dash)$|\.sh$/.test(bin)) return undefined;
  return posix.basename(bin);
}

/**
 * The facts of `.goreleaser.yaml`'s builds, by main package: `ldflags` (`-X` stamps, `{{.Version}}`
 * and the like) and `tags` (also `-tags=` in `flags`).
 */
export function readGoreleaserFacts(dir: string): Map<string, BuildFileFacts> {
  const out = new Map<string, BuildFileFacts>();
  const file = GORELEASER_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!file) return out;
  let doc: any;
  try {
    doc = YAML.parse(readFileSync(file, 'utf-8'));
  } catch {
    return out;
  }
  const builds: any[] = Array.isArray(doc?.builds) ? doc.builds : doc?.builds ? [doc.builds] : [];
  for (const b of builds) {
    if (typeof b !== 'object' || b === null) continue;
    const main = typeof b.main === 'string' ? b.main : '.';
    const pkg = packageOf(posix.join(typeof b.dir === 'string' ? b.dir : '.', main.replace(/\/[^/]+\.go$/, '')));
    const facts = out.get(pkg) ?? out.set(pkg, emptyFacts()).get(pkg)!;
    const ldflags = Array.isArray(b.ldflags) ? b.ldflags : typeof b.ldflags === 'string' ? [b.ldflags] : [];
    for (const l of ldflags.filter((x: unknown) => typeof x === 'string')) readLdflags(l, facts);
    addUnique(facts.buildTags, (Array.isArray(b.tags) ? b.tags : []).filter((t: unknown) => typeof t === 'string'));
    for (const f of (Array.isArray(b.flags) ? b.flags : []).filter((x: unknown) => typeof x === 'string')) {
      const m = /^--?tags=(.+)$/.exec(f);
      if (m) addUnique(facts.buildTags, m[1].split(/[,\s]+/).filter(Boolean));
    }
  }
  for (const [k, v] of out) if (isEmpty(v)) out.delete(k);
  return out;
}

/** Prometheus' build tool's file: its `build.ldflags` stamp every binary it lists. */
export const PROMU_FILE = '.promu.yml';

/**
 * The facts of `.promu.yml` (promu, the Prometheus projects' build tool), by main package: the `-X`
 * stamps and literals of `build.ldflags` for each of `build.binaries` (`path`, `.` by default).
 * Its `tags` (`all`, `linux`) are not taken, and adopt says so: Prometheus' `builtinassets` embeds a
 * web UI that its npm build (make assets) writes first, so the image build would fail on a clone.
 */
export function readPromuFacts(dir: string): Map<string, BuildFileFacts> {
  const out = new Map<string, BuildFileFacts>();
  const file = join(dir, PROMU_FILE);
  if (!existsSync(file)) return out;
  let doc: any;
  try {
    doc = YAML.parse(readFileSync(file, 'utf-8'));
  } catch {
    return out;
  }
  const build = doc?.build;
  if (typeof build !== 'object' || build === null || typeof build.ldflags !== 'string') return out;
  const binaries: any[] = Array.isArray(build.binaries) && build.binaries.length ? build.binaries : [{}];
  for (const b of binaries) {
    const pkg = packageOf(typeof b?.path === 'string' ? b.path : '.');
    const facts = out.get(pkg) ?? out.set(pkg, emptyFacts()).get(pkg)!;
    // a template is one word: {{date "20060102-15:04:05"}}
    readLdflags(build.ldflags.replace(/\{\{[^}]*\}\}/g, (t: string) => t.replace(/\s+/g, '_').replace(/["']/g, '')), facts);
    const tags = [build.tags?.all, build.tags?.linux].flatMap((t) => (Array.isArray(t) ? t : [])).filter((t, i, a): t is string => typeof t === 'string' && a.indexOf(t) === i);
    if (tags.length) facts.skipped.push(`build tags ${tags.join(', ')} (a tag may need files built outside Go first, such as an embedded web UI: add them to buildTags once the build has them)`);
  }
  for (const [k, v] of out) if (isEmpty(v)) out.delete(k);
  return out;
}

/** `./cmd/api` from `cmd/api/`, `./cmd/api`; `.` from `./`, `.`. */
function packageOf(p: string): string {
  const n = posix.normalize(p).replace(/\/+$/, '');
  return n === '.' || n === '' ? '.' : `./${n.replace(/^\.\//, '')}`;
}

/** The `go build` commands of a RUN line's words: their package, tags and ldflags. */
function goBuilds(words: string[]): Array<{ pkg: string; tags: string[]; ldflags?: string; output?: string }> {
  const found: Array<{ pkg: string; tags: string[]; ldflags?: string; output?: string }> = [];
  // a JSON-form RUN is one command; a shell-form one may chain several
  const commands: string[][] = [[]];
  for (const w of words) {
    if (['&&', '||', ';', '|', '&'].includes(w)) commands.push([]);
    else commands[commands.length - 1].push(w);
  }
  for (const cmd of commands) {
    const at = cmd.findIndex((w, i) => /(^|\/)go$/.test(w) && cmd[i + 1] === 'build');
    if (at < 0) continue;
    const tags: string[] = [];
    let ldflags: string | undefined;
    let output: string | undefined;
    const positional: string[] = [];
    for (let i = at + 2; i < cmd.length; i++) {
      const w = cmd[i];
      const flag = /^--?([A-Za-z]+)(?:=(.*))?$/s.exec(w);
      if (!flag) {
        positional.push(w);
        continue;
      }
      const [, name, inline] = flag;
      const value = inline ?? (VALUE_FLAGS.has(name) ? cmd[++i] : undefined);
      if (name === 'tags' && value !== undefined) tags.push(...value.split(/[,\s]+/).filter(Boolean));
      if (name === 'ldflags' && value !== undefined) ldflags = ldflags === undefined ? value : `${ldflags} ${value}`;
      if (name === 'o' && value !== undefined && !value.endsWith('/')) output = value;
    }
    const pkg = positional.reverse().find((p) => p === '.' || p.startsWith('./') || p.startsWith('cmd/'));
    found.push({ pkg: pkg ? packageOf(pkg) : '.', tags, ldflags, output });
  }
  return found;
}

/** Reads `-X name=value` stamps and other linker flags into the facts. */
function readLdflags(value: string, facts: BuildFileFacts): void {
  const words = shellWords(value);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '-s' || w === '-w') continue;
    const x = w === '-X' ? words[++i] : /^-X=(.+)$/.exec(w)?.[1];
    if (x === undefined) {
      facts.skipped.push(`ldflags ${w}`);
      continue;
    }
    const eq = x.indexOf('=');
    if (eq < 0) continue;
    const name = x.slice(0, eq);
    const v = x.slice(eq + 1);
    const stamp = /[$]|\{\{/.test(v);
    const kind = VERSION_KINDS.find(([, re]) => re.test(name.split('.').pop() ?? ''))?.[0];
    if (stamp && kind) {
      facts.versionVariables[kind] ??= name;
    } else if (!stamp && /^[A-Za-z0-9_./-]+=[A-Za-z0-9_.,:@+/-]*$/.test(x)) {
      addUnique(facts.ldflags, [`-X ${x}`]);
    } else {
      facts.skipped.push(`-X ${x}`);
    }
  }
}

/** The final stage: what the image carries and how it runs the binary. */
function readFinalStage(dir: string, instructions: Instruction[], facts: BuildFileFacts, port: PortFacts, binaries: string[]): void {
  let workdir: string | undefined;
  let entrypoint: string[] | undefined;
  let cmd: string[] | undefined;
  let healthCheck: Instruction | undefined;
  const copies: Array<{ sources: string[]; dest: string; workdir?: string }> = [];
  for (const ins of instructions) {
    switch (ins.keyword) {
      case 'WORKDIR': {
        const w = shellWords(ins.args)[0];
        if (w && !w.includes('$')) workdir = w.startsWith('/') ? posix.normalize(w) : posix.join(workdir ?? '/', w);
        break;
      }
      case 'ENV':
        readEnv(ins.args, facts, port);
        break;
      case 'COPY':
      case 'ADD': {
        const words = ins.json ?? shellWords(ins.args);
        const plain = words.filter((w) => !w.startsWith('--'));
        if (words.some((w) => w.startsWith('--from'))) {
          // the binary, copied from the build stage, perhaps under another name
          const dest = plain[plain.length - 1];
          if (plain.length === 2 && binaries.includes(posix.basename(plain[0])) && dest && !dest.endsWith('/')) binaries.push(posix.basename(dest));
          break;
        }
        if (plain.length >= 2) copies.push({ sources: plain.slice(0, -1), dest: plain[plain.length - 1], workdir });
        break;
      }
      case 'ENTRYPOINT':
        entrypoint = commandWords(ins);
        cmd = undefined;
        break;
      case 'CMD':
        cmd = commandWords(ins);
        break;
      case 'HEALTHCHECK':
        healthCheck = ins;
        break;
      default:
    }
  }
  facts.workdir = workdir;
  if (healthCheck) readHealthCheck(healthCheck, facts, (entrypoint ?? cmd)?.[0]);
  for (const c of copies) {
    for (const src of c.sources) {
      const rel = posix.normalize(src).replace(/\/+$/, '');
      if (rel === '.' || rel.startsWith('..') || rel.startsWith('/') || /[*?[$]|^https?:/.test(rel) || !existsSync(join(dir, rel))) {
        facts.skipped.push(`COPY ${src}`);
        continue;
      }
      // a directory's content goes into the destination; a file goes into it when it is a directory
      const isDir = statSync(join(dir, rel)).isDirectory();
      const into = !isDir && (c.dest.endsWith('/') || c.sources.length > 1) ? posix.join(c.dest, posix.basename(rel)) : c.dest;
      const abs = (into.startsWith('/') ? posix.normalize(into) : posix.join(c.workdir ?? '/', into)).replace(/(.)\/+$/, '$1');
      // a directory merged into the image's root (`COPY docker/common/ /`): the image's own files are
      // there (the binary, the CA bundle, /etc/passwd), so it cannot be carried over as one of `files`
      if (abs === '/') {
        facts.skipped.push(`COPY ${src} / (into the image's root)`);
        continue;
      }
      facts.files[rel] = workdir && abs.startsWith(`${workdir}/`) ? abs.slice(workdir.length + 1) : abs;
    }
  }
  let run = entrypoint ? [...entrypoint, ...(cmd ?? [])] : cmd;
  // an init wrapper runs the binary: `tini --`, `dumb-init`
  if (run && /(^|\/)(tini|tini-static|dumb-init)$/.test(run[0])) run = run.slice(run[1] === '--' ? 2 : 1);
  if (run && run.length > 0) {
    const other = binaries.length > 0 && !binaries.includes(posix.basename(run[0]));
    if (other || /(^|\/)(sh|bash|ash|dash)$|\.sh$/.test(run[0]) || run.some((w) => ['&&', '||', ';', '|'].includes(w))) {
      facts.skipped.push(`CMD ${run.join(' ')}`);
    } else {
      facts.args = withoutPortArgument(run.slice(1), port.portArgument);
    }
  }
}

/** The words of an ENTRYPOINT or CMD: the JSON form's, or the shell form's. */
function commandWords(ins: Instruction): string[] {
  return ins.json ?? shellWords(ins.args);
}

/** `ENV A=b C="d e"`, and the legacy `ENV A b c`. */
function readEnv(args: string, facts: BuildFileFacts, port: PortFacts): void {
  const words = shellWords(args);
  const pairs: Array<[string, string]> = words.length > 0 && !words[0].includes('=')
    ? [[words[0], words.slice(1).join(' ')]]
    : words.map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] as [string, string]);
  for (const [name, value] of pairs) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || MODEL_ENV.includes(name) || name === port.portVariable) continue;
    if (value.includes('$')) {
      facts.skipped.push(`ENV ${name}`);
      continue;
    }
    facts.imageEnvironment[name] = value;
  }
}

/** The arguments, without the flag that passes the port (portArgument passes it). */
function withoutPortArgument(args: string[], portArgument: string | undefined): string[] {
  const flag = portArgument ? /^(-{1,2}[\w-]+)/.exec(portArgument)?.[1] : undefined;
  if (!flag) return args;
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === flag) i++;
    else if (!args[i].startsWith(`${flag}=`)) out.push(args[i]);
  }
  return out;
}

/** `HEALTHCHECK CMD curl -f http://localhost:8080/healthz`, or the binary run with arguments. */
function readHealthCheck(ins: Instruction, facts: BuildFileFacts, bin: string | undefined): void {
  const m = /^(?:--\S+\s+)*(CMD|NONE)\b\s*(.*)$/is.exec(ins.args);
  if (!m || m[1].toUpperCase() === 'NONE') return;
  const rest = m[2].trim();
  let words: string[] = shellWords(rest);
  try {
    if (rest.startsWith('[')) words = JSON.parse(rest);
  } catch {
    // shell form after all
  }
  if (words[0] === 'CMD-SHELL' || words[0] === 'CMD') words = words[0] === 'CMD-SHELL' ? shellWords(words.slice(1).join(' ')) : words.slice(1);
  const tool = words.findIndex((w) => /(^|\/)(curl|wget)$/.test(w));
  const url = words.slice(Math.max(tool, 0)).map((w) => /^https?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(\d+))?(\/[^\s'"]*)?$/.exec(w)).find((x) => x);
  if (tool >= 0 && url) {
    facts.healthCheck = { kind: 'http', path: url[2] ?? '/', port: url[1] ? Number(url[1]) : undefined };
    return;
  }
  if (bin && words.length > 1 && posix.basename(words[0]) === posix.basename(bin) && !words.some((w) => ['&&', '||', ';', '|'].includes(w))) {
    facts.healthCheck = { kind: 'command', argv: words.slice(1) };
    return;
  }
  facts.skipped.push(`HEALTHCHECK ${rest}`);
}

function addUnique(into: string[], values: string[]): void {
  for (const v of values) if (!into.includes(v)) into.push(v);
}

function isEmpty(f: BuildFileFacts): boolean {
  return f.buildTags.length === 0 && f.ldflags.length === 0 && Object.keys(f.versionVariables).length === 0 && Object.keys(f.files).length === 0
    && Object.keys(f.environment).length === 0 && Object.keys(f.imageEnvironment).length === 0
    && f.workdir === undefined && f.args.length === 0 && f.healthCheck === undefined
    && f.skipped.length === 0;
}

/** Two sets of facts as one: `over`'s win where both say something. */
export function mergeFacts(base: BuildFileFacts | undefined, over: BuildFileFacts | undefined): BuildFileFacts | undefined {
  if (!base || !over) return over ?? base;
  const tags = [...base.buildTags];
  addUnique(tags, over.buildTags);
  const ld = [...base.ldflags];
  addUnique(ld, over.ldflags);
  return {
    buildTags: tags,
    ldflags: ld,
    versionVariables: { ...base.versionVariables, ...over.versionVariables },
    files: { ...base.files, ...over.files },
    environment: { ...base.environment, ...over.environment },
    imageEnvironment: { ...base.imageEnvironment, ...over.imageEnvironment },
    workdir: over.workdir ?? base.workdir,
    args: over.args.length ? over.args : base.args,
    healthCheck: over.healthCheck ?? base.healthCheck,
    skipped: [...base.skipped, ...over.skipped],
  };
}

/**
 * A service's options (as code) with the build files' facts carried over: theirs win, except that
 * the files the code reads at run time (`runtimeFiles`, relative to the working directory) are kept
 * beside theirs, and the version variables found in the code are kept where they say nothing.
 * Returns the options and the words adopt reports (`buildTags netgo`, `workdir /srv`).
 */
export function withBuildFacts(s: CodeStyle, options: Array<[string, string]>, facts: BuildFileFacts | undefined, code: {
  readonly runtimeFiles: readonly string[];
  readonly versionVariables: { version?: string; commit?: string; date?: string };
  readonly server: boolean;
  readonly port?: number;
  readonly workdir: string;
  /** Variables the image needs to set for the code (its listen host, its data directory), kept beside the build files' ENV. */
  readonly imageEnvironment?: { [name: string]: string };
  /** The subcommand that starts the server (`server`), which their CMD may repeat. */
  readonly subcommand?: readonly string[];
  /** The variable that carries the port, set from `port` (never carried as environment). */
  readonly portVariable?: string;
}): { options: Array<[string, string]>; carried: string[] } {
  if (!facts) return { options, carried: [] };
  const set = new Map(options);
  const order = options.map(([k]) => k);
  const put = (k: string, v: string) => {
    if (!set.has(k)) order.push(k);
    set.set(k, v);
  };
  const carried: string[] = [];
  const str = (v: string) => s.str(v);
  const obj = (o: { [k: string]: string }, quoteKeys = false) => `{ ${Object.entries(o).map(([k, v]) => `${!quoteKeys && /^[A-Za-z_$][\w$]*$/.test(k) ? k : str(k)}: ${str(v)}`).join(', ')} }`;
  if (facts.buildTags.length) {
    put('buildTags', `[${facts.buildTags.map(str).join(', ')}]`);
    carried.push(`buildTags ${facts.buildTags.join(' ')}`);
  }
  if (facts.ldflags.length) {
    put('ldflags', `[${facts.ldflags.map(str).join(', ')}]`);
    carried.push(`ldflags ${facts.ldflags.join(' ')}`);
  }
  if (Object.keys(facts.versionVariables).length) {
    const vv: { [k: string]: string | undefined } = { ...code.versionVariables, ...facts.versionVariables };
    put('versionVariables', `{ ${(['version', 'commit', 'date'] as const).filter((k) => vv[k]).map((k) => `${k}: ${str(vv[k]!)}`).join(', ')} }`);
    carried.push(`versionVariables ${(['version', 'commit', 'date'] as const).filter((k) => facts.versionVariables[k]).map((k) => `${k}=${facts.versionVariables[k]}`).join(' ')}`);
  }
  const workdir = facts.workdir ?? (code.runtimeFiles.length || Object.values(facts.files).some((d) => !d.startsWith('/')) ? code.workdir : undefined);
  if (facts.workdir) carried.push(`workdir ${facts.workdir}`);
  if (workdir) put('workdir', str(workdir));
  if (Object.keys(facts.files).length) {
    const files: { [k: string]: string } = Object.fromEntries(code.runtimeFiles.map((f) => [f, f]));
    Object.assign(files, facts.files);
    put('files', obj(files, true));
    carried.push(`files ${Object.keys(facts.files).join(' ')}`);
  }
  // their image's ENV stays the image's; their compose environment is the service's, less what the image sets the same
  const imageEnvironment = { ...code.imageEnvironment, ...facts.imageEnvironment };
  if (Object.keys(facts.imageEnvironment).length) {
    put('imageEnvironment', obj(imageEnvironment));
    carried.push(`imageEnvironment ${Object.keys(facts.imageEnvironment).join(' ')}`);
  }
  const environment = Object.fromEntries(Object.entries(facts.environment).filter(([k, v]) => imageEnvironment[k] !== v && k !== code.portVariable));
  if (Object.keys(environment).length) {
    put('environment', obj(environment));
    carried.push(`environment ${Object.keys(environment).join(' ')}`);
  }
  // their CMD's arguments, without the subcommand the analyzer found (subcommand passes it): `server` once
  const sub = code.subcommand ?? [];
  const args = sub.length && sub.every((w, i) => facts.args[i] === w) ? facts.args.slice(sub.length) : facts.args;
  if (args.length) {
    put('args', `[${args.map(str).join(', ')}]`);
    carried.push(`args ${args.join(' ')}`);
  } else if (facts.args.length) {
    carried.push(`the subcommand ${sub.join(' ')} (as subcommand)`);
  }
  const h = facts.healthCheck;
  if (h && code.server) {
    if (h.kind === 'http') {
      const port = h.port !== undefined && h.port !== code.port ? `, port: ${h.port}` : '';
      put('healthCheck', `${s.ref('HealthCheck')}.http({ path: ${str(h.path)}${port} })`);
      carried.push(`healthCheck http ${h.path}`);
    } else {
      put('healthCheck', `${s.ref('HealthCheck')}.command([${h.argv.map(str).join(', ')}])`);
      carried.push(`healthCheck ${h.argv.join(' ')}`);
    }
  }
  return { options: order.map((k) => [k, set.get(k)!]), carried };
}
