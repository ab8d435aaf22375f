import { Component, Project } from 'projen';
import { GitHub, GithubWorkflow } from 'projen/lib/github';
import { Job, JobPermission, JobStep, Triggers } from 'projen/lib/github/workflows-model';
import { modelOf, ProjectModel, requireModel } from '../model/model';
import { PipelineModel, usesOf, WorkflowName } from '../model/pipeline';

const REFUSAL = () => 'workflows: the generated GitHub workflows belong to a GoServiceProject with ci: true.';

/** The runner every job runs on. */
const RUNNER = ['ubuntu-latest'];

/**
 * The GitHub Actions workflows of the pipeline, through projen's GitHub component: `build.yml`
 * (pull requests and the main branch: `make ci`), `release.yml` (tags, or the main branch:
 * `make release` and `make verify`) and `upgrade.yml` (a schedule: bump the template, `npx projen`,
 * a pull request). Jobs are thin: they set up tools and call make targets, so the laptop runs the
 * same pipeline. Each job asks for the permissions it needs and no more; every action is pinned by
 * commit, with the release it is in a comment. Rendered from the model at synthesis.
 */
export class PipelineWorkflows extends Component {
  private readonly workflows = new Map<WorkflowName, GithubWorkflow>();

  /**
   * @param names the workflows to generate (the project leaves out one the repository already has)
   */
  constructor(project: Project, names: readonly WorkflowName[]) {
    super(project);
    requireModel(project, REFUSAL);
    const github = GitHub.of(project) ?? new GitHub(project, { mergify: false, pullRequestLint: false });
    for (const name of names) {
      const workflow = github.addWorkflow(name);
      withVersionComments(workflow, () => this.pipeline.actions);
      this.workflows.set(name, workflow);
    }
  }

  private get model(): ProjectModel {
    return modelOf(this.project, REFUSAL);
  }

  private get pipeline(): PipelineModel {
    const p = this.model.pipeline;
    if (!p) throw new Error(REFUSAL());
    return p;
  }

  /** The generated workflow of that name, if the project generates it (an escape hatch: `addJob`, `file.addOverride`). */
  public tryFindWorkflow(name: WorkflowName): GithubWorkflow | undefined {
    return this.workflows.get(name);
  }

  /** Fills the workflows from the model of the synthesis under way. */
  public preSynthesize(): void {
    const m = this.model;
    const p = this.pipeline;
    for (const [name, workflow] of this.workflows) {
      const { on, jobs } = RENDER[name](m, p);
      workflow.on(on);
      workflow.addJobs(jobs);
    }
  }
}

type Rendered = { on: Triggers; jobs: { [id: string]: Job } };

const RENDER: { [name in WorkflowName]: (m: ProjectModel, p: PipelineModel) => Rendered } = {
  build: (m, p) => ({
    on: {
      pullRequest: { branches: [p.mainBranch] },
      push: { branches: [p.mainBranch] },
      workflowDispatch: {},
    },
    jobs: {
      ci: {
        name: 'make ci',
        runsOn: RUNNER,
        permissions: { contents: JobPermission.READ },
        timeoutMinutes: 60,
        steps: [
          ...checkout(p),
          ...setupGo(m, p),
          ...setupNode(p),
          ...privateModules(m, p),
          { id: 'buildx', name: 'Set up Docker Buildx', uses: usesOf(p, 'docker/setup-buildx-action') },
          { id: 'ci', name: 'Check the generated files, vet, test with the race detector, build the images', run: 'make ci' },
        ],
      },
    },
  }),
  release: (m, p) => ({
    on: p.releaseOn === 'tags' ? { push: { tags: ['v*'] } } : { push: { branches: [p.mainBranch] } },
    jobs: {
      release: {
        name: 'make release',
        runsOn: RUNNER,
        // id-token: write lets cosign sign keyless with the workflow's OIDC identity; packages: write pushes to ghcr.io
        permissions: { contents: JobPermission.READ, packages: JobPermission.WRITE, idToken: JobPermission.WRITE },
        timeoutMinutes: 90,
        env: {
          REGISTRY: p.registry,
          COSIGN_IDENTITY: p.signingIdentity,
          COSIGN_ISSUER: p.signingIssuer,
        },
        steps: [
          ...checkout(p, true),
          ...setupGo(m, p),
          ...privateModules(m, p),
          { id: 'qemu', name: 'Set up QEMU (the other platforms)', uses: usesOf(p, 'docker/setup-qemu-action') },
          { id: 'buildx', name: 'Set up Docker Buildx', uses: usesOf(p, 'docker/setup-buildx-action') },
          { id: 'login', name: 'Log in to the registry', uses: usesOf(p, 'docker/login-action'), with: registryLogin(p) },
          { id: 'tools', name: 'Install the pinned tools (cosign, syft) into bin/', run: 'make tools' },
          { id: 'release', name: 'Push every image for every platform, attest (SBOM, provenance) and sign keyless', run: 'make release' },
          { id: 'verify', name: 'Verify the signatures and attestations of what was pushed', run: 'make verify' },
        ],
      },
    },
  }),
  upgrade: (m, p) => ({
    on: { schedule: [{ cron: p.upgradeSchedule }], workflowDispatch: {} },
    jobs: {
      upgrade: {
        name: 'Upgrade the template',
        runsOn: RUNNER,
        // writes a branch and opens a pull request; the build then runs on it
        permissions: { contents: JobPermission.WRITE, pullRequests: JobPermission.WRITE },
        timeoutMinutes: 30,
        steps: [
          ...checkout(p),
          ...setupGo(m, p),
          ...setupNode(p),
          {
            id: 'bump',
            name: `Bump ${p.templatePackages.join(', ')} and re-synthesize`,
            run: [
              'if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi',
              `npm install --save-dev --no-audit --no-fund ${p.templatePackages.map((t) => `${t}@latest`).join(' ')}`,
              'npx projen',
            ].join('\n'),
          },
          {
            id: 'pull-request',
            name: 'Open a pull request',
            uses: usesOf(p, 'peter-evans/create-pull-request'),
            with: {
              'branch': 'upgrade-template',
              'commit-message': `chore: upgrade ${p.templatePackages.join(', ')}`,
              'title': `chore: upgrade ${p.templatePackages.join(', ')}`,
              'body': 'Bumps the template and re-synthesizes every generated file (npx projen). The build checks that nothing drifted.',
              'delete-branch': true,
            },
          },
        ],
      },
    },
  }),
};

function checkout(p: PipelineModel, tags = false): JobStep[] {
  // the full history: the Makefile's VERSION (git describe) and SOURCE_DATE_EPOCH (the commit time)
  return [{ id: 'checkout', name: 'Check out', uses: usesOf(p, 'actions/checkout'), with: { 'fetch-depth': 0, 'persist-credentials': false, ...(tags ? { 'fetch-tags': true } : {}) } }];
}

function setupGo(m: ProjectModel, p: PipelineModel): JobStep[] {
  return [{ id: 'setup-go', name: `Set up Go ${m.goVersion}`, uses: usesOf(p, 'actions/setup-go'), with: { 'go-version': m.goVersion, 'cache': true } }];
}

function setupNode(p: PipelineModel): JobStep[] {
  return [{ id: 'setup-node', name: 'Set up Node.js (projen)', uses: usesOf(p, 'actions/setup-node'), with: { 'node-version': p.nodeVersion } }];
}

/** The `.netrc` of private modules, from a CI secret: read by go on the runner and by the Docker build as the BuildKit secret `netrc` (never a build arg). */
function privateModules(m: ProjectModel, p: PipelineModel): JobStep[] {
  if (!m.goModules.netrc) return [];
  return [{
    id: 'netrc',
    name: 'Credentials for private modules (.netrc)',
    env: { NETRC_CONTENT: `\${{ secrets.${p.netrcSecret} }}` },
    run: 'umask 077\nprintf \'%s\\n\' "$NETRC_CONTENT" > "$HOME/.netrc"',
  }];
}

/** docker/login-action's inputs: ghcr.io takes the workflow's token, another registry two secrets. */
function registryLogin(p: PipelineModel): { [key: string]: string } {
  const host = p.registry.split('/')[0];
  return host === 'ghcr.io'
    ? { registry: host, username: '${{ github.actor }}', password: '${{ secrets.GITHUB_TOKEN }}' }
    : { registry: host, username: '${{ secrets.REGISTRY_USERNAME }}', password: '${{ secrets.REGISTRY_PASSWORD }}' };
}

/**
 * `uses: owner/repo@<sha>` gets the release as a comment (`# v5.0.0`), as a human and Renovate read
 * pins: the YAML renderer writes no comments, so they are added to its output.
 */
function withVersionComments(workflow: GithubWorkflow, pins: () => PipelineModel['actions']): void {
  const file = workflow.file as unknown as { synthesizeContent(resolver: unknown): string | undefined } | undefined;
  if (!file) return;
  const render = file.synthesizeContent.bind(file);
  file.synthesizeContent = (resolver) => {
    const text = render(resolver);
    if (text === undefined) return text;
    const versions = new Map(pins().map((a) => [`${a.action}@${a.commit}`, a.version]));
    return text.replace(/^(\s*(?:-\s+)?uses: )(\S+)$/gm, (line, prefix: string, uses: string) => {
      const version = versions.get(uses);
      return version ? `${prefix}${uses} # ${version}` : line;
    });
  };
}
