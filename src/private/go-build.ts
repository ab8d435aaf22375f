import type { GoService } from '../go-service';

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

/** Flags every build gets: reproducible paths, no VCS stamping (the ldflags carry version and commit). */
export const GO_BUILD_FLAGS = ['-trimpath', '-buildvcs=false'];

/** How a renderer spells a reference to a variable: `${VERSION}` in a Dockerfile, `$(VERSION)` in make. */
export type VariableRef = (name: StampVariable) => string;

/** `-s -w -X main.version=... -X main.commit=... -X main.date=...` plus the service's own flags. */
export function ldflags(service: GoService, ref: VariableRef): string {
  return [
    '-s', '-w',
    `-X main.version=${ref('VERSION')}`,
    `-X main.commit=${ref('COMMIT')}`,
    `-X main.date=${ref('DATE')}`,
    ...service.extraLinkerFlags,
  ].join(' ');
}

/** `CGO_ENABLED=0|1`. */
export function cgoEnv(service: GoService): string {
  return `CGO_ENABLED=${service.cgo ? 1 : 0}`;
}

/**
 * The `go build` command line (without environment) writing the binary to `output`.
 */
export function goBuildCommand(service: GoService, ref: VariableRef, output: string, goCommand = 'go'): string[] {
  const tags = service.buildTags;
  return [
    `${goCommand} build ${GO_BUILD_FLAGS.join(' ')}${tags.length ? ` -tags ${tags.join(',')}` : ''}`,
    `-ldflags "${ldflags(service, ref)}"`,
    `-o ${output} ${service.mainPackage}`,
  ];
}
