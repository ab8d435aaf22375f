import { spawnSync } from 'child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { DOCKER, dockerReady, freePort, newRepo, removeRepo, run } from './fixtures';

/**
 * Issue 21, part 5: the health check follows the program. The images are built for one port; run on
 * another (`-e PORT=...`, or a port flag in the command, as `portArgument` passes it) they stay
 * healthy, because the probe finds the port the service really listens on. A container that listens
 * nowhere turns unhealthy. The engine's `docker run` uses the host's network here (engine-up), so
 * the host's own listeners are in the probe's /proc/net/tcp too: only the container's count.
 */

/** A service that takes its address from -listen, else from $PORT; -listen=off listens nowhere. */
const MAIN_GO = `package main

import (
	"flag"
	"net/http"
	"os"
	"time"
)

func main() {
	listen := flag.String("listen", ":"+os.Getenv("PORT"), "the address to listen on, or off")
	flag.Parse()
	if *listen == "off" {
		for {
			time.Sleep(time.Hour)
		}
	}
	http.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	if err := http.ListenAndServe(*listen, nil); err != nil {
		os.Stderr.WriteString(err.Error() + "\\n")
		os.Exit(1)
	}
}
`;

const withDocker = dockerReady();

(withDocker ? describe : describe.skip)('the health probe follows the service to the port it really listens on', () => {
  let repo: string;
  const tag = `pgs-probe-${process.pid}`;
  const containers: string[] = [];
  const figures: string[] = [];

  const image = (target: string) => `${tag}-${target}:dev`;

  beforeAll(() => {
    repo = newRepo('hello');
    const rcPath = join(repo, '.projenrc.ts');
    const rc = readFileSync(rcPath, 'utf-8')
      .replace('import { GoServiceProject } from "projen-go-service";', 'import { GoService, GoServiceProject, HealthCheck } from "projen-go-service";')
      .replace('project.synth();', [
        'new GoService(project, "web", { port: 7080, healthCheck: HealthCheck.http({ path: "/healthz" }) });',
        'new GoService(project, "relay", { port: 7070, portArgument: "-listen=:{port}", healthCheck: HealthCheck.tcp() });',
        'new GoService(project, "tick", { port: 7090, healthCheck: HealthCheck.tcp() });',
        'project.synth();',
      ].join('\n'));
    writeFileSync(rcPath, rc);
    for (const s of ['web', 'relay', 'tick']) {
      mkdirSync(join(repo, 'cmd', s), { recursive: true });
      writeFileSync(join(repo, 'cmd', s, 'main.go'), MAIN_GO);
    }
    run('npx', ['projen'], { cwd: repo, env: { npm_config_offline: 'true' } });
    const df = readFileSync(join(repo, 'Dockerfile'), 'utf-8');
    expect(df).toContain('    CMD ["/usr/local/bin/healthprobe", "http", "7080", "/healthz"]');
    expect(df).toContain('    CMD ["/usr/local/bin/healthprobe", "tcp", "7070"]');
    expect(df).toContain('CMD ["-listen=:7070"]');
    const start = Date.now();
    for (const target of ['hello', 'web', 'relay', 'tick']) {
      run(DOCKER, ['build', '-q', '--target', target, '-t', image(target), '.'], { cwd: repo });
    }
    figures.push(`4 images built: ${((Date.now() - start) / 1000).toFixed(1)} s`);
  });

  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`health probe e2e:\n  ${figures.join('\n  ')}`);
    for (const id of containers) run(DOCKER, ['rm', '-f', id]);
    for (const target of ['hello', 'web', 'relay', 'tick']) {
      try {
        run(DOCKER, ['rmi', image(target)]);
      } catch {
        // not built
      }
    }
    if (repo) removeRepo(repo);
  });

  /** Starts a container probed every second, and waits until it is healthy or unhealthy. */
  function health(what: string, target: string, flags: string[], args: string[] = []): { status: string; ms: number; log: string } {
    const start = Date.now();
    const id = run(DOCKER, ['run', '-d', '--read-only', '--cap-drop', 'ALL', '--health-interval=1s', '--health-start-period=1s', ...flags, image(target), ...args]).stdout.trim();
    containers.push(id);
    let status = 'starting';
    while (status === 'starting' && Date.now() - start < 30_000) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      status = run(DOCKER, ['inspect', '-f', '{{.State.Health.Status}}', id]).stdout.trim();
    }
    const ms = Date.now() - start;
    const log = run(DOCKER, ['inspect', '-f', '{{range .State.Health.Log}}{{.ExitCode}} {{.Output}}{{end}}', id]).stdout;
    figures.push(`${what}: ${status} after ${(ms / 1000).toFixed(1)} s`);
    return { status, ms, log };
  }

  test('HTTP check, -e PORT=<another port>: healthy', async () => {
    const port = await freePort();
    expect(health(`web (HTTP 7080) with -e PORT=${port}`, 'web', ['-e', `PORT=${port}`])).toMatchObject({ status: 'healthy' });
    // what the probe did before it followed the service: the built-in port alone, refused
    const fixed = spawnSync(DOCKER, ['exec', containers[containers.length - 1], '/usr/local/bin/healthprobe', '-fixed', 'http', '7080', '/healthz'], { encoding: 'utf-8' });
    expect([fixed.status, fixed.stderr]).toEqual([1, 'healthprobe: 127.0.0.1:7080: connection refused\n']);
  });

  test('HTTP check, a port flag in the command: healthy', async () => {
    const port = await freePort();
    expect(health(`web (HTTP 7080) with -listen=:${port}`, 'web', [], [`-listen=:${port}`])).toMatchObject({ status: 'healthy' });
  });

  test('TCP check, the portArgument flag replaced in the command: healthy', async () => {
    const port = await freePort();
    expect(health(`relay (TCP 7070, CMD -listen=:7070) with -listen=:${port}`, 'relay', [], [`-listen=:${port}`])).toMatchObject({ status: 'healthy' });
  });

  test('TCP check, -e PORT=<another port>: healthy', async () => {
    const port = await freePort();
    expect(health(`tick (TCP 7090) with -e PORT=${port}`, 'tick', ['-e', `PORT=${port}`])).toMatchObject({ status: 'healthy' });
  });

  test('the sample\'s own healthcheck mode (the default check) reads $PORT: -e PORT=<another port> is healthy', async () => {
    const port = await freePort();
    expect(health(`hello (command: hello healthcheck) with -e PORT=${port}`, 'hello', ['-e', `PORT=${port}`])).toMatchObject({ status: 'healthy' });
  });

  test('listening nowhere: unhealthy, although the host\'s network has listeners of its own, and the log says where it looked', () => {
    const r = health('web listening nowhere (-listen=off)', 'web', [], ['-listen=off']);
    expect(r.status).toBe('unhealthy');
    expect(r.log).toContain('1 healthprobe: 127.0.0.1:7080: connection refused');
    const t = health('tick listening nowhere (-listen=off)', 'tick', [], ['-listen=off']);
    expect(t.status).toBe('unhealthy');
    expect(t.log).toContain('1 healthprobe: 127.0.0.1:7090: connection refused');
  });

  test('on a network of its own (not the host\'s) too: -e PORT=<another port> is healthy, listening nowhere is not', () => {
    const net = `${tag}-net`;
    run(DOCKER, ['network', 'create', net]);
    try {
      expect(health('web on a user-defined network with -e PORT=9000', 'web', [`--network=${net}`, '-e', 'PORT=9000']).status).toBe('healthy');
      expect(health('tick on a user-defined network with -e PORT=9000', 'tick', [`--network=${net}`, '-e', 'PORT=9000']).status).toBe('healthy');
      expect(health('tick on a user-defined network listening nowhere', 'tick', [`--network=${net}`], ['-listen=off']).status).toBe('unhealthy');
      // issue 21, part 6: a privileged port as uid 65532 with every capability dropped: Docker opens
      // them in the container's own network namespace (net.ipv4.ip_unprivileged_port_start=0)
      const web80 = health('web as 65532 on :80, user-defined network', 'web', [`--network=${net}`, '-e', 'PORT=80']);
      expect(web80.status).toBe('healthy');
      const id = containers[containers.length - 1];
      expect(run(DOCKER, ['top', id, '-o', 'pid,uid']).stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/)[1])).toEqual(['65532']);
      expect(run(DOCKER, ['run', '--rm', `--network=container:${id}`, '--entrypoint', '/usr/local/bin/healthprobe', image('web'), '-fixed', 'http', '80', '/healthz']).stdout).toBe('');
    } finally {
      for (const id of containers.splice(0)) run(DOCKER, ['rm', '-f', id]);
      run(DOCKER, ['network', 'rm', net]);
    }
  });

  test('a privileged port with --network=host: the host\'s net.ipv4.ip_unprivileged_port_start applies (README says so)', () => {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf-8').trim());
    if (start <= 80) {
      // eslint-disable-next-line no-console
      console.warn(`SKIPPED: this host lets anyone bind port 80 (net.ipv4.ip_unprivileged_port_start=${start})`);
      return;
    }
    const id = run(DOCKER, ['run', '-d', '--network=host', '--cap-drop', 'ALL', '-e', 'PORT=80', image('web')]).stdout.trim();
    containers.push(id);
    expect(run(DOCKER, ['wait', id]).stdout.trim()).toBe('1');
    expect(spawnSync(DOCKER, ['logs', id], { encoding: 'utf-8' }).stderr).toBe('listen tcp :80: bind: permission denied\n');
  });
});
