/**
 * The pipeline every generated repository runs, as plain data: which workflows are generated, what
 * they pin, where releases go and who signs them. The workflows (src/files/workflows.ts), the
 * Makefile's pipeline section (src/files/makefile-pipeline.ts), the Renovate config and the README
 * all read it from here: one fact, one place.
 */

/** A third-party action, pinned by commit, with the release the commit is. */
export interface ActionPin {
  /** `owner/repo` (or `owner/repo/path`). */
  readonly action: string;
  /** The release the commit is, such as `v5.0.0`: the version comment. */
  readonly version: string;
  /** The full commit SHA the workflows use. */
  readonly commit: string;
}

/** A tool `make tools` installs into bin/ with `go install <package>@<version>`. */
export interface ToolPin {
  /** The binary's name in bin/ and the make variable's stem (`COSIGN` → `COSIGN_VERSION`). */
  readonly name: string;
  /** The package `go install` builds. */
  readonly goPackage: string;
  readonly version: string;
}

/**
 * The actions the workflows use, by `owner/repo`, each pinned to the commit of a release. A repository
 * pins others in .projenrc.ts (`ci: { actionPins: { 'actions/checkout@v5.0.0': '<sha>' } }`), where
 * Renovate keeps them current; these are the defaults.
 */
export const ACTION_PINS: readonly ActionPin[] = [
  { action: 'actions/checkout', version: 'v5.0.0', commit: '08c6903cd8c0fde910a37f88322edcfb5dd907a8' },
  { action: 'actions/setup-go', version: 'v6.0.0', commit: '44694675825211faa026b3c33043df3e48a5fa00' },
  { action: 'actions/setup-node', version: 'v6.0.0', commit: '2028fbc5c25fe9cf00d9f06a71cc4710d4507903' },
  { action: 'docker/setup-qemu-action', version: 'v3.6.0', commit: '29109295f81e9208d7d86ff1c6c12d2833863392' },
  { action: 'docker/setup-buildx-action', version: 'v3.11.1', commit: 'e468171a9de216ec08956ac3ada2f0791b6bd435' },
  { action: 'docker/login-action', version: 'v3.6.0', commit: '5e57cd118135c172c3672efd75eb46360885c0ef' },
  { action: 'peter-evans/create-pull-request', version: 'v7.0.8', commit: '271a8d0340265f705b14b6d32b9829c1cb33d45e' },
];

/**
 * The tools `make tools` installs (from the Go module proxy, at these versions): cosign signs and
 * verifies, syft writes the SBOM (the Go modules from each binary's build info and the base image's
 * packages).
 */
export const TOOL_PINS: readonly ToolPin[] = [
  { name: 'cosign', goPackage: 'github.com/sigstore/cosign/v2/cmd/cosign', version: 'v2.6.5' },
  { name: 'syft', goPackage: 'github.com/anchore/syft/cmd/syft', version: 'v1.57.2' },
];

/** The OIDC issuer of GitHub Actions' tokens: what a keyless signature made in CI names. */
export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

/** The workflows the pipeline generates, by file stem. */
export type WorkflowName = 'build' | 'release' | 'upgrade';

/** What the renderers read of the pipeline (present when the project has one: `ci: true`). */
export interface PipelineModel {
  /**
   * The workflows generated, by name; a workflow the repository already had (one projen did not
   * write) is left alone and missing here.
   */
  readonly workflows: readonly WorkflowName[];
  /** The workflows the repository already has and keeps (left alone), by file. */
  readonly keptWorkflows: readonly string[];
  /** What publishes a release: a `v*` tag, or every push to the main branch. */
  readonly releaseOn: 'tags' | 'main';
  /** The branch pull requests target and releases come from. */
  readonly mainBranch: string;
  /** The registry the release workflow pushes to (`ghcr.io/acme`, may hold `${{ }}` expressions). */
  readonly registry: string;
  /** The keyless signing identity `make verify` accepts in CI: a regular expression on the certificate's subject. */
  readonly signingIdentity: string;
  /** The OIDC issuer of that identity. */
  readonly signingIssuer: string;
  /** The cron of upgrade.yml. */
  readonly upgradeSchedule: string;
  /** The npm packages upgrade.yml bumps before `npx projen` (this package, or the organisation's template). */
  readonly templatePackages: readonly string[];
  /** The Node.js major the workflows run projen with. */
  readonly nodeVersion: string;
  /** The CI secret that holds the `.netrc` of private modules (when goModules.netrc). */
  readonly netrcSecret: string;
  /** The actions, pinned. */
  readonly actions: readonly ActionPin[];
  /** The tools `make tools` installs. */
  readonly tools: readonly ToolPin[];
}

/** `owner/repo@<sha>` of an action the pipeline pins; throws for one it does not (a renderer bug). */
export function usesOf(pipeline: PipelineModel, action: string): string {
  const pin = pipeline.actions.find((a) => a.action === action);
  if (!pin) throw new Error(`the pipeline pins no commit of ${action}: add it to ACTION_PINS`);
  return `${pin.action}@${pin.commit}`;
}

/** An action pin as .projenrc.ts writes it, `owner/repo@v1.2.3` → commit: the form Renovate updates. */
export const ACTION_PIN_KEY = /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_./-]+)?)@(v?\d+(?:\.\d+)*)$/;

/** A full commit SHA. */
export const COMMIT_SHA = /^[0-9a-f]{40}$/;
