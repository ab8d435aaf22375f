import { GoServiceProject, GoServiceProjectOptions, PolicyRule, RedisCache, RuntimeStage } from 'projen-go-service';
import { ACME } from './acme-defaults';

/**
 * Options for AcmeGoService: every projen-go-service option; Acme's defaults apply where a repo says
 * nothing.
 */
export interface AcmeGoServiceOptions extends GoServiceProjectOptions {}

/**
 * A Go service at Acme: images through Acme's mirror, pinned by digest and labelled; modules through
 * Acme's proxy; distroless by default; a Redis cache for local development; `make acme-deploy`.
 * A repo may override the defaults, but not the policy: no root, no Alpine, no unpinned or
 * unmirrored images.
 *
 * @pjid acme-go-service
 */
export class AcmeGoService extends GoServiceProject {
  constructor(options: AcmeGoServiceOptions) {
    super({
      // defaults a repo can override
      registryMirror: ACME.registryMirror,
      goModules: ACME.goModules,
      sourceUrl: ACME.sourceUrl(options.name),
      runtime: RuntimeStage.distroless(),
      ci: true,
      ciOptions: ACME.pipeline,
      ...options,
      // merged: a repo adds to them
      imageDigests: { ...ACME.imageDigests, ...options.imageDigests },
      imageLabels: { ...ACME.labels, ...options.imageLabels },
      // rules a repo cannot lift
      policy: [
        PolicyRule.nonrootOnly(),
        PolicyRule.noAlpine(),
        PolicyRule.pinnedImages(),
        PolicyRule.mirroredImages(),
        ...(options.policy ?? []),
      ],
    });
    for (const target of ACME.makeTargets) {
      this.makefile.addTarget(target);
    }
    // every service gets a cache for local development
    new RedisCache(this);
  }
}
