import { FileBase, IResolver, Project, Rule } from 'projen';
import { PIPELINE_FAMILIES, pipelineVariables } from './makefile-pipeline';
import { COMPOSE_DEV_FILE, SECRETS_DIR } from '../model/constants';
import { securityOpts } from '../model/docker-run';
import { cgoEnv, goBuildCommand, STAMP_DEFAULTS } from '../model/go-build';
import { GO_ENV_ARGS, goEnvDefault } from '../model/go-env';
import { DEFAULT_IMAGE_TAG_VARIABLE, IMAGE_TAG_FROM_VERSION } from '../model/make-variables';
import { MigrationsModel, modelOf, ProjectModel, requireModel, ServiceHardening, ServiceModel } from '../model/model';
import { generatedMakeTargetNames, MAKE_TARGET_NAME, MakeTargetFamily } from '../model/names';
import { problem } from '../model/problems';
import { wiringOf } from '../model/wiring';

const REFUSAL = () => 'Makefile: the generated Makefile belongs to a GoServiceProject.';

/**
 * A Makefile target with the line `make help` shows for it.
 */
export interface MakeTarget extends Rule {
  /**
   * What the target does, for `make help`.
   */
  readonly description: string;
}

/** What one generated target does (its name is given by its family). */
interface TargetBody {
  readonly description: string;
  readonly recipe?: string[];
  readonly prerequisites?: string[];
}

/**
 * A family of generated targets: an aggregate target (`docker-build`) and, optionally, one target per
 * service (`docker-build-<service>`), rendered right after it.
 */
interface TargetFamily {
  /** The aggregate target's name. */
  readonly name: MakeTargetFamily;
  /** Whether the model needs the family. @default always */
  when?(model: ProjectModel): boolean;
  /** The aggregate target (its prerequisites default to every per-service target). */
  aggregate(model: ProjectModel): TargetBody;
  /** The per-service target, `<name>-<service>`. */
  each?(model: ProjectModel, service: ServiceModel): TargetBody;
  /** Targets of the family that are not a service's (`docker-build-postgres-migrate`), after the per-service ones. */
  extra?(model: ProjectModel): Array<{ name: string; body: TargetBody }>;
}

/** The schema migrations of the model's add-ons. */
const migrationsOf = (m: ProjectModel): MigrationsModel[] => m.addons.flatMap((a) => (a.migrations ? [a.migrations] : []));

/** `$(COMPOSE_ENV) $(COMPOSE) <args>`. */
const compose = (args: string) => `$(COMPOSE_ENV) $(COMPOSE) ${args}`;

/** The services deployed to Kubernetes. */
const deployed = (m: ProjectModel) => m.services.filter((s) => m.kubernetes?.services.includes(s.name));

const img = (s: ServiceModel) => `$(${s.imageVariable})`;

/**
 * The Go module settings of the Docker build, read with one `go env` the first time a target needs
 * them (an image build, compose), not one `go env` each: five took 27 ms of every `make docker-build`
 * (a warm image rebuild is 0.9 s), one takes 3 ms. A word per setting: its spaces as `~sp~`, an
 * empty value as `~`.
 */
function goEnvValues(asked: readonly string[]): string {
  return `GO_ENV_VALUES = $(eval GO_ENV_VALUES := $$(shell $$(GO) env ${asked.join(' ')} 2>/dev/null | sed -e 's/ /~sp~/g' -e 's/^$$$$/~/'))$(GO_ENV_VALUES)`;
}
const GO_ENV_COMMENT = '# go env, once, for the Go module settings above: a word each (spaces as ~sp~, empty as ~)';

/** The value of the `n`th setting `GO_ENV_VALUES` holds. */
const goEnvWord = (n: number) => `$(subst ~sp~, ,$(filter-out ~,$(word ${n},$(GO_ENV_VALUES))))`;

/** VERSION, the version stamp: git describe, made an image tag (a module's own tags are prefixed by its directory, backend/v1.2.3, and a tag has no /). */
const versionValue = () => `$(shell (git describe --tags --always --dirty 2>/dev/null || echo ${STAMP_DEFAULTS.VERSION}) | sed -e 's|.*/||' -e 's/[^A-Za-z0-9_.-]/-/g')`;

/** The images' tag: `$(VERSION)`, or the variable `imageTagVariable` names. */
const tag = (m: ProjectModel) => `$(${m.imageTagVariable})`;

/** The target of a family for one service: `docker-build-<service>`. */
const forService = (family: string, s: ServiceModel) => `${family}-${s.name}`;

/** The targets the Makefile generates, in order. */
const FAMILIES: TargetFamily[] = [
  // the recipe lists every target: filled in once the others are known
  { name: 'help', aggregate: () => ({ description: 'List the targets' }) },
  {
    name: 'build',
    aggregate: () => ({ description: 'Build every service into bin/' }),
    each: (_m, s) => ({
      description: `Build bin/${s.name}`,
      recipe: [`${cgoEnv(s)} ${goBuildCommand(s, (name) => `$(${name})`, `bin/${s.name}`, '$(GO)').join(' ')}`],
    }),
  },
  { name: 'test', aggregate: () => ({ description: 'Run the Go tests', recipe: ['$(GO) test ./...'] }) },
  { name: 'vet', aggregate: () => ({ description: 'Run go vet', recipe: ['$(GO) vet ./...'] }) },
  { name: 'fmt', aggregate: () => ({ description: 'Format the Go code', recipe: ['$(GO) fmt ./...'] }) },
  {
    name: 'lint',
    aggregate: () => ({
      description: 'Run golangci-lint',
      recipe: [
        '@command -v golangci-lint >/dev/null 2>&1 || { echo "lint: golangci-lint is not installed; see https://golangci-lint.run/welcome/install/"; exit 1; }',
        'golangci-lint run ./...',
      ],
    }),
  },
  { name: 'tidy', aggregate: () => ({ description: 'Tidy go.mod and go.sum', recipe: ['$(GO) mod tidy'] }) },
  {
    name: 'vuln',
    aggregate: () => ({
      description: 'Check dependencies for known vulnerabilities',
      recipe: [
        '@command -v govulncheck >/dev/null 2>&1 || { echo "vuln: govulncheck is not installed; run: go install golang.org/x/vuln/cmd/govulncheck@latest"; exit 1; }',
        'govulncheck ./...',
      ],
    }),
  },
  {
    name: 'run',
    aggregate: (m) => ({ description: `Run ${defaultService(m).name} locally`, prerequisites: [forService('run', defaultService(m))] }),
    each: (_m, s) => ({
      description: `Run ${s.name} locally${s.port === undefined ? '' : ` on port ${s.port}`}`,
      recipe: [[
        ...Object.entries(s.environment).map(([k, v]) => `${k}=${shellQuote(v)}`),
        `./bin/${s.name}`,
        ...s.command.map(shellQuote),
      ].join(' ')],
      prerequisites: [forService('build', s)],
    }),
  },
  {
    name: 'docker-build',
    aggregate: () => ({ description: 'Build every image' }),
    each: (m, s) => ({
      description: `Build the ${s.name} image, tagged ${s.imageName}:${tag(m)} and :latest`,
      recipe: [`$(DOCKER) build $(DOCKER_BUILD_ARGS) --target ${s.target} -t ${img(s)}:${tag(m)} -t ${img(s)}:latest .`],
    }),
    extra: (m) => migrationsOf(m).map((x) => ({
      name: `docker-build-${x.service}`,
      body: {
        description: `Build the image that runs the ${x.database} migrations, tagged ${x.imageName}:${tag(m)} and :latest`,
        recipe: [`$(DOCKER) build $(DOCKER_BUILD_ARGS) --target ${x.service} -t $(${x.imageVariable}):${tag(m)} -t $(${x.imageVariable}):latest .`],
      },
    })),
  },
  {
    name: 'docker-buildx',
    aggregate: () => ({ description: 'Build every image for $(PLATFORMS) with buildx (add BUILDX_FLAGS=--push)' }),
    each: (m, s) => {
      // cgo services build on the target platform with its own gcc: native only
      const list = s.platforms?.join(',');
      const platforms = list === undefined ? undefined : list === m.platforms.join(',') ? '$(PLATFORMS)' : list;
      const platform = platforms ? ` --platform ${platforms}` : '';
      return {
        description: `Build the ${s.name} image with buildx ${platforms ? `for ${platforms}` : '(cgo: the native platform only)'}`,
        recipe: [`$(DOCKER) buildx build${platform} $(DOCKER_BUILD_ARGS) $(BUILDX_FLAGS) --target ${s.target} -t ${img(s)}:${tag(m)} -t ${img(s)}:latest .`],
      };
    },
  },
  {
    name: 'docker-run',
    aggregate: (m) => ({ description: `Run the ${defaultService(m).name} image`, prerequisites: [forService('docker-run', defaultService(m))] }),
    each: (m, s) => {
      const env = Object.entries(s.environment).map(([k, v]) => `-e ${k}=${shellQuote(v)}`).join(' ');
      const publish = s.port === undefined ? '' : ` -p ${s.port}:${s.port}`;
      return {
        description: `Run the ${s.name} image, hardened as in compose${s.port === undefined ? '' : `, on port ${s.port}`}`,
        recipe: [`$(DOCKER) run --rm${publish} ${dockerRunFlags(s.hardening)}${s.dataDirectories.map((d) => ` -v ${d.volume}:${d.path}`).join('')} ${env} ${img(s)}:${tag(m)}`],
        prerequisites: [forService('docker-build', s)],
      };
    },
  },
  {
    name: 'docker-push',
    aggregate: () => ({ description: 'Push every image to $(REGISTRY)' }),
    each: (m, s) => ({
      description: `Push the ${s.name} image to $(REGISTRY)`,
      recipe: [
        '@test -n "$(REGISTRY)" || { echo "docker-push: set REGISTRY, e.g. make docker-push REGISTRY=ghcr.io/acme"; exit 1; }',
        `$(DOCKER) push ${img(s)}:${tag(m)}`,
        `$(DOCKER) push ${img(s)}:latest`,
      ],
      prerequisites: [forService('docker-build', s)],
    }),
  },
  {
    name: 'image-size',
    aggregate: (m) => ({ description: 'Print each image\'s size; fail when one exceeds its budget', recipe: m.services.map((s) => sizeCheck(m, s)) }),
  },
  {
    name: 'secrets',
    when: (m) => secretFiles(m).length > 0,
    aggregate: (m) => ({ description: 'Create the compose secret files that do not exist yet (never committed)', prerequisites: secretFiles(m).map((s) => s.file) }),
  },
  {
    name: 'migrate-new',
    when: (m) => migrationsOf(m).length > 0,
    aggregate: () => ({
      description: 'Create the next migration pair in $(MIGRATIONS)/: make migrate-new NAME=add_users',
      recipe: [
        '@expr "$(NAME)" : \'[a-z0-9_][a-z0-9_]*$$\' >/dev/null || { echo "migrate-new: name the migration with lowercase letters, digits and underscores: make migrate-new NAME=add_users" >&2; exit 1; }',
        '@mkdir -p $(MIGRATIONS); \\',
        'last=$$(ls $(MIGRATIONS) | sed -n \'s/^0*\\([0-9][0-9]*\\)_.*\\.up\\.sql$$/\\1/p\' | sort -n | tail -n 1); \\',
        "n=$$(printf '%06d' $$(( $${last:-0} + 1 ))); \\",
        "for d in up down; do f=$(MIGRATIONS)/$${n}_$(NAME).$$d.sql; printf -- '-- %s (%s)\\n' '$(NAME)' $$d > $$f; echo \"created $$f\"; done",
      ],
    }),
  },
  {
    name: 'migrate-up',
    when: (m) => migrationsOf(m).length > 0,
    aggregate: (m) => ({
      description: 'Apply the pending migrations to the compose database',
      prerequisites: ['secrets'],
      recipe: migrationsOf(m).flatMap((x) => [compose(`build ${x.service}`), compose(`run --rm ${x.service} up`)]),
    }),
  },
  {
    name: 'migrate-down',
    when: (m) => migrationsOf(m).length > 0,
    aggregate: (m) => ({
      description: 'Undo the last migration on the compose database',
      prerequisites: ['secrets'],
      recipe: migrationsOf(m).flatMap((x) => [compose(`build ${x.service}`), compose(`run --rm ${x.service} down 1`)]),
    }),
  },
  {
    name: 'dev',
    aggregate: (m) => ({
      description: 'Run everything with compose in watch mode: a Go change is built and restarted in its running container, a run-time file restarts it (Ctrl-C stops all)',
      prerequisites: secretFiles(m).length ? ['secrets'] : [],
      recipe: [
        // Compose v1 and Compose v2 before 2.22 have no watch mode
        '@$(COMPOSE) up --help 2>/dev/null | grep -q -- --watch || { echo "dev: $(COMPOSE) has no watch mode (Compose v1, or v2 before 2.22). Install the Compose v2 plugin (docker compose 2.32 or later) and run make dev COMPOSE=\'docker compose\'" >&2; exit 1; }',
        // Ctrl-C stops compose; the shell goes on and takes the stack down as compose-down does
        `@trap true INT TERM; files="-f docker-compose.yml $(if $(wildcard docker-compose.override.yml),-f docker-compose.override.yml) -f ${COMPOSE_DEV_FILE}"; \\`,
        '$(COMPOSE_ENV) $(COMPOSE) $$files up --build --watch --remove-orphans; status=$$?; \\',
        '$(COMPOSE_ENV) $(COMPOSE) $$files down --remove-orphans; [ $$status -eq 130 ] || [ $$status -eq 143 ] && exit 0; exit $$status',
      ],
    }),
  },
  {
    name: 'compose-up',
    aggregate: (m) => ({
      description: 'Build and start everything with compose; wait until all is healthy (or say why not)',
      // Compose v2 waits itself; v1 has no --wait: the same wait, portably
      recipe: [
        '@export $(COMPOSE_ENV) COMPOSE="$(COMPOSE)" DOCKER="$(DOCKER)" WAIT="$(COMPOSE_WAIT)" ONESHOT="$(COMPOSE_ONESHOT)"; \\',
        'if $(COMPOSE) up --help 2>/dev/null | grep -q -- --wait-timeout; then \\',
        '  $(COMPOSE) up -d --build --remove-orphans --wait --wait-timeout "$$WAIT" || { sh -c "$$COMPOSE_WAIT_SCRIPT"; exit 1; }; \\',
        'else \\',
        '  $(COMPOSE) up -d --build --remove-orphans && sh -c "$$COMPOSE_WAIT_SCRIPT"; \\',
        'fi',
      ],
      prerequisites: secretFiles(m).length ? ['secrets'] : [],
    }),
  },
  { name: 'compose-ps', aggregate: () => ({ description: 'Show the state of everything started with compose', recipe: ['$(COMPOSE_ENV) $(COMPOSE) ps'] }) },
  {
    name: 'compose-down',
    aggregate: () => ({ description: 'Stop everything started with compose (data volumes stay)', recipe: ['$(COMPOSE_ENV) $(COMPOSE) down --remove-orphans'] }),
  },
  { name: 'compose-logs', aggregate: () => ({ description: 'Follow the compose logs', recipe: ['$(COMPOSE_ENV) $(COMPOSE) logs -f'] }) },
  {
    name: 'k8s-secrets',
    when: (m) => m.kubernetes !== undefined,
    aggregate: (m) => {
      const k8s = m.kubernetes!;
      const withSecrets = deployed(m).map((s) => ({ s, secrets: wiringOf(m, s).secrets })).filter((x) => x.secrets.length);
      return {
        description: `Create the Kubernetes Secrets of the services from the files compose uses (${SECRETS_DIR}/)`,
        prerequisites: [...new Set(withSecrets.flatMap((x) => x.secrets.map((f) => f.file)))],
        recipe: withSecrets.length === 0 ? ['@echo "k8s-secrets: no service uses a secret file"'] : [
          `$(KUBECTL) apply -f ${k8s.directory}/namespace.yaml`,
          ...withSecrets.map(({ s, secrets }) => `$(KUBECTL) -n ${k8s.namespace} create secret generic ${k8s.secretNames[s.name]} ` +
            `${secrets.map((f) => `--from-file=${f.name}=${f.file}`).join(' ')} --dry-run=client -o yaml | $(KUBECTL) apply -f -`),
        ],
      };
    },
  },
  {
    name: 'k8s-apply',
    when: (m) => m.kubernetes !== undefined,
    aggregate: (m) => ({
      description: `Apply ${m.kubernetes!.directory}/ to the cluster, the images pinned to ${tag(m)} (or <SERVICE>_DIGEST)`,
      prerequisites: [overlayFile(m)],
      recipe: [`$(KUBECTL) apply -k ${m.kubernetes!.overlayDirectory}`],
    }),
  },
  {
    name: 'k8s-diff',
    when: (m) => m.kubernetes !== undefined,
    aggregate: (m) => ({
      description: 'Show what k8s-apply would change in the cluster',
      prerequisites: [overlayFile(m)],
      // kubectl diff exits 1 when there are differences: only more is an error
      recipe: [`$(KUBECTL) diff -k ${m.kubernetes!.overlayDirectory} || [ $$? -eq 1 ]`],
    }),
  },
  {
    name: 'k8s-delete',
    when: (m) => m.kubernetes !== undefined,
    aggregate: (m) => ({
      description: `Delete everything k8s-apply made, the namespace ${m.kubernetes!.namespace} with it`,
      prerequisites: [overlayFile(m)],
      recipe: [`$(KUBECTL) delete -k ${m.kubernetes!.overlayDirectory} --ignore-not-found`],
    }),
  },
  { name: 'clean', aggregate: () => ({ description: 'Remove build output', recipe: ['rm -rf bin/'] }) },
  ...PIPELINE_FAMILIES,
];

/** The kustomization `make k8s-*` writes: the manifests, with the images pinned. */
function overlayFile(m: ProjectModel): string {
  return `${m.kubernetes!.overlayDirectory}/kustomization.yaml`;
}

/**
 * The rule that writes the overlay on every `make k8s-*`: k8s/ with each deployed image named
 * `$(<SERVICE>_IMAGE)` (the REGISTRY prefix applied) and pinned to the `$(VERSION)` tag (imageTagVariable) that
 * docker-build made, or to `$(<SERVICE>_DIGEST)` when set. Never `:latest`.
 */
function overlayRule(m: ProjectModel): Rule {
  const k8s = m.kubernetes!;
  const lines = [
    '# written by make k8s-*: the manifests, with the images make docker-build tagged (do not edit)',
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    `  - ../${k8s.directory}`,
    'images:',
    ...deployed(m).flatMap((s) => [
      `  - name: ${s.imageName}`,
      `    newName: ${img(s)}`,
      `    $(if $(${digestVariable(s)}),digest: $(${digestVariable(s)}),newTag: ${tag(m)})`,
    ]),
    // the migrations the deployed services wait for (their pods' init containers)
    ...migrationsOf(m).filter((x) => deployed(m).some((s) => x.services.includes(s.name))).flatMap((x) => [
      `  - name: ${x.imageName}`,
      `    newName: $(${x.imageVariable})`,
      `    newTag: ${tag(m)}`,
    ]),
  ];
  return {
    targets: [overlayFile(m)],
    phony: true,
    recipe: [`@mkdir -p ${k8s.overlayDirectory}`, `@printf '%s\\n' ${lines.map((l) => `'${l}'`).join(' ')} > $@`],
  };
}

/** The families of targets this renderer generates, in order (their names are the model's: MAKE_TARGET_FAMILIES). */
export const RENDERED_FAMILIES: readonly string[] = FAMILIES.map((f) => f.name);

/**
 * What `make compose-up` runs after `up` (and, with Compose v2's `--wait`, only when that fails, to
 * say why): waits until every container of the project is healthy (running, when it has no health
 * check); else prints its last health-check output and its logs, and fails.
 */
const COMPOSE_WAIT_SCRIPT = [
  '# make compose-up waits with this (Compose v1 has no --wait); it says why a service did not come up',
  'define COMPOSE_WAIT_SCRIPT',
  'deadline=$$(( $$(date +%s) + $${WAIT:-120} ))',
  '# one-shot services (the migrations) first: the services that wait for them start only when they exit 0',
  'for svc in $$ONESHOT; do',
  '  id=$$($$COMPOSE ps -a -q "$$svc" | head -n 1); [ -n "$$id" ] || continue',
  '  while :; do',
  '    state=$$($$DOCKER inspect -f \'{{.State.Status}}\' "$$id")',
  '    { [ "$$state" != running ] && [ "$$state" != created ]; } || [ "$$(date +%s)" -ge "$$deadline" ] && break',
  '    sleep 1',
  '  done',
  '  code=$$($$DOCKER inspect -f \'{{.State.ExitCode}}\' "$$id")',
  '  if [ "$$state" != exited ] || [ "$$code" != 0 ]; then',
  '    echo "compose-up: $$svc did not complete ($$state, exit $$code), so the services that wait for it were not started; its output:" >&2',
  '    $$COMPOSE logs --tail=30 "$$svc" >&2',
  '    exit 1',
  '  fi',
  '  echo "$$svc: completed"',
  'done',
  'for id in $$($$COMPOSE ps -q); do',
  // (Compose v1 lists exited containers too: the one-shot ones completed above)
  '  svc=$$($$DOCKER inspect -f \'{{index .Config.Labels "com.docker.compose.service"}}\' "$$id"); case " $$ONESHOT " in *" $$svc "*) continue ;; esac',
  '  while :; do',
  '    state=$$($$DOCKER inspect -f \'{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}\' "$$id")',
  '    case "$$state" in healthy|running) echo "$$svc: $$state"; break ;; esac',
  '    if [ "$$state" = unhealthy ] || [ "$$state" = exited ] || [ "$$state" = dead ] || [ "$$(date +%s)" -ge "$$deadline" ]; then',
  '      echo "compose-up: $$svc is $$state; its last health checks and logs:" >&2',
  '      $$DOCKER inspect -f \'{{if .State.Health}}{{range .State.Health.Log}}{{.Output}}{{end}}{{end}}\' "$$id" | tail -n 5 >&2',
  '      $$COMPOSE logs --tail=30 "$$svc" >&2',
  '      exit 1',
  '    fi',
  '    sleep 1',
  '  done',
  'done',
  'endef',
  'export COMPOSE_WAIT_SCRIPT',
];

/** The width of the target column in `make help`. */
const HELP_WIDTH = 28;

/**
 * The generated Makefile: self-documenting (`make help` is the default goal), variables defined
 * once, per-service targets and aggregate ones, the same Go build flags as the Dockerfile.
 * Rendered from the model at synthesis; `addTarget`, `addRule` and `addVariable` add to it.
 */
export class GoMakefile extends FileBase {
  private readonly added: Array<{ readonly rule: Rule; readonly description?: string }> = [];
  private readonly variables: Array<[string, string]> = [];
  private readonly includes: string[] = [];
  private readonly renames = new Map<string, string>();

  /** The model, as resolved for the synthesis under way. */
  private get model(): ProjectModel {
    return modelOf(this.project, REFUSAL);
  }

  constructor(project: Project) {
    super(project, 'Makefile', { readonly: true, marker: true });
    requireModel(project, REFUSAL);
  }

  /**
   * Adds a documented target, listed by `make help`.
   */
  public addTarget(makeTarget: MakeTarget): GoMakefile {
    const { description, ...rule } = makeTarget;
    if (typeof description !== 'string' || /[\r\n]/.test(description)) {
      throw new Error(`makefile.addTarget: the description of ${JSON.stringify(rule.targets)} spans lines (or is not text), and make help prints one line per target. Give a one-line description.`);
    }
    checkRule('addTarget', rule);
    this.added.push({ rule, description });
    return this;
  }

  /**
   * Adds a rule that `make help` does not list (a file rule, say).
   */
  public addRule(rule: Rule): GoMakefile {
    checkRule('addRule', rule);
    this.added.push({ rule });
    return this;
  }

  /**
   * What is wrong with the added targets once every service is known: a name the Makefile generates
   * (make would run one recipe for both, with only a warning), or one added twice.
   * @internal
   */
  public _problems(): string[] {
    const generated = new Set(this.generatedTargets().flatMap((t) => t.targets));
    const seen = new Set<string>();
    const problems: string[] = [];
    const possible = new Set(generatedMakeTargetNames(this.model.services.map((s) => s.name)));
    const renamedTo = new Map<string, string>();
    for (const [from, to] of this.renames) {
      if (!possible.has(from)) {
        problems.push(problem(undefined, 'makefileRenames', `"${from}" is not a target the Makefile generates, so there is nothing to rename`, `Rename one of ${[...possible].slice(0, 4).join(', ')}, ..., or take "${from}" out`));
      } else if (renamedTo.has(to)) {
        problems.push(problem(undefined, 'makefileRenames', `"${from}" and "${renamedTo.get(to)}" are both renamed to "${to}"`, 'Give each its own name'));
      } else if (possible.has(to) && !this.renames.has(to)) {
        problems.push(problem(undefined, 'makefileRenames', `"${from}" is renamed to "${to}", which the Makefile generates itself`, `Choose another name, such as "go-${from}"`));
      }
      renamedTo.set(to, from);
    }
    for (const { rule } of this.added) {
      for (const t of rule.targets) {
        if (generated.has(t)) {
          problems.push(problem(undefined, 'makefile', `the added target "${t}" is a target the Makefile generates, and make would run only one recipe for both`, 'Choose another name for it'));
        } else if (seen.has(t) && rule.recipe?.length) {
          problems.push(problem(undefined, 'makefile', `the target "${t}" is added twice`, 'Add it once'));
        }
        seen.add(t);
      }
    }
    return problems;
  }

  /**
   * Adds a variable, `NAME ?= value` (so it can be set on the make command line).
   */
  public addVariable(name: string, value: string): GoMakefile {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new Error(`makefile.addVariable: ${JSON.stringify(name)} is not a make variable name. Use letters, digits and underscores.`);
    }
    if (typeof value !== 'string' || /[\r\n]/.test(value)) {
      throw new Error(`makefile.addVariable: the value of ${name} spans lines (or is not text), and a make variable is one line. Give a one-line value.`);
    }
    this.variables.push([name, value]);
    return this;
  }

  /**
   * Includes a makefile of your own (`include local.mk`), before the generated targets: its targets
   * work beside the generated ones (a generated recipe wins where both give one for a name).
   */
  public addInclude(path: string): GoMakefile {
    if (typeof path !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(path) || path.split('/').includes('..') || path === 'Makefile') {
      throw new Error(`makefile.addInclude: ${JSON.stringify(path)} is not a makefile of the repository to include. Use a relative path such as "local.mk".`);
    }
    if (!this.includes.includes(path)) this.includes.push(path);
    return this;
  }

  /**
   * Renames a generated target (`build` → `go-build`), where a makefile of your own that the Makefile
   * includes has a target of that name: yours keeps its name and recipe, the generated one answers
   * to the new name (in `make help` too). Per-service targets are renamed one by one
   * (`docker-build-api`).
   */
  public renameTarget(generated: string, to: string): GoMakefile {
    for (const name of [generated, to]) {
      if (typeof name !== 'string' || !MAKE_TARGET_NAME.test(name)) {
        throw new Error(`makefile.renameTarget: ${JSON.stringify(name)} is not a make target name. Use letters, digits, dots, underscores and dashes, such as "go-build".`);
      }
    }
    this.renames.set(generated, to);
    return this;
  }

  /** The generated targets renamed, generated name → name in the Makefile. */
  public get renamedTargets(): { [generated: string]: string } {
    return Object.fromEntries(this.renames);
  }

  /** The name a generated target has in the Makefile (its own, unless renamed). */
  private nameOf(generated: string): string {
    return this.renames.get(generated) ?? generated;
  }

  /** The makefiles of your own the Makefile includes. */
  public get includedMakefiles(): string[] {
    return [...this.includes];
  }

  /** The targets the model generates, with their descriptions, in order. */
  public generatedTargets(): MakeTarget[] {
    const m = this.model;
    const targets: MakeTarget[] = [];
    for (const family of FAMILIES.filter((f) => f.when?.(m) ?? true)) {
      const each = family.each;
      const perService = [
        ...(each ? m.services.map((s) => ({ name: forService(family.name, s), body: each(m, s) })) : []),
        ...(family.extra?.(m) ?? []),
      ];
      const aggregate = family.aggregate(m);
      targets.push(target(family.name, { ...aggregate, prerequisites: aggregate.prerequisites ?? perService.map((t) => t.name) }));
      targets.push(...perService.map((t) => target(t.name, t.body)));
    }
    // a renamed target answers to its new name, wherever it is named (prerequisites, help)
    for (const [i, t] of targets.entries()) {
      const name = t.targets[0];
      const renamed = this.renames.get(name);
      targets[i] = {
        ...t,
        targets: [this.nameOf(name)],
        prerequisites: t.prerequisites?.map((p) => this.nameOf(p)),
        description: renamed ? `${t.description} (generated; make ${name} is your own)` : t.description,
      };
    }
    // help lists every target that has a description: the generated ones, then the added ones
    const described: Array<[string, string]> = [
      ...targets.map((t) => [t.targets[0], t.description] as [string, string]),
      ...this.added.filter((a) => a.description !== undefined).flatMap((a) => a.rule.targets.map((t) => [t, a.description!] as [string, string])),
    ];
    const own = ownTargetsRecipe(this.includes, this.variables.map(([n]) => n));
    return targets.map((t) => (t.targets[0] === this.nameOf('help') ? { ...t, recipe: [...helpRecipe(described), ...own] } : t));
  }

  private header(): string[] {
    const m = this.model;
    const services = m.services;
    const versionVariable: [string, string, string?] = ['VERSION', versionValue()];
    // a tag of its own (imageTagVariable): VERSION is set after the includes, so a makefile of yours sets it first
    const ownTag = m.imageTagVariable !== DEFAULT_IMAGE_TAG_VARIABLE;
    const vars: Array<[string, string, string?]> = [
      ['GO', 'go'],
      ['DOCKER', 'docker'],
      ['COMPOSE', 'docker compose', 'docker-compose for Compose v1'],
      ['COMPOSE_WAIT', '120', 'seconds make compose-up waits for every service to be healthy'],
      ['REGISTRY', '', 'prefixes image names, e.g. ghcr.io/acme'],
      ['PLATFORMS', m.platforms.join(',')],
      ['BUILDX_FLAGS', '', 'e.g. --push'],
      ...(ownTag ? [] : [versionVariable]),
      ['COMMIT', `$(shell git rev-parse --short HEAD 2>/dev/null || echo ${STAMP_DEFAULTS.COMMIT})`],
      ['SOURCE_DATE_EPOCH', `$(shell git log -1 --format=%ct 2>/dev/null || echo ${STAMP_DEFAULTS.SOURCE_DATE_EPOCH})`, 'the commit time: builds are reproducible'],
      ['DATE', `$(shell TZ=UTC git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd 2>/dev/null || echo ${STAMP_DEFAULTS.DATE})`],
    ];
    const asked = GO_ENV_ARGS.filter((a) => goEnvDefault(m.goModules, a) === undefined);
    for (const a of GO_ENV_ARGS) {
      const fixed = goEnvDefault(m.goModules, a);
      vars.push([a, fixed ?? goEnvWord(asked.indexOf(a) + 1), a === GO_ENV_ARGS[0] ? 'the Go module settings the Docker build uses' : undefined]);
    }
    if (m.goModules.netrc) {
      vars.push(['NETRC', '$(HOME)/.netrc', 'credentials for private modules, mounted as the BuildKit secret netrc (never a build arg)']);
    }
    for (const s of services) {
      vars.push([s.imageVariable, `$(IMAGE_PREFIX)${s.imageName}`]);
    }
    const migrations = migrationsOf(m);
    for (const x of migrations) {
      vars.push([x.imageVariable, `$(IMAGE_PREFIX)${x.imageName}`, x === migrations[0] ? 'the images that run the schema migrations' : undefined]);
    }
    if (migrations.length) {
      vars.push(['MIGRATIONS', migrations[0].directory, 'where make migrate-new writes']);
      vars.push(['COMPOSE_ONESHOT', migrations.map((x) => x.service).join(' '), 'what the services wait for to complete: make compose-up shows its output when it fails']);
    }
    for (const s of services) {
      vars.push([budgetVariable(s), s.imageSizeBudgetMiB === undefined ? '' : String(s.imageSizeBudgetMiB), s === services[0] ? 'image size budgets in MiB (empty: none)' : undefined]);
    }
    if (m.kubernetes) {
      vars.push(['KUBECTL', 'kubectl']);
      const onK8s = deployed(m);
      for (const s of onK8s) {
        vars.push([digestVariable(s), '', s === onK8s[0] ? `pin k8s-apply to image digests (sha256:...) instead of ${tag(m)}` : undefined]);
      }
    }
    vars.push(...pipelineVariables(m.pipeline));
    for (const [n, v] of this.variables) vars.push([n, v]);

    const buildArgs = [...new Set(services.flatMap((s) => s.buildArgs))];
    const lines: string[] = [];
    if (this.marker) lines.push(`# ${this.marker}`, '');
    // with makefiles of your own, bare make runs your default goal (set after the includes)
    lines.push(...(this.includes.length ? [] : [`.DEFAULT_GOAL := ${this.nameOf('help')}`]), 'SHELL := /bin/sh', '');
    for (const [name, value, comment] of vars) {
      if (comment) lines.push(`# ${comment}`);
      lines.push(`${name} ?=${value ? ` ${value}` : ''}`);
    }
    lines.push(
      '',
      'IMAGE_PREFIX = $(if $(REGISTRY),$(REGISTRY)/,)',
      ...(asked.length ? [GO_ENV_COMMENT, goEnvValues(asked)] : []),
      ...(m.goModules.netrc ? ['comma := ,'] : []),
      '# BuildKit: older engines need it for the cache mounts',
      'export DOCKER_BUILDKIT := 1',
      '# compose reads the image names and build args from the environment',
      ...continued('COMPOSE_ENV', [...buildArgs, ...(ownTag ? [m.imageTagVariable] : []), ...services.map((s) => s.imageVariable), ...migrations.map((x) => x.imageVariable)].map((v) => `${v}="$(${v})"`)),
      ...continued('DOCKER_BUILD_ARGS', [
        ...buildArgs.map((v) => `--build-arg "${v}=$(${v})"`),
        ...(m.goModules.netrc ? ['$(if $(wildcard $(NETRC)),--secret id=netrc$(comma)src=$(NETRC))'] : []),
      ]),
      '',
    );
    lines.push(...COMPOSE_WAIT_SCRIPT, '');
    if (this.includes.length) {
      lines.push(
        '# makefiles of your own: their targets work beside the generated ones',
        ...this.includes.map((i) => `include ${i}`),
        '# bare make runs their default goal (their first target, or their .DEFAULT_GOAL), as it did before',
        'ifeq ($(.DEFAULT_GOAL),)',
        `.DEFAULT_GOAL := ${this.nameOf('help')}`,
        'endif',
        '',
      );
    }
    if (ownTag) {
      lines.push(
        `# the version stamp: yours when ${this.includes.length ? `${this.includes.join(', ')} sets` : 'you set'} VERSION, else git describe`,
        `VERSION ?= ${versionValue()}`,
        '# the images\' tag (imageTagVariable): VERSION, made a valid image tag',
        `${m.imageTagVariable} ?= ${IMAGE_TAG_FROM_VERSION}`,
        '',
      );
    }
    return lines;
  }

  protected synthesizeContent(resolver: IResolver): string | undefined {
    // the generated targets, the add-ons' secret files, then what was added
    const rules: Rule[] = [
      ...this.generatedTargets().map(({ description: _d, ...rule }) => rule),
      ...secretFiles(this.model).map((s) => ({ targets: [s.file], prerequisites: s.prerequisites && [...s.prerequisites], recipe: [...s.recipe] })),
      ...(this.model.kubernetes ? [overlayRule(this.model)] : []),
      ...this.added.map((a) => a.rule),
    ];
    const body = (resolver.resolve(rules) as Rule[]).map(renderRule).join('\n\n');
    return `${this.header().join('\n')}\n${body}\n`;
  }
}

/** Refuses a rule that would break the Makefile: names with spaces, colons or line breaks; recipe lines or prerequisites with line breaks. */
function checkRule(method: string, rule: Rule): void {
  const targets = rule?.targets;
  if (!Array.isArray(targets) || targets.length === 0 || targets.some((t) => typeof t !== 'string' || !/^[^\s:#=]+$/.test(t))) {
    throw new Error(`makefile.${method}: ${JSON.stringify(targets)} is not a list of make target names. Use names without spaces, colons, = or #, such as ['deploy'].`);
  }
  for (const [what, list] of [['recipe', rule.recipe], ['prerequisites', rule.prerequisites]] as const) {
    if (list !== undefined && (!Array.isArray(list) || list.some((x) => typeof x !== 'string' || /[\r\n]/.test(x)))) {
      throw new Error(`makefile.${method}: a line of the ${what} of ${JSON.stringify(targets)} spans lines (or is not text), and would break every target of the Makefile. Give one command per line, as a list of one-line strings.`);
    }
  }
}

function target(name: string, body: TargetBody): MakeTarget {
  return { targets: [name], description: body.description, recipe: body.recipe ?? [], prerequisites: body.prerequisites ?? [], phony: true };
}

/** A rule as make reads it: `.PHONY`, `targets: prerequisites`, the recipe indented by a tab. */
function renderRule(rule: Rule): string {
  const targets = rule.targets.join(' ');
  return [
    ...(rule.phony ? [`.PHONY: ${targets}`] : []),
    `${targets}: ${(rule.prerequisites ?? []).join(' ')}`.trim(),
    ...(rule.recipe ?? []).map((step) => `\t${step}`),
  ].join('\n');
}

/**
 * The end of `make help` when the Makefile includes makefiles of your own: their targets, as make
 * reads them (its database, nothing run: `make -pRrq -f local.mk :`), without special targets
 * (`.PHONY`), pattern rules and files that are only prerequisites. Read when help runs, so a target
 * you add to local.mk is listed without a synthesis. The variables added to the Makefile (set before
 * the include: a glob pinned by adopt) are passed on as they are written, so make reads your
 * makefile as it does under the Makefile.
 */
function ownTargetsRecipe(includes: readonly string[], variables: readonly string[]): string[] {
  const passed = variables.map((n) => ` ${n}='$(subst ','\\'',$(value ${n}))'`).join('');
  return includes.flatMap((file) => [
    '@echo ""',
    `@echo "Your own targets (${file}):"`,
    `@$(MAKE) --no-print-directory -pRrq -f ${file} :${passed} 2>/dev/null | ${OWN_TARGETS_AWK} | LC_ALL=C sort -u | sed 's/^/  /'`,
  ]);
}

/**
 * Reads the targets from make's database (`# Files` section): skips entries marked "Not a target",
 * comments, recipe lines, special (`.X`) and pattern (`%`) targets. `$$` is make's `$`.
 */
const OWN_TARGETS_AWK = "awk '/^# Files$$/ { f = 1; next } /^# Finished Make data base/ { f = 0 } !f { next } /^$$/ { n = 0; next } "
  + "/^# Not a target:/ { n = 1; next } n || /^[#\\t]/ { next } /^[^.%: \\t=#][^:=]*::?([^=]|$$)/ { sub(/:.*/, \"\"); for (i = 1; i <= NF; i++) if ($$i !~ /%/) print $$i }'";

/** `make help`: a fixed column width unless a name needs more, so adding a service does not re-align every line. */
function helpRecipe(described: Array<[string, string]>): string[] {
  const width = Math.max(HELP_WIDTH, ...described.map(([t]) => t.length + 2));
  return [
    '@echo "Usage: make <target> [VARIABLE=value ...]"',
    '@echo ""',
    '@echo "Targets:"',
    ...[...new Map(described)].map(([t, desc]) => `@printf '  %-${width}s %s\\n' '${t}' '${desc.replace(/'/g, "'\\''")}'`),
  ];
}

function defaultService(m: ProjectModel): ServiceModel {
  return m.services.find((s) => s.isDefault)!;
}

function secretFiles(m: ProjectModel) {
  return m.addons.flatMap((a) => a.secrets);
}

/** The make variable that pins a service's image to a digest on Kubernetes. */
function digestVariable(s: ServiceModel): string {
  return `${s.name.toUpperCase().replace(/-/g, '_')}_DIGEST`;
}

/** The make variable that holds a service's size budget in MiB. */
function budgetVariable(s: ServiceModel): string {
  return `${s.name.toUpperCase().replace(/-/g, '_')}_MAX_MIB`;
}

function sizeCheck(m: ProjectModel, s: ServiceModel): string {
  const image = `${img(s)}:${tag(m)}`;
  const budget = `$(${budgetVariable(s)})`;
  return `@size=$$($(DOCKER) image inspect -f '{{.Size}}' ${image}) || exit 1; ` +
    `printf '%-32s %10s bytes (%s MiB)\\n' '${image}' "$$size" "$$(awk -v b=$$size 'BEGIN{printf "%.2f", b/1048576}')"; ` +
    `if [ -n "${budget}" ] && [ "$$size" -gt "$$(awk -v m=${budget} 'BEGIN{printf "%d", m*1048576}')" ]; then ` +
    `echo "image-size: ${image} is over its budget of ${budget} MiB"; exit 1; fi`;
}

/** `docker run` flags for the hardening: the same lock-down compose applies. */
function dockerRunFlags(h: ServiceHardening): string {
  return [
    ...(h.readOnlyRootFilesystem ? ['--read-only'] : []),
    ...h.tmpfs.map((t) => `--tmpfs ${t}`),
    ...h.dropCapabilities.map((c) => `--cap-drop ${c}`),
    ...securityOpts(h).map((o) => `--security-opt ${o}`),
  ].join(' ');
}

/** `NAME = \` and one value per line: adding a value adds a line. */
function continued(name: string, values: string[]): string[] {
  return [`${name} = \\`, ...values.map((v, i) => `\t${v}${i < values.length - 1 ? ' \\' : ''}`)];
}

/** A value as one shell word in a recipe: quoted for the shell, and `$` doubled so that make passes it on as it is (never `$(shell ...)`). */
function shellQuote(v: string): string {
  const word = /^[A-Za-z0-9_./:@,+=-]*$/.test(v) ? v : `'${v.replace(/'/g, "'\\''")}'`;
  return word.replace(/\$/g, '$$$$');
}
