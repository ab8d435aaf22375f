import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DOCKER, dockerReady, freePort, newRepo, removeRepo, run, waitForHttp } from './fixtures';

/**
 * Issue 3: every combination buildable offline builds a correct, minimal image. One repo holds one
 * service per combination, so one Dockerfile carries every target, as a user's would.
 */
interface Combo {
  /** The service name. */
  readonly name: string;
  /** The GoService options, as TypeScript source. */
  readonly options: string;
  /** The base image the runtime stage names ('' for scratch). */
  readonly base: string;
  readonly uid: number;
  /** The selfcheck must see a CA bundle. */
  readonly certs: boolean;
  /** The selfcheck must resolve this zone (undefined: no zone data). */
  readonly zone?: string;
  /** Files we add on purpose besides the binary, to count in the size budget. */
  readonly added: string[];
  readonly cgo?: boolean;
  /** Also build and try the -debug target. */
  readonly debug?: boolean;
  readonly tmp?: boolean;
}

const CA = '/etc/ssl/certs/ca-certificates.crt';

function distroless(variant: 'static' | 'base' | 'cc', debian: 12 | 13, nonroot: boolean): Combo {
  const v = variant.toUpperCase();
  return {
    name: `d-${variant}-${debian}-${nonroot ? 'nonroot' : 'root'}`,
    options: `runtime: RuntimeStage.distroless({ variant: DistrolessVariant.${v}, debian: ${debian}, nonroot: ${nonroot} })`,
    base: `gcr.io/distroless/${variant}-debian${debian}:${nonroot ? 'nonroot' : 'latest'}`,
    uid: nonroot ? 65532 : 0,
    certs: true,
    zone: 'Europe/Berlin',
    added: [],
    debug: variant === 'static' && debian === 13,
  };
}

const COMBOS: Combo[] = [
  { name: 's-default', options: '', base: '', uid: 65532, certs: true, zone: 'Europe/Berlin', added: [CA], debug: true },
  { name: 's-root', options: 'runtime: RuntimeStage.scratch({ nonroot: false })', base: '', uid: 0, certs: true, zone: 'Europe/Berlin', added: [CA] },
  { name: 's-bare', options: 'certs: CertsLayer.none(), tz: TzLayer.none()', base: '', uid: 65532, certs: false, added: [] },
  {
    name: 's-zip',
    options: "tz: TzLayer.zoneinfoZip({ defaultZone: 'Asia/Tokyo' })",
    base: '',
    uid: 65532,
    certs: true,
    zone: 'Asia/Tokyo',
    added: [CA, '/usr/local/share/zoneinfo.zip'],
  },
  {
    name: 's-user',
    options: "writableTmp: true, userName: 'app', configFiles: ['config/s-user.yaml']",
    base: '',
    uid: 65532,
    certs: true,
    zone: 'Europe/Berlin',
    added: [CA, '/etc/passwd', '/etc/group', '/etc/s-user/s-user.yaml'],
    tmp: true,
  },
  ...(['static', 'base', 'cc'] as const).flatMap((v) => ([12, 13] as const).flatMap((d) => [true, false].map((n) => distroless(v, d, n)))),
  {
    name: 'cgo-base',
    options: 'cgo: true, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.BASE })',
    base: 'gcr.io/distroless/base-debian13:nonroot',
    uid: 65532,
    certs: true,
    zone: 'Europe/Berlin',
    added: [],
    cgo: true,
    debug: true,
  },
  {
    name: 'cgo-cc',
    options: 'cgo: true, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.CC, debian: 12, nonroot: false })',
    base: 'gcr.io/distroless/cc-debian12:latest',
    uid: 0,
    certs: true,
    zone: 'Europe/Berlin',
    added: [],
    cgo: true,
  },
];

function projenrc(): string {
  const services = COMBOS.map((c, i) => `new GoService(project, '${c.name}', { port: ${9100 + i}${c.options ? `, ${c.options}` : ''} });`);
  return [
    "import { CertsLayer, DistrolessVariant, GoService, GoServiceProject, RuntimeStage, TzLayer } from 'projen-go-service';",
    '',
    "const project = new GoServiceProject({ name: 'matrix' });",
    ...services,
    '// alpine renders and lints, but cannot be built offline: see the skipped test',
    'void CertsLayer; void TzLayer; void DistrolessVariant; void RuntimeStage;',
    'project.synth();',
    '',
  ].join('\n');
}

/** The size of a file inside an image, read with docker cp (the images have no shell). */
function fileSize(container: string, path: string): number {
  const out = mkdtempSync(join(tmpdir(), 'pgs-cp-'));
  try {
    run(DOCKER, ['cp', `${container}:${path}`, out]);
    return statSync(join(out, path.split('/').pop()!)).size;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const withDocker = dockerReady();

(withDocker ? describe : describe.skip)('every offline-buildable combination builds, runs and stays minimal', () => {
  let repo: string;
  const version = 'matrix';
  const report: string[] = [];

  beforeAll(() => {
    repo = newRepo('matrix');
    run('mkdir', ['-p', join(repo, 'config')]);
    writeFileSync(join(repo, 'config', 's-user.yaml'), 'greeting: hello\n');
    writeFileSync(join(repo, '.projenrc.ts'), projenrc());
    run('npx', ['projen'], { cwd: repo });
    run('go', ['vet', './...'], { cwd: repo });
    // every target in one make run, as a user would: make docker-build
    const built = run('make', ['docker-build', `DOCKER=${DOCKER}`, `VERSION=${version}`], { cwd: repo });
    report.push(`make docker-build of ${COMBOS.length + 1} targets: ${built.ms} ms`);
  });

  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`image matrix:\n  ${report.join('\n  ')}`);
    removeRepo(repo);
  });

  test.each(COMBOS.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const image = `matrix-${c.name}:${version}`;
    const port = await freePort();
    const id = run(DOCKER, ['run', '-d', '--network=host', '--read-only', '--cap-drop', 'ALL', '-e', `PORT=${port}`, image]).stdout.trim();
    try {
      expect(await waitForHttp(`http://127.0.0.1:${port}/healthz`)).toBe(200);
      run(DOCKER, ['exec', id, `/usr/local/bin/${c.name}`, 'healthcheck']);
      const check = JSON.parse(run(DOCKER, ['exec', id, `/usr/local/bin/${c.name}`, 'selfcheck']).stdout);
      expect(check.uid).toBe(c.uid);
      const top = run(DOCKER, ['top', id, '-o', 'pid,uid']).stdout.trim().split('\n').slice(1).map((l) => Number(l.trim().split(/\s+/)[1]));
      expect(top).toEqual([c.uid]);
      expect(check.cgo).toBe(!!c.cgo);
      if (c.certs) expect(check.certs).toBeGreaterThan(50);
      else expect(check.certs ?? 0).toBe(0);
      if (c.zone) expect(check.tz).toBe(c.zone);
      else expect(check.tzError).toMatch(/unknown time zone/);

      const imageBytes = Number(run(DOCKER, ['image', 'inspect', '-f', '{{.Size}}', image]).stdout.trim());
      const baseBytes = c.base ? Number(run(DOCKER, ['image', 'inspect', '-f', '{{.Size}}', c.base]).stdout.trim()) : 0;
      const binaryBytes = fileSize(id, `/usr/local/bin/${c.name}`);
      const addedBytes = c.added.reduce((sum, f) => sum + fileSize(id, f), 0);
      const over = imageBytes - baseBytes - binaryBytes - addedBytes;
      report.push(`${c.name}: image ${imageBytes}, base ${baseBytes}, binary ${binaryBytes}, added on purpose ${addedBytes}, unexplained ${over} bytes`);
      expect(over).toBeLessThanOrEqual(64 * 1024);

      if (c.tmp) {
        const listing = execFileSync('sh', ['-c', `${DOCKER} export ${id} | tar -tvf - tmp/`], { encoding: 'utf-8' });
        expect(listing.split('\n')[0]).toMatch(/^drwxrwxrwt /);
        const config = execFileSync('sh', ['-c', `${DOCKER} export ${id} | tar -tvf - etc/s-user/s-user.yaml`], { encoding: 'utf-8' });
        expect(config).toMatch(/^-r--r--r-- /);
        expect(run(DOCKER, ['image', 'inspect', '-f', '{{.Config.User}}', image]).stdout.trim()).toBe('app:app');
      }
    } finally {
      run(DOCKER, ['rm', '-f', id]);
    }
  });

  test.each(COMBOS.filter((c) => c.debug).map((c) => [c.name, c] as const))('%s-debug has a shell and the same binary', (_n, c) => {
    run('make', ['-s', `--eval=dbg: ; $(DOCKER) build $(DOCKER_BUILD_ARGS) --target ${c.name}-debug -t matrix-${c.name}-debug:${version} .`, 'dbg', `DOCKER=${DOCKER}`, `VERSION=${version}`], { cwd: repo });
    const out = run(DOCKER, ['run', '--rm', '--network=none', '--entrypoint', 'sh', `matrix-${c.name}-debug:${version}`, '-c', `id -u && /usr/local/bin/${c.name} version`]).stdout;
    expect(out.split('\n')[0]).toBe(String(c.uid));
    expect(out).toContain(`${c.name} ${version} (commit `);
  });

  // jest names a skipped test only with --verbose: the report says it in every run
  const ALPINE_SKIP = 'alpine runtimes build and run (skipped: no alpine image can be had offline; they are rendered and linted in test/dockerfile.test.ts)';
  test.skip(ALPINE_SKIP, () => {});
  beforeAll(() => { report.push(`SKIPPED: ${ALPINE_SKIP}`); });
});
