import { ChildProcess } from 'child_process';
import { randomUUID } from 'crypto';
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import * as YAML from 'yaml';
import { CLUSTER_UP, clusterReady, DOCKER, dockerReady, KUBECONFIG, KUBECTL, newRepo, portForward, removeRepo, run, runFailing } from './fixtures';

/**
 * Issue 24 on the real node (`../shared/k8s/cluster-up --node`): from `projen new --kubernetes` +
 * `add postgres` + the first migration, the generated manifests run the migrations in the pods'
 * init container before the Deployment becomes Available, under Pod Security `restricted`, and the
 * service's handler then reads the table the migration created (a real query through pgx). A broken
 * migration leaves the new pods not Ready (a rollout keeps the old ones serving; a fresh Deployment is
 * not Available) with golang-migrate's error in the init container's log.
 *
 * The database is the test's own: a Postgres Pod from the postgres stand-in image, in the same
 * namespace, under the same `restricted` level, with the password `make secrets` wrote (the file the
 * compose stack uses). This cluster has no DNS and no kube-proxy, so the URL the services read
 * (`.secrets/postgres_url`, host `postgres`) gets the Pod's IP before `make k8s-secrets` turns it into
 * the Secret the Deployment mounts; everything else is as generated.
 */
const withCluster = dockerReady() && clusterReady();
const env = { KUBECONFIG, KUBECTL };
const kubectl = (...args: string[]) => run(KUBECTL, args, { env });
const figures: string[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value (not undefined), or fails with what `describe` says. */
async function until<T>(what: string, check: () => T | undefined, ms: number, describe: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${describe()}`);
    await sleep(500);
  }
}

(withCluster ? describe : describe.skip)('migrations on the real node: init container before the Deployment is Available', () => {
  let repo: string;
  const name = 'schema';
  const namespace = `schema-${randomUUID().slice(0, 8)}`;
  const registry = 'registry.example/acme';
  const v1 = `e2e-${process.pid}-1`;
  const v2 = `e2e-${process.pid}-2`;
  const app = (v: string) => `${registry}/${name}:${v}`;
  const migrate = (v: string) => `${registry}/${name}-postgres-migrate:${v}`;
  const make = (version: string, ...args: string[]) =>
    run('make', [...args, `VERSION=${version}`, `REGISTRY=${registry}`, `DOCKER=${DOCKER}`, `KUBECTL=${KUBECTL}`], { cwd: repo, env });
  const ns = (...args: string[]) => kubectl('-n', namespace, ...args);
  const json = (...args: string[]) => JSON.parse(ns(...args, '-o', 'json').stdout);
  const psql = (sql: string) => ns('exec', 'postgres', '--', 'psql', '-U', 'app', '-d', name, '-tA', '-c', sql).stdout.trim();
  const pods = (): any[] => json('get', 'pods', '-l', `app.kubernetes.io/name=${name}`).items;
  const logsOf = (pod: string, previous = false) => {
    try {
      return ns('logs', pod, '-c', 'postgres-migrate', ...(previous ? ['--previous'] : [])).stdout;
    } catch {
      return '';
    }
  };
  const describePods = () => {
    try {
      return ns('get', 'pods', '-o', 'wide').stdout + ns('get', 'events', '--sort-by=.lastTimestamp').stdout.split('\n').slice(-25).join('\n');
    } catch (e: any) {
      return String(e);
    }
  };
  let forward: ChildProcess | undefined;

  /** GET a path of one pod through kubectl port-forward (no kube-proxy here). */
  async function getFromPod(pod: string, path: string): Promise<{ status: number; body: string }> {
    const forwarded = await portForward(namespace, `pod/${pod}`, 8080);
    forward = forwarded.process;
    try {
      const res = await fetch(`http://127.0.0.1:${forwarded.port}${path}`);
      return { status: res.status, body: await res.text() };
    } finally {
      forward.kill();
      forward = undefined;
    }
  }

  beforeAll(() => {
    repo = newRepo(name, ['--kubernetes']);
    const rc = join(repo, '.projenrc.ts');
    // a namespace of its own (the kubernetes e2e shares the cluster)
    writeFileSync(rc, readFileSync(rc, 'utf-8').replace('kubernetes: true,', `kubernetes: true,\n  kubernetesOptions: { namespace: "${namespace}" },`));
    run('npx', ['projen-go-service', 'add', 'postgres'], { cwd: repo });
    // the sample handler's driver, as add postgres says: then npx projen writes GET /greetings
    run('go', ['get', 'github.com/jackc/pgx/v5/stdlib@v5.9.2'], { cwd: repo });
    run('npx', ['projen'], { cwd: repo });
    expect(readFileSync(join(repo, 'cmd', name, 'greetings.go'), 'utf-8')).toContain('FROM greetings');
  });

  afterAll(() => {
    forward?.kill();
    // eslint-disable-next-line no-console
    if (figures.length) console.log(`migrations on the node:\n  ${figures.join('\n  ')}`);
    if (repo) {
      try {
        kubectl('delete', 'namespace', namespace, '--wait=false');
      } catch {
        // not created
      }
      removeRepo(repo);
    }
  });

  test('a Postgres of the test\'s own, restricted, with the password make secrets wrote', async () => {
    const compose = YAML.parse(readFileSync(join(repo, 'docker-compose.yml'), 'utf-8'));
    const pg = compose.services.postgres;
    make(v1, 'docker-build');
    // no registry: the images into the node, the database's stand-in with them
    run(CLUSTER_UP, ['--load-image', app(v1), migrate(v1), pg.image]);
    make(v1, 'secrets');
    // the namespace as generated: Pod Security restricted, enforced
    kubectl('apply', '-f', join(repo, 'k8s', 'namespace.yaml'));
    expect(kubectl('get', 'namespace', namespace, '-o', 'jsonpath={.metadata.labels.pod-security\\.kubernetes\\.io/enforce}').stdout).toBe('restricted');
    ns('create', 'secret', 'generic', 'postgres-db', `--from-file=password=${join(repo, '.secrets', 'postgres_password')}`);
    const file = join(repo, '..', 'postgres.yaml');
    writeFileSync(file, YAML.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'postgres', labels: { app: 'postgres' } },
      spec: {
        automountServiceAccountToken: false,
        // user postgres of the -alpine tags; the data directory a fresh emptyDir that initdb makes its own
        securityContext: { runAsNonRoot: true, runAsUser: 70, runAsGroup: 70, fsGroup: 70, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: 'postgres',
          image: pg.image,
          imagePullPolicy: 'IfNotPresent',
          env: [
            { name: 'POSTGRES_USER', value: pg.environment.POSTGRES_USER },
            { name: 'POSTGRES_DB', value: pg.environment.POSTGRES_DB },
            { name: 'POSTGRES_PASSWORD_FILE', value: '/run/secrets/postgres_password' },
            { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
          ],
          ports: [{ containerPort: 5432 }],
          readinessProbe: { exec: { command: ['pg_isready', '-h', '127.0.0.1', '-U', pg.environment.POSTGRES_USER, '-d', pg.environment.POSTGRES_DB] }, periodSeconds: 1 },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          volumeMounts: [
            { name: 'data', mountPath: '/var/lib/postgresql/data' },
            { name: 'password', mountPath: '/run/secrets/postgres_password', subPath: 'password', readOnly: true },
          ],
        }],
        volumes: [{ name: 'data', emptyDir: {} }, { name: 'password', secret: { secretName: 'postgres-db' } }],
      },
    }));
    ns('apply', '-f', file);
    ns('wait', '--for=condition=Ready', 'pod/postgres', '--timeout=120s');
    const ip = ns('get', 'pod', 'postgres', '-o', 'jsonpath={.status.podIP}').stdout.trim();
    expect(ip).toMatch(/^10\.244\./);
    // no DNS here: the URL the Secret carries names the Pod's address instead of the host "postgres"
    const url = join(repo, '.secrets', 'postgres_url');
    const text = readFileSync(url, 'utf-8');
    expect(text).toContain(`@postgres:5432/${name}?`);
    writeFileSync(url, text.replace('@postgres:5432/', `@${ip}:5432/`));
    expect(psql('SELECT 1')).toBe('1');
  });

  test('make k8s-secrets k8s-apply: the init container migrates, then the service starts; the Deployment becomes Available', () => {
    make(v1, 'k8s-secrets');
    const started = Date.now();
    make(v1, 'k8s-apply');
    ns('wait', '--for=condition=Available', `deployment/${name}`, '--timeout=180s');
    figures.push(`make k8s-apply to Deployment Available, with the migration run in the init container: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const deployment = json('get', 'deployment', name);
    expect(deployment.status.readyReplicas).toBe(2);
    expect(deployment.spec.template.spec.initContainers[0].image).toBe(migrate(v1));
    const available = new Date(deployment.status.conditions.find((c: any) => c.type === 'Available').lastTransitionTime).getTime();
    const list = pods();
    expect(list).toHaveLength(2);
    for (const p of list) {
      // admitted under restricted with the init container as generated
      const init = p.status.initContainerStatuses[0];
      expect(init.name).toBe('postgres-migrate');
      expect(init.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
      const app0 = p.status.containerStatuses[0];
      expect(app0.ready).toBe(true);
      // the service started only after its init container ended
      const initEnd = new Date(init.state.terminated.finishedAt).getTime();
      expect(new Date(app0.state.running.startedAt).getTime()).toBeGreaterThanOrEqual(initEnd);
      expect(available).toBeGreaterThanOrEqual(initEnd);
    }
    // golang-migrate's own output: one of the two pods applied it, the other found nothing to do
    const logs = list.map((p) => logsOf(p.metadata.name)).join('\n');
    expect(logs).toMatch(/1\/u create_greetings/);
    expect(psql('SELECT version, dirty FROM schema_migrations')).toBe('1|f');
  });

  test('the service\'s GET /greetings reads the table the migration created (a real query: a row inserted now is served)', async () => {
    const pod = pods()[0].metadata.name;
    const first = await getFromPod(pod, '/greetings');
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual([{ id: 1, text: 'Hello from the first migration' }]);
    psql("INSERT INTO greetings (text) VALUES ('inserted by the test')");
    expect(JSON.parse((await getFromPod(pod, '/greetings')).body)).toEqual([
      { id: 1, text: 'Hello from the first migration' },
      { id: 2, text: 'inserted by the test' },
    ]);
    // the container runs as 65532 (restricted), without a shell
    expect(JSON.parse(ns('exec', pod, '-c', name, '--', `/usr/local/bin/${name}`, 'selfcheck').stdout).uid).toBe(65532);
  });

  /** Builds the images of version v2 with a broken second migration, and loads them. */
  function brokenRelease(): void {
    for (const [d, sql] of [['up', 'ALTER TABLE greetingz ADD COLUMN colour text;\n'], ['down', 'SELECT 1;\n']]) {
      writeFileSync(join(repo, 'migrations', `000002_broken.${d}.sql`), sql);
    }
    make(v2, 'docker-build');
    run(CLUSTER_UP, ['--load-image', app(v2), migrate(v2)]);
  }

  test('a broken migration in a rollout: the new pod stays in its init container with golang-migrate\'s error; the old pods keep serving', async () => {
    brokenRelease();
    const old = new Set(pods().map((p) => p.metadata.name));
    make(v2, 'k8s-apply');
    // the first failure says what failed; later attempts find the database dirty at that version (kubelet keeps the
    // log of the last two attempts: on a loaded machine the first may be gone before it is read, so either counts)
    const fresh0 = await until('the new pod', () => pods().find((x) => !old.has(x.metadata.name)), 120_000, describePods);
    const seen = await until('the init container\'s error in the new pod\'s log', () => {
      const log = logsOf(fresh0.metadata.name) + logsOf(fresh0.metadata.name, true);
      return /relation "greetingz" does not exist|Dirty database version 2/.test(log) ? { pod: fresh0.metadata.name, log } : undefined;
    }, 120_000, describePods);
    expect(seen.log).toMatch(/error: (migration failed|Dirty database version 2)/);
    const fresh = pods().find((p) => p.metadata.name === seen.pod)!;
    expect(fresh.status.containerStatuses[0].ready).toBe(false);
    expect(fresh.status.containerStatuses[0].state.waiting?.reason).toBe('PodInitializing');
    // the rollout does not complete, and the old version keeps serving
    expect(runFailing(KUBECTL, ['-n', namespace, 'rollout', 'status', `deployment/${name}`, '--timeout=5s'], { env }).status).not.toBe(0);
    const d = json('get', 'deployment', name);
    expect(d.status.updatedReplicas ?? 0).toBeGreaterThan(0);
    expect(d.status.availableReplicas).toBe(2);
    const oldPod = [...old][0];
    expect((await getFromPod(oldPod, '/greetings')).status).toBe(200);
    expect(psql('SELECT version, dirty FROM schema_migrations')).toBe('2|t');
  });

  test('a broken migration on a fresh Deployment: not Available, the service never started, the error in the init container\'s log', async () => {
    // the operator's way back (golang-migrate force 1, done here in SQL), then the Deployment made again with the broken release
    psql('UPDATE schema_migrations SET version = 1, dirty = false');
    ns('delete', 'deployment', name, '--wait=true');
    make(v2, 'k8s-apply');
    const seen = await until('the init container\'s error in the log', () => {
      for (const p of pods()) {
        // the pod's status first (terminationMessagePolicy: FallbackToLogsOnError puts the attempt's log there): it comes
        // with the pod list, so a loaded machine, where each kubectl logs takes seconds, still sees the first attempt
        // before a second one (which finds the database dirty) replaces it
        const init = p.status?.initContainerStatuses?.[0];
        const message = [init?.state?.terminated?.message, init?.lastState?.terminated?.message].filter(Boolean).join('\n');
        if (message.includes('relation "greetingz" does not exist')) return { pod: p.metadata.name, log: message };
        const log = logsOf(p.metadata.name) + logsOf(p.metadata.name, true);
        if (log.includes('relation "greetingz" does not exist')) return { pod: p.metadata.name, log };
      }
      return undefined;
    }, 120_000, describePods);
    expect(seen.log).toMatch(/error: migration failed/);
    await sleep(10_000);
    const d = json('get', 'deployment', name);
    expect(d.status.conditions.find((c: any) => c.type === 'Available')?.status).toBe('False');
    expect(d.status.availableReplicas ?? 0).toBe(0);
    for (const p of pods()) {
      expect(p.status.containerStatuses[0].ready).toBe(false);
      expect(p.status.containerStatuses[0].state.waiting?.reason).toBe('PodInitializing');
      expect(p.status.containerStatuses[0].restartCount).toBe(0);
    }
    // the failed attempt's error is in the pod's status too (terminationMessagePolicy: FallbackToLogsOnError)
    const messages = await until('the failed attempt in the pod status', () => {
      const ended = pods().flatMap((p) => {
        const init = p.status.initContainerStatuses[0];
        return [init.lastState?.terminated, init.state.terminated];
      }).filter(Boolean);
      return ended.length ? ended : undefined;
    }, 60_000, describePods);
    expect(messages.every((t: any) => t.exitCode === 1)).toBe(true);
    expect(messages.map((t: any) => t.message).join('\n')).toMatch(/relation "greetingz" does not exist|Dirty database version 2/);
    // a later attempt finds the database dirty at the failed version, and says so
    const later = await until('a second attempt', () => {
      const p = pods().find((x) => x.status.initContainerStatuses[0].restartCount >= 1);
      const log = p ? logsOf(p.metadata.name) + logsOf(p.metadata.name, true) : '';
      return /Dirty database version 2/.test(log) ? log : undefined;
    }, 90_000, describePods);
    expect(later).toContain('Fix and force version');
    figures.push(`a broken migration: the first attempt's log and status say ${JSON.stringify(seen.log.trim().split('\n').pop())}; later attempts: ${JSON.stringify(/error: Dirty database version[^\n]*/.exec(later)?.[0])}`);
  });
});
