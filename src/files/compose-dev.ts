import { posix, relative, sep } from 'path';
import { Project, YamlFile } from 'projen';
import { COMPOSE_DEV_FILE } from '../model/constants';
import {
  DEV_BUILD_CACHE, DEV_BUILD_CACHE_VOLUME, DEV_BUILD_DELAY_MS, DEV_HEALTH_START_PERIOD, DEV_IMAGE_TAG, DEV_SOURCE, DEV_TOOL, DEV_TOOL_DIR,
} from '../model/dev-loop';
import { cgoEnv, goBuildCommand, STAMP_DEFAULTS, toolchainFor } from '../model/go-build';
import { modelOf, ProjectModel, ServiceModel } from '../model/model';

/**
 * The watch mode of the compose stack (`make dev`): `docker-compose.dev.yml`, read on top of
 * docker-compose.yml (and your docker-compose.override.yml) by `make dev` only.
 *
 * Each server runs in the development image of its toolchain (the Dockerfile's `dev` stage: Go, the
 * modules, air), with the repository mounted read-only at /src and the Go build cache in a volume.
 * air, in the container, rebuilds the binary incrementally and restarts it when a file of the
 * packages the service builds from changes (the same model as the build context: what `go list`
 * says it imports), so a handler edit is served after a local build and a restart, with no image
 * build and no new container. Everything else of the service is as `make compose-up` runs it: its
 * environment, secrets, ports, dependencies, health check, user and capabilities; its root file
 * system is writable, since it builds there.
 *
 * Compose's `develop.watch` does the rest: a change to go.mod (or vendor/) rebuilds the development
 * image, whose modules it holds, and replaces the container; a change to a file or directory the
 * service reads at run time restarts it, without a rebuild, reading it from the working tree (bind-
 * mounted read-only over the image's); a changed migration rebuilds the migrations image and runs
 * the migrations again. The `restart` action needs Compose 2.32 or later.
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
  const servers = model.services.filter((x) => x.isServer);
  for (const s of servers) {
    const watch = devWatch(model, s);
    services[s.name] = {
      image: `\${${s.imageVariable}:-${s.imageName}}:${DEV_IMAGE_TAG}`,
      build: { target: toolchainFor(s.cgo).devStage },
      entrypoint: airCommand(s, watch),
      // the image's working directory (scratch's is /): not /src, where air would read an .air.toml of the repository's
      working_dir: s.workdir ?? '/',
      read_only: false,
      volumes: [
        `.:${DEV_SOURCE}:ro`,
        `${DEV_BUILD_CACHE_VOLUME}:${DEV_BUILD_CACHE}`,
        // the run-time files of the working tree, read-only over the image's: a change is there at once,
        // and the restart makes the service read it
        ...s.runtimeFiles.map((f) => `./${trimSlash(f.source)}:${f.destination}:ro`),
      ],
      ...(s.healthProbe ? { healthcheck: { start_period: DEV_HEALTH_START_PERIOD } } : {}),
      develop: {
        watch: [
          ...watch.rebuild.map((path) => ({ action: 'rebuild', path: `./${path}` })),
          ...watch.restart.map((path) => ({ action: 'restart', path: `./${path}` })),
        ],
      },
    };
  }
  for (const m of model.addons.flatMap((a) => (a.migrations ? [a.migrations] : []))) {
    services[m.service] = { develop: { watch: [{ action: 'rebuild', path: `./${m.directory}` }] } };
  }
  return { services, ...(servers.length ? { volumes: { [DEV_BUILD_CACHE_VOLUME]: {} } } : {}) };
}

/** What `make dev` watches for a service, as repository paths. */
export interface DevWatch {
  /** The directories of the Go code it builds from (its packages, local modules): air rebuilds and restarts it. */
  readonly build: string[];
  /** The extensions of the files there that count: Go files and the files they embed. */
  readonly extensions: string[];
  /** What compose rebuilds the development image for (the modules). */
  readonly rebuild: string[];
  /** What compose restarts the service for, without a rebuild (the files it reads at run time). */
  readonly restart: string[];
}

/**
 * What `make dev` watches for a service, from the same model as the build context: the directories of
 * the packages it builds from in the repository (as `go list` says) and of local modules, built by air
 * in the container; go.mod and vendor/, for which compose rebuilds the development image; the files
 * and directories it reads at run time, for which compose restarts it. Nothing else triggers anything.
 */
export function devWatch(model: ProjectModel, s: ServiceModel): DevWatch {
  const sources = model.goSources;
  // the main package, and the packages of the repository it imports, as go list says
  const dirs = new Set<string>([s.mainPackage.replace(/^\.\//, '').replace(/\/+$/, '') || '.']);
  for (const p of sources.packages.get(s.name) ?? []) {
    if (p.standard || !p.module?.main || !p.dir || !p.module.dir) continue;
    const dir = relative(p.module.dir, p.dir).split(sep).join(posix.sep);
    if (!dir.startsWith('..')) dirs.add(dir === '' ? '.' : dir);
  }
  for (const m of sources.localModules) dirs.add(m);
  const build = [...dirs].sort();
  // the files of those directories the build context lets in: Go files, and what they embed
  const extensions = new Set(['go']);
  for (const path of sources.paths) {
    const dir = posix.dirname(path);
    const ext = posix.extname(path).slice(1);
    if (ext && !/[*?[\]]/.test(ext) && build.some((d) => d === '.' || dir === d || dir.startsWith(`${d}/`))) extensions.add(ext);
  }
  return {
    build,
    extensions: [...extensions].sort(),
    rebuild: ['go.mod', ...(sources.vendored ? ['vendor'] : [])],
    restart: s.runtimeFiles.map((f) => trimSlash(f.source)),
  };
}

/**
 * The development container's entrypoint: air, watching the service's directories under /src, building
 * the binary where the image has it (its health check finds it there) with the image build's flags,
 * and running it in the service's working directory with the arguments compose passes (its command).
 */
function airCommand(s: ServiceModel, watch: DevWatch): string[] {
  const ref = (name: keyof typeof STAMP_DEFAULTS) => STAMP_DEFAULTS[name];
  const build = `cd ${DEV_SOURCE} && ${cgoEnv(s)} ${goBuildCommand(s, ref, s.binaryPath).join(' ')}`;
  return [
    DEV_TOOL.binary,
    '--root', DEV_SOURCE,
    '--tmp_dir', DEV_TOOL_DIR,
    '--build.cmd', build,
    '--build.entrypoint', s.binaryPath,
    // a main package at the root watches every directory (but hidden ones and the excluded)
    ...(watch.build.includes('.') ? [] : ['--build.include_dir', watch.build.join(',')]),
    '--build.include_ext', watch.extensions.join(','),
    '--build.exclude_dir', 'node_modules,testdata,vendor',
    '--build.exclude_regex', '_test\\.go$',
    '--build.delay', String(DEV_BUILD_DELAY_MS),
    '--',
  ];
}

function trimSlash(path: string): string {
  return path.replace(/\/+$/, '');
}
