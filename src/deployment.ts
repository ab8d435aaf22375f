import { Size } from 'cdk8s';
import { ContainerResources, Cpu } from 'cdk8s-plus-34';
import { OptionProblem } from './model/problems';

/**
 * Scale a service's pods with its CPU load (a HorizontalPodAutoscaler).
 */
export interface KubernetesAutoscaling {
  /**
   * The fewest pods.
   * @default - the service's replicas
   */
  readonly minReplicas?: number;
  /**
   * The most pods.
   */
  readonly maxReplicas: number;
  /**
   * The average CPU use, in percent of the CPU request, the autoscaler keeps the pods at.
   * @default 70
   */
  readonly cpuUtilization?: number;
}

/**
 * How a service runs on Kubernetes (with `kubernetes: true` on the project): the Deployment, its
 * PodDisruptionBudget, its optional HorizontalPodAutoscaler and its NetworkPolicy. Everything else
 * (image, port, user, hardening, environment, arguments, health check, secrets) comes from the
 * service's own options, as in the Dockerfile and compose.
 *
 * ```ts
 * new GoService(project, 'api', {
 *   deployment: {
 *     replicas: 3,
 *     resources: { cpu: { request: Cpu.millis(250) }, memory: { limit: Size.mebibytes(256) } },
 *     autoscaling: { maxReplicas: 10 },
 *   },
 * });
 * ```
 */
export interface KubernetesDeploymentOptions {
  /**
   * The pods the Deployment runs (the autoscaler's minimum when autoscaling is set).
   * @default 2
   */
  readonly replicas?: number;
  /**
   * CPU and memory requests and limits, per pod. What is not given keeps its default. The memory
   * limit reaches the Go runtime as `GOMEMLIMIT` (through the downward API), so the garbage collector
   * works to stay under it. No CPU limit by default: Go sets GOMAXPROCS from the CPU limit when there
   * is one, and a limit only throttles.
   * @default - cpu: request 100m, no limit; memory: request 64Mi (or the limit, if lower), limit 128Mi
   */
  readonly resources?: ContainerResources;
  /**
   * Scale with CPU load.
   * @default - a fixed number of replicas
   */
  readonly autoscaling?: KubernetesAutoscaling;
  /**
   * How many pods a voluntary disruption (a node drain) may take down at once: the
   * PodDisruptionBudget.
   * @default 1
   */
  readonly maxUnavailable?: number;
  /**
   * TCP ports the service connects out to, besides DNS and the add-ons it uses (which the
   * NetworkPolicy always allows): an external API on 443, say.
   * @default - none
   */
  readonly egressPorts?: number[];
}

/**
 * How a service runs on Kubernetes, resolved: every default applied, quantities as Kubernetes writes them.
 */
export interface DeploymentFacts {
  /** Whether the service was given deployment options (rather than every default). */
  readonly configured: boolean;
  /** The Deployment's replicas (undefined: the autoscaler decides). */
  readonly replicas?: number;
  /** The CPU request, such as `100m`. */
  readonly cpuRequest: string;
  /** The CPU limit, if any. */
  readonly cpuLimit?: string;
  /** The memory request, such as `64Mi`. */
  readonly memoryRequest: string;
  /** The memory limit, such as `128Mi` (GOMEMLIMIT follows it). */
  readonly memoryLimit: string;
  /** The resources as cdk8s-plus takes them. */
  readonly resources: ContainerResources;
  /** The autoscaler, every default applied (minReplicas set). */
  readonly autoscaling?: KubernetesAutoscaling;
  /** The PodDisruptionBudget's maxUnavailable. */
  readonly maxUnavailable: number;
  /** The TCP ports the NetworkPolicy lets the service connect out to, besides DNS and its add-ons. */
  readonly egressPorts: number[];
}

/** The defaults of `KubernetesDeploymentOptions`. */
const DEFAULTS = {
  replicas: 2,
  cpuRequest: Cpu.millis(100),
  memoryRequest: Size.mebibytes(64),
  memoryLimit: Size.mebibytes(128),
  cpuUtilization: 70,
  maxUnavailable: 1,
};

const CPU = /^(\d+(?:\.\d+)?)(m?)$/;

/**
 * Resolves a service's deployment options: the facts, or what is wrong with them (option names as
 * the user writes them: `deployment.replicas`).
 */
export function resolveDeployment(options: KubernetesDeploymentOptions | undefined): { facts: DeploymentFacts; problems: OptionProblem[] } {
  const o = options ?? {};
  const problems: OptionProblem[] = [];
  const wholeAtLeast = (option: string, value: unknown, min: number, fix: string) => {
    if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value >= min)) {
      problems.push({ option: `deployment.${option}`, what: `${JSON.stringify(value)} is not a whole number of at least ${min}`, fix });
      return false;
    }
    return true;
  };
  wholeAtLeast('replicas', o.replicas, 1, 'Use 1 or more: a Deployment of 0 pods serves nothing (scale it to 0 with kubectl when you mean to)');
  wholeAtLeast('maxUnavailable', o.maxUnavailable, 1, 'Use 1 or more: with 0, no node could ever be drained while the service runs');
  const replicas = o.replicas ?? DEFAULTS.replicas;

  let autoscaling: KubernetesAutoscaling | undefined;
  if (o.autoscaling !== undefined) {
    const a = o.autoscaling;
    const min = a.minReplicas ?? replicas;
    const okMin = wholeAtLeast('autoscaling.minReplicas', a.minReplicas, 1, 'Use 1 or more');
    const okMax = wholeAtLeast('autoscaling.maxReplicas', a.maxReplicas, 1, 'Use 1 or more, at least minReplicas');
    if (a.maxReplicas === undefined) {
      problems.push({ option: 'deployment.autoscaling.maxReplicas', what: 'the autoscaler needs a maximum', fix: `Set maxReplicas, such as ${Math.max(min * 2, 2)}` });
    } else if (okMin && okMax && min > a.maxReplicas) {
      problems.push({
        option: 'deployment.autoscaling',
        what: `the minimum, ${min}${a.minReplicas === undefined ? ' (the replicas)' : ''}, is above the maximum, ${a.maxReplicas}`,
        fix: `Set maxReplicas to ${min} or more, or minReplicas to ${a.maxReplicas} or less`,
      });
    }
    wholeAtLeast('autoscaling.cpuUtilization', a.cpuUtilization, 1, 'Use a percentage of the CPU request, such as 70');
    autoscaling = { minReplicas: min, maxReplicas: a.maxReplicas, cpuUtilization: a.cpuUtilization ?? DEFAULTS.cpuUtilization };
  }

  const r = o.resources ?? {};
  const cpuRequest = cpuOf('cpu.request', r.cpu?.request ?? DEFAULTS.cpuRequest, problems);
  const cpuLimit = r.cpu?.limit === undefined ? undefined : cpuOf('cpu.limit', r.cpu.limit, problems);
  const memoryLimit = mebibytesOf('memory.limit', r.memory?.limit ?? DEFAULTS.memoryLimit, problems);
  const memoryRequest = r.memory?.request !== undefined
    ? mebibytesOf('memory.request', r.memory.request, problems)
    : memoryLimit === undefined ? undefined : Math.min(memoryLimit, DEFAULTS.memoryRequest.toMebibytes());
  if (cpuRequest && cpuLimit && cpuRequest.millis > cpuLimit.millis) {
    problems.push({ option: 'deployment.resources.cpu', what: `the request, ${cpuRequest.amount}, is above the limit, ${cpuLimit.amount}`, fix: 'Request at most the limit' });
  }
  if (memoryRequest !== undefined && memoryLimit !== undefined && memoryRequest > memoryLimit) {
    problems.push({ option: 'deployment.resources.memory', what: `the request, ${memoryRequest}Mi, is above the limit, ${memoryLimit}Mi`, fix: 'Request at most the limit' });
  }
  for (const [option, size] of [['ephemeralStorage.request', r.ephemeralStorage?.request], ['ephemeralStorage.limit', r.ephemeralStorage?.limit]] as const) {
    let gib = NaN;
    try {
      gib = size === undefined ? 1 : size.toGibibytes();
    } catch {
      // not whole GiB
    }
    if (!(gib > 0) || !Number.isInteger(gib)) {
      problems.push({ option: `deployment.resources.${option}`, what: 'the size is not a whole number of GiB above 0 (cdk8s-plus writes ephemeral storage in Gi)', fix: 'Use Size.gibibytes(n), such as Size.gibibytes(1)' });
    }
  }
  const egressPorts = [...(o.egressPorts ?? [])];
  for (const p of egressPorts) {
    if (!(typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= 65535)) {
      problems.push({ option: 'deployment.egressPorts', what: `${JSON.stringify(p)} is not a TCP port`, fix: 'Use whole numbers from 1 to 65535, such as 443' });
    }
  }

  const facts: DeploymentFacts = {
    configured: options !== undefined,
    replicas: autoscaling ? undefined : replicas,
    cpuRequest: cpuRequest?.amount ?? '',
    cpuLimit: cpuLimit?.amount,
    memoryRequest: `${memoryRequest ?? 0}Mi`,
    memoryLimit: `${memoryLimit ?? 0}Mi`,
    resources: {
      cpu: { request: r.cpu?.request ?? DEFAULTS.cpuRequest, limit: r.cpu?.limit },
      memory: { request: Size.mebibytes(memoryRequest ?? 1), limit: Size.mebibytes(memoryLimit ?? 1) },
      ephemeralStorage: r.ephemeralStorage,
    },
    autoscaling,
    maxUnavailable: o.maxUnavailable ?? DEFAULTS.maxUnavailable,
    egressPorts: [...new Set(egressPorts)].sort((a, b) => a - b),
  };
  return { facts, problems };
}

/** A CPU quantity and its value in millicores, or a problem. */
function cpuOf(option: string, cpu: Cpu, problems: OptionProblem[]): { amount: string; millis: number } | undefined {
  const amount = (cpu as any)?.amount;
  const m = typeof amount === 'string' ? CPU.exec(amount) : null;
  const millis = m ? Number(m[1]) * (m[2] ? 1 : 1000) : NaN;
  if (!m || !(millis > 0) || !Number.isInteger(millis)) {
    problems.push({
      option: `deployment.resources.${option}`,
      what: `${JSON.stringify(amount ?? cpu)} is not a CPU quantity Kubernetes takes`,
      fix: 'Use Cpu.millis(n) with a whole n above 0 (Cpu.millis(250)), or Cpu.units(x) with x a multiple of 0.001 above 0',
    });
    return undefined;
  }
  return { amount, millis };
}

/** A memory size in whole MiB, or a problem. */
function mebibytesOf(option: string, size: Size, problems: OptionProblem[]): number | undefined {
  let mib: number;
  try {
    mib = size.toMebibytes();
  } catch {
    mib = NaN;
  }
  if (!(mib > 0) || !Number.isInteger(mib)) {
    problems.push({
      option: `deployment.resources.${option}`,
      what: 'the size is not a whole number of MiB above 0 (cdk8s-plus writes memory in Mi)',
      fix: 'Use Size.mebibytes(n) or Size.gibibytes(n), such as Size.mebibytes(256)',
    });
    return undefined;
  }
  return mib;
}
