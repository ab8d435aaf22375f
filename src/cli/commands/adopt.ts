import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'fs';
import { basename, join } from 'path';
import { makeTargetCollision } from '../../files/makefile';
import { INSTALLING, installRepoPackages, repoPackageJson } from '../../files/new-repo-setup';
import { DEFAULT_PORT } from '../../private/constants';
import { RESERVED_SERVICE_NAMES, SERVICE_NAME } from '../../private/names';
import { Command, Context, DRY_RUN } from '../command';
import { PROJENRC } from '../edit-session';
import { CliError, ExitCode, usageError } from '../exit-codes';
import { GoRepo, readGoRepo } from '../go-repo';
import { ProjenrcEditor, quote } from '../projenrc-editor';
import { serviceStatement, ServiceSpec } from '../snippets';
import { changes, describeChange, snapshot, synthesize, synthesizeCopy } from '../synthesis';
import { unifiedDiff } from '../unified-diff';

/** The suffix of the user's files that a generated file replaces. */
export const ASIDE_SUFFIX = '.pre-projen';

/** What the synthesis needs installed. */
const NEEDED_PACKAGES = ['projen', 'projen-go-service', 'tsx'];

/** `adopt` */
export const adopt: Command = {
  path: ['adopt'],
  args: [],
  summary: 'Make an existing Go repository a projen-go-service one: write .projenrc.ts from what is there, then npx projen.',
  details: [
    'Reads go.mod (module path; the go line as goVersion), finds each main package cmd/<dir>/main.go and the',
    'first EXPOSE of the Dockerfile, and writes .projenrc.ts: the project is named --name, else after the',
    'last element of the module path (a /vN suffix skipped), else after the directory. Its default service',
    'is cmd/<name> when there is one, else the first cmd/ directory (mainPackage); it listens on --port,',
    `else the EXPOSEd port, else ${DEFAULT_PORT}. Every other cmd/<dir> becomes new GoService(project, '<dir>', ...)`,
    'on the next free port.',
    'Every file of yours that a generated file replaces (Dockerfile, Makefile, docker-compose.yml,',
    `.dockerignore, .gitignore, ...) is moved aside to <file>${ASIDE_SUFFIX}, and said so; the patterns of`,
    '.gitignore are carried into .projenrc.ts. Nothing of yours is deleted: your Go code is not touched (samples',
    'are written only for packages whose directory does not exist).',
    'Writes package.json (projen, constructs, tsx, projen-go-service) when there is none, and runs npm install',
    'when they are not installed. When the synthesis fails, everything is put back.',
  ],
  options: [
    { name: 'name', kind: 'string', value: '<name>', help: 'The project name (names the default service and the image).' },
    { name: 'port', kind: 'number', value: '<n>', help: 'The port of the default service.' },
    DRY_RUN,
  ],
  examples: ['npx projen-go-service adopt', 'npx projen-go-service adopt --name shop --dry-run'],
  run(ctx, { options }) {
    const dir = ctx.cwd;
    if (existsSync(join(dir, PROJENRC))) {
      throw usageError(`adopt: there is a ${PROJENRC} here already. Change it with npx projen-go-service add, remove or set`);
    }
    const repo = readGoRepo(dir);
    const name = projectName(dir, repo, options.name as string | undefined);
    const text = projenrcFor(dir, name, repo, options.port as number | undefined);
    const hasPackageJson = existsSync(join(dir, 'package.json'));
    const installed = NEEDED_PACKAGES.every((p) => existsSync(join(dir, 'node_modules', p, 'package.json')));
    if (hasPackageJson && !installed) {
      throw usageError(`adopt: package.json exists, and ${NEEDED_PACKAGES.join(', ')} are not all installed. Add them (npm install -D projen constructs tsx projen-go-service) and run adopt again`);
    }

    if (options['dry-run'] === true) {
      ctx.io.out(unifiedDiff(PROJENRC, undefined, { text }).trimEnd());
      if (!hasPackageJson) ctx.io.out(`would write package.json and run npm install (${NEEDED_PACKAGES.join(', ')})`);
      if (installed) {
        for (const f of replacedFiles(dir, text, true)) ctx.io.out(`would move ${f} to ${f}${ASIDE_SUFFIX}`);
      } else {
        ctx.io.out(`would move aside, to <file>${ASIDE_SUFFIX}, each of your files that a generated file replaces`);
      }
      ctx.io.out('Dry run: nothing was changed.');
      return ExitCode.OK;
    }

    const before = snapshot(dir);
    if (!hasPackageJson) {
      writeFileSync(join(dir, 'package.json'), `${JSON.stringify(repoPackageJson(dir, name), undefined, 2)}\n`);
    }
    if (!installed) {
      ctx.io.out(`${INSTALLING}...`);
      installRepoPackages(dir);
    }
    const aside = replacedFiles(dir, text, hasPackageJson);
    for (const f of aside) renameSync(join(dir, f), join(dir, `${f}${ASIDE_SUFFIX}`));
    writeFileSync(join(dir, PROJENRC), text);
    const result = synthesize(dir);
    if (!result.ok) {
      rmSync(join(dir, PROJENRC));
      for (const f of aside) renameSync(join(dir, `${f}${ASIDE_SUFFIX}`), join(dir, f));
      throw synthesisFailed(result.messages, hasPackageJson);
    }
    report(ctx, changes(before, snapshot(dir)).map(describeChange), aside, result.messages);
    return ExitCode.OK;
  },
};

/**
 * The files of the repository that the synthesis of `projenrc` replaces, found by synthesizing it
 * in a copy (which also checks it before anything here is touched). Refuses when one of them was
 * already moved aside once.
 */
function replacedFiles(dir: string, projenrc: string, hadPackageJson: boolean): string[] {
  const { tmp, copy, result } = synthesizeCopy(dir, (c) => writeFileSync(join(c, PROJENRC), projenrc));
  try {
    if (!result.ok) throw synthesisFailed(result.messages, hadPackageJson);
    const generated: string[] = JSON.parse(readFileSync(join(copy, '.projen', 'files.json'), 'utf-8')).files;
    const replaced = generated.filter((f) => existsSync(join(dir, f)) && statSync(join(dir, f)).isFile());
    const taken = replaced.filter((f) => existsSync(join(dir, `${f}${ASIDE_SUFFIX}`)));
    if (taken.length > 0) {
      throw usageError(`adopt: ${taken.map((f) => `${f}${ASIDE_SUFFIX}`).join(', ')} exists already, and adopt moves ${taken.join(', ')} there. Move it away and run adopt again`);
    }
    return replaced;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function synthesisFailed(messages: string[], hadPackageJson: boolean): CliError {
  return new CliError(ExitCode.SYNTHESIS, [
    'adopt: npx projen fails on the .projenrc.ts that adopt would write, so nothing was moved and no .projenrc.ts was written. What the model says:',
    '',
    ...messages.map((m) => `  ${m}`),
    '',
    `Fix the repository or give adopt the option the message points at (--name, --port), and run it again.${hadPackageJson ? '' : ' (package.json and node_modules, which adopt added, stay.)'}`,
  ].join('\n'));
}

function report(ctx: Context, changed: string[], aside: string[], messages: string[]): void {
  for (const line of changed) ctx.io.out(line);
  for (const f of aside) {
    ctx.io.out(`moved your ${f} to ${f}${ASIDE_SUFFIX}: a generated ${f} replaces it. Carry over what you still need through .projenrc.ts, then delete ${f}${ASIDE_SUFFIX}.`);
  }
  for (const m of messages) ctx.io.out(m);
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
  const candidates = [fromModule, basename(dir)];
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

/** The .projenrc.ts for the repository, written through the editor (so it is what add and set write). */
function projenrcFor(dir: string, name: string, repo: GoRepo, port: number | undefined): string {
  // the default service is cmd/<name>, else the first main package (named after the project)
  const defaultDir = repo.mainPackages.includes(name) ? name : repo.mainPackages[0];
  const others = repo.mainPackages.filter((d) => d !== defaultDir);
  for (const d of others) {
    const why = nameProblem(d);
    if (why) {
      throw usageError(`adopt: cmd/${d} cannot name a service: ${why}. A service's name is its cmd/ directory, Dockerfile target, compose service and Makefile targets: rename the directory to lowercase letters, digits and single dashes, and run adopt again`);
    }
  }
  const editor = ProjenrcEditor.parse([
    '// Written by projen-go-service adopt from go.mod, cmd/ and the Dockerfile. Yours to edit: change it,',
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
  const defaultPort = port ?? repo.exposedPorts[0] ?? DEFAULT_PORT;
  editor.setOption('modulePath', editor.str(repo.modulePath));
  if (repo.goVersion) editor.setOption('goVersion', editor.str(repo.goVersion));
  editor.setOption('port', String(defaultPort));
  if (defaultDir !== name) editor.setOption('mainPackage', editor.str(`./cmd/${defaultDir}`));
  let next = defaultPort;
  for (const d of others) {
    const spec: ServiceSpec = { name: d, port: ++next };
    editor.addServiceStatement(serviceStatement(editor, spec));
  }
  const patterns = gitignorePatterns(dir);
  if (patterns.length > 0) {
    editor.addStatement(`// from your .gitignore (kept as .gitignore${ASIDE_SUFFIX})\n${editor.project}.gitignore.addPatterns(${patterns.map((p) => editor.str(p)).join(', ')});`);
  }
  return editor.text;
}

/** The patterns of the repository's .gitignore (without comments and blank lines). */
function gitignorePatterns(dir: string): string[] {
  const file = join(dir, '.gitignore');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf-8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}
