import { cdk, javascript } from 'projen';

/** The projen minor line we build against and pin in generated repos. */
const PROJEN_VERSION = '0.103.25';

/** The lowest constructs 10.x that projen 0.103 accepts (its own peer range): our devDependency and the floor of our peer range. */
const CONSTRUCTS_VERSION = '10.5.0';

/**
 * The Kubernetes constructs the manifests are made with (jsii libraries on constructs 10, like us):
 * cdk8s, and the current cdk8s-plus line (Kubernetes 1.34 API). Peers, as their types are in our API
 * (the chart users add their own objects to, the resources option).
 */
const CDK8S_VERSION = '2.70.106';
const CDK8S_PLUS_VERSION = '2.0.54';

const project = new cdk.JsiiProject({
  name: 'projen-go-service',
  description:
    'A projen project type for Go services: a static Go binary in a multi-stage Dockerfile on scratch or distroless, ' +
    'with docker-compose.yml, .dockerignore and Makefile generated from typed constructs and kept in sync.',
  keywords: ['projen', 'projen-project-type', 'go', 'golang', 'docker', 'distroless', 'scratch'],
  author: 'projen-go-service developers',
  authorAddress: 'dev@example.com',
  repositoryUrl: 'https://github.com/example/projen-go-service.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',

  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',
  // projen 0.103 itself needs constructs ^10.5.0: a lower pin here makes npm nest a second constructs
  // under projen, and jsii-pacmak then refuses two versions of it in one type system
  peerDeps: [
    `projen@^${PROJEN_VERSION}`,
    `constructs@^${CONSTRUCTS_VERSION}`,
    `cdk8s@^${CDK8S_VERSION}`,
    `cdk8s-plus-34@^${CDK8S_PLUS_VERSION}`,
  ],
  devDeps: [
    `projen@${PROJEN_VERSION}`,
    `cdk8s@${CDK8S_VERSION}`,
    `cdk8s-plus-34@${CDK8S_PLUS_VERSION}`,
    'ajv@^8',
    'ajv-formats@^3',
    'dockerfile-ast@^0.7',
    'dockerfile-utils@^0.16',
    '@balena/dockerignore@^1',
    'fast-check@^4',
    'tsx@^4',
  ],
  bundledDeps: ['yaml@^2.9.1', 'ts-morph@^28'],
  // the everyday commands (src/cli): `npx projen-go-service add service worker` in a generated repo
  bin: { 'projen-go-service': 'lib/cli/bin.js' },

  // no GitHub here: CI is .ci/run on a clean clone
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  docgen: true,

  jestOptions: {
    jestVersion: '^30',
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 20 * 60_000,
      maxWorkers: 2,
    },
  },
  tsconfigDev: {
    compilerOptions: {},
  },
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'benchmarks', 'scripts'] },
  gitignore: ['/benchmarks/work/', '/.tmp/'],
  npmIgnoreOptions: { ignorePatterns: ['/benchmarks/', '/BENCHMARKS.md', '/examples/', '/.ci/', '/scripts/', '/.tmp/'] },
});

// The npm registry this project installs from lacks unrs-resolver 1.13.0's platform packages, so
// npm install leaves them out of the lock file and npm ci then refuses it: stay on 1.12.2, which is
// complete there (eslint-import-resolver-typescript pulls it in).
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// benchmarks/ and scripts/ are type-checked and linted like the tests
for (const dir of ['benchmarks', 'scripts']) {
  new javascript.TypescriptConfig(project, {
    fileName: `${dir}/tsconfig.json`,
    extends: javascript.TypescriptConfigExtends.fromPaths(['../tsconfig.json']),
    compilerOptions: { noEmit: true, rootDir: '..' },
    include: ['**/*.ts'],
  });
}

// adopt's Go program analyzer (src/go/analyzer) is Go source the user's toolchain builds: it ships
// in the package beside lib/go/analyzer.js, without its tests and test data
project.postCompileTask.exec('rm -rf lib/go/analyzer && mkdir -p lib/go && cp -R src/go/analyzer lib/go/analyzer && rm -rf lib/go/analyzer/testdata lib/go/analyzer/*_test.go');

// the README's first command: pack this package, scaffold a sample service from it and build it
project.addTask('demo', {
  description: 'Pack this package, scaffold a sample Go service from it with `projen new --from`, build and test it',
  exec: 'tsx scripts/demo.ts',
});

// issue 22's fault corpus whole: a kill at every file operation of every command (npm test kills at a
// sample of them: FAULTS_SAMPLE, 1 per command), odd file types, races, hostile values, a full disk
project.addTask('faults', {
  description: 'The fault corpus whole: a SIGKILL at every file operation of adopt, npx projen and each command; odd file types, races, hostile values, a full disk',
  env: { FAULTS_SAMPLE: 'all' },
  exec: 'jest --coverage=false --ci --runInBand test/e2e/kill-points.test.ts test/e2e/crash.test.ts test/synthesis/faults.test.ts test/hostile-values.test.ts',
});

// figures, never assertions: not part of the test suite
project.addTask('bench', {
  description: 'Benchmarks: image size, rebuild speed against the conventional Dockerfile, synthesis speed',
  exec: 'tsx benchmarks/run.ts',
});

project.synth();
