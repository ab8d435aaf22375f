import { HEALTH_CHECK_TIMING } from '../model/constants';

/**
 * Options for a `RUN --mount=type=cache`.
 */
export interface CacheMountOptions {
  /**
   * The cache id.
   * @default - the target path
   */
  readonly id?: string;
  /**
   * How concurrent builds share the cache: `shared`, `private` or `locked`.
   * @default - BuildKit's default (`shared`)
   */
  readonly sharing?: string;
}

/**
 * Options for a `RUN --mount=type=secret`.
 */
export interface SecretMountOptions {
  /**
   * Where the secret is mounted.
   * @default - /run/secrets/<id>
   */
  readonly target?: string;
  /**
   * Fail the build when the secret is not given.
   * @default false
   */
  readonly required?: boolean;
  /**
   * Expose the secret as this environment variable instead of a file.
   * @default - a file
   */
  readonly env?: string;
}

/**
 * A BuildKit `RUN --mount`: a cache, a secret or a bind mount.
 *
 * Secrets reach a build only this way: never as build args, never in a layer.
 *
 * @see https://docs.docker.com/reference/dockerfile/#run---mount
 */
export class RunMount {
  /** A persistent cache directory, such as Go's module or build cache. */
  public static cache(target: string, options: CacheMountOptions = {}): RunMount {
    const parts = ['type=cache', `target=${target}`];
    if (options.id) parts.push(`id=${options.id}`);
    if (options.sharing) parts.push(`sharing=${options.sharing}`);
    return new RunMount(parts.join(','));
  }

  /** A build secret (`docker build --secret id=<id>,src=<file>`), readable only by this step. */
  public static secret(id: string, options: SecretMountOptions = {}): RunMount {
    const parts = ['type=secret', `id=${id}`];
    if (options.target) parts.push(`target=${options.target}`);
    if (options.env) parts.push(`env=${options.env}`);
    if (options.required) parts.push('required=true');
    return new RunMount(parts.join(','));
  }

  /** A read-only bind mount of the build context (or of another stage with `from`). */
  public static bind(target: string, source?: string, from?: string): RunMount {
    const parts = ['type=bind', `target=${target}`];
    if (source) parts.push(`source=${source}`);
    if (from) parts.push(`from=${from}`);
    return new RunMount(parts.join(','));
  }

  private constructor(
    /** The `--mount=` value. */
    public readonly spec: string,
  ) {}
}

/**
 * Options for `RUN`.
 */
export interface RunOptions {
  /**
   * BuildKit mounts for this step.
   * @default - none
   */
  readonly mounts?: RunMount[];
}

/**
 * Options for `COPY`.
 */
export interface CopyOptions {
  /**
   * Copy from this stage or image instead of the build context.
   * @default - the build context
   */
  readonly from?: string;
  /**
   * `--chown=<user>:<group>`.
   * @default - root
   */
  readonly chown?: string;
  /**
   * `--chmod=<mode>`.
   * @default - the source's mode
   */
  readonly chmod?: string;
}

/**
 * Options for `HEALTHCHECK`.
 */
export interface HealthCheckInstructionOptions {
  /** @default "10s" */
  readonly interval?: string;
  /** @default "3s" */
  readonly timeout?: string;
  /** @default "5s" */
  readonly startPeriod?: string;
  /** @default 3 */
  readonly retries?: number;
}

/**
 * One Dockerfile instruction. Build them with the static factories; `raw()` is the escape hatch
 * for anything they do not cover.
 *
 * @see https://docs.docker.com/reference/dockerfile/
 */
export class Instruction {
  /** `ARG name[=default]`. */
  public static arg(name: string, defaultValue?: string): Instruction {
    return new Instruction('ARG', defaultValue === undefined ? name : `${name}=${defaultValue}`);
  }

  /** `ENV name=value` (the value is quoted when it needs to be). */
  public static env(name: string, value: string): Instruction {
    return new Instruction('ENV', `${name}=${quoteIfNeeded(value)}`);
  }

  /** `LABEL key="value" ...`, one label per line, in the order given. */
  public static label(labels: { [key: string]: string }): Instruction {
    const lines = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    return new Instruction('LABEL', lines.join('\n'));
  }

  /**
   * `RUN` in shell form. A newline in `command` becomes a line continuation.
   */
  public static run(command: string, options: RunOptions = {}): Instruction {
    const mounts = (options.mounts ?? []).map((m) => `--mount=${m.spec}`);
    return new Instruction('RUN', [...mounts, command].join('\n'));
  }

  /** `COPY [--from] [--chown] [--chmod] <src>... <dest>`. */
  public static copy(sources: string[], dest: string, options: CopyOptions = {}): Instruction {
    const flags: string[] = [];
    if (options.from) flags.push(`--from=${options.from}`);
    if (options.chown) flags.push(`--chown=${options.chown}`);
    if (options.chmod) flags.push(`--chmod=${options.chmod}`);
    return new Instruction('COPY', [...flags, ...sources, dest].join(' '));
  }

  /** `WORKDIR path`. */
  public static workdir(path: string): Instruction {
    return new Instruction('WORKDIR', path);
  }

  /** `USER user[:group]`. */
  public static user(user: string): Instruction {
    return new Instruction('USER', user);
  }

  /** `EXPOSE port/tcp`. */
  public static expose(port: number): Instruction {
    return new Instruction('EXPOSE', `${port}/tcp`);
  }

  /** `ENTRYPOINT [...]` in exec form. */
  public static entrypoint(argv: string[]): Instruction {
    return new Instruction('ENTRYPOINT', execForm(argv));
  }

  /** `CMD [...]` in exec form. */
  public static cmd(argv: string[]): Instruction {
    return new Instruction('CMD', execForm(argv));
  }

  /** `HEALTHCHECK ... CMD [...]` in exec form: works in images without a shell. */
  public static healthcheck(argv: string[], options: HealthCheckInstructionOptions = {}): Instruction {
    const flags = [
      `--interval=${options.interval ?? HEALTH_CHECK_TIMING.interval}`,
      `--timeout=${options.timeout ?? HEALTH_CHECK_TIMING.timeout}`,
      `--start-period=${options.startPeriod ?? HEALTH_CHECK_TIMING.startPeriod}`,
      `--retries=${options.retries ?? HEALTH_CHECK_TIMING.retries}`,
    ];
    return new Instruction('HEALTHCHECK', `${flags.join(' ')}\nCMD ${execForm(argv)}`);
  }

  /** A `# comment` line. */
  public static comment(text: string): Instruction {
    return new Instruction('#', text);
  }

  /** Any instruction, verbatim: `<keyword> <args>`. A newline in `args` becomes a line continuation. */
  public static raw(keyword: string, args: string): Instruction {
    return new Instruction(keyword.toUpperCase(), args);
  }

  private constructor(
    /** The instruction keyword (`RUN`, `COPY`, ...), or `#` for a comment. */
    public readonly keyword: string,
    /** The arguments; a newline marks a line continuation. */
    public readonly args: string,
  ) {}

  /** The instruction as Dockerfile text. */
  public render(): string {
    if (this.keyword === '#') {
      return this.args.split('\n').map((l) => (l ? `# ${l}` : '#')).join('\n');
    }
    const [first, ...rest] = this.args.split('\n');
    return [`${this.keyword} ${first}`, ...rest.map((l) => `    ${l}`)].join(' \\\n');
  }
}

function execForm(argv: string[]): string {
  return `[${argv.map((a) => JSON.stringify(a)).join(', ')}]`;
}

function quoteIfNeeded(value: string): string {
  return /^[A-Za-z0-9_./:@,+-]+$/.test(value) ? value : JSON.stringify(value);
}
