import type { IPolicyRule, PolicyViolation } from './go-service-project';
import { NONROOT_UID } from './model/constants';

/**
 * Ready-made policy rules.
 *
 * ```ts
 * new GoServiceProject({ ..., policy: [PolicyRule.nonrootOnly(), PolicyRule.noAlpine(), PolicyRule.pinnedImages()] });
 * ```
 */
export class PolicyRule {
  /** Every image runs as the unprivileged user: `nonroot: false` is refused. */
  public static nonrootOnly(): IPolicyRule {
    return {
      name: 'nonroot-only',
      check: (project) => project.services.filter((s) => !s.runtime.nonroot).map((s) => ({
        service: s.name,
        option: 'runtime',
        what: `${s.name} runs as root (nonroot: false)`,
        fix: `Remove nonroot: false: images run as uid ${NONROOT_UID}`,
      })),
    };
  }

  /** No Alpine runtimes. */
  public static noAlpine(): IPolicyRule {
    return {
      name: 'no-alpine',
      check: (project) => project.services.filter((s) => s.runtime.isAlpine).map((s) => ({
        service: s.name,
        option: 'runtime',
        what: `${s.name} runs on ${s.runtime.displayName}`,
        fix: 'Use RuntimeStage.distroless() or RuntimeStage.scratch()',
      })),
    };
  }

  /**
   * Every image the build and compose pull is pinned by digest: builders, runtimes and add-ons
   * (debug targets, which are for local use, are not checked).
   */
  public static pinnedImages(): IPolicyRule {
    return {
      name: 'pinned-images',
      check: (project) => {
        const out: PolicyViolation[] = [];
        const flavours = [...new Set(project.services.map((s) => s.cgo))];
        for (const cgo of flavours) {
          const tag = project.builderTag(cgo);
          if (!project.digestOf(tag)) {
            out.push({ option: cgo ? 'cgoBuilderDigest' : 'builderDigest', what: `the builder image ${tag} is not pinned by digest`, fix: `Pin it: imageDigests: { '${tag}': 'sha256:...' }` });
          }
        }
        for (const s of project.services) {
          const image = s.runtime.image;
          if (image && !project.digestOf(image, s.runtime.digest)) {
            out.push({ service: s.name, option: 'runtime', what: `the runtime image ${image} is not pinned by digest`, fix: `Pin it: imageDigests: { '${image}': 'sha256:...' }` });
          }
        }
        for (const a of project.addons) {
          if (!a.isPinned) {
            out.push({ service: a.name, option: 'image', what: `the image ${a.imageName} is not pinned by digest`, fix: `Pin it: imageDigests: { '${a.imageName}': 'sha256:...' }` });
          }
        }
        return out;
      },
    };
  }

  /** Every image comes through the organisation's registry mirror (`registryMirror` is set). */
  public static mirroredImages(): IPolicyRule {
    return {
      name: 'mirrored-images',
      check: (project) => (project.registryMirror ? [] : [{
        option: 'registryMirror',
        what: 'images are pulled from their public registries',
        fix: 'Set registryMirror to the organisation\'s mirror',
      }]),
    };
  }

  private constructor() {}
}
