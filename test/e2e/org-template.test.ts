import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DOCKER, dockerReady, freePort, JSII_ENV, packedTarball, REPO, run, runFailing, waitForHttp } from './fixtures';
import { pushImage, Running, startImageRegistry, startNpmRegistry } from './local-registries';

/**
 * Issue 8, as a platform team does it: Acme's template (examples/org-template) is published to an
 * internal npm registry (Verdaccio on loopback) next to projen-go-service; a service repo is created
 * from it with `projen new --from`; its images come through Acme's mirror (a registry on loopback)
 * pinned by digest; a second version of the template (a new digest pin, a new label, a new Makefile
 * target) rolls out with `npm install @acme/go-service@1.1.0 && npx projen`, changing exactly those
 * lines and keeping the user's edits.
 */
const withDocker = dockerReady();
const FAKE_REDIS_DIGEST = `sha256:${'e'.repeat(64)}`;

/** Replaces one literal in a source file, and fails when it is not there (the example changed shape). */
function edit(file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(file, 'utf-8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${file}: ${String(from)} not found`);
  writeFileSync(file, next);
}

(withDocker ? describe : describe.skip)('an organisation template, published and rolled out through internal registries', () => {
  let images: Running & { host: string };
  let npm: Running & { npmrc: string };
  let work: string;
  let acme: string;
  let svc: string;
  const digests: { [name: string]: string } = {};
  const log: string[] = [];

  const npmEnv = () => ({ NPM_CONFIG_USERCONFIG: npm.npmrc });

  /** Builds the template at `version` the way its release does (projen compile + package) and publishes it. */
  function publishTemplate(version: string): void {
    run('npm', ['version', version, '--no-git-tag-version', '--allow-same-version'], { cwd: acme, env: npmEnv() });
    for (const task of ['compile', 'package']) {
      run('npx', ['projen', task], { cwd: acme, env: { ...npmEnv(), ...JSII_ENV } });
    }
    run('npm', ['publish', `./dist/js/go-service@${version}.jsii.tgz`], { cwd: acme, env: npmEnv() });
  }

  function diffOf(paths: string[]): string {
    const text = run('git', ['diff', '-U0', '--no-prefix', '--', ...paths], { cwd: svc }).stdout;
    return text.split('\n').filter((l) => !l.startsWith('index ') && !l.startsWith('diff --git'))
      .join('\n')
      .replaceAll(images.host, '<mirror>')
      .replace(new RegExp(digests.golangV1, 'g'), '<golang v1 digest>')
      .replace(new RegExp(digests.golangV2, 'g'), '<golang v2 digest>')
      .replace(new RegExp(digests.distroless, 'g'), '<distroless digest>');
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'pgs-org-'));
    const start = Date.now();
    // the org's image mirror, with the stand-ins pushed into it
    images = await startImageRegistry();
    digests.golangV1 = pushImage(images.host, 'golang:1.26-alpine');
    digests.distroless = pushImage(images.host, 'gcr.io/distroless/static-debian13:nonroot');
    // the org's npm registry, with projen-go-service published into it
    npm = await startNpmRegistry();
    run('npm', ['publish', packedTarball()], { env: npmEnv() });
    log.push(`registries up and projen-go-service published: ${Date.now() - start} ms`);

    // the platform team's copy of the recipe, with its own mirror, pins and module proxy
    acme = join(work, 'acme-go-service');
    cpSync(join(REPO, 'examples', 'org-template'), acme, { recursive: true });
    const defaults = join(acme, 'src', 'acme-defaults.ts');
    edit(defaults, "registryMirror: 'registry.acme.example/mirror'", `registryMirror: '${images.host}'`);
    edit(defaults, /('golang:1\.26-alpine': ')sha256:[a-f0-9]{64}/, `$1${digests.golangV1}`);
    edit(defaults, /('gcr\.io\/distroless\/static-debian13:nonroot': ')sha256:[a-f0-9]{64}/, `$1${digests.distroless}`);
    edit(defaults, /('redis:8\.2-alpine': ')sha256:[a-f0-9]{64}/, `$1${FAKE_REDIS_DIGEST}`);
    const goproxy = run('go', ['env', 'GOPROXY']).stdout.trim();
    edit(defaults, "goproxy: 'https://goproxy.acme.example,https://proxy.golang.org,direct'", `goproxy: '${goproxy}'`);
    const t = Date.now();
    run('npm', ['install'], { cwd: acme, env: npmEnv() });
    publishTemplate('1.0.0');
    log.push(`@acme/go-service 1.0.0 built and published: ${Date.now() - t} ms`);

    // a service repo, created from the template through the internal registry
    svc = join(work, 'payments');
    mkdirSync(svc);
    const n = Date.now();
    run(join(REPO, 'node_modules', '.bin', 'projen'), ['new', '--from', '@acme/go-service@1.0.0', 'acme-go-service'], { cwd: svc, env: npmEnv() });
    log.push(`projen new --from @acme/go-service@1.0.0: ${Date.now() - n} ms`);
  });

  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`org template:\n  ${log.join('\n  ')}`);
    npm?.stop();
    images?.stop();
    if (!process.env.KEEP_E2E) rmSync(work, { recursive: true, force: true });
  });

  test('the new repo imports the template and carries its defaults', () => {
    expect(readFileSync(join(svc, '.projenrc.ts'), 'utf-8')).toContain('import { AcmeGoService } from "@acme/go-service";');
    const dockerfile = readFileSync(join(svc, 'Dockerfile'), 'utf-8');
    expect(dockerfile).toContain(`FROM --platform=$BUILDPLATFORM ${images.host}/golang:1.26-alpine@${digests.golangV1} AS deps`);
    expect(dockerfile).toContain(`FROM ${images.host}/gcr.io/distroless/static-debian13:nonroot@${digests.distroless} AS payments`);
    expect(dockerfile).toContain('org.opencontainers.image.vendor="Acme Corp"');
    expect(dockerfile).toContain('org.opencontainers.image.source="https://git.acme.example/services/payments"');
    expect(dockerfile).toContain('--mount=type=secret,id=netrc,target=/root/.netrc');
    expect(readFileSync(join(svc, 'Makefile'), 'utf-8')).toContain('\nacme-deploy:\n');
    expect(readFileSync(join(svc, 'docker-compose.yml'), 'utf-8')).toContain(`image: "${images.host}/redis:8.2-alpine@${FAKE_REDIS_DIGEST}"`);
    expect(run('git', ['status', '--porcelain'], { cwd: svc }).stdout).toBe('');
  });

  test('it builds through the mirror, by digest, and runs', async () => {
    run('go', ['build', './...'], { cwd: svc });
    run('make', ['docker-build', `DOCKER=${DOCKER}`, 'VERSION=v1'], { cwd: svc });
    const port = await freePort();
    const id = run(DOCKER, ['run', '-d', '--network=host', '--read-only', '--cap-drop', 'ALL', '-e', `PORT=${port}`, 'payments:v1']).stdout.trim();
    try {
      expect(await waitForHttp(`http://127.0.0.1:${port}/healthz`)).toBe(200);
    } finally {
      run(DOCKER, ['rm', '-f', id]);
    }
    run('docker-compose', ['config', '-q'], { cwd: svc });
  });

  test('the policy refuses what the org forbids, naming the rule, and writes nothing', () => {
    const rc = join(svc, '.projenrc.ts');
    const original = readFileSync(rc, 'utf-8');
    writeFileSync(rc, original
      .replace('import { AcmeGoService } from "@acme/go-service";', 'import { AcmeGoService } from "@acme/go-service";\nimport { RuntimeStage } from "projen-go-service";')
      .replace('name: "payments",', 'name: "payments",\n  runtime: RuntimeStage.alpine({ version: "3.22" }),'));
    const before = run('git', ['status', '--porcelain'], { cwd: svc }).stdout;
    const failed = runFailing('npx', ['projen'], { cwd: svc });
    expect(failed.output).toContain('payments.runtime: payments runs on alpine 3.22 (policy "no-alpine"). Use RuntimeStage.distroless() or RuntimeStage.scratch().');
    expect(failed.output).toContain('payments.runtime: the runtime image alpine:3.22 is not pinned by digest (policy "pinned-images").');
    expect(run('git', ['status', '--porcelain'], { cwd: svc }).stdout).toBe(before);
    writeFileSync(rc, original);
  });

  test('a new version rolls out: exactly its lines change, the user\'s edits stay, it still builds', () => {
    // the user's own work in the service repo
    const main = join(svc, 'cmd', 'payments', 'main.go');
    writeFileSync(main, readFileSync(main, 'utf-8').replace('func port() string {', '// payments: user edit\nfunc port() string {'));
    mkdirSync(join(svc, 'internal', 'money'), { recursive: true });
    writeFileSync(join(svc, 'internal', 'money', 'money.go'), 'package money\n\n// Cents is an amount of money.\ntype Cents int64\n');
    writeFileSync(join(svc, 'README.md'), `${readFileSync(join(svc, 'README.md'), 'utf-8')}\n## On call\n\nPayments team.\n`);
    run('git', ['add', '-A'], { cwd: svc });
    run('git', ['commit', '-qm', 'user work'], { cwd: svc });

    // the platform team's 1.1.0: the builder image moved (new digest), a label, a Makefile target
    run(DOCKER, ['build', '-t', 'golang:1.26-alpine-v2', '-'], { stdio: ['pipe', 'pipe', 'pipe'], input: 'FROM golang:1.26-alpine\nLABEL com.acme.rebuilt="2"\n' });
    digests.golangV2 = pushImage(images.host, 'golang:1.26-alpine-v2', 'golang:1.26-alpine');
    const defaults = join(acme, 'src', 'acme-defaults.ts');
    edit(defaults, digests.golangV1, digests.golangV2);
    edit(defaults, "'org.opencontainers.image.vendor': 'Acme Corp',", "'org.opencontainers.image.vendor': 'Acme Corp',\n    'com.acme.cost-center': 'platform',");
    edit(defaults, '  makeTargets: [\n', [
      '  makeTargets: [',
      '    {',
      "      targets: ['acme-scan'],",
      "      description: 'Scan the images with acmectl',",
      "      recipe: ['acmectl scan $(PAYMENTS_IMAGE):$(VERSION)'],",
      '      phony: true,',
      '    },',
      '',
    ].join('\n'));
    publishTemplate('1.1.0');

    const t = Date.now();
    run('npm', ['install', '@acme/go-service@1.1.0'], { cwd: svc, env: npmEnv() });
    const synth = run('sh', ['-c', 'npx projen 2>&1'], { cwd: svc });
    log.push(`npm install @acme/go-service@1.1.0 && npx projen: ${Date.now() - t} ms`);
    expect(synth.stdout).not.toContain('restored');

    const changed = run('git', ['status', '--porcelain'], { cwd: svc }).stdout.split('\n').filter(Boolean).map((l) => l.slice(3)).sort();
    expect(changed).toEqual(['Dockerfile', 'Makefile', 'package-lock.json', 'package.json']);
    expect(diffOf(['Dockerfile', 'Makefile', 'package.json'])).toMatchSnapshot();

    // the user's work is untouched
    expect(readFileSync(main, 'utf-8')).toContain('// payments: user edit');
    expect(readFileSync(join(svc, 'README.md'), 'utf-8')).toContain('## On call');
    run('go', ['build', './...'], { cwd: svc });
    run('make', ['docker-build', `DOCKER=${DOCKER}`, 'VERSION=v2'], { cwd: svc });
    const labels = JSON.parse(run(DOCKER, ['image', 'inspect', '-f', '{{json .Config.Labels}}', 'payments:v2']).stdout);
    expect(labels['com.acme.cost-center']).toBe('platform');
    run('git', ['add', '-A'], { cwd: svc });
    run('git', ['commit', '-qm', 'acme 1.1.0'], { cwd: svc });
    run('npx', ['projen'], { cwd: svc });
    expect(run('git', ['status', '--porcelain'], { cwd: svc }).stdout).toBe('');
  });
});
