/**
 * How the Docker build reaches Go modules: the settings `go` reads from its environment, as an
 * organisation's builds need them (an internal proxy, private module paths), and whether
 * credentials for private modules are mounted as a BuildKit secret.
 *
 * Values given here become the defaults of the Dockerfile's build args and of the Makefile's
 * variables (which otherwise pass the machine's `go env`). Credentials never go here: they reach the
 * build only as the `netrc` secret.
 *
 * @see https://go.dev/ref/mod#environment-variables
 */
export interface GoModuleSettings {
  /**
   * `GOPROXY`, such as `https://goproxy.example.com,direct`. No credentials in the URL.
   * @default - the machine's `go env GOPROXY`
   */
  readonly goproxy?: string;
  /**
   * `GOSUMDB`.
   * @default - the machine's `go env GOSUMDB`
   */
  readonly gosumdb?: string;
  /**
   * `GONOSUMDB`: module path patterns not checked against the checksum database.
   * @default - the machine's `go env GONOSUMDB`
   */
  readonly gonosumdb?: string;
  /**
   * `GOPRIVATE`: module path patterns that are private.
   * @default - the machine's `go env GOPRIVATE`
   */
  readonly goprivate?: string;
  /**
   * `GOFLAGS`.
   * @default - the machine's `go env GOFLAGS`
   */
  readonly goflags?: string;
  /**
   * Mount a `.netrc` as the BuildKit secret `netrc` wherever modules are downloaded, so a private
   * proxy or host can authenticate the build. The Makefile passes `--secret id=netrc,src=$(NETRC)`
   * (default `~/.netrc`) when the file exists. The file never enters a layer, a build arg or the
   * build context.
   * @default false
   */
  readonly netrc?: boolean;
}
