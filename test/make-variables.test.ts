import { execFileSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as YAML from 'yaml';
import { GoService, GoServiceProject, PostgresDatabase } from '../src';
import { newProject, synth } from './util';
import { GENERATED_MAKE_VARIABLES } from '../src/model/make-variables';

/** The project's Makefile and docker-compose.yml, with a local.mk of the team's, in a scratch directory (no git: the fallbacks apply). */
function written(project: GoServiceProject, localMk: string): { dir: string; files: { [path: string]: any } } {
  writeFileSync(join(project.outdir, 'local.mk'), localMk);
  const files = synth(project);
  const dir = mkdtempSync(join(tmpdir(), 'pgs-makevars-'));
  writeFileSync(join(dir, 'Makefile'), files.Makefile);
  writeFileSync(join(dir, 'local.mk'), localMk);
  return { dir, files };
}

function make(dir: string, ...args: string[]): string {
  return execFileSync('make', ['--no-print-directory', ...args], { cwd: dir, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

/** A team makefile of the ardanlabs/service shape: its version, and its images named with their tag. */
const TEAM_MK = [
  'VERSION := 0.0.1',
  'HELLO_IMAGE := localhost/acme/hello:$(VERSION)',
  'WORKER_IMAGE := localhost/acme/worker:$(VERSION)',
  'images:',
  '\t@echo $(HELLO_IMAGE) $(WORKER_IMAGE)',
  '',
].join('\n');

describe('make variables a makefile of your own shares with the generated Makefile', () => {
  test('GENERATED_MAKE_VARIABLES is every variable the Makefile sets that is not a service\'s', () => {
    // GIVEN a project with every optional part of the Makefile but the pipeline
    const project = newProject({ kubernetes: true, goModules: { netrc: true } });
    new GoService(project, 'worker', { port: 9090 });
    new PostgresDatabase(project, { services: ['worker'], migrations: 'migrations' });
    // WHEN its Makefile is rendered
    const text: string = synth(project).Makefile;
    const defined = [...text.matchAll(/^(?:export |define )?([A-Z_]+)(?: (?:\?|:)?=|$)/gm)].map((m) => m[1]);
    // THEN the list names exactly the names that are no service's (HELLO_*, WORKER_*, POSTGRES_MIGRATE_IMAGE) nor make's own (SHELL)
    expect(new Set(defined.filter((v) => v !== 'SHELL' && !/^(HELLO|WORKER|POSTGRES_MIGRATE)_/.test(v)))).toEqual(new Set(GENERATED_MAKE_VARIABLES));
  });

  test('by default the images are $(<SERVICE>_IMAGE):$(VERSION), as before', () => {
    const files = synth(newProject({ kubernetes: true }));
    expect(files.Makefile).toContain('\t$(DOCKER) build $(DOCKER_BUILD_ARGS) --target hello -t $(HELLO_IMAGE):$(VERSION) -t $(HELLO_IMAGE):latest .');
    expect(files.Makefile).toMatch(/^VERSION \?= \$\(shell \(git describe/m);
    expect(files.Makefile).not.toContain('IMAGE_TAG');
    expect(YAML.parse(files['docker-compose.yml']).services.hello.image).toBe('${HELLO_IMAGE:-hello}:${VERSION:-latest}');
  });

  test('imageVariable and imageTagVariable: the team\'s VERSION stamps and tags, its image variables keep their values, ours build valid references', () => {
    // GIVEN the team's makefile, and the generated side renamed as adopt renames it
    const project = newProject({ makefileIncludes: ['local.mk'], imageTagVariable: 'IMAGE_TAG', imageVariable: 'GO_HELLO_IMAGE', kubernetes: true });
    new GoService(project, 'worker', { port: 9090, imageVariable: 'GO_WORKER_IMAGE' });
    new GoService(project, 'seed', { server: false });
    const { dir, files } = written(project, TEAM_MK);
    // WHEN make reads both
    const build = make(dir, '-n', 'docker-build');
    // THEN every image is <name>:<their VERSION>, stamped with their VERSION; their variables are as they wrote them
    expect(build).toContain('--target hello -t hello:0.0.1 -t hello:latest .');
    expect(build).toContain('--target worker -t hello-worker:0.0.1 -t hello-worker:latest .');
    expect(build).toContain('--target seed -t hello-seed:0.0.1 -t hello-seed:latest .');
    expect(build).toContain('--build-arg "VERSION=0.0.1"');
    expect(make(dir, 'images')).toBe('localhost/acme/hello:0.0.1 localhost/acme/worker:0.0.1\n');
    // AND the registry prefix and the command line still apply
    expect(make(dir, '-n', 'docker-build-worker', 'REGISTRY=ghcr.io/acme', 'VERSION=1.2.0')).toContain('-t ghcr.io/acme/hello-worker:1.2.0 -t');
    // AND compose and kustomize read the same names (compose gets the tag through COMPOSE_ENV)
    const compose = YAML.parse(files['docker-compose.yml']);
    expect(compose.services.worker.image).toBe('${GO_WORKER_IMAGE:-hello-worker}:${IMAGE_TAG:-latest}');
    expect(make(dir, '-n', 'compose-ps')).toContain('IMAGE_TAG="0.0.1" GO_HELLO_IMAGE="hello" GO_WORKER_IMAGE="hello-worker"');
    const overlay = /^(\S+\/kustomization\.yaml):/m.exec(files.Makefile)![1];
    expect(make(dir, '-n', overlay))
      .toContain("'  - name: hello-worker' '    newName: hello-worker' '    newTag: 0.0.1'");
  });

  test('imageTagVariable: a VERSION that is no image tag gives a valid one; their VERSION ?= applies, and git describe where they set none', () => {
    const project = newProject({ makefileIncludes: ['local.mk'], imageTagVariable: 'IMAGE_TAG' });
    // semver build metadata and a module's directory prefix are not valid in a tag
    const { dir } = written(project, 'VERSION ?= backend/v1.4.0+build.7\n');
    expect(make(dir, '-n', 'docker-build')).toContain('-t hello:v1.4.0-build.7 -t hello:latest .');
    expect(make(dir, '-n', 'docker-build')).toContain('--build-arg "VERSION=backend/v1.4.0+build.7"');
    // none of theirs: the generated VERSION (no git here: its fallback, dev)
    writeFileSync(join(dir, 'local.mk'), '');
    expect(make(dir, '-n', 'docker-build')).toContain('-t hello:dev -t hello:latest .');
  });

  test('a name make and compose cannot both read, or one the Makefile sets for something else, is refused with the option and the fix', () => {
    expect(refusal(() => newProject({ imageVariable: 'hello-image' })))
      .toBe('hello.imageVariable: "hello-image" is not a make variable name compose can read too. Use letters, digits and underscores, not starting with a digit, such as "APP_IMAGE".');
    expect(refusal(() => newProject({ imageVariable: 'REGISTRY' })))
      .toBe(`hello.imageVariable: REGISTRY is a variable the generated Makefile sets for something else. Choose a name that is not one of ${GENERATED_MAKE_VARIABLES.join(', ')}.`);
    expect(refusal(() => newProject({ imageTagVariable: '1TAG' })))
      .toBe('imageTagVariable: "1TAG" is not a make variable name compose can read too. Use letters, digits and underscores, not starting with a digit, such as "APP_IMAGE".');
    expect(refusal(() => newProject({ imageTagVariable: 'COMMIT' }))).toContain('imageTagVariable: COMMIT is a variable the generated Makefile sets for something else.');
    // VERSION is the tag's own default
    expect(refusal(() => newProject({ imageTagVariable: 'VERSION' }))).toBe('');
  });

  test('two images in one variable, or an image in the tag variable, are refused at synthesis', () => {
    const project = newProject({ imageVariable: 'APP_IMAGE', imageTagVariable: 'WORKER_IMAGE' });
    new GoService(project, 'api', { port: 9090, imageVariable: 'APP_IMAGE' });
    new GoService(project, 'worker', { port: 9091 });
    const message = refusal(() => synth(project));
    expect(message).toContain('api.imageVariable: APP_IMAGE already holds the image of service hello. Give each image its own variable.');
    expect(message).toContain('worker.imageVariable: WORKER_IMAGE is the image tag variable (imageTagVariable). Give the image and the tag variables different names.');
  });
});
