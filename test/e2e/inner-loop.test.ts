import { spawnSync } from 'child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DOCKER, dockerReady, freePort, newRepo, removeRepo, run, runFailing } from './fixtures';

/**
 * Issue 24: the inner loop. From `projen new` + `add postgres`: the first migration creates a table
 * that the sample's GET /greetings then reads (a real query through pgx and the _FILE secret); a
 * broken migration leaves the service not started, and `make compose-up` shows golang-migrate's
 * error. Compose v2 (`docker compose`), as `make dev` needs it.
 */
const withDocker = dockerReady();
/** Where scripts/docker-plugins installs buildx. */
const REAL_BUILDX = '/usr/local/lib/docker/cli-plugins/docker-buildx';
const withCompose = withDocker && existsSync(REAL_BUILDX) && spawnSync(DOCKER, ['compose', 'version'], { stdio: 'ignore' }).status === 0;
if (withDocker && !withCompose) {
  if (process.env.CI) throw new Error('inner loop: Compose v2 (docker compose) is not installed; .ci/run installs it');
  // eslint-disable-next-line no-console
  console.warn('inner loop: skipping: Compose v2 (docker compose) is not installed here (.ci/run installs it)');
}

(withCompose ? describe : describe.skip)('the inner loop: migrations before the service, make dev', () => {
  let repo: string;
  let port: number;
  const project = `pgs-inner-${process.pid}`;
  const env: { [name: string]: string } = { COMPOSE_PROJECT_NAME: project };
  const figures: string[] = [];
  const COMPOSE = `${DOCKER} compose`;

  const make = (...args: string[]) => run('make', [...args, `COMPOSE=${COMPOSE}`, `DOCKER=${DOCKER}`], { cwd: repo, env });
  const compose = (...args: string[]) => run(DOCKER, ['compose', ...args], { cwd: repo, env });
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: res.status, body: await res.text() };
  };

  beforeAll(async () => {
    repo = newRepo('shop');
    port = await freePort();
    run('npx', ['projen-go-service', 'set', 'port', String(port)], { cwd: repo });
    run('npx', ['projen-go-service', 'add', 'postgres'], { cwd: repo });
    // the sample handler's driver, through the machine's Go module proxy
    run('go', ['get', 'github.com/jackc/pgx/v5@v5.9.2'], { cwd: repo });
    run('go', ['mod', 'tidy'], { cwd: repo });
    run('npx', ['projen'], { cwd: repo });
    // This engine has no default bridge network (../shared/docker/README.md): builds go through the
    // host network, for this engine only (never in the generated files); see compose-stack.test.ts.
    writeFileSync(join(repo, 'docker-compose.override.yml'), 'services:\n  shop:\n    build:\n      network: host\n  postgres-migrate:\n    build:\n      network: host\n');
    const config = mkdtempSync(join(tmpdir(), 'pgs-docker-config-'));
    mkdirSync(join(config, 'cli-plugins'));
    const buildx = join(config, 'cli-plugins', 'docker-buildx');
    writeFileSync(buildx, [
      '#!/bin/sh',
      `real=${REAL_BUILDX}`,
      'if [ "$1" = bake ]; then shift; exec "$real" bake --allow network.host "$@"; fi',
      'exec "$real" "$@"',
      '',
    ].join('\n'));
    chmodSync(buildx, 0o755);
    env.DOCKER_CONFIG = config;
  });

  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`inner loop:\n  ${figures.join('\n  ')}`);
    if (repo) {
      try {
        compose('down', '-v', '--remove-orphans');
      } catch {
        // already down
      }
      removeRepo(repo);
    }
  });

  test('add postgres writes the first migration pair and a handler that reads its table', () => {
    expect(readFileSync(join(repo, 'migrations', '000001_create_greetings.up.sql'), 'utf-8')).toContain('CREATE TABLE greetings');
    expect(existsSync(join(repo, 'migrations', '000001_create_greetings.down.sql'))).toBe(true);
    expect(readFileSync(join(repo, 'cmd', 'shop', 'greetings.go'), 'utf-8')).toContain('FROM greetings');
  });

  test('make compose-up: the migration runs first, then the service reads the table it created', async () => {
    const started = Date.now();
    const out = make('compose-up').stdout;
    figures.push(`make compose-up (migrations image and service built, migration run) to healthy: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(out).toContain('postgres-migrate');
    const logs = compose('logs', '--no-log-prefix', 'postgres-migrate').stdout;
    expect(logs).toMatch(/1\/u create_greetings/);
    const res = await get('/greetings');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual([{ id: 1, text: 'Hello from the first migration' }]);
  });

  test('make migrate-new NAME=... creates the next pair; make migrate-up applies it; the service reads the new column', async () => {
    make('migrate-new', 'NAME=add_colour');
    expect(existsSync(join(repo, 'migrations', '000002_add_colour.up.sql'))).toBe(true);
    writeFileSync(join(repo, 'migrations', '000002_add_colour.up.sql'), "INSERT INTO greetings (text) VALUES ('Hello from the second migration');\n");
    writeFileSync(join(repo, 'migrations', '000002_add_colour.down.sql'), "DELETE FROM greetings WHERE text = 'Hello from the second migration';\n");
    make('migrate-up');
    expect(JSON.parse((await get('/greetings')).body)).toHaveLength(2);
    make('migrate-down');
    expect(JSON.parse((await get('/greetings')).body)).toHaveLength(1);
  });

  test('a broken migration: compose-up fails, shows golang-migrate\'s error, and the service is not started', () => {
    compose('down', '--remove-orphans');
    make('migrate-new', 'NAME=broken');
    writeFileSync(join(repo, 'migrations', '000003_broken.up.sql'), 'ALTER TABLE greetingz ADD COLUMN colour text;\n');
    const r = runFailing('make', ['compose-up', `COMPOSE=${COMPOSE}`, `DOCKER=${DOCKER}`], { cwd: repo, env: { ...process.env, ...env } });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('compose-up: postgres-migrate did not complete');
    expect(r.output).toContain('relation "greetingz" does not exist');
    const states = compose('ps', '-a', '--format', '{{.Service}} {{.State}}').stdout;
    expect(states).toMatch(/^shop created$/m);
  });
});
