import { GO_ENV_ARGS } from './go-env';
import type { OptionProblem } from './problems';

/**
 * A make variable name that compose can read from the environment too: letters, digits and
 * underscores, not starting with a digit.
 */
export const MAKE_VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The variable whose value tags the images unless `imageTagVariable` says otherwise: VERSION, the
 * version stamp (git describe) the binaries are stamped with.
 */
export const DEFAULT_IMAGE_TAG_VARIABLE = 'VERSION';

/**
 * The variables the generated Makefile sets whatever the services are (the per-service ones are
 * `<SERVICE>_IMAGE`, `_MAX_MIB`, `_DIGEST`): an image or tag variable may not take one of these
 * names, and `adopt` compares a makefile of the repository's with them. test/make-variables.test.ts
 * keeps this list equal to what the Makefile renders.
 */
export const GENERATED_MAKE_VARIABLES: readonly string[] = [
  'GO', 'DOCKER', 'COMPOSE', 'COMPOSE_WAIT', 'REGISTRY', 'PLATFORMS', 'BUILDX_FLAGS',
  'VERSION', 'COMMIT', 'SOURCE_DATE_EPOCH', 'DATE', ...GO_ENV_ARGS, 'GO_ENV_VALUES', 'NETRC', 'MIGRATIONS', 'COMPOSE_ONESHOT', 'KUBECTL',
  'IMAGE_PREFIX', 'COMPOSE_ENV', 'DOCKER_BUILD_ARGS', 'DOCKER_BUILDKIT', 'COMPOSE_WAIT_SCRIPT',
];

/**
 * The make expression of the image tag when it is not VERSION itself: VERSION made a valid image
 * tag, as the Makefile makes git describe one (the part after the last `/`, every character but
 * letters, digits, `.`, `_` and `-` made `-`). Expanded when used, so a VERSION set by a makefile
 * included later is the one read.
 */
export const IMAGE_TAG_FROM_VERSION = "$(shell printf '%s' '$(VERSION)' | sed -e 's|.*/||' -e 's/[^A-Za-z0-9_.-]/-/g')";

/**
 * What is wrong with a variable name given for `option` (`imageVariable`, `imageTagVariable`): not a
 * name make and compose both read, or one the generated Makefile already sets for something else.
 *
 * @param allowed a generated name that is this option's own (VERSION for the tag)
 */
export function makeVariableProblems(option: string, name: unknown, allowed?: string): OptionProblem[] {
  if (typeof name !== 'string' || !MAKE_VARIABLE_NAME.test(name)) {
    return [{ option, what: `${JSON.stringify(name)} is not a make variable name compose can read too`, fix: 'Use letters, digits and underscores, not starting with a digit, such as "APP_IMAGE"' }];
  }
  if (name !== allowed && GENERATED_MAKE_VARIABLES.includes(name)) {
    return [{ option, what: `${name} is a variable the generated Makefile sets for something else`, fix: `Choose a name that is not one of ${GENERATED_MAKE_VARIABLES.join(', ')}` }];
  }
  return [];
}
