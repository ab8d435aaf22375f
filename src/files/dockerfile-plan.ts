import { Instruction, RunMount } from '../dockerfile/instruction';
import { Stage } from '../dockerfile/stage';
import { HEALTH_PROBE_PATH, ZONEINFO_PATH } from '../model/constants';
import { DEV_BUILD_CACHE, DEV_TOOL } from '../model/dev-loop';
import { cgoEnv, GO_BUILD_FLAGS, goBuildCommand, STAMP_DEFAULTS, STAMP_VARIABLES, STRIP_FLAGS, Toolchain, TOOLCHAINS } from '../model/go-build';
import { GO_ENV_ARGS, goEnvDefault } from '../model/go-env';
import { HEALTH_PROBE_SOURCE, HEALTH_PROBE_STAGE } from '../model/health-probe';
import { MIGRATE_RUNNER_SOURCE, MIGRATE_TOOL } from '../model/migrations';
import type { MigrationsModel, ProjectModel, ServiceModel } from '../model/model';

/** Instructions added to stages through the escape hatch, by stage name. */
export type StageAdditions = (stage: string) => { start: Instruction[]; end: Instruction[] };

/** The BuildKit secret that carries a .netrc into module downloads, when asked for. */
const NETRC = RunMount.secret('netrc', { target: '/root/.netrc' });

const MOD_CACHE_PATH = '/go/pkg/mod';
const MOD_CACHE = RunMount.cache(MOD_CACHE_PATH);
/** Where the development image's download step mounts the module cache, whose place the image's own modules take. */
const DEV_MOD_CACHE = '/cache/mod';
const BUILD_CACHE = RunMount.cache('/root/.cache/go-build');
/**
 * Where a build stage assembles its image's root, which the image copies with one
 * `COPY --from=<stage> /out/rootfs/ /`. Nested one level, not `/rootfs`: to key that COPY, BuildKit
 * checksums the directory's content, and on the engines we measured (Docker 20.10, BuildKit 0.8) it
 * scans from the directory's parent down, so a top-level `/rootfs` had it walk the whole builder
 * image (the Go toolchain, 20,000 files) on every build: 0.27-0.31 s between the build step and the
 * COPY, a quarter of a warm rebuild (1.2 s), against 0.01-0.03 s with the root one level down.
 */
const ROOTFS = '/out/rootfs';

/** A toolchain flavour as the Dockerfile renders it: its stages, its image and where it runs. */
interface Flavour {
  readonly toolchain: Toolchain;
  readonly image: string;
  readonly platform?: string;
  readonly comment: string;
}

function flavours(model: ProjectModel): { pure: Flavour; cgo: Flavour } {
  return {
    pure: {
      toolchain: TOOLCHAINS.pure,
      image: model.builderImages.pure,
      platform: '$BUILDPLATFORM',
      comment: 'Pure Go: runs on the build platform and cross-compiles for the target.',
    },
    cgo: {
      toolchain: TOOLCHAINS.cgo,
      image: model.builderImages.cgo,
      comment: 'cgo: gcc and glibc (Debian); runs on the target platform.',
    },
  };
}

/** Every stage of the Dockerfile, in order. The default service's image is the last stage. */
export function dockerfileStages(model: ProjectModel, additions: StageAdditions = () => ({ start: [], end: [] })): Stage[] {
  const services = model.services;
  const { pure, cgo } = flavours(model);
  const stages: Stage[] = [];
  const used = [pure, cgo].filter((f) => services.some((s) => s.cgo === (f === cgo)));
  for (const f of used) {
    stages.push(depsStage(model, f), builderStage(f));
  }
  if (services.some(needsHealthProbe)) {
    stages.push(healthProbeStage(model));
  }
  const migrations = migrationsOf(model);
  if (migrations.length) {
    stages.push(migrateToolStage(model));
  }
  // make dev: the file watcher, and a development image per toolchain its servers build with
  const servers = services.filter((s) => s.isServer);
  if (servers.length) {
    stages.push(devToolStage(model));
    for (const f of used) {
      const own = servers.filter((s) => s.cgo === (f === cgo));
      if (own.length) stages.push(devStage(model, f, own));
    }
  }
  for (const s of services) {
    stages.push(buildStage(model, s, s.cgo ? cgo : pure));
  }
  // the migrations images before the services', so the default service stays last
  stages.push(...migrations.map(migrationsStage));
  // the default service last, so a plain `docker build .` builds it
  const ordered = [...services.filter((s) => !s.isDefault), ...services.filter((s) => s.isDefault)];
  for (const s of ordered) {
    stages.push(debugStage(model, s), runtimeStage(s));
  }
  return stages.map((st) => withAdditions(additions, st));
}

function withAdditions(additions: StageAdditions, stage: Stage): Stage {
  const add = additions(stage.name);
  if (add.start.length === 0 && add.end.length === 0) {
    return stage;
  }
  return { ...stage, instructions: [...add.start, ...stage.instructions, ...add.end] };
}

function downloadMounts(model: ProjectModel, ...mounts: RunMount[]): RunMount[] {
  return model.goModules.netrc ? [...mounts, NETRC] : mounts;
}

function depsStage(model: ProjectModel, f: Flavour): Stage {
  const sources = model.goSources;
  const head = [
    Instruction.workdir('/src'),
    ...GO_ENV_ARGS.map((a) => Instruction.arg(a, goEnvDefault(model.goModules, a))),
    Instruction.copy(['go.mod', 'go.sum*'], './'),
  ];
  if (sources.vendored) {
    // go build reads vendor/ (go.mod's go line is 1.14 or later: -mod=vendor is the default)
    return {
      name: f.toolchain.depsStage,
      from: f.image,
      platform: f.platform,
      comment: `${f.comment}\nModules first, in their own layer: vendored (vendor/modules.txt), so nothing is downloaded.`,
      instructions: [...head, Instruction.copy(['vendor/'], './vendor/')],
    };
  }
  const warm = warmUpFor(model, f);
  return {
    name: f.toolchain.depsStage,
    from: f.image,
    platform: f.platform,
    comment: `${f.comment}\nModules first, in their own layer: it is rebuilt only when go.mod or go.sum change.${warm
      ? `\nWhile they download, ${STD_WARM_UP} and what it imports compile for the target as ${warm.name}'s build does, into the build cache.` : ''}`,
    instructions: [
      ...head,
      // modules that a replace directive points at a directory of the repository: the download reads their go.mod
      ...sources.localModules.map((m) => Instruction.copy([`${m}/go.mod`], `./${m}/`)),
      ...(warm ? targetArgs(f) : []),
      Instruction.run(warm ? [
        // outside the module (/), so it reads nothing of go.mod; a warm-up: when it fails, the build compiles it
        `{ cd / && ${targetEnv(warm.cgo).join(' ')} ${goBuildCommand(warm, () => '', '')[0]} ${STD_WARM_UP} || true; } &`,
        'go mod download && wait',
      ].join('\n') : 'go mod download', { mounts: downloadMounts(model, MOD_CACHE, ...(warm ? [BUILD_CACHE] : [])) }),
    ],
  };
}

/**
 * The standard library package the deps stage compiles while the modules download, with what it
 * imports (185 packages on Go 1.26, nearly all of a web service's 208 standard ones): a cold build
 * otherwise downloads first (0.7 s for 19 modules from a near proxy, little CPU) and compiles after.
 * With the environment, flags and build tags of a service's build step, into the same build cache
 * mount, so that build step finds them compiled: measured on the bench service (48 modules), its
 * build step then compiles 112 packages, none of net/http's 185, instead of 184. What it saves is
 * the overlap, at most the download's time on an idle machine; on a loaded one (load 3-4) the cold
 * builds with and without it were within noise (27.5 s and 27.0 s, two each).
 */
const STD_WARM_UP = 'net/http';

/**
 * The service whose build the deps stage of a toolchain compiles the standard library for, while the
 * modules download: its build tags count (`timetzdata` changes the time package, and the 70 packages
 * above it were compiled twice when the warm-up had none: a cold build 4 s slower), so the default
 * service's when it builds with this toolchain, else the first one's; another service with other tags
 * compiles its own. None when nothing downloads (vendored), or when Go said at synthesis that none of
 * the toolchain's services imports net/http (a package no service needs would cost CPU for nothing).
 * Where Go could not say (a new repository, whose samples this synthesis writes, and they serve
 * HTTP), it does, so the next synthesis, which lists the samples, writes the same Dockerfile.
 */
function warmUpFor(model: ProjectModel, f: Flavour): ServiceModel | undefined {
  const sources = model.goSources;
  if (sources.vendored) return undefined;
  const own = model.services.filter((s) => s.cgo === (f.toolchain === TOOLCHAINS.cgo));
  const needs = own.some((s) => {
    const packages = sources.packages.get(s.name) ?? [];
    return !sources.complete || packages.length === 0 || packages.some((p) => p.imports.includes(STD_WARM_UP));
  });
  return needs ? own.find((s) => s.isDefault) ?? own[0] : undefined;
}

/** `ARG TARGETOS`, `ARG TARGETARCH` and, for pure Go, `ARG TARGETVARIANT` (GOARM). */
function targetArgs(f: Flavour): Instruction[] {
  const cgo = f.toolchain === TOOLCHAINS.cgo;
  return ['TARGETOS', 'TARGETARCH', ...(cgo ? [] : ['TARGETVARIANT'])].map((a) => Instruction.arg(a));
}

/** The environment a build for the target platform runs with: cgo or not, and the target's GOOS, GOARCH (and GOARM). */
function targetEnv(cgo: boolean): string[] {
  const env = [cgoEnv({ cgo }), 'GOOS="$TARGETOS"', 'GOARCH="$TARGETARCH"'];
  if (!cgo) {
    env.push('GOARM="${TARGETVARIANT#v}"');
  }
  return env;
}

function builderStage(f: Flavour): Stage {
  return {
    name: f.toolchain.builderStage,
    from: f.toolchain.depsStage,
    comment: 'The source, as far as .dockerignore lets it in.',
    instructions: [Instruction.copy(['.'], '.')],
  };
}

function buildStage(model: ProjectModel, s: ServiceModel, f: Flavour): Stage {
  const ref = (name: string) => `\${${name}}`;
  const env = targetEnv(s.cgo);
  const output = `${ROOTFS}${s.binaryPath}`;
  const build = goBuildCommand(s, ref, output);
  // the probe mounted, not copied: a change of the source runs this one step and nothing else. The
  // file, not its directory: BuildKit keys a mount by the checksum of its source, and a top-level
  // directory had it scan the probe stage's whole root (0.38 s measured, against 0.01 s for the file)
  const probeFile = `/${HEALTH_PROBE_STAGE}/${HEALTH_PROBE_STAGE}`;
  const probe = needsHealthProbe(s) ? [RunMount.bind(probeFile, probeFile, HEALTH_PROBE_STAGE)] : [];
  return {
    name: s.buildStage,
    from: f.toolchain.builderStage,
    comment: `Service ${s.name}: the binary and everything its image adds, assembled under ${ROOTFS}.`,
    instructions: [
      ...targetArgs(f),
      ...stampArgs(),
      Instruction.arg('SOURCE_DATE_EPOCH', STAMP_DEFAULTS.SOURCE_DATE_EPOCH),
      // one step: a change of the source runs one container, not one for the build and one for the rest of the root
      Instruction.run([
        [env.join(' '), ...build, `|| ${BUILD_FAILED}`].join('\n'),
        ...rootfsCommands(s),
      ].join('\n&& '), { mounts: [...downloadMounts(model, MOD_CACHE, BUILD_CACHE), ...probe] }),
    ],
  };
}

/**
 * What a failed `go build` in the image says besides Go's own message: the build context holds only
 * the packages .dockerignore lets in, and a package imported since the last `npx projen` is not there.
 */
const BUILD_FAILED = '{ echo "go build failed. If it says a package is missing: .dockerignore lets in the packages the services import as of the last npx projen; run npx projen after adding one." >&2; exit 1; }';

/** Whether the image carries the health probe (HTTP and TCP checks in images without a shell). */
function needsHealthProbe(s: ServiceModel): boolean {
  const kind = s.healthProbe?.kind;
  return kind === 'http' || kind === 'tcp';
}

/** The stage that builds the health probe once, for every target platform: only Go's standard library, static. */
function healthProbeStage(model: ProjectModel): Stage {
  const source = HEALTH_PROBE_SOURCE.map((l) => `'${l}'`);
  return {
    name: HEALTH_PROBE_STAGE,
    from: model.builderImages.pure,
    platform: '$BUILDPLATFORM',
    comment: 'The health probe of HTTP and TCP health checks: images without a shell or curl can run it. Standard library only, static.',
    instructions: [
      Instruction.workdir(`/${HEALTH_PROBE_STAGE}`),
      Instruction.run(["printf '%s\\n'", ...source.slice(0, -1), `${source[source.length - 1]} > main.go`].join('\n')),
      Instruction.arg('TARGETOS'),
      Instruction.arg('TARGETARCH'),
      Instruction.arg('TARGETVARIANT'),
      Instruction.run(`CGO_ENABLED=0 GOOS="$TARGETOS" GOARCH="$TARGETARCH" GOARM="\${TARGETVARIANT#v}" go build ${GO_BUILD_FLAGS.join(' ')} -ldflags "${STRIP_FLAGS.join(' ')}" -o ${HEALTH_PROBE_STAGE} main.go`),
    ],
  };
}

/** `ARG VERSION=dev` and the other stamp variables, with their fallbacks. */
function stampArgs(): Instruction[] {
  return STAMP_VARIABLES.map((v) => Instruction.arg(v, STAMP_DEFAULTS[v]));
}

/** Shell commands that assemble the rest of the image root, then give every path the commit time. */
function rootfsCommands(s: ServiceModel): string[] {
  const dirs: string[] = [];
  const steps: string[] = [];
  if (needsHealthProbe(s)) {
    dirs.push(`${ROOTFS}${HEALTH_PROBE_PATH.slice(0, HEALTH_PROBE_PATH.lastIndexOf('/'))}`);
    steps.push(`cp /${HEALTH_PROBE_STAGE}/${HEALTH_PROBE_STAGE} ${ROOTFS}${HEALTH_PROBE_PATH}`);
  }
  if (s.certsSource === 'builder') {
    dirs.push(`${ROOTFS}/etc/ssl/certs`);
    steps.push(`cp /etc/ssl/certs/ca-certificates.crt ${ROOTFS}/etc/ssl/certs/ca-certificates.crt`);
  }
  if (s.tzSource === 'zoneinfo-zip') {
    const dir = ZONEINFO_PATH.slice(0, ZONEINFO_PATH.lastIndexOf('/'));
    dirs.push(`${ROOTFS}${dir}`);
    steps.push(`cp "$(go env GOROOT)/lib/time/zoneinfo.zip" ${ROOTFS}${ZONEINFO_PATH}`);
  }
  if (s.writableTmp && s.runtime.isScratch) {
    dirs.push(`${ROOTFS}/tmp`);
    steps.push(`chmod 1777 ${ROOTFS}/tmp`);
  }
  if (s.userName) {
    const [uid, gid] = s.user.split(':');
    dirs.push(`${ROOTFS}/etc`);
    steps.push(`printf '${s.userName}:x:${uid}:${gid}::/nonexistent:/sbin/nologin\\n' > ${ROOTFS}/etc/passwd`);
    steps.push(`printf '${s.userName}:x:${gid}:\\n' > ${ROOTFS}/etc/group`);
  }
  for (const f of s.runtimeFiles) {
    // files and whole directories, read-only for everyone (directories stay searchable)
    dirs.push(`${ROOTFS}${f.destination.slice(0, f.destination.lastIndexOf('/'))}`);
    steps.push(`cp -R ${f.source} ${ROOTFS}${f.destination}`, `chmod -R a-w,a+rX ${ROOTFS}${f.destination}`);
  }
  if (s.workdir) {
    dirs.push(`${ROOTFS}${s.workdir}`);
  }
  // where the service writes: owned by its user, so a named volume mounted there starts writable
  const owned = s.dataDirectories.map((d) => `${ROOTFS}${d.path}`);
  dirs.push(...owned);
  // a directory that another one is inside of needs no mkdir of its own
  const leaves = [...new Set(dirs)].filter((d) => !dirs.some((o) => o !== d && o.startsWith(`${d}/`)));
  const mkdir = leaves.length ? [`mkdir -p ${leaves.join(' ')}`] : [];
  const chown = owned.length ? [`chown ${s.runtime.uid}:${s.runtime.gid} ${owned.join(' ')}`] : [];
  return [...mkdir, ...steps, ...chown, `find ${ROOTFS} -exec touch -h -d "@\${SOURCE_DATE_EPOCH}" {} +`];
}

/** Packages the runtime's package manager installs for this service (Alpine). */
function packagesFor(s: ServiceModel): string[] {
  const pkgs: string[] = [];
  if (s.certsSource === 'package') pkgs.push('ca-certificates');
  if (s.tzSource === 'package') pkgs.push('tzdata');
  return pkgs;
}

/** The instructions of the service's final image after its FROM line. */
function imageInstructions(s: ServiceModel): Instruction[] {
  const out: Instruction[] = [];
  const pkgs = packagesFor(s);
  const install = s.runtime.installCommand;
  if (pkgs.length > 0 && install) {
    out.push(Instruction.run(`${install} ${pkgs.join(' ')}`));
  }
  out.push(Instruction.copy([`${ROOTFS}/`], '/', { from: s.buildStage }));
  if (s.port !== undefined && s.environment[s.portVariable] !== undefined) {
    out.push(Instruction.env(s.portVariable, s.environment[s.portVariable]));
  }
  for (const [k, v] of Object.entries(s.imageEnvironment)) out.push(Instruction.env(k, v));
  if (s.defaultZone) {
    out.push(Instruction.env('TZ', s.defaultZone));
  }
  if (s.tzSource === 'zoneinfo-zip') {
    out.push(Instruction.env('ZONEINFO', ZONEINFO_PATH));
  }
  out.push(
    ...stampArgs(),
    Instruction.label({ ...s.imageLabels }),
    Instruction.user(s.userName ? `${s.userName}:${s.userName}` : s.user),
  );
  if (s.workdir) {
    out.push(Instruction.workdir(s.workdir));
  }
  if (s.port !== undefined) {
    out.push(Instruction.expose(s.port));
  }
  const probe = s.healthProbe;
  if (probe) {
    out.push(Instruction.healthcheck(probe.command, probe));
  }
  out.push(Instruction.entrypoint([s.binaryPath]));
  if (s.command.length > 0) {
    out.push(Instruction.cmd([...s.command]));
  }
  return out;
}

function runtimeStage(s: ServiceModel): Stage {
  const rt = s.runtime;
  return {
    name: s.target,
    from: rt.from,
    comment: `The ${s.name} image (${describe(s)}).${s.isDefault ? ' The default target.' : ''}`,
    instructions: imageInstructions(s),
  };
}

/** The same image with a shell: the runtime's debug variant, or a static busybox under /busybox. */
function debugStage(model: ProjectModel, s: ServiceModel): Stage {
  const rt = s.runtime;
  const needsBusybox = !rt.hasDebugImage && !rt.shell;
  const instructions = imageInstructions(s);
  if (needsBusybox) {
    const busyboxFrom = model.busyboxImage;
    instructions.splice(instructions.findIndex((i) => i.keyword === 'COPY') + 1, 0,
      Instruction.copy(['/busybox/'], '/busybox/', { from: busyboxFrom }),
      Instruction.env('PATH', '/usr/local/bin:/busybox'));
  }
  return {
    name: s.debugTarget,
    from: rt.debugFrom,
    comment: `${s.name} with a shell, for debugging: docker run -it --entrypoint sh <image>.`,
    instructions,
  };
}

function describe(s: ServiceModel): string {
  const parts = [s.runtime.displayName];
  parts.push(s.runtime.nonroot ? `user ${s.user.split(':')[0]}` : 'root');
  parts.push(`CA certificates: ${s.certsSource}`);
  parts.push(`time zones: ${s.tzSource}`);
  if (s.cgo) parts.push('cgo');
  return parts.join(', ');
}

/** The schema migrations of the model's add-ons. */
export function migrationsOf(model: ProjectModel): MigrationsModel[] {
  return model.addons.flatMap((a) => (a.migrations ? [a.migrations] : []));
}

/**
 * The migration tool, built once for every migrations image: golang-migrate at its pinned release
 * from the Go module proxy (the Postgres driver only), and the runner that hands it the database
 * URL from the same `_FILE` secret the services read. Both static, assembled under /rootfs with the
 * CA bundle (a database reached over TLS).
 */
function migrateToolStage(model: ProjectModel): Stage {
  const source = MIGRATE_RUNNER_SOURCE.map((l) => `'${l}'`);
  const target = 'CGO_ENABLED=0 GOOS="$TARGETOS" GOARCH="$TARGETARCH" GOARM="${TARGETVARIANT#v}"';
  const flags = `${GO_BUILD_FLAGS.join(' ')} -ldflags "${STRIP_FLAGS.join(' ')}"`;
  const bin = MIGRATE_TOOL.binary.slice(0, MIGRATE_TOOL.binary.lastIndexOf('/'));
  return {
    name: MIGRATE_TOOL.stage,
    from: model.builderImages.pure,
    platform: '$BUILDPLATFORM',
    comment: `Schema migrations: golang-migrate ${MIGRATE_TOOL.version} (${MIGRATE_TOOL.tags.join(', ')}) from the Go module proxy, and its runner, static.`,
    instructions: [
      Instruction.workdir(`/${MIGRATE_TOOL.stage}`),
      ...GO_ENV_ARGS.map((a) => Instruction.arg(a, goEnvDefault(model.goModules, a))),
      Instruction.run(["printf '%s\\n'", ...source.slice(0, -1), `${source[source.length - 1]} > main.go`].join('\n')),
      Instruction.arg('TARGETOS'),
      Instruction.arg('TARGETARCH'),
      Instruction.arg('TARGETVARIANT'),
      Instruction.run([
        `mkdir -p ${ROOTFS}${bin} ${ROOTFS}/etc/ssl/certs`,
        `${target} go build ${flags} -o ${ROOTFS}${MIGRATE_TOOL.runner} main.go`,
        // a cross-compiled go install lands in $GOPATH/bin/<os>_<arch>/
        `${target} go install ${flags} -tags ${MIGRATE_TOOL.tags.join(',')} ${MIGRATE_TOOL.package}@${MIGRATE_TOOL.version}`,
        `find /go/bin -type f -name migrate -exec cp {} ${ROOTFS}${MIGRATE_TOOL.binary} ';'`,
        `cp /etc/ssl/certs/ca-certificates.crt ${ROOTFS}/etc/ssl/certs/`,
      ].join('\n&& '), { mounts: downloadMounts(model, MOD_CACHE, BUILD_CACHE) }),
    ],
  };
}

/** The file watcher of `make dev` (air), at its pinned release from the Go module proxy, static: one build for every development image. */
function devToolStage(model: ProjectModel): Stage {
  const target = 'CGO_ENABLED=0 GOOS="$TARGETOS" GOARCH="$TARGETARCH" GOARM="${TARGETVARIANT#v}"';
  return {
    name: DEV_TOOL.stage,
    from: model.builderImages.pure,
    platform: '$BUILDPLATFORM',
    comment: `make dev: air ${DEV_TOOL.version} from the Go module proxy, which rebuilds a service in its running development container when its Go code changes.`,
    instructions: [
      ...GO_ENV_ARGS.map((a) => Instruction.arg(a, goEnvDefault(model.goModules, a))),
      Instruction.arg('TARGETOS'),
      Instruction.arg('TARGETARCH'),
      Instruction.arg('TARGETVARIANT'),
      Instruction.run([
        `${target} go install ${GO_BUILD_FLAGS.join(' ')} -ldflags "${STRIP_FLAGS.join(' ')}" ${DEV_TOOL.package}@${DEV_TOOL.version}`,
        // a cross-compiled go install lands in $GOPATH/bin/<os>_<arch>/ (and cp fails when nothing was built)
        `mkdir -p ${DEV_TOOL.binary.slice(0, DEV_TOOL.binary.lastIndexOf('/'))}`,
        `cp "$(find /go/bin -type f -name air)" ${DEV_TOOL.binary}`,
      ].join('\n&& '), { mounts: downloadMounts(model, MOD_CACHE, BUILD_CACHE) }),
    ],
  };
}

/**
 * The development image of `make dev` for one toolchain: its builder image, the modules in the image
 * (compose runs it offline: GOPROXY=off), the file watcher, and the directories its servers write in
 * the container (the binary's, the build cache volume's, the data directories) writable by any user.
 * Compose mounts the repository read-only at /src; the image holds no source.
 */
function devStage(model: ProjectModel, f: Flavour, servers: ServiceModel[]): Stage {
  const writable = [...new Set([
    DEV_BUILD_CACHE,
    ...servers.map((s) => s.binaryPath.slice(0, s.binaryPath.lastIndexOf('/')) || '/'),
    ...servers.flatMap((s) => s.dataDirectories.map((d) => d.path)),
    ...servers.flatMap((s) => (s.workdir ? [s.workdir] : [])),
  ])].sort();
  const steps: string[] = [];
  if (!model.goSources.vendored) {
    // the modules the deps stage downloaded, from its cache mount (a file:// proxy), into this image
    steps.push(`GOFLAGS= GOPROXY="file://${DEV_MOD_CACHE}/cache/download,\${GOPROXY:-https://proxy.golang.org,direct}" go mod download`);
  }
  steps.push(`mkdir -p ${writable.join(' ')}`, `chmod 1777 ${writable.join(' ')}`);
  return {
    name: f.toolchain.devStage,
    from: f.toolchain.depsStage,
    comment: `make dev (${servers.map((s) => s.name).join(', ')}): the toolchain, the modules and the file watcher; compose mounts the repository at /src.`,
    instructions: [
      ...GO_ENV_ARGS.map((a) => Instruction.arg(a, goEnvDefault(model.goModules, a))),
      Instruction.copy([DEV_TOOL.binary], DEV_TOOL.binary, { from: DEV_TOOL.stage }),
      ...(servers.some(needsHealthProbe) ? [Instruction.copy([`/${HEALTH_PROBE_STAGE}/${HEALTH_PROBE_STAGE}`], HEALTH_PROBE_PATH, { from: HEALTH_PROBE_STAGE })] : []),
      Instruction.run(steps.join('\n&& '), { mounts: downloadMounts(model, RunMount.cache(DEV_MOD_CACHE, { id: MOD_CACHE_PATH })) }),
      Instruction.env('GOFLAGS', '${GOFLAGS}'),
      Instruction.env('GOPROXY', 'off'),
      Instruction.env('GOCACHE', DEV_BUILD_CACHE),
      Instruction.env('GOTOOLCHAIN', 'local'),
      Instruction.env('GOTELEMETRY', 'off'),
      Instruction.env('HOME', '/tmp'),
    ],
  };
}

/** The image that runs one add-on's migrations: the tool, the runner and the SQL files on scratch, non-root. */
function migrationsStage(m: MigrationsModel): Stage {
  return {
    name: m.service,
    from: 'scratch',
    comment: `The ${m.database} migrations (${m.directory}/), run before ${m.services.join(', ')} start: docker compose run --rm ${m.service} [up | down 1 | version].`,
    instructions: [
      Instruction.copy([`${ROOTFS}/`], '/', { from: MIGRATE_TOOL.stage }),
      Instruction.copy([`${m.directory}/`], `${MIGRATE_TOOL.path}/`),
      Instruction.user(m.user),
      Instruction.entrypoint([MIGRATE_TOOL.runner, m.urlVariable, MIGRATE_TOOL.path]),
      Instruction.cmd([...m.command]),
    ],
  };
}
