import { writeFileSync } from 'fs';
import { join } from 'path';
import { DOCKER, fileSizeInImage, imageSize, log, run } from './lib';
import { newRepo } from '../test/e2e/fixtures';

/** One runtime of the sample service, and what its image weighs against the physical limit. */
export interface SizeRow {
  readonly runtime: string;
  readonly image: number;
  readonly binary: number;
  readonly base: number;
  readonly caBundle: number;
  /** The health probe of HTTP and TCP checks, when the image carries it. */
  readonly probe: number;
  readonly overBinary: number;
  readonly overBinaryBaseCa: number;
}

export interface SizeResult {
  readonly hostBinary: number;
  readonly rows: SizeRow[];
  readonly scratchLimit: number;
  readonly scratchImage: number;
  readonly targetMet: boolean;
}

const CA = '/etc/ssl/certs/ca-certificates.crt';

const RUNTIMES: Array<{ name: string; label: string; options: string; base?: string; copiesCa: boolean; probe?: boolean }> = [
  { name: 'sizes', label: 'scratch, CA bundle + embedded tz (default)', options: '', copiesCa: true },
  { name: 'bare', label: 'scratch, bare (no CA bundle, no tz)', options: 'certs: CertsLayer.none(), tz: TzLayer.none()', copiesCa: false },
  { name: 'dstatic', label: 'distroless static, nonroot', options: 'runtime: RuntimeStage.distroless()', base: 'gcr.io/distroless/static-debian13:nonroot', copiesCa: false },
  { name: 'dbase', label: 'distroless base, nonroot', options: 'runtime: RuntimeStage.distroless({ variant: DistrolessVariant.BASE })', base: 'gcr.io/distroless/base-debian13:nonroot', copiesCa: false },
  { name: 'dcc', label: 'distroless cc, nonroot, cgo build', options: 'cgo: true, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.CC })', base: 'gcr.io/distroless/cc-debian13:nonroot', copiesCa: false },
  { name: 'tcp', label: 'scratch, HealthCheck.tcp() (what adopt writes): the static probe', options: 'healthCheck: HealthCheck.tcp()', copiesCa: true, probe: true },
];

/** Row 1: the sample service on each runtime; the scratch image against binary + CA bundle + 8 KiB. */
export function imageSizes(): SizeResult {
  const repo = newRepo('sizes');
  const rest = RUNTIMES.slice(1);
  writeFileSync(join(repo, '.projenrc.ts'), [
    "import { CertsLayer, DistrolessVariant, GoService, GoServiceProject, HealthCheck, RuntimeStage, TzLayer } from 'projen-go-service';",
    "const project = new GoServiceProject({ name: 'sizes' });",
    ...rest.map((r, i) => `new GoService(project, '${r.name}', { port: ${9100 + i}, ${r.options} });`),
    'void CertsLayer; void DistrolessVariant; void HealthCheck; void RuntimeStage; void TzLayer;',
    'project.synth();',
    '',
  ].join('\n'));
  run('npx', ['projen'], { cwd: repo });
  run('make', ['build-sizes'], { cwd: repo });
  const hostBinary = Number(run('stat', ['-c', '%s', join(repo, 'bin', 'sizes')]).stdout.trim());
  log(`building the sample service in ${RUNTIMES.length} variants`);
  run('make', ['docker-build', `DOCKER=${DOCKER}`, 'VERSION=bench'], { cwd: repo });
  const rows = RUNTIMES.map((r) => {
    const image = r.name === 'sizes' ? 'sizes:bench' : `sizes-${r.name}:bench`;
    const size = imageSize(image);
    const binary = fileSizeInImage(image, `/usr/local/bin/${r.name}`);
    const base = r.base ? imageSize(r.base) : 0;
    const caBundle = r.copiesCa ? fileSizeInImage(image, CA) : 0;
    const probe = r.probe ? fileSizeInImage(image, '/usr/local/bin/healthprobe') : 0;
    return {
      runtime: r.label,
      image: size,
      binary,
      base,
      caBundle,
      probe,
      overBinary: size - binary,
      overBinaryBaseCa: size - binary - base - caBundle - probe,
    };
  });
  const scratch = rows[0];
  const scratchLimit = scratch.binary + scratch.caBundle + 8 * 1024;
  return { hostBinary, rows, scratchLimit, scratchImage: scratch.image, targetMet: scratch.image <= scratchLimit };
}
