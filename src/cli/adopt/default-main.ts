import type { MainPackage } from '../../go/go-repo';

/** The main adopt makes the default service, and why (adopt says it). */
export interface DefaultMain {
  readonly main: MainPackage;
  readonly why: string;
}

/**
 * The main a Go user would call the project's service: the one the repository's Dockerfile builds;
 * else a server named as the project (`cmd/wtf`), or as its daemon or server (`wtfd`, `wtf-server`,
 * `wtfserver`), before any other server (a development tool such as `wtf-storybook` listens too);
 * else the first server in path order; else a command named as the project; else the first main.
 *
 * @param mains the module's main packages, in path order
 * @param name the project's name
 * @param dockerfilePackage the package the repository's Dockerfile builds, if any
 */
export function defaultMain(mains: readonly MainPackage[], name: string, dockerfilePackage?: string): DefaultMain {
  const built = mains.find((m) => m.path === dockerfilePackage);
  if (built) return { main: built, why: 'the package your Dockerfile builds' };
  const servers = mains.filter((m) => m.server);
  const named = servers.find((m) => m.dirName === name);
  if (named) return { main: named, why: 'the server named as the project' };
  const daemons = [`${name}d`, `${name}-server`, `${name}server`, `${name}-daemon`];
  const daemon = daemons.map((n) => servers.find((m) => m.dirName === n)).find((m) => m !== undefined);
  if (daemon) return { main: daemon, why: `the server named as the project's ${daemon.dirName === `${name}d` || daemon.dirName === `${name}-daemon` ? 'daemon' : 'server'}` };
  if (servers.length) return { main: servers[0], why: servers.length > 1 ? 'the first server in path order (none is named as the project)' : 'the only server' };
  const command = mains.find((m) => m.dirName === name);
  if (command) return { main: command, why: 'the command named as the project (no main listens)' };
  return { main: mains[0], why: 'the first main in path order (none listens, none is named as the project)' };
}
