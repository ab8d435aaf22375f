import { NONROOT_UID } from '../model/constants';
import { MigrationsModel } from '../model/migrations';
import { imageVariable } from '../model/names';
import { problem } from '../model/problems';

/**
 * Options for the schema migrations of a database add-on.
 */
export interface MigrationsOptions {
  /**
   * The directory of the SQL files, relative to the repository: golang-migrate's sequential pairs
   * (`000001_create_greetings.up.sql` and `.down.sql`); `make migrate-new NAME=...` adds the next.
   * @default "migrations"
   */
  readonly directory?: string;
}

/**
 * Schema migrations of a database add-on: a directory of SQL files run by golang-migrate (pinned,
 * built from the Go module proxy in the Dockerfile's `migrate-tool` stage, on scratch, as uid 65532)
 * before the services wired to the database start. In compose a one-shot service
 * (`<database>-migrate`) that they wait for with `condition: service_completed_successfully`; on
 * Kubernetes an init container of their pods, under the same `restricted` security context. Both
 * read the connection URL from the same `<VARIABLE>_FILE` secret as the services. A migration that
 * fails keeps the services from starting, and its error is in `make compose-up`'s output.
 *
 * On by default wherever a service is wired to Postgres; `migrations: false` turns it off.
 */
export class Migrations {
  /** The default directory of the SQL files. */
  public static readonly DEFAULT_DIRECTORY = 'migrations';

  /** The directory of the SQL files. */
  public readonly directory: string;
  /** The one-shot compose service, and the Dockerfile target of its image. */
  public readonly service: string;

  /**
   * @param database the add-on whose database they migrate (its compose service name)
   * @param options where the SQL files are
   */
  constructor(private readonly database: string, options: MigrationsOptions = {}) {
    this.directory = (options.directory ?? Migrations.DEFAULT_DIRECTORY).replace(/^\.\//, '').replace(/\/+$/, '');
    this.service = `${database}-migrate`;
  }

  /** What is wrong with the options, in the house form. */
  public problems(): string[] {
    const d = this.directory;
    if (typeof d !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(d) || d.split('/').includes('..') || d.startsWith('.secrets')) {
      return [problem(this.database, 'migrationsOptions.directory', `${JSON.stringify(d)} is not a directory of the repository`, 'Use a relative path such as "migrations" or "db/migrations"')];
    }
    return [];
  }

  /**
   * The migrations as the renderers read them.
   * @internal
   */
  public _toModel(facts: { project: string; urlVariable: string; urlSecret: string; services: string[] }): MigrationsModel {
    const imageName = `${facts.project}-${this.service}`;
    return {
      directory: this.directory,
      service: this.service,
      imageName,
      imageVariable: imageVariable({ name: `${this.service}` }),
      database: this.database,
      urlVariable: facts.urlVariable,
      urlSecret: facts.urlSecret,
      services: facts.services,
      user: `${NONROOT_UID}:${NONROOT_UID}`,
      command: ['up'],
    };
  }
}
