import { Project } from 'projen';
import { Addon, AddonContainer, AddonOptions, AddonSecret } from './addon';
import { Migrations, MigrationsOptions } from './migrations';
import { registerAddonKind } from './registry';
import { problem, throwIfProblems } from '../model/problems';
import { SECRETS_MOUNT } from '../model/wiring';

/** The Postgres release compose runs unless told otherwise. */
const POSTGRES_IMAGE = 'postgres:17.6-alpine';

const POSTGRES = registerAddonKind({
  kind: 'postgres', className: 'PostgresDatabase', summary: 'a PostgreSQL database for local development', image: POSTGRES_IMAGE, port: 5432, urlVariable: 'DATABASE_URL',
});

/**
 * Options for PostgresDatabase.
 */
export interface PostgresDatabaseOptions extends AddonOptions {
  /**
   * The database name.
   * @default - the project name, with dashes as underscores
   */
  readonly database?: string;
  /**
   * The database user.
   * @default "app"
   */
  readonly user?: string;
  /**
   * Run schema migrations (SQL files in `migrations/`, golang-migrate) before the services wired to
   * the database start: a one-shot compose service they wait for, an init container on Kubernetes.
   * @default true
   */
  readonly migrations?: boolean;
  /**
   * Where the migrations are.
   * @default - "migrations"
   */
  readonly migrationsOptions?: MigrationsOptions;
}

/**
 * A PostgreSQL database for local development: a compose service with a `pg_isready` health check,
 * a named volume, and its password in a compose secret that `make secrets` creates on first use.
 * Connected services get `DATABASE_URL_FILE` (read it with the sample's `envOrFile("DATABASE_URL")`)
 * and start once the database is healthy.
 *
 * ```ts
 * new PostgresDatabase(project, { services: ['hello'] });
 * ```
 */
export class PostgresDatabase extends Addon {
  /** The database name. */
  public readonly database: string;
  /** The database user. */
  public readonly user: string;

  private readonly schema?: Migrations;

  constructor(project: Project, options: PostgresDatabaseOptions = {}) {
    const database = options.database ?? project.name.replace(/-/g, '_');
    const user = options.user ?? 'app';
    throwIfProblems(Object.entries({ database, user })
      .filter(([, value]) => !/^[a-z_][a-z0-9_]{0,62}$/.test(value))
      .map(([option, value]) => problem(options.name ?? 'postgres', option, `${JSON.stringify(value)} is not a plain Postgres identifier`, 'Use lowercase letters, digits and underscores, starting with a letter')));
    super(project, POSTGRES, options);
    this.database = database;
    this.user = user;
    if (options.migrations ?? true) {
      this.schema = new Migrations(this.name, options.migrationsOptions);
    } else if (options.migrationsOptions) {
      throwIfProblems([problem(this.name, 'migrationsOptions', 'is set, and migrations is false', 'Remove migrationsOptions, or leave migrations on')]);
    }
  }

  /** The schema migrations that run before the connected services start (unless `migrations: false`). */
  public get migrations(): Migrations | undefined {
    return this.schema;
  }

  /** @internal */
  public _container(): AddonContainer {
    return {
      environment: {
        POSTGRES_DB: this.database,
        POSTGRES_USER: this.user,
        POSTGRES_PASSWORD_FILE: `${SECRETS_MOUNT}/${this.passwordSecret}`,
      },
      secrets: [this.passwordSecret],
      dataPath: '/var/lib/postgresql/data',
      // over TCP: while the image initializes a new volume, its temporary server listens on the Unix
      // socket only, and a client of the network (the migrations) would be refused
      health: { test: ['CMD', 'pg_isready', '-h', '127.0.0.1', '-U', this.user, '-d', this.database], interval: '5s', timeout: '3s', retries: 10, startPeriod: '10s' },
    };
  }

  /** @internal */
  public _secrets(): AddonSecret[] {
    return this.passwordAndUrlSecrets(`postgres://${this.user}:%s@${this.name}:${this.port}/${this.database}?sslmode=disable`);
  }

}
