/**
 * The README's first command (`npm run demo`): packs this package the way a release does, scaffolds a sample service from
 * the tarball with `projen new --from`, builds and tests it, and builds its image when a Docker
 * engine answers, printing the image size next to the binary's.
 *
 * The sample repository is left in .tmp/demo/hello to look at.
 */
import { execFileSync } from 'child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'fs';
import { join, resolve } from 'path';

const repo = resolve(__dirname, '..');
const work = join(repo, '.tmp', 'demo');
const docker = process.env.DOCKER ?? '/usr/bin/docker';

function step(title: string, cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  process.stdout.write(`\n==> ${title}\n$ ${cmd} ${args.join(' ')}\n`);
  const start = Date.now();
  const out = execFileSync(cmd, args, { cwd, env, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(out.split('\n').slice(-12).join('\n'));
  process.stdout.write(`(${((Date.now() - start) / 1000).toFixed(1)} s)\n`);
  return out;
}

function engineAnswers(): boolean {
  try {
    execFileSync(docker, ['info'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, 'hello'), { recursive: true });

// the route a release takes: jsii, then jsii-pacmak writes dist/js/projen-go-service@<version>.jsii.tgz
const env = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] };
step('compile with jsii', 'npx', ['projen', 'compile'], repo, env);
step('package', 'npx', ['projen', 'package:js'], repo, env);
const dist = join(repo, 'dist', 'js');
const tgz = join(dist, readdirSync(dist).find((f) => f.endsWith('.tgz'))!);
const sample = join(work, 'hello');
step('projen new --from the tarball', join(repo, 'node_modules', '.bin', 'projen'), ['new', '--from', tgz, 'go-service'], sample);
step('go vet', 'go', ['vet', './...'], sample);
step('go test', 'go', ['test', './...'], sample);
step('make build', 'make', ['build'], sample);
const binary = statSync(join(sample, 'bin', 'hello')).size;

if (engineAnswers()) {
  step('make docker-build', 'make', ['docker-build', `DOCKER=${docker}`], sample);
  const image = Number(execFileSync(docker, ['image', 'inspect', '-f', '{{.Size}}', 'hello:latest'], { encoding: 'utf-8' }).trim());
  process.stdout.write(`\nimage hello:latest: ${image} bytes; binary bin/hello: ${binary} bytes; the image adds ${image - binary} bytes (the CA bundle).\n`);
} else {
  process.stdout.write(`\nNo Docker engine answers at ${docker}: skipped make docker-build (run ../shared/docker/engine-up, or set DOCKER).\n`);
  process.stdout.write(`binary bin/hello: ${binary} bytes.\n`);
}
process.stdout.write(`\nThe sample service is in ${sample}: try make help there.\n`);
