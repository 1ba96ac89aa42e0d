package plugin

import (
	"context"
	"log/slog"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// slogHandler sends log/slog records (used by pkg/ingest and pkg/server)
// to the SDK's logger, which Grafana collects from the plugin's stderr.
type slogHandler struct {
	logger log.Logger
}

func (h slogHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h slogHandler) Handle(_ context.Context, r slog.Record) error {
	args := make([]any, 0, 2*r.NumAttrs())
	r.Attrs(func(a slog.Attr) bool {
		args = append(args, a.Key, a.Value.Any())
		return true
	})
	switch {
	case r.Level >= slog.LevelError:
		h.logger.Error(r.Message, args...)
	case r.Level >= slog.LevelWarn:
		h.logger.Warn(r.Message, args...)
	case r.Level >= slog.LevelInfo:
		h.logger.Info(r.Message, args...)
	default:
		h.logger.Debug(r.Message, args...)
	}
	return nil
}

func (h slogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	args := make([]any, 0, 2*len(attrs))
	for _, a := range attrs {
		args = append(args, a.Key, a.Value.Any())
	}
	return slogHandler{h.logger.With(args...)}
}

func (h slogHandler) WithGroup(string) slog.Handler { return h }
