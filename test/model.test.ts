import { mkdtempSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { JsonPatch, Project, SampleDir } from 'projen';
import { Project as TsProject } from 'ts-morph';
import * as YAML from 'yaml';
import {
  CertsLayer, DistrolessVariant, GoService, GoServiceOptions, GoServiceProjectOptions, HealthCheck, PostgresDatabase, RedisCache,
  RuntimeStage, TzLayer,
} from '../src';
import { newProject, synth } from './util';
import { RENDERED_FAMILIES } from '../src/files/makefile';
import { MAKE_TARGET_FAMILIES } from '../src/model/names';

const AGGREGATE_TARGETS: readonly string[] = MAKE_TARGET_FAMILIES;

/**
 * Issue 13: each fact is defined once in the model and every renderer reads it from there.
 */

/** A value for every GoServiceOptions field that differs from its default, and what makes it valid. */
const SAMPLES: { [field in keyof Required<GoServiceOptions>]: { value: GoServiceOptions[field]; base?: Partial<GoServiceProjectOptions> } } = {
  port: { value: 9090 },
  runtime: { value: RuntimeStage.distroless() },
  certs: { value: CertsLayer.none() },
  tz: { value: TzLayer.none() },
  cgo: { value: true, base: { runtime: RuntimeStage.distroless({ variant: DistrolessVariant.BASE }) } },
  mainPackage: { value: './cmd/server' },
  buildTags: { value: ['netgo'] },
  ldflags: { value: ['-X main.edition=oss'] },
  writableTmp: { value: true },
  userName: { value: 'app' },
  configFiles: { value: ['config.yaml'] },
  environment: { value: { LOG_LEVEL: 'debug' } },
  imageEnvironment: { value: { APP_HOST: '0.0.0.0' } },
  healthCheck: { value: HealthCheck.tcp() },
  server: { value: false, base: { port: undefined } },
  portVariable: { value: 'HTTP_PORT' },
  portArgument: { value: '-listen=:{port}' },
  portVariableValue: { value: ':{port}' },
  portInEnvironment: { value: false },
  args: { value: ['-v'] },
  subcommand: { value: ['serve'] },
  dataDirectories: { value: ['/data'] },
  workdir: { value: '/app' },
  files: { value: { templates: '/app/templates' } },
  versionVariables: { value: { version: 'example.com/x/version.Version' } },
  imageName: { value: 'acme/web' },
  imageVariable: { value: 'WEB_IMAGE' },
  platforms: { value: ['linux/arm64'] },
  imageSizeBudgetMiB: { value: 12 },
  deployment: { value: { replicas: 3 }, base: { kubernetes: true } },
};

/** The fields of GoServiceOptions, as TypeScript reads src/go-service.ts. */
function serviceOptionFields(): string[] {
  const source = new TsProject({ skipAddingFilesFromTsConfig: true }).addSourceFileAtPath(join(__dirname, '..', 'src', 'go-service.ts'));
  return source.getInterfaceOrThrow('GoServiceOptions').getProperties().map((p) => p.getName());
}

/** Everything a service holds (its fields and getters), as JSON, for comparing two services. */
function stateOf(service: GoService, omit: string[] = []): string {
  const skip = ['node', 'project', 'context', 'isDefault', ...omit];
  const state: { [key: string]: unknown } = {};
  for (const key of Object.keys(service)) {
    if (!skip.includes(key)) state[key] = (service as any)[key];
  }
  for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(GoService.prototype))) {
    if (d.get && !skip.includes(key)) state[key] = (service as any)[key];
  }
  return JSON.stringify(state).replace(/hello|other/g, '<name>');
}

describe('the default service', () => {
  test('the sample table names every GoServiceOptions field (add a sample when you add a field)', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(serviceOptionFields().sort());
  });

  test.each(Object.entries(SAMPLES))('receives %s from the project options', (field, sample) => {
    // GIVEN the same project with and without the option
    const without = newProject({ ...sample.base });
    const withIt = newProject({ ...sample.base, [field]: sample.value });
    // THEN the default service differs exactly because of it
    expect(stateOf(withIt.defaultService)).not.toBe(stateOf(without.defaultService));
    // AND it is the service the option makes when given directly (the default service's own names aside)
    const direct = new GoService(newProject({ ...sample.base, port: 7070 }), 'other', { port: 8080, ...sample.base, [field]: sample.value });
    const names = field === 'imageName' ? ['imageVariable'] : ['imageName', 'imageVariable'];
    expect(stateOf(withIt.defaultService, names)).toBe(stateOf(direct, names));
  });
});

describe('facts defined once, read by every renderer', () => {
  test('hardening: compose and make docker-run apply the same lock-down, and SECURITY.md says so', () => {
    const project = newProject({ writableTmp: true });
    const h = project.defaultService.hardening;
    expect(h).toEqual({ readOnlyRootFilesystem: true, dropCapabilities: ['ALL'], noNewPrivileges: true, tmpfs: ['/tmp'] });
    const files = synth(project);
    const svc = YAML.parse(files['docker-compose.yml']).services.hello;
    expect([svc.read_only, svc.tmpfs, svc.cap_drop, svc.security_opt]).toEqual([true, ['/tmp'], ['ALL'], ['no-new-privileges:true']]);
    expect(files.Makefile).toContain('--read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges:true');
    expect(files['SECURITY.md']).toContain('a read-only root file system, all capabilities dropped and no-new-privileges');
  });

  test('health probe: the image HEALTHCHECK and compose run the same command with the same timing', () => {
    const project = newProject();
    const probe = project.defaultService.healthProbe!;
    expect(probe).toEqual({ kind: 'command', command: ['/usr/local/bin/hello', 'healthcheck'], interval: '10s', timeout: '3s', startPeriod: '5s', retries: 3 });
    const files = synth(project);
    expect(files.Dockerfile).toContain('HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \\\n    CMD ["/usr/local/bin/hello", "healthcheck"]');
    expect(YAML.parse(files['docker-compose.yml']).services.hello.healthcheck).toEqual({
      test: ['CMD', '/usr/local/bin/hello', 'healthcheck'], interval: '10s', timeout: '3s', retries: 3, start_period: '5s',
    });
    expect(newProject({ healthCheck: HealthCheck.none() }).defaultService.healthProbe).toBeUndefined();
  });

  test('build args: the Dockerfile declares, compose passes and the Makefile sets the same list', () => {
    const project = newProject();
    const args = project.defaultService.buildArgs;
    expect(args).toEqual(['VERSION', 'COMMIT', 'DATE', 'SOURCE_DATE_EPOCH', 'GOPROXY', 'GOSUMDB', 'GONOSUMDB', 'GOPRIVATE', 'GOFLAGS']);
    const files = synth(project);
    expect(YAML.parse(files['docker-compose.yml']).services.hello.build.args).toEqual(args);
    for (const a of args) {
      expect(files.Dockerfile).toMatch(new RegExp(`^ARG ${a}\\b`, 'm'));
      expect(files.Makefile).toContain(`--build-arg "${a}=$(${a})"`);
      expect(files.Makefile).toContain(`${a}="$(${a})"`);
    }
  });

  test('stage names: the build stage and targets the service names are the Dockerfile\'s stages', () => {
    const project = newProject();
    const worker = new GoService(project, 'worker', { port: 9090, cgo: true, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.BASE }) });
    expect([worker.buildStage, worker.target, worker.debugTarget]).toEqual(['build-worker', 'worker', 'worker-debug']);
    expect(project.dockerfile.stageNames).toEqual(['deps', 'builder', 'deps-cgo', 'builder-cgo', 'air', 'dev', 'dev-cgo', 'build-hello', 'build-worker', 'worker-debug', 'worker', 'hello-debug', 'hello']);
  });
});

describe('reserved names come from the Makefile\'s own targets', () => {
  test('the reserved list is exactly the aggregate targets the Makefile generates (add-ons, Kubernetes and the pipeline on)', () => {
    const project = newProject({ kubernetes: true, ci: true });
    new GoService(project, 'worker', { port: 9090 });
    new PostgresDatabase(project);
    const generated = project.makefile.generatedTargets().map((t) => t.targets[0]);
    // per service, and per migrations image (docker-build-postgres-migrate: its name is the add-on's to check)
    const perService = generated.filter((t) => project.services.some((s) => t.endsWith(`-${s.name}`)) || /^docker-build-.+-migrate$/.test(t));
    expect(generated.filter((t) => !perService.includes(t)).sort()).toEqual([...AGGREGATE_TARGETS].sort());
    // a name make does not generate is not reserved (compose-config and all were, by hand)
    expect(AGGREGATE_TARGETS).not.toContain('compose-config');
    expect(AGGREGATE_TARGETS).not.toContain('all');
    // the names the model reserves are the families the Makefile renders, in its order
    expect(RENDERED_FAMILIES).toEqual(AGGREGATE_TARGETS);
  });

  test.each(AGGREGATE_TARGETS.map((t) => [t]))('a service named %s is refused, and nothing is written', (name) => {
    const outdir = mkdtempSync(join(tmpdir(), 'pgs-unit-'));
    const project = newProject({ outdir });
    new GoService(project, name, { port: 9090 });
    expect(() => project.synth()).toThrow(`${name}.name: "${name}" is a Makefile target of its own, and make ${name} would not mean this service. Choose another name.`);
    expect(readdirSync(outdir)).toEqual([]);
  });
});

describe('components use their projen base as intended', () => {
  test('docker-compose.yml is a YamlFile: patch and addToArray work', () => {
    const project = newProject();
    new RedisCache(project);
    project.compose.patch(JsonPatch.add('/services/hello/mem_limit', '128m'));
    project.compose.addToArray('services.hello.cap_add', 'NET_BIND_SERVICE');
    project.compose.addOverride('services.redis.restart', 'always');
    const doc = YAML.parse(synth(project)['docker-compose.yml']);
    expect(doc.services.hello.mem_limit).toBe('128m');
    expect(doc.services.hello.cap_add).toEqual(['NET_BIND_SERVICE']);
    expect(doc.services.redis.restart).toBe('always');
  });

  test('.dockerignore keeps each pattern once', () => {
    const project = newProject();
    project.dockerignore.include('config/', 'config/');
    project.dockerignore.exclude('config/secret.yaml', 'config/secret.yaml');
    const lines = String(synth(project)['.dockerignore']).split('\n');
    expect(lines.filter((l) => l === '!config/')).toHaveLength(1);
    expect(lines.filter((l) => l === 'config/secret.yaml')).toHaveLength(1);
  });

  test('a service writes no file itself: its samples are written by the project\'s ServiceSamples at synthesis', () => {
    const project = newProject();
    new GoService(project, 'worker', { port: 9090 });
    expect(project.components.filter((c) => c instanceof SampleDir)).toEqual([]);
    expect(readdirSync(project.outdir)).toEqual([]);
    const files = synth(project);
    expect(Object.keys(files).filter((f) => f.startsWith('cmd/')).sort()).toEqual(['cmd/hello/main.go', 'cmd/hello/main_test.go', 'cmd/worker/main.go', 'cmd/worker/main_test.go']);
  });

  test('an add-on needs a GoServiceProject, found the same way a service finds it', () => {
    const plain = new Project({ name: 'plain', outdir: mkdtempSync(join(tmpdir(), 'pgs-unit-')) });
    expect(() => new RedisCache(plain)).toThrow('redis: an add-on belongs to a GoServiceProject. Create it with the GoServiceProject as its first argument.');
  });
});
