/**
 * How a service's container is locked down at run time. Defined once by the model (`GoService.hardening`)
 * and read by every place that runs the image: compose, `make docker-run`, SECURITY.md.
 */
export interface ServiceHardening {
  /** The root file system is read-only. */
  readonly readOnlyRootFilesystem: boolean;
  /** The Linux capabilities dropped (`ALL`: the service needs none). */
  readonly dropCapabilities: string[];
  /** The process cannot gain privileges (through setuid binaries or file capabilities). */
  readonly noNewPrivileges: boolean;
  /** Writable in-memory file systems, such as `/tmp` for a service that writes there. */
  readonly tmpfs: string[];
}
