import { FileBase, IResolver } from 'projen';
import * as YAML from 'yaml';
import type { GoService } from '../go-service';
import type { GoServiceProject } from '../go-service-project';
import { GO_ENV_ARGS } from './dockerfile-plan';
import { HEALTH_CHECK_TIMING } from '../private/constants';
import { imageVariable } from '../private/names';

/** The build args compose passes through from the environment (the Makefile exports them). */
const BUILD_ARGS = ['VERSION', 'COMMIT', 'DATE', 'SOURCE_DATE_EPOCH', ...GO_ENV_ARGS];

/**
 * The generated docker-compose.yml: one hardened service per GoService, built from our Dockerfile,
 * plus the add-ons (databases, caches) with their volumes and secrets. Valid for Compose v2 and for
 * docker-compose 1.29.
 *
 * projen's DockerCompose cannot express health checks, restart policies, secrets, depends_on
 * conditions, build targets or the hardening keys, so this file renders the compose model itself
 * with the `yaml` package, and keeps the same escape hatch (`addOverride`).
 */
export class ComposeFile extends FileBase {
  private readonly overrides: Array<{ path: string[]; value: any; remove: boolean }> = [];
  private readonly model: GoServiceProject;

  constructor(project: GoServiceProject) {
    super(project, 'docker-compose.yml', { readonly: true, marker: true });
    this.model = project;
  }

  /**
   * Sets a value at a dotted path (`services.hello.mem_limit`), after the model is rendered.
   * Use `\.` for a dot inside a key.
   */
  public addOverride(path: string, value: any): void {
    this.overrides.push({ path: splitPath(path), value, remove: false });
  }

  /** Removes the value at a dotted path after the model is rendered. */
  public addDeletionOverride(path: string): void {
    this.overrides.push({ path: splitPath(path), value: undefined, remove: true });
  }

  /** The compose document as an object, overrides applied. */
  public toObject(): { [key: string]: any } {
    const doc: { [key: string]: any } = { services: {} };
    for (const s of this.model.services) {
      doc.services[s.name] = this.serviceFor(s);
    }
    const volumes: { [key: string]: any } = {};
    const secrets: { [key: string]: any } = {};
    for (const addon of this.model.addons) {
      doc.services[addon.name] = addon._composeService();
      for (const v of addon._volumes()) volumes[v] = {};
      for (const sec of addon._secrets()) secrets[sec.name] = { file: `./${sec.file}` };
    }
    if (Object.keys(volumes).length) doc.volumes = volumes;
    if (Object.keys(secrets).length) doc.secrets = secrets;
    for (const o of this.overrides) {
      applyOverride(doc, o.path, o.value, o.remove);
    }
    return doc;
  }

  private serviceFor(s: GoService): { [key: string]: any } {
    const addons = this.model.addons.filter((a) => a.connectedServices.includes(s));
    const environment: { [key: string]: string } = { ...s.environment };
    for (const a of addons) Object.assign(environment, a._environmentFor(s));
    const svc: { [key: string]: any } = {
      image: `\${${imageVariable(s)}:-${s.imageName}}:\${VERSION:-latest}`,
      build: { context: '.', dockerfile: 'Dockerfile', target: s.target, args: BUILD_ARGS },
      ports: [`${s.port}:${s.port}`],
      environment,
    };
    const secrets = addons.flatMap((a) => a._secretsFor(s));
    if (secrets.length) svc.secrets = secrets;
    if (addons.length) {
      svc.depends_on = Object.fromEntries(addons.map((a) => [a.name, { condition: 'service_healthy' }]));
    }
    if (s.healthCheck) {
      svc.healthcheck = {
        test: ['CMD', s.binaryPath, 'healthcheck'],
        interval: HEALTH_CHECK_TIMING.interval,
        timeout: HEALTH_CHECK_TIMING.timeout,
        retries: HEALTH_CHECK_TIMING.retries,
        start_period: HEALTH_CHECK_TIMING.startPeriod,
      };
    }
    svc.restart = 'unless-stopped';
    svc.read_only = true;
    if (s.writableTmp) svc.tmpfs = ['/tmp'];
    svc.cap_drop = ['ALL'];
    svc.security_opt = ['no-new-privileges:true'];
    svc.user = s.user;
    return svc;
  }

  protected synthesizeContent(resolver: IResolver): string | undefined {
    const doc = new YAML.Document(resolver.resolve(this.toObject()));
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

function splitPath(path: string): string[] {
  return path.split(/(?<!\\)\./).map((p) => p.replace(/\\\./g, '.'));
}

function applyOverride(doc: { [key: string]: any }, path: string[], value: any, remove: boolean): void {
  let node = doc;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) {
      if (remove) return;
      node[key] = {};
    }
    node = node[key];
  }
  const last = path[path.length - 1];
  if (remove) {
    delete node[last];
  } else {
    node[last] = value;
  }
}
