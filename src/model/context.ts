import type { IConstruct } from 'constructs';

/** What a construct sees of a service of its project (to refuse a clash as it is created). */
export interface ServiceView {
  readonly name: string;
  readonly port?: number;
}

/** What a construct sees of an add-on of its project. */
export interface AddonView {
  readonly name: string;
  readonly hostPort?: number;
  readonly urlVariable: string;
  readonly connectedServices: readonly ServiceView[];
}

/**
 * What the constructs of a project (GoService, the add-ons) read of it while the user composes it:
 * the live project, through this narrow view. Renderers never use it: they read the resolved model
 * (`modelOf`).
 */
export interface ProjectContext {
  /** The platforms multi-platform builds target, unless a service says otherwise. */
  readonly platforms: readonly string[];
  /** Every service so far, the default one first. */
  readonly services: readonly ServiceView[];
  /** Every add-on so far. */
  readonly addons: readonly AddonView[];
  /** The reference for an image: mirror prefix and digest pin applied. */
  imageRef(image: string, digest?: string): string;
  /** The digest an image is pinned to (the one given, else the project's pin), if any. */
  digestOf(image: string, digest?: string): string | undefined;
}

const CONTEXTS = new WeakMap<IConstruct, ProjectContext>();

/** Makes `context` what the constructs created in `project` read of it. */
export function attachContext(project: IConstruct, context: ProjectContext): void {
  CONTEXTS.set(project, context);
}

/**
 * The project a construct is created in, as constructs see it.
 *
 * @param project the project passed to the construct
 * @param refusal the house error when the project is not a GoServiceProject
 */
export function contextOf(project: IConstruct, refusal: () => string): ProjectContext {
  const context = project ? CONTEXTS.get(project) : undefined;
  if (!context) throw new Error(refusal());
  return context;
}
