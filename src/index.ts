export { GoServiceProject, GoServiceProjectOptions, IPolicyRule, PolicyViolation } from './go-service-project';
export { GoService, GoServiceOptions } from './go-service';
export { ServiceHardening } from './hardening';
export { HealthCheck, HealthCheckKind, HealthCheckOptions, HealthProbe, HttpHealthCheckOptions, TcpHealthCheckOptions } from './health-check';
export { RuntimeFile, VersionVariables } from './service-files';
export {
  RuntimeStage, DistrolessVariant, Libc,
  ScratchRuntimeOptions, DistrolessRuntimeOptions, AlpineRuntimeOptions, CustomRuntimeOptions,
} from './runtime-stage';
export { CertsLayer, CertsSource } from './certs-layer';
export { TzLayer, TzLayerOptions, TzSource } from './tz-layer';
export {
  Instruction, RunMount, RunOptions, CopyOptions, CacheMountOptions, SecretMountOptions,
  HealthCheckInstructionOptions,
} from './dockerfile/instruction';
export { Dockerfile, StagePosition } from './files/dockerfile';
export { ComposeFile, OwnComposeDefinitions } from './files/compose';
export { DockerIgnore } from './files/dockerignore';
export { DockerfileIgnore } from './files/dockerfile-ignore';
export { GoMakefile, MakeTarget } from './files/makefile';
export { GoMod } from './synthesis/go-mod';
export { Kubernetes, KubernetesOptions } from './files/kubernetes';
export { Pipeline, PipelineOptions, ReleaseTrigger } from './pipeline';
export { DeploymentFacts, KubernetesAutoscaling, KubernetesDeploymentOptions } from './deployment';
export * from './addons';
export { GoModuleSettings } from './go-modules';
export { PolicyRule } from './policy';
