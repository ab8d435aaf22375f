import { NONROOT_UID } from './model/constants';
import { DIGEST, parseImageRef } from './model/image-ref';
import { OptionProblem } from './model/problems';

/** The Debian releases distroless publishes images for. */
const DISTROLESS_DEBIAN_RELEASES = [12, 13];

/** The Debian release a distroless runtime uses unless told otherwise. Debian 12's support ends in 2026. */
const DEFAULT_DEBIAN = 13;

/**
 * The distroless image families that fit a Go binary.
 *
 * @see https://github.com/GoogleContainerTools/distroless
 */
export enum DistrolessVariant {
  /** `static`: CA certificates, tzdata, /etc/passwd, no libc. For CGO_ENABLED=0 binaries. */
  STATIC = 'static',
  /** `base`: `static` plus glibc and libssl. For cgo binaries. */
  BASE = 'base',
  /** `cc`: `base` plus libgcc and libstdc++. For cgo binaries that link C++. */
  CC = 'cc',
}

/** The C library a runtime base provides. */
export enum Libc {
  /** No C library (scratch, distroless static): only static binaries run. */
  NONE = 'none',
  /** GNU libc (Debian, distroless base/cc): runs cgo binaries built on Debian. */
  GLIBC = 'glibc',
  /** musl (Alpine): runs static binaries, and cgo binaries built against musl only. */
  MUSL = 'musl',
}

/**
 * Options for `RuntimeStage.scratch()`.
 */
export interface ScratchRuntimeOptions {
  /**
   * Run as the unprivileged user 65532. `false` asks for root, explicitly.
   * @default true
   */
  readonly nonroot?: boolean;
}

/**
 * Options for `RuntimeStage.distroless()`.
 */
export interface DistrolessRuntimeOptions {
  /**
   * The distroless family.
   * @default DistrolessVariant.STATIC
   */
  readonly variant?: DistrolessVariant;
  /**
   * The Debian release: 12 or 13.
   * @default 13
   */
  readonly debian?: number;
  /**
   * Use the `nonroot` tag (user 65532). `false` asks for root, explicitly.
   * @default true
   */
  readonly nonroot?: boolean;
  /**
   * Pin the image by digest (`sha256:...`), as well as by tag.
   * @default - pinned by tag only
   */
  readonly digest?: string;
}

/**
 * Options for `RuntimeStage.alpine()`.
 */
export interface AlpineRuntimeOptions {
  /**
   * The Alpine release, pinned: `3.22` or `3.22.1`.
   */
  readonly version: string;
  /**
   * Run as the unprivileged user 65532. `false` asks for root, explicitly.
   * @default true
   */
  readonly nonroot?: boolean;
  /**
   * Pin the image by digest (`sha256:...`), as well as by tag.
   * @default - pinned by tag only
   */
  readonly digest?: string;
}

/**
 * What a custom runtime base provides. The model trusts these facts to decide what to add.
 */
export interface CustomRuntimeOptions {
  /**
   * The image has a shell (`/bin/sh`).
   * @default false
   */
  readonly shell?: boolean;
  /**
   * The C library the image provides.
   * @default Libc.NONE
   */
  readonly libc?: Libc;
  /**
   * The image has a CA bundle at /etc/ssl/certs/ca-certificates.crt.
   * @default false
   */
  readonly providesCerts?: boolean;
  /**
   * The image has time-zone data under /usr/share/zoneinfo.
   * @default false
   */
  readonly providesTzdata?: boolean;
  /**
   * Run as the unprivileged user 65532. `false` asks for root, explicitly.
   * @default true
   */
  readonly nonroot?: boolean;
  /**
   * Pin the image by digest (`sha256:...`), as well as by tag.
   * @default - pinned by tag only (or by the digest in `image`)
   */
  readonly digest?: string;
  /**
   * The image for the `<service>-debug` target, which must have a shell.
   * @default - this image when it has a shell, else this image plus a static busybox
   */
  readonly debugImage?: string;
}

interface RuntimeFacts {
  readonly kind: 'scratch' | 'distroless' | 'alpine' | 'custom';
  readonly displayName: string;
  readonly image?: string;
  readonly digest?: string;
  readonly debugImage?: string;
  readonly shell: boolean;
  readonly libc: Libc;
  readonly providesCerts: boolean;
  readonly providesTzdata: boolean;
  readonly packageManager?: 'apk';
  readonly nonroot: boolean;
  readonly problems: OptionProblem[];
}

/**
 * The base of a service's final image, and what it provides: a shell, a C library, CA certificates,
 * time-zone data, a package manager. CertsLayer and TzLayer read these facts to decide what to add.
 */
export class RuntimeStage {
  /**
   * The empty image: only what we copy in. The smallest possible; the default.
   */
  public static scratch(options: ScratchRuntimeOptions = {}): RuntimeStage {
    return new RuntimeStage({
      kind: 'scratch',
      displayName: 'scratch',
      shell: false,
      libc: Libc.NONE,
      providesCerts: false,
      providesTzdata: false,
      nonroot: options.nonroot ?? true,
      problems: [],
    });
  }

  /**
   * A distroless base (gcr.io/distroless/<variant>-debian<N>): CA certificates, tzdata and
   * /etc/passwd; `base` and `cc` add glibc for cgo binaries.
   */
  public static distroless(options: DistrolessRuntimeOptions = {}): RuntimeStage {
    const variant = options.variant ?? DistrolessVariant.STATIC;
    const debian = options.debian ?? DEFAULT_DEBIAN;
    const nonroot = options.nonroot ?? true;
    const problems: OptionProblem[] = [];
    const variants = Object.values(DistrolessVariant) as string[];
    if (!variants.includes(variant)) {
      problems.push({
        option: 'runtime',
        what: `distroless has no "${variant}" variant`,
        fix: 'Use DistrolessVariant.STATIC, DistrolessVariant.BASE or DistrolessVariant.CC',
      });
    }
    if (!DISTROLESS_DEBIAN_RELEASES.includes(debian)) {
      problems.push({
        option: 'runtime',
        what: `distroless publishes no images for Debian ${debian}`,
        fix: `Use debian: ${DISTROLESS_DEBIAN_RELEASES.join(' or ')}`,
      });
    }
    problems.push(...digestProblems(options.digest));
    const repo = `gcr.io/distroless/${variant}-debian${debian}`;
    return new RuntimeStage({
      kind: 'distroless',
      displayName: `distroless ${variant} (Debian ${debian})`,
      image: `${repo}:${nonroot ? 'nonroot' : 'latest'}`,
      digest: options.digest,
      debugImage: `${repo}:${nonroot ? 'debug-nonroot' : 'debug'}`,
      shell: false,
      libc: variant === DistrolessVariant.STATIC ? Libc.NONE : Libc.GLIBC,
      providesCerts: true,
      providesTzdata: true,
      nonroot,
      problems,
    });
  }

  /**
   * Alpine Linux at a pinned release: a shell and `apk`, musl libc.
   */
  public static alpine(options: AlpineRuntimeOptions): RuntimeStage {
    const version = options?.version;
    const problems: OptionProblem[] = [];
    if (typeof version !== 'string' || !/^3\.\d+(\.\d+)?$/.test(version)) {
      problems.push({
        option: 'runtime',
        what: `alpine version ${JSON.stringify(version)} is not a pinned Alpine release`,
        fix: "Pin a release such as RuntimeStage.alpine({ version: '3.22' })",
      });
    }
    problems.push(...digestProblems(options?.digest));
    return new RuntimeStage({
      kind: 'alpine',
      displayName: `alpine ${version}`,
      image: `alpine:${version}`,
      digest: options?.digest,
      shell: true,
      libc: Libc.MUSL,
      providesCerts: false,
      providesTzdata: false,
      packageManager: 'apk',
      nonroot: options?.nonroot ?? true,
      problems,
    });
  }

  /**
   * Your own base image. Say what it provides; the model adds the rest.
   *
   * @param image the image reference, `name:tag` (optionally `@sha256:...`)
   */
  public static custom(image: string, options: CustomRuntimeOptions = {}): RuntimeStage {
    const problems: OptionProblem[] = [];
    const ref = typeof image === 'string' ? parseImageRef(image) : undefined;
    if (!ref) {
      problems.push({
        option: 'runtime',
        what: `${JSON.stringify(image)} is not a valid image reference`,
        fix: "Use name:tag, such as RuntimeStage.custom('registry.example.com/base:1.2')",
      });
    } else if (ref.digest && options.digest) {
      problems.push({
        option: 'runtime',
        what: 'the image is pinned twice, in the reference and in digest',
        fix: 'Give the digest in one place only',
      });
    } else if (!ref.tag && !ref.digest && !options.digest) {
      problems.push({
        option: 'runtime',
        what: `${image} names no tag or digest, so it floats to whatever "latest" is`,
        fix: 'Pin a tag (name:1.2) or a digest',
      });
    }
    if (options.debugImage !== undefined && !parseImageRef(options.debugImage)) {
      problems.push({
        option: 'runtime',
        what: `debugImage ${JSON.stringify(options.debugImage)} is not a valid image reference`,
        fix: 'Use name:tag',
      });
    }
    const libc = options.libc ?? Libc.NONE;
    if (!(Object.values(Libc) as string[]).includes(libc)) {
      problems.push({ option: 'runtime', what: `libc "${libc}" is unknown`, fix: 'Use Libc.NONE, Libc.GLIBC or Libc.MUSL' });
    }
    problems.push(...digestProblems(options.digest));
    return new RuntimeStage({
      kind: 'custom',
      displayName: `custom ${image}`,
      image: ref ? `${ref.name}${ref.tag ? `:${ref.tag}` : ''}` : String(image),
      digest: ref?.digest ?? options.digest,
      debugImage: options.debugImage ?? (options.shell ? ref && `${ref.name}${ref.tag ? `:${ref.tag}` : ''}` : undefined),
      shell: options.shell ?? false,
      libc,
      providesCerts: options.providesCerts ?? false,
      providesTzdata: options.providesTzdata ?? false,
      nonroot: options.nonroot ?? true,
      problems,
    });
  }

  /** A short human name, such as `distroless static (Debian 13)`. */
  public readonly displayName: string;
  /** The image reference without mirror or digest; undefined for scratch. */
  public readonly image?: string;
  /** The digest pin, if any. */
  public readonly digest?: string;
  /** The image of the `-debug` target when it differs from `image` plus a busybox. */
  public readonly debugImage?: string;
  /** The image has a shell. */
  public readonly shell: boolean;
  /** The C library the image provides. */
  public readonly libc: Libc;
  /** The image brings its own CA bundle. */
  public readonly providesCerts: boolean;
  /** The image brings its own time-zone data. */
  public readonly providesTzdata: boolean;
  /** The service runs as user 65532 (true) or as root (false). */
  public readonly nonroot: boolean;
  /** The user id the image runs as: 65532, or 0 for root. */
  public readonly uid: number;
  /** The group id the image runs as. */
  public readonly gid: number;
  /** The user the image runs as, `uid:gid`. */
  public readonly user: string;

  private readonly facts: RuntimeFacts;

  private constructor(facts: RuntimeFacts) {
    this.facts = facts;
    this.displayName = facts.displayName;
    this.image = facts.image;
    this.digest = facts.digest;
    this.debugImage = facts.debugImage;
    this.shell = facts.shell;
    this.libc = facts.libc;
    this.providesCerts = facts.providesCerts;
    this.providesTzdata = facts.providesTzdata;
    this.nonroot = facts.nonroot;
    this.uid = facts.nonroot ? NONROOT_UID : 0;
    this.gid = this.uid;
    this.user = `${this.uid}:${this.gid}`;
  }

  /** The image is scratch. */
  public get isScratch(): boolean {
    return this.facts.kind === 'scratch';
  }

  /** The image is Alpine. */
  public get isAlpine(): boolean {
    return this.facts.kind === 'alpine';
  }

  /** The image is distroless. */
  public get isDistroless(): boolean {
    return this.facts.kind === 'distroless';
  }

  /**
   * The package manager command that installs packages, if the base has one (`apk add --no-cache`).
   * @internal
   */
  public get _installCommand(): string | undefined {
    return this.facts.packageManager === 'apk' ? 'apk add --no-cache' : undefined;
  }

  /**
   * Problems with the options this runtime was made with.
   * @internal
   */
  public _problems(): OptionProblem[] {
    return this.facts.problems;
  }
}

function digestProblems(digest: string | undefined): OptionProblem[] {
  if (digest === undefined || DIGEST.test(digest)) {
    return [];
  }
  return [{
    option: 'runtime',
    what: `digest ${JSON.stringify(digest)} is not a sha256 digest`,
    fix: 'Use the form sha256:<64 hex digits>, as `docker buildx imagetools inspect` prints it',
  }];
}
