import { writeFileSync } from 'fs';
import { join } from 'path';
import * as YAML from 'yaml';
import { PostgresDatabase, RedisCache } from '../src';
import { newProject, synth } from './util';
import { MIGRATE_TOOL, SAMPLE_DB_DRIVER } from '../src/model/migrations';

describe('Migrations: a typed part of the Postgres add-on', () => {
  test('on by default: the model says where the SQL files are, who runs them and who waits', () => {
    // GIVEN a project with Postgres for its default service
    const project = newProject();
    const db = new PostgresDatabase(project);
    // WHEN the add-on is resolved
    const m = db._toModel().migrations;
    // THEN the migrations are plain data the renderers read
    expect(m).toEqual({
      directory: 'migrations',
      service: 'postgres-migrate',
      imageName: 'hello-postgres-migrate',
      imageVariable: 'POSTGRES_MIGRATE_IMAGE',
      database: 'postgres',
      urlVariable: 'DATABASE_URL',
      urlSecret: 'postgres_url',
      services: ['hello'],
      user: '65532:65532',
      command: ['up'],
    });
  });

  test('migrations: false turns them off, and nothing of them is rendered', () => {
    const project = newProject();
    new PostgresDatabase(project, { migrations: false });
    const files = synth(project);
    expect(YAML.parse(files['docker-compose.yml']).services['postgres-migrate']).toBeUndefined();
    expect(files.Dockerfile).not.toContain(MIGRATE_TOOL.stage);
    expect(files.Makefile).not.toContain('migrate-up');
    expect(Object.keys(files).filter((f) => f.startsWith('migrations/'))).toEqual([]);
  });

  test('a cache has none; migrationsOptions without migrations is refused with the fix', () => {
    const project = newProject();
    expect(new RedisCache(project)._toModel().migrations).toBeUndefined();
    expect(() => new PostgresDatabase(project, { migrations: false, migrationsOptions: { directory: 'db' } }))
      .toThrow('postgres.migrationsOptions: is set, and migrations is false. Remove migrationsOptions, or leave migrations on.');
  });

  test('a directory outside the repository is refused, naming the option', () => {
    const project = newProject();
    new PostgresDatabase(project, { migrationsOptions: { directory: '../db' } });
    expect(() => synth(project)).toThrow('postgres.migrationsOptions.directory: "../db" is not a directory of the repository. Use a relative path such as "migrations" or "db/migrations".');
  });

  test('compose: a one-shot service, locked down, with the same _FILE secret; the app waits for it to complete', () => {
    const project = newProject();
    new PostgresDatabase(project);
    const compose = YAML.parse(synth(project)['docker-compose.yml']);
    expect(compose.services['postgres-migrate']).toEqual({
      image: '${POSTGRES_MIGRATE_IMAGE:-hello-postgres-migrate}:${VERSION:-latest}',
      build: { context: '.', dockerfile: 'Dockerfile', target: 'postgres-migrate', args: ['GOPROXY', 'GOSUMDB', 'GONOSUMDB', 'GOPRIVATE', 'GOFLAGS'] },
      command: ['up'],
      environment: { DATABASE_URL_FILE: '/run/secrets/postgres_url' },
      secrets: ['postgres_url'],
      depends_on: { postgres: { condition: 'service_healthy' } },
      read_only: true,
      cap_drop: ['ALL'],
      security_opt: ['no-new-privileges:true'],
      user: '65532:65532',
    });
    expect(compose.services.hello.depends_on).toEqual({
      'postgres': { condition: 'service_healthy' },
      'postgres-migrate': { condition: 'service_completed_successfully' },
    });
  });

  test('Dockerfile: the tool at its pinned version in its own stage, the image on scratch as uid 65532', () => {
    const project = newProject();
    new PostgresDatabase(project);
    const dockerfile: string = synth(project).Dockerfile;
    expect(dockerfile).toContain(`go install -trimpath -buildvcs=false -gcflags=all=-dwarf=false -ldflags "-s -w" -tags postgres ${MIGRATE_TOOL.package}@${MIGRATE_TOOL.version}`);
    const stage = dockerfile.slice(dockerfile.indexOf('FROM scratch AS postgres-migrate'));
    expect(stage.split('\n').slice(0, 6)).toEqual([
      'FROM scratch AS postgres-migrate',
      'COPY --from=migrate-tool /out/rootfs/ /',
      'COPY migrations/ /migrations/',
      'USER 65532:65532',
      'ENTRYPOINT ["/usr/local/bin/migrate-run", "DATABASE_URL", "/migrations"]',
      'CMD ["up"]',
    ]);
    // the default service's image stays the last stage: docker build . builds it
    expect(dockerfile.lastIndexOf('FROM ')).toBeGreaterThan(dockerfile.indexOf('AS postgres-migrate'));
    expect(dockerfile.slice(dockerfile.lastIndexOf('FROM '))).toMatch(/^FROM scratch AS hello\n/);
  });

  test('.dockerignore lets the SQL files in; the Makefile has migrate-new, migrate-up and migrate-down', () => {
    const project = newProject();
    new PostgresDatabase(project);
    const files = synth(project);
    expect(files['.dockerignore']).toContain('\n!migrations/\n');
    const make: string = files.Makefile;
    expect(make).toContain('migrate-up: secrets\n\t$(COMPOSE_ENV) $(COMPOSE) build postgres-migrate\n\t$(COMPOSE_ENV) $(COMPOSE) run --rm postgres-migrate up');
    expect(make).toContain('$(COMPOSE_ENV) $(COMPOSE) run --rm postgres-migrate down 1');
    expect(make).toContain('COMPOSE_ONESHOT ?= postgres-migrate');
    expect(make).toContain('docker-build: docker-build-hello docker-build-postgres-migrate');
  });

  test('samples: the first migration pair; the handler that reads its table only once go.mod requires its driver', () => {
    // GIVEN go.mod without the driver: the migrations, and no handler (the build never needs a module it lacks)
    const without = newProject();
    new PostgresDatabase(without);
    const files = synth(without);
    expect(files['migrations/000001_create_greetings.up.sql']).toContain('CREATE TABLE greetings');
    expect(files['migrations/000001_create_greetings.down.sql']).toBe('DROP TABLE greetings;\n');
    expect(files['cmd/hello/greetings.go']).toBeUndefined();
    expect(files['cmd/hello/main.go']).toContain('var routes []func(*http.ServeMux)');
    // GIVEN go.mod requiring it (add postgres runs go get): the handler too
    const withDriver = newProject();
    new PostgresDatabase(withDriver);
    writeFileSync(join(withDriver.outdir, 'go.mod'), `module example.com/hello\n\ngo 1.26\n\nrequire ${SAMPLE_DB_DRIVER.module} ${SAMPLE_DB_DRIVER.version}\n`);
    expect(synth(withDriver)['cmd/hello/greetings.go']).toContain('SELECT id, text FROM greetings ORDER BY id');
  });
});

describe('Migrations on Kubernetes', () => {
  test('an init container of the pods of the services wired to the database, restricted, with the same secret', () => {
    const project = newProject({ kubernetes: true });
    new PostgresDatabase(project);
    const files = synth(project);
    const objects = YAML.parseAllDocuments(files['k8s/services/hello.yaml']).map((d) => d.toJSON());
    const deployment = objects.find((o) => o.kind === 'Deployment');
    const init = deployment.spec.template.spec.initContainers;
    expect(init).toHaveLength(1);
    expect(init[0]).toEqual(expect.objectContaining({
      name: 'postgres-migrate',
      image: 'hello-postgres-migrate',
      imagePullPolicy: 'IfNotPresent',
      args: ['up'],
      env: [{ name: 'DATABASE_URL_FILE', value: '/run/secrets/postgres_url' }],
      volumeMounts: [{ name: 'secrets', mountPath: '/run/secrets', readOnly: true }],
    }));
    expect(init[0].securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    // make k8s-apply pins the migrations image to the tag make docker-build made
    expect(files.Makefile).toContain("'  - name: hello-postgres-migrate' '    newName: $(POSTGRES_MIGRATE_IMAGE)' '    newTag: $(VERSION)'");
  });
});

describe('make dev: the compose watch mode', () => {
  test('docker-compose.dev.yml: the service in its development image, air building the packages it builds from; restart on its run-time files (bind-mounted); modules and migrations rebuilt', () => {
    const project = newProject({ files: { templates: 'templates' }, workdir: '/app' });
    new PostgresDatabase(project);
    const files = synth(project);
    const dev = YAML.parse(files['docker-compose.dev.yml']);
    const air = dev.services.hello.entrypoint as string[];
    const flag = (name: string) => air[air.indexOf(name) + 1];
    expect(air[0]).toBe('/usr/local/bin/air');
    expect(air[air.length - 1]).toBe('--');
    expect(flag('--root')).toBe('/src');
    // the image build's flags, the binary where the image has it (the health check runs it there)
    expect(flag('--build.cmd')).toBe('cd /src && CGO_ENABLED=0 go build -trimpath -buildvcs=false -gcflags=all=-dwarf=false -tags timetzdata '
      + '-ldflags "-s -w -X main.version=dev -X main.commit=unknown -X main.date=1970-01-01T00:00:00Z" -o /usr/local/bin/hello ./cmd/hello');
    expect(flag('--build.entrypoint')).toBe('/usr/local/bin/hello');
    expect(flag('--build.include_dir')).toBe('cmd/hello');
    expect(flag('--build.include_ext')).toBe('go');
    expect({ ...dev.services.hello, entrypoint: undefined }).toEqual({
      image: '${HELLO_IMAGE:-hello}:dev-loop',
      build: { target: 'dev' },
      entrypoint: undefined,
      working_dir: '/app',
      read_only: false,
      volumes: ['.:/src:ro', 'dev-go-build:/cache/go-build', './templates:/app/templates:ro'],
      healthcheck: { start_period: '300s' },
      develop: {
        watch: [
          { action: 'rebuild', path: './go.mod' },
          { action: 'restart', path: './templates' },
        ],
      },
    });
    expect(dev.services['postgres-migrate']).toEqual({ develop: { watch: [{ action: 'rebuild', path: './migrations' }] } });
    expect(dev.volumes).toEqual({ 'dev-go-build': {} });
    // the development image: the modules in it, air from its own stage, the directories the service writes
    const dockerfile: string = files.Dockerfile;
    expect(dockerfile).toContain('go install -trimpath -buildvcs=false -gcflags=all=-dwarf=false -ldflags "-s -w" github.com/air-verse/air@v1.67.4');
    const stage = dockerfile.slice(dockerfile.indexOf('FROM deps AS dev'), dockerfile.indexOf('\n\n', dockerfile.indexOf('FROM deps AS dev')));
    expect(stage).toContain('COPY --from=air /usr/local/bin/air /usr/local/bin/air');
    expect(stage).toContain('--mount=type=cache,target=/cache/mod,id=/go/pkg/mod');
    expect(stage).toContain('GOPROXY="file:///cache/mod/cache/download,${GOPROXY:-https://proxy.golang.org,direct}" go mod download');
    expect(stage).toContain('chmod 1777 /app /cache/go-build /usr/local/bin');
    expect(stage).toContain('ENV GOPROXY=off');
    // the stages make dev builds come before the default target, which stays last
    expect(dockerfile.indexOf('AS dev')).toBeLessThan(dockerfile.indexOf('AS hello\n'));
  });

  test('make dev: a main package at the module root watches every directory but the excluded', () => {
    const project = newProject({ mainPackage: '.' });
    const dev = YAML.parse(synth(project)['docker-compose.dev.yml']);
    const air = dev.services.hello.entrypoint as string[];
    expect(air).not.toContain('--build.include_dir');
    expect(air[air.indexOf('--build.exclude_dir') + 1]).toBe('node_modules,testdata,vendor');
    // the image's working directory, never /src, where air would read an .air.toml of the repository's
    expect(dev.services.hello.working_dir).toBe('/');
  });

  test('make dev: says so and names the fix where compose has no watch mode; Ctrl-C takes the stack down', () => {
    const project = newProject();
    const make: string = synth(project).Makefile;
    const dev = make.slice(make.indexOf('\ndev:'), make.indexOf('\n\n', make.indexOf('\ndev:')));
    expect(dev).toContain('has no watch mode (Compose v1, or v2 before 2.22). Install the Compose v2 plugin');
    expect(dev).toContain('up --build --watch --remove-orphans');
    expect(dev).toContain('$$files down --remove-orphans');
  });
});
