import type { OptionProblem } from './model/problems';

/** An environment variable name. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Variables the image sets itself (or its base does), which `imageEnvironment` never sets. */
const SET_BY_THE_IMAGE = ['PATH', 'TZ', 'ZONEINFO', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];

/**
 * The image environment: variables the image itself sets (`ENV` in the Dockerfile), because the
 * program needs them to run the way the image runs it: the address it listens on (`0.0.0.0`
 * rather than its loopback default) or the directory it keeps its data in (a data directory of the
 * image). Everything that runs the image, `docker run`, compose, Kubernetes, gets them from it;
 * `make run` of the binary on the developer's machine does not (they describe the image, not the
 * machine). Unlike `environment`, which only the generated compose file, `make run` and the
 * manifests set, a plain `docker run` of the image sees them.
 *
 * The problems of an image environment, for the option `imageEnvironment`: names that are not
 * variable names, the port variable (set from `port`), the variables the image sets itself, and
 * values that are not single-line strings or that hold `$` (the Dockerfile would expand it).
 */
export function imageEnvironmentProblems(env: { [name: string]: string }, portVariable: string): OptionProblem[] {
  const problems: OptionProblem[] = [];
  const option = 'imageEnvironment';
  for (const [k, v] of Object.entries(env)) {
    if (!NAME.test(k)) {
      problems.push({ option, what: `${JSON.stringify(k)} is not an environment variable name`, fix: 'Use letters, digits and underscores, not starting with a digit' });
    } else if (k === portVariable) {
      problems.push({ option, what: `${k} is set from the port option`, fix: 'Set port instead' });
    } else if (SET_BY_THE_IMAGE.includes(k)) {
      problems.push({ option, what: `${k} is set by the image itself`, fix: k === 'TZ' ? 'Set tz instead: TzLayer.auto({ defaultZone })' : `Remove ${k} from imageEnvironment` });
    } else if (typeof v !== 'string') {
      problems.push({ option, what: `the value of ${k} is not a string`, fix: `Quote it: ${k}: '${String(v)}'` });
    } else if (/[\n\r]/.test(v)) {
      problems.push({ option, what: `the value of ${k} spans lines`, fix: 'Use a single line' });
    } else if (v.includes('$')) {
      problems.push({ option, what: `the value of ${k} holds $, which the Dockerfile's ENV would expand`, fix: `Write the value itself, or set ${k} in environment (compose and make run)` });
    }
  }
  return problems;
}
