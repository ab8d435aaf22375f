import { cpSync, mkdirSync, rmSync, writeFileSync } from 'fs';
import { loadavg } from 'os';
import { join } from 'path';
import { editOneLine, writeBenchService } from './bench-service';
import { conventionalDockerfile } from './conventional';
import { DOCKER, goEnvBuildArgs, imageSize, log, median, pruneBuildCache, run } from './lib';
import { newRepo } from '../test/e2e/fixtures';

export interface RebuildResult {
  readonly modules: number;
  readonly runs: number;
  readonly ours: { cold: number[]; warm: number[]; image: number; imageBare: number };
  /** The same one-line change built locally (`make build-bench`, incremental, warm Go build cache): the warm path's floor. */
  readonly local?: number[];
  readonly conventional: { cold: number[]; warm: number[]; image: number };
  readonly ratios: { cold: number; warm: number; image: number; imageLikeForLike: number; warmVsLocal?: number };
}

const NAME = 'bench';

/**
 * Row 2: the same source built with our Dockerfile and with the conventional one, cold (after
 * `docker builder prune -af`) and warm (after a one-line change), alternating, `runs` times each.
 */
export function rebuildAgainstConventional(runs: number): RebuildResult {
  // ours: a repo from projen new, with the bench service as its default service
  const ours = newRepo(NAME);
  rmSync(join(ours, 'cmd', NAME), { recursive: true, force: true });
  const modules = writeBenchService(ours, NAME);
  // a like-for-like variant: no CA bundle, no tz data, as the conventional image has neither
  writeFileSync(join(ours, '.projenrc.ts'), [
    "import { CertsLayer, GoService, GoServiceProject, TzLayer } from 'projen-go-service';",
    `const project = new GoServiceProject({ name: '${NAME}' });`,
    "new GoService(project, 'bare', { port: 9090, mainPackage: './cmd/bench', certs: CertsLayer.none(), tz: TzLayer.none() });",
    'project.synth();',
    '',
  ].join('\n'));
  run('npx', ['projen'], { cwd: ours });
  log(`bench service: ${modules} modules`);

  // conventional: the same source in its own directory, with the textbook Dockerfile
  const conv = join(ours, '..', 'conventional');
  rmSync(conv, { recursive: true, force: true });
  mkdirSync(conv);
  for (const f of ['go.mod', 'go.sum', 'cmd']) cpSync(join(ours, f), join(conv, f), { recursive: true });
  const goVersion = run('go', ['env', 'GOVERSION']).stdout.trim().replace(/^go(\d+\.\d+).*/, '$1');
  writeFileSync(join(conv, 'Dockerfile'), conventionalDockerfile(goVersion, `./cmd/${NAME}`));

  const goArgs = goEnvBuildArgs();
  const buildOurs = () => run('make', ['docker-build-bench', `DOCKER=${DOCKER}`, 'VERSION=bench'], { cwd: ours }).ms;
  const buildConv = () => run(DOCKER, ['build', ...goArgs, '-t', 'bench-conventional:bench', '.'], { cwd: conv }).ms;
  const result = { ours: { cold: [] as number[], warm: [] as number[] }, conventional: { cold: [] as number[], warm: [] as number[] } };
  let edit = 0;
  const local: number[] = [];
  const buildLocal = () => run('make', ['build-bench'], { cwd: ours }).ms;
  for (let i = 0; i < runs; i++) {
    const order: Array<'ours' | 'conventional'> = i % 2 === 0 ? ['ours', 'conventional'] : ['conventional', 'ours'];
    for (const which of order) {
      const [dir, build] = which === 'ours' ? [ours, buildOurs] : [conv, buildConv];
      pruneBuildCache();
      const cold = build();
      editOneLine(dir, NAME, ++edit);
      const warm = build();
      result[which].cold.push(cold);
      result[which].warm.push(warm);
      if (which === 'ours') {
        // the local incremental build of the same kind of change, the Go build cache warm
        buildLocal();
        editOneLine(dir, NAME, ++edit);
        local.push(buildLocal());
      }
      log(`run ${i + 1}/${runs} ${which}: cold ${cold} ms, warm ${warm} ms${which === 'ours' ? `, local incremental make build ${local[local.length - 1]} ms` : ''}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    }
  }
  run('make', ['docker-build-bare', `DOCKER=${DOCKER}`, 'VERSION=bench'], { cwd: ours });
  const oursImage = imageSize('bench:bench');
  const oursBare = imageSize('bench-bare:bench');
  const convImage = imageSize('bench-conventional:bench');
  return {
    modules,
    runs,
    ours: { ...result.ours, image: oursImage, imageBare: oursBare },
    conventional: { ...result.conventional, image: convImage },
    local,
    ratios: {
      cold: median(result.ours.cold) / median(result.conventional.cold),
      warm: median(result.ours.warm) / median(result.conventional.warm),
      image: oursImage / convImage,
      imageLikeForLike: oursBare / convImage,
      warmVsLocal: median(result.ours.warm) / median(local),
    },
  };
}
