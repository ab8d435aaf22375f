import { DOCKER, log, pruneBuildCache, run } from './lib';
import { newRepo } from '../test/e2e/fixtures';

export interface ReproducibleResult {
  readonly layers: string[][];
  readonly layersEqual: boolean;
  readonly imageIdsEqual: boolean;
}

/** Row 4: the same commit built twice from a clean cache gives the same layer digests. */
export function reproducibility(): ReproducibleResult {
  const repo = newRepo('repro');
  const builds = [1, 2].map((i) => {
    pruneBuildCache();
    // the same commit, the same build args: only the cache is gone
    run('make', ['docker-build', `DOCKER=${DOCKER}`, 'VERSION=repro'], { cwd: repo });
    run(DOCKER, ['tag', 'repro:repro', `repro:build${i}`]);
    const layers = JSON.parse(run(DOCKER, ['image', 'inspect', '-f', '{{json .RootFS.Layers}}', `repro:build${i}`]).stdout) as string[];
    const id = run(DOCKER, ['image', 'inspect', '-f', '{{.Id}}', `repro:build${i}`]).stdout.trim();
    return { layers, id };
  });
  const layersEqual = JSON.stringify(builds[0].layers) === JSON.stringify(builds[1].layers);
  log(`layer digests ${layersEqual ? 'equal' : 'DIFFERENT'}`);
  return { layers: builds.map((b) => b.layers), layersEqual, imageIdsEqual: builds[0].id === builds[1].id };
}
