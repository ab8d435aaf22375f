import type { IConstruct } from 'constructs';
import type { CertsSource } from '../certs-layer';
import type { DeploymentFacts } from '../deployment';
import type { GoSources } from '../go/go-sources';
import type { GoModuleSettings } from '../go-modules';
import type { ServiceHardening } from '../hardening';
import type { HealthCheckKind, HealthProbe } from '../health-check';
import type { Libc } from '../runtime-stage';
import type { RuntimeFile } from '../service-files';
import type { TzSource } from '../tz-layer';
import type { BuildFacts } from './go-build';
import type { MigrationsModel } from './migrations';
import type { PipelineModel } from './pipeline';

export type { GoModuleSettings, GoSources, HealthProbe, MigrationsModel, RuntimeFile, ServiceHardening };

/** Where a service's CA certificates come from: `builder`, `base`, `package` or `none`. */
export type CertsFrom = `${CertsSource}`;
/** Where a service's time-zone data comes from: `embedded`, `zoneinfo-zip`, `base`, `package` or `none`. */
export type TzFrom = `${TzSource}`;
/** What a health probe does: `command`, `http`, `tcp` or `none`. */
export type ProbeKind = `${HealthCheckKind}`;

/**
 * The model every renderer reads, and nothing else: plain, frozen data, resolved once per synthesis
 * from the constructs (GoServiceProject, GoService, the add-ons, Kubernetes) by `resolveModel`, and
 * validated before any file is rendered. Data flows one way: options → constructs → this model →
 * renderers (src/files) → files. A renderer never imports a construct, the project or another
 * renderer; it is a function of this data.
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
  readonly platforms: readonly string[];
  readonly dockerfileSyntax?: string;
  readonly goModules: GoModuleSettings;
  /** The builder images (mirror and digest applied): pure Go, and cgo. */
  readonly builderImages: { readonly pure: string; readonly cgo: string };
  /** The image a debug target copies a static busybox from (mirror and digest applied). */
  readonly busyboxImage: string;
  /** Every service, the default one first. */
  readonly services: readonly ServiceModel[];
  /**
   * The make and compose variable that tags the images: VERSION (the version stamp), or another
   * name the Makefile sets from VERSION made a valid tag (see `imageTagVariable`).
   */
  readonly imageTagVariable: string;
  /** Every add-on, in the order they were added. */
  readonly addons: readonly AddonModel[];
  /** The Kubernetes manifests, when the project renders them. */
  readonly kubernetes?: KubernetesModel;
  /** What `go build` of the services reads, as the Go toolchain says. */
  readonly goSources: GoSources;
  /** The pipeline (workflows, make ci/release/verify/tools), when the project has one (`ci: true`). */
  readonly pipeline?: PipelineModel;
}

/** What the renderers read of a service's runtime base. */
export interface RuntimeModel {
  /** How the base is named in comments and docs (`distroless static (Debian 13)`). */
  readonly displayName: string;
  /** The FROM of the image: the reference with mirror and digest applied, or `scratch`. */
  readonly from: string;
  /** The FROM of the debug image (the runtime's debug variant, else the image itself), or `scratch`. */
  readonly debugFrom: string;
  /** The debug variant has a shell of its own (no busybox is copied in). */
  readonly hasDebugImage: boolean;
  /** The digest the base is pinned to, if any. */
  readonly digest?: string;
  readonly shell: boolean;
  readonly libc: `${Libc}`;
  readonly nonroot: boolean;
  readonly uid: number;
  readonly gid: number;
  readonly isScratch: boolean;
  /** The package manager command, if the base has one (`apk add --no-cache`). */
  readonly installCommand?: string;
}

/** What the renderers read of a service: each fact defined once, in GoService. */
export interface ServiceModel extends BuildFacts {
  readonly name: string;
  /** The default service: the last Dockerfile stage, `make run`, `make docker-run`. */
  readonly isDefault: boolean;
  /** cgo was left to its default (false), rather than asked for or against. */
  readonly cgoDefaulted: boolean;
  /** A server (a port, a health check, a compose service), or a command. */
  readonly isServer: boolean;
  /** The port it listens on; undefined for a command. */
  readonly port?: number;
  /** The environment variable that carries the port. */
  readonly portVariable: string;
  /** The arguments the image passes the binary (its CMD). */
  readonly command: readonly string[];
  /** The working directory in the image, if set. */
  readonly workdir?: string;
  /** The files it reads at run time and where they land in the image. */
  readonly runtimeFiles: readonly RuntimeFile[];
  readonly runtime: RuntimeModel;
  readonly certsSource: CertsFrom;
  readonly tzSource: TzFrom;
  /** The zone TZ names in the image, if any. */
  readonly defaultZone?: string;
  readonly writableTmp: boolean;
  /** The directories it writes at run time (absolute), and the named volume mounted on each. */
  readonly dataDirectories: readonly { readonly path: string; readonly volume: string }[];
  readonly userName?: string;
  /** The user the image runs as, `uid:gid`. */
  readonly user: string;
  readonly configFiles: readonly string[];
  readonly configDir: string;
  readonly binaryPath: string;
  /** The image name, without registry or tag. */
  readonly imageName: string;
  /** The OCI labels of the image (values may reference build args). */
  readonly imageLabels: { readonly [key: string]: string };
  /** The make and compose variable that holds the full image name (registry prefix applied). */
  readonly imageVariable: string;
  readonly imageSizeBudgetMiB?: number;
  /** The platforms of multi-platform builds; undefined for the native platform only (cgo). */
  readonly platforms?: readonly string[];
  /** The Dockerfile stage that builds the binary and the image root. */
  readonly buildStage: string;
  /** The Dockerfile target of the image. */
  readonly target: string;
  /** The Dockerfile target of the image with a shell. */
  readonly debugTarget: string;
  /** The build args the image build takes. */
  readonly buildArgs: readonly string[];
  /** The run-time environment, `PORT` first. */
  readonly environment: { readonly [name: string]: string };
  /** What the image itself sets (`ENV`) besides the port variable: its listen host, its data directory (src/image-environment.ts). */
  readonly imageEnvironment: { readonly [name: string]: string };
  readonly hardening: ServiceHardening;
  /**
   * Namespaced kernel parameters the service needs in its network namespace, by name: a non-root
   * service on a privileged port needs `net.ipv4.ip_unprivileged_port_start=0`. Docker sets that
   * in every container's network namespace by itself; a Kubernetes pod asks for it.
   */
  readonly sysctls: { readonly [name: string]: string };
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
  readonly resources: readonly string[];
  /** The services deployed (the servers), by name. */
  readonly services: readonly string[];
  /** The Secret that holds each deployed service's secret files, by service name. */
  readonly secretNames: { readonly [service: string]: string };
}

/** A secret file an add-on needs, with the Makefile recipe that creates it. */
export interface SecretFileModel {
  readonly name: string;
  readonly file: string;
  readonly recipe: readonly string[];
  readonly prerequisites?: readonly string[];
}

/** How compose checks an add-on's health. */
export interface AddonHealthModel {
  /** The compose `test`, such as `['CMD', 'pg_isready', ...]`. */
  readonly test: readonly string[];
  readonly interval: string;
  readonly timeout: string;
  readonly retries: number;
  readonly startPeriod: string;
}

/** What the renderers read of an add-on: a backing service and what it gives the services wired to it. */
export interface AddonModel {
  /** The compose service name (the host name services connect to). */
  readonly name: string;
  /** The add-on's kind (`postgres`, `redis`). */
  readonly kind: string;
  /** The image reference (mirror and digest applied). */
  readonly image: string;
  /** The port it listens on inside the compose network. */
  readonly port: number;
  /** The host port it is published on, if any. */
  readonly hostPort?: number;
  /** The connection variable services get (as `<VARIABLE>_FILE`). */
  readonly urlVariable: string;
  /** The services wired to it, by name. */
  readonly connectedServices: readonly string[];
  /** Its command, if it is not the image's. */
  readonly command?: readonly string[];
  /** Its own environment. */
  readonly environment?: { readonly [name: string]: string };
  /** The compose secrets it reads itself. */
  readonly ownSecrets: readonly string[];
  /** Its named volumes and where they are mounted. */
  readonly volumes: readonly { readonly name: string; readonly mountPath: string }[];
  readonly health: AddonHealthModel;
  /** The secret files it needs (created by `make secrets`). */
  readonly secrets: readonly SecretFileModel[];
  /** The environment a connected service gets. */
  readonly serviceEnvironment: { readonly [name: string]: string };
  /** The secrets a connected service gets. */
  readonly serviceSecrets: readonly string[];
  /** The schema migrations that run before the connected services start, if any. */
  readonly migrations?: MigrationsModel;
}

/** How a project's model is resolved: the project registers it, renderers ask for it. */
const RESOLVERS = new WeakMap<IConstruct, () => ProjectModel>();

/** Makes `resolve` the way the model of `project` is read by its renderers (`modelOf`). */
export function attachModel(project: IConstruct, resolve: () => ProjectModel): void {
  RESOLVERS.set(project, resolve);
}

/**
 * The model of the project a file component is created in: plain, frozen data (resolved once per
 * synthesis). Renderers call it when they render, never when they are constructed.
 *
 * @param project the project passed to the component
 * @param refusal the house error when the project is not a GoServiceProject
 */
export function modelOf(project: IConstruct, refusal: () => string): ProjectModel {
  const resolve = project ? RESOLVERS.get(project) : undefined;
  if (!resolve) {
    throw new Error(refusal());
  }
  return resolve();
}

/**
 * Refuses a file component created in a project that has no model (not a GoServiceProject). The
 * model itself is read only when the component renders.
 */
export function requireModel(project: IConstruct, refusal: () => string): void {
  if (!project || !RESOLVERS.has(project)) throw new Error(refusal());
}

/** Freezes plain objects and arrays, and everything plain in them (value objects of other libraries, such as cdk8s sizes, are left as they are). */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return value;
  Object.freeze(value);
  for (const v of Object.values(value as object)) deepFreeze(v);
  return value;
}
