import { IResolver, Project, YamlFile } from 'projen';
import * as YAML from 'yaml';
import { securityOpts } from '../model/docker-run';
import { GO_ENV_ARGS } from '../model/go-env';
import { AddonModel, MigrationsModel, modelOf, ProjectModel, ServiceModel } from '../model/model';
import { SECRETS_MOUNT, wiringOf } from '../model/wiring';

/**
 * The generated docker-compose.yml: one hardened service per GoService, built from our Dockerfile,
 * plus the add-ons (databases, caches) with their volumes and secrets. Valid for Compose v2 and for
 * docker-compose 1.29.
 *
 * A projen `YamlFile` whose object is rendered from the model at synthesis, so `addOverride`,
 * `addDeletionOverride`, `addToArray` and `patch` work as on any projen object file. projen's
 * DockerCompose cannot express health checks, restart policies, secrets, depends_on conditions,
 * build targets or the hardening keys, hence a renderer of our own.
 */
export class ComposeFile extends YamlFile {
  /** Definitions of your own, rendered verbatim beside the generated ones. */
  private readonly own: OwnComposeDefinitions;

  constructor(project: Project) {
    const refusal = () => 'docker-compose.yml: the generated compose file belongs to a GoServiceProject.';
    modelOf(project, refusal);
    const own: OwnComposeDefinitions = { services: {}, volumes: {}, networks: {} };
    super(project, 'docker-compose.yml', { readonly: true, marker: true, obj: () => withOwnDefinitions(renderCompose(modelOf(project, refusal)), own) });
    this.own = own;
  }

  /**
   * Adds a service of your own (a message broker, a proxy, ...), rendered verbatim as compose's
   * `services.<name>`: `make compose-up` starts it with the generated ones. Its definition is
   * compose's own (image, command, ports, volumes, depends_on, ...), as plain JSON data.
   *
   * @see https://docs.docker.com/reference/compose-file/services/
   */
  public addService(name: string, definition: { [key: string]: any }): ComposeFile {
    this.addOwn('addService', 'services', name, definition);
    return this;
  }

  /** Adds a named volume of your own (`volumes.<name>`), for the services you add. */
  public addVolume(name: string, definition: { [key: string]: any } = {}): ComposeFile {
    this.addOwn('addVolume', 'volumes', name, definition);
    return this;
  }

  /** Adds a network of your own (`networks.<name>`), for the services you add. */
  public addNetwork(name: string, definition: { [key: string]: any } = {}): ComposeFile {
    this.addOwn('addNetwork', 'networks', name, definition);
    return this;
  }

  /** The services, volumes and networks of your own. */
  public get ownDefinitions(): OwnComposeDefinitions {
    return JSON.parse(JSON.stringify(this.own));
  }

  /**
   * Definitions of your own whose names the generated file takes (a service or an add-on).
   * @internal
   */
  public _problems(): string[] {
    if (Object.values(this.own).every((section) => Object.keys(section).length === 0)) return [];
    const generated = renderCompose(modelOf(this.project, () => 'docker-compose.yml: the generated compose file belongs to a GoServiceProject.'));
    const problems: string[] = [];
    for (const section of ['services', 'volumes', 'networks'] as const) {
      for (const name of Object.keys(this.own[section]).filter((n) => generated[section]?.[n] !== undefined)) {
        problems.push(`compose.${section}: "${name}" is a ${section === 'services' ? 'service' : section.slice(0, -1)} the generated docker-compose.yml defines itself. Give yours another name.`);
      }
    }
    return problems;
  }

  private addOwn(method: string, section: keyof OwnComposeDefinitions, name: string, definition: { [key: string]: any }): void {
    if (typeof name !== 'string' || !COMPOSE_NAME.test(name)) {
      throw new Error(`compose.${method}: ${JSON.stringify(name)} is not a compose name. Use letters, digits, ".", "_" and "-", starting with a letter or a digit.`);
    }
    if (typeof definition !== 'object' || definition === null || Array.isArray(definition) || !isJson(definition)) {
      throw new Error(`compose.${method}: the definition of ${name} is not plain data (an object of strings, numbers, booleans, lists and objects). Give compose's own keys, such as { image: 'nats:2.10-alpine' }.`);
    }
    if (this.own[section][name] !== undefined) {
      throw new Error(`compose.${method}: ${name} is added twice. Add it once.`);
    }
    this.own[section][name] = JSON.parse(JSON.stringify(definition));
  }

  protected synthesizeContent(resolver: IResolver): string | undefined {
    // projen's YamlFile applies the overrides and patches; we write the result our way
    const text = super.synthesizeContent(resolver);
    if (text === undefined) return undefined;
    const doc = new YAML.Document(YAML.parse(text));
    // YAML 1.1 readers (docker-compose 1.x) read some unquoted scalars with colons as numbers
    YAML.visit(doc, {
      Scalar(key, node) {
        if (key !== 'key' && typeof node.value === 'string' && /[:${}]/.test(node.value)) {
          node.type = 'QUOTE_DOUBLE';
        }
      },
    });
    if (this.marker) doc.commentBefore = ` ${this.marker}`;
    return doc.toString({ indent: 2, lineWidth: 0 });
  }
}

/** A compose name: a service, a volume, a network. */
const COMPOSE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Compose definitions of your own, by section and name, rendered verbatim. */
export interface OwnComposeDefinitions {
  readonly services: { [name: string]: any };
  readonly volumes: { [name: string]: any };
  readonly networks: { [name: string]: any };
}

function isJson(v: unknown): boolean {
  if (v === null || ['string', 'boolean'].includes(typeof v)) return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJson);
  if (typeof v === 'object') return Object.getPrototypeOf(v) === Object.prototype && Object.values(v as object).every(isJson);
  return false;
}

/** The generated document with the definitions of your own beside the generated ones (which keep their names). */
export function withOwnDefinitions(doc: { [key: string]: any }, own: OwnComposeDefinitions): { [key: string]: any } {
  for (const section of ['services', 'volumes', 'networks'] as const) {
    const generated = doc[section] ?? {};
    const yours = Object.entries(own[section]).filter(([n]) => generated[n] === undefined);
    if (yours.length > 0) doc[section] = { ...generated, ...Object.fromEntries(yours) };
  }
  return doc;
}

/** The compose document of the model (before overrides). */
export function renderCompose(model: ProjectModel): { [key: string]: any } {
  const doc: { [key: string]: any } = { services: {} };
  // commands (server: false) run on demand, not as part of the stack
  const volumes: { [key: string]: any } = {};
  for (const s of model.services.filter((x) => x.isServer)) {
    doc.services[s.name] = serviceFor(model, s);
    for (const d of s.dataDirectories) volumes[d.volume] = {};
  }
  const secrets: { [key: string]: any } = {};
  for (const addon of model.addons) {
    doc.services[addon.name] = addonService(addon);
    if (addon.migrations) doc.services[addon.migrations.service] = migrateService(addon, addon.migrations, model.imageTagVariable);
    for (const v of addon.volumes) volumes[v.name] = {};
    for (const sec of addon.secrets) secrets[sec.name] = { file: `./${sec.file}` };
  }
  if (Object.keys(volumes).length) doc.volumes = volumes;
  if (Object.keys(secrets).length) doc.secrets = secrets;
  return doc;
}

function addonService(a: AddonModel): { [key: string]: any } {
  const svc: { [key: string]: any } = { image: a.image };
  if (a.command) svc.command = [...a.command];
  if (a.environment) svc.environment = { ...a.environment };
  if (a.ownSecrets.length) svc.secrets = [...a.ownSecrets];
  svc.volumes = a.volumes.map((v) => `${v.name}:${v.mountPath}`);
  if (a.hostPort !== undefined) svc.ports = [`127.0.0.1:${a.hostPort}:${a.port}`];
  const h = a.health;
  svc.healthcheck = { test: [...h.test], interval: h.interval, timeout: h.timeout, retries: h.retries, start_period: h.startPeriod };
  svc.restart = 'unless-stopped';
  return svc;
}

function serviceFor(model: ProjectModel, s: ServiceModel): { [key: string]: any } {
  const { addons, environment, secrets } = wiringOf(model, s);
  const svc: { [key: string]: any } = {
    image: `\${${s.imageVariable}:-${s.imageName}}:\${${model.imageTagVariable}:-latest}`,
    build: { context: '.', dockerfile: 'Dockerfile', target: s.target, args: [...s.buildArgs] },
    ports: [`${s.port}:${s.port}`],
    // compose interpolates $ in values: a value of the user's is passed on as it is
    environment: Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, v.replace(/\$/g, '$$$$')])),
  };
  if (secrets.length) svc.secrets = secrets.map((x) => x.name);
  if (addons.length) {
    svc.depends_on = Object.fromEntries(addons.map((a) => [a.name, { condition: 'service_healthy' }]));
    // the schema first: a migration that fails keeps the service from starting
    for (const m of addons.flatMap((a) => (a.migrations ? [a.migrations] : []))) {
      svc.depends_on[m.service] = { condition: 'service_completed_successfully' };
    }
  }
  const probe = s.healthProbe;
  if (probe) {
    svc.healthcheck = {
      test: ['CMD', ...probe.command],
      interval: probe.interval,
      timeout: probe.timeout,
      retries: probe.retries,
      start_period: probe.startPeriod,
    };
  }
  svc.restart = 'unless-stopped';
  const h = s.hardening;
  if (h.readOnlyRootFilesystem) svc.read_only = true;
  if (h.tmpfs.length) svc.tmpfs = [...h.tmpfs];
  if (s.dataDirectories.length) svc.volumes = s.dataDirectories.map((d) => `${d.volume}:${d.path}`);
  if (h.dropCapabilities.length) svc.cap_drop = [...h.dropCapabilities];
  const opts = securityOpts(h);
  if (opts.length) svc.security_opt = opts;
  svc.user = s.user;
  return svc;
}


/**
 * The one-shot service that runs an add-on's migrations once the database is healthy, with the
 * connection URL from the same secret as the services, locked down as they are. The services wired
 * to the database wait until it has exited 0.
 */
function migrateService(a: AddonModel, m: MigrationsModel, tagVariable: string): { [key: string]: any } {
  return {
    image: `\${${m.imageVariable}:-${m.imageName}}:\${${tagVariable}:-latest}`,
    // the tool is downloaded with the same Go module settings as the services' modules
    build: { context: '.', dockerfile: 'Dockerfile', target: m.service, args: [...GO_ENV_ARGS] },
    command: [...m.command],
    environment: { [`${m.urlVariable}_FILE`]: `${SECRETS_MOUNT}/${m.urlSecret}` },
    secrets: [m.urlSecret],
    depends_on: { [a.name]: { condition: 'service_healthy' } },
    read_only: true,
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
    user: m.user,
  };
}
