import { posix, relative, sep } from 'path';
import { Project, YamlFile } from 'projen';
import { COMPOSE_DEV_FILE } from '../model/constants';
import { modelOf, ProjectModel, ServiceModel } from '../model/model';

/**
 * The watch mode of the compose stack (`make dev`, `compose up --watch`): `docker-compose.dev.yml`,
 * read on top of docker-compose.yml (and your docker-compose.override.yml) by `make dev` only. Per
 * service, `develop.watch` rules from the same model as the build context: a change to the Go code
 * it builds from rebuilds its image and replaces its container; a change to a file or directory it
 * reads at run time is copied into the running container, which restarts, without a rebuild. The
 * migrations image is rebuilt (and the migrations run again) when a migration changes.
 *
 * The run-time files are bind-mounted read-only over the image's in watch mode, rather than copied
 * in (compose's `sync`): the engine refuses to copy into a read-only root file system, and into an
 * image without /etc/passwd for a numeric user. The `restart` action needs Compose 2.32 or later.
 *
 * @see https://docs.docker.com/compose/how-tos/file-watch/
 */
export class ComposeDevFile extends YamlFile {
  constructor(project: Project) {
    const refusal = () => `${COMPOSE_DEV_FILE}: the compose watch mode belongs to a GoServiceProject.`;
    modelOf(project, refusal);
    super(project, COMPOSE_DEV_FILE, { readonly: true, marker: true, obj: () => renderComposeDev(modelOf(project, refusal)) });
  }
}

/** The watch-mode additions to the compose document of the model. */
export function renderComposeDev(model: ProjectModel): { [key: string]: any } {
  const services: { [name: string]: any } = {};
  for (const s of model.services.filter((x) => x.isServer)) {
    const watch = watchRules(model, s);
    if (watch.length === 0) continue;
    services[s.name] = { develop: { watch } };
    // the run-time files of the working tree, read-only over the image's: a change is there at once,
    // and the restart makes the service read it
    if (s.runtimeFiles.length) services[s.name].volumes = s.runtimeFiles.map((f) => `./${trimSlash(f.source)}:${f.destination}:ro`);
  }
  for (const m of model.addons.flatMap((a) => (a.migrations ? [a.migrations] : []))) {
    services[m.service] = { develop: { watch: [{ action: 'rebuild', path: `./${m.directory}` }] } };
  }
  return { services };
}

/**
 * What `make dev` (`compose up --watch`) watches for a service, from the same model as the build
 * context: a change to the Go code the service builds from (its packages in the repository, as `go
 * list` says, go.mod, vendor/, local modules) rebuilds its image and replaces its container; a change
 * to a file or directory it reads at run time restarts the service, without a rebuild, reading it
 * from the working tree. Nothing else triggers anything. Compose ignores `develop` outside watch mode.
 *
 * @see https://docs.docker.com/compose/how-tos/file-watch/
 */
export function watchRules(model: ProjectModel, s: ServiceModel): Array<{ [key: string]: string }> {
  const sources = model.goSources;
  // the main package, and the packages of the repository it imports, as go list says
  const dirs = new Set<string>([s.mainPackage.replace(/^\.\//, '').replace(/\/+$/, '')]);
  for (const p of sources.packages.get(s.name) ?? []) {
    if (p.standard || !p.module?.main || !p.dir || !p.module.dir) continue;
    const dir = relative(p.module.dir, p.dir).split(sep).join(posix.sep);
    if (!dir.startsWith('..')) dirs.add(dir === '' ? '.' : dir);
  }
  const rebuild = [
    ...[...dirs].sort(),
    'go.mod',
    ...(sources.vendored ? ['vendor'] : []),
    ...sources.localModules,
  ];
  return [
    ...rebuild.map((path) => ({ action: 'rebuild', path: `./${path}` })),
    ...s.runtimeFiles.map((f) => ({ action: 'restart', path: `./${trimSlash(f.source)}` })),
  ];
}

function trimSlash(path: string): string {
  return path.replace(/\/+$/, '');
}
