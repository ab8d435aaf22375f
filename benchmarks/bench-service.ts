import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { run } from './lib';

/**
 * A service with real dependencies (a router, a Postgres driver, a logger, metrics, ...), written at
 * bench time and resolved through this machine's Go module proxy: nothing of it is committed.
 */
export const BENCH_MAIN = `package main

import (
	"context"
	"net/http"
	"os"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
)

// greeting is the line the warm-rebuild benchmark changes.
const greeting = "hello, run 0"

var requests = prometheus.NewCounter(prometheus.CounterOpts{Name: "bench_requests_total", Help: "Requests served."})

func main() {
	logger, _ := zap.NewProduction()
	defer func() { _ = logger.Sync() }()
	if dsn := os.Getenv("DATABASE_URL"); dsn != "" {
		pool, err := pgxpool.New(context.Background(), dsn)
		if err != nil {
			logger.Fatal("database", zap.Error(err))
		}
		defer pool.Close()
	}
	prometheus.MustRegister(requests)
	r := chi.NewRouter()
	r.Use(middleware.RequestID, middleware.Recoverer)
	r.Handle("/metrics", promhttp.Handler())
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	r.Get("/", func(w http.ResponseWriter, _ *http.Request) {
		requests.Inc()
		_, _ = w.Write([]byte(greeting + " " + uuid.NewString()))
	})
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	logger.Info("listening", zap.String("port", port))
	if err := http.ListenAndServe(":"+port, r); err != nil {
		logger.Fatal("serve", zap.Error(err))
	}
}
`;

/** Writes the service's main package into a module and resolves its dependencies; returns the module count. */
export function writeBenchService(dir: string, name: string): number {
  const pkg = join(dir, 'cmd', name);
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'main.go'), BENCH_MAIN);
  run('go', ['mod', 'tidy'], { cwd: dir });
  return run('go', ['list', '-m', 'all'], { cwd: dir }).stdout.trim().split('\n').length - 1;
}

/** Changes one line of one .go file (the greeting), as a developer's edit would. */
export function editOneLine(dir: string, name: string, n: number): void {
  const file = join(dir, 'cmd', name, 'main.go');
  writeFileSync(file, BENCH_MAIN.replace('hello, run 0', `hello, run ${n}`));
}
