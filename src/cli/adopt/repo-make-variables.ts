import { DEFAULT_IMAGE_TAG_VARIABLE, GENERATED_MAKE_VARIABLES } from '../../model/make-variables';
import { imageVariable } from '../../model/names';

/** The names adopt gives a generated variable whose name a makefile of the repository sets: `METRICS_IMAGE` → `GO_METRICS_IMAGE`. */
export const VARIABLE_RENAME_PREFIXES = ['GO_', 'GENERATED_'];

/** The tag variable adopt gives the images when the repository's makefile sets VERSION. */
export const IMAGE_TAG_NAMES = ['IMAGE_TAG', 'GO_IMAGE_TAG', 'GENERATED_IMAGE_TAG'];

/** What adopt does with the variables the generated Makefile (and compose, kustomize) would share with the repository's makefile. */
export interface MakeVariablePlan {
  /** Services whose image variable is renamed (`imageVariable`): service name, its default variable, the new one. */
  readonly imageVariables: ReadonlyArray<{ readonly service: string; readonly from: string; readonly to: string }>;
  /** The tag variable (`imageTagVariable`) when their makefile sets VERSION. */
  readonly imageTagVariable?: string;
  /** The other generated variables their makefile sets too: one variable for both (make reads one value). */
  readonly shared: string[];
  /** What adopt says of it. */
  readonly notes: string[];
}

/**
 * Compares the variables a repository's makefile sets (as make's database says) with the ones the
 * generated Makefile sets. The generated side is renamed:
 * - an image variable of theirs (`METRICS_IMAGE := localhost/acme/metrics:$(VERSION)`, an image
 *   with its tag) would be ours too, and `-t $(METRICS_IMAGE):$(VERSION)` an invalid reference:
 *   ours becomes `GO_METRICS_IMAGE` (`imageVariable` of that service);
 * - their VERSION is their version stamp, and stays theirs: it stamps the binaries and tags the
 *   images as their own builds do; the tag is a variable of ours (`imageTagVariable`, IMAGE_TAG)
 *   made from it, so a VERSION that is no valid tag (`1.2.3+build.4`, `backend/v1.2`) still gives
 *   one, and the generated VERSION ?= (git describe) is set after their makefile, so their `?=` wins too.
 * Every other generated name they set (GO, DOCKER, COMMIT, ...) is one variable for both.
 *
 * @param theirs the variables of their makefile, undefined when make could not say
 * @param services the services' names
 * @param file their makefile's name, for the notes
 */
export function makeVariablePlan(theirs: readonly string[] | undefined, services: readonly string[], file: string): MakeVariablePlan {
  if (theirs === undefined) {
    return { imageVariables: [], shared: [], notes: [`your ${file}'s variables were not compared with the generated Makefile's (make could not read it): where it sets VERSION or <SERVICE>_IMAGE, set imageTagVariable or imageVariable.`] };
  }
  const set = new Set(theirs);
  const defaults = services.map((s) => ({ service: s, from: imageVariable({ name: s }) }));
  const taken = new Set([...theirs, ...GENERATED_MAKE_VARIABLES, ...defaults.map((d) => d.from)]);
  const imageVariables: Array<{ service: string; from: string; to: string }> = [];
  for (const d of defaults.filter((x) => set.has(x.from))) {
    const to = VARIABLE_RENAME_PREFIXES.map((p) => `${p}${d.from}`).find((n) => !taken.has(n));
    if (!to) continue;
    taken.add(to);
    imageVariables.push({ ...d, to });
  }
  const imageTagVariable = set.has(DEFAULT_IMAGE_TAG_VARIABLE) ? IMAGE_TAG_NAMES.find((n) => !taken.has(n)) : undefined;
  const shared = GENERATED_MAKE_VARIABLES.filter((v) => set.has(v) && v !== DEFAULT_IMAGE_TAG_VARIABLE);
  const notes: string[] = [];
  if (imageVariables.length) {
    notes.push(`your ${file} sets ${imageVariables.map((v) => v.from).join(', ')} (its own image names, which make would give the generated targets too): yours keep their names and values; the generated images are named by ${imageVariables.map((v) => v.to).join(', ')} (imageVariable), in the Makefile, compose and kustomize.`);
  }
  if (imageTagVariable) {
    notes.push(`your ${file} sets VERSION: it stays yours and stamps the binaries, and the images are tagged $(${imageTagVariable}), your VERSION made a valid image tag (imageTagVariable); the generated VERSION (git describe) applies only where yours leaves it unset.`);
  }
  if (shared.length) {
    notes.push(`your ${file} sets ${shared.join(', ')}, which the generated Makefile sets too: make keeps one value of each, for your targets and the generated ones alike.`);
  }
  return { imageVariables, imageTagVariable, shared, notes };
}
