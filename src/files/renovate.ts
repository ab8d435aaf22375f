import { JsonFile, Project } from 'projen';
import { modelOf } from '../model/model';
import type { PipelineModel } from '../model/pipeline';

/** Where the regex managers look: the repository's own source of truth. */
const PROJENRC = '/^\\.projenrc\\.ts$/';

/**
 * The generated renovate.json5. The Dockerfile and compose file are generated, so Renovate must not
 * edit them: it updates the facts they are generated from, then re-synthesizes (`npx projen`):
 * - `goVersion` in .projenrc.ts (the builder image and the go line follow it), to each new Go minor;
 * - digest pins in .projenrc.ts (`'golang:1.26-alpine': 'sha256:...'`, as imageDigests takes them);
 * - npm packages: projen, this package, or the organisation's template that carries its own pins;
 * - Go modules in go.mod (but not its go and toolchain lines, which the model owns).
 */
export class RenovateConfig extends JsonFile {

  /** Finds `goVersion: '1.26'` (the value in `currentValue`). */
  public static readonly GO_VERSION = 'goVersion:\\s*[\'"](?<currentValue>\\d+\\.\\d+)[\'"]';

  /** Finds `'image:tag': 'sha256:...'` (in `depName`, `currentValue`, `currentDigest`). */
  public static readonly IMAGE_PIN =
    '[\'"](?<depName>[a-z0-9][a-z0-9._/:-]*?):(?<currentValue>[A-Za-z0-9_][A-Za-z0-9_.-]*)[\'"]\\s*:\\s*[\'"](?<currentDigest>sha256:[a-f0-9]{64})[\'"]';

  /** Finds `'owner/repo@v1.2.3': '<sha>'` (in `depName`, `currentValue`, `currentDigest`): an action pin of `ciOptions.actionPins`. */
  public static readonly ACTION_PIN =
    '[\'"](?<depName>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)@(?<currentValue>v?\\d+(?:\\.\\d+)*)[\'"]\\s*:\\s*[\'"](?<currentDigest>[a-f0-9]{40})[\'"]';

  /** The configuration object (with the pipeline's rules when the project has one). */
  public static render(pipeline?: PipelineModel): { [key: string]: any } {
    const workflows = pipeline ? pipeline.workflows.map((w) => `.github/workflows/${w}.yml`) : [];
    return {
      $schema: 'https://docs.renovatebot.com/renovate-schema.json',
      extends: ['config:recommended'],
      // generated files: Renovate updates what they are generated from, then npx projen
      ignorePaths: ['Dockerfile', 'docker-compose.yml', ...workflows],
      postUpgradeTasks: {
        commands: ['npm ci', 'npx projen'],
        fileFilters: ['**/*'],
        executionMode: 'branch',
      },
      packageRules: [
        {
          description: 'go.mod\'s go and toolchain lines follow goVersion in .projenrc.ts',
          matchManagers: ['gomod'],
          matchDepTypes: ['golang', 'toolchain'],
          enabled: false,
        },
        {
          description: 'goVersion names a Go minor: patch releases change nothing',
          matchDepNames: ['go'],
          matchManagers: ['custom.regex'],
          matchUpdateTypes: ['patch'],
          enabled: false,
        },
        {
          description: 'A pin follows its tag; the tag follows the model (goVersion, the runtime)',
          matchManagers: ['custom.regex'],
          matchDatasources: ['docker'],
          matchUpdateTypes: ['major', 'minor', 'patch'],
          enabled: false,
        },
        ...(pipeline ? [{
          description: 'The template and what it brings arrive together; npx projen then re-synthesizes every generated file',
          matchManagers: ['npm'],
          matchPackageNames: [...pipeline.templatePackages, 'projen', 'constructs'],
          groupName: 'template',
        }] : []),
      ],
      customManagers: [
        {
          customType: 'regex',
          description: 'goVersion in .projenrc.ts',
          managerFilePatterns: [PROJENRC],
          matchStrings: [RenovateConfig.GO_VERSION],
          depNameTemplate: 'go',
          datasourceTemplate: 'golang-version',
          versioningTemplate: 'semver-coerced',
          autoReplaceStringTemplate: "goVersion: '{{{newMajor}}}.{{{newMinor}}}'",
        },
        {
          customType: 'regex',
          description: 'Image digest pins in .projenrc.ts',
          managerFilePatterns: [PROJENRC],
          matchStrings: [RenovateConfig.IMAGE_PIN],
          datasourceTemplate: 'docker',
        },
        ...(pipeline ? [{
          customType: 'regex',
          description: 'GitHub Actions pins in .projenrc.ts (ciOptions.actionPins): the workflows are generated from them',
          managerFilePatterns: [PROJENRC],
          matchStrings: [RenovateConfig.ACTION_PIN],
          datasourceTemplate: 'github-tags',
        }] : []),
      ],
    };
  }


  constructor(project: Project) {
    super(project, 'renovate.json5', {
      readonly: true,
      marker: true,
      obj: () => RenovateConfig.render(modelOf(project, () => 'renovate.json5: the Renovate config belongs to a GoServiceProject.').pipeline),
    });
  }
}
