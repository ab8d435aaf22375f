import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as YAML from 'yaml';
import { GoService, GoServiceProject, PostgresDatabase, RedisCache, RuntimeStage } from '../src';
import { composeValidator } from './compose-schema';
import { newProject, synth } from './util';

function hasDockerCompose(): boolean {
  try {
    execFileSync('docker-compose', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** docker-compose 1.29's own check, in a directory with the compose file and its secret files. */
function dockerComposeConfig(yaml: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'pgs-compose-'));
  writeFileSync(join(dir, 'docker-compose.yml'), yaml);
  mkdirSync(join(dir, '.secrets'));
  execFileSync('docker-compose', ['config', '-q'], { cwd: dir, stdio: 'pipe' });
}

function composeOf(project: GoServiceProject): any {
  return YAML.parse(synth(project)['docker-compose.yml']);
}

function withAddons(): GoServiceProject {
  const project = newProject();
  new GoService(project, 'worker', { port: 9090, writableTmp: true, runtime: RuntimeStage.distroless({ nonroot: false }) });
  new PostgresDatabase(project, { services: ['hello'] });
  new RedisCache(project);
  return project;
}

describe('docker-compose.yml', () => {
  const validate = composeValidator();

  test('one hardened service per GoService, built from our Dockerfile', () => {
    expect(composeOf(newProject()).services.hello).toEqual({
      image: '${HELLO_IMAGE:-hello}:${VERSION:-latest}',
      build: {
        context: '.',
        dockerfile: 'Dockerfile',
        target: 'hello',
        args: ['VERSION', 'COMMIT', 'DATE', 'SOURCE_DATE_EPOCH', 'GOPROXY', 'GOSUMDB', 'GONOSUMDB', 'GOPRIVATE', 'GOFLAGS'],
      },
      ports: ['8080:8080'],
      environment: { PORT: '8080' },
      healthcheck: { test: ['CMD', '/usr/local/bin/hello', 'healthcheck'], interval: '10s', timeout: '3s', retries: 3, start_period: '5s' },
      restart: 'unless-stopped',
      read_only: true,
      cap_drop: ['ALL'],
      security_opt: ['no-new-privileges:true'],
      user: '65532:65532',
    });
  });

  test('values YAML 1.1 readers could misread are quoted', () => {
    const text = synth(newProject())['docker-compose.yml'];
    expect(text).toContain('      - "8080:8080"');
    expect(text).toContain('    user: "65532:65532"');
    expect(text).toContain('      PORT: "8080"');
  });

  test('add-ons: health checks, volumes, secrets, connection settings and depends_on conditions', () => {
    const doc = composeOf(withAddons());
    expect(doc.services.postgres).toEqual({
      image: 'postgres:17.6-alpine',
      environment: { POSTGRES_DB: 'hello', POSTGRES_USER: 'app', POSTGRES_PASSWORD_FILE: '/run/secrets/postgres_password' },
      secrets: ['postgres_password'],
      volumes: ['postgres-data:/var/lib/postgresql/data'],
      healthcheck: { test: ['CMD', 'pg_isready', '-h', '127.0.0.1', '-U', 'app', '-d', 'hello'], interval: '5s', timeout: '3s', retries: 10, start_period: '10s' },
      restart: 'unless-stopped',
    });
    expect(doc.services.redis.healthcheck.test[0]).toBe('CMD-SHELL');
    expect(doc.services.redis.healthcheck.test[1]).toContain('ping');
    expect(doc.services.hello.environment).toEqual({ PORT: '8080', DATABASE_URL_FILE: '/run/secrets/postgres_url', REDIS_URL_FILE: '/run/secrets/redis_url' });
    expect(doc.services.hello.secrets).toEqual(['postgres_url', 'redis_url']);
    expect(doc.services.hello.depends_on).toEqual({
      'postgres': { condition: 'service_healthy' },
      'postgres-migrate': { condition: 'service_completed_successfully' },
      'redis': { condition: 'service_healthy' },
    });
    expect(doc.services.worker.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
    expect(doc.services.worker.tmpfs).toEqual(['/tmp']);
    expect(doc.services.worker.user).toBe('0:0');
    expect(doc.volumes).toEqual({ 'postgres-data': {}, 'redis-data': {} });
    expect(doc.secrets).toEqual({
      postgres_password: { file: './.secrets/postgres_password' },
      postgres_url: { file: './.secrets/postgres_url' },
      redis_password: { file: './.secrets/redis_password' },
      redis_url: { file: './.secrets/redis_url' },
    });
  });

  test('no literal password anywhere in the compose file', () => {
    const text = synth(withAddons())['docker-compose.yml'];
    expect(text).not.toMatch(/PASSWORD:/);
    expect(text).not.toMatch(/postgres:\/\/|redis:\/\//);
  });

  test('no top-level name: (docker-compose 1.29 rejects it)', () => {
    expect(Object.keys(composeOf(withAddons()))).toEqual(['services', 'volumes', 'secrets']);
  });

  test('addOverride and addDeletionOverride reach the rendered file', () => {
    const project = newProject();
    project.compose.addOverride('services.hello.mem_limit', '256m');
    project.compose.addOverride('services.hello.labels.com\\.example\\.team', 'payments');
    project.compose.addDeletionOverride('services.hello.restart');
    const hello = composeOf(project).services.hello;
    expect(hello.mem_limit).toBe('256m');
    expect(hello.labels).toEqual({ 'com.example.team': 'payments' });
    expect(hello.restart).toBeUndefined();
  });

  test.each([
    ['the default project', () => newProject()],
    ['several services and add-ons', withAddons],
    ['services, a volume and a network of your own', () => {
      const p = newProject({ composeServices: { nats: { image: 'nats:2.10-alpine', command: ['-js'] } } });
      new PostgresDatabase(p);
      p.compose.addService('proxy', { image: 'nginx:1.27-alpine', ports: ['8081:80'], volumes: ['static:/usr/share/nginx/html:ro'], networks: ['edge', 'default'], depends_on: ['hello'] });
      p.compose.addVolume('static').addNetwork('edge', { driver: 'bridge' });
      p.compose.addOverride('services.hello.depends_on.nats.condition', 'service_started');
      return p;
    }],
    ['a mirror and a published database port', () => {
      const p = newProject({ registryMirror: 'mirror.example.com' });
      new PostgresDatabase(p, { hostPort: 15432 });
      return p;
    }],
  ])('%s validates against the compose-spec schema and docker-compose config', (_n, make) => {
    const yaml = synth(make())['docker-compose.yml'];
    expect(validate(YAML.parse(yaml))).toEqual([]);
    if (hasDockerCompose()) {
      dockerComposeConfig(yaml);
    } else if (process.env.CI) {
      throw new Error('docker-compose is not installed, and this is CI: run ../shared/docker/engine-up first (.ci/run does)');
    } else {
      // eslint-disable-next-line no-console
      console.warn('SKIPPED: docker-compose config (docker-compose is not installed; ../shared/docker/engine-up installs it)');
    }
  });

  test('the schema check catches what it should (a string where an array belongs)', () => {
    const doc = composeOf(newProject());
    doc.services.hello.cap_drop = 'ALL';
    expect(validate(doc)).not.toEqual([]);
  });

  test('services of your own are rendered verbatim after the generated ones; the generated names stay theirs', () => {
    // GIVEN a project with an add-on and services, a volume and a network of the team's
    const project = newProject({ composeServices: { nats: { image: 'nats:2.10-alpine', command: ['-js'] } } });
    new PostgresDatabase(project);
    project.compose.addService('proxy', { image: 'nginx:1.27-alpine', ports: ['8081:80'], depends_on: ['hello'] }).addVolume('static').addNetwork('edge', { driver: 'bridge' });
    // WHEN it is synthesized
    const doc = composeOf(project);
    // THEN theirs come after ours, as given
    expect(Object.keys(doc.services)).toEqual(['hello', 'postgres', 'postgres-migrate', 'nats', 'proxy']);
    expect(doc.services.nats).toEqual({ image: 'nats:2.10-alpine', command: ['-js'] });
    expect(doc.services.proxy).toEqual({ image: 'nginx:1.27-alpine', ports: ['8081:80'], depends_on: ['hello'] });
    expect(doc.volumes).toEqual({ 'postgres-data': {}, 'static': {} });
    expect(doc.networks).toEqual({ edge: { driver: 'bridge' } });
  });

  test('a service of your own named like a generated one, a bad name, or what is not plain data, is refused', () => {
    const project = newProject({ composeServices: { hello: { image: 'busybox' } } });
    expect(() => synth(project)).toThrow('compose.services: "hello" is a service the generated docker-compose.yml defines itself. Give yours another name.');
    expect(() => newProject().compose.addService('-x', {})).toThrow('compose.addService: "-x" is not a compose name. Use letters, digits, ".", "_" and "-", starting with a letter or a digit.');
    expect(() => newProject().compose.addService('x', { image: () => 'busybox' } as any)).toThrow('compose.addService: the definition of x is not plain data');
    expect(() => newProject().compose.addVolume('v').addVolume('v')).toThrow('compose.addVolume: v is added twice. Add it once.');
  });
});
