import { PostgresDatabase, RedisCache } from '../../src';
import { addonKind, addonKinds } from '../../src/addons/registry';
import { addAddon } from '../../src/cli/commands/add';
import { removeAddon } from '../../src/cli/commands/remove';
import { COMMANDS } from '../../src/cli/index';
import { newProject } from '../util';

describe('add-ons as data', () => {
  test('Postgres: image, environment, secrets, volume, health and what the services get', () => {
    // GIVEN a project with Postgres for its default service
    const project = newProject();
    const db = new PostgresDatabase(project, { hostPort: 15432 });
    // WHEN the add-on is resolved
    const model = db._toModel();
    // THEN the renderers read all of it as plain data
    expect(model).toEqual({
      name: 'postgres',
      kind: 'postgres',
      image: 'postgres:17.6-alpine',
      port: 5432,
      hostPort: 15432,
      urlVariable: 'DATABASE_URL',
      connectedServices: ['hello'],
      command: undefined,
      environment: { POSTGRES_DB: 'hello', POSTGRES_USER: 'app', POSTGRES_PASSWORD_FILE: '/run/secrets/postgres_password' },
      ownSecrets: ['postgres_password'],
      volumes: [{ name: 'postgres-data', mountPath: '/var/lib/postgresql/data' }],
      health: { test: ['CMD', 'pg_isready', '-h', '127.0.0.1', '-U', 'app', '-d', 'hello'], interval: '5s', timeout: '3s', retries: 10, startPeriod: '10s' },
      secrets: expect.arrayContaining([expect.objectContaining({ name: 'postgres_password', file: '.secrets/postgres_password' })]),
      serviceEnvironment: { DATABASE_URL_FILE: '/run/secrets/postgres_url' },
      serviceSecrets: ['postgres_url'],
      // on by default (test/migrations.test.ts)
      migrations: expect.objectContaining({ service: 'postgres-migrate', directory: 'migrations' }),
    });
  });

  test('Redis: its command reads the password from the secret file, never from compose', () => {
    const project = newProject();
    const model = new RedisCache(project, { name: 'cache' })._toModel();
    expect(model.command).toEqual(['sh', '-c', 'exec redis-server --appendonly yes --requirepass "$$(cat /run/secrets/cache_password)"']);
    expect(model.volumes).toEqual([{ name: 'cache-data', mountPath: '/data' }]);
    expect(model.serviceEnvironment).toEqual({ REDIS_URL_FILE: '/run/secrets/cache_url' });
  });
});

describe('the add-on registry', () => {
  test('every add-on of the library is registered, with its class, image and variable', () => {
    expect(addonKinds().map((k) => [k.kind, k.className, k.urlVariable])).toEqual([
      ['postgres', 'PostgresDatabase', 'DATABASE_URL'],
      ['redis', 'RedisCache', 'REDIS_URL'],
    ]);
  });

  test('the CLI has add and remove commands for each registered kind, and only those', () => {
    const paths = COMMANDS.map((c) => c.path.join(' '));
    for (const { kind } of addonKinds()) {
      expect(paths).toContain(`add ${kind}`);
      expect(paths).toContain(`remove ${kind}`);
    }
    expect(paths.filter((p) => p.startsWith('add ') && p !== 'add service')).toHaveLength(addonKinds().length);
  });

  test('a kind\'s commands are made from its registration', () => {
    const kind = addonKind('redis')!;
    expect(addAddon(kind).summary).toBe('Add a Redis cache for local development: new RedisCache(project, {...}) in .projenrc.ts, then npx projen.');
    expect(removeAddon(kind).summary).toBe('Remove the RedisCache add-on named <name> (default: redis) from .projenrc.ts, then npx projen.');
  });
});
