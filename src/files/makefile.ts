import { IResolver, Makefile, Rule } from 'projen';
import type { GoService } from '../go-service';
import type { GoServiceProject } from '../go-service-project';
import { GO_ENV_ARGS, goEnvDefault } from './dockerfile-plan';
import { cgoEnv, goBuildCommand, STAMP_DEFAULTS } from '../private/go-build';
import { imageVariable } from '../private/names';

/**
 * A Makefile target with the line `make help` shows for it.
 */
export interface MakeTarget extends Rule {
  /**
   * What the target does, for `make help`.
   */
  readonly description: string;
}

/** The make variable that holds a service's size budget in MiB. */
function budgetVariable(s: GoService): string {
  return `${s.name.toUpperCase().replace(/-/g, '_')}_MAX_MIB`;
}

/**
 * The generated Makefile: self-documenting (`make help` is the default goal), variables defined
 * once, per-service targets and aggregate ones, the same Go build flags as the Dockerfile.
 * Extends projen's Makefile, which renders the rules.
 */
export class GoMakefile extends Makefile {
  private readonly model: GoServiceProject;
  private readonly descriptions = new Map<string, string>();
  private readonly variables: Array<[string, string]> = [];

  constructor(project: GoServiceProject) {
    super(project, 'Makefile', { readonly: true, marker: true });
    this.model = project;
  }

  /**
   * Adds a documented target, listed by `make help`.
   */
  public addTarget(target: MakeTarget): GoMakefile {
    const { description, ...rule } = target;
    this.addRule(rule);
    for (const t of rule.targets) this.descriptions.set(t, description);
    return this;
  }

  /**
   * Adds a variable, `NAME ?= value` (so it can be set on the make command line).
   */
  public addVariable(name: string, value: string): GoMakefile {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new Error(`makefile.addVariable: ${JSON.stringify(name)} is not a make variable name. Use letters, digits and underscores.`);
    }
    this.variables.push([name, value]);
    return this;
  }

  /** The targets the model defines, with their descriptions, in order. */
  public modelTargets(): MakeTarget[] {
    const services = this.model.services;
    const def = services[0];
    const each = (prefix: string) => services.map((s) => `${prefix}-${s.name}`);
    const t: MakeTarget[] = [];
    const add = (targets: string, description: string, recipe: string[] = [], prerequisites: string[] = []) =>
      t.push({ targets: [targets], description, recipe, prerequisites, phony: true });

    add('help', 'List the targets', this.helpRecipe());
    add('build', 'Build every service into bin/', [], each('build'));
    for (const s of services) {
      const ref = (name: string) => `$(${name})`;
      const cmd = goBuildCommand(s, ref, `bin/${s.name}`, '$(GO)');
      add(`build-${s.name}`, `Build bin/${s.name}`, [`${cgoEnv(s)} ${cmd.join(' ')}`]);
    }
    add('test', 'Run the Go tests', ['$(GO) test ./...']);
    add('vet', 'Run go vet', ['$(GO) vet ./...']);
    add('fmt', 'Format the Go code', ['$(GO) fmt ./...']);
    add('lint', 'Run golangci-lint', [
      '@command -v golangci-lint >/dev/null 2>&1 || { echo "lint: golangci-lint is not installed; see https://golangci-lint.run/welcome/install/"; exit 1; }',
      'golangci-lint run ./...',
    ]);
    add('tidy', 'Tidy go.mod and go.sum', ['$(GO) mod tidy']);
    add('vuln', 'Check dependencies for known vulnerabilities', [
      '@command -v govulncheck >/dev/null 2>&1 || { echo "vuln: govulncheck is not installed; run: go install golang.org/x/vuln/cmd/govulncheck@latest"; exit 1; }',
      'govulncheck ./...',
    ]);
    add('run', `Run ${def.name} locally`, [], [`run-${def.name}`]);
    for (const s of services) {
      const env = Object.entries(s.environment).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
      add(`run-${s.name}`, `Run ${s.name} locally on port ${s.port}`, [`${env} ./bin/${s.name}`], [`build-${s.name}`]);
    }
    add('docker-build', 'Build every image', [], each('docker-build'));
    for (const s of services) {
      const img = `$(${imageVariable(s)})`;
      add(`docker-build-${s.name}`, `Build the ${s.name} image, tagged ${s.imageName}:$(VERSION) and :latest`, [
        `$(DOCKER) build $(DOCKER_BUILD_ARGS) --target ${s.target} -t ${img}:$(VERSION) -t ${img}:latest .`,
      ]);
    }
    add('docker-buildx', 'Build every image for $(PLATFORMS) with buildx (add BUILDX_FLAGS=--push)', [], each('docker-buildx'));
    for (const s of services) {
      const img = `$(${imageVariable(s)})`;
      // cgo services build on the target platform with its own gcc: native only
      const list = s.platforms?.join(',');
      const platforms = list === undefined ? undefined : list === this.model.platforms.join(',') ? '$(PLATFORMS)' : list;
      const platform = platforms ? ` --platform ${platforms}` : '';
      add(`docker-buildx-${s.name}`, `Build the ${s.name} image with buildx ${platforms ? `for ${platforms}` : '(cgo: the native platform only)'}`, [
        `$(DOCKER) buildx build${platform} $(DOCKER_BUILD_ARGS) $(BUILDX_FLAGS) --target ${s.target} -t ${img}:$(VERSION) -t ${img}:latest .`,
      ]);
    }
    add('docker-run', `Run the ${def.name} image`, [], [`docker-run-${def.name}`]);
    for (const s of services) {
      const img = `$(${imageVariable(s)})`;
      const env = Object.entries(s.environment).map(([k, v]) => `-e ${k}=${shellQuote(v)}`).join(' ');
      const tmp = s.writableTmp ? ' --tmpfs /tmp' : '';
      add(`docker-run-${s.name}`, `Run the ${s.name} image, hardened as in compose, on port ${s.port}`, [
        `$(DOCKER) run --rm -p ${s.port}:${s.port} --read-only${tmp} --cap-drop ALL --security-opt no-new-privileges:true ${env} ${img}:$(VERSION)`,
      ], [`docker-build-${s.name}`]);
    }
    add('docker-push', 'Push every image to $(REGISTRY)', [], each('docker-push'));
    for (const s of services) {
      const img = `$(${imageVariable(s)})`;
      add(`docker-push-${s.name}`, `Push the ${s.name} image to $(REGISTRY)`, [
        '@test -n "$(REGISTRY)" || { echo "docker-push: set REGISTRY, e.g. make docker-push REGISTRY=ghcr.io/acme"; exit 1; }',
        `$(DOCKER) push ${img}:$(VERSION)`,
        `$(DOCKER) push ${img}:latest`,
      ], [`docker-build-${s.name}`]);
    }
    add('image-size', 'Print each image\'s size; fail when one exceeds its budget', services.map((s) => this.sizeCheck(s)));
    const secrets = this.model.addons.flatMap((a) => a._secrets());
    if (secrets.length) {
      add('secrets', 'Create the compose secret files that do not exist yet (never committed)', [], secrets.map((s) => s.file));
    }
    const composeEnv = '$(COMPOSE_ENV)';
    const needsSecrets = secrets.length ? ['secrets'] : [];
    add('compose-up', 'Build and start everything with compose', [`${composeEnv} $(COMPOSE) up -d --build`], needsSecrets);
    add('compose-down', 'Stop everything started with compose', [`${composeEnv} $(COMPOSE) down`]);
    add('compose-logs', 'Follow the compose logs', [`${composeEnv} $(COMPOSE) logs -f`]);
    add('clean', 'Remove build output', ['rm -rf bin/']);
    return t;
  }

  /** File rules that create the add-ons' secret files on first use. */
  private secretRules(): Rule[] {
    return this.model.addons.flatMap((a) => a._secrets()).map((s) => ({
      targets: [s.file],
      prerequisites: s.prerequisites,
      recipe: s.recipe,
    }));
  }

  private sizeCheck(s: GoService): string {
    const img = `$(${imageVariable(s)}):$(VERSION)`;
    const budget = `$(${budgetVariable(s)})`;
    return `@size=$$($(DOCKER) image inspect -f '{{.Size}}' ${img}) || exit 1; ` +
      `printf '%-32s %10s bytes (%s MiB)\\n' '${img}' "$$size" "$$(awk -v b=$$size 'BEGIN{printf "%.2f", b/1048576}')"; ` +
      `if [ -n "${budget}" ] && [ "$$size" -gt "$$(awk -v m=${budget} 'BEGIN{printf "%d", m*1048576}')" ]; then ` +
      `echo "image-size: ${img} is over its budget of ${budget} MiB"; exit 1; fi`;
  }

  private composeEnv(): string[] {
    const vars = ['VERSION', 'COMMIT', 'DATE', 'SOURCE_DATE_EPOCH', ...GO_ENV_ARGS, ...this.model.services.map(imageVariable)];
    return vars.map((v) => `${v}="$(${v})"`);
  }

  private helpRecipe(): string[] {
    const lines = ['@echo "Usage: make <target> [VARIABLE=value ...]"', '@echo ""', '@echo "Targets:"'];
    // descriptions are known at synthesis; filled in by synthesizeContent
    lines.push('$(HELP_LINES)');
    return lines;
  }

  private header(): string[] {
    const services = this.model.services;
    const vars: Array<[string, string, string?]> = [
      ['GO', 'go'],
      ['DOCKER', 'docker'],
      ['COMPOSE', 'docker compose', 'docker-compose for Compose v1'],
      ['REGISTRY', '', 'prefixes image names, e.g. ghcr.io/acme'],
      ['PLATFORMS', this.model.platforms.join(',')],
      ['BUILDX_FLAGS', '', 'e.g. --push'],
      ['VERSION', `$(shell git describe --tags --always --dirty 2>/dev/null || echo ${STAMP_DEFAULTS.VERSION})`],
      ['COMMIT', `$(shell git rev-parse --short HEAD 2>/dev/null || echo ${STAMP_DEFAULTS.COMMIT})`],
      ['SOURCE_DATE_EPOCH', `$(shell git log -1 --format=%ct 2>/dev/null || echo ${STAMP_DEFAULTS.SOURCE_DATE_EPOCH})`, 'the commit time: builds are reproducible'],
      ['DATE', `$(shell TZ=UTC git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd 2>/dev/null || echo ${STAMP_DEFAULTS.DATE})`],
    ];
    for (const a of GO_ENV_ARGS) {
      const fixed = goEnvDefault(this.model.goModules, a);
      vars.push([a, fixed ?? `$(shell $(GO) env ${a} 2>/dev/null)`, a === GO_ENV_ARGS[0] ? 'the Go module settings the Docker build uses' : undefined]);
    }
    if (this.model.goModules.netrc) {
      vars.push(['NETRC', '$(HOME)/.netrc', 'credentials for private modules, mounted as the BuildKit secret netrc (never a build arg)']);
    }
    for (const s of services) {
      vars.push([imageVariable(s), `$(IMAGE_PREFIX)${s.imageName}`]);
    }
    for (const s of services) {
      vars.push([budgetVariable(s), s.imageSizeBudgetMiB === undefined ? '' : String(s.imageSizeBudgetMiB), s === services[0] ? 'image size budgets in MiB (empty: none)' : undefined]);
    }
    for (const [n, v] of this.variables) vars.push([n, v]);

    const lines: string[] = [];
    if (this.marker) lines.push(`# ${this.marker}`, '');
    lines.push('.DEFAULT_GOAL := help', 'SHELL := /bin/sh', '');
    for (const [name, value, comment] of vars) {
      if (comment) lines.push(`# ${comment}`);
      lines.push(`${name} ?=${value ? ` ${value}` : ''}`);
    }
    lines.push(
      '',
      'IMAGE_PREFIX = $(if $(REGISTRY),$(REGISTRY)/,)',
      ...(this.model.goModules.netrc ? ['comma := ,'] : []),
      '# BuildKit: older engines need it for the cache mounts',
      'export DOCKER_BUILDKIT := 1',
      '# compose reads the image names and build args from the environment',
      ...continued('COMPOSE_ENV', this.composeEnv()),
      ...continued('DOCKER_BUILD_ARGS', [
        ...['VERSION', 'COMMIT', 'DATE', 'SOURCE_DATE_EPOCH', ...GO_ENV_ARGS].map((v) => `--build-arg "${v}=$(${v})"`),
        ...(this.model.goModules.netrc ? ['$(if $(wildcard $(NETRC)),--secret id=netrc$(comma)src=$(NETRC))'] : []),
      ]),
      '',
    );
    return lines;
  }

  protected synthesizeContent(resolver: IResolver): string | undefined {
    const own = this.modelTargets();
    const userRules = this.rules.filter((r) => !(r.targets.length === 1 && r.targets[0] === 'all'));
    const descriptions = new Map<string, string>([
      ...own.map((t) => [t.targets[0], t.description] as [string, string]),
      ...this.descriptions,
    ]);
    // a fixed width unless a name needs more: adding a service does not re-align every line
    const width = Math.max(HELP_WIDTH, ...[...descriptions.keys()].map((k) => k.length + 2));
    const helpLines = [...descriptions].map(([target, desc]) =>
      `@printf '  %-${width}s %s\\n' '${target}' '${desc.replace(/'/g, "'\\''")}'`);
    const rules: Rule[] = own.map(({ description: _d, ...rule }) => ({
      ...rule,
      recipe: (rule.recipe ?? []).flatMap((r) => (r === '$(HELP_LINES)' ? helpLines : [r])),
      prerequisites: rule.prerequisites,
    }));
    // projen's Makefile renders the rules: ours, the secret files', then the ones added with addRule
    const saved = this.rules.splice(0, this.rules.length);
    try {
      this.rules.push(...rules, ...this.secretRules(), ...userRules);
      const body = super.synthesizeContent(resolver) ?? '';
      return `${this.header().join('\n')}\n${body}`;
    } finally {
      this.rules.splice(0, this.rules.length, ...saved);
    }
  }
}

/** The width of the target column in `make help`. */
const HELP_WIDTH = 28;

/** `NAME = \` and one value per line: adding a value adds a line. */
function continued(name: string, values: string[]): string[] {
  return [`${name} = \\`, ...values.map((v, i) => `\t${v}${i < values.length - 1 ? ' \\' : ''}`)];
}

function shellQuote(v: string): string {
  return /^[A-Za-z0-9_./:@,+=-]*$/.test(v) ? v : `'${v.replace(/'/g, "'\\''")}'`;
}
