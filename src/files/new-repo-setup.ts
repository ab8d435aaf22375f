import { execSync } from 'child_process';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { Component } from 'projen';

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
  public postProjectCreation(): void {
    const dir = this.project.outdir;
    const file = join(dir, 'package.json');
    const pkg = existsSync(file) ? JSON.parse(readFileSync(file, 'utf-8')) : {};
    writeFileSync(file, `${JSON.stringify(repoPackageJson(dir, this.project.name, pkg), undefined, 2)}\n`);
    this.project.logger.info(`${INSTALLING}...`);
    installRepoPackages(dir);
  }
}

/** What the install of a generated repo's packages installs. */
export const INSTALLING = 'Installing projen, constructs, tsx and projen-go-service (npm install)';

/**
 * The unmanaged package.json of a generated repo: `pkg` (its current content, if any) with projen,
 * constructs, a pinned tsx and this package as devDependencies.
 */
export function repoPackageJson(dir: string, name: string, pkg: { [key: string]: any } = {}): { [key: string]: any } {
  const dev: { [name: string]: string } = { ...(pkg.devDependencies ?? {}) };
  dev.projen = installedVersion(dir, 'projen') ?? PROJEN_RANGE;
  dev.constructs = dev.constructs ?? `^${installedVersion(dir, 'constructs') ?? '10.0.0'}`;
  dev.tsx = TSX_VERSION;
  dev['projen-go-service'] = dev['projen-go-service'] ?? `^${ownVersion()}`;
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
