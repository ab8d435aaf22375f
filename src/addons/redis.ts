import { Project } from 'projen';
import { Addon, AddonContainer, AddonOptions, AddonSecret } from './addon';
import { registerAddonKind } from './registry';
import { SECRETS_MOUNT } from '../model/wiring';

/** The Redis release compose runs unless told otherwise. */
const REDIS_IMAGE = 'redis:8.2-alpine';

const REDIS = registerAddonKind({
  kind: 'redis', className: 'RedisCache', summary: 'a Redis cache for local development', image: REDIS_IMAGE, port: 6379, urlVariable: 'REDIS_URL',
});

/**
 * Options for RedisCache.
 */
export interface RedisCacheOptions extends AddonOptions {}

/**
 * A Redis cache for local development: a compose service with a `redis-cli ping` health check, a
 * named volume, and a password (`requirepass`) in a compose secret that `make secrets` creates on
 * first use. Connected services get `REDIS_URL_FILE` and start once the cache is healthy.
 *
 * ```ts
 * new RedisCache(project, { services: ['hello'] });
 * ```
 */
export class RedisCache extends Addon {
  constructor(project: Project, options: RedisCacheOptions = {}) {
    super(project, REDIS, options);
  }

  /** @internal */
  public _container(): AddonContainer {
    const password = `$$(cat ${SECRETS_MOUNT}/${this.passwordSecret})`;
    return {
      // the password comes from the secret file, never from the compose file or the environment
      command: ['sh', '-c', `exec redis-server --appendonly yes --requirepass "${password}"`],
      secrets: [this.passwordSecret],
      dataPath: '/data',
      health: {
        test: ['CMD-SHELL', `redis-cli --no-auth-warning -a "${password}" ping | grep -q PONG`],
        interval: '5s',
        timeout: '3s',
        retries: 10,
        startPeriod: '5s',
      },
    };
  }

  /** @internal */
  public _secrets(): AddonSecret[] {
    return this.passwordAndUrlSecrets(`redis://:%s@${this.name}:${this.port}/0`);
  }

}
