// The grammar of github.com/distribution/reference, reduced to what a Dockerfile's FROM takes.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_PART}(?:\\.${DOMAIN_PART})*(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(sha256:[a-f0-9]{64}))?$`);

/** A sha256 digest as registries print it. */
export const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** A registry mirror prefix: a host (and port), optionally with a path. */
const MIRROR = new RegExp(`^${DOMAIN}(?:/${COMPONENT})*$`);

export interface ImageRef {
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Parses `name[:tag][@sha256:...]`, or returns undefined when it is not a valid reference. */
export function parseImageRef(ref: string): ImageRef | undefined {
  const m = REFERENCE.exec(ref);
  if (!m || m[1].length > 255) {
    return undefined;
  }
  return { name: m[1], tag: m[2], digest: m[3] };
}

export function isValidMirror(mirror: string): boolean {
  return MIRROR.test(mirror);
}

/**
 * The reference a FROM line names: the mirror prefix (if any), the image, its tag and its digest pin.
 */
export function formatImageRef(ref: string, options: { mirror?: string; digest?: string } = {}): string {
  const prefix = options.mirror ? `${options.mirror.replace(/\/+$/, '')}/` : '';
  const digest = options.digest ? `@${options.digest}` : '';
  return `${prefix}${ref}${digest}`;
}
