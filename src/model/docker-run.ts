import type { ServiceHardening } from '../hardening';

/**
 * Docker's run-time vocabulary for the model's hardening, shared by the two places that start
 * containers with the Docker engine: compose (`security_opt`) and `docker run` (`--security-opt`).
 */
export function securityOpts(h: ServiceHardening): string[] {
  return h.noNewPrivileges ? ['no-new-privileges:true'] : [];
}
