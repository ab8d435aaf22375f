/**
 * The textbook multi-stage Dockerfile most Go services start from, in our own words: modules first,
 * then the source, a stripped static build, the binary alone on scratch. No cache mounts, no CA
 * bundle, no time-zone data, root.
 */
export function conventionalDockerfile(goVersion: string, mainPackage: string): string {
  return [
    `FROM golang:${goVersion}-alpine AS build`,
    'WORKDIR /src',
    'ARG GOPROXY',
    'ARG GOSUMDB',
    'ARG GONOSUMDB',
    'ARG GOPRIVATE',
    'ARG GOFLAGS',
    'COPY go.mod go.sum ./',
    'RUN go mod download',
    'COPY . .',
    `RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /out/app ${mainPackage}`,
    '',
    'FROM scratch',
    'COPY --from=build /out/app /app',
    'ENTRYPOINT ["/app"]',
    '',
  ].join('\n');
}
