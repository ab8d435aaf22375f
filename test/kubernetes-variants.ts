import { Size } from 'cdk8s';
import { GoService, GoServiceProject, DistrolessVariant, GoServiceProjectOptions, HealthCheck, PostgresDatabase, RedisCache, RuntimeStage } from '../src';
import { newProject } from './util';

/** A project that renders Kubernetes manifests. */
export function k8sProject(options: Partial<GoServiceProjectOptions> = {}): GoServiceProject {
  return newProject({ kubernetes: true, ...options });
}

/** The variants the snapshots (and the server-side dry run) cover: runtime, user, health check, add-ons. */
export const KUBERNETES_VARIANTS: { [name: string]: (o: Partial<GoServiceProjectOptions>) => GoServiceProject } = {
  'scratch, the sample health check': (o) => k8sProject(o),
  'distroless, HTTP /readyz, writable /tmp, autoscaled': (o) => k8sProject({
    ...o,
    runtime: RuntimeStage.distroless(),
    healthCheck: HealthCheck.http({ path: '/readyz', interval: '5s' }),
    writableTmp: true,
    deployment: { autoscaling: { maxReplicas: 6, cpuUtilization: 60 }, resources: { memory: { limit: Size.mebibytes(256) } } },
  }),
  'TCP check, args and a port flag': (o) => k8sProject({ ...o, healthCheck: HealthCheck.tcp(), portArgument: '-listen=:{port}', args: ['-v'] }),
  'no health check, one replica, egress to 443': (o) => k8sProject({ ...o, healthCheck: HealthCheck.none(), deployment: { replicas: 1, egressPorts: [443] } }),
  'Postgres and Redis for two services, a command aside': (o) => {
    const p = k8sProject({ ...o, environment: { LOG_LEVEL: 'debug' } });
    new GoService(p, 'api', { port: 9090, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.STATIC }) });
    new GoService(p, 'migrate', { server: false });
    new PostgresDatabase(p, { services: ['hello'] });
    new RedisCache(p);
    return p;
  },
  'root (nonroot: false): baseline': (o) => k8sProject({ ...o, runtime: RuntimeStage.distroless({ nonroot: false }) }),
  'non-root on port 80: the unprivileged-port sysctl': (o) => k8sProject({ ...o, port: 80, healthCheck: HealthCheck.http({ path: '/healthz' }) }),
};

