import { existsSync } from 'fs';
import { join } from 'path';
import { Project, ProjectOptions } from 'projen';
import { ProjenrcTs, ProjenrcTsOptions, TypeScriptRunner } from 'projen/lib/typescript';
import { Addon, addonsOf } from './addons/addon';
import { ComposeFile } from './files/compose';
import { ComposeDevFile } from './files/compose-dev';
import { Dockerfile } from './files/dockerfile';
import { DockerfileIgnore } from './files/dockerfile-ignore';
import { DockerIgnore } from './files/dockerignore';
import { RepoDocs } from './files/docs';
import { Kubernetes, KubernetesOptions } from './files/kubernetes';
import { GoMakefile } from './files/makefile';
import { RenovateConfig } from './files/renovate';
import { migrationSamples, serviceSamples } from './files/samples';
import { goMinor, newestGoMinor, OLDEST_BUILDER_MINOR } from './go/go-releases';
import { GoSources, readGoSources } from './go/go-sources';
import { GoModuleSettings } from './go-modules';
import { GoService, GoServiceOptions, servicesOf } from './go-service';
import { ASIDE_DIR, SECRETS_DIR } from './model/constants';
import { attachContext } from './model/context';
import { toolchainFor } from './model/go-build';
import { DIGEST, formatImageRef, isValidMirror, parseImageRef } from './model/image-ref';
import { DEFAULT_IMAGE_TAG_VARIABLE, makeVariableProblems } from './model/make-variables';
import { attachModel, deepFreeze, modelOf, ProjectModel } from './model/model';
import { makeTargetCollision, platformProblems, RESERVED_SERVICE_NAMES, SERVICE_NAME } from './model/names';
import { problem, throwIfProblems } from './model/problems';
import { deploymentProblems, laterModelProblems, validateModel } from './model/validate';
import { Pipeline, PipelineOptions } from './pipeline';
import { RuntimeStage } from './runtime-stage';
import { synthesizeRepository } from './synthesis';
import { GoMod } from './synthesis/go-mod';
import { fromProjenNew, NewRepoSetup } from './synthesis/new-repo-setup';
import { LOCK_DIR } from './synthesis/repo-lock';
import { STATE_FILE, SynthesisReport } from './synthesis/report';
import { SampleFiles } from './synthesis/sample-files';
import { JOURNAL } from './synthesis/transaction';

/** The Go release new projects build with. */
const DEFAULT_GO_VERSION = '1.26';

/** The platforms `make docker-buildx` builds for. */
const DEFAULT_PLATFORMS = ['linux/amd64', 'linux/arm64'];

const MODULE_PATH = /^[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?(\/[A-Za-z0-9_.~+-]+)*$|^[a-z][a-z0-9_.-]*(\/[A-Za-z0-9_.~+-]+)*$/;

/**
 * A breach of a policy rule, named by the service (if any) and the option it concerns.
 */
export interface PolicyViolation {
  /**
   * The service, if the violation is one service's.
   * @default - a project-level option
   */
  readonly service?: string;
  /** The option that breaks the rule. */
  readonly option: string;
  /** What is wrong. */
  readonly what: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * A rule an organisation's template imposes on every configuration. Checked before anything is
 * written; a breach fails the synthesis with an error naming the rule and the option.
 */
export interface IPolicyRule {
  /** The rule's name, shown in errors. */
  readonly name: string;
  /** The breaches of this rule in the project (empty when it complies). */
  check(project: GoServiceProject): PolicyViolation[];
}

/**
 * Options for GoServiceProject. The service options configure the default service, which is named
 * after the project and lives in `cmd/<name>`.
 */
export interface GoServiceProjectOptions extends ProjectOptions, GoServiceOptions {
  /**
   * The Go module path, written in go.mod.
   * @default "example.com/<name>"
   * @featured
   */
  readonly modulePath?: string;

  /**
   * The Go release, `major.minor`: the `go` line in go.mod and the builder image tag.
   * @default "1.26"
   * @featured
   */
  readonly goVersion?: string;

  /**
   * go.mod's `go` line, the language version of the code, when it is not `goVersion`: an older
   * module built by a newer Go keeps its semantics (a `go 1.16` module built with Go 1.26). Never
   * newer than `goVersion`.
   * @default - the go line follows goVersion
   */
  readonly goDirective?: string;

  /**
   * A registry mirror that prefixes every base image, builder and runtime alike
   * (`mirror.example.com/golang:1.26-alpine`).
   * @default - images are pulled from their own registries
   */
  readonly registryMirror?: string;

  /**
   * Pin the pure-Go builder image (`golang:<goVersion>-alpine`) by digest.
   * @default - pinned by tag only
   */
  readonly builderDigest?: string;

  /**
   * Pin the cgo builder image (`golang:<goVersion>-bookworm`) by digest.
   * @default - pinned by tag only
   */
  readonly cgoBuilderDigest?: string;

  /**
   * Digest pins by image reference, as the model names images before the mirror prefix
   * (`golang:1.26-alpine`, `gcr.io/distroless/static-debian13:nonroot`, `postgres:17.6-alpine`).
   * Every FROM line and compose image that names one of them is pinned. A digest given to a
   * runtime directly takes precedence.
   * @default - no pins
   */
  readonly imageDigests?: { [image: string]: string };

  /**
   * How the Docker build reaches Go modules (proxy, private paths, `.netrc` secret).
   * @default - the machine's `go env` values, passed by the Makefile; no credentials
   */
  readonly goModules?: GoModuleSettings;

  /**
   * Rules every configuration must follow (for organisation templates): checked before anything
   * is written.
   * @default - none
   */
  readonly policy?: IPolicyRule[];

  /**
   * Generate a Renovate configuration that keeps the Go version, the image digest pins in
   * .projenrc.ts and the npm packages current (and re-synthesizes after updating them).
   * @default true
   */
  readonly renovate?: boolean;

  /**
   * Where the generated notes on how the images are hardened go. `SECURITY.md` (with a section on
   * reporting vulnerabilities) unless the repository keeps its own security policy there.
   * @default "SECURITY.md"
   */
  readonly securityNotesFile?: string;

  /**
   * Makefiles of your own that the generated Makefile includes (`include local.mk`): targets such as
   * `generate` keep working beside the generated ones.
   * @default - none
   */
  readonly makefileIncludes?: string[];

  /**
   * Generated Makefile targets renamed, generated name → new name, where a makefile of your own (see
   * `makefileIncludes`) has a target of the same name: yours keeps its name and recipe, and make
   * gives no "overriding recipe" warning. `make help` lists the generated target under its new name.
   * `adopt` renames each colliding target `go-<name>` (`build` → `go-build`).
   *
   * ```ts
   * makefileRenames: { 'build': 'go-build', 'test': 'go-test' }
   * ```
   * @default - no target renamed
   */
  readonly makefileRenames?: { [generated: string]: string };

  /**
   * The make (and compose) variable that tags the images: `make docker-build` tags
   * `$(<SERVICE>_IMAGE):$(<this>)`, compose's `image:` and `make k8s-apply` read it too.
   *
   * With the default, VERSION, the version stamp is the tag: git describe, made a valid tag. Any other
   * name (adopt gives `IMAGE_TAG` where your makefile sets VERSION) is set from VERSION made a valid
   * tag (the part after the last `/`; characters other than letters, digits, `.`, `_` and `-` become
   * `-`), and VERSION stays yours: the Makefile sets it (git describe) only after your
   * `makefileIncludes`, when they leave it unset, so your `VERSION := 1.2.3` or `VERSION ?= 1.2.3`
   * stamps the binaries and tags the images, and `make docker-build VERSION=1.3.0` still works.
   * @default "VERSION"
   */
  readonly imageTagVariable?: string;

  /**
   * Compose services of your own (a message broker, a proxy, ...), by name, rendered verbatim into
   * docker-compose.yml beside the generated ones, so `make compose-up` starts them too: compose's
   * own keys, as plain data. (`project.compose.addService`, `addVolume` and `addNetwork` add more.)
   *
   * ```ts
   * composeServices: { nats: { image: 'nats:2.10-alpine', command: ['-js'] } }
   * ```
   * @see https://docs.docker.com/reference/compose-file/services/
   * @default - none
   */
  readonly composeServices?: { [name: string]: any };

  /**
   * Ignore files for Dockerfiles of your own, Dockerfile path → its `.dockerignore` rules: each gets
   * a generated `<Dockerfile>.dockerignore` (`build/Dockerfile.dev.dockerignore`), which BuildKit reads
   * instead of the generated .dockerignore (an allow-list for the generated Dockerfile), so their
   * builds see the context they always did. An empty list lets everything in. `adopt` gives each
   * Dockerfile of the repository the rules of its original .dockerignore.
   *
   * ```ts
   * dockerfileIgnores: { 'build/Dockerfile.dev': ['.git', '*.md'] }
   * ```
   * @see https://docs.docker.com/build/concepts/context/#filename-and-location
   * @default - none
   */
  readonly dockerfileIgnores?: { [dockerfile: string]: string[] };

  /**
   * The repository URL, for the `org.opencontainers.image.source` label.
   * @default - no source label
   */
  readonly sourceUrl?: string;

  /**
   * Extra OCI labels for every image (vendor, licenses, ...).
   * @default - none
   */
  readonly imageLabels?: { [key: string]: string };

  /**
   * Render Kubernetes manifests under `k8s/` (Namespace, and per service a Deployment, Service,
   * ServiceAccount, PodDisruptionBudget, NetworkPolicy and optional HorizontalPodAutoscaler) and the
   * `make k8s-*` targets. Each service's `deployment` option says how it runs there.
   * @default false
   */
  readonly kubernetes?: boolean;

  /**
   * Options for the Kubernetes manifests (with `kubernetes: true`).
   * @default - the namespace is the project name
   */
  readonly kubernetesOptions?: KubernetesOptions;

  /**
   * Emit a `# syntax=` line naming this Dockerfile frontend (for engines that can pull it).
   * Off by default: the line makes BuildKit pull an image, which fails without a registry.
   * @default - the engine's built-in frontend
   */
  readonly dockerfileSyntax?: string;

  /**
   * Generate the pipeline: GitHub workflows (build.yml runs `make ci` on pull requests and the main
   * branch; release.yml runs `make release` and `make verify` on tags; upgrade.yml bumps the
   * template on a schedule) and the Makefile targets they call (`ci`, `release`, `verify`, `tools`).
   * A workflow file the repository already has is never overwritten. `projen new` turns it on;
   * `adopt` leaves it off unless asked.
   * @default false
   * @pjnew true
   */
  readonly ci?: boolean;

  /**
   * Options for the pipeline (with `ci: true`).
   * @default - releases on v* tags to ghcr.io, signed keyless by the release workflow
   */
  readonly ciOptions?: PipelineOptions;

  /**
   * Use a TypeScript .projenrc.ts, run with tsx.
   * @default true
   */
  readonly projenrcTs?: boolean;

  /**
   * Options for .projenrc.ts.
   * @default - the tsx runner with tsconfig.projen.json
   */
  readonly projenrcTsOptions?: ProjenrcTsOptions;
}

/**
 * A Go service repository whose images are as small as physics allows: static Go binaries in a
 * multi-stage Dockerfile on scratch or distroless, with docker-compose.yml, .dockerignore and a
 * Makefile, all rendered from the model and kept in sync.
 *
 * @pjid go-service
 */
export class GoServiceProject extends Project {
  /** The Go module path. */
  public readonly modulePath: string;
  /** The Go release, `major.minor`: the builder image. */
  public readonly goVersion: string;
  /** go.mod's go line when it is not goVersion, if set. */
  public readonly goDirective?: string;
  /** The platforms multi-platform builds target (`PLATFORMS` in the Makefile), unless a service says otherwise. */
  public readonly platforms: string[];
  /** The make and compose variable that tags the images (VERSION unless `imageTagVariable` says otherwise). */
  public readonly imageTagVariable: string;
  /** The registry mirror prefix, if any. */
  public readonly registryMirror?: string;
  /** The repository URL for the source label, if any. */
  public readonly sourceUrl?: string;
  /** The `# syntax=` frontend, if any. */
  public readonly dockerfileSyntax?: string;
  /** How the Docker build reaches Go modules. */
  public readonly goModules: GoModuleSettings;

  /** The generated Dockerfile. */
  public readonly dockerfile: Dockerfile;
  /** The generated docker-compose.yml. */
  public readonly compose: ComposeFile;
  /** The generated .dockerignore. */
  public readonly dockerignore: DockerIgnore;
  /** The generated Makefile. */
  public readonly makefile: GoMakefile;
  /** The two facts the model keeps in the user's go.mod. */
  public readonly goMod: GoMod;
  /** The service named after the project. */
  public readonly defaultService: GoService;
  /** The pipeline (workflows and make targets), with `ci: true`. */
  public readonly pipeline?: Pipeline;

  private sources?: GoSources;
  /** The model of the synthesis under way (resolved and validated in preSynthesize). */
  private frozen?: ProjectModel;
  private readonly digests: { [image: string]: string };
  private readonly labels: { [key: string]: string };
  private readonly rules: IPolicyRule[];

  constructor(options: GoServiceProjectOptions) {
    options = fromProjenNew(options);
    throwIfProblems(projectProblems(options));
    super({ ...options, projenrcJson: false });
    // constructs (services, add-ons) read the live project through ProjectContext; renderers read
    // the model, plain data resolved from the constructs once per synthesis
    attachContext(this, this);
    attachModel(this, () => this.frozen ?? this.resolveModel());

    this.modulePath = options.modulePath ?? `example.com/${options.name}`;
    this.goVersion = options.goVersion ?? DEFAULT_GO_VERSION;
    this.goDirective = options.goDirective;
    this.platforms = [...(options.platforms ?? DEFAULT_PLATFORMS)];
    this.imageTagVariable = options.imageTagVariable ?? DEFAULT_IMAGE_TAG_VARIABLE;
    this.registryMirror = options.registryMirror?.replace(/\/+$/, '');
    this.goModules = { ...(options.goModules ?? {}) };
    this.rules = [...(options.policy ?? [])];
    this.digests = { ...(options.imageDigests ?? {}) };
    if (options.builderDigest) this.digests[this.builderTag(false)] = options.builderDigest;
    if (options.cgoBuilderDigest) this.digests[this.builderTag(true)] = options.cgoBuilderDigest;
    this.sourceUrl = options.sourceUrl;
    this.dockerfileSyntax = options.dockerfileSyntax;
    this.labels = { ...(options.imageLabels ?? {}) };

    if (options.projenrcTs ?? true) {
      new ProjenrcTs(this, {
        runner: TypeScriptRunner.tsx({ tsconfig: 'tsconfig.projen.json' }),
        ...options.projenrcTsOptions,
      });
    }
    this.gitignore.exclude('/bin/', `/${SECRETS_DIR}/`, '.env', '.env.*', '*.pem', '*.key', `/${LOCK_DIR}/`, `/${JOURNAL}`, `/${ASIDE_DIR}/`);

    this.goMod = new GoMod(this);
    this.dockerfile = new Dockerfile(this);
    this.dockerignore = new DockerIgnore(this);
    this.compose = new ComposeFile(this);
    new ComposeDevFile(this);
    this.makefile = new GoMakefile(this);
    const docs = new RepoDocs(this, options.securityNotesFile);
    for (const include of options.makefileIncludes ?? []) this.makefile.addInclude(include);
    for (const [from, to] of Object.entries(options.makefileRenames ?? {})) this.makefile.renameTarget(from, to);
    for (const [name, definition] of Object.entries(options.composeServices ?? {})) this.compose.addService(name, definition);
    for (const [dockerfile, patterns] of Object.entries(options.dockerfileIgnores ?? {})) new DockerfileIgnore(this, dockerfile, patterns);
    if (options.renovate ?? true) {
      new RenovateConfig(this);
    }
    new NewRepoSetup(this);
    new SynthesisReport(this);
    const samplesModel = () => modelOf(this, () => 'the samples belong to a GoServiceProject.');
    new SampleFiles(this, () => [{ files: docs.readme }, ...serviceSamples(samplesModel()), ...migrationSamples(samplesModel())]);
    if (options.kubernetes) {
      new Kubernetes(this, options.kubernetesOptions);
    }
    if (options.ci) {
      this.pipeline = new Pipeline(this, options.ciOptions);
    }

    // every GoServiceOptions field reaches the default service: it reads its own from the project's options
    this.defaultService = new GoService(this, options.name, options);
  }

  /** Every service, the default one first. */
  public get services(): GoService[] {
    return servicesOf(this);
  }

  /** The Kubernetes manifests, if the project renders them (`kubernetes: true`). */
  public get kubernetes(): Kubernetes | undefined {
    return Kubernetes.of(this);
  }

  /** Every add-on (databases, caches). */
  public get addons(): Addon[] {
    return addonsOf(this);
  }

  /** Finds a service by name. */
  public tryFindService(name: string): GoService | undefined {
    return this.services.find((s) => s.name === name);
  }

  /**
   * Adds an OCI label to every image.
   */
  public addImageLabel(key: string, value: string): void {
    this.labels[key] = value;
  }

  /** The builder image reference (mirror and pin applied) for the pure-Go or the cgo flavour. */
  public builderImage(cgo: boolean): string {
    return this.imageRef(this.builderTag(cgo));
  }

  /** The builder image as the model names it, before mirror and pin: `golang:<goVersion>-alpine|bookworm`. */
  public builderTag(cgo: boolean): string {
    return `golang:${this.goVersion}-${toolchainFor(cgo).imageFlavour}`;
  }

  /**
   * The reference a FROM line or compose names for an image: the mirror prefix, the image, and its
   * digest pin (the one given, else the one in imageDigests).
   *
   * @param image the image as the model names it, such as `golang:1.26-alpine`
   * @param digest a pin that takes precedence over imageDigests
   */
  public imageRef(image: string, digest?: string): string {
    return formatImageRef(image, { mirror: this.registryMirror, digest: digest ?? this.digests[image] });
  }

  /** The digest an image is pinned to, if any. */
  public digestOf(image: string, digest?: string): string | undefined {
    return digest ?? this.digests[image];
  }

  /**
   * Pins an image by digest (as `imageDigests` does).
   */
  public pinImage(image: string, digest: string): void {
    throwIfProblems(digestMapProblems({ [image]: digest }));
    this.digests[image] = digest;
  }

  /**
   * Adds policy rules, checked before anything is written.
   */
  public addPolicy(...rules: IPolicyRule[]): void {
    this.rules.push(...rules);
  }

  /** The policy rules in force. */
  public get policy(): IPolicyRule[] {
    return [...this.rules];
  }

  /** The OCI labels of a service's image. */
  public imageLabels(service: GoService): { [key: string]: string } {
    const labels: { [key: string]: string } = {
      'org.opencontainers.image.title': service.imageName,
      'org.opencontainers.image.version': '${VERSION}',
      'org.opencontainers.image.revision': '${COMMIT}',
      'org.opencontainers.image.created': '${DATE}',
    };
    if (this.sourceUrl) {
      labels['org.opencontainers.image.source'] = this.sourceUrl;
    }
    return { ...labels, ...this.labels };
  }

  /**
   * Synthesizes the repository as one change, under the repository's lock (see src/synthesis): every
   * file written beside its target and renamed in only when all are written; unchanged files not
   * touched; a file of the user's that a generated file would replace moved aside, never overwritten;
   * a run a kill interrupted completed first. A file-system error changes nothing and names the file.
   */
  public synth(): void {
    try {
      synthesizeRepository(this);
    } finally {
      this.frozen = undefined;
    }
  }

  /**
   * The project as the renderers read it: plain, frozen data, resolved from the constructs.
   */
  private resolveModel(): ProjectModel {
    const services = this.services.map((s) => s._toModel(this.imageLabels(s)));
    return deepFreeze({
      name: this.name,
      modulePath: this.modulePath,
      goVersion: this.goVersion,
      goDirective: this.goDirective,
      platforms: [...this.platforms],
      dockerfileSyntax: this.dockerfileSyntax,
      goModules: { ...this.goModules },
      builderImages: { pure: this.builderImage(false), cgo: this.builderImage(true) },
      busyboxImage: this.imageRef(RuntimeStage.distroless({ nonroot: false }).debugImage!),
      services,
      imageTagVariable: this.imageTagVariable,
      addons: this.addons.map((a) => a._toModel()),
      kubernetes: this.kubernetes?._toModel(services),
      goSources: this._goSources(),
      pipeline: this.pipeline?._toModel(),
    });
  }

  /**
   * What `go build` of the services reads, as the Go toolchain says: read once per synthesis.
   * @internal
   */
  public _goSources(): GoSources {
    this.sources ??= readGoSources(this.outdir, this.services);
    return this.sources;
  }

  /**
   * Validates the whole model before anything is written: cross-service and add-on checks, and
   * what the Go toolchain says of the code.
   */
  public preSynthesize(): void {
    this.reincludeCommittedFiles();
    this.frozen = undefined;
    this.sources = undefined;
    const model = this.resolveModel();
    const findings = validateModel(model);
    for (const w of findings.warnings) this.logger.warn(w);
    const problems: string[] = [...this.escapeHatchProblems(), ...findings.problems];
    for (const include of this.makefile.includedMakefiles.filter((i) => !existsSync(join(this.outdir, i)))) {
      problems.push(problem(undefined, 'makefileIncludes', `${include} does not exist in the repository, and make would stop at the include`, `Create ${include}, or take it out of makefileIncludes`));
    }
    problems.push(...laterModelProblems(model));
    for (const addon of this.addons) {
      problems.push(...addon._problems());
    }
    problems.push(...deploymentProblems(model));
    for (const rule of this.rules) {
      for (const v of rule.check(this)) {
        problems.push(problem(v.service, v.option, `${v.what} (policy "${rule.name}")`, v.fix));
      }
    }
    throwIfProblems(problems);
    this.frozen = model;
    super.preSynthesize();
  }

  /** What the files' escape hatches were asked that they cannot do (go.mod's plan among them). */
  private escapeHatchProblems(): string[] {
    return [this.goMod, this.dockerfile, this.makefile, this.compose].flatMap((f) => f._problems());
  }

  /**
   * Lets git see every committed generated file again after the patterns .projenrc.ts added: a
   * repository's own `.*` would otherwise hide .projen/ and .gitattributes, and a fresh clone would
   * miss them. (Re-adding a pattern moves it to the end, where it wins.)
   */
  private reincludeCommittedFiles(): void {
    const paths = this.files.filter((f) => f.committed && f.path !== '.gitignore').map((f) => f.path).sort();
    const dirs = new Set<string>();
    for (const path of paths) {
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    }
    for (const dir of [...dirs].sort()) this.gitignore.include(`/${dir}/`);
    for (const path of paths) this.gitignore.include(`/${path}`);
    // what projen's own files exclude again, such as our state under .projen/
    this.gitignore.exclude(`/${STATE_FILE}`, `/${LOCK_DIR}/`, `/${JOURNAL}`);
  }
}

function digestMapProblems(digests: { [image: string]: string }): string[] {
  const problems: string[] = [];
  for (const [image, digest] of Object.entries(digests)) {
    const ref = parseImageRef(image);
    if (!ref || !ref.tag || ref.digest) {
      problems.push(problem(undefined, 'imageDigests', `${JSON.stringify(image)} is not an image reference with a tag`, 'Name the image as the model does, such as "golang:1.26-alpine"'));
    } else if (typeof digest !== 'string' || !DIGEST.test(digest)) {
      problems.push(problem(undefined, 'imageDigests', `the pin of ${image}, ${JSON.stringify(digest)}, is not a sha256 digest`, 'Use the form sha256:<64 hex digits>'));
    }
  }
  return problems;
}

function goModuleProblems(m: GoModuleSettings): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(m)) {
    if (key === 'netrc') continue;
    // GOFLAGS is a space-separated list; the others are single values
    const unsafe = typeof value !== 'string' || /[\s"'$`\\]/.test(key === 'goflags' ? value.replace(/ /g, '') : value);
    if (unsafe) {
      problems.push(problem(undefined, `goModules.${key}`, `${JSON.stringify(value)} cannot be passed as a build arg`, 'Use a value without quotes, $, backslashes or line breaks'));
    } else if (/:\/\/[^/,|]*@/.test(value)) {
      problems.push(problem(undefined, `goModules.${key}`, 'the URL carries credentials, which would end up in build args and the image history', 'Leave them out of the URL and set netrc: true: the build then reads them from a .netrc BuildKit secret'));
    }
  }
  return problems;
}

function projectProblems(options: GoServiceProjectOptions): string[] {
  const problems: string[] = [];
  const o = options ?? ({} as GoServiceProjectOptions);
  if (typeof o.name !== 'string' || !SERVICE_NAME.test(o.name) || RESERVED_SERVICE_NAMES.some((r) => r.test(o.name)) || makeTargetCollision(o.name)) {
    problems.push(problem(undefined, 'name', `${JSON.stringify(o.name)} cannot name the project: it names the default service (cmd/<name>, its Dockerfile target and compose service) and the image`, 'Use lowercase letters, digits and single dashes, starting with a letter, at most 40 characters, and not a Makefile or builder-stage name (for example "hello")'));
  }
  if (o.ciOptions !== undefined && !o.ci) {
    problems.push(problem(undefined, 'ciOptions', 'is set, and the project generates no pipeline', 'Set ci: true as well, or remove ciOptions'));
  }
  problems.push(...Pipeline.problems(o.ciOptions));
  if (o.kubernetesOptions !== undefined && !o.kubernetes) {
    problems.push(problem(undefined, 'kubernetesOptions', 'is set, and the project renders no Kubernetes manifests', 'Set kubernetes: true as well, or remove kubernetesOptions'));
  }
  if (o.modulePath !== undefined && (typeof o.modulePath !== 'string' || !MODULE_PATH.test(o.modulePath) || o.modulePath.split('/').some((p) => p === '.' || p === '..'))) {
    problems.push(problem(undefined, 'modulePath', `${JSON.stringify(o.modulePath)} is not a Go module path`, 'Use a lowercase host and path without spaces or a trailing slash, such as "github.com/acme/hello"'));
  }
  if (o.goDirective !== undefined) {
    const minor = typeof o.goDirective === 'string' ? goMinor(o.goDirective) : undefined;
    const builder = typeof o.goVersion === 'string' ? goMinor(o.goVersion) : goMinor(DEFAULT_GO_VERSION);
    if (minor === undefined) {
      problems.push(problem(undefined, 'goDirective', `${JSON.stringify(o.goDirective)} is not a Go version`, 'Use the go line as go.mod takes it, such as "1.16" or "1.24.3"'));
    } else if (builder !== undefined && minor > builder) {
      problems.push(problem(undefined, 'goDirective', `go ${o.goDirective} is newer than the builder, Go 1.${builder} (goVersion), which could not build it`, `Raise goVersion to 1.${minor}, or lower goDirective`));
    }
  }
  if (o.goVersion !== undefined) {
    if (typeof o.goVersion !== 'string' || !/^1\.\d+$/.test(o.goVersion)) {
      const fix = typeof o.goVersion === 'string' && /^1\.\d+\.\d+$/.test(o.goVersion)
        ? `Use the major.minor form "${o.goVersion.split('.').slice(0, 2).join('.')}": it names the builder image (golang:${o.goVersion.split('.').slice(0, 2).join('.')}-alpine) and the go line; go.mod may still say a patch release, which we keep`
        : `Use a Go release in the major.minor form, such as "${DEFAULT_GO_VERSION}"`;
      problems.push(problem(undefined, 'goVersion', `${JSON.stringify(o.goVersion)} is not a Go release we can build with`, fix));
    } else if (Number(o.goVersion.split('.')[1]) < OLDEST_BUILDER_MINOR) {
      problems.push(problem(undefined, 'goVersion', `Go ${o.goVersion} is older than 1.${OLDEST_BUILDER_MINOR}, which is the oldest release with the toolchain rules this project relies on`,
        `Use 1.${OLDEST_BUILDER_MINOR} or later: it builds older code too (set goDirective to keep go.mod's go line, the language version, as it is)`));
    } else if (Number(o.goVersion.split('.')[1]) > newestGoMinor()) {
      problems.push(problem(undefined, 'goVersion', `Go ${o.goVersion} does not exist yet: the newest release is 1.${newestGoMinor()}`, `Use 1.${newestGoMinor()} or older`));
    }
  }
  for (const p of platformProblems(o.platforms)) {
    problems.push(problem(undefined, p.option, p.what, p.fix));
  }
  if (o.registryMirror !== undefined && (typeof o.registryMirror !== 'string' || !isValidMirror(o.registryMirror.replace(/\/+$/, '')))) {
    problems.push(problem(undefined, 'registryMirror', `${JSON.stringify(o.registryMirror)} is not a registry host or path`, 'Use a host with an optional path, such as "mirror.example.com/dockerhub"'));
  }
  for (const [key, value] of [['builderDigest', o.builderDigest], ['cgoBuilderDigest', o.cgoBuilderDigest]] as const) {
    if (value !== undefined && (typeof value !== 'string' || !DIGEST.test(value))) {
      problems.push(problem(undefined, key, `${JSON.stringify(value)} is not a sha256 digest`, 'Use the form sha256:<64 hex digits>'));
    }
  }
  problems.push(...digestMapProblems(o.imageDigests ?? {}));
  problems.push(...goModuleProblems(o.goModules ?? {}));
  for (const [k, v] of Object.entries(o.imageLabels ?? {})) {
    if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(k) || typeof v !== 'string' || /[\n"$\\]/.test(v)) {
      problems.push(problem(undefined, 'imageLabels', `the label ${JSON.stringify(k)}: ${JSON.stringify(v)} cannot be written as a Dockerfile LABEL`, 'Use a lowercase dotted key and a one-line value without quotes, $ or backslashes'));
    }
  }
  if (o.sourceUrl !== undefined && (typeof o.sourceUrl !== 'string' || !/^https?:\/\/[^\s"$\\]+$/.test(o.sourceUrl) || /\/\/[^/]*@/.test(o.sourceUrl))) {
    problems.push(problem(undefined, 'sourceUrl', `${JSON.stringify(o.sourceUrl)} is not a public repository URL`, 'Use an https:// URL without credentials'));
  }
  if (o.securityNotesFile !== undefined && (typeof o.securityNotesFile !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_./-]*\.md$/.test(o.securityNotesFile)
    || o.securityNotesFile.split('/').includes('..') || o.securityNotesFile === 'README.md')) {
    problems.push(problem(undefined, 'securityNotesFile', `${JSON.stringify(o.securityNotesFile)} cannot hold the generated security notes`, 'Use a Markdown file of the repository other than README.md, such as "docs/image-security.md"'));
  }
  if (o.imageTagVariable !== undefined) {
    problems.push(...makeVariableProblems('imageTagVariable', o.imageTagVariable, DEFAULT_IMAGE_TAG_VARIABLE).map((p) => problem(undefined, p.option, p.what, p.fix)));
  }
  for (const include of o.makefileIncludes ?? []) {
    if (typeof include !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(include) || include.split('/').includes('..') || include === 'Makefile') {
      problems.push(problem(undefined, 'makefileIncludes', `${JSON.stringify(include)} is not a makefile of the repository to include`, 'Use a relative path such as "local.mk"'));
    }
  }
  if (o.dockerfileSyntax !== undefined && (typeof o.dockerfileSyntax !== 'string' || !/^[a-z0-9./:@_-]+$/.test(o.dockerfileSyntax))) {
    problems.push(problem(undefined, 'dockerfileSyntax', `${JSON.stringify(o.dockerfileSyntax)} is not an image reference`, 'Use a frontend image such as "docker/dockerfile:1"'));
  }
  return problems;
}
