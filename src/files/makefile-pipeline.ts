import type { ProjectModel, ServiceModel } from '../model/model';
import type { MakeTargetFamily } from '../model/names';
import type { PipelineModel, ToolPin } from '../model/pipeline';

/**
 * The Makefile's pipeline section (with `ci: true`): the targets the workflows call, so a laptop runs
 * the same pipeline as CI and the pipeline ports to another CI.
 * - `ci`: the drift check, go vet, go test -race, every image;
 * - `drift`: `npx projen`, then fails naming every file that changed (a hand-edited generated file,
 *   or a .projenrc.ts change nobody synthesized);
 * - `tools`: cosign and syft into bin/, from the Go module proxy at pinned versions;
 * - `release`: every image pushed for its platforms with SLSA provenance (BuildKit) and file times
 *   rewritten to the commit time, then an SBOM (syft) attested and the image signed (cosign:
 *   keyless in CI, COSIGN_KEY on a laptop);
 * - `verify`: the signature and the attestations of every pushed image.
 * Part of the Makefile renderer (makefile.ts renders these families with its own).
 */

/** What one target does (the shape makefile.ts renders). */
interface Body {
  readonly description: string;
  readonly recipe?: string[];
  readonly prerequisites?: string[];
}

/** A family of targets, as makefile.ts renders them. */
interface Family {
  readonly name: MakeTargetFamily;
  when?(model: ProjectModel): boolean;
  aggregate(model: ProjectModel): Body;
  each?(model: ProjectModel, service: ServiceModel): Body;
}

/** Where `make release` writes what it learns of each push (build metadata, SBOMs). */
export const RELEASE_DIR = 'bin/release';

const hasPipeline = (m: ProjectModel) => m.pipeline !== undefined;
const img = (s: ServiceModel) => `$(${s.imageVariable})`;
const toolVariable = (t: ToolPin) => t.name.toUpperCase();

/** cosign's key flags: a key file on a laptop (no public transparency log), else keyless (OIDC, in CI). */
const SIGN_KEY = '$(if $(COSIGN_KEY),--key $(COSIGN_KEY) --tlog-upload=false)';
const VERIFY_KEY = '$(if $(COSIGN_PUB),--key $(COSIGN_PUB) --insecure-ignore-tlog=true,--certificate-identity-regexp "$(COSIGN_IDENTITY)" --certificate-oidc-issuer "$(COSIGN_ISSUER)")';

const NEED_REGISTRY = (target: string) => `@test -n "$(REGISTRY)" || { echo "${target}: set REGISTRY, e.g. make ${target} REGISTRY=ghcr.io/acme"; exit 1; }`;
const NEED_IDENTITY = '@test -n "$(COSIGN_PUB)$(COSIGN_IDENTITY)" || { echo "verify: set COSIGN_PUB (the public key of COSIGN_KEY) or COSIGN_IDENTITY (the keyless signer, a regular expression)"; exit 1; }';

/** The platforms a service's release is built for: PLATFORMS, its own list, or the native one (cgo). */
function platformFlag(m: ProjectModel, s: ServiceModel): string {
  const list = s.platforms?.join(',');
  if (list === undefined) return '';
  return ` --platform ${list === m.platforms.join(',') ? '$(PLATFORMS)' : list}`;
}

/** The image digest buildx wrote to a metadata file. */
function digestOf(metadata: string): string {
  return `$$(sed -n 's/.*"containerimage.digest": *"\\(sha256:[a-f0-9]*\\)".*/\\1/p' ${metadata})`;
}

/**
 * The drift check, as projen's anti-tamper step does it: synthesize, then fail naming every file the
 * synthesis changed, added or removed (every file git sees: committed, or new and not ignored).
 */
const DRIFT_RECIPE = [
  '@[ -d node_modules ] || { if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi; } >/dev/null',
  '@sums() { git ls-files -z --cached --others --exclude-standard | xargs -0 sha256sum 2>/dev/null | LC_ALL=C sort; }; \\',
  'before=$$(sums); \\',
  '$(PROJEN) >/dev/null || exit 1; \\',
  'changed=$$(printf \'%s\\n%s\\n\' "$$before" "$$(sums)" | LC_ALL=C sort | uniq -u | sed \'s/^[0-9a-f]*  //\' | LC_ALL=C sort -u); \\',
  'if [ -n "$$changed" ]; then \\',
  '  echo "drift: these files are not what .projenrc.ts generates (a generated file was edited by hand, or .projenrc.ts changed without npx projen):" >&2; \\',
  '  printf \'  %s\\n\' $$changed >&2; \\',
  '  echo "drift: run npx projen and commit the result (a change to a generated file belongs in .projenrc.ts)." >&2; \\',
  '  exit 1; \\',
  'fi; \\',
  'echo "drift: every generated file is what .projenrc.ts generates"',
];

/** The pipeline's targets, in order, after the Makefile's own. */
export const PIPELINE_FAMILIES: readonly Family[] = [
  {
    name: 'drift',
    when: hasPipeline,
    aggregate: () => ({ description: 'Fail naming every generated file that is not what .projenrc.ts generates', recipe: DRIFT_RECIPE }),
  },
  {
    name: 'ci',
    when: hasPipeline,
    aggregate: () => ({
      description: 'What CI runs: the drift check, go vet, go test -race, every image',
      prerequisites: ['drift', 'vet', 'docker-build'],
      // the race detector needs cgo, whatever the services build with
      recipe: ['CGO_ENABLED=1 $(GO) test -race ./...'],
    }),
  },
  {
    name: 'tools',
    when: hasPipeline,
    aggregate: (m) => ({
      description: `Install ${m.pipeline!.tools.map((t) => t.name).join(' and ')} into bin/ (pinned, from the Go module proxy)`,
      recipe: m.pipeline!.tools.map((t) =>
        // the version go install built, from the binary's build info
        `@$(GO) version -m $(${toolVariable(t)}) 2>/dev/null | awk '$$1 == "mod" { print $$3 }' | grep -qx '$(${toolVariable(t)}_VERSION)' || ` +
        `{ echo "tools: go install ${t.goPackage}@$(${toolVariable(t)}_VERSION)"; GOBIN=$(CURDIR)/bin CGO_ENABLED=0 $(GO) install ${t.goPackage}@$(${toolVariable(t)}_VERSION); }`),
    }),
  },
  {
    name: 'release',
    when: hasPipeline,
    aggregate: () => ({ description: 'Push, attest (SBOM, provenance) and sign every image: make release REGISTRY=...' }),
    each: (m, s) => {
      const metadata = `${RELEASE_DIR}/${s.name}.json`;
      const sbom = `${RELEASE_DIR}/${s.name}.spdx.json`;
      return {
        description: `Push the ${s.name} image for its platforms with provenance and an SBOM, signed`,
        prerequisites: ['tools'],
        recipe: [
          NEED_REGISTRY('release'),
          `@mkdir -p ${RELEASE_DIR}`,
          // provenance by BuildKit; every file time rewritten to SOURCE_DATE_EPOCH: the same commit, the same image
          `$(DOCKER) buildx build${platformFlag(m, s)} $(DOCKER_BUILD_ARGS) --target ${s.target} --provenance=mode=max ` +
            `--output type=image,name=${img(s)}:$(${m.imageTagVariable}),push=true,rewrite-timestamp=true$(RELEASE_OUTPUT) --metadata-file ${metadata} .`,
          `@digest=${digestOf(metadata)}; test -n "$$digest" || { echo "release: buildx wrote no image digest to ${metadata}"; exit 1; }; \\`,
          `echo "release: ${img(s)}@$$digest"; \\`,
          `$(SYFT) scan -q registry:${img(s)}@$$digest -o spdx-json=${sbom} && \\`,
          `$(COSIGN) attest --yes ${SIGN_KEY} $(COSIGN_FLAGS) --type spdxjson --predicate ${sbom} ${img(s)}@$$digest && \\`,
          `$(COSIGN) sign --yes ${SIGN_KEY} $(COSIGN_FLAGS) ${img(s)}@$$digest`,
        ],
      };
    },
  },
  {
    name: 'verify',
    when: hasPipeline,
    aggregate: () => ({ description: 'Check the signature and attestations of every pushed image: make verify REGISTRY=...' }),
    each: (m, s) => ({
      description: `Check the signature, SBOM and provenance of the pushed ${s.name} image`,
      prerequisites: ['tools'],
      recipe: [
        NEED_REGISTRY('verify'),
        NEED_IDENTITY,
        `$(COSIGN) verify ${VERIFY_KEY} $(COSIGN_FLAGS) ${img(s)}:$(${m.imageTagVariable}) >/dev/null || ` +
          `{ echo "verify: ${img(s)}:$(${m.imageTagVariable}) carries no signature of this signer: unsigned, altered, or pushed again under its tag"; exit 1; }`,
        `$(COSIGN) verify-attestation ${VERIFY_KEY} $(COSIGN_FLAGS) --type spdxjson ${img(s)}:$(${m.imageTagVariable}) >/dev/null || ` +
          `{ echo "verify: ${img(s)}:$(${m.imageTagVariable}) carries no SBOM attested by this signer"; exit 1; }`,
        `@$(DOCKER) buildx imagetools inspect ${img(s)}:$(${m.imageTagVariable}) --format '{{json .Provenance}}' | grep -q '"buildType"' || ` +
          `{ echo "verify: ${img(s)}:$(${m.imageTagVariable}) carries no SLSA provenance attestation"; exit 1; }`,
        `@echo "verify: ${img(s)}:$(${m.imageTagVariable}) is signed, with its SBOM and provenance"`,
      ],
    }),
  },
];

/** The Makefile variables of the pipeline: name, value, comment. */
export function pipelineVariables(p: PipelineModel | undefined): Array<[string, string, string?]> {
  if (!p) return [];
  return [
    ['PROJEN', 'npx projen', 'the pipeline: make ci, release, verify, tools'],
    ...p.tools.flatMap((t): Array<[string, string, string?]> => [
      [toolVariable(t), `$(CURDIR)/bin/${t.name}`],
      [`${toolVariable(t)}_VERSION`, t.version],
    ]),
    ['COSIGN_KEY', '', 'sign with a key file (laptop); empty: keyless, with the CI workflow\'s OIDC identity'],
    ['COSIGN_PUB', '', 'verify with a public key; empty: the keyless identity below'],
    ['COSIGN_IDENTITY', '', 'the keyless signer make verify accepts, a regular expression'],
    ['COSIGN_ISSUER', p.signingIssuer],
    ['COSIGN_FLAGS', '', 'e.g. --allow-insecure-registry'],
    ['RELEASE_OUTPUT', '', 'more buildx image output options for make release, e.g. ,registry.insecure=true'],
  ];
}
