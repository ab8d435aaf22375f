import { readFileSync } from 'fs';
import { join } from 'path';
import {
  GoService, GoServiceProject, GoServiceProjectOptions, Instruction, IPolicyRule, PolicyRule, RedisCache, RuntimeStage, StagePosition,
} from '../src';
import { newProject, synth } from './util';
import { RenovateConfig } from '../src/files/renovate';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const D3 = `sha256:${'3'.repeat(64)}`;

/** What an organisation's template does: defaults a repo can override, and rules it cannot. */
class AcmeGoService extends GoServiceProject {
  constructor(options: GoServiceProjectOptions) {
    super({
      registryMirror: 'registry.acme.example/mirror',
      imageDigests: {
        'golang:1.26-alpine': D1,
        'gcr.io/distroless/static-debian13:nonroot': D2,
        'redis:8.2-alpine': D3,
      },
      goModules: { goproxy: 'https://goproxy.acme.example', goprivate: 'git.acme.example/*', gonosumdb: 'git.acme.example/*', netrc: true },
      sourceUrl: `https://git.acme.example/services/${options.name}`,
      runtime: RuntimeStage.distroless(),
      ...options,
      imageLabels: { 'org.opencontainers.image.vendor': 'Acme Corp', ...options.imageLabels },
      policy: [PolicyRule.nonrootOnly(), PolicyRule.noAlpine(), PolicyRule.pinnedImages(), PolicyRule.mirroredImages(), ...(options.policy ?? [])],
    });
    this.makefile.addTarget({ targets: ['acme-deploy'], description: 'Deploy with acmectl', recipe: ['acmectl deploy $(HELLO_IMAGE):$(VERSION)'], phony: true });
    new RedisCache(this);
  }
}

function acme(options: Partial<GoServiceProjectOptions> = {}): AcmeGoService {
  return new AcmeGoService({ name: 'hello', outdir: newProject().outdir, ...options });
}

describe('an organisation template', () => {
  test('its defaults reach every file: mirror, pins, labels, module settings, runtime, targets, the add-on', () => {
    const files = synth(acme());
    const dockerfile: string = files.Dockerfile;
    expect(dockerfile).toContain(`FROM --platform=$BUILDPLATFORM registry.acme.example/mirror/golang:1.26-alpine@${D1} AS deps`);
    expect(dockerfile).toContain(`FROM registry.acme.example/mirror/gcr.io/distroless/static-debian13:nonroot@${D2} AS hello`);
    expect(dockerfile).toContain('ARG GOPROXY=https://goproxy.acme.example');
    expect(dockerfile).toContain('ARG GOPRIVATE=git.acme.example/*');
    expect(dockerfile).toContain('    org.opencontainers.image.source="https://git.acme.example/services/hello" \\');
    expect(dockerfile).toContain('    org.opencontainers.image.vendor="Acme Corp"');
    // the module download (with the netrc secret) while net/http compiles beside it
    expect(dockerfile).toContain('RUN --mount=type=cache,target=/go/pkg/mod \\\n    --mount=type=cache,target=/root/.cache/go-build \\\n    --mount=type=secret,id=netrc,target=/root/.netrc \\\n');
    expect(dockerfile).toContain('    go mod download && wait');
    expect(files.Makefile).toContain('GOPROXY ?= https://goproxy.acme.example\n');
    expect(files.Makefile).toContain('NETRC ?= $(HOME)/.netrc\n');
    expect(files.Makefile).toContain('\t$(if $(wildcard $(NETRC)),--secret id=netrc$(comma)src=$(NETRC))');
    expect(files.Makefile).toContain("\t@printf '  %-28s %s\\n' 'acme-deploy' 'Deploy with acmectl'\n");
    expect(files.Makefile).toContain('.PHONY: acme-deploy\nacme-deploy:\n\tacmectl deploy $(HELLO_IMAGE):$(VERSION)\n');
    expect(files['docker-compose.yml']).toContain(`image: "registry.acme.example/mirror/redis:8.2-alpine@${D3}"`);
  });

  test('credentials never become build args: a proxy URL with credentials is refused', () => {
    expect(() => acme({ goModules: { goproxy: 'https://ci:s3cret@goproxy.acme.example' } })).toThrow(
      'goModules.goproxy: the URL carries credentials, which would end up in build args and the image history. Leave them out of the URL and set netrc: true: the build then reads them from a .netrc BuildKit secret.');
  });

  test('a repo overrides what the org allows: scratch instead of distroless, its own port and labels', () => {
    const files = synth(acme({ runtime: RuntimeStage.scratch(), port: 9000, imageLabels: { 'com.acme.team': 'payments' } }));
    expect(files.Dockerfile).toContain('FROM scratch AS hello');
    expect(files.Dockerfile).toContain('EXPOSE 9000/tcp');
    expect(files.Dockerfile).toContain('    com.acme.team="payments"');
    expect(files.Dockerfile).toContain('    org.opencontainers.image.vendor="Acme Corp" \\');
  });

  test.each([
    ['root', { runtime: RuntimeStage.distroless({ nonroot: false }) },
      'hello.runtime: hello runs as root (nonroot: false) (policy "nonroot-only"). Remove nonroot: false: images run as uid 65532.\n' +
      'hello.runtime: the runtime image gcr.io/distroless/static-debian13:latest is not pinned by digest (policy "pinned-images"). Pin it: imageDigests: { \'gcr.io/distroless/static-debian13:latest\': \'sha256:...\' }.'],
    ['alpine', { runtime: RuntimeStage.alpine({ version: '3.22' }) },
      'hello.runtime: hello runs on alpine 3.22 (policy "no-alpine"). Use RuntimeStage.distroless() or RuntimeStage.scratch().\n' +
      'hello.runtime: the runtime image alpine:3.22 is not pinned by digest (policy "pinned-images"). Pin it: imageDigests: { \'alpine:3.22\': \'sha256:...\' }.'],
    ['an unpinned runtime', { runtime: RuntimeStage.distroless({ debian: 12 }) },
      'hello.runtime: the runtime image gcr.io/distroless/static-debian12:nonroot is not pinned by digest (policy "pinned-images"). Pin it: imageDigests: { \'gcr.io/distroless/static-debian12:nonroot\': \'sha256:...\' }.'],
    ['an unpinned builder', { goVersion: '1.25' },
      'builderDigest: the builder image golang:1.25-alpine is not pinned by digest (policy "pinned-images"). Pin it: imageDigests: { \'golang:1.25-alpine\': \'sha256:...\' }.'],
    ['no mirror', { registryMirror: undefined },
      'registryMirror: images are pulled from their public registries (policy "mirrored-images"). Set registryMirror to the organisation\'s mirror.'],
  ])('the policy refuses %s, naming the rule and the option, before writing', (_n, options, message) => {
    const project = acme(options as Partial<GoServiceProjectOptions>);
    expect(() => project.synth()).toThrow(expect.objectContaining({ message }));
  });

  test('a policy rule of the org\'s own', () => {
    const noCgo: IPolicyRule = {
      name: 'no-cgo',
      check: (p) => p.services.filter((s) => s.cgo).map((s) => ({ service: s.name, option: 'cgo', what: 'cgo builds are not supported at Acme', fix: 'Set cgo: false' })),
    };
    const project = acme({ policy: [noCgo] });
    new GoService(project, 'pdf', { port: 9091, cgo: true, runtime: RuntimeStage.distroless({ variant: 'base' as any }) });
    project.pinImage('golang:1.26-bookworm', D1);
    project.pinImage('gcr.io/distroless/base-debian13:nonroot', D2);
    expect(() => project.synth()).toThrow(expect.objectContaining({ message: 'pdf.cgo: cgo builds are not supported at Acme (policy "no-cgo"). Set cgo: false.' }));
  });

  test('escape hatches through the model: a Dockerfile stage, compose, the Makefile, .dockerignore', () => {
    const project = acme();
    project.dockerfile.addInstructions('deps', [Instruction.env('GOINSECURE', 'git.acme.example/*')], StagePosition.START);
    project.compose.addOverride('services.hello.logging', { driver: 'local' });
    project.makefile.addTarget({ targets: ['acme-scan'], description: 'Scan the images', recipe: ['acmectl scan'], phony: true });
    project.dockerignore.include('assets/');
    const files = synth(project);
    expect(files.Dockerfile).toContain('AS deps\nENV GOINSECURE="git.acme.example/*"\n');
    expect(files['docker-compose.yml']).toContain('    logging:\n      driver: local\n');
    expect(files.Makefile).toContain('.PHONY: acme-scan\nacme-scan:\n\tacmectl scan\n');
    expect(files['.dockerignore']).toContain('\n!assets/\n');
  });

  test('instructions for a stage that does not exist are refused', () => {
    const project = acme();
    project.dockerfile.addInstructions('runtime', [Instruction.env('X', 'y')]);
    expect(() => project.synth()).toThrow(/^dockerfile: instructions were added to a stage named "runtime", and there is none\. Use one of: deps, builder, air, dev, build-hello, hello-debug, hello\.$/);
  });
});

describe('renovate.json5', () => {
  const project = newProject();
  project.synth();
  const text = readFileSync(join(project.outdir, 'renovate.json5'), 'utf-8');
  const config = JSON.parse(text.split('\n').slice(1).join('\n'));

  test('leaves the generated files alone and re-synthesizes after an update', () => {
    expect(text.split('\n')[0]).toBe('// ~~ Generated by projen. To modify, edit .projenrc.ts and run "npx projen".');
    expect(config.ignorePaths).toEqual(['Dockerfile', 'docker-compose.yml']);
    expect(config.postUpgradeTasks.commands).toEqual(['npm ci', 'npx projen']);
  });

  test('its managers find goVersion and the digest pins in a .projenrc.ts', () => {
    const rc = readFileSync(join(__dirname, 'fixtures', 'projenrc-with-pins.ts.txt'), 'utf-8');
    const [goVersion, pins] = config.customManagers;
    const go = [...rc.matchAll(new RegExp(goVersion.matchStrings[0], 'g'))].map((m) => m.groups!.currentValue);
    expect(go).toEqual(['1.26']);
    const found = [...rc.matchAll(new RegExp(pins.matchStrings[0], 'g'))].map((m) => [m.groups!.depName, m.groups!.currentValue, m.groups!.currentDigest]);
    expect(found).toEqual([
      ['golang', '1.26-alpine', D1],
      ['gcr.io/distroless/static-debian13', 'nonroot', D2],
      ['127.0.0.1:5000/acme/base', '2.1', D3],
    ]);
    expect(goVersion.matchStrings[0]).toBe(RenovateConfig.GO_VERSION);
  });

  test('can be turned off', () => {
    expect(synth(newProject({ renovate: false }))['renovate.json5']).toBeUndefined();
  });
});
