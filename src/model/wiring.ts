import { SECRETS_DIR } from './constants';
import type { AddonModel, ProjectModel, ServiceModel } from './model';

/** A secret file a service reads at `/run/secrets/<name>`, and where `make secrets` creates it. */
export interface ServiceSecret {
  /** The secret's name: its file name under /run/secrets, its compose secret, its key in the Kubernetes Secret. */
  readonly name: string;
  /** The file, relative to the repository root. */
  readonly file: string;
}

/**
 * What a service is wired to, as every place that runs it sees it (compose, Kubernetes): the
 * add-ons it uses, its environment with their connection variables, and the secret files they hand it.
 */
export interface ServiceWiring {
  readonly addons: readonly AddonModel[];
  /** The service's run-time environment, then each add-on's `<NAME>_URL_FILE`. */
  readonly environment: { [name: string]: string };
  readonly secrets: ServiceSecret[];
}

/** Where a container finds its secret files (compose's convention, kept on Kubernetes). */
export const SECRETS_MOUNT = '/run/secrets';

/** What `service` is wired to in `model`. */
export function wiringOf(model: ProjectModel, service: ServiceModel): ServiceWiring {
  const addons = model.addons.filter((a) => a.connectedServices.includes(service.name));
  const environment: { [name: string]: string } = { ...service.environment };
  for (const a of addons) Object.assign(environment, a.serviceEnvironment);
  // the files come from the add-on that creates them (`make secrets`)
  const files = new Map(addons.flatMap((a) => a.secrets).map((s) => [s.name, s.file]));
  const secrets = addons.flatMap((a) => a.serviceSecrets).map((name) => ({ name, file: files.get(name) ?? `${SECRETS_DIR}/${name}` }));
  return { addons, environment, secrets };
}
