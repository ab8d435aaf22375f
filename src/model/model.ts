import type { IConstruct } from 'constructs';
import type { CertsLayer, CertsSource } from '../certs-layer';
import type { DeploymentFacts } from '../deployment';
import type { GoModuleSettings } from '../go-modules';
import type { ServiceHardening } from '../hardening';
import type { HealthProbe } from '../health-check';
import type { RuntimeStage } from '../runtime-stage';
import type { RuntimeFile } from '../service-files';
import type { TzLayer, TzSource } from '../tz-layer';
import { BuildFacts } from './go-build';
import type { GoSources } from '../go/go-sources';

/**
 * The model every renderer reads, and nothing else: the facts of the project, its services and its
 * add-ons, read-only. Data flows one way: options → model (GoServiceProject, GoService, add-ons) →
 * renderers (src/files) → files. A renderer never imports the project class or another renderer.
 */
export interface ProjectModel {
  /** The project name: the default service's name. */
  readonly name: string;
  readonly modulePath: string;
  /** The Go release, `major.minor`: the builder. */
  readonly goVersion: string;
  /** go.mod's go line when it is not goVersion. */
  readonly goDirective?: string;
  /** The platforms multi-platform builds target, unless a service says otherwise. */
  readonly platforms: string[];
  readonly registryMirror?: string;
  readonly dockerfileSyntax?: string;
  readonly goModules: GoModuleSettings;
  /** Every service, the default one first. */
  readonly services: ServiceModel[];
  /** Every add-on, in the order they were added. */
  readonly addons: AddonModel[];
  /** The Kubernetes manifests, when the project renders them. */
  readonly kubernetes?: KubernetesModel;
  /** The reference for an image: mirror prefix and digest pin applied. */
  imageRef(image: string, digest?: string): string;
  /** The digest an image is pinned to (the one given, else the project's pin), if any. */
  digestOf(image: string, digest?: string): string | undefined;
  /** The builder image reference (mirror and digest applied) for the pure-Go or the cgo toolchain. */
  builderImage(cgo: boolean): string;
  /** The OCI labels of a service's image (values may reference build args). */
  imageLabels(service: ServiceModel): { [key: string]: string };
  /** What `go build` of the services reads, as the Go toolchain says (read once per synthesis). */
  _goSources(): GoSources;
}

/** What the renderers read of a service: each fact defined once, in GoService. */
export interface ServiceModel extends BuildFacts {
  readonly name: string;
  /** The default service: the last Dockerfile stage, `make run`, `make docker-run`. */
  readonly isDefault: boolean;
  /** A server (a port, a health check, a compose service), or a command. */
  readonly isServer: boolean;
  /** The port it listens on; undefined for a command. */
  readonly port?: number;
  /** The environment variable that carries the port. */
  readonly portVariable: string;
  /** The arguments the image passes the binary (its CMD). */
  readonly command: string[];
  /** The working directory in the image, if set. */
  readonly workdir?: string;
  /** The files it reads at run time and where they land in the image. */
  readonly runtimeFiles: RuntimeFile[];
  readonly runtime: RuntimeStage;
  readonly certs: CertsLayer;
  readonly tz: TzLayer;
  readonly certsSource: CertsSource;
  readonly tzSource: TzSource;
  readonly writableTmp: boolean;
  readonly userName?: string;
  /** The user the image runs as, `uid:gid`. */
  readonly user: string;
  readonly configFiles: string[];
  readonly configDir: string;
  readonly binaryPath: string;
  /** The image name, without registry or tag. */
  readonly imageName: string;
  /** The make and compose variable that holds the full image name (registry prefix applied). */
  readonly imageVariable: string;
  readonly imageSizeBudgetMiB?: number;
  /** The platforms of multi-platform builds; undefined for the native platform only (cgo). */
  readonly platforms?: string[];
  /** The Dockerfile stage that builds the binary and the image root. */
  readonly buildStage: string;
  /** The Dockerfile target of the image. */
  readonly target: string;
  /** The Dockerfile target of the image with a shell. */
  readonly debugTarget: string;
  /** The build args the image build takes. */
  readonly buildArgs: readonly string[];
  /** The run-time environment, `PORT` first. */
  readonly environment: { [name: string]: string };
  readonly hardening: ServiceHardening;
  /** How the container's health is probed; undefined when it is not. */
  readonly healthProbe?: HealthProbe;
  /** How it runs on Kubernetes (when the project renders manifests). */
  readonly deployment: DeploymentFacts;
}

/** What the renderers read of the Kubernetes manifests. */
export interface KubernetesModel {
  /** The namespace every object lives in. */
  readonly namespace: string;
  /** The Pod Security level the namespace enforces: `restricted`, or `baseline` when a service runs as root. */
  readonly podSecurity: string;
  /** The directory of the manifests, `k8s`. */
  readonly directory: string;
  /** Where `make k8s-*` writes the kustomization that pins the images (ignored by git). */
  readonly overlayDirectory: string;
  /** The manifests kustomization.yaml lists, relative to the directory. */
  readonly resources: string[];
  /** The Secret that holds a service's secret files. */
  secretName(serviceName: string): string;
  /** The services deployed: the servers. */
  _services(): ServiceModel[];
}

/** A secret file an add-on needs, with the Makefile recipe that creates it. */
export interface SecretFileModel {
  readonly name: string;
  readonly file: string;
  readonly recipe: string[];
  readonly prerequisites?: string[];
}

/** What the renderers read of an add-on. */
export interface AddonModel {
  readonly name: string;
  readonly port: number;
  readonly hostPort?: number;
  readonly urlVariable: string;
  readonly connectedServices: ServiceModel[];
  _composeService(): { [key: string]: any };
  _secrets(): SecretFileModel[];
  _volumes(): string[];
  _environmentFor(service: ServiceModel): { [name: string]: string };
  _secretsFor(service: ServiceModel): string[];
  _problems(): string[];
}

const MODELS = new WeakMap<IConstruct, ProjectModel>();

/** Makes `model` the model of `project`: what its services, add-ons and files find with `modelOf`. */
export function attachModel(project: IConstruct, model: ProjectModel): void {
  MODELS.set(project, model);
}

/**
 * The model of the project a construct is created in.
 *
 * @param project the project passed to the construct
 * @param refusal the house error when the project is not a GoServiceProject
 */
export function modelOf(project: IConstruct, refusal: () => string): ProjectModel {
  const model = project ? MODELS.get(project) : undefined;
  if (!model) {
    throw new Error(refusal());
  }
  return model;
}
