import { Component, Project } from 'projen';
import { Migrations } from './migrations';
import { GoService, servicesOf } from '../go-service';
import { SECRETS_DIR } from '../model/constants';
import { contextOf, ProjectContext } from '../model/context';
import { DIGEST, parseImageRef } from '../model/image-ref';
import { AddonHealthModel, AddonModel } from '../model/model';
import { SERVICE_NAME } from '../model/names';
import { problem, throwIfProblems } from '../model/problems';
import { SECRETS_MOUNT } from '../model/wiring';

/**
 * A secret file that compose hands to containers, created by `make secrets` on first use (never
 * committed, never in the build context).
 */
export interface AddonSecret {
  /** The compose secret name. */
  readonly name: string;
  /** The file, relative to the repository root. */
  readonly file: string;
  /** The Makefile recipe that creates the file (`$@` is the file). */
  readonly recipe: string[];
  /**
   * Files the recipe reads.
   * @default - none
   */
  readonly prerequisites?: string[];
}

/**
 * Options every add-on takes.
 */
export interface AddonOptions {
  /**
   * The compose service name (also the host name services connect to).
   * @default - the add-on's kind: "postgres", "redis"
   */
  readonly name?: string;
  /**
   * The Go services that use this add-on, by name: they get its connection setting and wait for it
   * to be healthy.
   * @default - every service
   */
  readonly services?: string[];
  /**
   * The image, pinned (`name:tag`).
   * @default - a pinned release, see each add-on
   */
  readonly image?: string;
  /**
   * Pin the image by digest as well.
   * @default - pinned by tag only
   */
  readonly digest?: string;
  /**
   * Publish the add-on's port on the host, for local tools.
   * @default - not published: only the services reach it
   */
  readonly hostPort?: number;
  /**
   * The environment variable, in the `_FILE` form, through which services get the connection URL.
   * @default - "DATABASE_URL" for databases, "REDIS_URL" for caches
   */
  readonly urlVariable?: string;
}

/** How an add-on's container runs (compose, and the renderers after it). */
export interface AddonContainer {
  /** Its command, if not the image's. */
  readonly command?: string[];
  /** Its own environment. */
  readonly environment?: { [name: string]: string };
  /** The compose secrets it reads itself. */
  readonly secrets?: string[];
  /** Where its data volume is mounted. */
  readonly dataPath: string;
  readonly health: AddonHealthModel;
}

/** What a concrete add-on says about itself. */
export interface AddonDefaults {
  /** The add-on's kind, its default name. */
  readonly kind: string;
  /** The pinned image it uses unless told otherwise. */
  readonly image: string;
  /** The port it listens on inside the compose network. */
  readonly port: number;
  /** The connection variable services get unless told otherwise. */
  readonly urlVariable: string;
}

/**
 * A backing service for local development (a database, a cache) that lives in docker-compose.yml
 * and is wired into the Go services that use it: their connection setting arrives as a compose
 * secret (`<VARIABLE>_FILE`), and they start once it is healthy.
 */
export abstract class Addon extends Component {
  /** Whether `x` is an add-on. */
  public static isAddon(x: any): x is Addon {
    return x !== null && typeof x === 'object' && ADDON in x;
  }

  /** The compose service name. */
  public readonly name: string;
  /** The port the add-on listens on. */
  public readonly port: number;
  /** The host port it is published on, if any. */
  public readonly hostPort?: number;
  /** The connection variable services get (as `<VARIABLE>_FILE`). */
  public readonly urlVariable: string;
  /** The add-on's kind (`postgres`, `redis`): its default name and its word in the CLI. */
  public readonly kind: string;

  private readonly model: ProjectContext;
  private readonly serviceNames?: string[];
  private readonly imageRef: string;
  private readonly digest?: string;

  protected constructor(project: Project, defaults: AddonDefaults, options: AddonOptions = {}) {
    const name = options.name ?? defaults.kind;
    const model = contextOf(project, () => `${name}: an add-on belongs to a GoServiceProject. Create it with the GoServiceProject as its first argument.`);
    const clash = model.addons.find((a) => a.name === name);
    if (clash || model.services.some((s) => s.name === name)) {
      const what = `${clash ? 'an add-on' : 'a service'} named "${name}" already exists, and compose service names must be unique`;
      throw new Error(problem(name, 'name', what, `Give this ${defaults.kind} its own name: new ${new.target.name}(project, { name: '${name}-2' })`));
    }
    super(project, `Addon.${name}`);
    Object.defineProperty(this, ADDON, { value: true });
    this.model = model;
    this.name = name;
    this.kind = defaults.kind;
    this.port = defaults.port;
    this.hostPort = options.hostPort;
    this.urlVariable = options.urlVariable ?? defaults.urlVariable;
    this.serviceNames = options.services ? [...options.services] : undefined;
    this.imageRef = options.image ?? defaults.image;
    this.digest = options.digest;
    throwIfProblems(this.ownProblems());
  }

  /** The Go services wired to this add-on. */
  public get connectedServices(): GoService[] {
    const all = servicesOf(this.project);
    return this.serviceNames ? all.filter((s) => this.serviceNames!.includes(s.name)) : all;
  }

  /** The image reference compose uses (mirror and digest applied). */
  public get image(): string {
    return this.model.imageRef(this.imageRef, this.digest);
  }

  /** The image as the model names it, before mirror and pin (`postgres:17.6-alpine`). */
  public get imageName(): string {
    return this.imageRef;
  }

  /** Whether the image is pinned by digest (here or in the project's imageDigests). */
  public get isPinned(): boolean {
    return this.model.digestOf(this.imageRef, this.digest) !== undefined;
  }

  /** The compose secret carrying the connection URL. */
  public get urlSecret(): string {
    return `${this.name.replace(/-/g, '_')}_url`;
  }

  /** Where secret files live. */
  protected secretFile(name: string): string {
    return `${SECRETS_DIR}/${name}`;
  }

  /**
   * How the add-on's container runs: its command, environment, secrets, volumes and health check.
   * @internal
   */
  public abstract _container(): AddonContainer;

  /**
   * Secret files this add-on needs, with the recipes that create them.
   * @internal
   */
  public abstract _secrets(): AddonSecret[];

  /**
   * Named volumes this add-on declares.
   * @internal
   */
  public _volumes(): string[] {
    return [`${this.name}-data`];
  }

  /**
   * The add-on as the renderers read it: plain data.
   * @internal
   */
  public _toModel(): AddonModel {
    const container = this._container();
    return {
      name: this.name,
      kind: this.kind,
      image: this.image,
      port: this.port,
      hostPort: this.hostPort,
      urlVariable: this.urlVariable,
      connectedServices: this.connectedServices.map((s) => s.name),
      command: container.command,
      environment: container.environment,
      ownSecrets: container.secrets ?? [],
      volumes: this._volumes().map((name) => ({ name, mountPath: container.dataPath })),
      health: container.health,
      secrets: this._secrets(),
      serviceEnvironment: { [`${this.urlVariable}_FILE`]: `${SECRETS_MOUNT}/${this.urlSecret}` },
      serviceSecrets: [this.urlSecret],
      migrations: this.migrations?._toModel({
        project: this.project.name,
        urlVariable: this.urlVariable,
        urlSecret: this.urlSecret,
        services: this.connectedServices.map((s) => s.name),
      }),
    };
  }

  /**
   * The schema migrations that run before the connected services start, if the add-on has any.
   * @default - none
   */
  public get migrations(): Migrations | undefined {
    return undefined;
  }

  /**
   * Problems that need the whole model (the services may be added after the add-on).
   * @internal
   */
  public _problems(): string[] {
    const problems: string[] = [];
    const known = this.model.services.map((s) => s.name);
    for (const s of this.serviceNames ?? []) {
      if (!known.includes(s)) {
        problems.push(problem(this.name, 'services', `there is no service named "${s}"`, `Use one of: ${known.join(', ')}`));
      }
    }
    if (this.hostPort !== undefined) {
      const clash = this.model.services.find((s) => s.port === this.hostPort)
        ?? this.model.addons.find((a) => a !== this && a.hostPort === this.hostPort);
      if (clash) {
        problems.push(problem(this.name, 'hostPort', `port ${this.hostPort} is already published by ${clash.name}`, 'Choose another host port'));
      }
    }
    const migrations = this.migrations;
    if (migrations) {
      problems.push(...migrations.problems());
      const taken = this.model.services.some((s) => s.name === migrations.service) || this.model.addons.some((a) => a.name === migrations.service);
      if (taken) {
        problems.push(problem(this.name, 'migrations', `its migrations run as the compose service "${migrations.service}", and a service or add-on of that name exists`, `Rename that one, or set migrations: false on ${this.name}`));
      }
    }
    for (const s of this.connectedServices) {
      const other = this.model.addons.find((a) =>
        a !== this && a.urlVariable === this.urlVariable && a.connectedServices.some((c) => c.name === s.name));
      if (other && this.model.addons.indexOf(other) < this.model.addons.indexOf(this)) {
        problems.push(problem(this.name, 'urlVariable', `${s.name} already gets ${this.urlVariable}_FILE from ${other.name}`,
          `Give one of them its own variable, such as urlVariable: '${this.urlVariable.replace(/_URL$/, '')}_${this.name.toUpperCase().replace(/-/g, '_')}_URL'`));
      }
    }
    return problems;
  }

  private ownProblems(): string[] {
    const problems: string[] = [];
    const n = this.name;
    if (typeof n !== 'string' || !SERVICE_NAME.test(n)) {
      problems.push(problem(String(n), 'name', `${JSON.stringify(n)} is not a valid compose service name`, 'Use lowercase letters, digits and single dashes, starting with a letter'));
    }
    const ref = parseImageRef(this.imageRef);
    if (!ref || (!ref.tag && !ref.digest)) {
      problems.push(problem(n, 'image', `${JSON.stringify(this.imageRef)} is not a pinned image reference`, 'Use name:tag, such as postgres:17.6-alpine'));
    }
    if (this.digest !== undefined && !DIGEST.test(this.digest)) {
      problems.push(problem(n, 'digest', `${JSON.stringify(this.digest)} is not a sha256 digest`, 'Use the form sha256:<64 hex digits>'));
    }
    if (this.hostPort !== undefined && (!Number.isInteger(this.hostPort) || this.hostPort < 1 || this.hostPort > 65535)) {
      problems.push(problem(n, 'hostPort', `${JSON.stringify(this.hostPort)} is not a TCP port`, 'Use a whole number from 1 to 65535'));
    }
    if (!/^[A-Z][A-Z0-9_]*$/.test(this.urlVariable)) {
      problems.push(problem(n, 'urlVariable', `${JSON.stringify(this.urlVariable)} is not an environment variable name`, 'Use upper-case letters, digits and underscores'));
    }
    return problems;
  }

  /** The compose secret carrying the add-on's password. */
  protected get passwordSecret(): string {
    return `${this.name.replace(/-/g, '_')}_password`;
  }

  /**
   * A random password, and the connection URL made from it (`%s` in `url` is the password): the
   * files `make secrets` creates. They are mode 0644 in a 0700 directory: compose bind-mounts them
   * into containers that run as other users.
   */
  protected passwordAndUrlSecrets(url: string): AddonSecret[] {
    const password = this.secretFile(this.passwordSecret);
    const created = '@echo "created $@ (ignored by git and by the build context)"';
    return [
      {
        name: this.passwordSecret,
        file: password,
        recipe: [
          '@mkdir -p $(dir $@) && chmod 700 $(dir $@)',
          "@head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \\n' > $@ && chmod 644 $@",
          created,
        ],
      },
      {
        name: this.urlSecret,
        file: this.secretFile(this.urlSecret),
        prerequisites: [password],
        recipe: [`@printf '${url}\\n' "$$(cat ${password})" > $@ && chmod 644 $@`, created],
      },
    ];
  }
}

const ADDON = Symbol.for('projen-go-service.Addon');

/** The add-ons of a project, in the order they were created. */
export function addonsOf(project: Project): Addon[] {
  return project.components.filter(Addon.isAddon);
}
