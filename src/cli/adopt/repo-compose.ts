import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import * as YAML from 'yaml';
import { readRepoMigrations } from './repo-migrations';
import { ASIDE_DIR } from '../../model/constants';
import { addonClass, CodeStyle } from '../projenrc-editor';

/** The compose files Compose v2 reads, in its order: the first it finds is the project's. */
export const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/** The file the generated compose file is written to. */
const GENERATED = 'docker-compose.yml';

/** Environment variables the add-ons' wiring gives a service (as `<NAME>_FILE`) and the model sets. */
const WIRED = { postgres: 'DATABASE_URL', redis: 'REDIS_URL' } as const;

/** A service of ours, as adopt names it. */
export interface OurService {
  /** Its name in .projenrc.ts. */
  readonly name: string;
  /** It is in compose (a server). */
  readonly server: boolean;
  readonly isDefault: boolean;
}

/** An add-on adopt writes for a database or cache service of the repository's compose file. */
export interface ComposeAddon {
  readonly kind: keyof typeof WIRED;
  readonly name: string;
  readonly image?: string;
  /** Our services that depended on it; undefined: none said (every service gets it). */
  readonly services?: string[];
  readonly database?: string;
  readonly user?: string;
  /** Its migrations: a directory other than `migrations`, or off (none found, or another tool's). */
  readonly migrations?: { readonly directory?: string; readonly off: boolean };
}

/** What the repository's compose file becomes. */
export interface ComposePlan {
  /** The compose file Compose reads today. */
  readonly file: string;
  /** Other compose files Compose would read before the generated docker-compose.yml: moved aside. */
  readonly shadowing: string[];
  /** Postgres and Redis services that become add-ons. */
  readonly addons: ComposeAddon[];
  /** The services, volumes and networks that stay the user's, verbatim (references to our services renamed). */
  readonly own: { services: { [name: string]: any }; volumes: { [name: string]: any }; networks: { [name: string]: any } };
  /** depends_on of ours on theirs: [our service, their service, condition]. */
  readonly dependsOn: Array<[string, string, string]>;
  /** The environment our services had in compose (without the port and what the add-ons wire). */
  readonly environment: Map<string, { [name: string]: string }>;
  readonly notes: string[];
}

/**
 * Reads the repository's compose file (the one Compose reads first) and plans it: the services that
 * build the repository's Dockerfile are ours (the generated services replace them); Postgres and
 * Redis become add-ons (their image tags kept); every other service, volume and network stays the
 * user's, verbatim, through `project.compose.addService` (and addVolume, addNetwork).
 */
export function readRepoCompose(dir: string, ours: OurService[]): ComposePlan | undefined {
  const names = new Set(readdirSync(dir));
  const present = COMPOSE_FILES.filter((f) => names.has(f));
  if (present.length === 0) return undefined;
  const file = present[0];
  const shadowing = present.filter((f) => f !== GENERATED);
  const plan: ComposePlan = {
    file, shadowing, addons: [], own: { services: {}, volumes: {}, networks: {} }, dependsOn: [], environment: new Map(), notes: [],
  };
  for (const o of ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'].filter((f) => names.has(f))) {
    plan.notes.push(`your ${o} stays: Compose merges it into the generated docker-compose.yml, so check that the services it names are still there.`);
  }
  let doc: any;
  try {
    // merge keys (`<<: *common-env`), as Compose reads them
    doc = YAML.parse(readFileSync(join(dir, file), 'utf-8'), { merge: true });
  } catch (e) {
    plan.notes.push(`your ${file} is not YAML that adopt can read (${(e as Error).message.split('\n')[0]}): nothing of it was carried over.`);
    return plan;
  }
  const services: { [name: string]: any } = isObject(doc?.services) ? doc.services : {};
  const def = ours.find((o) => o.isDefault)!;

  // which of their services are ours: those that build the repository's Dockerfile
  const renamed = new Map<string, string>();
  for (const [name, svc] of Object.entries(services)) {
    if (!isObject(svc)) continue;
    if (!buildsOurDockerfile(svc.build)) {
      // a service of theirs named as one of ours (their development build of the same program, say):
      // the generated service takes its place, under the name the others reach it by
      if (ours.some((o) => o.name === name)) {
        renamed.set(name, name);
        plan.notes.push(`your compose service ${name} ${svc.build !== undefined ? 'builds another Dockerfile' : `runs ${typeof svc.image === 'string' ? svc.image : 'an image of its own'}`}; the generated ${name} service (the image of the generated Dockerfile) takes its place, so the services that reach ${name} reach it (yours is kept in ${ASIDE_DIR}/${file}).`);
      }
      continue;
    }
    const target = isObject(svc.build) && typeof svc.build.target === 'string' ? svc.build.target : undefined;
    const match = ours.find((o) => o.name === target) ?? ours.find((o) => o.name === name) ?? def;
    renamed.set(name, match.name);
  }
  const addonOf = new Map<string, ComposeAddon['kind']>();
  for (const [name, svc] of Object.entries(services)) {
    if (renamed.has(name) || !isObject(svc) || typeof svc.image !== 'string') continue;
    const kind = /^(docker\.io\/)?(library\/)?postgres(:|@|$)/.test(svc.image) ? 'postgres' : /^(docker\.io\/)?(library\/)?redis(:|@|$)/.test(svc.image) ? 'redis' : undefined;
    // one of its kind, run as the image runs it: an add-on; a command or entrypoint of its own (a password,
    // a TLS set-up) would be lost, and several of a kind (a test matrix) are the team's, not a dependency
    if (kind && /^[a-z][a-z0-9-]*$/.test(name) && svc.command === undefined && svc.entrypoint === undefined) addonOf.set(name, kind);
  }
  for (const kind of new Set(addonOf.values())) {
    const same = [...addonOf].filter(([, k]) => k === kind).map(([n]) => n);
    if (same.length > 1) {
      for (const n of same) addonOf.delete(n);
      plan.notes.push(`your compose file has ${same.length} ${kind} services (${same.join(', ')}): they stay yours, as they are, rather than one ${addonClass(kind)}.`);
    }
  }

  for (const [name, svc] of Object.entries(services)) {
    if (!isObject(svc)) continue;
    const ourName = renamed.get(name);
    if (ourName) {
      const our = ours.find((o) => o.name === ourName)!;
      const env = environmentOf(svc.environment);
      for (const [dep, condition] of dependsOnOf(svc.depends_on)) {
        if (addonOf.has(dep) || renamed.has(dep)) continue;
        if (our.server) plan.dependsOn.push([ourName, dep, condition]);
      }
      const wired = new Set<string>([...dependsOnOf(svc.depends_on).map(([d]) => addonOf.get(d)).filter((k): k is ComposeAddon['kind'] => k !== undefined)].map((k) => WIRED[k]));
      // a service of theirs that builds another image (their development build) names paths of its own
      // mounts (`SHIORI_DIR: /srv/shiori` over `./dev-data:/srv/shiori`): the generated service has none of them
      const mounts = buildsOurDockerfile(svc.build) ? [] : mountTargets(svc.volumes);
      const theirMount = (v: string) => mounts.some((t) => v === t || v.startsWith(`${t}/`));
      const mounted = Object.keys(env).filter((k) => theirMount(env[k]));
      if (mounted.length) plan.notes.push(`${ourName}: not carried over from your compose service ${name} (it builds another image): ${mounted.map((k) => `${k}=${env[k]}`).join(', ')}, a path of its own volumes, which the generated service does not mount.`);
      const kept = Object.fromEntries(Object.entries(env).filter(([k, v]) => k !== 'PORT' && !wired.has(k) && !v.includes('${') && !theirMount(v)));
      const dropped = Object.keys(env).filter((k) => wired.has(k));
      if (dropped.length) plan.notes.push(`${ourName} gets ${dropped.map((k) => `${k}_FILE`).join(', ')} from the add-on (a file holding the URL, with a generated password) instead of your ${dropped.join(', ')}: read it with the sample's envOrFile("${dropped[0]}").`);
      if (Object.keys(kept).length) plan.environment.set(ourName, { ...(plan.environment.get(ourName) ?? {}), ...kept });
      continue;
    }
    const kind = addonOf.get(name);
    if (kind) {
      const env = environmentOf(svc.environment);
      const users = [...renamed].filter(([theirs]) => dependsOnOf(services[theirs]?.depends_on).some(([d]) => d === name)).map(([, o]) => o);
      const tagged = /:[\w][\w.-]*$/.test(svc.image) && !/@/.test(svc.image);
      plan.addons.push({
        kind,
        name,
        image: tagged ? svc.image.replace(/^(docker\.io\/)?(library\/)?/, '') : undefined,
        services: users.length ? [...new Set(users)] : undefined,
        database: kind === 'postgres' && /^[a-z_][a-z0-9_]{0,62}$/.test(env.POSTGRES_DB ?? '') ? env.POSTGRES_DB : undefined,
        user: kind === 'postgres' && /^[a-z_][a-z0-9_]{0,62}$/.test(env.POSTGRES_USER ?? '') ? env.POSTGRES_USER : undefined,
        migrations: kind === 'postgres' ? migrationsOf(dir, plan) : undefined,
      });
      continue;
    }
    plan.own.services[name] = renameReferences(svc, renamed);
  }
  for (const section of ['volumes', 'networks'] as const) {
    const defs = isObject(doc?.[section]) ? doc[section] : {};
    for (const [name, d] of Object.entries(defs)) {
      // the volumes only the add-ons used go with them (the add-ons have their own)
      if (section === 'volumes' && !usedBy(name, plan.own.services)) continue;
      plan.own[section][name] = d ?? {};
    }
  }
  return plan;
}

/** The .projenrc.ts statements of a compose plan: add-ons, the services of the user's, our depends_on on theirs. */
export function composeStatements(s: CodeStyle, plan: ComposePlan): { addons: string[]; statements: string[] } {
  const addons = plan.addons.map((a) => {
    const props: Array<[string, string]> = [];
    if (a.name !== a.kind) props.push(['name', s.str(a.name)]);
    if (a.image) props.push(['image', s.str(a.image)]);
    if (a.database) props.push(['database', s.str(a.database)]);
    if (a.user) props.push(['user', s.str(a.user)]);
    if (a.services) props.push(['services', `[${a.services.map((x) => s.str(x)).join(', ')}]`]);
    if (a.migrations?.off) props.push(['migrations', 'false']);
    else if (a.migrations?.directory) props.push(['migrationsOptions', `{ directory: ${s.str(a.migrations.directory)} }`]);
    return `new ${s.ref(addonClass(a.kind))}(${s.project}${props.length ? `, { ${props.map(([k, v]) => `${k}: ${v}`).join(', ')} }` : ''});`;
  });
  const lines: string[] = [];
  const method = { services: 'addService', volumes: 'addVolume', networks: 'addNetwork' } as const;
  for (const section of ['services', 'volumes', 'networks'] as const) {
    for (const [name, d] of Object.entries(plan.own[section])) {
      const empty = section !== 'services' && isObject(d) && Object.keys(d).length === 0;
      lines.push(`${s.project}.compose.${method[section]}(${s.str(name)}${empty ? '' : `, ${literal(s, d, 0)}`});`);
    }
  }
  for (const [ours, theirs, condition] of plan.dependsOn) {
    lines.push(`${s.project}.compose.addOverride(${s.str(`services.${ours}.depends_on.${theirs.replace(/\./g, '\\.')}.condition`)}, ${s.str(condition)});`);
  }
  const statements = lines.length ? [`// from your ${plan.file} (kept as .pre-projen/${plan.file}): the services of your own\n${lines.join('\n')}`] : [];
  return { addons, statements };
}

/** A JavaScript literal of plain data: on one line when short, else one property per line. */
function literal(s: CodeStyle, v: unknown, depth: number): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return s.str(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const pad = '  '.repeat(depth + 1);
  if (Array.isArray(v)) {
    const items = v.map((x) => literal(s, x, depth + 1));
    const line = `[${items.join(', ')}]`;
    return line.length <= 80 && !line.includes('\n') ? line : `[\n${items.map((i) => `${pad}${i},`).join('\n')}\n${'  '.repeat(depth)}]`;
  }
  const entries = Object.entries(v as object).map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : s.str(k)}: ${literal(s, x, depth + 1)}`);
  if (entries.length === 0) return '{}';
  const line = `{ ${entries.join(', ')} }`;
  return line.length <= 80 && !line.includes('\n') ? line : `{\n${entries.map((e) => `${pad}${e},`).join('\n')}\n${'  '.repeat(depth)}}`;
}

function isObject(v: unknown): v is { [k: string]: any } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `build: .` or `build: { context: ., dockerfile: Dockerfile }`: the Dockerfile the generated one replaces. */
function buildsOurDockerfile(build: unknown): boolean {
  if (typeof build === 'string') return ['.', './', ''].includes(build.trim());
  if (!isObject(build)) return false;
  const context = typeof build.context === 'string' ? build.context.trim() : '.';
  const dockerfile = typeof build.dockerfile === 'string' ? build.dockerfile.replace(/^\.\//, '') : 'Dockerfile';
  return ['.', './', ''].includes(context) && dockerfile === 'Dockerfile';
}

/** depends_on, short (a list) or long (a map), as [service, condition]. */
function dependsOnOf(d: unknown): Array<[string, string]> {
  if (Array.isArray(d)) return d.filter((x): x is string => typeof x === 'string').map((x) => [x, 'service_started']);
  if (isObject(d)) return Object.entries(d).map(([k, v]) => [k, isObject(v) && typeof v.condition === 'string' ? v.condition : 'service_started']);
  return [];
}

/** Where a compose service's volumes are mounted (`./data:/srv/data:ro`, `{ target: /srv }`), absolute paths only. */
function mountTargets(volumes: unknown): string[] {
  if (!Array.isArray(volumes)) return [];
  return volumes.map((v) => (typeof v === 'string' ? (v.includes(':') ? v.split(':')[1] : v) : isObject(v) && typeof v.target === 'string' ? v.target : undefined))
    .filter((t): t is string => typeof t === 'string' && t.startsWith('/') && t !== '/')
    .map((t) => t.replace(/\/+$/, ''));
}

/** environment, as a list (`A=b`) or a map, as a map of strings. */
function environmentOf(e: unknown): { [name: string]: string } {
  if (Array.isArray(e)) {
    return Object.fromEntries(e.filter((x): x is string => typeof x === 'string' && x.includes('=')).map((x) => [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)]));
  }
  if (isObject(e)) return Object.fromEntries(Object.entries(e).filter(([, v]) => v !== null && typeof v !== 'object').map(([k, v]) => [k, String(v)]));
  return {};
}

/** A service of the user's with its references to the services that became ours renamed (depends_on, links). */
function renameReferences(svc: { [k: string]: any }, renamed: Map<string, string>): { [k: string]: any } {
  const out = JSON.parse(JSON.stringify(svc));
  const to = (n: string) => renamed.get(n) ?? n;
  if (Array.isArray(out.depends_on)) out.depends_on = out.depends_on.map((d: unknown) => (typeof d === 'string' ? to(d) : d));
  else if (isObject(out.depends_on)) out.depends_on = Object.fromEntries(Object.entries(out.depends_on).map(([k, v]) => [to(k), v]));
  if (Array.isArray(out.links)) out.links = out.links.map((l: unknown) => (typeof l === 'string' ? l.replace(/^[^:]+/, (n) => to(n)) : l));
  return out;
}

/** Whether a named volume is mounted by one of the services. */
function usedBy(volume: string, services: { [name: string]: any }): boolean {
  return Object.values(services).some((svc) => Array.isArray(svc?.volumes) && svc.volumes.some((v: unknown) =>
    (typeof v === 'string' && v.split(':')[0] === volume) || (isObject(v) && v.source === volume)));
}

/** The Postgres add-on's migrations, from the repository's own (src/cli/adopt/repo-migrations.ts); what adopt found goes into its notes. */
function migrationsOf(dir: string, plan: ComposePlan): { directory?: string; off: boolean } {
  const found = readRepoMigrations(dir);
  plan.notes.push(...found.notes);
  return { directory: found.directory, off: found.off };
}
