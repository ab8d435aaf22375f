import { IResolver, Project, YamlFile } from 'projen';
import * as YAML from 'yaml';
import { securityOpts } from '../model/docker-run';
import { AddonModel, modelOf, ProjectModel, ServiceModel } from '../model/model';
import { wiringOf } from '../model/wiring';

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
  constructor(project: Project) {
    const refusal = () => 'docker-compose.yml: the generated compose file belongs to a GoServiceProject.';
    modelOf(project, refusal);
    super(project, 'docker-compose.yml', { readonly: true, marker: true, obj: () => renderCompose(modelOf(project, refusal)) });
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
    image: `\${${s.imageVariable}:-${s.imageName}}:\${VERSION:-latest}`,
    build: { context: '.', dockerfile: 'Dockerfile', target: s.target, args: [...s.buildArgs] },
    ports: [`${s.port}:${s.port}`],
    // compose interpolates $ in values: a value of the user's is passed on as it is
    environment: Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, v.replace(/\$/g, '$$$$')])),
  };
  if (secrets.length) svc.secrets = secrets.map((x) => x.name);
  if (addons.length) {
    svc.depends_on = Object.fromEntries(addons.map((a) => [a.name, { condition: 'service_healthy' }]));
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
