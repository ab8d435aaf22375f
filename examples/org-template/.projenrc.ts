import { cdk, javascript, typescript } from 'projen';

/**
 * Acme's Go service template: projen-go-service with Acme's defaults and rules, published to Acme's
 * internal npm registry. Service repos are created with
 *   npx projen@0.103.25 new --from @acme/go-service acme-go-service
 * and kept current by bumping this package.
 */
const project = new cdk.JsiiProject({
  name: '@acme/go-service',
  description: "Acme's Go service template: projen-go-service with Acme's registry mirror, pins, labels, module proxy and policy.",
  author: 'Acme Platform Team',
  authorAddress: 'platform@acme.example',
  repositoryUrl: 'https://git.acme.example/platform/go-service.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  projenrcTsOptions: { runner: typescript.TypeScriptRunner.tsx({ tsconfig: 'projenrc/tsconfig.json' }) },
  minNodeVersion: '20.0.0',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',

  // the template builds on projen-go-service; service repos get all three through this package.
  // constructs: at least what projen 0.103 needs (^10.5.0), else npm nests a second copy under
  // projen and jsii-pacmak refuses to package two constructs versions in one type system
  peerDeps: ['projen-go-service@^0.0.0', 'projen@^0.103.25', 'constructs@^10.5.0'],
  devDeps: ['projen-go-service@^0.0.0', 'projen@0.103.25', 'tsx@4.23.15'],

  // kept small: a template is a few files of defaults
  jest: false,
  eslint: false,
  docgen: false,
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
});

project.synth();
