import { GO_ENV_ARGS } from './go-env';
import type { VersionVariables } from '../service-files';

/**
 * The one definition of how a service's binary is built. The Dockerfile and the Makefile both render
 * their `go build` from here, each with its own way of referring to a variable.
 */

/** The build-time facts stamped into the binary, by the name of the variable that carries them. */
export const STAMP_VARIABLES = ['VERSION', 'COMMIT', 'DATE'] as const;
export type StampVariable = typeof STAMP_VARIABLES[number];

/** Fallbacks for when there is no git history: also the Dockerfile's ARG defaults. */
export const STAMP_DEFAULTS: Record<StampVariable | 'SOURCE_DATE_EPOCH', string> = {
  VERSION: 'dev',
  COMMIT: 'unknown',
  DATE: '1970-01-01T00:00:00Z',
  SOURCE_DATE_EPOCH: '0',
};

/**
 * Every build arg an image build takes, in order: the stamp, the commit time (reproducible files)
 * and the Go module settings. The Dockerfile declares them, compose passes them through, the
 * Makefile sets them.
 */
export const BUILD_ARGS: readonly string[] = [...STAMP_VARIABLES, 'SOURCE_DATE_EPOCH', ...GO_ENV_ARGS];

/**
 * Flags every build gets: reproducible paths, no VCS stamping (the ldflags carry version and commit),
 * and no DWARF from the compiler, which the linker's `-w` would drop anyway (a quarter less compile
 * CPU on a cold build of 48 modules, measured; stack traces are the same, and `go version -m` lists
 * the flag). A `-gcflags` of your own in `GOFLAGS` is overridden by it: pass it on the command line.
 */
export const GO_BUILD_FLAGS = ['-trimpath', '-buildvcs=false', '-gcflags=all=-dwarf=false'];

/** Linker flags every build gets: no symbol table, no DWARF (a smaller binary). */
export const STRIP_FLAGS = ['-s', '-w'];

/** How a renderer spells a reference to a variable: `${VERSION}` in a Dockerfile, `$(VERSION)` in make. */
export type VariableRef = (name: StampVariable) => string;

/** What `ldflags` and `goBuildCommand` read of a service. */
export interface BuildFacts {
  readonly cgo: boolean;
  readonly mainPackage: string;
  readonly buildTags: string[];
  readonly extraLinkerFlags: string[];
  /** The variables stamped with VERSION, COMMIT and DATE. */
  readonly versionVariables: VersionVariables;
}

/** `-s -w -X main.version=... -X main.commit=... -X main.date=...` plus the service's own flags. */
export function ldflags(service: BuildFacts, ref: VariableRef): string {
  const v = service.versionVariables;
  return [
    ...STRIP_FLAGS,
    `-X ${v.version}=${ref('VERSION')}`,
    `-X ${v.commit}=${ref('COMMIT')}`,
    `-X ${v.date}=${ref('DATE')}`,
    ...service.extraLinkerFlags,
  ].join(' ');
}

/** `CGO_ENABLED=0|1`. */
export function cgoEnv(service: Pick<BuildFacts, 'cgo'>): string {
  return `CGO_ENABLED=${service.cgo ? 1 : 0}`;
}

/**
 * The `go build` command line (without environment) writing the binary to `output`.
 */
export function goBuildCommand(service: BuildFacts, ref: VariableRef, output: string, goCommand = 'go'): string[] {
  const tags = service.buildTags;
  return [
    `${goCommand} build ${GO_BUILD_FLAGS.join(' ')}${tags.length ? ` -tags ${tags.join(',')}` : ''}`,
    `-ldflags "${ldflags(service, ref)}"`,
    `-o ${output} ${service.mainPackage}`,
  ];
}

/**
 * A toolchain flavour of the Dockerfile: pure Go (cross-compiles from the build platform) or cgo
 * (gcc and glibc, on the target platform). Each has a dependency stage and a builder stage.
 */
export interface Toolchain {
  /** The stage that downloads modules. */
  readonly depsStage: string;
  /** The stage with the source, which the services' build stages start from. */
  readonly builderStage: string;
  /** The development image of `make dev`: the toolchain, the modules and the file watcher; the source is mounted. */
  readonly devStage: string;
  /** The suffix of the builder image tag: `golang:<goVersion>-<suffix>`. */
  readonly imageFlavour: string;
}

/** The two toolchains, by whether they build with cgo. */
export const TOOLCHAINS: { readonly pure: Toolchain; readonly cgo: Toolchain } = {
  pure: { depsStage: 'deps', builderStage: 'builder', devStage: 'dev', imageFlavour: 'alpine' },
  cgo: { depsStage: 'deps-cgo', builderStage: 'builder-cgo', devStage: 'dev-cgo', imageFlavour: 'bookworm' },
};

/** The toolchain a service builds with. */
export function toolchainFor(cgo: boolean): Toolchain {
  return cgo ? TOOLCHAINS.cgo : TOOLCHAINS.pure;
}

/** The Dockerfile stages the toolchains name. */
export const TOOLCHAIN_STAGES: readonly string[] = [TOOLCHAINS.pure, TOOLCHAINS.cgo].flatMap((t) => [t.depsStage, t.builderStage]);

/** The prefix of the stage that builds a service: `build-<service>`. */
export const BUILD_STAGE_PREFIX = 'build-';

/** The suffix of a service's image target with a shell: `<service>-debug`. */
export const DEBUG_TARGET_SUFFIX = '-debug';
