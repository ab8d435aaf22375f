/**
 * The add-on kinds, registered by the file of each add-on when it loads: what the CLI's `add` and
 * `remove` commands and the `.projenrc.ts` editor know of them. A new add-on is one file (its
 * construct, its container, its registration) and its export in ./index.ts.
 */
export interface AddonKind {
  /** The kind: its default compose service name and its word in the CLI (`add postgres`). */
  readonly kind: string;
  /** The class `.projenrc.ts` creates (`PostgresDatabase`). */
  readonly className: string;
  /** What it is, for `--help` (`a PostgreSQL database for local development`). */
  readonly summary: string;
  /** The pinned image it uses unless told otherwise. */
  readonly image: string;
  /** The port it listens on inside the compose network. */
  readonly port: number;
  /** The connection variable services get unless told otherwise. */
  readonly urlVariable: string;
}

const KINDS: AddonKind[] = [];

/** Registers an add-on kind (once, when its file loads); returns it, for the add-on's constructor. */
export function registerAddonKind(kind: AddonKind): AddonKind {
  if (KINDS.some((k) => k.kind === kind.kind || k.className === kind.className)) {
    throw new Error(`add-on kind ${kind.kind} (${kind.className}) is registered twice: give each add-on its own kind and class name`);
  }
  KINDS.push(kind);
  return kind;
}

/** Every registered add-on kind, in the order they were registered. */
export function addonKinds(): readonly AddonKind[] {
  return KINDS;
}

/** The registered kind named `kind`, if any. */
export function addonKind(kind: string): AddonKind | undefined {
  return KINDS.find((k) => k.kind === kind);
}
