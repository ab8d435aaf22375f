import type { GoModuleSettings } from '../go-modules';

/** The build args that carry the Go module settings into the builder (the `go env` names). */
export const GO_ENV_ARGS = ['GOPROXY', 'GOSUMDB', 'GONOSUMDB', 'GOPRIVATE', 'GOFLAGS'] as const;
export type GoEnvArg = typeof GO_ENV_ARGS[number];

/** The value the settings give a Go module build arg, if any (else the machine's `go env` decides). */
export function goEnvDefault(settings: GoModuleSettings, arg: GoEnvArg): string | undefined {
  return settings[arg.toLowerCase() as keyof Omit<GoModuleSettings, 'netrc'>];
}
