import { spawnSync } from 'child_process';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { COMPOSE, composeWatchMissing, DevStack, HandlerSample, InnerLoopRepo, innerLoopRepo, localCopy, localLimit, removeInnerLoopRepo, TemplateSample } from './dev-loop';
import { DOCKER, dockerReady, run, runFailing } from './fixtures';

/**
 * Issue 24: the inner loop. From `projen new` + `add postgres`: the first migration creates a table
 * that the sample's GET /greetings then reads (a real query through pgx and the _FILE secret); a
 * broken migration leaves the service not started, and `make compose-up` shows golang-migrate's
 * error. `make dev` serves a handler edit (built in the running container) and a template edit
 * (restarted), neither with an image build.
 * Compose v2 (`docker compose`, from scripts/docker-plugins), as `make dev` needs it. How fast is
 * the `dev` row of `npm run bench` (benchmarks/dev-loop.ts, the same measuring code in ./dev-loop):
 * this test logs its one sample's figures and asserts none.
 */
const withDocker = dockerReady();
const missing = withDocker ? composeWatchMissing() : undefined;
const withCompose = withDocker && missing === undefined;
if (withDocker && !withCompose) {
  if (process.env.CI) throw new Error(`inner loop: ${missing}; .ci/run installs it`);
  // eslint-disable-next-line no-console
  console.warn(`inner loop: skipping: ${missing} (.ci/run installs it)`);
}

(withCompose ? describe : describe.skip)('the inner loop: migrations before the service, make dev', () => {
  let loop: InnerLoopRepo;
  let repo: string;
  let port: number;
  let env: { [name: string]: string };
  const figures: string[] = [];

  const make = (...args: string[]) => run('make', [...args, `COMPOSE=${COMPOSE}`, `DOCKER=${DOCKER}`], { cwd: repo, env });
  const compose = (...args: string[]) => run(DOCKER, ['compose', ...args], { cwd: repo, env });
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: res.status, body: await res.text() };
  };

  beforeAll(async () => {
    loop = await innerLoopRepo(`pgs-inner-${process.pid}`);
    ({ dir: repo, port, env } = loop);
  });

  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`inner loop:\n  ${figures.join('\n  ')}`);
    if (loop) removeInnerLoopRepo(loop);
  });

  test('add postgres writes the first migration pair and a handler that reads its table', () => {
    expect(readFileSync(join(repo, 'migrations', '000001_create_greetings.up.sql'), 'utf-8')).toContain('CREATE TABLE greetings');
    expect(existsSync(join(repo, 'migrations', '000001_create_greetings.down.sql'))).toBe(true);
    expect(readFileSync(join(repo, 'cmd', 'shop', 'greetings.go'), 'utf-8')).toContain('FROM greetings');
    expect(loop.addOutput).toContain('is written once go.mod requires its driver: go get github.com/jackc/pgx/v5/stdlib@v5.9.2, then npx projen.');
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

  test('make dev: a template edit is served without a rebuild, a handler edit is built in the running container; a compile error leaves the service serving; Ctrl-C takes the stack down', async () => {
    compose('down', '--remove-orphans');
    // the broken migration of the test before goes, and the database starts over
    for (const f of ['000003_broken.up.sql', '000003_broken.down.sql']) spawnSync('rm', ['-f', join(repo, 'migrations', f)]);
    compose('down', '-v', '--remove-orphans');
    const dev = await DevStack.start(loop);
    let handler: HandlerSample;
    let template: TemplateSample;
    try {
      expect((await get('/page')).body).toBe('w0 page v1\n');
      await new Promise((r) => setTimeout(r, 2000));
      // a template: the service restarts and reads it, the image stays
      template = await dev.templateEdit(2);
      expect(template.imageUnchanged).toBe(true);
      // a handler: built in the running container (air), no image build, no new container
      handler = await dev.handlerEdit(1);
      expect(handler.sameContainer).toBe(true);
      expect(handler.imageUnchanged).toBe(true);
      expect(handler.phases.build).toBeDefined();
      // a compile error: the error in make dev's output, the running binary goes on serving
      const file = join(repo, 'cmd', 'shop', 'page.go');
      const good = readFileSync(file, 'utf-8');
      const mark = dev.lines.length;
      writeFileSync(file, good.replace('"w1 "', 'undefinedName'));
      const deadline = Date.now() + 60_000;
      while (!dev.lines.slice(mark).some((l) => /undefined: undefinedName/.test(l.text)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(dev.lines.slice(mark).map((l) => l.text).join('\n')).toMatch(/page\.go:\d+:\d+: undefined: undefinedName/);
      // air starts the binary it has again (the last one that built): it answers as before
      let body = '';
      for (const until = Date.now() + 30_000; body !== 'w1 page v2\n' && Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
        body = await get('/page').then((r) => r.body, () => '');
      }
      expect(body).toBe('w1 page v2\n');
      writeFileSync(file, good);
      handler = await dev.handlerEdit(3);
      expect(handler.sameContainer).toBe(true);
    } finally {
      // Ctrl-C: make takes the stack down, then ends as an interrupted make does (by SIGINT), or 0
      expect(['0', 'SIGINT']).toContain(await dev.stop());
    }
    expect(dev.log).toContain('Watch enabled');
    expect(compose('ps', '-a', '-q').stdout.trim()).toBe('');
    // the local limit of the same change (go build, start, first answer): it serves the change
    const local = await localLimit(localCopy(loop), 4);
    const s = (ms?: number) => (ms === undefined ? '?' : `${(ms / 1000).toFixed(1)} s`);
    figures.push(`make dev: template edit served after ${s(template.ms)} (compose restarted it at ${s(template.restarted)}), image not rebuilt`);
    figures.push(`make dev: handler edit served after ${s(handler.ms)} (file event ${s(handler.phases.watch)}, go build ${s(handler.phases.build)}, restart and answer ${s(handler.phases.start)}); `
      + `local make build + restart ${s(local.ms)}: ${(handler.ms / local.ms).toFixed(2)}x (one sample; the goal, 2x, is the dev row of npm run bench)`);
  });
});
