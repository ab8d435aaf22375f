import { ChildProcess, execFileSync, spawn } from 'child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { DOCKER, dockerReady, newRepo, REPO, removeRepo, run, runFailing } from './fixtures';
import { pushImage, startImageRegistry } from './local-registries';
import { TOOL_PINS } from '../../src/model/pipeline';
import { provideTools } from '../pipeline-tools';

/**
 * Issue 23: the pipeline of a generated repository, run for real. On a clean clone `make ci` passes;
 * a hand edit of a generated file, or a .projenrc.ts change nobody synthesized, makes it fail naming
 * the files. Two clean builds of one commit give the same image digest (through a real BuildKit,
 * built from its Go module: the engine's own, Docker 20.10's, writes the build time into the image).
 */

/** `git clone` of the repository `projen new` made (a sibling: package.json's file: path still resolves). */
function cleanClone(made: string, name: string): string {
  const dest = join(dirname(made), name);
  run('git', ['clone', '-q', made, dest]);
  return dest;
}

function make(dir: string, ...args: string[]) {
  return run('make', ['--no-print-directory', ...args], { cwd: dir, env: { DOCKER } });
}

function makeFailing(dir: string, ...args: string[]) {
  return runFailing('make', ['--no-print-directory', ...args], { cwd: dir, env: { DOCKER } });
}

describe('make ci on a generated repository', () => {
  let made: string;
  let clone: string;
  beforeAll(() => {
    if (!dockerReady()) throw new Error('the Docker engine does not answer');
    made = newRepo('hello');
    clone = cleanClone(made, 'clone');
  }, 1_800_000);
  afterAll(() => removeRepo(made));

  test('projen new turns the pipeline on: the workflows are committed', () => {
    expect(readFileSync(join(made, '.projenrc.ts'), 'utf-8')).toMatch(/ci: true/);
    for (const w of ['build', 'release', 'upgrade']) expect(existsSync(join(clone, '.github', 'workflows', `${w}.yml`))).toBe(true);
  });

  test('passes on a clean clone (npm ci, the drift check, go vet, the image, go test -race)', () => {
    const r = make(clone, 'ci');
    console.log(`make ci on a clean clone: ${(r.ms / 1000).toFixed(1)} s`);
    expect(r.stdout).toContain('drift: every generated file is what .projenrc.ts generates');
    expect(r.stdout).toMatch(/ok\s+example\.com\/hello/);
    expect(run('git', ['status', '--porcelain'], { cwd: clone }).stdout).toBe('');
  }, 1_800_000);

  test('fails after a hand edit of the Dockerfile, naming it', () => {
    const dockerfile = join(clone, 'Dockerfile');
    chmodSync(dockerfile, 0o644);
    writeFileSync(dockerfile, `${readFileSync(dockerfile, 'utf-8')}# a hand edit\n`);
    run('git', ['commit', '-qam', 'a hand edit of the Dockerfile'], { cwd: clone });
    const r = makeFailing(clone, 'ci');
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('drift: these files are not what .projenrc.ts generates');
    expect(r.output.split('\n').filter((l) => l.startsWith('  '))).toEqual(['  Dockerfile']);
    run('git', ['reset', '-q', '--hard', 'HEAD~1'], { cwd: clone });
  }, 600_000);

  test('fails after a .projenrc.ts change without npx projen, naming every file it changes', () => {
    const rc = join(clone, '.projenrc.ts');
    const text = readFileSync(rc, 'utf-8');
    expect(text).toMatch(/name: ["']hello["'],/);
    writeFileSync(rc, text.replace(/name: ["']hello["'],/, "name: 'hello',\n  port: 9090,"));
    run('git', ['commit', '-qam', 'port 9090, not synthesized'], { cwd: clone });
    const r = makeFailing(clone, 'ci');
    expect(r.status).not.toBe(0);
    const named = r.output.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim());
    expect(named).toEqual(expect.arrayContaining(['Dockerfile', 'Makefile', 'docker-compose.yml']));
    expect(named).not.toContain('.projenrc.ts');
    run('git', ['reset', '-q', '--hard', 'HEAD~1'], { cwd: clone });
  }, 600_000);
});

/** buildkitd, built once from github.com/moby/buildkit through the Go module proxy (scripts/buildkitd). */
function buildkitdBin(): string {
  return execFileSync(join(REPO, 'scripts', 'buildkitd'), { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 1_800_000 }).trim().split('\n').pop()!;
}

/** A buildkitd with an empty state (a clean build), reached by buildx's remote driver as `builder`. */
function startBuildkit(registryHost: string): { builder: string; stop(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pgs-buildkit-'));
  writeFileSync(join(dir, 'buildkitd.toml'), [`[registry."${registryHost}"]`, '  http = true', '  insecure = true', '[worker.oci]', '  gc = false', ''].join('\n'));
  const sock = join(dir, 'buildkitd.sock');
  const child: ChildProcess = spawn(buildkitdBin(), [
    '--config', join(dir, 'buildkitd.toml'), '--root', join(dir, 'root'), '--addr', `unix://${sock}`,
    '--oci-worker=true', '--containerd-worker=false', '--oci-worker-net=host',
  ], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let log = '';
  child.stderr?.on('data', (d) => { log += d; });
  const deadline = Date.now() + 60_000;
  while (!existsSync(sock)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`buildkitd did not come up:\n${log.slice(-4000)}`);
    execFileSync('sleep', ['0.3']);
  }
  const builder = `pgs-pipeline-${process.pid}-${Date.now()}`;
  run(DOCKER, ['buildx', 'create', '--name', builder, '--driver', 'remote', `unix://${sock}`]);
  return {
    builder,
    stop: () => {
      try { run(DOCKER, ['buildx', 'rm', builder]); } catch { /* already gone */ }
      try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ }
      execFileSync('sleep', ['1']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A new repository whose base images come through the registry on loopback (the org's mirror: this
 * machine reaches no other), committed.
 */
function mirroredRepo(registryHost: string): string {
  pushImage(registryHost, 'golang:1.26-alpine');
  const made = newRepo('hello');
  const rc = join(made, '.projenrc.ts');
  writeFileSync(rc, readFileSync(rc, 'utf-8').replace(/name: ["']hello["'],/, `name: 'hello',\n  registryMirror: '${registryHost}',`));
  run('npx', ['projen'], { cwd: made });
  run('git', ['add', '-A'], { cwd: made });
  run('git', ['commit', '-qm', 'the mirror on loopback'], { cwd: made });
  return made;
}

describe('reproducible images: two clean builds of one commit', () => {
  let made: string;
  let registry: Awaited<ReturnType<typeof startImageRegistry>>;
  beforeAll(async () => {
    if (!dockerReady()) throw new Error('the Docker engine does not answer');
    registry = await startImageRegistry();
    made = mirroredRepo(registry.host);
  }, 1_800_000);
  afterAll(() => {
    registry?.stop();
    removeRepo(made);
  });

  test('each clone, built by a BuildKit with an empty cache, gives the same digest', () => {
    const digests: string[] = [];
    const manifests: string[][] = [];
    for (const name of ['build-a', 'build-b']) {
      const clone = join(dirname(made), name);
      run('git', ['clone', '-q', made, clone]);
      // a clone's files carry the checkout time: only the commit time may reach the image
      execFileSync('sleep', ['1.1']);
      const kit = startBuildkit(registry.host);
      try {
        const out = join(clone, 'bin', 'image.oci');
        mkdirSync(dirname(out), { recursive: true });
        make(clone, 'docker-buildx', 'PLATFORMS=linux/amd64,linux/arm64',
          `BUILDX_FLAGS=--builder ${kit.builder} --provenance=false --output type=oci,dest=${out},rewrite-timestamp=true --metadata-file ${clone}/bin/meta.json`);
        const meta = JSON.parse(readFileSync(join(clone, 'bin', 'meta.json'), 'utf-8'));
        digests.push(meta['containerimage.digest']);
        const index = JSON.parse(execFileSync('tar', ['-xOf', out, 'index.json'], { encoding: 'utf-8' }));
        const top = index.manifests[0].digest.replace('sha256:', '');
        const platforms = JSON.parse(execFileSync('tar', ['-xOf', out, `blobs/sha256/${top}`], { encoding: 'utf-8' }));
        manifests.push(platforms.manifests.map((m: any) => `${m.platform.os}/${m.platform.architecture} ${m.digest}`));
      } finally {
        kit.stop();
      }
    }
    console.log(`two clean builds of one commit: ${digests.join(' and ')}\n${manifests.map((m) => m.join(', ')).join('\n')}`);
    expect(digests[0]).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(digests[1]).toBe(digests[0]);
    expect(manifests[1]).toEqual(manifests[0]);
    expect(manifests[0].map((m) => m.split(' ')[0])).toEqual(['linux/amd64', 'linux/arm64']);
  }, 1_800_000);
});

describe('make release and make verify against a registry on loopback', () => {
  let made: string;
  let clone: string;
  let registry: Awaited<ReturnType<typeof startImageRegistry>>;
  let kit: { builder: string; stop(): void };
  let env: NodeJS.ProcessEnv;
  let version: string;
  beforeAll(async () => {
    if (!dockerReady()) throw new Error('the Docker engine does not answer');
    registry = await startImageRegistry();
    made = mirroredRepo(registry.host);
    clone = join(dirname(made), 'release');
    run('git', ['clone', '-q', made, clone]);
    provideTools(join(clone, 'bin'), TOOL_PINS);
    kit = startBuildkit(registry.host);
    // a laptop's key pair (keyless signing needs CI's OIDC token); no public transparency log here
    env = { DOCKER, BUILDX_BUILDER: kit.builder, COSIGN_PASSWORD: '', REGISTRY: registry.host, SYFT_REGISTRY_INSECURE_USE_HTTP: 'true' };
    run(join(clone, 'bin', 'cosign'), ['generate-key-pair'], { cwd: clone, env });
    // the Makefile's VERSION: git describe (no tag here: the short commit)
    version = run('git', ['describe', '--tags', '--always', '--dirty'], { cwd: clone }).stdout.trim();
  }, 3_600_000);
  afterAll(() => {
    kit?.stop();
    registry?.stop();
    removeRepo(made);
  });

  test('make release pushes a multi-arch index with provenance, an SBOM attestation and a signature', () => {
    const r = run('make', ['--no-print-directory', 'release', 'COSIGN_KEY=cosign.key'], { cwd: clone, env });
    const ref = `${registry.host}/hello:${version}`;
    const index = JSON.parse(run(DOCKER, ['buildx', 'imagetools', 'inspect', '--raw', ref], { env }).stdout);
    const platforms = index.manifests.map((m: any) => `${m.platform.os}/${m.platform.architecture}`);
    const attestations = index.manifests.filter((m: any) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest');
    const provenance = JSON.parse(run(DOCKER, ['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Provenance}}'], { env }).stdout);
    const tree = run(join(clone, 'bin', 'cosign'), ['tree', ref], { cwd: clone, env }).stdout;
    const sbom = JSON.parse(readFileSync(join(clone, 'bin', 'release', 'hello.spdx.json'), 'utf-8'));
    const goModules = sbom.packages.filter((p: any) => (p.externalRefs ?? []).some((x: any) => String(x.referenceLocator).startsWith('pkg:golang/')));
    run('make', ['--no-print-directory', 'build-hello'], { cwd: clone });
    const buildInfo = run('go', ['version', '-m', join(clone, 'bin', 'hello')]).stdout.split('\n').filter((l) => /^\s+(mod|dep)\s/.test(l));
    console.log([
      `make release: ${(r.ms / 1000).toFixed(1)} s; index ${index.mediaType}: ${platforms.join(', ')}`,
      `attestation manifests in the index: ${attestations.length} (provenance: ${Object.keys(provenance).join(', ')}, ${JSON.stringify(Object.values(provenance)[0]).includes('buildDefinition') ? 'SLSA v1' : 'SLSA v0.2'})`,
      `cosign tree:\n${tree.trim()}`,
      `SBOM (SPDX ${sbom.spdxVersion}): ${sbom.packages.length} packages, ${goModules.length} Go modules (${goModules.map((p: any) => `${p.name}@${p.versionInfo}`).join(', ')}); go version -m: ${buildInfo.length} (${buildInfo.map((l) => l.trim().split(/\s+/).slice(1, 3).join('@')).join(', ')})`,
    ].join('\n'));
    expect(platforms.filter((p: string) => p !== 'unknown/unknown')).toEqual(['linux/amd64', 'linux/arm64']);
    expect(attestations).toHaveLength(2);
    expect(Object.keys(provenance)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(tree).toContain('Attestations');
    expect(tree).toContain('Signatures');
    expect(goModules.length).toBeGreaterThanOrEqual(buildInfo.length);
  }, 3_600_000);

  test('make verify passes on what make release pushed', () => {
    const r = run('make', ['--no-print-directory', 'verify', 'COSIGN_PUB=cosign.pub'], { cwd: clone, env });
    expect(r.stdout).toContain(`verify: ${registry.host}/hello:${version} is signed, with its SBOM and provenance`);
  }, 600_000);

  test('make verify fails once another image is pushed under the same tag', () => {
    pushImage(registry.host, 'golang:1.26-alpine', `hello:${version}`);
    const r = runFailing('make', ['--no-print-directory', 'verify', 'COSIGN_PUB=cosign.pub'], { cwd: clone, env });
    console.log(`make verify after a re-push under the same tag (exit ${r.status}):\n${r.output.split('\n').filter((l) => /^(Error|verify):/.test(l)).join('\n')}`);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/no signatures found|no matching signatures/);
    expect(r.output).toContain(`verify: ${registry.host}/hello:${version} carries no signature of this signer: unsigned, altered, or pushed again under its tag`);
  }, 600_000);
});
