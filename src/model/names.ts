import { DEV_TOOL } from './dev-loop';
import { BUILD_STAGE_PREFIX, DEBUG_TARGET_SUFFIX, TOOLCHAIN_STAGES, TOOLCHAINS } from './go-build';
import { HEALTH_PROBE_STAGE } from './health-probe';
import { MIGRATE_TOOL } from './migrations';
import { OptionProblem } from './problems';

/** A service name: it names cmd/<name>, a Dockerfile stage, a compose service and Makefile targets. */
export const SERVICE_NAME = /^(?=.{1,40}$)[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Why a name cannot name a service, by what it would collide with. */
export interface Reserved {
  test(name: string): boolean;
  why(name: string): string;
}

/** The names the Dockerfile gives its own stages (the Makefile's are checked by the project). */
export const RESERVED_SERVICE_NAMES: Reserved[] = [
  {
    test: (n) => TOOLCHAIN_STAGES.includes(n),
    why: (n) => `"${n}" is the name of a builder stage in the Dockerfile`,
  },
  {
    // the pure toolchain's development stage is `dev`, which the Makefile's own target reserves first
    test: (n) => ([DEV_TOOL.stage, TOOLCHAINS.cgo.devStage, HEALTH_PROBE_STAGE, MIGRATE_TOOL.stage] as string[]).includes(n),
    why: (n) => `"${n}" is the name of the Dockerfile stage that builds a tool the images use`,
  },
  {
    test: (n) => n.startsWith(BUILD_STAGE_PREFIX),
    why: (n) => `"${n}" would collide with the Dockerfile stage that builds service "${n.slice(BUILD_STAGE_PREFIX.length)}"`,
  },
  {
    // build-all, docker-build-all... would read as "every service"
    test: (n) => n === 'all',
    why: () => '"all" would name targets such as build-all and docker-build-all that build one service while they read as every service',
  },
  {
    test: (n) => n.endsWith(DEBUG_TARGET_SUFFIX),
    why: (n) => `"${n}" would collide with the debug target of service "${n.slice(0, -DEBUG_TARGET_SUFFIX.length)}"`,
  },
];

/** A Linux platform Go images are built for. */
const PLATFORM = /^linux\/(amd64|arm64|arm\/v6|arm\/v7|386|ppc64le|s390x|riscv64)$/;

/** Problems with a `platforms` list, if one is given. */
export function platformProblems(platforms: string[] | undefined): OptionProblem[] {
  if (platforms === undefined) return [];
  if (!Array.isArray(platforms) || platforms.length === 0) {
    return [{ option: 'platforms', what: 'the list is empty', fix: 'Name at least one platform, such as "linux/amd64", or leave platforms unset' }];
  }
  return platforms.filter((p) => typeof p !== 'string' || !PLATFORM.test(p)).map((p) => ({
    option: 'platforms',
    what: `${JSON.stringify(p)} is not a Linux platform Go images are built for`,
    fix: 'Use os/arch such as "linux/amd64" or "linux/arm64"',
  }));
}

/** The variable (make, and compose's environment) that holds a service's image name: `HELLO_WORLD_IMAGE`. */
export function imageVariable(service: { readonly name: string }): string {
  return `${service.name.toUpperCase().replace(/-/g, '_')}_IMAGE`;
}

/**
 * The Makefile's own targets that do not belong to one service (`build`, `test`, `compose-up`, ...),
 * in the order the Makefile renders them, whether or not the current model needs them: no service
 * may take one of these names.
 */
export const MAKE_TARGET_FAMILIES = [
  'help', 'build', 'test', 'vet', 'fmt', 'lint', 'tidy', 'vuln', 'run', 'docker-build', 'docker-buildx', 'docker-run',
  'docker-push', 'image-size', 'secrets', 'migrate-new', 'migrate-up', 'migrate-down', 'dev', 'compose-up', 'compose-ps', 'compose-down', 'compose-logs', 'k8s-secrets',
  'k8s-apply', 'k8s-diff', 'k8s-delete', 'clean', 'drift', 'ci', 'tools', 'release', 'verify',
] as const;

/** A Makefile target family: its aggregate target's name. */
export type MakeTargetFamily = typeof MAKE_TARGET_FAMILIES[number];

/** Why a service cannot take a name the Makefile gives its own targets, if it cannot. */
export function makeTargetCollision(name: string): string | undefined {
  return (MAKE_TARGET_FAMILIES as readonly string[]).includes(name) ? `"${name}" is a Makefile target of its own, and make ${name} would not mean this service` : undefined;
}

/** The families that also have a target per service, `<family>-<service>` (`docker-build-api`). */
export const PER_SERVICE_TARGET_FAMILIES: readonly MakeTargetFamily[] = ['build', 'run', 'docker-build', 'docker-buildx', 'docker-run', 'docker-push', 'release', 'verify'];

/**
 * Every name the Makefile may give a target of its own for these services (whether or not the model
 * needs it now): what `makefileRenames` may rename.
 */
export function generatedMakeTargetNames(services: readonly string[]): string[] {
  return [...MAKE_TARGET_FAMILIES, ...PER_SERVICE_TARGET_FAMILIES.flatMap((f) => services.map((s) => `${f}-${s}`))];
}

/** A make target name the Makefile can render and `make <name>` can run. */
export const MAKE_TARGET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;
