import { Component, Project } from 'projen';
import { CertsLayer, CertsSource } from './certs-layer';
import { DeploymentFacts, KubernetesDeploymentOptions, resolveDeployment } from './deployment';
import { ServiceHardening } from './hardening';
import { HealthCheck, HealthProbe } from './health-check';
import { imageEnvironmentProblems } from './image-environment';
import { binaryPath, configDir, DEFAULT_PORT, neverInContext, PRIVILEGED_PORTS_BELOW, UNPRIVILEGED_PORT_SYSCTL } from './model/constants';
import { contextOf, ProjectContext } from './model/context';
import { BUILD_ARGS, BUILD_STAGE_PREFIX, DEBUG_TARGET_SUFFIX } from './model/go-build';
import { makeVariableProblems } from './model/make-variables';
import { ServiceModel } from './model/model';
import { imageVariable, platformProblems, RESERVED_SERVICE_NAMES, SERVICE_NAME } from './model/names';
import { OptionProblem, problem, throwIfProblems } from './model/problems';
import { RuntimeStage, Libc } from './runtime-stage';
import { RuntimeFile, VersionVariables } from './service-files';
import { TzLayer, TzSource } from './tz-layer';

/**
 * What a Go service needs. The model derives the Dockerfile target, the compose service and the
 * Makefile targets from it.
 */
export interface GoServiceOptions {
  /**
   * The port the service listens on, exposed by its image and published by compose. It reaches the
   * service through `portVariable` (and `portArgument`, if given).
   * @default 8080 (servers); commands have none
   * @featured
   */
  readonly port?: number;

  /**
   * Whether the service is a server: it listens on `port`, its image exposes it, compose runs it and
   * its health is checked. `false` for a command (a CLI tool, a migration job): it gets a binary, an
   * image and Makefile targets, and no port, health check or compose service.
   * @default true
   */
  readonly server?: boolean;

  /**
   * The environment variable the service reads its port from.
   * @default "PORT"
   */
  readonly portVariable?: string;

  /**
   * The value `portVariable` is given, with `{port}` where the port goes: `:{port}` for a variable
   * that holds a listen address (`REDIS_EXPORTER_WEB_LISTEN_ADDRESS=:9121`).
   * @default "{port}"
   */
  readonly portVariableValue?: string;

  /**
   * A command-line argument that tells the service its port, with `{port}` where the port goes:
   * `-listen=:{port}`, `--port={port}`. The image passes it first, before `args`.
   * @default - none: the port reaches the service through `portVariable` only
   */
  readonly portArgument?: string;

  /**
   * Whether the image, compose and Kubernetes set `portVariable` to the port. `false` for a program
   * that reads no variable for its port (it takes it from `portArgument` or its own default): a
   * variable it never reads would only suggest a way to move the port that does nothing.
   * @default true
   */
  readonly portInEnvironment?: boolean;

  /**
   * Arguments of the service's binary: the image's `CMD` (after the ENTRYPOINT, which is the
   * binary), and `make run-<service>`'s.
   * @default - none
   */
  readonly args?: string[];

  /**
   * The subcommand that starts the server, for binaries with a command tree (cobra, urfave/cli,
   * kingpin): `['serve']`. It comes first in the image's `CMD`, before `portArgument` and `args`,
   * since the subcommand's own flags follow it.
   * @default - none: the binary serves with no subcommand
   */
  readonly subcommand?: string[];

  /**
   * The working directory of the service in its image, an absolute path. Relative destinations of
   * `files` are under it, so a service that reads `templates/` relative to its working directory
   * finds them.
   * @default - the base image's ("/" on scratch)
   */
  readonly workdir?: string;

  /**
   * Files and directories of the repository that the service reads at run time, copied read-only
   * into its image: repository path → path in the image, absolute or relative to `workdir`.
   * Directories are copied whole. Secrets never go here: they arrive at run time.
   *
   * ```ts
   * files: { 'templates': 'templates', 'static': 'static', 'config/app.json': '/etc/blog/app.json' }
   * ```
   * @default - none
   */
  readonly files?: { [path: string]: string };

  /**
   * The Go string variables the build stamps (`-ldflags -X`) with the version, the commit and the
   * build date, as `<import path>.<name>`.
   * @default - main.version, main.commit and main.date
   */
  readonly versionVariables?: VersionVariables;

  /**
   * The base of the final image.
   * @default RuntimeStage.scratch()
   * @featured
   */
  readonly runtime?: RuntimeStage;

  /**
   * How CA certificates reach the image.
   * @default CertsLayer.auto()
   */
  readonly certs?: CertsLayer;

  /**
   * How time-zone data reaches the image, and the default zone (`TZ`).
   * @default TzLayer.auto()
   */
  readonly tz?: TzLayer;

  /**
   * Build with cgo (`CGO_ENABLED=1`) on a Debian builder with gcc. Needs a runtime with glibc:
   * distroless `base` or `cc`, or a custom glibc base. Builds for the native platform only.
   * @default false
   */
  readonly cgo?: boolean;

  /**
   * The Go package of the service's `main`, relative to the module root.
   * @default "./cmd/<service>"
   */
  readonly mainPackage?: string;

  /**
   * Extra Go build tags.
   * @default - none (plus `timetzdata` when time-zone data is embedded)
   */
  readonly buildTags?: string[];

  /**
   * Extra linker flags, after `-s -w` and the `-X` flags of `versionVariables`.
   * @default - none
   */
  readonly ldflags?: string[];

  /**
   * The service writes to /tmp: scratch images get a /tmp (mode 1777), compose mounts a tmpfs there.
   * @default false
   */
  readonly writableTmp?: boolean;

  /**
   * Directories the service writes at run time (a database file, uploads, a cache), absolute or
   * relative to `workdir` (`"."` is the working directory itself). The root file system stays
   * read-only: the image creates each directory owned by the service's user, compose mounts a named
   * volume there (`<service>-<directory>`: the data survives `compose-down` and `up`), `make
   * docker-run` a volume of the same name, and Kubernetes an emptyDir.
   * @default - none
   */
  readonly dataDirectories?: string[];

  /**
   * Run as a named user rather than a bare uid. On scratch, a minimal /etc/passwd and /etc/group
   * naming the uid are added (scratch has none, and a name without them fails).
   * @default - the numeric uid
   */
  readonly userName?: string;

  /**
   * Read-only config files or directories from the repository (such as `config.yaml`) shipped in the
   * image under `/etc/<service>/`, readable by the service user. Secrets never go here: they arrive
   * at run time. (For any other place in the image, use `files`.)
   * @default - none
   */
  readonly configFiles?: string[];

  /**
   * Environment variables for the service at run time (compose and `make run-<service>`).
   * `portVariable` is set from `port`.
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * Environment variables the image itself sets (`ENV`): what the program needs to run the way the
   * image runs it, such as its listen host (`0.0.0.0`) or its data directory. `docker run`, compose
   * and Kubernetes get them from the image; `make run-<service>` on your machine does not (see
   * `environment` for that). `portVariable` is set from `port`.
   * @default - none
   */
  readonly imageEnvironment?: { [name: string]: string };

  /**
   * How the service's health is checked (`HEALTHCHECK` in the image, `healthcheck` in compose). Every
   * kind works in images without a shell.
   * @default - servers: HealthCheck.command(['healthcheck']) (the sample's mode); commands: none
   */
  readonly healthCheck?: HealthCheck;

  /**
   * The image name (without registry or tag).
   * @default - the project name for the default service, `<project>-<service>` for the others
   */
  readonly imageName?: string;

  /**
   * The make variable that holds the image name with its registry prefix: `make docker-build`
   * tags `$(<variable>):<tag>`, compose's `image:` reads it from the environment, and `make k8s-apply`
   * pins the manifests' image with it. Rename it where a makefile of your own (`makefileIncludes`)
   * sets the same name for something else, such as an image name with its tag: `adopt` names it
   * `GO_<SERVICE>_IMAGE` then.
   * @default - `<SERVICE>_IMAGE`, the service name in capitals, dashes as underscores (`HELLO_WORLD_IMAGE`)
   */
  readonly imageVariable?: string;

  /**
   * The platforms `make docker-buildx` builds this image for. On the project, the default for every
   * pure-Go service. cgo services build on the target platform with its own gcc: the native one only.
   * @default - the project's platforms, ["linux/amd64", "linux/arm64"]; cgo services: the native platform
   */
  readonly platforms?: string[];

  /**
   * The size `make image-size` allows this image, in MiB.
   * @default - no budget: the size is printed only
   */
  readonly imageSizeBudgetMiB?: number;

  /**
   * How the service runs on Kubernetes, when the project renders manifests (`kubernetes: true`):
   * replicas, resources, autoscaling, disruption budget, egress.
   * @default - 2 replicas, 100m CPU and 64Mi of memory requested, 128Mi memory limit, no autoscaling
   */
  readonly deployment?: KubernetesDeploymentOptions;
}

const GO_BUILD_TAG = /^[A-Za-z0-9_.]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IMAGE_NAME = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*$/;
const UNSAFE_IN_QUOTES = /["'`$\\\n]/;

/**
 * One Go service: a `main` package, its binary, its image target, its compose service and its
 * Makefile targets.
 *
 * ```ts
 * new GoService(project, 'worker', { port: 9090, runtime: RuntimeStage.distroless() });
 * ```
 */
export class GoService extends Component {
  /** Whether `x` is a GoService. */
  public static isGoService(x: any): x is GoService {
    return x !== null && typeof x === 'object' && GO_SERVICE in x;
  }

  /** The service name: its `cmd/` directory, Dockerfile target, compose service and Makefile suffix. */
  public readonly name: string;
  /** Whether the service is a server (a port, a health check, a compose service), not a command. */
  public readonly isServer: boolean;
  /** The port the service listens on; undefined for a command. */
  public readonly port?: number;
  /** The environment variable the service reads its port from. */
  public readonly portVariable: string;
  /** The value portVariable is given, `{port}` where the port goes. */
  public readonly portVariableValue: string;
  /** Whether the image, compose and Kubernetes set portVariable to the port. */
  public readonly portInEnvironment: boolean;
  /** The argument that passes the port, `{port}` filled in at synthesis, if any. */
  public readonly portArgument?: string;
  /** The arguments of the binary, after the port argument. */
  public readonly args: string[];
  /** The subcommand that starts the server, if any. */
  public readonly subcommand: string[];
  /** The working directory in the image, if set. */
  public readonly workdir?: string;
  /** The files the service reads at run time: repository path → path in the image, as given. */
  public readonly files: { [path: string]: string };
  /** The Go variables stamped with the version, the commit and the date. */
  public readonly versionVariables: VersionVariables;
  /** The base of the final image. */
  public readonly runtime: RuntimeStage;
  /** How CA certificates reach the image. */
  public readonly certs: CertsLayer;
  /** How time-zone data reaches the image. */
  public readonly tz: TzLayer;
  /** Built with cgo. */
  public readonly cgo: boolean;
  /** The Go package of the service's `main`. */
  public readonly mainPackage: string;
  /** The image name, without registry or tag. */
  public readonly imageName: string;
  /** The service writes to /tmp. */
  public readonly writableTmp: boolean;
  /** The directories the service writes at run time, as given. */
  public readonly dataDirectories: string[];
  /** The named user, if any. */
  public readonly userName?: string;
  /** Config files shipped in the image. */
  public readonly configFiles: string[];
  /** How the service's health is checked. */
  public readonly healthCheck: HealthCheck;
  /** The size budget of the image in MiB, if any. */
  public readonly imageSizeBudgetMiB?: number;
  /** How the service runs on Kubernetes (when the project renders manifests), every default applied. */
  public readonly deployment: DeploymentFacts;
  /** The platforms `make docker-buildx` builds for; undefined for the native platform only (cgo). */
  public readonly platforms?: string[];

  private readonly explicitPlatforms?: string[];
  private readonly explicitImageVariable?: string;
  private readonly extraBuildTags: string[];
  private readonly extraLdflags: string[];
  private readonly env: { [name: string]: string };
  private readonly imageEnv: { [name: string]: string };
  private readonly context: ProjectContext;
  /** Whether cgo was asked for or against, rather than left to the default. */
  private readonly cgoExplicit: boolean;

  /**
   * @param project the GoServiceProject this service belongs to
   * @param name the service name: lowercase letters, digits and dashes (it names `cmd/<name>`)
   * @param options what the service needs
   */
  constructor(project: Project, name: string, options: GoServiceOptions = {}) {
    const model = contextOf(project, () => `${name}: a GoService belongs to a GoServiceProject. Create it with new GoService(project, '${name}', {...}) where project is a GoServiceProject.`);
    // the services so far: this one is added by super()
    const siblings = model.services;
    throwIfProblems(nameProblems(model, name));
    super(project, `GoService.${name}`);
    Object.defineProperty(this, GO_SERVICE, { value: true });

    this.context = model;
    this.name = name;
    this.isServer = options.server ?? true;
    this.port = this.isServer ? options.port ?? DEFAULT_PORT : options.port;
    this.portVariable = options.portVariable ?? DEFAULT_PORT_VARIABLE;
    this.portVariableValue = options.portVariableValue ?? PORT_PLACEHOLDER;
    this.portArgument = options.portArgument;
    this.portInEnvironment = options.portInEnvironment ?? true;
    this.args = [...(options.args ?? [])];
    this.subcommand = [...(options.subcommand ?? [])];
    this.workdir = options.workdir;
    this.files = { ...(options.files ?? {}) };
    this.versionVariables = { ...DEFAULT_VERSION_VARIABLES, ...(options.versionVariables ?? {}) };
    this.cgoExplicit = options.cgo !== undefined;
    this.runtime = options.runtime ?? RuntimeStage.scratch();
    this.certs = options.certs ?? CertsLayer.auto();
    this.tz = options.tz ?? TzLayer.auto();
    this.cgo = options.cgo ?? false;
    this.mainPackage = options.mainPackage ?? `./cmd/${name}`;
    this.imageName = options.imageName ?? (siblings.length === 0 ? project.name : `${project.name}-${name}`);
    this.explicitImageVariable = options.imageVariable;
    this.writableTmp = options.writableTmp ?? false;
    this.dataDirectories = [...(options.dataDirectories ?? [])];
    this.userName = options.userName;
    this.configFiles = [...(options.configFiles ?? [])];
    this.healthCheck = options.healthCheck ?? (this.isServer ? HealthCheck.command([HEALTHCHECK_MODE]) : HealthCheck.none());
    this.imageSizeBudgetMiB = options.imageSizeBudgetMiB;
    this.explicitPlatforms = options.platforms;
    this.platforms = options.platforms ? [...options.platforms] : this.cgo ? undefined : [...model.platforms];
    this.extraBuildTags = [...(options.buildTags ?? [])];
    this.extraLdflags = [...(options.ldflags ?? [])];
    this.env = { ...(options.environment ?? {}) };
    this.imageEnv = { ...(options.imageEnvironment ?? {}) };
    const deployment = resolveDeployment(options.deployment);
    this.deployment = deployment.facts;

    const problems = [...this.optionProblems(), ...deployment.problems];
    if (!this.isServer && options.deployment !== undefined) {
      problems.push({ option: 'deployment', what: 'a command (server: false) is not deployed: it has no port to serve or probe', fix: 'Remove deployment, or set server: true and a port' });
    }
    const clash = this.port === undefined ? undefined : siblings.find((s) => s.port === this.port);
    if (clash) {
      problems.push({ option: 'port', what: `port ${this.port} is already used by service ${clash.name}`, fix: 'Give each service its own port' });
    }
    throwIfProblems(problems.map((p) => problem(this.name, p.option, p.what, p.fix)));
  }

  /** Whether this is the project's default service (named after the project). */
  public get isDefault(): boolean {
    return this.context.services[0] === this;
  }

  /** The Dockerfile target of the service's image. */
  public get target(): string {
    return this.name;
  }

  /** The Dockerfile target of the image with a shell, for debugging. */
  public get debugTarget(): string {
    return `${this.name}${DEBUG_TARGET_SUFFIX}`;
  }

  /** The Dockerfile stage that builds the binary and assembles the image root. */
  public get buildStage(): string {
    return `${BUILD_STAGE_PREFIX}${this.name}`;
  }

  /** The make and compose variable that holds the image name with its registry prefix (`HELLO_IMAGE`). */
  public get imageVariable(): string {
    return this.explicitImageVariable ?? imageVariable(this);
  }

  /** The build args the image build takes (the stamp, the commit time, the Go module settings). */
  public get buildArgs(): string[] {
    return [...BUILD_ARGS];
  }

  /** How the container is locked down at run time (compose, `make docker-run`, SECURITY.md). */
  public get hardening(): ServiceHardening {
    return {
      readOnlyRootFilesystem: true,
      dropCapabilities: ['ALL'],
      noNewPrivileges: true,
      tmpfs: this.writableTmp ? ['/tmp'] : [],
    };
  }

  /**
   * Namespaced kernel parameters the service needs in its network namespace: a non-root server on a
   * privileged port (below 1024) needs `net.ipv4.ip_unprivileged_port_start=0` to bind it. Docker
   * sets it in every container's network namespace (not with `--network=host`, where the host's
   * value applies); the Kubernetes manifests ask for it in the pod's security context.
   */
  public get sysctls(): { [name: string]: string } {
    const privileged = this.isServer && this.runtime.nonroot && this.port !== undefined && this.port < PRIVILEGED_PORTS_BELOW;
    return privileged ? { [UNPRIVILEGED_PORT_SYSCTL.name]: UNPRIVILEGED_PORT_SYSCTL.value } : {};
  }

  /** How the container's health is probed (the image's HEALTHCHECK and compose's), if it is. */
  public get healthProbe(): HealthProbe | undefined {
    return this.healthCheck._probeFor(this.binaryPath, this.port);
  }

  /** The arguments the image passes the binary (its CMD): the subcommand, the port argument, then `args`. */
  public get command(): string[] {
    const port = this.portArgument !== undefined && this.port !== undefined
      ? [this.portArgument.split(PORT_PLACEHOLDER).join(String(this.port))]
      : [];
    return [...this.subcommand, ...port, ...this.args];
  }

  /** Where each file the service reads at run time lands in the image: the config files, then `files`. */
  public get runtimeFiles(): RuntimeFile[] {
    const config = this.configFiles.map((f) => ({ source: f, destination: `${this.configDir}/${f.split('/').pop()}` }));
    const files = Object.entries(this.files).map(([source, dest]) => ({
      source,
      destination: dest.startsWith('/') ? dest : `${(this.workdir ?? '').replace(/\/$/, '')}/${dest}`,
    }));
    return [...config, ...files];
  }

  /** Whether cgo was left to its default (false), rather than asked for or against. */
  public get cgoDefaulted(): boolean {
    return !this.cgoExplicit;
  }

  /** Where the binary lives in the image. */
  public get binaryPath(): string {
    return binaryPath(this.name);
  }

  /** Where the config files live in the image. */
  public get configDir(): string {
    return configDir(this.name);
  }

  /** The user the image runs as, `uid:gid`. */
  public get user(): string {
    return this.runtime.user;
  }

  /** Where the CA bundle comes from on this runtime. */
  public get certsSource(): CertsSource {
    return this.certs.sourceFor(this.runtime);
  }

  /** Where the time-zone data comes from on this runtime. */
  public get tzSource(): TzSource {
    return this.tz.sourceFor(this.runtime);
  }

  /** The Go build tags: the user's, plus `timetzdata` when the zone data is embedded. */
  public get buildTags(): string[] {
    const tags = [...this.extraBuildTags];
    if (this.tzSource === TzSource.EMBEDDED && !tags.includes('timetzdata')) {
      tags.push('timetzdata');
    }
    return tags;
  }

  /** The extra linker flags. */
  public get extraLinkerFlags(): string[] {
    return [...this.extraLdflags];
  }

  /** The run-time environment: the port variable first (servers), then `TZ`, then `environment`. */
  public get environment(): { [name: string]: string } {
    const port = this.port === undefined ? undefined : this.portVariableValue.split(PORT_PLACEHOLDER).join(String(this.port));
    const env: { [name: string]: string } = port === undefined || !this.portInEnvironment ? {} : { [this.portVariable]: port };
    if (this.tz.defaultZone) {
      env.TZ = this.tz.defaultZone;
    }
    for (const [k, v] of Object.entries(this.env)) {
      env[k] = v;
    }
    return env;
  }

  /**
   * Adds run-time environment variables (compose and `make run-<service>`).
   */
  public addEnvironment(name: string, value: string): void {
    const problems = envProblems({ [name]: value }, this.portVariable);
    throwIfProblems(problems.map((p) => problem(this.name, p.option, p.what, p.fix)));
    this.env[name] = value;
  }

  /** Each data directory: where it is in the image, and the volume compose and `make docker-run` mount there. */
  private dataMounts(): Array<{ path: string; volume: string }> {
    return this.dataDirectories.map((d) => {
      const path = d.startsWith('/') ? d : `${(this.workdir ?? '').replace(/\/$/, '')}/${d}`.replace(/\/\.$/, '').replace(/\/\.\//g, '/');
      const base = path.split('/').filter(Boolean).pop() ?? 'data';
      return { path: path || '/', volume: `${this.name}-${base.replace(/[^A-Za-z0-9_.-]/g, '-')}` };
    });
  }

  /**
   * The service as the renderers read it: plain, frozen data.
   * @param imageLabels the OCI labels of its image (the project's and its own)
   * @internal
   */
  public _toModel(imageLabels: { [key: string]: string }): ServiceModel {
    const rt = this.runtime;
    const debugImage = rt.debugImage ?? rt.image;
    return {
      name: this.name,
      isDefault: this.isDefault,
      cgoDefaulted: this.cgoDefaulted,
      isServer: this.isServer,
      port: this.port,
      portVariable: this.portVariable,
      command: this.command,
      workdir: this.workdir,
      runtimeFiles: this.runtimeFiles,
      runtime: {
        displayName: rt.displayName,
        from: rt.image ? this.context.imageRef(rt.image, rt.digest) : 'scratch',
        debugFrom: debugImage && !rt.isScratch ? this.context.imageRef(debugImage) : 'scratch',
        hasDebugImage: rt.debugImage !== undefined,
        digest: rt.digest,
        shell: rt.shell,
        libc: rt.libc,
        nonroot: rt.nonroot,
        uid: rt.uid,
        gid: rt.gid,
        isScratch: rt.isScratch,
        installCommand: rt._installCommand,
      },
      certsSource: this.certsSource,
      tzSource: this.tzSource,
      defaultZone: this.tz.defaultZone,
      writableTmp: this.writableTmp,
      dataDirectories: this.dataMounts(),
      userName: this.userName,
      user: this.user,
      configFiles: [...this.configFiles],
      configDir: this.configDir,
      binaryPath: this.binaryPath,
      imageName: this.imageName,
      imageLabels,
      imageVariable: this.imageVariable,
      imageSizeBudgetMiB: this.imageSizeBudgetMiB,
      platforms: this.platforms ? [...this.platforms] : undefined,
      buildStage: this.buildStage,
      target: this.target,
      debugTarget: this.debugTarget,
      buildArgs: this.buildArgs,
      environment: this.environment,
      imageEnvironment: { ...this.imageEnv },
      hardening: this.hardening,
      sysctls: this.sysctls,
      healthProbe: this.healthProbe,
      deployment: this.deployment,
      cgo: this.cgo,
      mainPackage: this.mainPackage,
      buildTags: this.buildTags,
      extraLinkerFlags: this.extraLinkerFlags,
      versionVariables: { ...this.versionVariables },
    };
  }

  private optionProblems(): OptionProblem[] {
    const problems: OptionProblem[] = [...this.portProblems()];
    for (const p of this.runtime._problems()) problems.push(p);
    for (const p of this.certs._problems(this.runtime)) problems.push(p);
    for (const p of this.tz._problems(this.runtime)) problems.push(p);
    if (this.cgo) {
      if (this.runtime.libc === Libc.NONE) {
        problems.push({
          option: 'cgo',
          what: `cgo needs a C library, and ${this.runtime.isScratch ? 'scratch' : this.runtime.displayName} has none`,
          fix: 'Use RuntimeStage.distroless({ variant: DistrolessVariant.BASE }) or set cgo: false',
        });
      } else if (this.runtime.libc === Libc.MUSL) {
        problems.push({
          option: 'cgo',
          what: `cgo binaries are built on Debian against glibc, and ${this.runtime.displayName} has musl, so the binary would not start`,
          fix: 'Use RuntimeStage.distroless({ variant: DistrolessVariant.BASE }) or set cgo: false',
        });
      }
    }
    if (typeof this.mainPackage !== 'string' || !MAIN_PACKAGE.test(this.mainPackage) || this.mainPackage.split('/').slice(1).some((e) => e === '.' || e === '..')) {
      const fix = this.mainPackage === './.' || this.mainPackage === './' ? 'Use "." for the main package in the module root' : `Use "." for the module root, or a relative path such as "./cmd/${this.name}"`;
      problems.push({ option: 'mainPackage', what: `${JSON.stringify(this.mainPackage)} is not a package path inside the module`, fix });
    }
    for (const tag of this.extraBuildTags) {
      if (typeof tag !== 'string' || !GO_BUILD_TAG.test(tag)) {
        problems.push({ option: 'buildTags', what: `${JSON.stringify(tag)} is not a Go build tag`, fix: 'Use letters, digits, underscores and dots only' });
      }
    }
    for (const flag of this.extraLdflags) {
      if (typeof flag !== 'string' || flag.trim() === '' || UNSAFE_IN_QUOTES.test(flag)) {
        problems.push({ option: 'ldflags', what: `${JSON.stringify(flag)} cannot be passed inside -ldflags "..."`, fix: 'Leave out quotes, $, backslashes and backticks; give each flag as its own string' });
      }
    }
    if (this.userName !== undefined) {
      if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(this.userName)) {
        problems.push({ option: 'userName', what: `${JSON.stringify(this.userName)} is not a valid user name`, fix: 'Use lowercase letters, digits, "_" and "-", starting with a letter' });
      } else if (!this.runtime.isScratch) {
        problems.push({
          option: 'userName',
          what: `${this.runtime.displayName} has its own /etc/passwd, which we do not replace`,
          fix: 'Leave userName unset (the image runs as a numeric uid), or use RuntimeStage.scratch()',
        });
      }
    }
    for (const file of this.configFiles) {
      if (typeof file !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(file) || file.split('/').includes('..') || file.endsWith('/')) {
        problems.push({ option: 'configFiles', what: `${JSON.stringify(file)} is not a file path inside the repository`, fix: 'Use a relative path such as "config.yaml", without "..", globs or a trailing slash' });
      } else if (neverInContext(file)) {
        problems.push(secretPathProblem('configFiles', file));
      }
    }
    const names = this.configFiles.map((f) => f.split('/').pop());
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) {
      problems.push({ option: 'configFiles', what: `two files are named "${dup}", and both would land in ${this.configDir}/${dup}`, fix: 'Rename one of them' });
    }
    problems.push(...envProblems(this.env, this.portVariable));
    problems.push(...imageEnvironmentProblems(this.imageEnv, this.portVariable));
    problems.push(...this.runProblems());
    if (this.healthCheck instanceof HealthCheck) {
      problems.push(...this.healthCheck._problems(this.port));
    } else {
      const was = typeof this.healthCheck === 'boolean' ? ` (a boolean was the old form: ${this.healthCheck ? "true is HealthCheck.command(['healthcheck'])" : 'false is HealthCheck.none()'})` : '';
      problems.push({ option: 'healthCheck', what: `${JSON.stringify(this.healthCheck)} is not a health check${was}`, fix: "Use HealthCheck.command(['healthcheck']), HealthCheck.http({ path: '/healthz' }), HealthCheck.tcp() or HealthCheck.none()" });
    }
    if (typeof this.imageName !== 'string' || !IMAGE_NAME.test(this.imageName) || this.imageName.length > 128) {
      problems.push({ option: 'imageName', what: `${JSON.stringify(this.imageName)} is not a valid image name`, fix: 'Use lowercase letters, digits, and ".", "_", "-" or "/" between them' });
    }
    if (this.explicitImageVariable !== undefined) problems.push(...makeVariableProblems('imageVariable', this.explicitImageVariable));
    problems.push(...platformProblems(this.explicitPlatforms));
    if (this.cgo && this.explicitPlatforms && this.explicitPlatforms.length > 1) {
      problems.push({
        option: 'platforms',
        what: `a cgo build runs on the target platform with that platform's gcc, so ${this.name} builds for the native platform only, not ${this.explicitPlatforms.join(', ')}`,
        fix: `Leave platforms unset for ${this.name} (or give one platform), or set cgo: false`,
      });
    }
    if (this.imageSizeBudgetMiB !== undefined && !(typeof this.imageSizeBudgetMiB === 'number' && this.imageSizeBudgetMiB > 0)) {
      problems.push({ option: 'imageSizeBudgetMiB', what: `${JSON.stringify(this.imageSizeBudgetMiB)} is not a size`, fix: 'Use a positive number of MiB' });
    }
    return problems;
  }

  private portProblems(): OptionProblem[] {
    const problems: OptionProblem[] = [];
    const port = this.port;
    if (!this.isServer) {
      if (port !== undefined) {
        problems.push({ option: 'port', what: 'a command (server: false) listens on no port', fix: 'Remove port, or set server: true' });
      }
      if (this.portInEnvironment !== true) {
        problems.push({ option: 'portInEnvironment', what: 'a command (server: false) listens on no port', fix: 'Remove portInEnvironment, or set server: true' });
      }
      if (this.portArgument !== undefined) {
        problems.push({ option: 'portArgument', what: 'a command (server: false) listens on no port', fix: 'Remove portArgument, or set server: true' });
      }
      return problems;
    }
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      problems.push({ option: 'port', what: `${JSON.stringify(port)} is not a TCP port`, fix: 'Use a whole number from 1 to 65535' });
    }
    if (typeof this.portVariable !== 'string' || !ENV_NAME.test(this.portVariable)) {
      problems.push({ option: 'portVariable', what: `${JSON.stringify(this.portVariable)} is not an environment variable name`, fix: 'Use letters, digits and underscores, not starting with a digit, such as "HTTP_PORT"' });
    }
    const value = this.portVariableValue;
    if (typeof value !== 'string' || value.split(PORT_PLACEHOLDER).length !== 2 || /[\s"'`$\\]/.test(value)) {
      problems.push({ option: 'portVariableValue', what: `${JSON.stringify(value)} is not one value with {port} in it once`, fix: 'Write the value as the binary reads it, such as "{port}" or ":{port}"' });
    }
    const arg = this.portArgument;
    if (arg !== undefined && (typeof arg !== 'string' || arg.split(PORT_PLACEHOLDER).length !== 2 || /[\s"'`$\\]/.test(arg))) {
      problems.push({ option: 'portArgument', what: `${JSON.stringify(arg)} is not one argument with {port} in it once`, fix: 'Write the argument as the binary takes it, such as "-listen=:{port}" or "--port={port}"' });
    }
    return problems;
  }

  private runProblems(): OptionProblem[] {
    const problems: OptionProblem[] = [];
    if (!Array.isArray(this.subcommand) || this.subcommand.some((a) => typeof a !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9:._-]*$/.test(a))) {
      problems.push({ option: 'subcommand', what: `${JSON.stringify(this.subcommand)} is not a subcommand path`, fix: "Give each word as its own string, such as subcommand: ['serve']" });
    }
    if (!Array.isArray(this.args) || this.args.some((a) => typeof a !== 'string' || /\n/.test(a))) {
      problems.push({ option: 'args', what: `${JSON.stringify(this.args)} is not a list of one-line arguments`, fix: "Give each argument as its own string, such as args: ['-config', '/etc/app.yaml']" });
    }
    if (this.workdir !== undefined && (typeof this.workdir !== 'string' || !ABSOLUTE_PATH.test(this.workdir))) {
      problems.push({ option: 'workdir', what: `${JSON.stringify(this.workdir)} is not an absolute path`, fix: 'Use a path such as "/app"' });
    }
    for (const [source, dest] of Object.entries(this.files)) {
      if (REPO_PATH.test(source) && neverInContext(source)) {
        problems.push(secretPathProblem('files', source));
      } else if (!REPO_PATH.test(source) || source.split('/').some((e) => e === '..' || e === '.')) {
        problems.push({ option: 'files', what: `${JSON.stringify(source)} is not a path inside the repository`, fix: 'Use a relative path such as "templates" or "config/app.json", without "..", globs or a trailing slash' });
      } else if (typeof dest !== 'string' || !(ABSOLUTE_PATH.test(dest) || REPO_PATH.test(dest)) || dest.split('/').includes('..')) {
        problems.push({ option: 'files', what: `the destination of ${source}, ${JSON.stringify(dest)}, is not a path in the image`, fix: `Use an absolute path such as "/app/${source}", or a relative one under workdir` });
      } else if (!dest.startsWith('/') && this.workdir === undefined) {
        problems.push({ option: 'files', what: `${source} goes to the relative path ${dest}, and the service has no workdir`, fix: `Set workdir (such as "/app"), or give an absolute destination such as "/app/${dest}"` });
      } else if (dest === '/' || ['/usr/local/bin', this.binaryPath, '/etc/passwd', '/etc/group', '/etc/ssl/certs'].some((p) => dest === p || p.startsWith(`${dest}/`))) {
        problems.push({ option: 'files', what: `${source} would replace ${dest} in the image, which holds the binary or what the image needs`, fix: 'Choose another destination, such as one under workdir' });
      }
    }
    for (const d of this.dataDirectories) {
      if (typeof d !== 'string' || !(d === '.' || ABSOLUTE_PATH.test(d) || REPO_PATH.test(d)) || d.split('/').includes('..')) {
        problems.push({ option: 'dataDirectories', what: `${JSON.stringify(d)} is not a directory path`, fix: 'Use an absolute path such as "/data", or one relative to workdir such as "data"' });
      } else if (!d.startsWith('/') && this.workdir === undefined) {
        problems.push({ option: 'dataDirectories', what: `${d} is relative, and the service has no workdir`, fix: `Set workdir (such as "/app"), or give an absolute path such as "/${d === '.' ? 'data' : d}"` });
      } else if (['/', '/usr', '/usr/local', '/usr/local/bin', '/etc', this.binaryPath].includes(d.replace(/\/$/, ''))) {
        problems.push({ option: 'dataDirectories', what: `${d} holds the binary or what the image needs, and a volume there would hide it`, fix: 'Use a directory of its own, such as "/data"' });
      }
    }
    const mounts = this.dataMounts().map((m) => m.volume);
    const twice = mounts.find((v, i) => mounts.indexOf(v) !== i);
    if (twice) {
      problems.push({ option: 'dataDirectories', what: `two data directories end in the same name, and would share the volume ${twice}`, fix: 'Give each its own last path element' });
    }
    const destinations = this.runtimeFiles.map((f) => f.destination);
    const dup = destinations.find((d, i) => destinations.indexOf(d) !== i);
    if (dup) {
      problems.push({ option: 'files', what: `two files would land at ${dup}`, fix: 'Give each its own destination' });
    }
    for (const [key, variable] of Object.entries(this.versionVariables)) {
      if (typeof variable !== 'string' || !GO_VARIABLE.test(variable)) {
        problems.push({ option: `versionVariables.${key}`, what: `${JSON.stringify(variable)} is not a Go variable as -X names it`, fix: 'Use <import path>.<name>, such as "main.version" or "example.com/shop/internal/version.Version"' });
      }
    }
    return problems;
  }
}

const GO_SERVICE = Symbol.for('projen-go-service.GoService');

/** The environment variable a server reads its port from, unless told otherwise. */
const DEFAULT_PORT_VARIABLE = 'PORT';

/** Where the port goes in `portArgument`. */
const PORT_PLACEHOLDER = '{port}';

/** The mode of the sample's binary that probes its own health. */
const HEALTHCHECK_MODE = 'healthcheck';

/** The variables the sample declares, and the build stamps unless told otherwise. */
const DEFAULT_VERSION_VARIABLES: Required<VersionVariables> = { version: 'main.version', commit: 'main.commit', date: 'main.date' };

/** A main package: the module root, or a relative path below it. */
const MAIN_PACKAGE = /^\.$|^\.\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
const ABSOLUTE_PATH = /^\/([A-Za-z0-9_.-]+\/?)*$/;
const REPO_PATH = /^[A-Za-z0-9_][A-Za-z0-9_./-]*[A-Za-z0-9_.-]$|^[A-Za-z0-9_]$/;
/** `main.version`, `example.com/x/internal/version.Version`. */
const GO_VARIABLE = /^[A-Za-z0-9_.~\/-]*[A-Za-z0-9_~-]\.[A-Za-z_][A-Za-z0-9_]*$/;


/** The services of a project, in the order they were created (the default one first). */
export function servicesOf(project: Project): GoService[] {
  return project.components.filter(GoService.isGoService);
}

/** A file an image cannot hold: the build context never lets it in (a secret, a key, an environment file). */
function secretPathProblem(option: string, path: string): OptionProblem {
  return {
    option,
    what: `${path} never enters the build context (it matches ${neverInContext(path)}: secrets, keys and environment files stay out of images), so the image build would fail without it`,
    fix: 'Give it to the container at run time instead (compose secrets, a Kubernetes Secret), or rename it if it holds no secret',
  };
}

function envProblems(env: { [name: string]: string }, portVariable: string): OptionProblem[] {
  const problems: OptionProblem[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (!ENV_NAME.test(k)) {
      problems.push({ option: 'environment', what: `${JSON.stringify(k)} is not an environment variable name`, fix: 'Use letters, digits and underscores, not starting with a digit' });
    } else if (k === portVariable) {
      problems.push({ option: 'environment', what: `${k} is set from the port option`, fix: 'Set port instead' });
    } else if (typeof v !== 'string') {
      problems.push({ option: 'environment', what: `the value of ${k} is not a string`, fix: `Quote it: ${k}: '${String(v)}'` });
    } else if (/\n/.test(v)) {
      problems.push({ option: 'environment', what: `the value of ${k} spans lines`, fix: 'Use a single line' });
    }
  }
  return problems;
}

function nameProblems(model: ProjectContext, name: string): string[] {
  if (typeof name !== 'string' || !SERVICE_NAME.test(name)) {
    return [problem(typeof name === 'string' && name ? name : '(unnamed)', 'name', `${JSON.stringify(name)} is not a valid service name: it names cmd/<name>, a Dockerfile stage, a compose service and Makefile targets`, 'Use lowercase letters, digits and single dashes, starting with a letter, at most 40 characters (for example "worker")')];
  }
  const reserved = RESERVED_SERVICE_NAMES.find((r) => r.test(name));
  if (reserved) {
    return [problem(name, 'name', reserved.why(name), 'Choose another name')];
  }
  if (model.services.some((s) => s.name === name)) {
    return [problem(name, 'name', 'a service with this name already exists in this project', 'Choose another name')];
  }
  if (model.addons.some((a) => a.name === name)) {
    return [problem(name, 'name', `an add-on named "${name}" already exists, and compose service names must be unique`, 'Choose another name')];
  }
  return [];
}
