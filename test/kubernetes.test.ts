import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import * as kplus from 'cdk8s-plus-34';
import * as YAML from 'yaml';
import { GoService, GoServiceProject, GoServiceProjectOptions, HealthCheck, PostgresDatabase, RuntimeStage } from '../src';
import { k8sProject, KUBERNETES_VARIANTS } from './kubernetes-variants';
import { newProject, synth } from './util';

/** The objects of a synthesized manifest, by `Kind/name`. */
function objectsOf(files: { [path: string]: any }, path: string): { [id: string]: any } {
  const docs = YAML.parseAllDocuments(String(files[path])).map((d) => d.toJS());
  return Object.fromEntries(docs.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
}

function k8sFiles(files: { [path: string]: any }): { [path: string]: string } {
  return Object.fromEntries(Object.entries(files).filter(([p]) => p.startsWith('k8s/')));
}

describe('Kubernetes manifests', () => {
  test.each(Object.keys(KUBERNETES_VARIANTS))('%s', (name) => {
    expect(k8sFiles(synth(KUBERNETES_VARIANTS[name]({})))).toMatchSnapshot();
  });

  test('none without kubernetes: true, and no k8s targets', () => {
    const files = synth(newProject());
    expect(Object.keys(files).filter((p) => p.startsWith('k8s/'))).toEqual([]);
    expect(files.Makefile).not.toMatch(/k8s|KUBECTL/);
  });

  test('every fact comes from the model: image, port, user, hardening, environment, probes, resources', () => {
    const p = k8sProject({
      runtime: RuntimeStage.distroless(),
      port: 9000,
      environment: { LOG_LEVEL: 'debug' },
      healthCheck: HealthCheck.http({ path: '/readyz', interval: '15s', timeout: '2s', retries: 4, startPeriod: '20s' }),
      writableTmp: true,
    });
    new PostgresDatabase(p);
    const o = objectsOf(synth(p), 'k8s/services/hello.yaml');
    const pod = o['Deployment/hello'].spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe(p.defaultService.imageName);
    expect(c.ports).toEqual([{ containerPort: 9000 }]);
    expect(c.env).toEqual([
      { name: 'PORT', value: '9000' },
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'DATABASE_URL_FILE', value: '/run/secrets/postgres_url' },
      { name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
    ]);
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 65532,
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(o['ServiceAccount/hello'].automountServiceAccountToken).toBe(false);
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/readyz', port: 9000, scheme: 'HTTP' }, periodSeconds: 15, timeoutSeconds: 2, failureThreshold: 4 });
    expect(c.livenessProbe).toEqual(c.readinessProbe);
    expect(c.startupProbe).toEqual({ httpGet: { path: '/readyz', port: 9000, scheme: 'HTTP' }, periodSeconds: 1, timeoutSeconds: 2, failureThreshold: 20 + 15 * 4 });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } });
    expect(c.volumeMounts).toEqual([{ mountPath: '/run/secrets', name: 'secrets', readOnly: true }, { mountPath: '/tmp', name: 'tmp' }]);
    expect(pod.volumes).toEqual([
      { name: 'secrets', secret: { secretName: 'hello-secrets', items: [{ key: 'postgres_url', path: 'postgres_url' }] } },
      { name: 'tmp', emptyDir: { medium: 'Memory' } },
    ]);
    // the Service and the NetworkPolicy select the Deployment's pods by its selector labels, and nothing else
    const selector = o['Deployment/hello'].spec.selector.matchLabels;
    expect(selector).toEqual({ 'app.kubernetes.io/name': 'hello', 'app.kubernetes.io/part-of': 'hello' });
    expect(o['Deployment/hello'].spec.template.metadata.labels).toEqual({ ...selector, 'app.kubernetes.io/managed-by': 'projen-go-service' });
    expect(o['Service/hello'].spec.selector).toEqual(selector);
    expect(o['Service/hello'].spec.ports).toEqual([{ name: 'main', port: 9000, targetPort: 9000 }]);
    expect(o['NetworkPolicy/hello'].spec.podSelector.matchLabels).toEqual(selector);
    expect(o['NetworkPolicy/hello'].spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 9000 }] }]);
    expect(o['NetworkPolicy/hello'].spec.egress).toEqual([
      { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
      { ports: [{ protocol: 'TCP', port: 5432 }] },
    ]);
    expect(o['PodDisruptionBudget/hello'].spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: selector } });
  });

  test('the probe kinds map to exec, httpGet and tcpSocket; none has no probe at all', () => {
    const containerOf = (o: Partial<GoServiceProjectOptions>) => objectsOf(synth(k8sProject(o)), 'k8s/services/hello.yaml')['Deployment/hello'].spec.template.spec.containers[0];
    expect(containerOf({}).readinessProbe.exec).toEqual({ command: ['/usr/local/bin/hello', 'healthcheck'] });
    expect(containerOf({ healthCheck: HealthCheck.tcp() }).livenessProbe.tcpSocket).toEqual({ port: 8080 });
    expect(containerOf({ healthCheck: HealthCheck.http({ path: '/healthz', port: 9100 }) }).startupProbe.httpGet.port).toBe(9100);
    const none = containerOf({ healthCheck: HealthCheck.none() });
    expect([none.readinessProbe, none.livenessProbe, none.startupProbe]).toEqual([undefined, undefined, undefined]);
  });

  test('the namespace enforces restricted; a root service makes it baseline, and synthesis says why', () => {
    const restricted = objectsOf(synth(k8sProject()), 'k8s/namespace.yaml')['Namespace/hello'];
    expect(restricted.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const p = k8sProject({ runtime: RuntimeStage.distroless({ nonroot: false }) });
    const warn = jest.spyOn(p.logger, 'warn');
    const files = synth(p);
    expect(objectsOf(files, 'k8s/namespace.yaml')['Namespace/hello'].metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    const c = objectsOf(files, 'k8s/services/hello.yaml')['Deployment/hello'].spec.template.spec.containers[0];
    expect([c.securityContext.runAsUser, c.securityContext.runAsNonRoot]).toEqual([0, false]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('kubernetes: hello runs as root (nonroot: false), which Pod Security "restricted" refuses, so namespace hello is labelled "baseline"'));
  });

  test('a non-root service on a privileged port asks for net.ipv4.ip_unprivileged_port_start=0 in its pod; others ask for nothing', () => {
    const podOf = (o: Partial<GoServiceProjectOptions>) => objectsOf(synth(k8sProject(o)), 'k8s/services/hello.yaml')['Deployment/hello'].spec.template.spec;
    // GIVEN port 80, WHEN synthesized, THEN the pod's security context has the safe sysctl, and the container still runs as 65532
    const pod = podOf({ port: 80 });
    expect(pod.securityContext).toEqual({
      fsGroupChangePolicy: 'Always',
      runAsGroup: 65532,
      runAsNonRoot: true,
      runAsUser: 65532,
      sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
    });
    expect(pod.containers[0].ports).toEqual([{ containerPort: 80 }]);
    expect(pod.containers[0].securityContext).toMatchObject({ runAsUser: 65532, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    // port 1024 and up, or root: nothing to ask for
    expect(podOf({ port: 1024 }).securityContext.sysctls).toBeUndefined();
    expect(podOf({ port: 80, runtime: RuntimeStage.distroless({ nonroot: false }) }).securityContext.sysctls).toBeUndefined();
  });

  test('autoscaling: the HPA decides the replicas, between its minimum and maximum', () => {
    const o = objectsOf(synth(k8sProject({ deployment: { replicas: 3, autoscaling: { maxReplicas: 9 } } })), 'k8s/services/hello.yaml');
    expect(o['Deployment/hello'].spec.replicas).toBeUndefined();
    expect(o['HorizontalPodAutoscaler/hello'].spec).toMatchObject({
      minReplicas: 3,
      maxReplicas: 9,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hello' },
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
    expect(objectsOf(synth(k8sProject()), 'k8s/services/hello.yaml')['HorizontalPodAutoscaler/hello']).toBeUndefined();
  });

  test('the chart is the escape hatch: your own objects land in k8s/objects.yaml, in the namespace, listed in kustomization.yaml', () => {
    const p = k8sProject({ kubernetesOptions: { namespace: 'shop' } });
    new kplus.ConfigMap(p.kubernetes!.chart, 'Settings', { metadata: { name: 'settings' }, data: { mode: 'live' } });
    const files = synth(p);
    expect(objectsOf(files, 'k8s/objects.yaml')['ConfigMap/settings'].metadata.namespace).toBe('shop');
    expect(YAML.parse(files['k8s/kustomization.yaml']).resources).toEqual(['namespace.yaml', 'services/hello.yaml', 'objects.yaml']);
    expect(synth(k8sProject())['k8s/objects.yaml']).toBeUndefined();
  });

  test('a second synthesis changes nothing; removing a service removes its manifest', () => {
    const outdir = k8sProject().outdir;
    const build = (withApi: boolean) => {
      const p = new GoServiceProject({ name: 'hello', outdir, kubernetes: true });
      if (withApi) new GoService(p, 'api', { port: 9090 });
      p.synth();
    };
    const state = () => Object.fromEntries(readdirSync(join(outdir, 'k8s'), { recursive: true, encoding: 'utf-8' }).sort()
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => [f, `${statSync(join(outdir, 'k8s', f)).mtimeMs} ${readFileSync(join(outdir, 'k8s', f), 'utf-8')}`]));
    build(true);
    const first = state();
    expect(Object.keys(first)).toEqual(['kustomization.yaml', 'namespace.yaml', 'services/api.yaml', 'services/hello.yaml']);
    build(true);
    expect(state()).toEqual(first);
    build(false);
    expect(Object.keys(state())).toEqual(['kustomization.yaml', 'namespace.yaml', 'services/hello.yaml']);
    expect(existsSync(join(outdir, 'k8s', 'services', 'api.yaml'))).toBe(false);
  });

  test('the Makefile: k8s-apply pins each image to $(VERSION) or its digest, k8s-secrets reads the files compose uses', () => {
    const p = k8sProject();
    new GoService(p, 'api', { port: 9090 });
    new PostgresDatabase(p, { services: ['api'] });
    const mk = String(synth(p).Makefile);
    expect(mk).toContain('KUBECTL ?= kubectl');
    expect(mk).toContain('k8s-apply: .k8s/kustomization.yaml\n\t$(KUBECTL) apply -k .k8s');
    expect(mk).toContain("'  - name: hello-api' '    newName: $(API_IMAGE)' '    $(if $(API_DIGEST),digest: $(API_DIGEST),newTag: $(VERSION))'");
    expect(mk).toContain('k8s-secrets: .secrets/postgres_url\n\t$(KUBECTL) apply -f k8s/namespace.yaml\n' +
      '\t$(KUBECTL) -n hello create secret generic api-secrets --from-file=postgres_url=.secrets/postgres_url --dry-run=client -o yaml | $(KUBECTL) apply -f -');
    expect(mk).not.toMatch(/:latest.*k8s|k8s.*:latest/);
    expect(p.kubernetes!.podSecurity).toBe('restricted');
  });
});
