import { HEALTH_CHECK_TIMING, HEALTH_PROBE_PATH } from './model/constants';
import { HEALTH_PROBE_FIXED_FLAG } from './model/health-probe';
import { OptionProblem } from './model/problems';

/**
 * How often and how patiently a health check probes.
 */
export interface HealthCheckOptions {
  /**
   * Time between probes.
   * @default "10s"
   */
  readonly interval?: string;
  /**
   * How long one probe may take.
   * @default "3s"
   */
  readonly timeout?: string;
  /**
   * Failures during this time after the start do not count.
   * @default "5s"
   */
  readonly startPeriod?: string;
  /**
   * Consecutive failures that make the container unhealthy.
   * @default 3
   */
  readonly retries?: number;
}

/**
 * Options for `HealthCheck.http()`.
 */
export interface HttpHealthCheckOptions extends HealthCheckOptions {
  /**
   * The path to GET, such as `/healthz`. A 2xx or 3xx answer is healthy.
   */
  readonly path: string;
  /**
   * The port to probe, and only that one.
   * @default - the service's port, or wherever the service really listens when it was started on
   * another (`-e PORT=9000`, a port flag): the probe reads the container's listening sockets
   */
  readonly port?: number;
}

/**
 * Options for `HealthCheck.tcp()`.
 */
export interface TcpHealthCheckOptions extends HealthCheckOptions {
  /**
   * The port to connect to, and only that one.
   * @default - the service's port, or wherever the service really listens when it was started on
   * another (`-e PORT=9000`, a port flag): the probe reads the container's listening sockets
   */
  readonly port?: number;
}

/** What a health check does. */
export enum HealthCheckKind {
  /** Runs a command in the container: exit 0 is healthy. */
  COMMAND = 'command',
  /** GETs a path on the service's port: 2xx or 3xx is healthy. */
  HTTP = 'http',
  /** Connects to the service's port: a connection is healthy. */
  TCP = 'tcp',
  /** No health check. */
  NONE = 'none',
}

/**
 * How a container's health is probed, as the model resolves it for one service. The image's
 * `HEALTHCHECK` and compose's `healthcheck` run `command`; an orchestrator that probes by itself
 * (Kubernetes) uses `kind`, `path` and `port`.
 */
export interface HealthProbe {
  /** What the probe does. */
  readonly kind: HealthCheckKind;
  /** The command run inside the container, exec form (no shell needed): exit 0 means healthy. */
  readonly command: string[];
  /** The path an HTTP probe GETs. */
  readonly path?: string;
  /** The port an HTTP or TCP probe reaches. */
  readonly port?: number;
  /** Time between probes, such as `30s`. */
  readonly interval: string;
  /** How long one probe may take. */
  readonly timeout: string;
  /** Failures during this time after the start do not count. */
  readonly startPeriod: string;
  /** Consecutive failures that make the container unhealthy. */
  readonly retries: number;
}

const DURATION = /^(\d+(ms|s|m|h))+$/;
const HTTP_PATH = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@%/?]*$/;

/**
 * How a service's health is checked: in the image (`HEALTHCHECK`), in compose, and by
 * orchestrators. Every kind works in images without a shell: `command` runs in exec form, and
 * `http` and `tcp` run a tiny static probe built from Go's standard library into the image.
 *
 * ```ts
 * HealthCheck.command(['healthcheck'])          // <binary> healthcheck (the sample's mode)
 * HealthCheck.http({ path: '/readyz' })         // GET http://127.0.0.1:<port>/readyz
 * HealthCheck.tcp()                             // connect to 127.0.0.1:<port>
 * HealthCheck.none()
 * ```
 *
 * `http` and `tcp` follow the service: started on another port than the model's (`-e PORT=9000`,
 * a port flag in the command), it stays healthy, as the probe finds the port it really listens on.
 */
export class HealthCheck {
  /**
   * Runs a command in the container. A first element that is not an absolute path is an argument
   * of the service's own binary: `['healthcheck']` runs `<binary> healthcheck`, as the sample
   * service answers it. The default for new services.
   *
   * @param argv the command, or the arguments of the service's binary
   */
  public static command(argv: string[], options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck(HealthCheckKind.COMMAND, options, { argv: [...(argv ?? [])] });
  }

  /**
   * GETs a path on the service's port; a 2xx or 3xx answer is healthy. Needs nothing of the
   * service but an HTTP endpoint.
   */
  public static http(options: HttpHealthCheckOptions): HealthCheck {
    return new HealthCheck(HealthCheckKind.HTTP, options, { path: options?.path, port: options?.port });
  }

  /**
   * Connects to the service's port; a connection is healthy. What adopt uses, as it assumes nothing
   * of a service but its port.
   */
  public static tcp(options: TcpHealthCheckOptions = {}): HealthCheck {
    return new HealthCheck(HealthCheckKind.TCP, options, { port: options.port });
  }

  /** No health check. */
  public static none(): HealthCheck {
    return new HealthCheck(HealthCheckKind.NONE, {}, {});
  }

  /** What the check does. */
  public readonly kind: HealthCheckKind;
  /** The command, or the arguments of the service's binary (command checks). */
  public readonly argv?: string[];
  /** The path (HTTP checks). */
  public readonly path?: string;
  /** The port, when it is not the service's. */
  public readonly port?: number;

  private readonly options: HealthCheckOptions;

  private constructor(kind: HealthCheckKind, options: HealthCheckOptions, what: { argv?: string[]; path?: string; port?: number }) {
    this.kind = kind;
    this.options = { ...(options ?? {}) };
    this.argv = what.argv;
    this.path = what.path;
    this.port = what.port;
  }

  /**
   * The probe for a service: its binary and port fill in what the check leaves out. Undefined for
   * `none()`.
   * @internal
   */
  public _probeFor(binaryPath: string, servicePort: number | undefined): HealthProbe | undefined {
    if (this.kind === HealthCheckKind.NONE) return undefined;
    const timing = {
      interval: this.options.interval ?? HEALTH_CHECK_TIMING.interval,
      timeout: this.options.timeout ?? HEALTH_CHECK_TIMING.timeout,
      startPeriod: this.options.startPeriod ?? HEALTH_CHECK_TIMING.startPeriod,
      retries: this.options.retries ?? HEALTH_CHECK_TIMING.retries,
    };
    if (this.kind === HealthCheckKind.COMMAND) {
      const argv = this.argv ?? [];
      const command = argv[0]?.startsWith('/') ? argv : [binaryPath, ...argv];
      return { kind: this.kind, command, ...timing };
    }
    // the service's port is where the probe starts: it follows the service to the port it really
    // listens on (-e PORT=9000, a port flag); a port given to the check is probed alone
    const port = this.port ?? servicePort;
    const probe = this.port === undefined ? [HEALTH_PROBE_PATH] : [HEALTH_PROBE_PATH, HEALTH_PROBE_FIXED_FLAG];
    const command = this.kind === HealthCheckKind.HTTP
      ? [...probe, 'http', String(port), this.path!]
      : [...probe, 'tcp', String(port)];
    return { kind: this.kind, command, path: this.path, port, ...timing };
  }

  /**
   * What is wrong with this check for a service (with or without a port).
   * @internal
   */
  public _problems(servicePort: number | undefined): OptionProblem[] {
    const problems: OptionProblem[] = [];
    const o = this.options;
    for (const key of ['interval', 'timeout', 'startPeriod'] as const) {
      const v = o[key];
      if (v !== undefined && (typeof v !== 'string' || !DURATION.test(v))) {
        problems.push({ option: `healthCheck.${key}`, what: `${JSON.stringify(v)} is not a duration`, fix: 'Use a Go duration such as "30s", "500ms" or "1m30s"' });
      }
    }
    if (o.retries !== undefined && !(Number.isInteger(o.retries) && o.retries >= 1)) {
      problems.push({ option: 'healthCheck.retries', what: `${JSON.stringify(o.retries)} is not a number of retries`, fix: 'Use a whole number from 1' });
    }
    if (this.kind === HealthCheckKind.COMMAND) {
      const argv = this.argv ?? [];
      if (!Array.isArray(argv) || argv.length === 0 || argv.some((a) => typeof a !== 'string' || a === '' || /\n/.test(a))) {
        problems.push({ option: 'healthCheck', what: `the command ${JSON.stringify(argv)} is not a list of arguments`, fix: "Give the command as a list, such as HealthCheck.command(['healthcheck'])" });
      }
    }
    if (this.kind === HealthCheckKind.HTTP && (typeof this.path !== 'string' || !HTTP_PATH.test(this.path))) {
      problems.push({ option: 'healthCheck.path', what: `${JSON.stringify(this.path)} is not an HTTP path`, fix: "Use a path that starts with /, such as HealthCheck.http({ path: '/healthz' })" });
    }
    if (this.kind === HealthCheckKind.HTTP || this.kind === HealthCheckKind.TCP) {
      if (this.port !== undefined && !(Number.isInteger(this.port) && this.port >= 1 && this.port <= 65535)) {
        problems.push({ option: 'healthCheck.port', what: `${JSON.stringify(this.port)} is not a TCP port`, fix: 'Use a whole number from 1 to 65535, or leave it out to probe the service\'s port' });
      } else if (this.port === undefined && servicePort === undefined) {
        problems.push({ option: 'healthCheck', what: `a ${this.kind} check probes the service's port, and this service has none (server: false)`, fix: `Give the check a port (HealthCheck.${this.kind}({ port: 8080${this.kind === HealthCheckKind.HTTP ? ", path: '/healthz'" : ''} })), or use HealthCheck.command([...]) or HealthCheck.none()` });
      }
    }
    return problems;
  }
}
