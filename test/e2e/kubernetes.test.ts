import { ChildProcess } from 'child_process';
import { randomUUID } from 'crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as YAML from 'yaml';
import { CLUSTER_UP, clusterReady, DOCKER, dockerReady, KUBECONFIG, KUBECTL, newRepo, portForward, removeRepo, run, runFailing } from './fixtures';
import { KUBERNETES_VARIANTS } from '../kubernetes-variants';

/**
 * Issue 16: the manifests against a real Kubernetes API server (Pod Security admission, strict
 * server-side validation) and on a real node, end to end from `projen new`.
 */
const withCluster = dockerReady() && clusterReady();
const env = { KUBECONFIG, KUBECTL };
const kubectl = (...args: string[]) => run(KUBECTL, args, { env });
const kubectlFails = (...args: string[]) => runFailing(KUBECTL, args, { env });
const figures: string[] = [];

afterAll(() => {
  // eslint-disable-next-line no-console
  if (figures.length) console.log(`kubernetes:\n  ${figures.join('\n  ')}`);
});

/** Objects of a multi-document manifest. */
const docsOf = (text: string): any[] => YAML.parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean);
const writeDocs = (dir: string, name: string, objects: any[]) => {
  const file = join(dir, name);
  writeFileSync(file, objects.map((o) => YAML.stringify(o)).join('---\n'));
  return file;
};

/** A Deployment's pod template as a Pod: Pod Security enforces on Pods, and only warns on Deployments. */
const podOf = (deployment: any, name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: deployment.metadata.namespace, labels: deployment.spec.template.metadata.labels },
  spec: deployment.spec.template.spec,
});

(withCluster ? describe : describe.skip)('against the API server: Pod Security restricted, strict validation', () => {
  const work = mkdtempSync(join(tmpdir(), 'pgs-k8s-'));
  let accepted = 0;

  afterAll(() => {
    figures.push(`variants accepted server-side (apply --dry-run=server --validate=strict --warnings-as-errors, and their pods as Pods): ${accepted} of ${Object.keys(KUBERNETES_VARIANTS).length}`);
  });

  test.each(Object.keys(KUBERNETES_VARIANTS))('%s: accepted, and its pods too', (name) => {
    const namespace = `v-${randomUUID().slice(0, 8)}`;
    const project = KUBERNETES_VARIANTS[name]({ kubernetesOptions: { namespace } });
    project.synth();
    const k8s = join(project.outdir, 'k8s');
    const level = name.startsWith('root') ? 'baseline' : 'restricted';
    // the namespace for real, labelled by the manifests themselves; the service accounts for real (admission looks them up)
    kubectl('apply', '-f', join(k8s, 'namespace.yaml'));
    expect(kubectl('get', 'namespace', namespace, '-o', 'jsonpath={.metadata.labels.pod-security\\.kubernetes\\.io/enforce}').stdout).toBe(level);
    const objects = project.kubernetes!.resources.filter((r) => r.startsWith('services/')).flatMap((r) => docsOf(readFileSync(join(k8s, r), 'utf-8')));
    kubectl('apply', '-f', writeDocs(work, `${namespace}-sa.yaml`, objects.filter((o) => o.kind === 'ServiceAccount')));
    // everything kustomization.yaml lists, as kubectl apply -k reads it (a warning would fail it)
    const out = kubectl('apply', '-k', k8s, '--dry-run=server', '--validate=strict', '--warnings-as-errors');
    for (const o of objects) expect(out.stdout).toMatch(new RegExp(`${o.kind.toLowerCase()}[^ ]*/${o.metadata.name} (created|configured|unchanged) \\(server dry run\\)`));
    for (const d of objects.filter((o) => o.kind === 'Deployment')) {
      const file = writeDocs(work, `${namespace}-${d.metadata.name}-pod.yaml`, [podOf(d, `${d.metadata.name}-pod`)]);
      expect(kubectl('create', '-f', file, '--dry-run=server', '--validate=strict', '--warnings-as-errors').stdout).toContain('created (server dry run)');
    }
    accepted++;
  });

  describe('mutated manifests are refused, so the checks can fail', () => {
    const namespace = `m-${randomUUID().slice(0, 8)}`;
    let deployment: any;

    beforeAll(() => {
      const project = KUBERNETES_VARIANTS['scratch, the sample health check']({ kubernetesOptions: { namespace } });
      project.synth();
      const k8s = join(project.outdir, 'k8s');
      kubectl('apply', '-f', join(k8s, 'namespace.yaml'));
      const objects = docsOf(readFileSync(join(k8s, 'services', 'hello.yaml'), 'utf-8'));
      kubectl('apply', '-f', writeDocs(work, `${namespace}-sa.yaml`, objects.filter((o) => o.kind === 'ServiceAccount')));
      deployment = objects.find((o) => o.kind === 'Deployment');
    });

    const mutations: Array<[string, (d: any) => void, string]> = [
      ['runAsNonRoot removed', (d) => {
        delete d.spec.template.spec.securityContext.runAsNonRoot;
        delete d.spec.template.spec.containers[0].securityContext.runAsNonRoot;
        delete d.spec.template.spec.containers[0].securityContext.runAsUser;
        delete d.spec.template.spec.securityContext.runAsUser;
      }, 'runAsNonRoot != true'],
      ['privilege escalation allowed', (d) => {
        d.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
      }, 'allowPrivilegeEscalation != false'],
      ['a capability added back', (d) => {
        d.spec.template.spec.containers[0].securityContext.capabilities = { add: ['NET_RAW'] };
      }, 'unrestricted capabilities'],
      ['seccomp profile removed', (d) => {
        delete d.spec.template.spec.containers[0].securityContext.seccompProfile;
      }, 'seccompProfile'],
    ];

    test.each(mutations)('%s: the Deployment warns (an error with --warnings-as-errors), the Pod is forbidden', (_n, mutate, rule) => {
      const d = JSON.parse(JSON.stringify(deployment));
      mutate(d);
      const asDeployment = kubectlFails('apply', '-f', writeDocs(work, `${namespace}-bad.yaml`, [d]), '--dry-run=server', '--validate=strict', '--warnings-as-errors');
      expect(asDeployment.output).toContain('would violate PodSecurity "restricted:latest"');
      expect(asDeployment.output).toContain(rule);
      const asPod = kubectlFails('create', '-f', writeDocs(work, `${namespace}-bad-pod.yaml`, [podOf(d, 'bad')]), '--dry-run=server');
      expect(asPod.output).toMatch(/forbidden: violates PodSecurity "restricted:latest"/);
    });

    test('an unknown field is refused by strict validation', () => {
      const d = JSON.parse(JSON.stringify(deployment));
      d.spec.replica = 3;
      expect(kubectlFails('apply', '-f', writeDocs(work, `${namespace}-typo.yaml`, [d]), '--dry-run=server', '--validate=strict').output)
        .toContain('unknown field "spec.replica"');
    });

    test('the root variant is refused in a restricted namespace: why it gets baseline', () => {
      const root = KUBERNETES_VARIANTS['root (nonroot: false): baseline']({ kubernetesOptions: { namespace } });
      root.synth();
      const d = docsOf(readFileSync(join(root.outdir, 'k8s', 'services', 'hello.yaml'), 'utf-8')).find((o) => o.kind === 'Deployment');
      expect(kubectlFails('create', '-f', writeDocs(work, `${namespace}-root-pod.yaml`, [podOf(d, 'root')]), '--dry-run=server').output)
        .toContain('runAsNonRoot != true');
    });
  });
});

(withCluster ? describe : describe.skip)('on a real node, from projen new', () => {
  let repo: string;
  const name = 'kube';
  const version = `e2e-${process.pid}`;
  const registry = 'registry.example/acme';
  const image = `${registry}/${name}:${version}`;
  const make = (...args: string[]) => run('make', [...args, `VERSION=${version}`, `REGISTRY=${registry}`, `DOCKER=${DOCKER}`, `KUBECTL=${KUBECTL}`], { cwd: repo, env });
  let forward: ChildProcess | undefined;

  beforeAll(() => {
    // the option is a flag of projen new
    repo = newRepo(name, ['--kubernetes']);
    expect(readFileSync(join(repo, '.projenrc.ts'), 'utf-8')).toContain('kubernetes: true,');
    // a database for the service: its URL reaches the pod as a Secret mounted where compose mounts it
    run('npx', ['projen-go-service', 'add', 'postgres'], { cwd: repo });
    // no database runs in this cluster (the test reads only the Secret): the migrations' init container
    // would wait for one, so they are off here
    const rc = join(repo, '.projenrc.ts');
    const text = readFileSync(rc, 'utf-8');
    expect(text).toContain('new PostgresDatabase(project);');
    writeFileSync(rc, text.replace('new PostgresDatabase(project);', 'new PostgresDatabase(project, { migrations: false });'));
    run('npx', ['projen'], { cwd: repo });
  });

  afterAll(() => {
    forward?.kill();
    if (repo) {
      try {
        make('k8s-delete');
      } catch {
        // deleted by the test
      }
      removeRepo(repo);
    }
  });

  test('make docker-build, load the image, make k8s-secrets and k8s-apply: Available, the image pinned to its tag', () => {
    make('docker-build');
    run(CLUSTER_UP, ['--load-image', image]);
    make('k8s-secrets');
    const started = Date.now();
    make('k8s-apply');
    kubectl('-n', name, 'wait', '--for=condition=Available', `deployment/${name}`, '--timeout=180s');
    figures.push(`make k8s-apply to Deployment Available (2 pods, exec probes): ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const deployment = JSON.parse(kubectl('-n', name, 'get', 'deployment', name, '-o', 'json').stdout);
    expect(deployment.spec.template.spec.containers[0].image).toBe(image);
    expect(deployment.status.readyReplicas).toBe(2);
  });

  test('the probes pass: every pod Ready, none restarted', () => {
    const pods = JSON.parse(kubectl('-n', name, 'get', 'pods', '-l', `app.kubernetes.io/name=${name}`, '-o', 'json').stdout).items;
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
      expect(p.status.containerStatuses[0].restartCount).toBe(0);
      expect(p.status.containerStatuses[0].started).toBe(true);
    }
  });

  test('kubectl port-forward to the Service: /healthz 200; /readyz names the database it read from the mounted Secret', async () => {
    const forwarded = await portForward(name, `service/${name}`, 8080);
    forward = forwarded.process;
    const port = forwarded.port;
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    // the pod read DATABASE_URL_FILE=/run/secrets/postgres_url: it names the compose host, which this cluster does not run
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ready: false, checked: { DATABASE_URL: 'postgres:5432 down' } });
    forward.kill();
    forward = undefined;
  });

  test('the container runs as 65532: selfcheck through kubectl exec (no shell needed)', () => {
    const report = JSON.parse(kubectl('-n', name, 'exec', `deployment/${name}`, '--', `/usr/local/bin/${name}`, 'selfcheck').stdout);
    expect(report.uid).toBe(65532);
  });

  test('make k8s-diff shows nothing after k8s-apply', () => {
    expect(make('k8s-diff').stdout.trim()).toBe(`${KUBECTL} diff -k .k8s || [ $? -eq 1 ]`);
  });

  test('make k8s-delete removes everything, the namespace with it', () => {
    make('k8s-delete');
    expect(kubectlFails('get', 'namespace', name).output).toContain('not found');
  });
});

(withCluster ? describe : describe.skip)('a non-root service on port 80 on a real node (issue 21, part 6)', () => {
  let repo: string;
  const name = 'port80';
  const version = `e2e-${process.pid}`;
  const registry = 'registry.example/acme';
  const image = `${registry}/${name}:${version}`;
  const make = (...args: string[]) => run('make', [...args, `VERSION=${version}`, `REGISTRY=${registry}`, `DOCKER=${DOCKER}`, `KUBECTL=${KUBECTL}`], { cwd: repo, env });

  beforeAll(() => {
    repo = newRepo(name, ['--kubernetes']);
    run('npx', ['projen-go-service', 'set', 'port', '80'], { cwd: repo });
  });

  afterAll(() => {
    if (repo) {
      try {
        make('k8s-delete');
      } catch {
        // not applied
      }
      removeRepo(repo);
    }
  });

  test('the pod asks for net.ipv4.ip_unprivileged_port_start=0, Pod Security restricted admits it, and it becomes Ready as 65532 on :80', () => {
    const deployment = docsOf(readFileSync(join(repo, 'k8s', 'services', `${name}.yaml`), 'utf-8')).find((o) => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]);
    make('docker-build');
    run(CLUSTER_UP, ['--load-image', image]);
    const started = Date.now();
    make('k8s-apply');
    kubectl('-n', name, 'wait', '--for=condition=Available', `deployment/${name}`, '--timeout=180s');
    figures.push(`port 80 as 65532: make k8s-apply to Deployment Available: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(kubectl('get', 'namespace', name, '-o', 'jsonpath={.metadata.labels.pod-security\\.kubernetes\\.io/enforce}').stdout).toBe('restricted');
    const pods = JSON.parse(kubectl('-n', name, 'get', 'pods', '-l', `app.kubernetes.io/name=${name}`, '-o', 'json').stdout).items;
    expect(pods.length).toBeGreaterThan(0);
    for (const p of pods) {
      expect(p.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
      expect(p.status.containerStatuses[0].restartCount).toBe(0);
      expect(p.spec.containers[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    }
    const report = JSON.parse(kubectl('-n', name, 'exec', `deployment/${name}`, '--', `/usr/local/bin/${name}`, 'selfcheck').stdout);
    expect(report.uid).toBe(65532);
    // the sample's own health check, on :80 inside the pod
    kubectl('-n', name, 'exec', `deployment/${name}`, '--', `/usr/local/bin/${name}`, 'healthcheck');
  });

  test('without the sysctl the same pod cannot bind :80 (so the sysctl is what makes it work)', () => {
    const d = JSON.parse(kubectl('-n', name, 'get', 'deployment', name, '-o', 'json').stdout);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'nosysctl', namespace: name },
      spec: { ...d.spec.template.spec, securityContext: { ...d.spec.template.spec.securityContext, sysctls: undefined } },
    };
    delete pod.spec.containers[0].startupProbe;
    delete pod.spec.containers[0].livenessProbe;
    delete pod.spec.containers[0].readinessProbe;
    kubectl('apply', '-f', writeDocs(mkdtempSync(join(tmpdir(), 'pgs-k8s-')), 'nosysctl.yaml', [JSON.parse(JSON.stringify(pod))]));
    const deadline = Date.now() + 60_000;
    let log = '';
    while (Date.now() < deadline && !log.includes('permission denied')) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
      try {
        log = kubectl('-n', name, 'logs', 'nosysctl').stdout;
      } catch {
        // not started yet
      }
    }
    expect(log).toContain('bind: permission denied');
  });
});
