import type { ProjectModel } from './model';
import { makeTargetCollision } from './names';
import { problem } from './problems';

/** What the model says before anything is rendered: problems refuse the synthesis, warnings are told. */
export interface ModelFindings {
  readonly problems: string[];
  readonly warnings: string[];
}

/**
 * Checks the resolved model as a whole, before any renderer runs: what no single construct can see
 * (service names against the Makefile's targets, Kubernetes facts without manifests) and what the Go
 * toolchain says of the code (cgo, modules outside the build context, workspaces).
 */
export function validateModel(model: ProjectModel): ModelFindings {
  const problems: string[] = [];
  const warnings: string[] = [];
  const sources = model.goSources;
  if (!sources.complete) {
    // the build context is an allow-list of what the build reads: never widened to a deny-list
    problems.push(`.dockerignore: Go could not be asked which packages the services import (${sources.note}), and the build context lets in only what they read: without that list, everything in the repository (keys, .netrc, .npmrc, prod.env, .aws/credentials) would reach the image build. Install Go (go on PATH) and run npx projen again.`);
  }
  for (const m of sources.outsideModules) {
    warnings.push(problem(undefined, 'go.mod', `replaces ${m.path} with ${m.replaceDir}, a directory outside the project directory, which is all the image build sees (its context): make docker-build fails while it does`, `Move the module into the project directory (replace ${m.path} => ./<its directory>), or require a published version of it`));
  }
  for (const m of sources.workspaceModules) {
    const inside = !m.dir.startsWith('../');
    warnings.push(problem(undefined, 'go.work', `${m.goWork} supplies ${m.path} from ${m.dir}, and the image build sees only the project directory, without the workspace: there ${m.path} comes from the version go.mod requires (make docker-build fails when that version is not published)`,
      inside ? `Add replace ${m.path} => ./${m.dir} to go.mod, or require a published version of it` : `Move ${m.path} into the project directory and replace it there in go.mod (replace ${m.path} => ./<its directory>), or require a published version of it`));
  }
  // services whose code needs cgo and that build without it
  for (const s of model.services.filter((x) => !x.cgo)) {
    const needs = (sources.packages.get(s.name) ?? []).filter((p) => p.cgoFiles.length > 0);
    if (needs.length === 0) continue;
    const cxx = needs.some((p) => p.cxxFiles.length > 0);
    const what = `${needs.map((p) => p.importPath).join(', ')} ${needs.length === 1 ? 'has' : 'have'} C code (import "C"), and ${s.name} builds with CGO_ENABLED=0, so it would not build, or would fail when it runs`;
    const fix = `Set cgo: true with a runtime that has glibc, such as runtime: RuntimeStage.distroless({ variant: DistrolessVariant.${cxx ? 'CC' : 'BASE'} })${s.cgoDefaulted ? ', or cgo: false if the package works without cgo' : ''}`;
    if (s.cgoDefaulted) {
      problems.push(problem(s.name, 'cgo', what, fix));
    } else {
      warnings.push(problem(s.name, 'cgo', `${what} (cgo: false was asked for, so this is a warning)`, fix));
    }
  }
  warnings.push(...hiddenFileWarnings(model));
  return { problems, warnings };
}

/**
 * Files the image carries under a data directory: a volume there hides them (Kubernetes mounts an
 * empty emptyDir over the directory; compose copies the image's files into its named volume once, when
 * the volume is made, so they go stale with the next image). A warning: the image itself is right.
 */
function hiddenFileWarnings(model: ProjectModel): string[] {
  const warnings: string[] = [];
  for (const s of model.services) {
    for (const d of s.dataDirectories) {
      const under = s.runtimeFiles.filter((f) => f.destination === d.path || f.destination.startsWith(`${d.path.replace(/\/$/, '')}/`));
      if (under.length === 0) continue;
      const named = under.slice(0, 3).map((f) => `${f.source} (${f.destination})`).join(', ');
      const more = under.length > 3 ? ` and ${under.length - 3} more` : '';
      warnings.push(problem(s.name, 'dataDirectories',
        `${d.path} is a data directory and the image puts ${named}${more} in it: a volume there hides them (on Kubernetes an empty emptyDir is mounted over it; compose fills its volume from the image only when it makes the volume, so they go stale with the next image)`,
        `Give the files a destination outside ${d.path} (files: { <path>: "/usr/share/${s.name}/<path>" }, and point the program there), or make the data directory a directory of its own, such as "/data"`));
    }
  }
  return warnings;
}

/** Problems of the model that come after the escape hatches' (their order in the refusal is kept). */
export function laterModelProblems(model: ProjectModel): string[] {
  const problems: string[] = [];
  for (const s of model.services) {
    const collision = makeTargetCollision(s.name);
    if (collision) problems.push(problem(s.name, 'name', collision, 'Choose another name'));
  }
  problems.push(...imageVariableProblems(model));
  return problems;
}

/** Services that say how they run on Kubernetes in a project that renders no manifests. */
export function deploymentProblems(model: ProjectModel): string[] {
  if (model.kubernetes) return [];
  return model.services.filter((s) => s.deployment.configured).map((s) =>
    problem(s.name, 'deployment', 'says how the service runs on Kubernetes, and the project renders no Kubernetes manifests', 'Set kubernetes: true on the project, or remove deployment'));
}

/**
 * Image variables that two images share, or that the tag takes: make and compose would give both
 * the same value (one image would overwrite the other's tag).
 */
function imageVariableProblems(model: ProjectModel): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  const migrations = model.addons.flatMap((a) => (a.migrations ? [a.migrations] : []));
  const images = [
    ...model.services.map((s) => ({ subject: s.name as string | undefined, owner: `service ${s.name}`, variable: s.imageVariable })),
    ...migrations.map((x) => ({ subject: undefined, owner: `the migrations image ${x.service}`, variable: x.imageVariable })),
  ];
  for (const i of images) {
    const first = owners.get(i.variable);
    if (first) {
      problems.push(problem(i.subject, 'imageVariable', `${i.variable} already holds the image of ${first}`, 'Give each image its own variable'));
    } else if (i.variable === model.imageTagVariable) {
      problems.push(problem(i.subject, 'imageVariable', `${i.variable} is the image tag variable (imageTagVariable)`, 'Give the image and the tag variables different names'));
    } else {
      owners.set(i.variable, i.owner);
    }
  }
  return problems;
}
