import { ApiObject, App, Chart, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Component, FileBase, IResolver, Project, YamlFile } from 'projen';
import * as YAML from 'yaml';
import { HealthProbe, KubernetesModel, modelOf, ProjectModel, requireModel, ServiceModel } from '../model/model';
import { problem, throwIfProblems } from '../model/problems';
import { SECRETS_MOUNT, wiringOf } from '../model/wiring';

/**
 * Options for the Kubernetes manifests.
 */
export interface KubernetesOptions {
  /**
   * The namespace every object lives in (the manifests create it, labelled for Pod Security).
   * @default - the project name
   */
  readonly namespace?: string;
}

const REFUSAL = () => 'Kubernetes: the manifests belong to a GoServiceProject. Set kubernetes: true on the GoServiceProject.';

/** The Secret that holds a service's secret files. */
const secretNameOf = (service: string) => `${service}-secrets`;

/** A DNS-1123 label: what a namespace name must be. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Kubernetes manifests rendered from the same model as the Dockerfile and compose, kept in sync:
 * under `k8s/`, a Namespace labelled for Pod Security `restricted`, per service (`k8s/services/<name>.yaml`)
 * a ServiceAccount without a token, a Deployment, a Service, a PodDisruptionBudget, an optional
 * HorizontalPodAutoscaler and a NetworkPolicy, and a `kustomization.yaml` that lists them. The
 * Makefile's `k8s-apply` applies them with the images pinned to the tag `make docker-build` made.
 *
 * Your own objects go into `chart` with cdk8s or cdk8s-plus constructs (the escape hatch), and land
 * in `k8s/objects.yaml`:
 *
 * ```ts
 * const project = new GoServiceProject({ name: 'shop', kubernetes: true });
 * new kplus.ConfigMap(project.kubernetes!.chart, 'Settings', { metadata: { name: 'settings' }, data: { mode: 'live' } });
 * ```
 *
 * A service that runs as root (`RuntimeStage ... nonroot: false`) cannot meet `restricted`: the
 * namespace is then labelled `baseline`, and synthesis says so.
 */
export class Kubernetes extends Component {
  /** The Kubernetes manifests of a project, if it renders them. */
  public static of(project: Project): Kubernetes | undefined {
    return project.components.find((c): c is Kubernetes => c instanceof Kubernetes);
  }

  /** The namespace every object lives in. */
  public readonly namespace: string;
  /** The directory of the manifests. */
  public readonly directory: string = 'k8s';
  /** Where `make k8s-*` writes the kustomization that pins the images (ignored by git). */
  public readonly overlayDirectory: string = '.k8s';
  /**
   * The chart for your own Kubernetes objects (namespaced, names as you give them), rendered into
   * `k8s/objects.yaml` and listed in `kustomization.yaml`.
   */
  public readonly chart: Chart;

  private readonly serviceFiles = new Map<string, ManifestFile>();

  constructor(project: Project, options: KubernetesOptions = {}) {
    requireModel(project, REFUSAL);
    const namespace = options.namespace ?? project.name;
    const problems: string[] = [];
    if (Kubernetes.of(project)) {
      problems.push(problem(undefined, 'kubernetes', 'the project already renders Kubernetes manifests', 'Use project.kubernetes instead of a second Kubernetes'));
    }
    if (typeof namespace !== 'string' || !DNS_LABEL.test(namespace) || namespace.length > 63) {
      problems.push(problem(undefined, 'kubernetesOptions.namespace', `${JSON.stringify(namespace)} is not a Kubernetes namespace name`,
        'Use at most 63 lowercase letters, digits and dashes, starting and ending with a letter or digit'));
    }
    throwIfProblems(problems);
    super(project, 'Kubernetes');
    this.namespace = namespace;
    this.chart = new Chart(new App(), 'objects', { namespace, disableResourceNameHashes: true });

    new ManifestFile(project, `${this.directory}/namespace.yaml`, () => renderNamespace(this.model));
    new ManifestFile(project, `${this.directory}/objects.yaml`, () => this.chart.toJson());
    new YamlFile(project, `${this.directory}/kustomization.yaml`, {
      readonly: true,
      marker: true,
      obj: () => ({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...this.resources] }),
    });
    project.gitignore.exclude(`/${this.overlayDirectory}/`);
    this.addServiceFiles();
  }

  /** The model, as resolved for the synthesis under way. */
  private get model(): ProjectModel {
    return modelOf(this.project, REFUSAL);
  }

  /** The facts of the manifests, as the model resolves them. */
  private get facts(): KubernetesModel {
    return this.model.kubernetes!;
  }

  /** The services deployed, by name: the servers (a command, `server: false`, is not). */
  public get serviceNames(): string[] {
    return [...this.facts.services];
  }

  /** The Pod Security level the namespace enforces: `restricted`, or `baseline` when a service runs as root. */
  public get podSecurity(): string {
    return this.facts.podSecurity;
  }

  /** The manifests kustomization.yaml lists, relative to the directory. */
  public get resources(): string[] {
    return [...this.facts.resources];
  }

  /**
   * The Secret that holds a service's secret files (`make k8s-secrets` creates it from `.secrets/`).
   * @param serviceName the service
   */
  public secretName(serviceName: string): string {
    return secretNameOf(serviceName);
  }

  /**
   * The manifests' facts, from the services of the model being resolved.
   * @internal
   */
  public _toModel(services: readonly ServiceModel[]): KubernetesModel {
    const deployed = services.filter((s) => s.isServer);
    return {
      namespace: this.namespace,
      podSecurity: deployed.some((s) => !s.runtime.nonroot) ? 'baseline' : 'restricted',
      directory: this.directory,
      overlayDirectory: this.overlayDirectory,
      resources: [
        'namespace.yaml',
        ...deployed.map((s) => `services/${s.name}.yaml`),
        ...(this.chart.node.children.length ? ['objects.yaml'] : []),
      ],
      services: deployed.map((s) => s.name),
      secretNames: Object.fromEntries(deployed.map((s) => [s.name, secretNameOf(s.name)])),
    };
  }

  /** The services deployed. */
  private deployed(): ServiceModel[] {
    return this.model.services.filter((s) => this.facts.services.includes(s.name));
  }

  public preSynthesize(): void {
    // services added after this component get their manifests too
    this.addServiceFiles();
    for (const s of this.rootServices()) {
      this.project.logger.warn(`kubernetes: ${s.name} runs as root (nonroot: false), which Pod Security "restricted" refuses, so namespace ${this.namespace} is labelled "baseline". Run it as 65532 (leave nonroot unset) to get "restricted".`);
    }
  }

  /** The services that run as root, which Pod Security `restricted` refuses. */
  private rootServices(): ServiceModel[] {
    return this.deployed().filter((s) => !s.runtime.nonroot);
  }

  private addServiceFiles(): void {
    for (const s of this.deployed()) {
      if (this.serviceFiles.has(s.name)) continue;
      const file = new ManifestFile(this.project, `${this.directory}/services/${s.name}.yaml`, () => {
        const current = this.deployed().find((x) => x.name === s.name);
        return current ? renderServiceObjects(this.model, current) : [];
      });
      this.serviceFiles.set(s.name, file);
    }
  }
}

/**
 * A generated multi-document manifest: the objects of a cdk8s chart, rendered at synthesis from
 * the model. No file when there are no objects.
 */
export class ManifestFile extends FileBase {
  private readonly render: () => any[];

  constructor(project: Project, path: string, render: () => any[]) {
    super(project, path, { readonly: true, marker: true });
    this.render = render;
  }

  protected synthesizeContent(_resolver: IResolver): string | undefined {
    const objects = this.render();
    if (objects.length === 0) return undefined;
    const docs = objects.map((o) => YAML.stringify(o, { indent: 2, lineWidth: 0 }));
    return `# ${this.marker}\n${docs.join('---\n')}`;
  }
}

/** The labels every object of a service carries; the first two select its pods. */
export function serviceLabels(model: ProjectModel, s: ServiceModel): { selector: { [key: string]: string }; all: { [key: string]: string } } {
  const selector = { 'app.kubernetes.io/name': s.name, 'app.kubernetes.io/part-of': model.name };
  return { selector, all: { ...selector, 'app.kubernetes.io/managed-by': 'projen-go-service' } };
}

/** The Namespace, labelled for Pod Security. */
export function renderNamespace(model: ProjectModel): any[] {
  const k8s = model.kubernetes!;
  const chart = new Chart(new App(), 'namespace', { disableResourceNameHashes: true });
  const level = k8s.podSecurity;
  new kplus.Namespace(chart, 'Namespace', {
    metadata: {
      name: k8s.namespace,
      labels: {
        'app.kubernetes.io/part-of': model.name,
        'app.kubernetes.io/managed-by': 'projen-go-service',
        // enforced on pods; warned about on Deployments (kubectl apply prints it) and audited
        'pod-security.kubernetes.io/enforce': level,
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': level,
        'pod-security.kubernetes.io/warn-version': 'latest',
        'pod-security.kubernetes.io/audit': level,
        'pod-security.kubernetes.io/audit-version': 'latest',
      },
    },
  });
  return chart.toJson();
}

/**
 * A service's objects: ServiceAccount, Deployment, Service, PodDisruptionBudget, the optional
 * HorizontalPodAutoscaler, and NetworkPolicy. Every fact is read from the model.
 */
export function renderServiceObjects(model: ProjectModel, s: ServiceModel): any[] {
  const k8s = model.kubernetes!;
  const chart = new Chart(new App(), s.name, { namespace: k8s.namespace, disableResourceNameHashes: true });
  const labels = serviceLabels(model, s);
  const metadata = { name: s.name, labels: labels.all };
  const d = s.deployment;
  const wiring = wiringOf(model, s);
  const runtime = s.runtime;
  const h = s.hardening;

  const sa = new kplus.ServiceAccount(chart, 'ServiceAccount', { metadata, automountToken: false });

  const env: { [name: string]: kplus.EnvValue } = {};
  for (const [k, v] of Object.entries(wiring.environment)) env[k] = kplus.EnvValue.fromValue(v);
  // the Go runtime's soft memory limit follows the container's (in bytes, through the downward API)
  if (!('GOMEMLIMIT' in env)) env.GOMEMLIMIT = kplus.EnvValue.fromResource(kplus.ResourceFieldPaths.MEMORY_LIMIT);

  const probe = s.healthProbe;
  const security: kplus.ContainerSecurityContextProps = {
    ensureNonRoot: runtime.nonroot,
    user: runtime.uid,
    group: runtime.gid,
    readOnlyRootFilesystem: h.readOnlyRootFilesystem,
    allowPrivilegeEscalation: !h.noNewPrivileges,
    privileged: false,
    capabilities: { drop: h.dropCapabilities.map((c) => c as kplus.Capability) },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
  const deployment = new kplus.Deployment(chart, 'Deployment', {
    metadata,
    replicas: d.replicas,
    select: false,
    podMetadata: { labels: labels.all },
    serviceAccount: sa,
    automountServiceAccountToken: false,
    securityContext: {
      ensureNonRoot: runtime.nonroot,
      user: runtime.uid,
      group: runtime.gid,
      // a non-root service on a privileged port: a safe sysctl, which Pod Security restricted allows
      sysctls: Object.entries(s.sysctls).map(([name, value]) => ({ name, value })),
    },
    containers: [{
      name: s.name,
      image: s.imageName,
      // the image is loaded or pushed by tag (make k8s-apply pins it): pull only when it is missing
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      portNumber: s.port,
      args: s.command.length ? [...s.command] : undefined,
      envVariables: env,
      resources: d.resources,
      securityContext: security,
      readiness: probe ? toProbe(probe, 'steady') : undefined,
      liveness: probe ? toProbe(probe, 'steady') : undefined,
      startup: probe ? toProbe(probe, 'startup') : undefined,
    }],
  });
  deployment.select(kplus.LabelSelector.of({ labels: labels.selector }));
  const container = deployment.containers[0];
  let secrets: kplus.Volume | undefined;
  if (wiring.secrets.length) {
    // the files compose hands the service, at the same paths: the same <NAME>_FILE variables work
    const secret = kplus.Secret.fromSecretName(chart, 'Secret', k8s.secretNames[s.name]);
    const items: { [key: string]: kplus.PathMapping } = {};
    for (const x of wiring.secrets) items[x.name] = { path: x.name };
    secrets = kplus.Volume.fromSecret(chart, 'SecretsVolume', secret, { name: 'secrets', items });
    container.mount(SECRETS_MOUNT, secrets, { readOnly: true });
  }
  const migrations = wiring.addons.flatMap((a) => (a.migrations ? [a.migrations] : []));
  for (const m of migrations) {
    // the schema first: the pod (and so the Deployment) is not Available until the migrations exit 0
    const [uid, gid] = m.user.split(':').map(Number);
    const init = deployment.addInitContainer({
      name: m.service,
      image: m.imageName,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: [...m.command],
      envVariables: { [`${m.urlVariable}_FILE`]: kplus.EnvValue.fromValue(`${SECRETS_MOUNT}/${m.urlSecret}`) },
      resources: d.resources,
      securityContext: { ...security, ensureNonRoot: true, user: uid, group: gid, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    });
    if (secrets) init.mount(SECRETS_MOUNT, secrets, { readOnly: true });
  }
  for (const [i, path] of h.tmpfs.entries()) {
    // compose's tmpfs: memory-backed, counted against the memory limit
    const name = i === 0 ? 'tmp' : `tmp-${i}`;
    container.mount(path, kplus.Volume.fromEmptyDir(chart, `Volume-${name}`, name, { medium: kplus.EmptyDirMedium.MEMORY }));
  }
  for (const data of s.dataDirectories) {
    // where the service writes: compose keeps a named volume there; a pod gets scratch space for its lifetime
    container.mount(data.path, kplus.Volume.fromEmptyDir(chart, `Volume-${data.volume}`, data.volume));
  }
  const patches = [
    // cdk8s-plus labels pods with a construct address of its own; the selector labels are ours
    JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'),
  ];
  // cdk8s-plus gives a container with a port a TCP startup probe: a service without a health check has none
  if (!probe) patches.push(JsonPatch.remove('/spec/template/spec/containers/0/startupProbe'));
  // a failed migration's error in the pod's status too (kubectl describe pod, kubectl get pod -o yaml: the tail
  // of the failed attempt's log), beside kubectl logs -c <database>-migrate
  migrations.forEach((_m, i) => patches.push(JsonPatch.add(`/spec/template/spec/initContainers/${i}/terminationMessagePolicy`, 'FallbackToLogsOnError')));
  ApiObject.of(deployment).addJsonPatch(...patches);

  const pods = kplus.Pods.select(chart, 'Pods', { labels: labels.selector });
  new kplus.Service(chart, 'Service', {
    metadata,
    selector: pods,
    ports: [{ port: s.port!, targetPort: s.port!, name: 'main' }],
  });

  new kplus.k8s.KubePodDisruptionBudget(chart, 'PodDisruptionBudget', {
    metadata,
    spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(d.maxUnavailable), selector: { matchLabels: labels.selector } },
  });

  if (d.autoscaling) {
    new kplus.HorizontalPodAutoscaler(chart, 'HorizontalPodAutoscaler', {
      metadata,
      target: deployment,
      minReplicas: d.autoscaling.minReplicas,
      maxReplicas: d.autoscaling.maxReplicas,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(d.autoscaling.cpuUtilization ?? 70))],
    });
  }

  // cdk8s-plus's NetworkPolicy needs a peer in every rule, and so cannot say "from anywhere, on this
  // port" (a rule without from/to), which a service behind any ingress path needs: the L1 object
  const tcp = (port: number) => ({ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(port) });
  const egressPorts = [...new Set([...wiring.addons.map((a) => a.port), ...d.egressPorts])].sort((a, b) => a - b);
  new kplus.k8s.KubeNetworkPolicy(chart, 'NetworkPolicy', {
    metadata,
    spec: {
      podSelector: { matchLabels: labels.selector },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: [tcp(s.port!)] }],
      egress: [
        { ports: [{ protocol: 'UDP', port: kplus.k8s.IntOrString.fromNumber(53) }, tcp(53)] },
        ...(egressPorts.length ? [{ ports: egressPorts.map(tcp) }] : []),
      ],
    },
  });
  return chart.toJson();
}

/**
 * The model's health probe as Kubernetes runs it: the same check (`http` → httpGet, `tcp` →
 * tcpSocket, `command` → exec), every interval, failing after `retries` failures. The startup probe
 * checks every second for the start period plus `retries` intervals, so a pod is Ready as soon as
 * it is healthy.
 */
function toProbe(p: HealthProbe, use: 'steady' | 'startup'): kplus.Probe {
  const interval = seconds(p.interval);
  const timeoutSeconds = Duration.seconds(seconds(p.timeout));
  const options = use === 'steady'
    ? { periodSeconds: Duration.seconds(interval), timeoutSeconds, failureThreshold: p.retries }
    : { periodSeconds: Duration.seconds(1), timeoutSeconds, failureThreshold: seconds(p.startPeriod) + interval * p.retries };
  switch (p.kind) {
    case 'http':
      return kplus.Probe.fromHttpGet(p.path!, { ...options, port: p.port });
    case 'tcp':
      return kplus.Probe.fromTcpSocket({ ...options, port: p.port });
    default:
      return kplus.Probe.fromCommand(p.command, options);
  }
}

/** A Go duration (`10s`, `1m30s`, `500ms`) in whole seconds, at least 1: what probes take. */
function seconds(duration: string): number {
  const units: { [u: string]: number } = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const m of duration.matchAll(/(\d+)(ms|s|m|h)/g)) total += Number(m[1]) * units[m[2]];
  return Math.max(1, Math.ceil(total));
}
