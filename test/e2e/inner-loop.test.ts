import { spawn, spawnSync } from 'child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { DOCKER, dockerReady, freePort, hostNetworkBuilds, newRepo, REAL_BUILDX, removeRepo, run, runFailing } from './fixtures';

/**
 * Issue 24: the inner loop. From `projen new` + `add postgres`: the first migration creates a table
 * that the sample's GET /greetings then reads (a real query through pgx and the _FILE secret); a
 * broken migration leaves the service not started, and `make compose-up` shows golang-migrate's
 * error. Compose v2 (`docker compose`), as `make dev` needs it.
 */
const withDocker = dockerReady();
const withCompose = withDocker && existsSync(REAL_BUILDX) && spawnSync(DOCKER, ['compose', 'version'], { stdio: 'ignore' }).status === 0;
if (withDocker && !withCompose) {
  if (process.env.CI) throw new Error('inner loop: Compose v2 (docker compose) is not installed; .ci/run installs it');
  // eslint-disable-next-line no-console
  console.warn('inner loop: skipping: Compose v2 (docker compose) is not installed here (.ci/run installs it)');
}

/** A handler that serves a template read once at start, behind a word the test edits. */
const PAGE_GO = `package main

import (
	"net/http"
	"os"
)

func init() {
	page, err := os.ReadFile("templates/page.txt")
	routes = append(routes, func(mux *http.ServeMux) {
		mux.HandleFunc("GET /page", func(w http.ResponseWriter, _ *http.Request) {
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			_, _ = w.Write(append([]byte("w0 "), page...))
		})
	})
}
`;

(withCompose ? describe : describe.skip)('the inner loop: migrations before the service, make dev', () => {
  let repo: string;
  let port: number;
  let addOutput = '';
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
    addOutput = run('npx', ['projen-go-service', 'add', 'postgres'], { cwd: repo }).stdout;
    // the sample handler's driver, as add postgres says (through the machine's Go module proxy): then npx projen writes the handler
    run('go', ['get', 'github.com/jackc/pgx/v5/stdlib@v5.9.2'], { cwd: repo });
    run('npx', ['projen'], { cwd: repo });
    // a run-time directory the service reads (make dev restarts it on a change, without a rebuild)
    const rc = join(repo, '.projenrc.ts');
    writeFileSync(rc, readFileSync(rc, 'utf-8').replace('name: "shop",', 'name: "shop",\n  workdir: "/app",\n  files: { templates: "templates" },'));
    mkdirSync(join(repo, 'templates'));
    writeFileSync(join(repo, 'templates', 'page.txt'), 'page v1\n');
    writeFileSync(join(repo, 'cmd', 'shop', 'page.go'), PAGE_GO);
    run('go', ['mod', 'tidy'], { cwd: repo });
    run('npx', ['projen'], { cwd: repo });
    // this engine's Compose v2 builds go through the host network (fixtures.ts)
    env.DOCKER_CONFIG = hostNetworkBuilds(repo, ['shop', 'postgres-migrate']);
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
    expect(addOutput).toContain('is written once go.mod requires its driver: go get github.com/jackc/pgx/v5/stdlib@v5.9.2, then npx projen.');
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

  test('make dev: a template edit is served without a rebuild, a handler edit rebuilds only the service; Ctrl-C takes the stack down', async () => {
    compose('down', '--remove-orphans');
    // the broken migration of the test before goes, and the database starts over
    for (const f of ['000003_broken.up.sql', '000003_broken.down.sql']) spawnSync('rm', ['-f', join(repo, 'migrations', f)]);
    compose('down', '-v', '--remove-orphans');
    const dev = spawn('make', ['dev', `COMPOSE=${COMPOSE}`, `DOCKER=${DOCKER}`], { cwd: repo, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    let handler = 0;
    dev.stdout.on('data', (d) => { log += d; });
    dev.stderr.on('data', (d) => { log += d; });
    const exited = new Promise<string>((resolve) => dev.on('exit', (code, signal) => resolve(signal ?? String(code))));
    const page = async () => { try { return (await get('/page')).body; } catch { return ''; } };
    const until = async (what: () => Promise<boolean>, ms = 300_000) => {
      const started = Date.now();
      while (!(await what())) {
        if (Date.now() - started > ms) throw new Error(`timed out; make dev said:\n${log.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return (Date.now() - started) / 1000;
    };
    // the image of the running container: the same after a restart, another after a rebuild
    const imageId = () => run(DOCKER, ['inspect', '-f', '{{.Image}}', compose('ps', '-q', 'shop').stdout.trim()], { env }).stdout.trim();
    const edit = (file: string, from: RegExp, to: string) => writeFileSync(join(repo, file), readFileSync(join(repo, file), 'utf-8').replace(from, to));
    try {
      await until(async () => (await page()) === 'w0 page v1\n');
      await new Promise((r) => setTimeout(r, 2000));
      // a template: the service restarts and reads it, the image stays
      const before = imageId();
      edit('templates/page.txt', /v1/, 'v2');
      const template = await until(async () => (await page()) === 'w0 page v2\n');
      expect(imageId()).toBe(before);
      figures.push(`make dev: template edit served after ${template.toFixed(1)} s, image not rebuilt`);
      // a handler: the image is rebuilt and the container replaced
      edit('cmd/shop/page.go', /"w0 "/, '"w1 "');
      handler = await until(async () => (await page()).startsWith('w1 '));
      expect(imageId()).not.toBe(before);
    } finally {
      process.kill(-dev.pid!, 'SIGINT');
    }
    // make takes the stack down, then ends as an interrupted make does (by SIGINT), or 0
    expect(['0', 'SIGINT']).toContain(await exited);
    expect(log).toContain('Watch enabled');
    expect(compose('ps', '-a', '-q').stdout.trim()).toBe('');
    // the local limit of the same change: go build, start, first answer
    const localPort = await freePort();
    make('build-shop');
    edit('cmd/shop/page.go', /"w1 "/, '"w2 "');
    const t0 = Date.now();
    make('build-shop');
    const local = spawn(join(repo, 'bin', 'shop'), [], { cwd: repo, env: { ...process.env, PORT: String(localPort) }, stdio: 'ignore' });
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          if ((await (await fetch(`http://127.0.0.1:${localPort}/page`)).text()).startsWith('w2 ')) break;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error('the local build did not answer');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      local.kill();
    }
    const localSeconds = (Date.now() - t0) / 1000;
    figures.push(`make dev: handler edit served after ${handler.toFixed(1)} s; local go build + restart ${localSeconds.toFixed(1)} s: ${(handler / localSeconds).toFixed(2)}x (goal 2x)`);
  });
});
