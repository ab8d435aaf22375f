import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';

/** Where repositories keep their SQL migrations, in the order adopt looks. */
const CANDIDATES = ['migrations', 'db/migrations', 'database/migrations', 'sql/migrations', 'internal/db/migrations'];

/** What adopt found of a repository's migrations, and how the Postgres add-on takes them. */
export interface RepoMigrations {
  /** The directory of golang-migrate pairs (`*.up.sql`), when it is not the default `migrations`. */
  readonly directory?: string;
  /** Migrations in another tool's form (goose's annotated files): they stay the repository's (`migrations: false`). */
  readonly off: boolean;
  readonly notes: string[];
}

/**
 * A repository's migrations directory, and the library that reads it (go.mod): golang-migrate's
 * sequential or timestamped pairs (`*.up.sql` and `*.down.sql`) are wired as they are; another
 * form (goose's `-- +goose Up` files) is left to the repository, with `migrations: false`, and said.
 * No directory at all: `migrations: false` too, for a schema adopt knows nothing of.
 */
export function readRepoMigrations(dir: string): RepoMigrations {
  const goMod = existsSync(join(dir, 'go.mod')) ? readFileSync(join(dir, 'go.mod'), 'utf-8') : '';
  for (const candidate of CANDIDATES) {
    const path = join(dir, candidate);
    if (!existsSync(path) || !statSync(path).isDirectory()) continue;
    const sql = readdirSync(path).filter((f) => f.endsWith('.sql'));
    if (sql.length === 0) continue;
    if (sql.some((f) => /^\d+_.+\.up\.sql$/.test(f))) {
      const library = goMod.includes('github.com/golang-migrate/migrate') ? ' (the library go.mod requires)' : '';
      return {
        directory: candidate === 'migrations' ? undefined : candidate,
        off: false,
        notes: [`${candidate}/ holds golang-migrate's migrations${library}: they run before the services start (the postgres-migrate compose service, an init container on Kubernetes).`],
      };
    }
    const goose = goMod.includes('github.com/pressly/goose') || sql.some((f) => readFileSync(join(path, f), 'utf-8').includes('+goose Up'));
    return {
      off: true,
      notes: [`${candidate}/ holds ${goose ? 'goose' : 'SQL'} migrations that golang-migrate does not read (it reads <n>_<name>.up.sql and .down.sql pairs): they stay yours, and the Postgres add-on runs none (migrations: false).`],
    };
  }
  return { off: true, notes: [] };
}
