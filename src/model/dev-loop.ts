/**
 * `make dev`, the inner loop: each server runs in a development container of its toolchain, with the
 * repository mounted read-only, and a file watcher in the container rebuilds its binary (the Go build
 * cache in a volume: an incremental build, as on the host) and restarts it when its Go code changes.
 *
 * Why not compose's `rebuild` action (an image build and a new container per change): measured on a
 * quiet machine, compose waits a fixed 500 ms quiet period, the warm image build takes 1.4 s and
 * replacing the container 1.15 s, so a one-word handler edit was served after 3.05 s against 0.48 s
 * for a local `go build` and restart (6.3×). Inside the running container the same edit is a local
 * incremental build and a process restart.
 */

/** The file watcher: air, built at a pinned release from the Go module proxy, static. */
export const DEV_TOOL = {
  /** The package `go install` builds. */
  package: 'github.com/air-verse/air',
  /** The pinned release: it moves with a release of projen-go-service (Renovate updates the package). */
  version: 'v1.67.4',
  /** The Dockerfile stage that builds it, once for every development image. */
  stage: 'air',
  /** Where it lands in the development images. */
  binary: '/usr/local/bin/air',
} as const;

/** Where the repository is mounted (read-only) in a development container. */
export const DEV_SOURCE = '/src';

/** The Go build cache of the development containers: a named volume, kept between `make dev` runs. */
export const DEV_BUILD_CACHE = '/cache/go-build';

/** The compose volume that holds it, shared by the project's development containers. */
export const DEV_BUILD_CACHE_VOLUME = 'dev-go-build';

/** Where air keeps its own files (its build log): outside the repository, which is mounted read-only. */
export const DEV_TOOL_DIR = '/tmp/air';

/**
 * How long air waits after a change before it builds, in ms: an editor's save is often more than one
 * write (truncate, write, rename), and one build should follow it, not two.
 */
export const DEV_BUILD_DELAY_MS = 50;

/** The tag of a service's development image: `<image>:dev-loop`, never one of the service's own tags. */
export const DEV_IMAGE_TAG = 'dev-loop';

/**
 * How long compose gives a development container to become healthy before a failing check counts:
 * the first `make dev` builds the service from an empty build cache inside it.
 */
export const DEV_HEALTH_START_PERIOD = '300s';
