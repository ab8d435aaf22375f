import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as YAML from 'yaml';
import { DistrolessVariant, GoService, GoServiceProject, GoServiceProjectOptions, PostgresDatabase, RedisCache, ReleaseTrigger, RuntimeStage } from '../src';
import { actionlintBin, onPath } from './pipeline-tools';
import { newProject, synth } from './util';
import { ACTION_PINS } from '../src/model/pipeline';

const BUILD = '.github/workflows/build.yml';
const RELEASE = '.github/workflows/release.yml';
const UPGRADE = '.github/workflows/upgrade.yml';
const WORKFLOWS = [BUILD, RELEASE, UPGRADE];

/** A workflow as GitHub reads it. */
function workflow(files: { [path: string]: any }, path: string): any {
  return YAML.parse(files[path]);
}

/** The workflow variants the lint covers: services, add-ons, Kubernetes, private modules, an org template's settings. */
const VARIANTS: { [name: string]: (o: Partial<GoServiceProjectOptions>) => GoServiceProject } = {
  'one service (projen new)': (o) => newProject({ ci: true, ...o }),
  'services and add-ons': (o) => {
    const p = newProject({ ci: true, ...o });
    new GoService(p, 'api', { port: 9090, runtime: RuntimeStage.distroless() });
    new GoService(p, 'pdf', { port: 9091, cgo: true, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.BASE }) });
    new PostgresDatabase(p, { services: ['hello'] });
    new RedisCache(p);
    return p;
  },
  'Kubernetes': (o) => newProject({ ci: true, kubernetes: true, ...o }),
  'private modules, releases from main': (o) => newProject({
    ci: true,
    goModules: { goprivate: 'github.com/acme/*', netrc: true },
    ciOptions: { releaseOn: ReleaseTrigger.MAIN, mainBranch: 'trunk' },
    ...o,
  }),
  'an org template: its registry, signer and package': (o) => newProject({
    ci: true,
    ciOptions: {
      registry: 'registry.acme.example/payments',
      signingIdentity: '^https://github.com/acme/[^/]+/.github/workflows/release.yml@refs/tags/v',
      templatePackages: ['@acme/go-service'],
      upgradeSchedule: '30 5 * * 2',
    },
    ...o,
  }),
};

describe('the pipeline (ci: true)', () => {
  test('GIVEN ci: true WHEN synthesized THEN build, release and upgrade workflows call make targets', () => {
    const files = synth(newProject({ ci: true }));
    const runs = (path: string) => Object.values(workflow(files, path).jobs)
      .flatMap((j: any) => j.steps.filter((s: any) => s.run).map((s: any) => s.run));
    expect(runs(BUILD)).toEqual(['make ci']);
    expect(runs(RELEASE)).toEqual(['make tools', 'make release', 'make verify']);
    expect(runs(UPGRADE)).toEqual([
      'if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi\n' +
      'npm install --save-dev --no-audit --no-fund projen-go-service@latest\nnpx projen',
    ]);
    expect(workflow(files, BUILD).on).toEqual({ pull_request: { branches: ['main'] }, push: { branches: ['main'] }, workflow_dispatch: {} });
    expect(workflow(files, RELEASE).on).toEqual({ push: { tags: ['v*'] } });
    expect(workflow(files, UPGRADE).on).toEqual({ schedule: [{ cron: '0 6 * * 1' }], workflow_dispatch: {} });
  });

  test('every job asks for the permissions it needs: id-token: write only where it signs', () => {
    const files = synth(newProject({ ci: true }));
    expect(workflow(files, BUILD).jobs.ci.permissions).toEqual({ contents: 'read' });
    expect(workflow(files, RELEASE).jobs.release.permissions).toEqual({ 'contents': 'read', 'packages': 'write', 'id-token': 'write' });
    expect(workflow(files, UPGRADE).jobs.upgrade.permissions).toEqual({ 'contents': 'write', 'pull-requests': 'write' });
  });

  test('every action is pinned by commit, with its release in a comment', () => {
    const files = synth(newProject({ ci: true }));
    const uses = WORKFLOWS.flatMap((w) => String(files[w]).split('\n').filter((l) => /^\s*(-\s+)?uses:/.test(l)).map((l) => l.trim()));
    expect(uses.length).toBeGreaterThan(8);
    for (const line of uses) {
      expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
    expect(uses).toContain(`uses: actions/checkout@${ACTION_PINS[0].commit} # ${ACTION_PINS[0].version}`);
  });

  test('a pin in .projenrc.ts (ciOptions.actionPins) replaces the shipped one in every workflow', () => {
    const sha = 'a'.repeat(40);
    const files = synth(newProject({ ci: true, ciOptions: { actionPins: { 'actions/checkout@v5.1.0': sha } } }));
    for (const w of WORKFLOWS) {
      expect(files[w]).toContain(`uses: actions/checkout@${sha} # v5.1.0`);
      expect(files[w]).not.toContain(ACTION_PINS[0].commit);
    }
  });

  test('one option reaches every file that depends on it: the registry, the signer, the template', () => {
    const files = synth(VARIANTS['an org template: its registry, signer and package']({}));
    const release = workflow(files, RELEASE).jobs.release;
    expect(release.env).toEqual({
      REGISTRY: 'registry.acme.example/payments',
      COSIGN_IDENTITY: '^https://github.com/acme/[^/]+/.github/workflows/release.yml@refs/tags/v',
      COSIGN_ISSUER: 'https://token.actions.githubusercontent.com',
    });
    expect(release.steps.find((s: any) => s.id === 'login').with).toEqual({
      registry: 'registry.acme.example', username: '${{ secrets.REGISTRY_USERNAME }}', password: '${{ secrets.REGISTRY_PASSWORD }}',
    });
    expect(workflow(files, UPGRADE).jobs.upgrade.steps.find((s: any) => s.id === 'bump').run).toContain('npm install --save-dev --no-audit --no-fund @acme/go-service@latest');
    expect(workflow(files, UPGRADE).on.schedule).toEqual([{ cron: '30 5 * * 2' }]);
    const renovate = files['renovate.json5'];
    expect(renovate.packageRules).toContainEqual(expect.objectContaining({ groupName: 'template', matchPackageNames: ['@acme/go-service', 'projen', 'constructs'] }));
    expect(renovate.ignorePaths).toEqual(['Dockerfile', 'docker-compose.yml', BUILD, RELEASE, UPGRADE]);
    expect(renovate.postUpgradeTasks.commands).toEqual(['npm ci', 'npx projen']);
  });

  test('Renovate finds the action pins of .projenrc.ts', () => {
    const files = synth(newProject({ ci: true }));
    const manager = files['renovate.json5'].customManagers.find((m: any) => m.datasourceTemplate === 'github-tags');
    const re = new RegExp(manager.matchStrings[0].replace(/\(\?<(\w+)>/g, '(?<$1>'));
    const m = re.exec("    actionPins: { 'actions/checkout@v5.0.0': '08c6903cd8c0fde910a37f88322edcfb5dd907a8' },");
    expect(m?.groups).toEqual({ depName: 'actions/checkout', currentValue: 'v5.0.0', currentDigest: '08c6903cd8c0fde910a37f88322edcfb5dd907a8' });
  });

  test('private modules: the .netrc comes from a CI secret, for go and the BuildKit secret, never a build arg', () => {
    const files = synth(VARIANTS['private modules, releases from main']({}));
    for (const [path, job] of [[BUILD, 'ci'], [RELEASE, 'release']]) {
      const step = workflow(files, path).jobs[job].steps.find((s: any) => s.id === 'netrc');
      expect(step).toEqual({
        id: 'netrc',
        name: 'Credentials for private modules (.netrc)',
        env: { NETRC_CONTENT: '${{ secrets.GO_MODULES_NETRC }}' },
        run: 'umask 077\nprintf \'%s\\n\' "$NETRC_CONTENT" > "$HOME/.netrc"',
      });
    }
    expect(files.Makefile).toContain('--secret id=netrc$(comma)src=$(NETRC)');
    expect(workflow(files, RELEASE).on).toEqual({ push: { branches: ['trunk'] } });
    expect(workflow(files, BUILD).on.pull_request).toEqual({ branches: ['trunk'] });
  });

  test('GIVEN ci off (adopt, or not asked) THEN no workflow, no pipeline target, no pipeline rule in Renovate', () => {
    const files = synth(newProject());
    expect(Object.keys(files).filter((f) => f.startsWith('.github/'))).toEqual([]);
    expect(files.Makefile).not.toMatch(/^(ci|drift|release|verify|tools):/m);
    expect(files['renovate.json5'].customManagers.map((m: any) => m.datasourceTemplate)).toEqual(['golang-version', 'docker']);
    expect(files['renovate.json5'].ignorePaths).toEqual(['Dockerfile', 'docker-compose.yml']);
  });

  test('GIVEN a repository with its own build.yml WHEN synthesized THEN it stays as it is and the others are generated', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'pgs-unit-'));
    mkdirSync(join(outdir, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(outdir, BUILD), 'name: ours\non: push\njobs: {}\n');
    const project = newProject({ ci: true, outdir });
    const files = synth(project);
    expect(files[BUILD]).toEqual('name: ours\non: push\njobs: {}\n');
    expect(files[RELEASE]).toContain('make release');
    expect(files[UPGRADE]).toContain('npx projen');
    expect(files['.projen/files.json'].files).not.toContain(BUILD);
    expect(files['renovate.json5'].ignorePaths).toEqual(['Dockerfile', 'docker-compose.yml', RELEASE, UPGRADE]);
    expect(project.pipeline!.keptWorkflows).toEqual([BUILD]);
  });

  test('the Makefile: ci runs the drift check first, then vet, the images and the race detector', () => {
    const text = String(synth(newProject({ ci: true })).Makefile);
    expect(text).toContain('ci: drift vet docker-build\n\tCGO_ENABLED=1 $(GO) test -race ./...');
    expect(text).toContain('release: release-hello');
    expect(text).toContain('verify: verify-hello');
    expect(text).toMatch(/^COSIGN_VERSION \?= v\d+\.\d+\.\d+$/m);
    expect(text).toMatch(/^SYFT_VERSION \?= v\d+\.\d+\.\d+$/m);
  });

  test.each([
    [{ ciOptions: { registry: 'x' } }, 'ciOptions: is set, and the project generates no pipeline. Set ci: true as well, or remove ciOptions.'],
    [{ ci: true, ciOptions: { actionPins: { 'actions/checkout': 'abc' } } },
      'ciOptions.actionPins: "actions/checkout": "abc" is not an action pinned to a commit. Write \'owner/repo@v1.2.3\': \'<the 40-hex-digit commit of that release>\'.'],
    [{ ci: true, ciOptions: { upgradeSchedule: 'weekly' } }, 'ciOptions.upgradeSchedule: "weekly" is not a cron expression of five fields. Use minute hour day month weekday, such as "0 6 * * 1".'],
    [{ ci: true, ciOptions: { templatePackages: ['Acme Template'] } }, 'ciOptions.templatePackages: "Acme Template" is not an npm package name. Name the package as npm does, such as "@acme/go-service".'],
  ] as Array<[Partial<GoServiceProjectOptions>, string]>)('refuses %j', (options, message) => {
    expect(() => newProject(options)).toThrow(message);
  });
});

describe('actionlint (with shellcheck) on every generated workflow variant', () => {
  let actionlint: string;
  beforeAll(() => {
    if (!onPath('shellcheck')) throw new Error('shellcheck is not installed: apt-get install shellcheck (.ci/run does)');
    actionlint = actionlintBin();
  }, 600_000);

  /** actionlint's findings on the files, one line each. */
  function lint(files: { [path: string]: string }): string[] {
    const dir = mkdtempSync(join(tmpdir(), 'pgs-actionlint-'));
    mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
    for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
    const r = spawnSync(actionlint, ['-oneline', '-no-color', ...Object.keys(files)], { cwd: dir, encoding: 'utf-8' });
    if (r.status !== 0 && r.status !== 1) throw new Error(`actionlint failed: ${r.stderr}`);
    return r.stdout.split('\n').filter(Boolean);
  }

  const findings: { [variant: string]: number } = {};
  afterAll(() => console.log(`actionlint findings per variant: ${JSON.stringify(findings)}`));

  test('the lint can fail: an unquoted variable (shellcheck) and an unknown permission are found', () => {
    const bad = lint({
      '.github/workflows/bad.yml': 'on: push\npermissions:\n  token: write\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo $HOME/$1\n',
    });
    expect(bad.some((l) => l.includes('shellcheck'))).toBe(true);
    expect(bad.some((l) => l.includes('"token"'))).toBe(true);
  });

  test.each(Object.keys(VARIANTS))('%s: zero findings', (variant) => {
    const files = synth(VARIANTS[variant]({}));
    const workflows = Object.fromEntries(Object.entries(files).filter(([p]) => p.startsWith('.github/workflows/')));
    expect(Object.keys(workflows).sort()).toEqual([BUILD, RELEASE, UPGRADE]);
    const found = lint(workflows as { [path: string]: string });
    findings[variant] = found.length;
    expect(found).toEqual([]);
  });
});
