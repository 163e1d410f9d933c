// Command ferretdb runs FerretDB 1.24 through its embeddable package, on PostgreSQL (the local
// store: --postgresql-url) or on SQLite (--data-dir, the fallback where no PostgreSQL can run).
//
// `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` builds a binary that panics at
// start on a missing version file, so the project's dev infrastructure builds this small main
// instead, against FerretDB patched by ferretdb-v1.24.2.patch (see libs/devkit/src/binaries.ts).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	postgresURL := flag.String("postgresql-url", "", "PostgreSQL connection string: the PostgreSQL backend")
	dataDir := flag.String("data-dir", "", "directory of the SQLite databases: the SQLite backend")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	if (*postgresURL == "") == (*dataDir == "") {
		fmt.Fprintln(os.Stderr, "give one of --postgresql-url or --data-dir")
		os.Exit(2)
	}
	config := &ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: *listen}, Handler: "postgresql", PostgreSQLURL: *postgresURL}
	if *dataDir != "" {
		if err := os.MkdirAll(*dataDir, 0o700); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		config.Handler = "sqlite"
		config.SQLiteURL = "file:" + *dataDir + "/"
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	logger := slog.New(&lazyAttrsHandler{next: slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})})

	config.Logger = logger
	f, err := ferretdb.New(config)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	fmt.Fprintf(os.Stderr, "ferretdb (%s) listening on %s\n", config.Handler, *listen)
	if err := f.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// lazyAttrsHandler keeps the attributes given to Logger.With and formats them only for a record
// that is written. FerretDB's SQL layer calls `l.With("sql", q, "args", args).DebugContext(…)` around
// every statement; slog's TextHandler formats (quotes) those attributes in With, before the level
// is checked, so every insert paid for quoting its documents: about a quarter of FerretDB's CPU
// when ingesting structured messages, at log level warn.
type lazyAttrsHandler struct {
	next  slog.Handler
	attrs []slog.Attr
}

func (h *lazyAttrsHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h *lazyAttrsHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.materialized().Handle(ctx, r)
}

func (h *lazyAttrsHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	return &lazyAttrsHandler{next: h.next, attrs: append(h.attrs[:len(h.attrs):len(h.attrs)], attrs...)}
}

// WithGroup applies the attributes kept so far first: they belong outside the group.
func (h *lazyAttrsHandler) WithGroup(name string) slog.Handler {
	return &lazyAttrsHandler{next: h.materialized().WithGroup(name)}
}

func (h *lazyAttrsHandler) materialized() slog.Handler {
	if len(h.attrs) == 0 {
		return h.next
	}
	return h.next.WithAttrs(h.attrs)
}
