/**
 * Schema migrations as the renderers read them: a directory of SQL files, run by a pinned migration
 * tool (golang-migrate, built from the Go module proxy) in an image of its own, before the services
 * wired to the database start: a one-shot compose service they wait for
 * (`service_completed_successfully`), and an init container of their Kubernetes pods.
 */
export interface MigrationsModel {
  /** The directory of the SQL files, relative to the repository (`migrations`). */
  readonly directory: string;
  /** The compose service that runs them once, and the Dockerfile target of its image (`postgres-migrate`). */
  readonly service: string;
  /** The image name, without registry or tag (`hello-postgres-migrate`). */
  readonly imageName: string;
  /** The variable (make and compose) that holds the image name, registry prefix applied. */
  readonly imageVariable: string;
  /** The add-on (compose service) whose database they migrate. */
  readonly database: string;
  /** The connection variable, read as `<VARIABLE>_FILE`, as the services read it. */
  readonly urlVariable: string;
  /** The compose secret (and file under /run/secrets) that holds the connection URL. */
  readonly urlSecret: string;
  /** The services that wait for the migrations, by name. */
  readonly services: readonly string[];
  /** The user the image runs as, `uid:gid`. */
  readonly user: string;
  /** The command the image runs unless told otherwise (`up`). */
  readonly command: readonly string[];
}

/** The migration tool: golang-migrate's CLI, with the Postgres driver and the file source only. */
export const MIGRATE_TOOL = {
  /** The package `go install` builds. */
  package: 'github.com/golang-migrate/migrate/v4/cmd/migrate',
  /** The pinned release: it moves with a release of projen-go-service (Renovate updates the package). */
  version: 'v4.19.1',
  /** The build tags that select its drivers. */
  tags: ['postgres'],
  /** The Dockerfile stage that builds it and the runner, once for every migrations image. */
  stage: 'migrate-tool',
  /** Where the tool lands in the image. */
  binary: '/usr/local/bin/migrate',
  /** Where the runner (the image's entrypoint) lands. */
  runner: '/usr/local/bin/migrate-run',
  /** Where the SQL files land in the image. */
  path: '/migrations',
} as const;

/**
 * The Postgres driver of the sample handler that reads the first migration's table: the handler is
 * written only once go.mod requires it (`add postgres` runs `go get` for it), so the build never
 * needs a module go.mod does not have.
 */
export const SAMPLE_DB_DRIVER = { module: 'github.com/jackc/pgx/v5', package: 'github.com/jackc/pgx/v5/stdlib', version: 'v5.9.2' } as const;

/** The file name of migration number `n` in golang-migrate's sequential form: `000001_name.up.sql`. */
export function migrationFile(n: number, name: string, direction: 'up' | 'down'): string {
  return `${String(n).padStart(6, '0')}_${name}.${direction}.sql`;
}

/**
 * The runner: the image's entrypoint. It reads the connection URL from `$<VARIABLE>` or the file
 * `$<VARIABLE>_FILE` names (the compose secret, the Kubernetes Secret), then runs the tool with it
 * (exec: the tool's output and exit status are the container's). Standard library only, static. The
 * source has no single quote: the Dockerfile writes it with printf '%s\n' '<line>' ...
 *
 *   migrate-run VARIABLE DIRECTORY [COMMAND ARGS...]    default command: up
 */
export const MIGRATE_RUNNER_SOURCE: readonly string[] = [
  '// migrate-run: hands golang-migrate the database URL from $VARIABLE or the file $VARIABLE_FILE names.',
  '// Written by projen-go-service.',
  '//',
  '//\tmigrate-run VARIABLE DIRECTORY [COMMAND ARGS...]   (default command: up)',
  'package main',
  '',
  'import (',
  '\t"os"',
  '\t"strings"',
  '\t"syscall"',
  ')',
  '',
  'func main() {',
  '\tif len(os.Args) < 3 {',
  '\t\tfail("usage: migrate-run VARIABLE DIRECTORY [COMMAND ARGS...]")',
  '\t}',
  '\tname, dir := os.Args[1], os.Args[2]',
  '\turl := os.Getenv(name)',
  '\tif file := os.Getenv(name + "_FILE"); url == "" && file != "" {',
  '\t\tb, err := os.ReadFile(file)',
  '\t\tif err != nil {',
  '\t\t\tfail("migrate-run: " + name + "_FILE: " + err.Error())',
  '\t\t}',
  '\t\turl = strings.TrimSpace(string(b))',
  '\t}',
  '\tif url == "" {',
  '\t\tfail("migrate-run: set " + name + " or " + name + "_FILE to the database URL")',
  '\t}',
  '\targs := os.Args[3:]',
  '\tif len(args) == 0 {',
  '\t\targs = []string{"up"}',
  '\t}',
  '\targv := append([]string{"migrate", "-path", dir, "-database", url}, args...)',
  `\terr := syscall.Exec("${MIGRATE_TOOL.binary}", argv, os.Environ())`,
  `\tfail("migrate-run: ${MIGRATE_TOOL.binary}: " + err.Error())`,
  '}',
  '',
  'func fail(msg string) {',
  '\tos.Stderr.WriteString(msg + "\\n")',
  '\tos.Exit(1)',
  '}',
];
