import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { readRepoCompose } from '../../../src/cli/adopt/repo-compose';

function composeRepo(files: { [path: string]: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'repo-compose-'));
  for (const [p, c] of Object.entries(files)) writeFileSync(join(dir, p), c);
  return dir;
}

const OURS = [{ name: 'shop', server: true, isDefault: true }, { name: 'worker', server: true, isDefault: false }];

describe('readRepoCompose', () => {
  test('merge keys are read as Compose reads them: the environment of an anchor reaches our service', () => {
    const dir = composeRepo({
      'docker-compose.yml': 'x-env: &env\n  SHOP_MODE: prod\n  LOG_LEVEL: debug\nservices:\n  web:\n    build: .\n    environment:\n      <<: *env\n      EXTRA: "1"\n',
    });
    expect(readRepoCompose(dir, OURS)!.environment.get('shop')).toEqual({ SHOP_MODE: 'prod', LOG_LEVEL: 'debug', EXTRA: '1' });
  });

  test('a service of theirs named as ours that builds another Dockerfile (their development build): ours takes its place, the others still reach it', () => {
    const dir = composeRepo({
      'docker-compose.yaml': [
        'services:',
        '  shop: { build: { context: ., dockerfile: Dockerfile.dev }, command: [serve, --debug], environment: { SHOP_MODE: dev } }',
        '  proxy: { image: nginx:alpine, depends_on: [shop] }',
        '',
      ].join('\n'),
    });
    const plan = readRepoCompose(dir, OURS)!;
    expect(Object.keys(plan.own.services)).toEqual(['proxy']);
    expect(plan.own.services.proxy).toEqual({ image: 'nginx:alpine', depends_on: ['shop'] });
    expect(plan.environment.get('shop')).toEqual({ SHOP_MODE: 'dev' });
    expect(plan.notes).toContain('your compose service shop builds another Dockerfile; the generated shop service (the image of the generated Dockerfile) takes its place, so the services that reach shop reach it (yours is kept in .pre-projen/docker-compose.yaml).');
  });

  test('their development service\'s paths of its own volumes (SHIORI_DIR-like) are not carried to the generated service, and said', () => {
    const dir = composeRepo({
      'docker-compose.yaml': [
        'services:',
        '  shop:',
        '    build: { context: ., dockerfile: Dockerfile.dev }',
        '    volumes: ["./dev-data:/srv/shop", { type: bind, source: ., target: /src/shop/ }]',
        '    environment: { SHOP_DIR: /srv/shop, SHOP_CACHE: /src/shop/cache, SHOP_MODE: dev, SHOP_ETC: /etc/shop }',
        '',
      ].join('\n'),
    });
    const plan = readRepoCompose(dir, OURS)!;
    expect(plan.environment.get('shop')).toEqual({ SHOP_MODE: 'dev', SHOP_ETC: '/etc/shop' });
    expect(plan.notes).toContain('shop: not carried over from your compose service shop (it builds another image): SHOP_DIR=/srv/shop, SHOP_CACHE=/src/shop/cache, a path of its own volumes, which the generated service does not mount.');
    // a service that builds our Dockerfile keeps its environment whatever it mounts
    const ours = composeRepo({ 'docker-compose.yml': 'services:\n  shop:\n    build: .\n    volumes: ["data:/data"]\n    environment: { SHOP_DIR: /data }\n' });
    expect(readRepoCompose(ours, OURS)!.environment.get('shop')).toEqual({ SHOP_DIR: '/data' });
  });

  test('services that build the Dockerfile are ours (by target, else by name, else the default); references to them follow their new names', () => {
    // GIVEN a compose file whose app services are named differently from ours
    const dir = composeRepo({
      'docker-compose.yml': [
        'services:',
        '  web: { build: { context: ., target: shop }, environment: { PORT: "80", LOG: debug, TOKEN: "${TOKEN}" }, depends_on: { mq: { condition: service_healthy } } }',
        '  jobs: { build: ., depends_on: [cache] }',
        '  worker: { build: { context: ., dockerfile: ./Dockerfile } }',
        '  mq: { image: rabbitmq:4-management, volumes: [mqdata:/var/lib/rabbitmq], networks: [back] }',
        '  cache: { image: "docker.io/library/redis:7.4" }',
        '  edge: { image: nginx, links: ["web:app"], depends_on: [web, worker] }',
        'volumes: { mqdata: {}, unused: {} }',
        'networks: { back: { driver: bridge } }',
        '',
      ].join('\n'),
    });
    // WHEN it is planned
    const plan = readRepoCompose(dir, OURS)!;
    // THEN
    expect(plan.addons).toEqual([{ kind: 'redis', name: 'cache', image: 'redis:7.4', services: ['shop'], database: undefined, user: undefined }]);
    expect(plan.own).toEqual({
      services: {
        mq: { image: 'rabbitmq:4-management', volumes: ['mqdata:/var/lib/rabbitmq'], networks: ['back'] },
        edge: { image: 'nginx', links: ['shop:app'], depends_on: ['shop', 'worker'] },
      },
      volumes: { mqdata: {} },
      networks: { back: { driver: 'bridge' } },
    });
    expect(plan.dependsOn).toEqual([['shop', 'mq', 'service_healthy']]);
    expect([...plan.environment]).toEqual([['shop', { LOG: 'debug' }]]);
    expect(plan.shadowing).toEqual([]);
  });

  test('compose.yaml is the one Compose reads first: it is read, and it and docker-compose.yaml are moved aside; an override file is said', () => {
    const dir = composeRepo({ 'compose.yaml': 'services: {}\n', 'docker-compose.yaml': 'services: {}\n', 'docker-compose.yml': 'services: {}\n', 'compose.override.yaml': 'services: {}\n' });
    const plan = readRepoCompose(dir, OURS)!;
    expect([plan.file, plan.shadowing]).toEqual(['compose.yaml', ['compose.yaml', 'docker-compose.yaml']]);
    expect(plan.notes).toEqual(['your compose.override.yaml stays: Compose merges it into the generated docker-compose.yml, so check that the services it names are still there.']);
  });

  test('a compose file that is not YAML: nothing carried, and said', () => {
    const plan = readRepoCompose(composeRepo({ 'docker-compose.yml': 'services: [\n' }), OURS)!;
    expect(plan.notes[0]).toMatch(/^your docker-compose.yml is not YAML that adopt can read \(.+\): nothing of it was carried over\.$/);
  });

  test('several redis services (a test matrix) or one with a command of its own stay the team\'s, as they are', () => {
    const dir = composeRepo({
      'docker-compose.yml': [
        'services:',
        '  app: { build: ., depends_on: [redis7] }',
        '  redis7: { image: "redis:7", ports: ["16379:6379"] }',
        '  redis8: { image: "redis:8", command: ["redis-server", "--port", "6380"] }',
        '  redis6: { image: "redis:6" }',
        '  db: { image: "postgres:17", command: ["postgres", "-c", "fsync=off"] }',
        '',
      ].join('\n'),
    });
    const plan = readRepoCompose(dir, OURS)!;
    expect(plan.addons).toEqual([]);
    expect(Object.keys(plan.own.services).sort()).toEqual(['db', 'redis6', 'redis7', 'redis8']);
    expect(plan.own.services.redis8.command).toEqual(['redis-server', '--port', '6380']);
    expect(plan.notes).toContain('your compose file has 2 redis services (redis7, redis6): they stay yours, as they are, rather than one RedisCache.');
  });
});
