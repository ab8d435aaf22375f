// What a service's binary reads and carries besides its code: the files it reads at run time and
// the variables the build stamps. Plain facts, shared by the model and the renderers.

/**
 * A file or directory the service reads at run time, and where it lands in the image.
 */
export interface RuntimeFile {
  /** The path in the repository. */
  readonly source: string;
  /** The absolute path in the image. */
  readonly destination: string;
}

/**
 * The Go string variables a build stamps with `-ldflags -X`, as `<import path>.<name>`
 * (`main.version`, `example.com/shop/internal/version.Version`).
 */
export interface VersionVariables {
  /**
   * The release (`git describe`).
   * @default "main.version"
   */
  readonly version?: string;
  /**
   * The commit.
   * @default "main.commit"
   */
  readonly commit?: string;
  /**
   * The build date (the commit time, for reproducible builds).
   * @default "main.date"
   */
  readonly date?: string;
}
