import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-34';
import {
  CertsLayer, DistrolessVariant, GoService, GoServiceProject, GoServiceProjectOptions, HealthCheck, Libc, PostgresDatabase, RedisCache,
  RuntimeStage, TzLayer,
} from '../src';

/**
 * The corpus of invalid configurations: each builds a project the way a `.projenrc.ts` would and
 * names the exact message it must be refused with. Used by the unit tests (in-process) and by the
 * end-to-end test (a failing `npx projen` that must leave the repository as it was).
 */
export interface InvalidConfig {
  readonly name: string;
  /** The `.projenrc.ts` body after the imports: it must define `project` and call synth. */
  readonly projenrc: string;
  readonly message: string;
  /** Builds the same configuration in-process (outdir given). */
  build(outdir: string): GoServiceProject;
}

const DIGEST = `sha256:${'a'.repeat(64)}`;

function project(outdir: string, options: Partial<GoServiceProjectOptions> = {}): GoServiceProject {
  return new GoServiceProject({ name: 'hello', outdir, ...options });
}

/** A case that only changes the project options. */
function opts(name: string, optionsSource: string, options: Partial<GoServiceProjectOptions>, message: string): InvalidConfig {
  return {
    name,
    projenrc: `const project = new GoServiceProject({ name: 'hello', ${optionsSource} });\nproject.synth();\n`,
    build: (outdir) => project(outdir, options),
    message,
  };
}

/** A case that adds a second service to a default project. */
function svc(name: string, serviceSource: string, build: (p: GoServiceProject) => void, message: string): InvalidConfig {
  return {
    name,
    projenrc: `const project = new GoServiceProject({ name: 'hello' });\n${serviceSource}\nproject.synth();\n`,
    build: (outdir) => {
      const p = project(outdir);
      build(p);
      return p;
    },
    message,
  };
}

const SERVICE_NAME_FIX = 'Use lowercase letters, digits and single dashes, starting with a letter, at most 40 characters (for example "worker").';
const PROJECT_NAME_FIX = 'Use lowercase letters, digits and single dashes, starting with a letter, at most 40 characters, and not a Makefile or builder-stage name (for example "hello").';
const PROJECT_NAME_WHAT = 'cannot name the project: it names the default service (cmd/<name>, its Dockerfile target and compose service) and the image.';

export const INVALID_CONFIGS: InvalidConfig[] = [
  // module paths
  opts('module path: empty', "modulePath: ''", { modulePath: '' },
    'modulePath: "" is not a Go module path. Use a lowercase host and path without spaces or a trailing slash, such as "github.com/acme/hello".'),
  opts('module path: spaces', "modulePath: 'example.com/my service'", { modulePath: 'example.com/my service' },
    'modulePath: "example.com/my service" is not a Go module path. Use a lowercase host and path without spaces or a trailing slash, such as "github.com/acme/hello".'),
  opts('module path: uppercase host', "modulePath: 'Example.com/hello'", { modulePath: 'Example.com/hello' },
    'modulePath: "Example.com/hello" is not a Go module path. Use a lowercase host and path without spaces or a trailing slash, such as "github.com/acme/hello".'),
  opts('module path: trailing slash', "modulePath: 'example.com/hello/'", { modulePath: 'example.com/hello/' },
    'modulePath: "example.com/hello/" is not a Go module path. Use a lowercase host and path without spaces or a trailing slash, such as "github.com/acme/hello".'),
  opts('module path: a .. element', "modulePath: 'example.com/../hello'", { modulePath: 'example.com/../hello' },
    'modulePath: "example.com/../hello" is not a Go module path. Use a lowercase host and path without spaces or a trailing slash, such as "github.com/acme/hello".'),

  // ports
  opts('port: 0', 'port: 0', { port: 0 },
    'hello.port: 0 is not a TCP port. Use a whole number from 1 to 65535.'),
  opts('port: 65536', 'port: 65536', { port: 65536 },
    'hello.port: 65536 is not a TCP port. Use a whole number from 1 to 65535.'),
  opts('port: not an integer', 'port: 80.5', { port: 80.5 },
    'hello.port: 80.5 is not a TCP port. Use a whole number from 1 to 65535.'),
  svc('port: used by two services', "new GoService(project, 'worker', { port: 8080 });",
    (p) => new GoService(p, 'worker', { port: 8080 }),
    'worker.port: port 8080 is already used by service hello. Give each service its own port.'),

  // service names
  svc('service name: empty', "new GoService(project, '', {});", (p) => new GoService(p, '', {}),
    `(unnamed).name: "" is not a valid service name: it names cmd/<name>, a Dockerfile stage, a compose service and Makefile targets. ${SERVICE_NAME_FIX}`),
  svc('service name: uppercase', "new GoService(project, 'Worker', { port: 9090 });", (p) => new GoService(p, 'Worker', { port: 9090 }),
    `Worker.name: "Worker" is not a valid service name: it names cmd/<name>, a Dockerfile stage, a compose service and Makefile targets. ${SERVICE_NAME_FIX}`),
  svc('service name: spaces', "new GoService(project, 'my worker', { port: 9090 });", (p) => new GoService(p, 'my worker', { port: 9090 }),
    `my worker.name: "my worker" is not a valid service name: it names cmd/<name>, a Dockerfile stage, a compose service and Makefile targets. ${SERVICE_NAME_FIX}`),
  svc('service name: ..', "new GoService(project, '..', { port: 9090 });", (p) => new GoService(p, '..', { port: 9090 }),
    `...name: ".." is not a valid service name: it names cmd/<name>, a Dockerfile stage, a compose service and Makefile targets. ${SERVICE_NAME_FIX}`),
  svc('service name: a Makefile target', "new GoService(project, 'test', { port: 9090 });", (p) => new GoService(p, 'test', { port: 9090 }),
    'test.name: "test" is a Makefile target of its own, and make test would not mean this service. Choose another name.'),
  svc('service name: the builder stage', "new GoService(project, 'builder', { port: 9090 });", (p) => new GoService(p, 'builder', { port: 9090 }),
    'builder.name: "builder" is the name of a builder stage in the Dockerfile. Choose another name.'),
  svc('service name: a build stage', "new GoService(project, 'build-hello', { port: 9090 });", (p) => new GoService(p, 'build-hello', { port: 9090 }),
    'build-hello.name: "build-hello" would collide with the Dockerfile stage that builds service "hello". Choose another name.'),
  svc('service name: a debug target', "new GoService(project, 'hello-debug', { port: 9090 });", (p) => new GoService(p, 'hello-debug', { port: 9090 }),
    'hello-debug.name: "hello-debug" would collide with the debug target of service "hello". Choose another name.'),
  svc('service name: taken', "new GoService(project, 'hello', { port: 9090 });", (p) => new GoService(p, 'hello', { port: 9090 }),
    'hello.name: a service with this name already exists in this project. Choose another name.'),
  {
    name: 'project name: uppercase',
    projenrc: "const project = new GoServiceProject({ name: 'Hello' });\nproject.synth();\n",
    build: (outdir) => new GoServiceProject({ name: 'Hello', outdir }),
    message: `name: "Hello" ${PROJECT_NAME_WHAT} ${PROJECT_NAME_FIX}`,
  },

  // Go versions
  opts('goVersion: 1.2', "goVersion: '1.2'", { goVersion: '1.2' },
    'goVersion: Go 1.2 is older than 1.21, which is the oldest release with the toolchain rules this project relies on. Use 1.21 or later: it builds older code too (set goDirective to keep go.mod\'s go line, the language version, as it is).'),
  opts('goVersion: 2', "goVersion: '2'", { goVersion: '2' },
    'goVersion: "2" is not a Go release we can build with. Use a Go release in the major.minor form, such as "1.26".'),
  opts('goVersion: latest', "goVersion: 'latest'", { goVersion: 'latest' },
    'goVersion: "latest" is not a Go release we can build with. Use a Go release in the major.minor form, such as "1.26".'),
  opts('goVersion: 1.26.0 (three parts)', "goVersion: '1.26.0'", { goVersion: '1.26.0' },
    'goVersion: "1.26.0" is not a Go release we can build with. Use the major.minor form "1.26": it names the builder image (golang:1.26-alpine) and the go line; go.mod may still say a patch release, which we keep.'),

  opts('goVersion: a release that does not exist yet', "goVersion: '1.30'", { goVersion: '1.30' },
    'goVersion: Go 1.30 does not exist yet: the newest release is 1.27. Use 1.27 or older.'),
  opts('goDirective: newer than the builder', "goVersion: '1.25', goDirective: '1.26'", { goVersion: '1.25', goDirective: '1.26' },
    'goDirective: go 1.26 is newer than the builder, Go 1.25 (goVersion), which could not build it. Raise goVersion to 1.26, or lower goDirective.'),
  opts('goDirective: not a version', "goDirective: 'latest'", { goDirective: 'latest' },
    'goDirective: "latest" is not a Go version. Use the go line as go.mod takes it, such as "1.16" or "1.24.3".'),

  // cgo
  opts('cgo on scratch', 'cgo: true', { cgo: true },
    'hello.cgo: cgo needs a C library, and scratch has none. Use RuntimeStage.distroless({ variant: DistrolessVariant.BASE }) or set cgo: false.'),
  opts('cgo on distroless static', 'cgo: true, runtime: RuntimeStage.distroless()', { cgo: true, runtime: RuntimeStage.distroless() },
    'hello.cgo: cgo needs a C library, and distroless static (Debian 13) has none. Use RuntimeStage.distroless({ variant: DistrolessVariant.BASE }) or set cgo: false.'),
  opts('cgo on alpine', "cgo: true, runtime: RuntimeStage.alpine({ version: '3.22' })", { cgo: true, runtime: RuntimeStage.alpine({ version: '3.22' }) },
    'hello.cgo: cgo binaries are built on Debian against glibc, and alpine 3.22 has musl, so the binary would not start. Use RuntimeStage.distroless({ variant: DistrolessVariant.BASE }) or set cgo: false.'),
  opts('cgo on more than one platform', "cgo: true, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.BASE }), platforms: ['linux/amd64', 'linux/arm64']",
    { cgo: true, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.BASE }), platforms: ['linux/amd64', 'linux/arm64'] },
    'hello.platforms: a cgo build runs on the target platform with that platform\'s gcc, so hello builds for the native platform only, not linux/amd64, linux/arm64. Leave platforms unset for hello (or give one platform), or set cgo: false.'),

  // runtimes
  opts('distroless: a variant that does not exist', "runtime: RuntimeStage.distroless({ variant: 'java' as DistrolessVariant })",
    { runtime: RuntimeStage.distroless({ variant: 'java' as DistrolessVariant }) },
    'hello.runtime: distroless has no "java" variant. Use DistrolessVariant.STATIC, DistrolessVariant.BASE or DistrolessVariant.CC.'),
  opts('distroless: Debian 11', 'runtime: RuntimeStage.distroless({ debian: 11 })', { runtime: RuntimeStage.distroless({ debian: 11 }) },
    'hello.runtime: distroless publishes no images for Debian 11. Use debian: 12 or 13.'),
  opts('alpine: latest', "runtime: RuntimeStage.alpine({ version: 'latest' })", { runtime: RuntimeStage.alpine({ version: 'latest' }) },
    'hello.runtime: alpine version "latest" is not a pinned Alpine release. Pin a release such as RuntimeStage.alpine({ version: \'3.22\' }).'),
  opts('custom: a malformed image reference', "runtime: RuntimeStage.custom('Registry.example.com/Base Image:1')", { runtime: RuntimeStage.custom('Registry.example.com/Base Image:1') },
    'hello.runtime: "Registry.example.com/Base Image:1" is not a valid image reference. Use name:tag, such as RuntimeStage.custom(\'registry.example.com/base:1.2\').'),
  opts('custom: no tag or digest', "runtime: RuntimeStage.custom('registry.example.com/base')", { runtime: RuntimeStage.custom('registry.example.com/base') },
    'hello.runtime: registry.example.com/base names no tag or digest, so it floats to whatever "latest" is. Pin a tag (name:1.2) or a digest.'),
  opts('custom: a malformed digest', "runtime: RuntimeStage.custom('registry.example.com/base:1', { digest: 'sha256:xyz' })",
    { runtime: RuntimeStage.custom('registry.example.com/base:1', { digest: 'sha256:xyz' }) },
    'hello.runtime: digest "sha256:xyz" is not a sha256 digest. Use the form sha256:<64 hex digits>, as `docker buildx imagetools inspect` prints it.'),
  opts('distroless: a digest without its algorithm', `runtime: RuntimeStage.distroless({ digest: '${'a'.repeat(64)}' })`,
    { runtime: RuntimeStage.distroless({ digest: 'a'.repeat(64) }) },
    `hello.runtime: digest "${'a'.repeat(64)}" is not a sha256 digest. Use the form sha256:<64 hex digits>, as \`docker buildx imagetools inspect\` prints it.`),
  opts('builder digest: malformed', "builderDigest: 'sha256:1234'", { builderDigest: 'sha256:1234' },
    'builderDigest: "sha256:1234" is not a sha256 digest. Use the form sha256:<64 hex digits>.'),
  opts('registry mirror: a URL', "registryMirror: 'https://mirror.example.com'", { registryMirror: 'https://mirror.example.com' },
    'registryMirror: "https://mirror.example.com" is not a registry host or path. Use a host with an optional path, such as "mirror.example.com/dockerhub".'),
  opts('custom: pinned twice', `runtime: RuntimeStage.custom('registry.example.com/base:1@${DIGEST}', { digest: '${DIGEST}' })`,
    { runtime: RuntimeStage.custom(`registry.example.com/base:1@${DIGEST}`, { digest: DIGEST }) },
    'hello.runtime: the image is pinned twice, in the reference and in digest. Give the digest in one place only.'),

  // certs and time zones
  opts('certs from a base that has none', 'certs: CertsLayer.fromBase()', { certs: CertsLayer.fromBase() },
    'hello.certs: scratch has no CA certificates to provide. Use CertsLayer.fromBuilder() (or CertsLayer.auto(), which picks it).'),
  opts('tz from a base that has none', 'tz: TzLayer.fromBase()', { tz: TzLayer.fromBase() },
    'hello.tz: scratch has no time-zone data to provide. Use TzLayer.embedded() or TzLayer.zoneinfoZip() (or TzLayer.auto(), which picks one).'),
  opts('tz: an unknown zone, close to a real one', "tz: TzLayer.embedded({ defaultZone: 'Europe/Berln' })", { tz: TzLayer.embedded({ defaultZone: 'Europe/Berln' }) },
    'hello.tz: "Europe/Berln" is not a time zone Go knows. Use an IANA name such as "Europe/Berlin".'),
  opts('tz: an unknown zone', "tz: TzLayer.auto({ defaultZone: 'Mars/Olympus' })", { tz: TzLayer.auto({ defaultZone: 'Mars/Olympus' }) },
    'hello.tz: "Mars/Olympus" is not a time zone Go knows. Use an IANA name such as "Europe/Berlin", or "UTC".'),
  opts('custom runtime without libc and cgo', "cgo: true, runtime: RuntimeStage.custom('registry.example.com/base:1', { libc: Libc.NONE })",
    { cgo: true, runtime: RuntimeStage.custom('registry.example.com/base:1', { libc: Libc.NONE }) },
    'hello.cgo: cgo needs a C library, and custom registry.example.com/base:1 has none. Use RuntimeStage.distroless({ variant: DistrolessVariant.BASE }) or set cgo: false.'),

  // other service options
  opts('userName on distroless', "runtime: RuntimeStage.distroless(), userName: 'app'", { runtime: RuntimeStage.distroless(), userName: 'app' },
    'hello.userName: distroless static (Debian 13) has its own /etc/passwd, which we do not replace. Leave userName unset (the image runs as a numeric uid), or use RuntimeStage.scratch().'),
  opts('environment: PORT', "environment: { PORT: '9000' }", { environment: { PORT: '9000' } },
    'hello.environment: PORT is set from the port option. Set port instead.'),
  opts('configFiles: outside the repository', "configFiles: ['../secrets.yaml']", { configFiles: ['../secrets.yaml'] },
    'hello.configFiles: "../secrets.yaml" is not a file path inside the repository. Use a relative path such as "config.yaml", without "..", globs or a trailing slash.'),
  opts('ldflags: quotes', "ldflags: ['-X \"main.x=y\"']", { ldflags: ['-X "main.x=y"'] },
    'hello.ldflags: "-X \\"main.x=y\\"" cannot be passed inside -ldflags "...". Leave out quotes, $, backslashes and backticks; give each flag as its own string.'),
  opts('mainPackage: absolute', "mainPackage: '/src/cmd/hello'", { mainPackage: '/src/cmd/hello' },
    'hello.mainPackage: "/src/cmd/hello" is not a package path inside the module. Use "." for the module root, or a relative path such as "./cmd/hello".'),
  opts('mainPackage: ./. (the module root is ".")', "mainPackage: './.'", { mainPackage: './.' },
    'hello.mainPackage: "./." is not a package path inside the module. Use "." for the main package in the module root.'),

  // how real services are run
  svc('a command with a port', "new GoService(project, 'migrate', { server: false, port: 9090 });", (p) => new GoService(p, 'migrate', { server: false, port: 9090 }),
    'migrate.port: a command (server: false) listens on no port. Remove port, or set server: true.'),
  opts('portVariable: not a variable name', "portVariable: 'http-port'", { portVariable: 'http-port' },
    'hello.portVariable: "http-port" is not an environment variable name. Use letters, digits and underscores, not starting with a digit, such as "HTTP_PORT".'),
  opts('portArgument: without {port}', "portArgument: '-listen=:8080'", { portArgument: '-listen=:8080' },
    'hello.portArgument: "-listen=:8080" is not one argument with {port} in it once. Write the argument as the binary takes it, such as "-listen=:{port}" or "--port={port}".'),
  opts('environment: sets the port variable', "portVariable: 'HTTP_PORT', environment: { HTTP_PORT: '1' }", { portVariable: 'HTTP_PORT', environment: { HTTP_PORT: '1' } },
    'hello.environment: HTTP_PORT is set from the port option. Set port instead.'),
  opts('args: a line break', "args: ['-v\\nx']", { args: ['-v\nx'] },
    'hello.args: ["-v\\nx"] is not a list of one-line arguments. Give each argument as its own string, such as args: [\'-config\', \'/etc/app.yaml\'].'),
  opts('workdir: relative', "workdir: 'app'", { workdir: 'app' },
    'hello.workdir: "app" is not an absolute path. Use a path such as "/app".'),
  opts('files: outside the repository', "workdir: '/app', files: { '../shared/templates': 'templates' }", { workdir: '/app', files: { '../shared/templates': 'templates' } },
    'hello.files: "../shared/templates" is not a path inside the repository. Use a relative path such as "templates" or "config/app.json", without "..", globs or a trailing slash.'),
  opts('files: a relative destination without workdir', "files: { templates: 'templates' }", { files: { templates: 'templates' } },
    'hello.files: templates goes to the relative path templates, and the service has no workdir. Set workdir (such as "/app"), or give an absolute destination such as "/app/templates".'),
  opts('files: over the binary', "files: { bin: '/usr/local/bin' }", { files: { bin: '/usr/local/bin' } },
    'hello.files: bin would replace /usr/local/bin in the image, which holds the binary or what the image needs. Choose another destination, such as one under workdir.'),
  opts('versionVariables: not a Go variable', "versionVariables: { version: 'Version' }", { versionVariables: { version: 'Version' } },
    'hello.versionVariables.version: "Version" is not a Go variable as -X names it. Use <import path>.<name>, such as "main.version" or "example.com/shop/internal/version.Version".'),

  opts('securityNotesFile: README.md', "securityNotesFile: 'README.md'", { securityNotesFile: 'README.md' },
    'securityNotesFile: "README.md" cannot hold the generated security notes. Use a Markdown file of the repository other than README.md, such as "docs/image-security.md".'),
  opts('makefileIncludes: a file that is not there', "makefileIncludes: ['local.mk']", { makefileIncludes: ['local.mk'] },
    'makefileIncludes: local.mk does not exist in the repository, and make would stop at the include. Create local.mk, or take it out of makefileIncludes.'),

  // health checks
  opts('healthCheck: an HTTP path without /', "healthCheck: HealthCheck.http({ path: 'healthz' })", { healthCheck: HealthCheck.http({ path: 'healthz' }) },
    'hello.healthCheck.path: "healthz" is not an HTTP path. Use a path that starts with /, such as HealthCheck.http({ path: \'/healthz\' }).'),
  svc('healthCheck: a TCP probe of a command', "new GoService(project, 'migrate', { server: false, healthCheck: HealthCheck.tcp() });",
    (p) => new GoService(p, 'migrate', { server: false, healthCheck: HealthCheck.tcp() }),
    'migrate.healthCheck: a tcp check probes the service\'s port, and this service has none (server: false). Give the check a port (HealthCheck.tcp({ port: 8080 })), or use HealthCheck.command([...]) or HealthCheck.none().'),
  opts('healthCheck: a bad interval', "healthCheck: HealthCheck.tcp({ interval: '30' })", { healthCheck: HealthCheck.tcp({ interval: '30' }) },
    'hello.healthCheck.interval: "30" is not a duration. Use a Go duration such as "30s", "500ms" or "1m30s".'),
  opts('healthCheck: no retries', 'healthCheck: HealthCheck.tcp({ retries: 0 })', { healthCheck: HealthCheck.tcp({ retries: 0 }) },
    'hello.healthCheck.retries: 0 is not a number of retries. Use a whole number from 1.'),
  opts('healthCheck: an empty command', 'healthCheck: HealthCheck.command([])', { healthCheck: HealthCheck.command([]) },
    'hello.healthCheck: the command [] is not a list of arguments. Give the command as a list, such as HealthCheck.command([\'healthcheck\']).'),
  opts('healthCheck: the old boolean', 'healthCheck: false as any', { healthCheck: false as any },
    'hello.healthCheck: false is not a health check (a boolean was the old form: false is HealthCheck.none()). Use HealthCheck.command([\'healthcheck\']), HealthCheck.http({ path: \'/healthz\' }), HealthCheck.tcp() or HealthCheck.none().'),

  // add-ons
  svc('an add-on wired to a service that does not exist', "new PostgresDatabase(project, { services: ['api'] });",
    (p) => new PostgresDatabase(p, { services: ['api'] }),
    'postgres.services: there is no service named "api". Use one of: hello.'),
  svc('duplicate add-ons', 'new RedisCache(project);\nnew RedisCache(project);', (p) => {
    new RedisCache(p);
    new RedisCache(p);
  }, 'redis.name: an add-on named "redis" already exists, and compose service names must be unique. Give this redis its own name: new RedisCache(project, { name: \'redis-2\' }).'),
  svc('an add-on named like a service', "new PostgresDatabase(project, { name: 'hello' });", (p) => new PostgresDatabase(p, { name: 'hello' }),
    'hello.name: a service named "hello" already exists, and compose service names must be unique. Give this postgres its own name: new PostgresDatabase(project, { name: \'hello-2\' }).'),
  svc('two databases wired to one service through the same variable', "new PostgresDatabase(project);\nnew PostgresDatabase(project, { name: 'reports' });", (p) => {
    new PostgresDatabase(p);
    new PostgresDatabase(p, { name: 'reports' });
  }, "reports.urlVariable: hello already gets DATABASE_URL_FILE from postgres. Give one of them its own variable, such as urlVariable: 'DATABASE_REPORTS_URL'."),
  svc('an add-on with a floating image', "new RedisCache(project, { image: 'redis' });", (p) => new RedisCache(p, { image: 'redis' }),
    'redis.image: "redis" is not a pinned image reference. Use name:tag, such as postgres:17.6-alpine.'),
  svc('a database name Postgres cannot take unquoted', "new PostgresDatabase(project, { database: 'my-db' });", (p) => new PostgresDatabase(p, { database: 'my-db' }),
    'postgres.database: "my-db" is not a plain Postgres identifier. Use lowercase letters, digits and underscores, starting with a letter.'),
  svc('an add-on published on a service\'s port', 'new PostgresDatabase(project, { hostPort: 8080 });', (p) => new PostgresDatabase(p, { hostPort: 8080 }),
    'postgres.hostPort: port 8080 is already published by hello. Choose another host port.'),

  // Kubernetes
  opts('kubernetes: replicas 0', 'kubernetes: true, deployment: { replicas: 0 }', { kubernetes: true, deployment: { replicas: 0 } },
    'hello.deployment.replicas: 0 is not a whole number of at least 1. Use 1 or more: a Deployment of 0 pods serves nothing (scale it to 0 with kubectl when you mean to).'),
  opts('kubernetes: autoscaling minimum above maximum', 'kubernetes: true, deployment: { autoscaling: { minReplicas: 5, maxReplicas: 3 } }',
    { kubernetes: true, deployment: { autoscaling: { minReplicas: 5, maxReplicas: 3 } } },
    'hello.deployment.autoscaling: the minimum, 5, is above the maximum, 3. Set maxReplicas to 5 or more, or minReplicas to 3 or less.'),
  opts('kubernetes: autoscaling maximum below the replicas', 'kubernetes: true, deployment: { replicas: 4, autoscaling: { maxReplicas: 3 } }',
    { kubernetes: true, deployment: { replicas: 4, autoscaling: { maxReplicas: 3 } } },
    'hello.deployment.autoscaling: the minimum, 4 (the replicas), is above the maximum, 3. Set maxReplicas to 4 or more, or minReplicas to 3 or less.'),
  opts('kubernetes: a negative CPU request', 'kubernetes: true, deployment: { resources: { cpu: { request: Cpu.millis(-100) } } }',
    { kubernetes: true, deployment: { resources: { cpu: { request: Cpu.millis(-100) } } } },
    'hello.deployment.resources.cpu.request: "-100m" is not a CPU quantity Kubernetes takes. Use Cpu.millis(n) with a whole n above 0 (Cpu.millis(250)), or Cpu.units(x) with x a multiple of 0.001 above 0.'),
  opts('kubernetes: a CPU limit finer than a millicore', 'kubernetes: true, deployment: { resources: { cpu: { limit: Cpu.units(0.0001) } } }',
    { kubernetes: true, deployment: { resources: { cpu: { limit: Cpu.units(0.0001) } } } },
    'hello.deployment.resources.cpu.limit: "0.0001" is not a CPU quantity Kubernetes takes. Use Cpu.millis(n) with a whole n above 0 (Cpu.millis(250)), or Cpu.units(x) with x a multiple of 0.001 above 0.'),
  opts('kubernetes: a memory limit of part of a MiB', 'kubernetes: true, deployment: { resources: { memory: { limit: Size.kibibytes(1500) } } }',
    { kubernetes: true, deployment: { resources: { memory: { limit: Size.kibibytes(1500) } } } },
    'hello.deployment.resources.memory.limit: the size is not a whole number of MiB above 0 (cdk8s-plus writes memory in Mi). Use Size.mebibytes(n) or Size.gibibytes(n), such as Size.mebibytes(256).'),
  opts('kubernetes: a memory request above the limit', 'kubernetes: true, deployment: { resources: { memory: { request: Size.mebibytes(512), limit: Size.mebibytes(256) } } }',
    { kubernetes: true, deployment: { resources: { memory: { request: Size.mebibytes(512), limit: Size.mebibytes(256) } } } },
    'hello.deployment.resources.memory: the request, 512Mi, is above the limit, 256Mi. Request at most the limit.'),
  opts('kubernetes: deployment options without manifests', 'deployment: { replicas: 3 }', { deployment: { replicas: 3 } },
    'hello.deployment: says how the service runs on Kubernetes, and the project renders no Kubernetes manifests. Set kubernetes: true on the project, or remove deployment.'),
  opts('kubernetes: kubernetesOptions without manifests', "kubernetesOptions: { namespace: 'shop' }", { kubernetesOptions: { namespace: 'shop' } },
    'kubernetesOptions: is set, and the project renders no Kubernetes manifests. Set kubernetes: true as well, or remove kubernetesOptions.'),
  opts('kubernetes: a namespace Kubernetes refuses', "kubernetes: true, kubernetesOptions: { namespace: 'Shop_Prod' }", { kubernetes: true, kubernetesOptions: { namespace: 'Shop_Prod' } },
    'kubernetesOptions.namespace: "Shop_Prod" is not a Kubernetes namespace name. Use at most 63 lowercase letters, digits and dashes, starting and ending with a letter or digit.'),
  {
    name: 'kubernetes: deployment options on a command',
    projenrc: "const project = new GoServiceProject({ name: 'hello', kubernetes: true });\nnew GoService(project, 'migrate', { server: false, deployment: { replicas: 1 } });\nproject.synth();\n",
    build: (outdir) => {
      const p = project(outdir, { kubernetes: true });
      new GoService(p, 'migrate', { server: false, deployment: { replicas: 1 } });
      return p;
    },
    message: 'migrate.deployment: a command (server: false) is not deployed: it has no port to serve or probe. Remove deployment, or set server: true and a port.',
  },

  opts('platforms: windows', "platforms: ['windows/amd64']", { platforms: ['windows/amd64'] },
    'platforms: "windows/amd64" is not a Linux platform Go images are built for. Use os/arch such as "linux/amd64" or "linux/arm64".'),
];

/** The imports a `.projenrc.ts` for these cases needs. */
export const PROJENRC_IMPORTS =
  "import { CertsLayer, DistrolessVariant, GoService, GoServiceProject, HealthCheck, Libc, PostgresDatabase, RedisCache, RuntimeStage, TzLayer } from 'projen-go-service';\n" +
  "import { Size } from 'cdk8s';\nimport { Cpu } from 'cdk8s-plus-34';\n";

// keep the imported names used in this module (they appear in the projenrc sources)
void [CertsLayer, DistrolessVariant, HealthCheck, Libc, TzLayer, Cpu, Size];
