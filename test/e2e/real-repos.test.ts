import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import * as YAML from 'yaml';
import { copyFixture, DOCKER, dockerReady, freePort, packedTarball, run, runFailing, treeHash } from './fixtures';

/**
 * Issue 14: real Go repositories are not shaped like our samples. For each fixture shape (ours,
 * small, in test/fixtures/repos): `adopt` with no flags, no hand edit, then go build, make build,
 * make docker-build; the image runs, serves on its real port and Docker reports it healthy (or it is
 * a command and does its job); check passes in a fresh clone of the committed result; a second
 * npx projen changes nothing.
 */
const withDocker = dockerReady();

interface Serve {
  /** The compose service / image target. */
  readonly service: string;
  /** The port the code listens on. */
  readonly port: number;
  readonly path: string;
  readonly body: RegExp;
  /**
   * The project's own documented way to move the port (its flag, its variable): the image runs with
   * it too, and must serve and be healthy on that port.
   */
  readonly override?: { readonly args?: string[]; readonly env?: string[]; readonly port: number };
}

interface Case {
  readonly fixture: string;
  /** Where the Go module is (adopt runs there), relative to the repository root. */
  readonly module?: string;
  /** The project name adopt should find, and so the image name. */
  readonly name: string;
  readonly serve: Serve[];
  /** Commands (server: false): their image runs and prints this. */
  readonly commands?: Array<{ service: string; image: string; output: RegExp }>;
  /** Shape-specific checks after adopt. */
  readonly after?: (project: string, adoptOutput: string) => void;
  /** What the team did to the repository before it is committed (go mod vendor, say). */
  readonly before?: (project: string) => void;
  /** Variables for make docker-build (GOPROXY=off, say). */
  readonly makeArgs?: string[];
  /** The tag make docker-build gives the images, when it is not git describe (the team's VERSION). */
  readonly tag?: string;
}

const CASES: Case[] = [
  {
    fixture: 'cobra-serve',
    name: 'bookmarks',
    // the server is the serve subcommand; it writes ./data (its --data-dir default) on a read-only image
    serve: [{ service: 'bookmarks', port: 8090, path: '/', body: /^bookmarks$/m, override: { args: ['serve', '--port=9090'], port: 9090 } }],
    after: (p, out) => {
      expect(read(p, '.projenrc.ts')).toContain("port: 8090,\n  portArgument: '--port={port}',\n  portInEnvironment: false,\n  healthCheck: HealthCheck.tcp(),\n  subcommand: ['serve'],\n  workdir: '/app',\n  dataDirectories: ['data'],");
      expect(read(p, 'Dockerfile')).toContain('CMD ["serve", "--port=8090"]');
      expect(out).toContain('bookmarks: port 8090: net/http.ListenAndServe at cmd/bookmarks/main.go:38, set by flag --port (pflag, cmd/bookmarks/main.go:41).');
      expect(YAML.parse(read(p, 'docker-compose.yml')).services.bookmarks.volumes).toEqual(['bookmarks-data:/app/data']);
    },
  },
  {
    fixture: 'config-file-port',
    name: 'beacon',
    // the address is data (config/beacon.json): the compiler cannot tell it, the program run in a sandbox can
    serve: [{ service: 'beacon', port: 7171, path: '/', body: /^beacon$/m }],
    after: (p, out) => {
      expect(read(p, '.projenrc.ts')).toContain('port: 7171,');
      expect(out).toContain('beacon: observed: it listens on 7171 (run in a sandbox with its default arguments).');
    },
  },
  {
    fixture: 'kingpin-exporter',
    name: 'queue-exporter',
    // its variable, not its flag: a flag in the image's CMD would win over the variable the user sets
    serve: [
      { service: 'queue-exporter', port: 9187, path: '/metrics', body: /^queue_depth 3$/m, override: { args: ['--web.listen-address=:9300'], port: 9300 } },
      { service: 'queue-exporter', port: 9187, path: '/metrics', body: /^queue_depth 3$/m, override: { env: ['QUEUE_EXPORTER_LISTEN_ADDRESS=:9301'], port: 9301 } },
    ],
    after: (p) => {
      expect(read(p, '.projenrc.ts')).toContain("port: 9187,\n  portVariable: 'QUEUE_EXPORTER_LISTEN_ADDRESS',\n  portVariableValue: ':{port}',");
      expect(read(p, 'Dockerfile')).toContain('ENV QUEUE_EXPORTER_LISTEN_ADDRESS=:9187');
      expect(read(p, 'Dockerfile')).not.toMatch(/^CMD /m);
    },
  },
  {
    fixture: 'urfave-cli',
    name: 'shorty',
    serve: [{ service: 'shorty', port: 8585, path: '/', body: /shorty: short links/, override: { env: ['SHORTY_ADDR=:9400'], port: 9400 } }],
    after: (p) => expect(read(p, '.projenrc.ts')).toContain("portVariable: 'SHORTY_ADDR',\n  portVariableValue: ':{port}',\n  healthCheck: HealthCheck.tcp(),\n  workdir: '/app',\n  files: { 'templates': 'templates' },"),
  },
  {
    fixture: 'envconfig-struct',
    name: 'ledgerd',
    serve: [{ service: 'ledgerd', port: 8181, path: '/', body: /^ledgerd EUR$/m, override: { env: ['LEDGERD_PORT=9500'], port: 9500 } }],
    after: (p) => expect(read(p, '.projenrc.ts')).toContain("port: 8181,\n  portVariable: 'LEDGERD_PORT',"),
  },
  {
    fixture: 'root-main-embed',
    name: 'webapp',
    serve: [{ service: 'webapp', port: 8080, path: '/static/app.css', body: /sans-serif/ }],
    after: (p) => {
      expect(read(p, '.projenrc.ts')).toContain("mainPackage: '.'");
      expect(read(p, '.dockerignore')).toContain('\n!static\n!templates/*.html\n');
    },
  },
  {
    fixture: 'toplevel-packages',
    name: 'emporium',
    serve: [{ service: 'emporium', port: 8080, path: '/items', body: /"sku":"tea"/ }, { service: 'emporium', port: 8080, path: '/openapi.yaml', body: /openapi: 3\.1\.0/ }],
    after: (p) => {
      expect(read(p, '.dockerignore')).toContain('\n!*.go\n!api/*.go\n!api/openapi.yaml\n');
      expect(read(p, '.dockerignore')).not.toContain('docs');
    },
  },
  {
    fixture: 'module-subdir',
    module: 'service',
    name: 'service',
    serve: [{ service: 'service', port: 8080, path: '/?name=adopt', body: /hello, adopt/ }],
  },
  {
    fixture: 'cgo-libc',
    name: 'hasher',
    serve: [{ service: 'hasher', port: 8080, path: '/?s=abc', body: /^[0-9a-f]+ \(pid \d+\)/ }],
    after: (p, out) => {
      expect(read(p, '.projenrc.ts')).toContain('cgo: true,\n  runtime: RuntimeStage.distroless({ variant: DistrolessVariant.BASE }),');
      expect(out).toContain('hasher builds with cgo (example.com/hasher/native has C code), on distroless base (glibc).');
    },
  },
  {
    fixture: 'templates-dir',
    name: 'blog',
    serve: [{ service: 'blog', port: 8080, path: '/', body: /A blog read from disk/ }, { service: 'blog', port: 8080, path: '/static/css/site.css', body: /teal/ }],
    after: (p) => expect(read(p, '.projenrc.ts')).toContain("workdir: '/app',\n  files: { 'config': 'config', 'static': 'static', 'templates': 'templates' },"),
  },
  {
    fixture: 'port-env',
    name: 'quotes',
    serve: [{ service: 'quotes', port: 9000, path: '/', body: /^quotes$/m, override: { env: ['HTTP_PORT=9700'], port: 9700 } }],
    after: (p) => expect(read(p, '.projenrc.ts')).toContain("port: 9000,\n  portVariable: 'HTTP_PORT',"),
  },
  {
    fixture: 'port-flag',
    name: 'relay',
    serve: [{ service: 'relay', port: 7070, path: '/', body: /^relay$/m, override: { args: ['-listen=:9600'], port: 9600 } }],
    after: (p) => {
      expect(read(p, '.projenrc.ts')).toContain("port: 7070,\n  portArgument: '-listen=:{port}',");
      expect(read(p, 'Dockerfile')).toContain('CMD ["-listen=:7070"]');
    },
  },
  {
    fixture: 'several-binaries',
    name: 'platform',
    serve: [{ service: 'platform', port: 8080, path: '/status', body: /^ok$/m }],
    commands: [{ service: 'migrate', image: 'platform-migrate', output: /would apply 001_init\.sql/ }],
    after: (p) => {
      const rc = read(p, '.projenrc.ts');
      expect(rc).toContain("mainPackage: './cmd/gateway'");
      expect(rc).toContain("new GoService(project, 'ctl', { server: false });");
      expect(rc).toContain("new GoService(project, 'migrate', { server: false });");
      expect(Object.keys(YAML.parse(read(p, 'docker-compose.yml')).services)).toEqual(['platform']);
    },
  },
  {
    fixture: 'version-package',
    name: 'stamper',
    // the version is the commit (git describe --always), not the source's "dev"
    serve: [{ service: 'stamper', port: 8080, path: '/version', body: /"version":"[0-9a-f]{7}(-dirty)?"/ }],
    after: (p) => expect(read(p, '.projenrc.ts')).toContain("versionVariables: { version: 'example.com/stamper/internal/version.Version', commit: 'example.com/stamper/internal/version.Commit', date: 'example.com/stamper/internal/version.BuildDate' },"),
  },
  {
    fixture: 'old-go-line',
    name: 'legacy',
    serve: [{ service: 'legacy', port: 8080, path: '/', body: /^legacy/ }],
    after: (p) => {
      // the language version of the code is not changed
      expect(read(p, 'go.mod')).toBe('module example.com/legacy\n\ngo 1.16\n');
      expect(read(p, '.projenrc.ts')).toContain("goVersion: '1.26',\n  goDirective: '1.16',");
    },
  },
  {
    fixture: 'gitattributes-filter',
    name: 'vault',
    serve: [{ service: 'vault', port: 8080, path: '/', body: /^vault$/m }],
    after: (p) => {
      expect(read(p, '.gitattributes')).toContain('secrets/** filter=git-crypt diff=git-crypt');
      expect(run('git', ['check-attr', 'filter', 'secrets/prod.env'], { cwd: p }).stdout.trim()).toBe('secrets/prod.env: filter: git-crypt');
      // the repository's ".*" no longer hides projen's own files from git
      for (const f of ['.projen/tasks.json', '.gitattributes', '.dockerignore', '.projenrc.ts']) {
        expect(() => run('git', ['check-ignore', '-q', f], { cwd: p })).toThrow();
      }
    },
  },
  {
    fixture: 'local-replace',
    name: 'ledger',
    serve: [{ service: 'ledger', port: 8080, path: '/balance', body: /^balance 1234\.56 EUR$/m }],
    after: (p) => {
      // the module download reads the replacement's go.mod: it is copied before the source
      expect(read(p, 'Dockerfile')).toContain('COPY go.mod go.sum* ./\nCOPY libs/money/go.mod ./libs/money/\n');
      expect(read(p, '.dockerignore')).toContain('\n!libs/money/*.go\n!libs/money/go.mod\n');
    },
  },
  {
    fixture: 'vendored',
    name: 'tickets',
    serve: [{ service: 'tickets', port: 8080, path: '/ticket', body: /^ticket [0-9a-f-]{36}$/m }],
    // vendored by the team (here from the module proxy, so that no third-party code is in our tree)
    before: (p) => { run('go', ['mod', 'vendor'], { cwd: p }); },
    // and built without a module proxy: the image build must not download
    makeArgs: ['GOPROXY=off'],
    after: (p) => {
      expect(read(p, 'Dockerfile')).toContain('COPY go.mod go.sum* ./\nCOPY vendor/ ./vendor/\n');
      expect(read(p, 'Dockerfile')).not.toContain('go mod download');
    },
  },
  {
    fixture: 'security-makefile',
    name: 'notes',
    serve: [{ service: 'notes', port: 8080, path: '/', body: /^notes$/m }],
    after: (p) => {
      expect(read(p, 'SECURITY.md')).toContain('security@notes.example');
      expect(read(p, 'docs/image-security.md')).toContain('# How the images are hardened');
      expect(read(p, 'local.mk')).toContain('generate:\n\tgo generate ./...');
      expect(run('make', ['generate'], { cwd: p }).stdout).toContain('go generate ./...');
    },
  },
  {
    fixture: 'team-setup',
    name: 'relay',
    serve: [
      // the Dockerfile's CMD arguments, WORKDIR and COPY of migrations/ to db/migrations carried over
      { service: 'relay', port: 8090, path: '/', body: /hi from relay/ },
      { service: 'relay', port: 8090, path: '/migrations', body: /^001_init\.sql$/m },
      // -X stamps with the version and a literal -X, from the Dockerfile and .goreleaser.yaml
      { service: 'relay', port: 8090, path: '/version', body: /^[0-9a-f]{7}(-dirty)? [0-9a-f]{7} \d{4}-\d\d-\d\dT[\d:]+Z enterprise$/m },
    ],
    after: (p, out) => {
      expect(out).toContain('relay, from the Dockerfile and .goreleaser.yaml: buildTags netgo osusergo;');
      // the lowercase makefile: included as local.mk, its targets keep their recipes, without make's warnings
      expect(read(p, 'local.mk')).toContain('migrate:\n\t@ls migrations');
      const make = spawnSync('make', ['-n', 'build'], { cwd: p, encoding: 'utf-8' });
      expect([make.stdout, make.stderr]).toEqual(['go build -o bin/relay ./cmd/relay\n', '']);
      expect(run('make', ['help'], { cwd: p }).stdout).toMatch(/^ {2}go-build +Build every service into bin\/ \(generated; make build is your own\)$/m);
      // the files moved aside, in the one git-ignored folder
      expect(read(p, '.pre-projen/Dockerfile')).toContain('HEALTHCHECK --interval=10s CMD curl');
      expect(read(p, '.pre-projen/docker-compose.yml')).toContain('nats:2.10-alpine');
      expect(() => run('git', ['check-ignore', '-q', '.pre-projen/Dockerfile'], { cwd: p })).not.toThrow();
      // no glob of the team's makefile matches what was moved aside
      expect(run('make', ['dockerfiles'], { cwd: p }).stdout).toBe('Dockerfile\n');
      // the compose file keeps the team's services beside ours and the add-on, and is valid
      const compose = YAML.parse(read(p, 'docker-compose.yml'));
      expect(Object.keys(compose.services)).toEqual(['relay', 'db', 'nats', 'proxy']);
      expect(compose.services.relay.depends_on).toEqual({ db: { condition: 'service_healthy' }, nats: { condition: 'service_started' } });
      expect(compose.services.db.image).toBe('postgres:16.4-alpine');
      run('docker-compose', ['config', '-q'], { cwd: p });
      // the team's development Dockerfile still builds: it reads its own ignore file, not the allow-list
      expect(read(p, 'build/Dockerfile.dev.dockerignore')).toContain('\n.git\n*.md\nbin/\n');
      run(DOCKER, ['build', '--network=none', '-q', '-f', 'build/Dockerfile.dev', '.'], { cwd: p });
    },
  },
  {
    fixture: 'team-make-variables',
    name: 'ledger',
    // a lowercase makefile that sets VERSION := 0.3.1 and LEDGER_IMAGE / WORKER_IMAGE := <name>:$(VERSION), an image with
    // its tag: the generated image variables are renamed, the tag is made from their VERSION, which stamps the binary
    tag: '0.3.1',
    serve: [
      { service: 'ledger', port: 7600, path: '/version', body: /^0\.3\.1$/m, override: { args: ['-addr=:9600'], port: 9600 } },
      { service: 'worker', port: 7610, path: '/', body: /^worker$/m, override: { env: ['WORKER_PORT=9610'], port: 9610 } },
    ],
    commands: [{ service: 'seed', image: 'ledger-seed', output: /^seeded 3 accounts$/m }],
    after: (p, out) => {
      const rc = read(p, '.projenrc.ts');
      expect(rc).toContain("imageTagVariable: 'IMAGE_TAG',");
      expect(rc).toContain("imageVariable: 'GO_LEDGER_IMAGE',");
      expect(rc).toContain("versionVariables: { version: 'main.version' }, imageVariable: 'GO_WORKER_IMAGE' });");
      // the command's variable is not theirs: it keeps its name
      expect(rc).not.toContain('GO_SEED_IMAGE');
      expect(out).toContain('your makefile sets LEDGER_IMAGE, WORKER_IMAGE (its own image names, which make would give the generated targets too): yours keep their names and values; the generated images are named by GO_LEDGER_IMAGE, GO_WORKER_IMAGE (imageVariable), in the Makefile, compose and kustomize.');
      expect(out).toContain('your makefile sets VERSION: it stays yours and stamps the binaries, and the images are tagged $(IMAGE_TAG), your VERSION made a valid image tag (imageTagVariable)');
      // their variables keep their values for their targets; ours build valid references from their VERSION
      expect(run('make', ['images'], { cwd: p }).stdout).toBe('localhost/acme/ledger:0.3.1 localhost/acme/ledger-worker:0.3.1\n');
      expect(run('make', ['-n', 'docker-build-worker'], { cwd: p }).stdout).toContain('--build-arg "VERSION=0.3.1"');
      expect(run('make', ['-n', 'docker-build-worker'], { cwd: p }).stdout).toContain('-t ledger-worker:0.3.1 -t ledger-worker:latest .');
      expect(run('make', ['-n', 'docker-build-worker', 'VERSION=0.4.0+rc.1'], { cwd: p }).stdout).toContain('-t ledger-worker:0.4.0-rc.1 -t');
      expect(YAML.parse(read(p, 'docker-compose.yml')).services.worker.image).toBe('${GO_WORKER_IMAGE:-ledger-worker}:${IMAGE_TAG:-latest}');
    },
  },
  {
    fixture: 'promu-variants',
    name: 'gauge',
    serve: [
      { service: 'gauge', port: 9230, path: '/metrics', body: /^gauge_up 1$/m, override: { args: ['-web.listen-address=:9330'], port: 9330 } },
      // the stamps .promu.yml names: version, revision and date
      { service: 'gauge', port: 9230, path: '/version', body: /^[0-9a-f]{7}(-dirty)? [0-9a-f]{7} \d{4}-\d\d-\d\dT[\d:]+Z$/m },
    ],
    after: (p, out) => {
      expect(read(p, '.projenrc.ts')).toContain("versionVariables: { version: 'example.com/gauge/internal/version.Version', commit: 'example.com/gauge/internal/version.Revision', date: 'example.com/gauge/internal/version.BuildDate' },");
      // it reads no PORT: the image sets none
      expect(read(p, '.projenrc.ts')).toContain('portInEnvironment: false,');
      expect(read(p, 'Dockerfile')).not.toMatch(/^ENV PORT/m);
      // Makefile.common's glob of Dockerfiles no longer sees the ignore file of Dockerfile.distroless
      expect(out).toContain("Makefile.common:2's DOCKERFILE_VARIANTS ?= $(wildcard Dockerfile Dockerfile.*) would match Dockerfile.distroless.dockerignore");
      expect(read(p, 'Makefile')).toContain('DOCKERFILE_VARIANTS ?= $(filter-out %.dockerignore,$(wildcard Dockerfile Dockerfile.*))');
      // bare make runs their default goal, as before; make help lists their targets too
      expect(run('make', [], { cwd: p }).stdout).toBe('variants: Dockerfile Dockerfile.distroless\nall done\n');
      expect(run('make', ['help'], { cwd: p }).stdout).toMatch(/Your own targets \(local\.mk\):\n {2}binary\n {2}common-all\n {2}common-variants\n$/);
      // their distroless image still builds from their own build output
      run('make', ['binary'], { cwd: p });
      run(DOCKER, ['build', '--network=none', '-q', '-f', 'Dockerfile.distroless', '.'], { cwd: p });
      rmSync(join(p, '.build'), { recursive: true, force: true });
    },
  },
  {
    fixture: 'data-dir-variable',
    name: 'jotter',
    // its data directory is JOT_DIR (beside the executable unless set; their Dockerfile's ENV says /var/jotter) and its
    // host JOT_HOST (loopback unless set; the code's view): both reach the image's ENV, so a plain docker run of it
    // (read-only root) writes its data and answers from outside
    serve: [{ service: 'jotter', port: 7430, path: '/', body: /^jotter 8 bytes in \/var\/jotter$/m, override: { env: ['JOT_PORT=9430'], port: 9430 } }],
    after: (p, out) => {
      expect(read(p, '.projenrc.ts')).toContain("  imageEnvironment: { JOT_HOST: '0.0.0.0', JOT_DIR: '/var/jotter' },\n");
      expect(read(p, '.projenrc.ts')).toContain("  dataDirectories: ['/var/jotter'],\n");
      // the development service's own mount is not the generated service's
      expect(read(p, '.projenrc.ts')).toContain("  environment: { JOT_GREETING: 'hello' },\n");
      expect(read(p, 'Dockerfile')).toContain('ENV JOT_PORT=7430\nENV JOT_HOST=0.0.0.0\nENV JOT_DIR=/var/jotter\n');
      expect(out).toMatch(/jotter: its default address is loopback only \(127\.0\.0\.1:7430, [^)]*\): the image sets JOT_HOST=0\.0\.0\.0, so it answers on every interface\./);
      expect(out).toContain('jotter: its data directory is JOT_DIR (os.MkdirAll at main.go:35): /var/jotter, as your image set it, is a data directory (writable, a volume in compose).');
      expect(out).toContain('jotter: not carried over from your compose service jotter (it builds another image): JOT_DIR=/srv/jotter, a path of its own volumes, which the generated service does not mount.');
    },
  },
  {
    fixture: 'data-dir-flag',
    name: 'stash',
    // its data directory is its -storage.path flag (data/ unless set), which their Dockerfile's CMD sets to /store:
    // the carried argument makes /store the data directory, so the image writes it on a read-only root
    serve: [{ service: 'stash', port: 7440, path: '/', body: /^stash \d+ bytes in \/store$/m, override: { env: ['STASH_PORT=9440'], port: 9440 } }],
    after: (p, out) => {
      expect(read(p, '.projenrc.ts')).toContain("  dataDirectories: ['data', '/store'],\n  args: ['--storage.path=/store'],\n");
      expect(YAML.parse(read(p, 'docker-compose.yml')).services.stash.volumes).toContain('stash-store:/store');
      expect(out).toContain('stash: its data directory is flag -storage.path (os.MkdirAll at main.go:18, default data/), set by --storage.path=/store (its arguments in the Dockerfile): /store is a data directory (writable, a volume in compose).');
    },
  },
  {
    fixture: 'loopback-default',
    name: 'scratchpad',
    // its default address is 127.0.0.1: the image passes -host=0.0.0.0, so the published port answers
    serve: [{ service: 'scratchpad', port: 7410, path: '/', body: /^scratchpad$/m, override: { env: ['PAD_PORT=9410'], port: 9410 } }],
    after: (p, out) => {
      expect(read(p, '.projenrc.ts')).toContain("portVariable: 'PAD_PORT',");
      expect(read(p, '.projenrc.ts')).toContain("args: ['-host=0.0.0.0'],");
      expect(out).toContain('scratchpad: its default address is loopback only (127.0.0.1:7410, net/http.ListenAndServe at main.go:30): the image passes -host=0.0.0.0, so it answers on every interface.');
    },
  },
];

function read(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf-8');
}

const rows: string[] = [];

(withDocker ? describe : describe.skip)('adopt brings real repositories to a built, serving, healthy image with no hand edit', () => {
  let work: string;
  let network: string;
  let tgz: string;

  beforeAll(() => {
    tgz = packedTarball();
    work = mkdtempSync(join(tmpdir(), 'pgs-real-'));
    network = `pgs-real-${process.pid}`;
    run(DOCKER, ['network', 'create', network]);
  });

  afterAll(() => {
    run(DOCKER, ['network', 'rm', network]);
    // eslint-disable-next-line no-console
    console.log([
      'real repositories (adopt with no flags):',
      '| fixture | adopt | make docker-build | image | binary | health |',
      '|---|---|---|---|---|---|',
      ...rows,
    ].join('\n'));
    if (!process.env.KEEP_E2E) rmSync(work, { recursive: true, force: true });
  });

  test.each(CASES.map((c) => [c.fixture, c]))('%s', async (_f, c) => {
    // GIVEN the repository, committed, as a team has it
    const root = copyFixture(c.fixture, join(work, c.fixture));
    const project = c.module ? join(root, c.module) : root;
    c.before?.(project);
    run('git', ['init', '-q', '-b', 'main'], { cwd: root });
    run('git', ['add', '-A'], { cwd: root });
    run('git', ['commit', '-q', '-m', 'before projen'], { cwd: root });

    // WHEN adopt runs with no flags, from the tarball a release publishes
    const adopt = run('npx', ['--yes', `--package=${tgz}`, 'projen-go-service', 'adopt'], { cwd: project });
    expect(adopt.stdout).toContain('Adopted.');
    // package.json installs projen-go-service from where adopt ran: the tarball
    const spec: string = JSON.parse(read(project, 'package.json')).devDependencies['projen-go-service'];
    expect(spec.startsWith('file:') && resolve(project, spec.slice('file:'.length))).toBe(tgz);
    c.after?.(project, adopt.stdout);
    run('git', ['add', '-A'], { cwd: root });
    run('git', ['commit', '-q', '-m', 'adopt'], { cwd: root });

    // THEN the Go tools, make and docker take it as it is
    // (-o a directory: a lone main package would otherwise leave its binary in the work tree)
    const bins = mkdtempSync(join(tmpdir(), 'pgs-bin-'));
    try {
      run('go', ['build', '-o', `${bins}/`, './...'], { cwd: project });
    } finally {
      rmSync(bins, { recursive: true, force: true });
    }
    run('make', ['build'], { cwd: project });
    const build = run('make', ['docker-build', `DOCKER=${DOCKER}`, ...c.makeArgs ?? []], { cwd: project });
    // make docker-build tags $(VERSION), git describe of the commit
    const version = c.tag ?? run('git', ['describe', '--tags', '--always', '--dirty'], { cwd: root }).stdout.trim();

    const health: string[] = [];
    let imageBytes = 0;
    let binaryBytes = 0;
    for (const s of [...new Set(c.serve.map((x) => x.service))]) {
      const image = `${s === c.name ? c.name : `${c.name}-${s}`}:${version}`;
      imageBytes = Number(run(DOCKER, ['image', 'inspect', '-f', '{{.Size}}', image]).stdout.trim());
      binaryBytes = statSync(join(project, 'bin', s)).size;
      const host = await freePort();
      const port = c.serve.find((x) => x.service === s)!.port;
      // where it writes: the named volumes compose mounts (read-only root otherwise)
      const composeVolumes: string[] = YAML.parse(read(project, 'docker-compose.yml')).services[s]?.volumes ?? [];
      const volumes = composeVolumes.flatMap((v) => ['-v', `pgs-${process.pid}-${v}`]);
      // its real port, published from a network of its own; health checked every second (the image's own probe)
      const id = run(DOCKER, ['run', '-d', '--network', network, '-p', `127.0.0.1:${host}:${port}`, '--read-only', '--cap-drop', 'ALL',
        '--security-opt', 'no-new-privileges:true', '--health-interval=1s', ...volumes, image]).stdout.trim();
      try {
        const started = Date.now();
        health.push(`${await waitHealthy(id)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        for (const x of c.serve.filter((y) => y.service === s)) {
          const res = await fetch(`http://127.0.0.1:${host}${x.path}`);
          expect(res.status).toBe(200);
          expect(await res.text()).toMatch(x.body);
        }
      } catch (e) {
        throw new Error(`${image}: ${(e as Error).message}\n${run(DOCKER, ['logs', id]).stdout}`);
      } finally {
        run(DOCKER, ['rm', '-f', id]);
      }
      // the project's own way to move the port: the service follows it, and so does its health check
      for (const x of c.serve.filter((y) => y.service === s && y.override)) {
        const o = x.override!;
        const moved = await freePort();
        const other = run(DOCKER, ['run', '-d', '--network', network, '-p', `127.0.0.1:${moved}:${o.port}`, '--read-only', '--cap-drop', 'ALL',
          '--security-opt', 'no-new-privileges:true', '--health-interval=1s', ...volumes, ...(o.env ?? []).flatMap((e) => ['-e', e]), image, ...(o.args ?? [])]).stdout.trim();
        try {
          const started = Date.now();
          health.push(`on ${o.port} (${[...(o.env ?? []), ...(o.args ?? [])].join(' ')}): ${await waitHealthy(other)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
          const res = await fetch(`http://127.0.0.1:${moved}${x.path}`);
          expect(res.status).toBe(200);
          expect(await res.text()).toMatch(x.body);
        } catch (e) {
          throw new Error(`${image} on port ${o.port}: ${(e as Error).message}\n${run(DOCKER, ['logs', other]).stdout}`);
        } finally {
          run(DOCKER, ['rm', '-f', other]);
        }
      }
      // the image runs as the unprivileged user
      expect(run(DOCKER, ['image', 'inspect', '-f', '{{.Config.User}}', image]).stdout.trim()).toBe('65532:65532');
      for (const v of composeVolumes) run(DOCKER, ['volume', 'rm', '-f', `pgs-${process.pid}-${v.split(':')[0]}`]);
    }
    for (const cmd of c.commands ?? []) {
      expect(run(DOCKER, ['run', '--rm', '--network', 'none', `${cmd.image}:${version}`]).stdout).toMatch(cmd.output);
    }

    // AND check passes in a fresh clone of the committed result, and a second npx projen changes nothing
    const clone = join(work, `${c.fixture}-clone`);
    run('git', ['clone', '-q', root, clone]);
    const cloned = c.module ? join(clone, c.module) : clone;
    run('npm', ['install', '--no-audit', '--no-fund'], { cwd: cloned });
    expect(run('npx', ['projen-go-service', 'check'], { cwd: cloned }).stdout).toContain('In sync');
    run('npx', ['projen'], { cwd: project });
    expect(run('git', ['status', '--porcelain'], { cwd: root }).stdout).toBe('');

    rows.push(`| ${c.fixture} | exit 0 | ${(build.ms / 1000).toFixed(1)} s | ${imageBytes} B | ${binaryBytes} B | ${health.join(', ')} |`);
  });

  test('a new import: check reports the build context as stale, npx projen lets the package in, the image builds', () => {
    const repo = join(work, 'toplevel-packages');
    writeFileSync(join(repo, 'notify.go'), 'package emporium\n\nimport _ "github.com/acme/emporium/notify"\n');
    mkdirSync(join(repo, 'notify'));
    writeFileSync(join(repo, 'notify', 'notify.go'), 'package notify\n\n// Send tells someone.\nfunc Send() {}\n');
    const stale = runFailing('npx', ['projen-go-service', 'check'], { cwd: repo });
    expect(stale.status).toBe(1);
    expect(stale.output).toContain('differs: .dockerignore');
    expect(stale.output).toContain('+!notify/*.go');
    run('npx', ['projen'], { cwd: repo });
    expect(read(repo, '.dockerignore')).toContain('\n!notify/*.go\n');
    run('make', ['docker-build', `DOCKER=${DOCKER}`], { cwd: repo });
  });
});

(withDocker ? describe : describe.skip)('adopt is all or nothing', () => {
  test('a makefile of the team\'s that make would stop on once the generated files are in: exit 4, the repository as it was', () => {
    const work = mkdtempSync(join(tmpdir(), 'pgs-real-'));
    const repo = copyFixture('promu-variants', join(work, 'gauge'));
    // a check of theirs that counts the Dockerfile variants (no variable adopt could set first)
    writeFileSync(join(repo, 'Makefile'), `ifneq ($(words $(wildcard Dockerfile.*)),1)\n$(error one Dockerfile variant expected: $(wildcard Dockerfile.*))\nendif\n\n${read(repo, 'Makefile')}`);
    run('make', ['-n', 'binary'], { cwd: repo });
    const before = treeHash(repo);
    const r = runFailing('npx', ['--yes', `--package=${packedTarball()}`, 'projen-go-service', 'adopt'], { cwd: repo });
    expect(r.status).toBe(4);
    expect(r.output).toContain('adopt: make stops on the Makefile adopt would write (with your makefile included), so the repository was put back as it was. What make says:');
    expect(r.output).toContain('one Dockerfile variant expected: Dockerfile.distroless Dockerfile.distroless.dockerignore');
    expect(treeHash(repo)).toBe(before);
    rmSync(work, { recursive: true, force: true });
  });

  test('a failed npm install leaves the repository byte for byte as it was, and says so (exit 5)', () => {
    const work = mkdtempSync(join(tmpdir(), 'pgs-real-'));
    const repo = copyFixture('security-makefile', join(work, 'notes'));
    const before = treeHash(repo);
    const r = runFailing('npx', ['--yes', `--package=${packedTarball()}`, 'projen-go-service', 'adopt', '--from', 'file:/nonexistent/projen-go-service.tgz'], { cwd: repo });
    expect(r.status).toBe(5);
    expect(r.output).toContain('adopt: npm install failed');
    expect(r.output).toContain('so the repository was put back as it was: nothing was written.');
    expect(treeHash(repo)).toBe(before);
    rmSync(work, { recursive: true, force: true });
  });
});

/** Waits until Docker says the container is healthy; fails when it says unhealthy or it stops. */
async function waitHealthy(id: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = JSON.parse(run(DOCKER, ['inspect', '-f', '{{json .State}}', id]).stdout);
    const status: string | undefined = state.Health?.Status;
    if (status === 'healthy') return status;
    if (!state.Running || status === 'unhealthy' || Date.now() > deadline) {
      throw new Error(`not healthy: ${status ?? 'no health check'}, running ${state.Running}; last probes: ${JSON.stringify(state.Health?.Log?.slice(-2))}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
