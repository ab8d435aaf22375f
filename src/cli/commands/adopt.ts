import { spawnSync } from 'child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'fs';
import { basename, dirname, join, relative } from 'path';
import { dataFlagSettings, withMovedData } from '../../go/data-flags';
import { dataVariableSettings } from '../../go/data-variables';
import { goMinor, localGoMinor, NEWEST_KNOWN_GO_MINOR, OLDEST_BUILDER_MINOR } from '../../go/go-releases';
import { GoRepo, GoRepoError, MainPackage, readGoRepo } from '../../go/go-repo';
import { sweepScratch } from '../../go/scratch';
import { DEFAULT_PORT, SECURITY_MD } from '../../model/constants';
import { makeTargetCollision, RESERVED_SERVICE_NAMES, SERVICE_NAME } from '../../model/names';
import { ADOPT_JOURNAL, ADOPT_WORK, AdoptInstallError, AdoptTransaction } from '../../synthesis/adopt-transaction';
import { FileSystemError } from '../../synthesis/fs-safe';
import { ASIDE_DIR, asidePath, movedAsideMessage } from '../../synthesis/moved-aside';
import { INSTALLING, repoPackageJson } from '../../synthesis/new-repo-setup';
import { assertInsideRepository } from '../../synthesis/repo-paths';
import { composePort } from '../adopt/compose-port';
import { defaultMain } from '../adopt/default-main';
import { COMPOSE_FILES, ComposePlan, composeStatements, readRepoCompose } from '../adopt/repo-compose';
import { BuildFileFacts, dockerfileRunsBinary, GORELEASER_FILES, mergeFacts, PROMU_FILE, readDockerfileFacts, readGoreleaserFacts, readPromuFacts, withBuildFacts } from '../adopt/repo-dockerfile';
import { dockerfileIgnores } from '../adopt/repo-dockerignore';
import { matchingGlobs, pinnedGlobs } from '../adopt/repo-make-globs';
import { makeVariablePlan } from '../adopt/repo-make-variables';
import { MAKEFILE_NAMES, makefileRenames, MakefileError, readRepoMakefile, RepoMakefile } from '../adopt/repo-makefile';
import { Command, Context, DRY_RUN } from '../command';
import { PROJENRC } from '../edit-session';
import { CliError, ExitCode, usageError } from '../exit-codes';
import { CodeStyle, ProjenrcEditor, quote } from '../projenrc-editor';
import { withRepoLock } from '../repo-guard';
import { RUNTIMES, serviceStatement } from '../snippets';
import { changes, describeChange, snapshot, synthesize, synthesizeCopy } from '../synthesis';
import { unifiedDiff } from '../unified-diff';

/** What the synthesis needs installed. */
const NEEDED_PACKAGES = ['projen', 'projen-go-service', 'tsx'];

/** Where the generated notes go when the repository has a SECURITY.md of its own. */
const IMAGE_SECURITY_NOTES = 'docs/image-security.md';

/** The working directory of services that read files at run time. */
const WORKDIR = '/app';

/** `adopt` */
export const adopt: Command = {
  path: ['adopt'],
  args: [],
  summary: 'Make an existing Go repository a projen-go-service one: write .projenrc.ts from what is there, then npx projen.',
  details: [
    'Asks the Go toolchain (go list) for every package main of the module and what each imports, and reads',
    'their code for how each runs: a server (it listens) or a command; its port (a flag such as -listen, an',
    'environment variable such as HTTP_PORT, a literal address, else the Dockerfile\'s EXPOSE, else',
    `${DEFAULT_PORT} and up); files it reads at run time (templates, static files); cgo in its graph (then cgo: true`,
    'and a glibc runtime); version variables in a package of their own (-X). The project is named --name, else',
    'after the module path\'s last element (a /vN suffix skipped), else after the directory. Its default service',
    'is the package the existing Dockerfile builds, else a server, else the first command; the others become',
    'new GoService(project, ...). Servers get a TCP health check (adopt assumes no healthcheck mode), commands',
    'server: false. go.mod\'s language version is kept (goDirective when it is older than the builder).',
    'The repository\'s view: the Dockerfile and .goreleaser.yaml give buildTags, versionVariables and ldflags',
    '(go build -tags, -ldflags -X), and the Dockerfile\'s final stage files (COPY), environment (ENV), workdir,',
    'args (CMD/ENTRYPOINT) and an HTTP health check (HEALTHCHECK curl/wget); the compose file\'s postgres and redis',
    'become add-ons, its other services stay yours (project.compose.addService); each other Dockerfile gets a',
    '<Dockerfile>.dockerignore with your .dockerignore\'s rules (dockerfileIgnores), which BuildKit reads instead',
    'of the generated allow-list. Your files: each file a generated one replaces (Dockerfile, docker-compose.yml,',
    `.dockerignore, .gitignore, ...) is moved aside to ${ASIDE_DIR}/<file> (one folder, git-ignored); the patterns of`,
    '.gitignore and the rules of .gitattributes are carried into .projenrc.ts; the makefile make reads (GNUmakefile,',
    'makefile, else Makefile) becomes local.mk, which the generated Makefile includes: your targets keep their',
    'names and recipes, and a generated target with the name of one of yours is renamed go-<name>',
    `(makefileRenames); a SECURITY.md stays, and the generated notes go to ${IMAGE_SECURITY_NOTES}; README.md and your Go`,
    'code are not touched. Writes package.json (projen, constructs, tsx, and projen-go-service from where adopt',
    'runs, or --from) and runs npm install when they are not installed. All or nothing: when anything fails,',
    'npm install included, the repository is put back as it was.',
  ],
  options: [
    { name: 'name', kind: 'string', value: '<name>', help: 'The project name (names the default service and the image).' },
    { name: 'port', kind: 'number', value: '<n>', help: 'The port of the default service.' },
    { name: 'from', kind: 'string', value: '<spec>', help: 'Where package.json gets projen-go-service from (a version range, a tarball, a path); default: where adopt runs from.' },
    { name: 'ci', kind: 'flag', help: 'Generate the pipeline too (ci: true): the GitHub workflows and make ci, release, verify; a workflow the repository has stays.' },
    DRY_RUN,
  ],
  examples: ['npx projen-go-service adopt', 'npx projen-go-service adopt --name shop --dry-run', 'npx --package=./projen-go-service.tgz projen-go-service adopt'],
  run(ctx, { options }) {
    const dir = ctx.cwd;
    // an adopt that did not finish (killed): the lock's recovery completes it or rolls it back, and says which
    const interrupted = existsSync(join(dir, ADOPT_JOURNAL));
    if (existsSync(join(dir, PROJENRC)) && !interrupted) throw alreadyAdopted();
    if (options['dry-run'] === true) {
      if (interrupted) {
        throw usageError(`adopt: an adopt that did not finish left ${ADOPT_JOURNAL}, so what a dry run would show is unknown. Run npx projen-go-service adopt (without --dry-run): it completes that adopt or rolls it back, and says which`);
      }
      return dryRun(ctx, dir, options);
    }
    return withRepoLock(ctx, ctx.command ?? 'projen-go-service adopt', (lock) => {
      if (existsSync(join(dir, PROJENRC))) {
        if (!interrupted) throw alreadyAdopted();
        // (the recovery completed it: what the synthesis does after its commit is done again, as npx projen would)
        const result = synthesize(dir, lock.env);
        if (!result.ok) throw new CliError(result.fileSystem ? ExitCode.UNEXPECTED : ExitCode.SYNTHESIS, `${result.messages.join('\n')} (the adopt itself is complete: fix this, then run npx projen.)`);
        ctx.io.out(`Adopted. Review ${PROJENRC}, then: go build ./... && make help`);
        return ExitCode.OK;
      }
      return adoptUnderLock(ctx, dir, options, lock.env, lock.madeProjenDir);
    });
  },
};

function alreadyAdopted(): CliError {
  return usageError(`adopt: there is a ${PROJENRC} here already. Change it with npx projen-go-service add, remove or set`);
}

/** What adopt reads of the repository, and what it writes. */
interface AdoptPlan {
  readonly name: string;
  readonly plan: Plan;
  readonly mk: RepoMakefile | undefined;
  readonly hasPackageJson: boolean;
  readonly installed: boolean;
  readonly from: string;
}

/** The files of the repository adopt reads (besides the Go code, which the Go toolchain reads). */
const ADOPT_READS = [
  'go.mod', 'go.sum', '.gitignore', '.gitattributes', 'package.json', 'package-lock.json', '.dockerignore', SECURITY_MD,
  ...GORELEASER_FILES, ...COMPOSE_FILES, ...COMPOSE_FILES.map((f) => f.replace(/\.(ya?ml)$/, '.override.$1')), ...MAKEFILE_NAMES,
];

/**
 * Before anything is read: a FIFO, socket or device where adopt reads a file (a Dockerfile, a makefile,
 * the compose file...) is refused at once, never opened (a FIFO would block the read), and so is a link
 * out of the repository.
 */
function assertReadable(dir: string): void {
  const dockerfiles = readdirSync(dir).filter((n) => /dockerfile/i.test(n) || n.endsWith('.dockerignore'));
  for (const f of [...new Set([...ADOPT_READS, ...dockerfiles])]) assertInsideRepository(dir, f, 'reads');
}

function planAdopt(ctx: Context, dir: string, options: { [name: string]: unknown }): AdoptPlan {
  assertReadable(dir);
  const repo = readRepo(dir, (line) => ctx.io.err(line));
  const name = projectName(dir, repo, options.name as string | undefined);
  const mk = ownMakefile(dir);
  const plan = projenrcFor(dir, name, repo, options.port as number | undefined, mk, options.ci === true);
  const hasPackageJson = existsSync(join(dir, 'package.json'));
  const installed = NEEDED_PACKAGES.every((p) => existsSync(join(dir, 'node_modules', p, 'package.json')));
  if (hasPackageJson && !installed) ownPackageJson(dir);
  const from = (options.from as string | undefined) ?? packageSource(dir);
  return { name, plan, mk, hasPackageJson, installed, from };
}

function dryRun(ctx: Context, dir: string, options: { [name: string]: unknown }): number {
  // (a killed run's copy of the repository, in it: src/go/scratch.ts)
  const swept = sweepScratch(dir);
  if (swept.length) ctx.io.out(`removed what a run that did not finish had left (${swept.join(', ')}): it had changed nothing else`);
  let planned: AdoptPlan;
  try {
    planned = planAdopt(ctx, dir, options);
  } catch (e) {
    // (a FIFO or a link out of the repository where adopt reads a file: already in the house form)
    if (e instanceof FileSystemError) throw new CliError(ExitCode.UNEXPECTED, e.message);
    throw e;
  }
  const { plan, mk, hasPackageJson, installed, from } = planned;
  ctx.io.out(unifiedDiff(PROJENRC, undefined, { text: plan.text }).trimEnd());
  if (!hasPackageJson) ctx.io.out(`would write package.json (projen-go-service from ${from}) and run npm install (${NEEDED_PACKAGES.join(', ')})`);
  else if (!installed) ctx.io.out(`would add ${NEEDED_PACKAGES.join(', ')} and constructs to your package.json's devDependencies (projen-go-service from ${from}) and run npm install`);
  if (mk) ctx.io.out(`would move ${mk.file} to ${mk.to}, which the generated Makefile includes`);
  if (installed) {
    for (const [f, to] of replacedFiles(dir, plan, mk)) ctx.io.out(`would move ${f} to ${to}`);
  } else {
    for (const f of [...mk?.shadowing ?? [], ...plan.shadowing]) ctx.io.out(`would move ${f} to ${asidePath(dir, f)}`);
    ctx.io.out(`would move aside, to ${ASIDE_DIR}/<file>, each of your files that a generated file replaces`);
  }
  for (const n of plan.notes) ctx.io.out(n);
  ctx.io.out('Dry run: nothing was changed.');
  return ExitCode.OK;
}

/**
 * adopt itself, under the repository's lock, as one journaled change (AdoptTransaction): the moves,
 * package.json, the npm install and .projenrc.ts recorded, staged, moved in, then the synthesis, whose
 * files move the user's aside in its own journal. All or nothing.
 */
function adoptUnderLock(
  ctx: Context, dir: string, options: { [name: string]: unknown }, lockEnv: { [name: string]: string }, madeProjenDir: boolean,
): number {
  const { name, plan, mk, hasPackageJson, installed, from } = planAdopt(ctx, dir, options);
  const before = snapshot(dir);
  const tx = new AdoptTransaction(dir, madeProjenDir);
  if (mk) tx.move(mk.file, mk.to);
  // the files make or Compose would read instead of the generated ones (the synthesis moves aside those it replaces)
  const taken = new Set<string>();
  const shadowing = [...mk?.shadowing ?? [], ...plan.shadowing].map((f): [string, string] => {
    const to = asidePath(dir, f, (p) => taken.has(p));
    taken.add(to);
    return [f, to];
  });
  for (const [f, to] of shadowing) tx.move(f, to);
  let packageJson: string | undefined;
  if (!hasPackageJson) {
    const pkg = repoPackageJson(dir, name, {}, true);
    pkg.devDependencies['projen-go-service'] = from;
    packageJson = `${JSON.stringify(pkg, undefined, 2)}\n`;
  } else if (!installed) {
    // a package.json of the repository's own (front-end tooling, say): ours join its devDependencies, nothing else changes
    const { text, own } = ownPackageJson(dir);
    const ours = repoPackageJson(dir, name, {}, true).devDependencies as { [name: string]: string };
    const dev = { ...(own.devDependencies ?? {}) };
    for (const p of ['constructs', ...NEEDED_PACKAGES]) dev[p] = dev[p] ?? ours[p];
    dev['projen-go-service'] = from;
    own.devDependencies = Object.fromEntries(Object.entries(dev).sort(([a], [b]) => a.localeCompare(b)));
    const indent = /^\{\n(\s+)"/.exec(text)?.[1] ?? '  ';
    packageJson = `${JSON.stringify(own, undefined, indent)}\n`;
    ctx.io.out(`added ${NEEDED_PACKAGES.join(', ')} and constructs to your package.json's devDependencies`);
  }
  if (packageJson !== undefined) tx.write('package.json', packageJson);
  tx.write(PROJENRC, plan.text);
  if (!installed) {
    const lock = join(dir, 'package-lock.json');
    tx.install({ packageJson: packageJson!, packageLock: existsSync(lock) ? readFileSync(lock, 'utf-8') : undefined });
    ctx.io.out(`${INSTALLING}...`);
  }
  try {
    tx.prepare();
  } catch (e) {
    if (e instanceof AdoptInstallError) {
      throw new CliError(ExitCode.UNEXPECTED, `adopt: npm install failed (${e.message}), so the repository was put back as it was: nothing was written. Check that projen-go-service can be installed from ${from}, and run adopt again.`);
    }
    throw e;
  }
  if (mk) {
    // make must read the generated Makefile with the team's makefile included: asked of a copy, before anything here is moved in
    try {
      makeReadsAdopted(dir, plan, mk, shadowing.map(([f]) => f), installed ? undefined : join(dir, ADOPT_WORK, 'install', 'node_modules'));
    } catch (e) {
      tx.rollBack();
      throw e;
    }
  }
  tx.apply();
  const result = synthesize(dir, lockEnv);
  if (!result.ok) {
    tx.rollBack();
    throw result.fileSystem || result.busy ? new CliError(result.busy ? ExitCode.BUSY : ExitCode.UNEXPECTED, `${result.messages.join('\n')} (adopt put the repository back as it was.)`) : synthesisFailed(result.messages);
  }
  tx.finish();
  report(ctx, changes(before, snapshot(dir)).map(describeChange), shadowing, mk, plan.shadowing, [...plan.notes, ...result.messages]);
  return ExitCode.OK;
}

/**
 * Where projen-go-service comes from for the repository's package.json: the tarball or directory adopt
 * runs from when npx installed it from one (as `projen new --from` records it), else this version.
 */
function packageSource(repo: string): string {
  const own = join(__dirname, '..', '..', '..');
  const version = JSON.parse(readFileSync(join(own, 'package.json'), 'utf-8')).version;
  const installDir = dirname(dirname(own));
  if (basename(dirname(own)) === 'node_modules' && existsSync(join(installDir, 'package.json'))) {
    try {
      const pkg = JSON.parse(readFileSync(join(installDir, 'package.json'), 'utf-8'));
      const spec: string | undefined = pkg.dependencies?.['projen-go-service'] ?? pkg.devDependencies?.['projen-go-service'];
      if (spec?.startsWith('file:')) {
        const target = join(installDir, spec.slice('file:'.length));
        // the repository's own node_modules: nothing to record but the version
        if (installDir !== repo && existsSync(target)) return `file:${relative(repo, target)}`;
      } else if (spec && /^(https?:|git[+:]|github:)/.test(spec)) {
        return spec;
      }
    } catch {
      // not npx's package.json: fall through
    }
  }
  return `^${version}`;
}

/**
 * The files of the repository that adopt moves aside, and where each goes (`.pre-projen/<file>`):
 * those the synthesis of `projenrc` replaces, found by synthesizing it in a copy (which also checks it
 * before anything here is touched), and the makefiles make would read instead of the generated one.
 */
function replacedFiles(dir: string, plan: Plan, mk: RepoMakefile | undefined): Array<[string, string]> {
  const shadowing = [...mk?.shadowing ?? [], ...plan.shadowing];
  const { remove, copy, result } = synthesizeCopy(dir, (c) => {
    if (mk) renameSync(join(c, mk.file), join(c, mk.to));
    for (const f of shadowing) rmSync(join(c, f), { force: true });
    writeFileSync(join(c, PROJENRC), plan.text);
  });
  try {
    if (!result.ok) throw synthesisFailed(result.messages);
    if (mk) makeParses(copy);
    const generated: string[] = JSON.parse(readFileSync(join(copy, '.projen', 'files.json'), 'utf-8')).files;
    const replaced = generated.filter((f) => f !== mk?.file).filter((f) => existsSync(join(dir, f)) && statSync(join(dir, f)).isFile());
    const taken = new Set<string>();
    return [...shadowing, ...replaced].map((f): [string, string] => {
      const to = asidePath(dir, f, (p) => taken.has(p));
      taken.add(to);
      return [f, to];
    });
  } finally {
    remove();
  }
}

/**
 * The synthesis of `plan` in a copy of the repository (with the packages adopt staged, when it
 * installs them), and make reading its Makefile with the team's makefile included: exit 4 with make's
 * message when make stops. A copy whose synthesis fails is left to the real synthesis to report.
 */
function makeReadsAdopted(dir: string, plan: Plan, mk: RepoMakefile, shadowing: string[], stagedModules: string | undefined): void {
  const { remove, copy, result } = synthesizeCopy(dir, (c) => {
    // (adopt's own journal and work are not the copy's)
    rmSync(join(c, ADOPT_JOURNAL), { force: true });
    rmSync(join(c, ADOPT_WORK), { recursive: true, force: true });
    if (stagedModules && !existsSync(join(c, 'node_modules'))) symlinkSync(stagedModules, join(c, 'node_modules'));
    renameSync(join(c, mk.file), join(c, mk.to));
    for (const f of shadowing) rmSync(join(c, f), { force: true });
    writeFileSync(join(c, PROJENRC), plan.text);
  });
  try {
    if (result.ok) makeParses(copy);
  } finally {
    remove();
  }
}

/**
 * make reads the Makefile adopt would write, with the repository's makefiles it includes, without
 * stopping (`$(error ...)`, a missing include): asked whether a target of nothing is up to date
 * (`-q` runs no recipe; exit 2 is make's own error). Without make, nothing is checked.
 */
function makeParses(copy: string): void {
  const r = spawnSync('make', ['--no-print-directory', '--eval=pgs-adopt-parses: ; @:', '-q', 'pgs-adopt-parses'], {
    cwd: copy, encoding: 'utf-8', timeout: 60_000, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MAKEFLAGS: '' },
  });
  if (r.error || r.status !== 2) return;
  throw new CliError(ExitCode.SYNTHESIS, [
    'adopt: make stops on the Makefile adopt would write (with your makefile included), so the repository was put back as it was. What make says:',
    '',
    ...(r.stderr ?? '').trim().split('\n').slice(-5).map((l) => `  ${l}`),
    '',
    'Fix what your makefile does at that line (or tell us: it is a case adopt does not know), and run adopt again.',
  ].join('\n'));
}

function synthesisFailed(messages: string[]): CliError {
  return new CliError(ExitCode.SYNTHESIS, [
    'adopt: npx projen fails on the .projenrc.ts that adopt would write, so the repository was put back as it was. What the model says:',
    '',
    ...messages.map((m) => `  ${m}`),
    '',
    'Fix the repository or give adopt the option the message points at (--name, --port), and run it again.',
  ].join('\n'));
}

function report(
  ctx: Context, changed: string[], aside: Array<[string, string]>, mk: RepoMakefile | undefined, composeShadowing: string[], notes: string[],
): void {
  for (const line of changed) ctx.io.out(line);
  for (const [f, to] of aside) {
    ctx.io.out(mk?.shadowing.includes(f)
      ? `moved your ${f} to ${to}: make would read it instead of the generated Makefile (which includes ${mk.to}, your ${mk.file}).`
      : composeShadowing.includes(f)
        ? `moved your ${f} to ${to}: Compose would read it instead of the generated docker-compose.yml (its services are carried into ${PROJENRC}).`
        : movedAsideMessage(f, to));
  }
  if (mk) ctx.io.out(`moved your ${mk.file} to ${mk.to}: the generated Makefile includes it, so its targets still work.`);
  for (const m of notes) ctx.io.out(m);
  ctx.io.out(`Adopted. Review ${PROJENRC}, then: go build ./... && make help`);
}

/** The project name: --name, else the module path's last element, else the directory's name. */
function projectName(dir: string, repo: GoRepo, explicit: string | undefined): string {
  if (explicit !== undefined) {
    const why = nameProblem(explicit);
    if (why) throw usageError(`adopt: --name ${explicit} cannot name the project: ${why}. Use lowercase letters, digits and single dashes, starting with a letter`);
    return explicit;
  }
  const fromModule = repo.modulePath.split('/').filter((p) => !/^v\d+$/.test(p)).pop() ?? '';
  const candidates = [fromModule, toServiceName(fromModule), basename(dir), toServiceName(basename(dir))];
  const name = candidates.find((c) => nameProblem(c) === undefined);
  if (!name) {
    throw usageError(`adopt: neither the module path's last element (${fromModule}) nor the directory's name (${basename(dir)}) can name the project, which names the default service and the image. Give a name with --name <name> (lowercase letters, digits and single dashes)`);
  }
  return name;
}

/** Why a name cannot name a service, if it cannot. */
function nameProblem(name: string): string | undefined {
  if (!SERVICE_NAME.test(name)) return 'it is not lowercase letters, digits and single dashes starting with a letter (at most 40)';
  return RESERVED_SERVICE_NAMES.find((r) => r.test(name))?.why(name) ?? makeTargetCollision(name);
}

/** `My_Tool` → `my-tool`. */
function toServiceName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').replace(/^(\d)/, 'x$1');
}

/** What adopt writes, and what it has to say about it. */
interface Plan {
  readonly text: string;
  readonly notes: string[];
  /** Files of the user's that would be read instead of a generated one (compose.yaml over docker-compose.yml): moved aside. */
  readonly shadowing: string[];
}

/** The .projenrc.ts for the repository, written through the editor (so it is what add and set write). */
function projenrcFor(dir: string, name: string, repo: GoRepo, port: number | undefined, mk: RepoMakefile | undefined, ci = false): Plan {
  const notes: string[] = [];
  const mains = repo.mainPackages;
  // the main a Go user would call the service (src/cli/adopt/default-main.ts)
  const chosen = defaultMain(mains, name, repo.dockerfilePackage);
  const def = chosen.main;
  const others = mains.filter((m) => m !== def);
  if (others.length) {
    notes.push(`the default service ${name} (make docker-build, make run, the last Dockerfile stage) is ${def.path}: ${chosen.why}; ${others.map((m) => m.path).join(', ')} ${others.length === 1 ? 'is a service' : 'are services'} of ${others.length === 1 ? 'its' : 'their'} own. To make another one the default, swap the mainPackage of the project and of that service in ${PROJENRC}.`);
  }
  const names = new Map<MainPackage, string>([[def, name]]);
  for (const m of others) {
    let n = toServiceName(m.dirName);
    if (n === name || [...names.values()].includes(n)) n = `${n}-${m.server ? 'server' : 'cmd'}`;
    // a directory named as a name the Dockerfile or the Makefile keeps (tools/, ci/, all/): the service takes a suffix, and adopt says so
    const kept = SERVICE_NAME.test(n) ? nameProblem(n) : undefined;
    const instead = kept ? [`${n}-${m.server ? 'server' : 'cmd'}`, `${n}-main`].find((x) => !nameProblem(x) && x !== name && ![...names.values()].includes(x)) : undefined;
    if (kept && instead) {
      notes.push(`${m.path} is the service ${instead}: ${kept}.`);
      n = instead;
    }
    const why = nameProblem(n);
    if (why) {
      throw usageError(`adopt: ${m.path} cannot name a service: ${why}. A service's name is its Dockerfile target, compose service and Makefile targets: rename the directory to lowercase letters, digits and single dashes, and run adopt again`);
    }
    names.set(m, n);
  }

  const editor = ProjenrcEditor.parse([
    '// Written by projen-go-service adopt from go.mod, go list and the Dockerfile. Yours to edit: change it,',
    '// then run npx projen (or use npx projen-go-service add, remove and set).',
    "import { GoServiceProject } from 'projen-go-service';",
    '',
    'const project = new GoServiceProject({',
    `  name: ${quote(name, "'")},`,
    '});',
    '',
    'project.synth();',
    '',
  ].join('\n'));
  editor.setOption('modulePath', editor.str(repo.modulePath));
  for (const [option, value] of goVersions(repo, notes)) editor.setOption(option, editor.str(value));
  // the pipeline only when asked: a repository adopted keeps its own CI
  if (ci) editor.setOption('ci', 'true');

  // the repository's compose file: add-ons, services of its own, our services' environment (src/cli/adopt/repo-compose.ts)
  const compose = readRepoCompose(dir, [...names].map(([m, n]) => ({ name: n, server: m.server, isDefault: m === def })));
  // ports: what the code says, else the Dockerfile (for the service it builds), else 8080 and up; where the
  // code's port variable has no default of its own (required), the value their compose file gives it
  const taken = new Set<number>();
  const ports = new Map<MainPackage, number>();
  for (const m of [def, ...others].filter((x) => x.server)) {
    const theirs = composePort(m, compose?.environment.get(names.get(m)!));
    if (theirs !== undefined && !(m === def && port !== undefined)) {
      notes.push(`${names.get(m)}: port ${theirs}: ${m.portVariable} has no default in its code (${m.port !== undefined ? `unset, it would fall back to ${m.port}` : 'it must be set'}); your ${compose!.file} sets ${m.portVariable}=${theirs}.`);
    }
    let p = (m === def ? port : undefined) ?? theirs ?? m.port ?? (m === def ? repo.exposedPorts[0] : undefined) ?? DEFAULT_PORT;
    if (taken.has(p)) {
      const next = Math.max(...taken) + 1;
      notes.push(`${names.get(m)} defaults to port ${p} too, so it gets ${next}${m.portVariable || m.portArgument ? '' : ': check that it can listen there (its code names no variable or flag for the port)'}.`);
      p = next;
    }
    taken.add(p);
    ports.set(m, p);
  }

  // what the repository's Dockerfile, .goreleaser.yaml and compose file say of each service (src/cli/adopt/repo-dockerfile.ts)
  const fromBuildFiles = buildFileFacts(dir, repo, def, compose, names);
  // make variables of your makefile that the generated ones would share: ours are renamed (src/cli/adopt/repo-make-variables.ts)
  const variablePlan = mk ? makeVariablePlan(mk.variables, [...names.values()], mk.file) : undefined;
  const options = (m: MainPackage): Array<[string, string]> => {
    const facts = fromBuildFiles.get(m.path);
    // a data directory a variable moves (SHIORI_DIR): where their image puts it, else a writable place (src/go/data-variables.ts)
    const data = dataVariableSettings(m.dataVariables ?? [], facts?.facts.imageEnvironment ?? {}, names.get(m)!);
    for (const f of data.facts) notes.push(`${names.get(m)}: ${f}.`);
    const imageEnvironment = { ...(m.server ? m.listenEnvironment : undefined), ...data.environment };
    // a data directory a flag moves (--storage.tsdb.path=/prometheus of their CMD): where the arguments put it (src/go/data-flags.ts)
    const moved = dataFlagSettings(m.dataFlags ?? [], [
      { args: [...m.args, ...m.listenArgs ?? []], from: 'the arguments adopt gives it' },
      { args: facts?.facts.args ?? [], from: `its arguments in ${facts?.sources.join(' and ')}` },
    ], facts?.facts.imageEnvironment ?? {}, (m.dataVariables ?? []).map((v) => v.name));
    for (const f of moved.facts) notes.push(`${names.get(m)}: ${f}.`);
    const withData = {
      ...m,
      dataDirectories: withMovedData([...new Set([...m.dataDirectories, ...data.directories])], moved.directories, facts?.facts.workdir ?? WORKDIR),
    };
    const carried = withBuildFacts(editor, serviceOptions(editor, repo, withData, ports.get(m), imageEnvironment), facts?.facts, {
      runtimeFiles: m.runtimeFiles,
      versionVariables: repo.versionVariables,
      server: m.server,
      port: ports.get(m),
      workdir: WORKDIR,
      imageEnvironment,
      subcommand: m.args,
      portVariable: m.server ? m.portVariable ?? 'PORT' : undefined,
    });
    if (facts && carried.carried.length) notes.push(`${names.get(m)}, from ${facts.sources.join(' and ')}: ${carried.carried.join('; ')}.`);
    if (facts?.facts.skipped.length) notes.push(`${names.get(m)}: not carried over from ${facts.sources.join(' and ')} (set it in ${PROJENRC} if you need it): ${facts.facts.skipped.join('; ')}.`);
    const renamed = variablePlan?.imageVariables.find((v) => v.service === names.get(m));
    return renamed ? [...carried.options, ['imageVariable', editor.str(renamed.to)]] : carried.options;
  };
  for (const [option, code] of options(def)) editor.setOption(option, code);
  if (def.path !== `./cmd/${name}`) editor.setOption('mainPackage', editor.str(def.path));
  for (const m of others) {
    const more = options(m).filter(([o]) => o !== 'port');
    editor.addServiceStatement(serviceStatement(editor, {
      name: names.get(m)!,
      port: ports.get(m),
      mainPackage: m.path !== `./cmd/${names.get(m)}` ? m.path : undefined,
      more,
    }));
  }
  // what the compiler said of each program (the analyzer: go/packages, go/types, SSA)
  for (const m of [def, ...others]) {
    for (const f of m.facts) notes.push(`${names.get(m)}: ${f}.`);
  }
  // a program that does not compile as committed, and a make target of theirs that generates code
  const generators = (mk?.targets ?? []).filter((t) => /^(go-?)?gen(erate)?$/.test(t));
  const broken = [def, ...others].filter((m) => m.compileErrors?.length).map((m) => names.get(m)!);
  if (broken.length && generators.length) {
    notes.push(`${broken.join(', ')} ${broken.length === 1 ? 'does' : 'do'} not compile as committed, and your ${mk!.file} has ${generators.map((t) => `make ${t}`).join(', ')}: run it before make docker-build (the image is built from your working tree, and the image build runs none of your make targets).`);
  }
  // the repository's other Dockerfiles keep the build context they had (src/cli/adopt/repo-dockerignore.ts)
  const ignores = dockerfileIgnores(editor, dir);
  if (ignores.code) editor.setOption('dockerfileIgnores', ignores.code);
  notes.push(...ignores.notes);
  // a $(wildcard Dockerfile.*) of the repository's make files would take the ignore files for Dockerfiles (src/cli/adopt/repo-make-globs.ts)
  const globs = mk ? matchingGlobs(dir, mk.file, ignores.files) : [];
  const pins = pinnedGlobs(globs);
  if (pins.refusals.length) throw usageError(`adopt: ${pins.refusals.join('\n')}`);
  for (const [variable, value] of pins.variables) {
    const g = globs.find((x) => x.variable === variable)!;
    editor.addStatement(`// ${g.where} sets ${variable} from a glob that would match ${g.matches.join(', ')}: set first, without them\n${editor.project}.makefile.addVariable(${editor.str(variable)}, ${editor.str(value)});`);
    notes.push(`${g.where}'s ${variable} ?= ${g.value} would match ${g.matches.join(', ')}: the generated Makefile sets ${variable} ?= ${value} before it includes ${mk!.to}, so your make targets see only your Dockerfiles.`);
  }
  if (ignores.globNote && pins.variables.length === 0) notes.push(ignores.globNote);
  if (compose) {
    const code = composeStatements(editor, compose);
    for (const a of code.addons) editor.addAddonStatement(a);
    for (const st of code.statements) editor.addStatement(st);
    notes.push(...compose.notes);
  }
  for (const m of mains.filter((x) => x.cgoPackages.length)) {
    notes.push(`${names.get(m)} builds with cgo (${m.cgoPackages.join(', ')} ${m.cgoPackages.length === 1 ? 'has' : 'have'} C code), on ${m.cxx ? 'distroless cc (glibc and libstdc++)' : 'distroless base (glibc)'}.`);
  }

  if (existsSync(join(dir, SECURITY_MD))) {
    editor.setOption('securityNotesFile', editor.str(IMAGE_SECURITY_NOTES));
    notes.push(`your ${SECURITY_MD} stays yours: the generated notes on how the images are hardened go to ${IMAGE_SECURITY_NOTES}.`);
  }
  if (mk) {
    // your makefile: included, its targets keep their names; generated namesakes are renamed
    editor.setOption('makefileIncludes', `[${editor.str(mk.to)}]`);
    const renames = makefileRenames(mk.targets, [...names.values()]);
    if (renames.length) {
      editor.setOption('makefileRenames', `{ ${renames.map(([from, to]) => `${propertyName(editor, from)}: ${editor.str(to)}`).join(', ')} }`);
      notes.push(`your ${mk.file}'s targets ${renames.map(([t]) => t).join(', ')} keep their names and recipes (read by ${mk.readBy}); the generated ones are ${renames.map(([, t]) => t).join(', ')} (makefileRenames; make help lists them).`);
    }
    if (variablePlan?.imageTagVariable) editor.setOption('imageTagVariable', editor.str(variablePlan.imageTagVariable));
    notes.push(...variablePlan?.notes ?? []);
  }
  const patterns = gitignorePatterns(dir);
  if (patterns.length > 0) {
    editor.addStatement(`// from your .gitignore (kept as ${ASIDE_DIR}/.gitignore)\n${editor.project}.gitignore.addPatterns(${patterns.map((p) => editor.str(p)).join(', ')});`);
  }
  const attributes = gitattributes(dir);
  if (attributes.length > 0) {
    editor.addStatement([
      `// from your .gitattributes (kept as ${ASIDE_DIR}/.gitattributes)`,
      ...attributes.map(([glob, attrs]) => `${editor.project}.gitattributes.addAttributes(${[glob, ...attrs].map((a) => editor.str(a)).join(', ')});`),
    ].join('\n'));
  }
  return { text: editor.text, notes, shadowing: compose?.shadowing ?? [] };
}

/** goVersion (the builder: never older than go.mod's go and toolchain lines) and goDirective (the go line kept as it is). */
function goVersions(repo: GoRepo, notes: string[]): Array<[string, string]> {
  const newest = Math.max(NEWEST_KNOWN_GO_MINOR, localGoMinor() ?? 0);
  const lines = [repo.goLine, repo.toolchain].map((v) => (v ? goMinor(v) : undefined)).filter((m): m is number => m !== undefined);
  const needed = lines.length ? Math.max(...lines) : undefined;
  const builder = needed === undefined ? undefined
    : needed < OLDEST_BUILDER_MINOR ? Math.min(localGoMinor() ?? NEWEST_KNOWN_GO_MINOR, newest)
      : Math.min(needed, newest);
  const out: Array<[string, string]> = [];
  if (builder !== undefined) out.push(['goVersion', `1.${builder}`]);
  const goLineMinor = repo.goLine ? goMinor(repo.goLine) : undefined;
  if (repo.goLine && goLineMinor !== undefined && goLineMinor !== builder) {
    out.push(['goDirective', repo.goLine]);
    notes.push(`go.mod's go ${repo.goLine} (the language version of your code) stays: goDirective keeps it, and Go 1.${builder} builds it.`);
  }
  return out;
}

/** The options of a service, as code, from what its code says. */
function serviceOptions(
  s: CodeStyle, repo: GoRepo, m: MainPackage, port: number | undefined, imageEnvironment: { [name: string]: string } = {},
): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!m.server) {
    out.push(['server', 'false']);
  } else {
    if (port !== undefined) out.push(['port', String(port)]);
    if (m.portVariable && m.portVariable !== 'PORT') out.push(['portVariable', s.str(m.portVariable)]);
    if (m.portVariableValue) out.push(['portVariableValue', s.str(m.portVariableValue)]);
    if (m.portArgument) out.push(['portArgument', s.str(m.portArgument)]);
    // only a variable the program reads: PORT in the image would say the port moves with it
    if (!m.portVariable) out.push(['portInEnvironment', 'false']);
    // assume nothing of the binary but its port
    out.push(['healthCheck', `${s.ref('HealthCheck')}.tcp()`]);
  }
  if (m.cgoPackages.length) {
    out.push(['cgo', 'true'], ['runtime', RUNTIMES[m.cxx ? 'distroless-cc' : 'distroless-base'](s)]);
  }
  if (m.args.length) out.push(['subcommand', `[${m.args.map((a) => s.str(a)).join(', ')}]`]);
  // a loopback default address: the host set to every interface (src/go/listen-host.ts)
  if (m.server && m.listenArgs?.length) out.push(['args', `[${m.listenArgs.map((a) => s.str(a)).join(', ')}]`]);
  // and a data directory a variable moves: both set by the image (ENV), so docker run of it works too
  if (Object.keys(imageEnvironment).length) {
    out.push(['imageEnvironment', `{ ${Object.entries(imageEnvironment).map(([k, v]) => `${k}: ${s.str(v)}`).join(', ')} }`]);
  }
  const relativeData = m.dataDirectories.filter((d) => !d.startsWith('/'));
  if (m.runtimeFiles.length || relativeData.length) out.push(['workdir', s.str(WORKDIR)]);
  if (m.runtimeFiles.length) {
    out.push(['files', `{ ${m.runtimeFiles.map((f) => `${s.str(f)}: ${s.str(f)}`).join(', ')} }`]);
  }
  if (m.dataDirectories.length) out.push(['dataDirectories', `[${m.dataDirectories.map((d) => s.str(d)).join(', ')}]`]);
  const stamps: { [key: string]: string | undefined } = Object.keys(m.versionVariables).length ? m.versionVariables : repo.versionVariables;
  // in the order VersionVariables names them
  const vv = (['version', 'commit', 'date'] as const).filter((k) => stamps[k] !== undefined).map((k) => [k, stamps[k]!] as const);
  if (vv.length) out.push(['versionVariables', `{ ${vv.map(([k, v]) => `${k}: ${s.str(v)}`).join(', ')} }`]);
  return out;
}

/** `build`, or `'docker-build'` when the name is not an identifier. */
function propertyName(s: CodeStyle, name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : s.str(name);
}

/** readRepoMakefile, its refusal as a usage error. */
function ownMakefile(dir: string): RepoMakefile | undefined {
  try {
    return readRepoMakefile(dir);
  } catch (e) {
    if (e instanceof MakefileError) throw usageError(e.message);
    throw e;
  }
}

/** The patterns of the repository's .gitignore (without comments and blank lines). */
function gitignorePatterns(dir: string): string[] {
  const file = join(dir, '.gitignore');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf-8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/** The rules of the repository's .gitattributes: pattern and attributes (comments and blank lines aside). */
function gitattributes(dir: string): Array<[string, string[]]> {
  const file = join(dir, '.gitattributes');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf-8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(/\s+/))
    .map(([glob, ...attrs]): [string, string[]] => [glob, attrs]);
}

/** The Dockerfile's and .goreleaser.yaml's facts by main package, and which of the two files said something. */
function buildFileFacts(
  dir: string, repo: GoRepo, def: MainPackage, compose: ComposePlan | undefined, names: Map<MainPackage, string>,
): Map<string, { facts: BuildFileFacts; sources: string[] }> {
  // the package its go build line builds; else the one whose binary its ENTRYPOINT runs (a binary built outside it)
  const ran = dockerfileRunsBinary(dir);
  const runsBinary = repo.mainPackages.filter((m) => m.dirName === ran);
  const runs = repo.dockerfilePackage
    ?? (runsBinary.length === 1 ? runsBinary[0].path : undefined)
    ?? (repo.mainPackages.length === 1 ? def.path : undefined);
  const fromDockerfile = readDockerfileFacts(dir, runs, repo.mainPackages.find((m) => m.path === runs));
  const fromReleaser = readGoreleaserFacts(dir);
  const fromPromu = readPromuFacts(dir);
  const out = new Map<string, { facts: BuildFileFacts; sources: string[] }>();
  for (const m of repo.mainPackages) {
    const env = compose?.environment.get(names.get(m)!);
    const fromCompose: BuildFileFacts | undefined = env
      ? { buildTags: [], ldflags: [], versionVariables: {}, files: {}, environment: env, imageEnvironment: {}, args: [], skipped: [] }
      : undefined;
    const facts = mergeFacts(mergeFacts(mergeFacts(fromPromu.get(m.path), fromReleaser.get(m.path)), fromCompose), fromDockerfile.get(m.path));
    const sources = [
      ...(fromDockerfile.has(m.path) ? ['the Dockerfile'] : []), ...(fromReleaser.has(m.path) ? ['.goreleaser.yaml'] : []),
      ...(fromPromu.has(m.path) ? [PROMU_FILE] : []), ...(fromCompose ? [compose!.file] : []),
    ];
    if (facts) out.set(m.path, { facts, sources });
  }
  return out;
}

/** readGoRepo, its refusals as usage errors. */
function readRepo(dir: string, log: (line: string) => void): GoRepo {
  try {
    return readGoRepo(dir, { log, download: true, observe: true });
  } catch (e) {
    if (e instanceof GoRepoError) throw usageError(e.message);
    throw e;
  }
}

/** The repository's own package.json, which adopt adds its devDependencies to; refused when it is not JSON. */
function ownPackageJson(dir: string): { text: string; own: { [key: string]: any } } {
  const text = readFileSync(join(dir, 'package.json'), 'utf-8');
  try {
    const own = JSON.parse(text);
    if (own === null || typeof own !== 'object' || Array.isArray(own)) throw new Error('not an object');
    return { text, own };
  } catch (e) {
    throw usageError(`adopt: package.json is not a JSON object (${(e as Error).message}), and adopt adds projen and projen-go-service to its devDependencies. Fix it and run adopt again`);
  }
}
