import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { makeVariablePlan } from '../../../src/cli/adopt/repo-make-variables';
import { readRepoMakefile } from '../../../src/cli/adopt/repo-makefile';

function repo(files: { [path: string]: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'repo-make-variables-'));
  for (const [p, c] of Object.entries(files)) writeFileSync(join(dir, p), c);
  return dir;
}

describe('the variables of a repository\'s makefile, as make reads them', () => {
  test('every flavour of assignment, includes, computed names and define; not make\'s own, the environment\'s, or a target\'s', () => {
    // GIVEN a makefile with what a regex over its lines gets wrong
    const dir = repo({
      'makefile': [
        'include images.mk',
        'VERSION := 0.0.1',
        'STEM = METRICS',
        '$(STEM)_IMAGE := localhost/acme/metrics:$(VERSION)',
        'GO ?= go',
        'LDFLAGS += -s',
        'define BANNER',
        'REGISTRY := not-a-variable',
        'endef',
        'SHELL := /bin/bash',
        '.DEFAULT_GOAL := images',
        'ifeq ($(NEVER),yes)',
        'COMMIT := skipped',
        'endif',
        'images: DOCKER := podman',
        'images:',
        '\t@echo $(METRICS_IMAGE)',
        '',
      ].join('\n'),
      'images.mk': 'AUTH_IMAGE := localhost/acme/auth:$(VERSION)\n',
    });
    // WHEN it is read
    const mk = readRepoMakefile(dir)!;
    // THEN make's database names the variables it sets: the computed name, the included file's, the define;
    // not the conditional that is false, the target-specific DOCKER, nor SHELL and .DEFAULT_GOAL
    expect(mk.variables).toEqual(['AUTH_IMAGE', 'BANNER', 'GO', 'LDFLAGS', 'METRICS_IMAGE', 'STEM', 'VERSION']);
  });
});

describe('makeVariablePlan: the generated side is renamed', () => {
  test('the ardanlabs/service shape: VERSION and image variables with their tag', () => {
    const plan = makeVariablePlan(['VERSION', 'METRICS_IMAGE', 'SALES_IMAGE', 'AUTH_IMAGE', 'GO', 'BASE_IMAGE_NAME'], ['service', 'metrics', 'sales'], 'makefile');
    expect(plan.imageVariables).toEqual([
      { service: 'metrics', from: 'METRICS_IMAGE', to: 'GO_METRICS_IMAGE' },
      { service: 'sales', from: 'SALES_IMAGE', to: 'GO_SALES_IMAGE' },
    ]);
    expect(plan.imageTagVariable).toBe('IMAGE_TAG');
    expect(plan.shared).toEqual(['GO']);
    expect(plan.notes).toEqual([
      'your makefile sets METRICS_IMAGE, SALES_IMAGE (its own image names, which make would give the generated targets too): yours keep their names and values; the generated images are named by GO_METRICS_IMAGE, GO_SALES_IMAGE (imageVariable), in the Makefile, compose and kustomize.',
      'your makefile sets VERSION: it stays yours and stamps the binaries, and the images are tagged $(IMAGE_TAG), your VERSION made a valid image tag (imageTagVariable); the generated VERSION (git describe) applies only where yours leaves it unset.',
      'your makefile sets GO, which the generated Makefile sets too: make keeps one value of each, for your targets and the generated ones alike.',
    ]);
  });

  test('a new name that is taken too takes the next prefix; nothing shared, nothing renamed; no make, no guess', () => {
    const plan = makeVariablePlan(['WEB_IMAGE', 'GO_WEB_IMAGE', 'VERSION', 'IMAGE_TAG'], ['web'], 'Makefile');
    expect(plan.imageVariables).toEqual([{ service: 'web', from: 'WEB_IMAGE', to: 'GENERATED_WEB_IMAGE' }]);
    expect(plan.imageTagVariable).toBe('GO_IMAGE_TAG');
    expect(makeVariablePlan(['BINARY', 'LDFLAGS'], ['web'], 'Makefile')).toEqual({ imageVariables: [], imageTagVariable: undefined, shared: [], notes: [] });
    expect(makeVariablePlan(undefined, ['web'], 'Makefile').notes).toEqual([
      "your Makefile's variables were not compared with the generated Makefile's (make could not read it): where it sets VERSION or <SERVICE>_IMAGE, set imageTagVariable or imageVariable.",
    ]);
  });
});
