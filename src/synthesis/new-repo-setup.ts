import { execSync } from 'child_process';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { Component, InitProject, Project } from 'projen';
import { modelOf, ProjectModel, requireModel } from '../model/model';

const REFUSAL = () => 'the setup of a new repository belongs to a GoServiceProject.';

/** The tsx that runs .projenrc.ts in generated repos: pinned, so `npx projen` fetches nothing. */
export const TSX_VERSION = '4.23.15';

/** The projen line this package is built against (our peer dependency). */
const PROJEN_RANGE = '^0.103.25';

/**
 * On `projen new` only: completes the unmanaged package.json of the new repo (projen, constructs, a
 * pinned tsx and this package) and installs it, so that on a fresh clone `npm install && npx projen`
 * re-synthesizes without fetching anything else.
 */
export class NewRepoSetup extends Component {

  /** The model, as resolved for the synthesis under way. */
  private get model(): ProjectModel {
    return modelOf(this.project, REFUSAL);
  }

  constructor(project: Project) {
    super(project);
    requireModel(project, REFUSAL);
  }

  /**
   * After ProjenrcTs wrote the new .projenrc.ts: `projen new --go-version 1.25` renders the number
   * yargs parsed (goVersion: 1.25, and 1.30 as 1.3); write the string the option takes.
   */
  public projectCreation(): void {
    const file = join(this.project.outdir, '.projenrc.ts');
    if (!existsSync(file)) return;
    // loaded here, not at the top: ts-morph (and the TypeScript compiler in it) costs every synthesis half a second
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Project: TsMorphProject, SyntaxKind } = require('ts-morph') as typeof import('ts-morph');
    const source = new TsMorphProject({ skipAddingFilesFromTsConfig: true }).addSourceFileAtPath(file);
    const values: { [option: string]: string | undefined } = { goVersion: this.model.goVersion, goDirective: this.model.goDirective };
    const numeric = source.getDescendantsOfKind(SyntaxKind.PropertyAssignment)
      .filter((p) => values[p.getName()] !== undefined && p.getInitializer()?.getKind() === SyntaxKind.NumericLiteral);
    if (numeric.length === 0) return;
    for (const p of numeric) {
      p.setInitializer(JSON.stringify(values[p.getName()]));
    }
    writeFileSync(file, source.getFullText());
  }

  public postProjectCreation(initProject: InitProject): void {
    const dir = this.project.outdir;
    const file = join(dir, 'package.json');
    const pkg = existsSync(file) ? JSON.parse(readFileSync(file, 'utf-8')) : {};
    // created from this package: depend on it; from an organisation's template (a subclass in
    // another package), that package is the dependency and brings this one along
    const ours = initProject.fqn.startsWith('projen-go-service.');
    writeFileSync(file, `${JSON.stringify(repoPackageJson(dir, this.project.name, pkg, ours), undefined, 2)}\n`);
    this.project.logger.info(`${INSTALLING}...`);
    installRepoPackages(dir);
  }
}

/**
 * The options as `projen new` hands them over: yargs parsed `--go-version 1.25` as the number 1.25,
 * and 1.30 as 1.3, which has lost what the user typed. The one place that knows: it takes the raw
 * flag from the command line (the string the option means), and leaves every other caller's options
 * as they are.
 */
export function fromProjenNew<T extends { readonly goVersion?: string; readonly goDirective?: string }>(options: T): T {
  let out = options;
  for (const [option, flag] of VERSION_FLAGS) {
    const value: unknown = options?.[option];
    if (typeof value === 'number') out = { ...out, [option]: rawFlag(process.argv, flag) ?? String(value) };
  }
  return out;
}

/** The options that hold a Go version, and their `projen new` flags. */
const VERSION_FLAGS = [['goVersion', '--go-version'], ['goDirective', '--go-directive']] as const;

function rawFlag(argv: string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag) return argv[i + 1];
    if (argv[i].startsWith(`${flag}=`)) return argv[i].slice(flag.length + 1);
  }
  return undefined;
}

/** What the install of a generated repo's packages installs. */
export const INSTALLING = 'Installing projen, constructs, tsx and projen-go-service (npm install)';

/**
 * The unmanaged package.json of a generated repo: `pkg` (its current content, if any) with projen,
 * constructs, a pinned tsx and (unless an organisation's template brings it) this package as devDependencies.
 */
export function repoPackageJson(dir: string, name: string, pkg: { [key: string]: any } = {}, dependOnThisPackage = true): { [key: string]: any } {
  const dev: { [name: string]: string } = { ...(pkg.devDependencies ?? {}) };
  dev.projen = installedVersion(dir, 'projen') ?? PROJEN_RANGE;
  dev.constructs = dev.constructs ?? `^${installedVersion(dir, 'constructs') ?? '10.0.0'}`;
  dev.tsx = TSX_VERSION;
  if (dependOnThisPackage) {
    dev['projen-go-service'] = dev['projen-go-service'] ?? `^${ownVersion()}`;
  }
  const sorted = Object.fromEntries(Object.entries(dev).sort(([a], [b]) => a.localeCompare(b)));
  return {
    ...pkg,
    name: pkg.name ?? name,
    private: true,
    description: pkg.description ?? 'Holds projen and projen-go-service, which generate this repository from .projenrc.ts: npm install && npx projen',
    scripts: { ...(pkg.scripts ?? {}), projen: 'projen' },
    devDependencies: sorted,
  };
}

/** Installs a generated repo's packages (npm install), its output going to ours. */
export function installRepoPackages(dir: string): void {
  execSync('npm install --no-audit --no-fund', { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
}

function installedVersion(dir: string, name: string): string | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf-8')).version;
  } catch {
    return undefined;
  }
}

function ownVersion(): string {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf-8')).version;
}
