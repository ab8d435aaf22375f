import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';
import * as YAML from 'yaml';
import { composeValidator } from '../compose-schema';
import { KUBECTL, newRepo, removeRepo, run } from './fixtures';

/**
 * Issue 4: a user edits one line of .projenrc.ts, runs npx projen, and every file that depends on
 * that fact changes, and nothing else does; a second run changes nothing; their own edits survive.
 */
interface Config {
  port: number;
  goVersion: string;
  modulePath: string;
  distroless: boolean;
  worker: boolean;
  postgres: boolean;
  redis: boolean;
  kubernetes: boolean;
  /** The health check of hello: the sample's mode, or GET /readyz. */
  readyz: boolean;
  /** hello runs as root (distroless nonroot: false). */
  root: boolean;
  logLevel?: string;
  memoryMiB?: number;
}

function projenrc(c: Config): string {
  return [
    "import { Size } from 'cdk8s';",
    "import { GoService, GoServiceProject, HealthCheck, PostgresDatabase, RedisCache, RuntimeStage } from 'projen-go-service';",
    '',
    'const project = new GoServiceProject({',
    "  name: 'hello',",
    `  modulePath: '${c.modulePath}',`,
    `  goVersion: '${c.goVersion}',`,
    `  port: ${c.port},`,
    ...(c.distroless ? [`  runtime: RuntimeStage.distroless(${c.root ? '{ nonroot: false }' : ''}),`] : []),
    ...(c.readyz ? ["  healthCheck: HealthCheck.http({ path: '/readyz' }),"] : []),
    ...(c.logLevel ? [`  environment: { LOG_LEVEL: '${c.logLevel}' },`] : []),
    ...(c.kubernetes ? ['  kubernetes: true,'] : []),
    ...(c.memoryMiB ? [`  deployment: { resources: { memory: { limit: Size.mebibytes(${c.memoryMiB}) } } },`] : []),
    '});',
    ...(c.worker ? ["new GoService(project, 'worker', { port: 9090 });"] : []),
    ...(c.postgres ? ["new PostgresDatabase(project, { services: ['hello'] });"] : []),
    ...(c.redis ? ['new RedisCache(project);'] : []),
    'void GoService; void HealthCheck; void PostgresDatabase; void RedisCache; void RuntimeStage; void Size;',
    'project.synth();',
    '',
  ].join('\n');
}

interface Step {
  readonly name: string;
  readonly change: Partial<Config>;
  /** Every file the synthesis changes (besides .projenrc.ts), `?? ` for new ones. */
  readonly files: string[];
  /** A user action after the synthesis, before the checks (what the notice asks for). */
  readonly then?: (repo: string) => void;
  /** What npx projen must print. */
  readonly prints?: string;
}

const STEPS: Step[] = [
  { name: 'port 8081 -> 9191', change: { port: 9191 }, files: ['Dockerfile', 'Makefile', 'docker-compose.yml'] },
  { name: 'goVersion 1.25 -> 1.26', change: { goVersion: '1.26' }, files: ['Dockerfile', 'go.mod'] },
  {
    name: 'modulePath example.com/hello-svc -> github.com/acme/hello',
    change: { modulePath: 'github.com/acme/hello' },
    files: ['go.mod'],
    prints: 'go.mod: module path changed from example.com/hello-svc to github.com/acme/hello; imports of example.com/hello-svc/... in your code are yours to update.',
    then: (repo) => run('sh', ['-c', "grep -rl 'example.com/hello-svc/' --include='*.go' . | xargs sed -i 's#example.com/hello-svc/#github.com/acme/hello/#'"], { cwd: repo }),
  },
  // the development container builds with the image's build tags: timetzdata goes with the embedded zones
  { name: 'runtime of hello: scratch -> distroless', change: { distroless: true }, files: ['Dockerfile', 'Makefile', 'SECURITY.md', 'docker-compose.dev.yml'] },
  {
    name: 'add service worker',
    change: { worker: true },
    files: ['.dockerignore', 'Dockerfile', 'Makefile', 'SECURITY.md', 'docker-compose.dev.yml', 'docker-compose.yml', '?? cmd/worker/'],
  },
  {
    name: 'remove service worker',
    change: { worker: false },
    files: ['.dockerignore', 'Dockerfile', 'Makefile', 'SECURITY.md', 'docker-compose.dev.yml', 'docker-compose.yml'],
    prints: 'service worker was removed: its Dockerfile targets, compose service and Makefile targets are gone; its code in cmd/worker/ is yours and stays.',
  },
  // (the migrations: their Dockerfile stage, compose service and watch rule, the directory's sample pair)
  { name: 'add Postgres', change: { postgres: true }, files: ['.dockerignore', 'Dockerfile', 'Makefile', 'docker-compose.dev.yml', 'docker-compose.yml', '?? migrations/'] },
  { name: 'remove Postgres', change: { postgres: false }, files: ['.dockerignore', 'Dockerfile', 'Makefile', 'docker-compose.dev.yml', 'docker-compose.yml'] },
  { name: 'add Redis', change: { redis: true }, files: ['Makefile', 'docker-compose.yml'] },
  // issue 16: the manifests are in the table
  {
    name: 'kubernetes: true',
    change: { kubernetes: true },
    files: ['.gitignore', '.projen/files.json', 'Makefile', '?? k8s/'],
  },
  { name: 'port 9191 -> 9292, with manifests', change: { port: 9292 }, files: ['Dockerfile', 'Makefile', 'docker-compose.yml', 'k8s/services/hello.yaml'] },
  {
    name: 'health check: healthcheck mode -> GET /readyz',
    change: { readyz: true },
    files: ['Dockerfile', 'docker-compose.yml', 'k8s/services/hello.yaml'],
  },
  { name: 'environment: LOG_LEVEL=debug', change: { logLevel: 'debug' }, files: ['Makefile', 'docker-compose.yml', 'k8s/services/hello.yaml'] },
  { name: 'resources: memory limit 256Mi', change: { memoryMiB: 256 }, files: ['k8s/services/hello.yaml'] },
  {
    name: 'runtime user: 65532 -> root',
    change: { root: true },
    files: ['Dockerfile', 'SECURITY.md', 'docker-compose.yml', 'k8s/namespace.yaml', 'k8s/services/hello.yaml'],
    prints: 'kubernetes: hello runs as root (nonroot: false)',
  },
  {
    name: 'runtime user: root -> 65532',
    change: { root: false },
    files: ['Dockerfile', 'SECURITY.md', 'docker-compose.yml', 'k8s/namespace.yaml', 'k8s/services/hello.yaml'],
  },
  {
    name: 'add service worker, with manifests',
    change: { worker: true },
    files: ['.dockerignore', '.gitignore', '.projen/files.json', 'Dockerfile', 'Makefile', 'SECURITY.md', 'docker-compose.dev.yml', 'docker-compose.yml', 'k8s/kustomization.yaml', '?? k8s/services/worker.yaml'],
  },
  {
    name: 'remove service worker, with manifests',
    change: { worker: false },
    files: ['.dockerignore', '.gitignore', '.projen/files.json', 'Dockerfile', 'Makefile', 'SECURITY.md', 'docker-compose.dev.yml', 'docker-compose.yml', 'k8s/kustomization.yaml', 'k8s/services/worker.yaml'],
  },
];

/** `git diff` of the generated files, without the parts that name blobs. */
function diff(repo: string): string {
  return run('git', ['diff', '-U0', '--no-prefix', '--', '.', ':!.projenrc.ts'], { cwd: repo }).stdout
    .split('\n').filter((l) => !l.startsWith('index ') && !l.startsWith('diff --git')).join('\n');
}

function changedFiles(repo: string): string[] {
  return run('git', ['status', '--porcelain', '--untracked-files=normal'], { cwd: repo }).stdout.split('\n').filter(Boolean)
    .map((l) => (l.startsWith('??') ? `?? ${l.slice(3)}` : l.slice(3))).filter((f) => f !== '.projenrc.ts').sort();
}

describe('every re-synthesis changes exactly the files that depend on the change', () => {
  let repo: string;
  let config: Config;
  const validate = composeValidator();

  beforeAll(() => {
    // the plain options are flags of projen new
    repo = newRepo('hello', ['--go-version', '1.25', '--module-path', 'example.com/hello-svc', '--port', '8081']);
    const created = readFileSync(join(repo, '.projenrc.ts'), 'utf-8');
    expect(created).toContain('goVersion: "1.25",');
    expect(created).toContain('modulePath: "example.com/hello-svc",');
    expect(created).toContain('port: 8081,');
    expect(readFileSync(join(repo, 'go.mod'), 'utf-8')).toBe('module example.com/hello-svc\n\ngo 1.25\n');
    expect(readFileSync(join(repo, 'Dockerfile'), 'utf-8')).toContain('EXPOSE 8081/tcp');
    config = {
      port: 8081,
      goVersion: '1.25',
      modulePath: 'example.com/hello-svc',
      distroless: false,
      worker: false,
      postgres: false,
      redis: false,
      kubernetes: false,
      readyz: false,
      root: false,
    };
    // the user's own work: an edit to main.go, an internal package, a real module from the proxy
    mkdirSync(join(repo, 'internal', 'greet'), { recursive: true });
    writeFileSync(join(repo, 'internal', 'greet', 'greet.go'), [
      'package greet', '', 'import "github.com/google/uuid"', '',
      '// ID returns a request id.', 'func ID() string { return uuid.NewString() }', '',
    ].join('\n'));
    const main = join(repo, 'cmd', 'hello', 'main.go');
    writeFileSync(main, readFileSync(main, 'utf-8')
      .replace('"time"\n)', '"time"\n\n\t"example.com/hello-svc/internal/greet"\n)')
      .replace('func port() string {', '// user edit: every process logs a start id\nvar startID = greet.ID()\n\nfunc port() string {'));
    run('go', ['get', 'github.com/google/uuid@v1.6.0'], { cwd: repo });
    writeFileSync(join(repo, 'README.md'), `${readFileSync(join(repo, 'README.md'), 'utf-8')}\n## Runbook\n\nPage the on-call before a schema change.\n`);
    writeFileSync(join(repo, '.env'), 'LOG_LEVEL=debug\n');
    run('go', ['build', './...'], { cwd: repo });
    writeFileSync(join(repo, '.projenrc.ts'), projenrc(config));
    run('npx', ['projen'], { cwd: repo });
    run('git', ['add', '-A'], { cwd: repo });
    run('git', ['commit', '-qm', 'user work'], { cwd: repo });
  });

  afterAll(() => removeRepo(repo));

  test.each(STEPS.map((s) => [s.name, s] as const))('%s', (_n, step) => {
    config = { ...config, ...step.change };
    writeFileSync(join(repo, '.projenrc.ts'), projenrc(config));
    const log = run('sh', ['-c', 'npx projen 2>&1'], { cwd: repo }).stdout;
    if (step.prints) expect(log).toContain(step.prints);
    expect(log).not.toContain('restored'); // nothing was edited by hand

    expect(changedFiles(repo)).toEqual([...step.files].sort());
    expect(diff(repo)).toMatchSnapshot();
    step.then?.(repo);

    // the tools accept the result
    run('go', ['build', './...'], { cwd: repo });
    run('go', ['vet', './...'], { cwd: repo });
    if (config.postgres || config.redis) run('make', ['secrets'], { cwd: repo });
    run('docker-compose', ['config', '-q'], { cwd: repo });
    expect(validate(YAML.parse(readFileSync(join(repo, 'docker-compose.yml'), 'utf-8')))).toEqual([]);
    if (config.kubernetes) run('make', ['-n', 'k8s-apply'], { cwd: repo });
    if (config.kubernetes && existsSync(KUBECTL)) run(KUBECTL, ['kustomize', 'k8s'], { cwd: repo });

    run('git', ['add', '-A'], { cwd: repo });
    run('git', ['commit', '-qm', step.name], { cwd: repo });
    // a second run changes nothing
    run('npx', ['projen'], { cwd: repo });
    expect(run('git', ['status', '--porcelain'], { cwd: repo }).stdout).toBe('');
  });

  test('a hand edit to a generated file is restored by the next synthesis, which says so', () => {
    const dockerfile = join(repo, 'Dockerfile');
    const before = readFileSync(dockerfile, 'utf-8');
    chmodSync(dockerfile, 0o644);
    writeFileSync(dockerfile, `${before}# a hand edit\n`);
    const log = run('sh', ['-c', 'npx projen 2>&1'], { cwd: repo }).stdout;
    expect(log).toContain('restored Dockerfile: it was edited by hand, and generated files are rewritten by every npx projen. Change .projenrc.ts instead.');
    expect(readFileSync(dockerfile, 'utf-8')).toBe(before);
    expect((statSync(dockerfile).mode % 0o1000).toString(8)).toBe('444');
    expect(run('git', ['status', '--porcelain'], { cwd: repo }).stdout).toBe('');
  });

  test("the user's own work is all still there", () => {
    expect(readFileSync(join(repo, 'README.md'), 'utf-8')).toContain('## Runbook\n\nPage the on-call before a schema change.\n');
    expect(readFileSync(join(repo, '.env'), 'utf-8')).toBe('LOG_LEVEL=debug\n');
    const main = readFileSync(join(repo, 'cmd', 'hello', 'main.go'), 'utf-8');
    expect(main).toContain('// user edit: every process logs a start id');
    expect(main).toContain('"github.com/acme/hello/internal/greet"');
    expect(existsSync(join(repo, 'internal', 'greet', 'greet.go'))).toBe(true);
    const goMod = readFileSync(join(repo, 'go.mod'), 'utf-8');
    expect(goMod).toContain('require github.com/google/uuid v1.6.0');
    expect(goMod).toMatch(/^module github\.com\/acme\/hello$/m);
    expect(goMod).toMatch(/^go 1\.26$/m);
    expect(readFileSync(join(repo, 'go.sum'), 'utf-8')).toContain('github.com/google/uuid v1.6.0');
    expect(existsSync(join(repo, 'cmd', 'worker', 'main.go'))).toBe(true);
    expect(run('git', ['check-ignore', '.secrets/redis_password'], { cwd: repo }).stdout.trim()).toBe('.secrets/redis_password');
  });
});
