import { HEALTH_PATH, READY_PATH } from '../model/constants';
import { SAMPLE_DB_DRIVER } from '../model/migrations';
import { ProjectModel, ServiceModel } from '../model/model';

/**
 * Sample code for each new service, written once into its main package directory (only when the
 * directory does not exist yet, as projen's SampleDir does) and owned by the user afterwards.
 * Services are model, and never write files themselves: the project writes these (SampleFiles).
 */
export function serviceSamples(model: ProjectModel): Array<{ dir: string; files: { [path: string]: string } }> {
  return model.services.map((s) => ({ dir: s.mainPackage, files: sampleFilesFor(s) }));
}

/** The sample files of a service, by path relative to the repository. */
export function sampleFilesFor(service: ServiceModel): { [path: string]: string } {
  const dir = service.mainPackage.replace(/^\.\//, '');
  const files: { [name: string]: string } = service.isServer
    ? { 'main.go': mainGo(service), 'main_test.go': mainTestGo(service) }
    : { 'main.go': commandGo(service), 'main_test.go': COMMAND_TEST_GO };
  if (service.cgo) {
    files['cgo.go'] = CGO_GO;
    files['nocgo.go'] = NOCGO_GO;
  }
  return Object.fromEntries(Object.entries(files).map(([name, text]) => [`${dir}/${name}`, text]));
}

function mainGo(s: ServiceModel): string {
  return `// Command ${s.name} is an HTTP service. It listens on $${s.portVariable} (default ${s.port}), answers
// GET ${HEALTH_PATH} (alive) and GET ${READY_PATH} (ready: every dependency it is wired to answers), and
// shuts down gracefully on SIGTERM and SIGINT.
//
// "${s.name} healthcheck" probes the local health endpoint and exits 0 or 1, so images without a
// shell can still be health-checked. "${s.name} selfcheck" reports what the image provides: the
// CA bundle (TLS clients), time zones, cgo and the user id.
//
// This file was written once by projen-go-service and is yours to change.
package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"
)

// Set at build time with -ldflags "-X main.version=... -X main.commit=... -X main.date=...".
var (
	version = "dev"
	commit  = "unknown"
	date    = "unknown"
)

const defaultPort = "${s.port}"

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "healthcheck":
			os.Exit(healthcheck())
		case "selfcheck":
			os.Exit(selfcheck())
		case "version":
			fmt.Printf("${s.name} %s (commit %s, built %s)\\n", version, commit, date)
			return
		}
	}
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	if err := run(logger); err != nil {
		logger.Error("stopped", "error", err)
		os.Exit(1)
	}
}

func port() string {
	if p := os.Getenv("${s.portVariable}"); p != "" {
		return p
	}
	return defaultPort
}

// envOrFile returns $NAME, or the contents of the file named by $NAME_FILE: the way secrets
// arrive from compose (/run/secrets/...) without ever being in the image or in an environment
// listing.
func envOrFile(name string) (string, error) {
	if path := os.Getenv(name + "_FILE"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: %w", name, err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	return os.Getenv(name), nil
}

func newMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET ${HEALTH_PATH}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\\n"))
	})
	mux.HandleFunc("GET ${READY_PATH}", func(w http.ResponseWriter, r *http.Request) {
		checked, ready := readiness(r.Context())
		w.Header().Set("Content-Type", "application/json")
		if !ready {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ready": ready, "checked": checked})
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"service": "${s.name}", "version": version, "commit": commit, "date": date,
		})
	})
	for _, add := range routes {
		add(mux)
	}
	return mux
}

// routes are the handlers of the service's other files (greetings.go, ...): each adds its own.
var routes []func(*http.ServeMux)

// defaultPorts are the ports of URL schemes that may leave theirs out.
var defaultPorts = map[string]string{"postgres": "5432", "postgresql": "5432", "redis": "6379", "rediss": "6379", "http": "80", "https": "443", "amqp": "5672", "nats": "4222"}

// readiness checks every dependency the environment wires the service to: each <NAME>_URL, or
// <NAME>_URL_FILE (a secret file holding it), must answer a TCP connection on its host and port.
// It reports host, port and state per variable, never the URL (it may hold a password).
func readiness(ctx context.Context) (map[string]string, bool) {
	checked := map[string]string{}
	ready := true
	var names []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		name = strings.TrimSuffix(name, "_FILE")
		if strings.HasSuffix(name, "_URL") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		if _, done := checked[name]; done {
			continue
		}
		raw, err := envOrFile(name)
		if err != nil || raw == "" {
			checked[name] = "not set or unreadable"
			ready = false
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || u.Hostname() == "" {
			checked[name] = "not a URL with a host"
			ready = false
			continue
		}
		port := u.Port()
		if port == "" {
			port = defaultPorts[u.Scheme]
		}
		addr := net.JoinHostPort(u.Hostname(), port)
		dialer := net.Dialer{Timeout: 2 * time.Second}
		conn, err := dialer.DialContext(ctx, "tcp", addr)
		if err != nil {
			checked[name] = addr + " down"
			ready = false
			continue
		}
		_ = conn.Close()
		checked[name] = addr + " up"
	}
	return checked, ready
}

func run(logger *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	if dsn, err := envOrFile("DATABASE_URL"); err != nil {
		return err
	} else if dsn != "" {
		logger.Info("database configured")
	}

	srv := &http.Server{
		Addr:              net.JoinHostPort("", port()),
		Handler:           newMux(),
		ReadHeaderTimeout: 5 * time.Second,
	}
	errc := make(chan error, 1)
	go func() {
		logger.Info("listening", "addr", srv.Addr, "version", version, "commit", commit)
		errc <- srv.ListenAndServe()
	}()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// healthcheck probes the local health endpoint: 0 when it answers 200, 1 otherwise.
func healthcheck() int {
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + net.JoinHostPort("127.0.0.1", port()) + "${HEALTH_PATH}")
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "healthcheck: status", resp.StatusCode)
		return 1
	}
	return 0
}

// selfcheck reports what the image provides, as JSON, and exits 0.
func selfcheck() int {
	report := map[string]any{"uid": os.Getuid(), "cgo": cgoEnabled()}
	if pool, err := x509.SystemCertPool(); err != nil {
		report["certs"] = 0
		report["certsError"] = err.Error()
	} else {
		//nolint:staticcheck // Subjects is deprecated for pools from SystemCertPool, but counts them on Linux.
		report["certs"] = len(pool.Subjects())
	}
	zone := os.Getenv("TZ")
	if zone == "" {
		zone = "Europe/Berlin"
	}
	if loc, err := time.LoadLocation(zone); err != nil {
		report["tzError"] = err.Error()
	} else {
		report["tz"] = loc.String()
	}
	_ = json.NewEncoder(os.Stdout).Encode(report)
	return 0
}
${s.cgo ? '' : `
// cgoEnabled reports whether this binary was built with cgo: this service is built without it.
func cgoEnabled() bool { return false }
`}`;
}

function mainTestGo(s: ServiceModel): string {
  return `package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHealthz(t *testing.T) {
	rec := httptest.NewRecorder()
	newMux().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "${HEALTH_PATH}", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET ${HEALTH_PATH}: status %d, want 200", rec.Code)
	}
}

func TestReadyzChecksWhatTheEnvironmentWires(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	t.Setenv("EXAMPLE_URL", "redis://"+ln.Addr().String()+"/0")
	rec := httptest.NewRecorder()
	newMux().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "${READY_PATH}", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET ${READY_PATH} with a dependency up: status %d, want 200: %s", rec.Code, rec.Body)
	}
	ln.Close()
	rec = httptest.NewRecorder()
	newMux().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "${READY_PATH}", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "down") {
		t.Fatalf("GET ${READY_PATH} with a dependency down: status %d, want 503: %s", rec.Code, rec.Body)
	}
}

func TestIndexReportsVersion(t *testing.T) {
	rec := httptest.NewRecorder()
	newMux().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /: status %d, want 200", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("GET /: content type %q", ct)
	}
}

func TestPortDefaultsAndEnv(t *testing.T) {
	t.Setenv("${s.portVariable}", "")
	if got := port(); got != defaultPort {
		t.Fatalf("port() = %q, want %q", got, defaultPort)
	}
	t.Setenv("${s.portVariable}", "9999")
	if got := port(); got != "9999" {
		t.Fatalf("port() = %q, want 9999", got)
	}
}

func TestEnvOrFileReadsSecretFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte("s3cret\\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("EXAMPLE_SECRET", "")
	t.Setenv("EXAMPLE_SECRET_FILE", path)
	got, err := envOrFile("EXAMPLE_SECRET")
	if err != nil || got != "s3cret" {
		t.Fatalf("envOrFile = %q, %v; want s3cret", got, err)
	}
}
`;
}

/** A command (server: false): it does its job and exits. */
function commandGo(s: ServiceModel): string {
  return `// Command ${s.name} does its job and exits: a command, not a server (no port, no health check,
// no compose service). Run it with make run-${s.name}, or its image with make docker-run-${s.name}.
//
// This file was written once by projen-go-service and is yours to change.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

// Set at build time with -ldflags "-X main.version=... -X main.commit=... -X main.date=...".
var (
	version = "dev"
	commit  = "unknown"
	date    = "unknown"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it parses args, writes to stdout and stderr, and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("${s.name}", flag.ContinueOnError)
	flags.SetOutput(stderr)
	showVersion := flags.Bool("version", false, "print the version and exit")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *showVersion {
		fmt.Fprintf(stdout, "${s.name} %s (commit %s, built %s)\\n", version, commit, date)
		return 0
	}
	fmt.Fprintln(stdout, "${s.name}: nothing to do yet")
	return 0
}
`;
}

const COMMAND_TEST_GO = `package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"-version"}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	if !strings.Contains(out.String(), "dev") {
		t.Fatalf("version output %q", out.String())
	}
}

func TestBadFlag(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"-nope"}, &out, &errs); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
}
`;

const CGO_GO = `//go:build cgo

package main

// #include <unistd.h>
import "C"

// cgoEnabled calls into C, so this binary really links the C library.
func cgoEnabled() bool {
	return C.getpid() > 0
}
`;

const NOCGO_GO = `//go:build !cgo

package main

func cgoEnabled() bool { return false }
`;

/**
 * Sample files written once with the migrations directory (`dir`), or, without `dir`, when missing
 * and only where the service's code can take them (`onlyIf`).
 */
export interface MigrationSampleSet {
  readonly dir?: string;
  readonly files: { [path: string]: string };
  readonly onlyIf?: { [path: string]: Array<{ file: string; contains: string }> };
}

/** The line of the sample's main.go that handlers of other files plug into. */
const ROUTES_PLUG = 'var routes []func(*http.ServeMux)';


/**
 * The first migration pair, and a handler of the first service wired to the database that reads its
 * table (`GET /greetings`, a real query): written once, when the migrations directory does not
 * exist yet.
 */
export function migrationSamples(model: ProjectModel): MigrationSampleSet[] {
  const sets: MigrationSampleSet[] = [];
  for (const a of model.addons) {
    const m = a.migrations;
    if (!m) continue;
    const files: { [path: string]: string } = {
      [`${m.directory}/000001_create_greetings.up.sql`]: GREETINGS_UP,
      [`${m.directory}/000001_create_greetings.down.sql`]: GREETINGS_DOWN,
    };
    const service = model.services.find((s) => s.isServer && m.services.includes(s.name));
    sets.push({ dir: m.directory, files });
    if (service) {
      const dir = service.mainPackage.replace(/^\.\//, '');
      // it plugs into the sample's newMux, and imports the driver: only where main.go has the plug
      // and go.mod requires the driver (go get, as add postgres says), so the build never breaks; a
      // set of its own, written when missing once those hold (the migrations directory exists by then)
      sets.push({
        files: { [`${dir}/greetings.go`]: greetingsGo(m.urlVariable) },
        onlyIf: { [`${dir}/greetings.go`]: [{ file: `${dir}/main.go`, contains: ROUTES_PLUG }, { file: 'go.mod', contains: `${SAMPLE_DB_DRIVER.module} ` }] },
      });
    }
  }
  return sets;
}

const GREETINGS_UP = `-- The first migration (golang-migrate, sequential): it runs before the services start.
-- make migrate-new NAME=add_something creates the next pair; make migrate-up applies it.
CREATE TABLE greetings (
    id   serial PRIMARY KEY,
    text text NOT NULL
);

INSERT INTO greetings (text) VALUES ('Hello from the first migration');
`;

const GREETINGS_DOWN = `DROP TABLE greetings;
`;

function greetingsGo(variable: string): string {
  return `// GET /greetings reads the table the first migration created (migrations/000001_create_greetings.up.sql).
//
// This file was written once by projen-go-service and is yours to change.
package main

import (
	"database/sql"
	"encoding/json"
	"net/http"
	"sync"

	_ "${SAMPLE_DB_DRIVER.package}" // the "pgx" driver of database/sql
)

func init() {
	routes = append(routes, func(mux *http.ServeMux) {
		mux.HandleFunc("GET /greetings", greetings)
	})
}

var (
	dbOnce sync.Once
	db     *sql.DB
	dbErr  error
)

// database opens the pool once, from $${variable} or the file $${variable}_FILE names.
func database() (*sql.DB, error) {
	dbOnce.Do(func() {
		var dsn string
		if dsn, dbErr = envOrFile("${variable}"); dbErr == nil {
			db, dbErr = sql.Open("pgx", dsn)
		}
	})
	return db, dbErr
}

func greetings(w http.ResponseWriter, r *http.Request) {
	db, err := database()
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	rows, err := db.QueryContext(r.Context(), "SELECT id, text FROM greetings ORDER BY id")
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	defer rows.Close()
	type greeting struct {
		ID   int    \`json:"id"\`
		Text string \`json:"text"\`
	}
	list := []greeting{}
	for rows.Next() {
		var g greeting
		if err := rows.Scan(&g.ID, &g.Text); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		list = append(list, g)
	}
	if err := rows.Err(); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(list)
}
`;
}
