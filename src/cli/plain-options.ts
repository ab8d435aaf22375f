/**
 * The options of GoServiceProject that `set` writes: the plain ones (a string, a number or a
 * boolean). The rest (runtime, certs, tz, lists, maps) are code: write them in `.projenrc.ts`.
 * test/cli/plain-options.test.ts checks this list against GoServiceProjectOptions.
 */
export const PLAIN_OPTIONS: { readonly [option: string]: 'string' | 'number' | 'boolean' } = {
  name: 'string',
  modulePath: 'string',
  goVersion: 'string',
  goDirective: 'string',
  port: 'number',
  server: 'boolean',
  portVariable: 'string',
  portArgument: 'string',
  portVariableValue: 'string',
  portInEnvironment: 'boolean',
  workdir: 'string',
  cgo: 'boolean',
  mainPackage: 'string',
  writableTmp: 'boolean',
  userName: 'string',
  imageName: 'string',
  imageVariable: 'string',
  imageTagVariable: 'string',
  imageSizeBudgetMiB: 'number',
  registryMirror: 'string',
  builderDigest: 'string',
  cgoBuilderDigest: 'string',
  sourceUrl: 'string',
  securityNotesFile: 'string',
  dockerfileSyntax: 'string',
  renovate: 'boolean',
  ci: 'boolean',
  kubernetes: 'boolean',
};

/**
 * Plain options of GoServiceProjectOptions that `set` leaves alone: projen's own (where files go,
 * how projen runs, its rc files) and `projenrcTs`, which would take `.projenrc.ts` itself away.
 */
export const NOT_SETTABLE = ['projenrcTs', 'projenrcJson', 'outdir', 'commitGenerated', 'projenCommand', 'renovatebot', 'projectTree'];
