/**
 * How a container's health is probed, as the model resolves it for one service: the image's
 * `HEALTHCHECK` and compose's `healthcheck` are both rendered from this one definition.
 */
export interface HealthProbe {
  /** The command run inside the container, exec form (no shell needed): exit 0 means healthy. */
  readonly command: string[];
  /** Time between probes, such as `30s`. */
  readonly interval: string;
  /** How long one probe may take. */
  readonly timeout: string;
  /** Failures during this time after the start do not count. */
  readonly startPeriod: string;
  /** Consecutive failures that make the container unhealthy. */
  readonly retries: number;
}
