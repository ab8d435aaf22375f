/**
 * The facts Acme's platform team maintains. A new version of this package that changes them (a new
 * digest pin, a label, a Makefile target) reaches every service repo with
 *   npm install @acme/go-service@<new> && npx projen
 */
export const ACME = {
  /** Every image comes through Acme's registry mirror. */
  registryMirror: 'registry.acme.example/mirror',

  /** The pinned base images: Renovate (regex manager) keeps these digests current. */
  imageDigests: {
    'golang:1.26-alpine': 'sha256:9b8b1d5d6f8a2b1fb1c3e1e0a7d0b1c0f6c8e2a3b4c5d6e7f8091a2b3c4d5e6f',
    'gcr.io/distroless/static-debian13:nonroot': 'sha256:4f8c5d3a2b1e0f9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d',
    'redis:8.2-alpine': 'sha256:0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e5d6c7b8a9f0e1d',
  } as { [image: string]: string },

  /** OCI labels on every image. */
  labels: {
    'org.opencontainers.image.vendor': 'Acme Corp',
    'org.opencontainers.image.licenses': 'LicenseRef-Acme-Proprietary',
  } as { [key: string]: string },

  /** Where service repos live, for the source label. */
  sourceUrl: (name: string) => `https://git.acme.example/services/${name}`,

  /**
   * Acme's module proxy serves public and private modules; private ones are not in the public
   * checksum database. (GOPRIVATE would send private modules around the proxy, straight to git.)
   * Credentials come from ~/.netrc, as a BuildKit secret.
   */
  goModules: {
    goproxy: 'https://goproxy.acme.example,https://proxy.golang.org,direct',
    gonosumdb: 'git.acme.example/*',
    netrc: true,
  },

  /**
   * The pipeline of every service repo: its images go to Acme's registry, signed keyless by its own
   * release workflow (the identity make verify accepts), and upgrade.yml bumps this package.
   */
  pipeline: {
    registry: 'registry.acme.example/services',
    signingIdentity: '^https://github.com/acme/[^/]+/.github/workflows/release.yml@refs/tags/v',
    templatePackages: ['@acme/go-service'],
  },

  /** Makefile targets every service repo gets. */
  makeTargets: [
    {
      targets: ['acme-deploy'],
      description: 'Deploy the images with acmectl',
      recipe: ['acmectl deploy --service $(notdir $(CURDIR)) --version $(VERSION)'],
      phony: true,
    },
  ],
};
