/** The user id distroless calls `nonroot`; the default user of every image we build. */
export const NONROOT_UID = 65532;

/** The port a service listens on unless told otherwise. */
export const DEFAULT_PORT = 8080;

/**
 * Ports below this one are privileged: binding them takes root, unless the network namespace's
 * `net.ipv4.ip_unprivileged_port_start` is lowered (the kernel's default is this number).
 */
export const PRIVILEGED_PORTS_BELOW = 1024;

/**
 * The namespaced kernel parameter that lets a non-root process bind a privileged port, and the value
 * that opens every port: what Docker (20.10 and later) sets in each container's network namespace,
 * and what a Kubernetes pod asks for in its security context (a safe sysctl, allowed by Pod Security
 * `restricted`).
 */
export const UNPRIVILEGED_PORT_SYSCTL = { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' } as const;

/** Where ZONEINFO points when Go's zoneinfo.zip is copied into an image. */
export const ZONEINFO_PATH = '/usr/local/share/zoneinfo.zip';

/** Where a service's binary lives in its image. */
export function binaryPath(service: string): string {
  return `/usr/local/bin/${service}`;
}

/** Where a service's read-only config files live in its image. */
export function configDir(service: string): string {
  return `/etc/${service}`;
}

/** The service's health endpoint, served by the sample code and probed by its `healthcheck` mode. */
export const HEALTH_PATH = '/healthz';

/** The directory of compose secret files: created by the Makefile, never in git or the build context. */
export const SECRETS_DIR = '.secrets';

/** The sample's readiness endpoint: every dependency it is wired to answers. */
export const READY_PATH = '/readyz';

/**
 * The health-check timing shared by the image's HEALTHCHECK and compose's healthcheck. Every 10 s:
 * the first probe comes one interval after the start (engines before 25 have no start interval), and
 * `make compose-up` waits for it.
 */
export const HEALTH_CHECK_TIMING = { interval: '10s', timeout: '3s', startPeriod: '5s', retries: 3 };

/** Where the health probe of images without a shell lives (HealthCheck.http and HealthCheck.tcp). */
export const HEALTH_PROBE_PATH = '/usr/local/bin/healthprobe';

/** Where the notes on how the images are hardened go unless told otherwise: a repository's security policy. */
export const SECURITY_MD = 'SECURITY.md';

/**
 * The one folder where the files of the user's that generated files replace are kept (see
 * synthesis/moved-aside.ts): git-ignored, never in a build context.
 */
export const ASIDE_DIR = '.pre-projen';

/**
 * What never enters a build context, whatever lets it in (.dockerignore patterns): the repository,
 * environment files, keys, the secrets `make secrets` writes, node_modules and build output.
 */
export const NEVER_IN_CONTEXT: readonly string[] = ['**/.git', '**/.env', '**/.env.*', '**/*.pem', '**/*.key', `**/${SECRETS_DIR}`, '**/node_modules', 'bin/', `${ASIDE_DIR}/`];

/** Of those, the secrets: environment files, keys, and the secrets `make secrets` writes. */
const SECRET_PATTERNS = NEVER_IN_CONTEXT.filter((p) => /env|pem|key|secrets/.test(p));

/** The pattern of a secret a repository path is (or is under), which never enters the build context. */
export function neverInContext(path: string): string | undefined {
  const parts = path.split('/');
  for (const pattern of SECRET_PATTERNS) {
    const last = pattern.replace(/^\*\*\//, '').replace(/\/$/, '');
    const re = new RegExp(`^${last.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
    const anywhere = pattern.startsWith('**/');
    if (anywhere ? parts.some((p) => re.test(p)) : re.test(parts[0])) return pattern;
  }
  return undefined;
}

/** The compose file `make dev` reads on top of docker-compose.yml (and a docker-compose.override.yml): the watch mode. */
export const COMPOSE_DEV_FILE = 'docker-compose.dev.yml';
