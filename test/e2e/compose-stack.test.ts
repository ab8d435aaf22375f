import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { DOCKER, dockerReady, freePort, hostNetworkBuilds, newRepo, REAL_BUILDX, removeRepo, run, runFailing } from './fixtures';

/**
 * Issue 17: the local stack for real. From `projen new`: Postgres and Redis added, `make compose-up`
 * brings everything up healthy, the sample's GET /readyz checks what it is wired to (and says when a
 * dependency is down), a service of our own runs a real query and a real PING through the secrets
 * compose hands it, data survives down and up, and the stack still comes up without Postgres.
 * Run with Compose v1 (Debian's docker-compose 1.29) and with Compose v2 (the `docker compose` plugin,
 * which .ci/run builds from the Go module proxy when the machine has none).
 */
const withDocker = dockerReady();
/** The composes under test: [make's COMPOSE, argv to run it]. */
const COMPOSES: Array<[string, string[]]> = [];
if (withDocker && spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) COMPOSES.push(['docker-compose', ['docker-compose']]);
if (withDocker && existsSync(REAL_BUILDX) && spawnSync(DOCKER, ['compose', 'version'], { stdio: 'ignore' }).status === 0) COMPOSES.push([`${DOCKER} compose`, [DOCKER, 'compose']]);
if (withDocker && COMPOSES.length < 2) {
  const missing = COMPOSES.some(([c]) => c === 'docker-compose') ? 'Compose v2 (docker compose)' : 'Compose v1 (docker-compose)';
  if (process.env.CI) throw new Error(`compose stack: ${missing} is not installed; .ci/run installs both`);
  // eslint-disable-next-line no-console
  console.warn(`compose stack: skipping ${missing}: not installed here (.ci/run installs it)`);
}

/** The service of our own: a real query through pgx and a real PING through go-redis, reading the _FILE secrets. */
const INVENTORY = `package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
)

func secret(name string) string {
	b, err := os.ReadFile(os.Getenv(name + "_FILE"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func check(ctx context.Context) (map[string]any, error) {
	out := map[string]any{}
	conn, err := pgx.Connect(ctx, secret("DATABASE_URL"))
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	defer conn.Close(ctx)
	var sum int
	if err := conn.QueryRow(ctx, "SELECT 1 + 1").Scan(&sum); err != nil {
		return nil, fmt.Errorf("postgres query: %w", err)
	}
	out["sum"] = sum
	opts, err := redis.ParseURL(secret("REDIS_URL"))
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	pong, err := redis.NewClient(opts).Ping(ctx).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	out["ping"] = pong
	return out, nil
}

func main() {
	port := os.Getenv("PORT")
	if len(os.Args) > 1 && os.Args[1] == "healthcheck" {
		resp, err := http.Get("http://127.0.0.1:" + port + "/healthz")
		if err != nil || resp.StatusCode != 200 {
			os.Exit(1)
		}
		os.Exit(0)
	}
	http.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	http.HandleFunc("GET /check", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		out, err := check(ctx)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		_ = json.NewEncoder(w).Encode(out)
	})
	_ = http.ListenAndServe(":"+port, nil)
}
`;

(withDocker ? describe.each(COMPOSES) : describe.skip.each([['none', []]]))('the local stack with COMPOSE=%s: make compose-up with Postgres and Redis', (COMPOSE, composeArgv) => {
  let repo: string;
  let port: number;
  let inventoryPort: number;
  const project = `pgs-stack-${process.pid}-${COMPOSE.includes(' ') ? 'v2' : 'v1'}`;
  const env: { [name: string]: string } = { COMPOSE_PROJECT_NAME: project };
  const figures: string[] = [];

  const make = (...args: string[]) => run('make', [...args, `COMPOSE=${COMPOSE}`, `DOCKER=${DOCKER}`], { cwd: repo, env });
  const compose = (...args: string[]) => run(composeArgv[0], [...composeArgv.slice(1), ...args], { cwd: repo, env });
  const get = async (p: number, path: string) => {
    const res = await fetch(`http://127.0.0.1:${p}${path}`);
    return { status: res.status, body: await res.text() };
  };
  const until = async (what: () => Promise<boolean>, ms = 30_000) => {
    const deadline = Date.now() + ms;
    while (!(await what())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  beforeAll(async () => {
    repo = newRepo('stack');
    port = await freePort();
    inventoryPort = await freePort();
    run('npx', ['projen-go-service', 'set', 'port', String(port)], { cwd: repo });
    run('npx', ['projen-go-service', 'add', 'service', 'inventory', '--port', String(inventoryPort)], { cwd: repo });
    run('npx', ['projen-go-service', 'add', 'postgres'], { cwd: repo });
    run('npx', ['projen-go-service', 'add', 'redis'], { cwd: repo });
    // the service of our own, with real clients, their modules through the machine's Go module proxy
    mkdirSync(join(repo, 'cmd', 'inventory'), { recursive: true });
    writeFileSync(join(repo, 'cmd', 'inventory', 'main.go'), INVENTORY);
    writeFileSync(join(repo, 'cmd', 'inventory', 'main_test.go'), 'package main\n');
    run('go', ['get', 'github.com/jackc/pgx/v5@v5.13.0', 'github.com/redis/go-redis/v9@v9.23.0'], { cwd: repo });
    // (go.mod now requires pgx: npx projen writes the sample's GET /greetings, which tidy then sees)
    run('npx', ['projen'], { cwd: repo });
    run('go', ['mod', 'tidy'], { cwd: repo });
    run('npx', ['projen'], { cwd: repo });
    if (COMPOSE.includes(' ')) {
      // this engine's Compose v2 builds go through the host network (fixtures.ts)
      env.DOCKER_CONFIG = hostNetworkBuilds(repo, ['stack', 'inventory', 'postgres-migrate']);
    }
  });

  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`compose stack (${COMPOSE}):\n  ${figures.join('\n  ')}`);
    if (repo) {
      try {
        compose('down', '-v', '--remove-orphans');
      } catch {
        // already down
      }
      removeRepo(repo);
    }
  });

  test('make compose-up waits until the services, Postgres and Redis are healthy', () => {
    const started = Date.now();
    const out = make('compose-up').stdout;
    figures.push(`make compose-up (images built) to all healthy: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (!COMPOSE.includes(' ')) for (const s of ['stack', 'inventory', 'postgres', 'redis']) expect(out).toContain(`${s}: healthy`);
    // whatever compose said, the engine's view: every container of the project is healthy
    const ids = compose('ps', '-q').stdout.trim().split('\n');
    // (Compose v1 lists the migrations' one-shot container too: exited 0, it has no health check)
    const states = ids.map((id) => run(DOCKER, ['inspect', '-f', '{{index .Config.Labels "com.docker.compose.service"}}={{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}} {{.State.ExitCode}}{{end}}', id]).stdout.trim()).sort();
    expect(states.filter((st) => !st.startsWith('postgres-migrate='))).toEqual(['inventory=healthy', 'postgres=healthy', 'redis=healthy', 'stack=healthy']);
    expect(states.filter((st) => st.startsWith('postgres-migrate=')).every((st) => st === 'postgres-migrate=exited 0')).toBe(true);
    expect(make('compose-ps').stdout).toMatch(/Up .*\(healthy\)/);
  });

  test('GET /readyz on the published port answers 200 and says which dependencies it checked', async () => {
    const r = await get(port, '/readyz');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ready: true, checked: { DATABASE_URL: 'postgres:5432 up', REDIS_URL: 'redis:6379 up' } });
  });

  test('the service runs as 65532, with a read-only root and no capabilities', () => {
    const id = compose('ps', '-q', 'stack').stdout.trim();
    const [user, readOnly, capDrop, secOpt] = run(DOCKER, ['inspect', '-f', '{{.Config.User}}|{{.HostConfig.ReadonlyRootfs}}|{{.HostConfig.CapDrop}}|{{.HostConfig.SecurityOpt}}', id]).stdout.trim().split('|');
    expect([user, readOnly, capDrop, secOpt]).toEqual(['65532:65532', 'true', '[ALL]', '[no-new-privileges:true]']);
    const uids = run(DOCKER, ['top', id, '-o', 'pid,uid']).stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/)[1]);
    expect(uids).toEqual(['65532']);
  });

  test('a real query and a real PING through the secrets compose hands the service of our own', async () => {
    const r = await get(inventoryPort, '/check');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ sum: 2, ping: 'PONG' });
  });

  test('Postgres stopped: /readyz answers 503 naming it; started again: 200', async () => {
    compose('stop', 'postgres');
    const down = await get(port, '/readyz');
    expect(down.status).toBe(503);
    expect(JSON.parse(down.body)).toEqual({ ready: false, checked: { DATABASE_URL: 'postgres:5432 down', REDIS_URL: 'redis:6379 up' } });
    figures.push(`with Postgres stopped, GET /readyz: ${down.status} ${down.body.trim()}`);
    compose('start', 'postgres');
    const started = Date.now();
    await until(async () => (await get(port, '/readyz')).status === 200);
    figures.push(`Postgres started again: /readyz 200 after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  test('data survives make compose-down and make compose-up', () => {
    const psql = (sql: string) => compose('exec', '-T', 'postgres', 'psql', '-U', 'app', '-d', 'stack', '-tAc', sql).stdout.trim();
    psql('CREATE TABLE notes (body text); INSERT INTO notes VALUES (\'kept\');');
    make('compose-down');
    const started = Date.now();
    make('compose-up');
    figures.push(`make compose-up again (images cached, data kept) to all healthy: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(psql('SELECT body FROM notes')).toBe('kept');
  });

  test('a service that never becomes healthy: compose-up fails and shows its last health check and logs', () => {
    const rc = readFileSync(join(repo, '.projenrc.ts'), 'utf-8');
    writeFileSync(join(repo, '.projenrc.ts'), rc
      .replace('import {', 'import { HealthCheck,')
      .replace(/new GoService\(project, "inventory", \{ port: (\d+) \}\);/, 'new GoService(project, "inventory", { port: $1, healthCheck: HealthCheck.http({ path: "/nope", interval: "1s", retries: 1 }) });'));
    try {
      run('npx', ['projen'], { cwd: repo });
      const r = runFailing('make', ['compose-up', `COMPOSE=${COMPOSE}`, `DOCKER=${DOCKER}`], { cwd: repo, env });
      expect(r.status).not.toBe(0);
      expect(r.output).toContain('compose-up: inventory is unhealthy; its last health checks and logs:');
      // the probe says where it asked: the port the service really listens on
      expect(r.output).toMatch(/healthprobe: GET 127\.0\.0\.1:\d+\/nope: HTTP\/1\./);
    } finally {
      writeFileSync(join(repo, '.projenrc.ts'), rc);
      run('npx', ['projen'], { cwd: repo });
    }
  });

  test('Postgres removed: make compose-up still works, and /readyz checks Redis alone', async () => {
    run('npx', ['projen-go-service', 'remove', 'postgres'], { cwd: repo });
    expect(readFileSync(join(repo, 'docker-compose.yml'), 'utf-8')).not.toContain('postgres');
    make('compose-up');
    // the service was recreated without DATABASE_URL; its published port may take a moment to be forwarded again
    let last = { status: 0, body: '' };
    await until(async () => {
      last = await get(port, '/readyz').catch((e) => ({ status: 0, body: String(e) }));
      return last.status === 200;
    });
    expect(JSON.parse(last.body)).toEqual({ ready: true, checked: { REDIS_URL: 'redis:6379 up' } });
  });

  test('make compose-down leaves no container and no network', () => {
    make('compose-down');
    expect(run(DOCKER, ['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${project}`]).stdout.trim()).toBe('');
    expect(run(DOCKER, ['network', 'ls', '-q', '--filter', `name=${project}_default`]).stdout.trim()).toBe('');
  });
});
