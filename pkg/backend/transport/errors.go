package transport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// maxMessageBytes bounds the store's message quoted in an error.
const maxMessageBytes = 1024

// errorMessage extracts a store's message from an error body: Quickwit's
// {"message": …}, Elasticsearch's {"error": {"reason": …}} or
// {"error": "…"}, or VictoriaLogs' plain text.
func errorMessage(body []byte) string {
	var shaped struct {
		Message string          `json:"message"`
		Error   json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &shaped) == nil {
		if shaped.Message != "" {
			return clip(shaped.Message)
		}
		var reason struct {
			Reason    string `json:"reason"`
			RootCause []struct {
				Reason string `json:"reason"`
			} `json:"root_cause"`
		}
		if json.Unmarshal(shaped.Error, &reason) == nil && reason.Reason != "" {
			return clip(reason.Reason)
		}
		var s string
		if json.Unmarshal(shaped.Error, &s) == nil && s != "" {
			return clip(s)
		}
	}
	text := strings.TrimSpace(string(body))
	if text == "" {
		return "empty answer"
	}
	return clip(text)
}

func clip(s string) string {
	s = strings.TrimSpace(s)
	if len(s) <= maxMessageBytes {
		return s
	}
	cut := maxMessageBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// transportError explains a request that got no answer.
func (c *Client) transportError(ctx context.Context, req Request, err error) error {
	if ctx.Err() != nil {
		return c.ctxError(req, ctx.Err())
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return c.remoteError(req, 0, msgRefused)
	}
	return c.remoteError(req, 0, err.Error())
}

// ctxError keeps context errors recognisable (errors.Is) while naming the request.
func (c *Client) ctxError(req Request, err error) error {
	return fmt.Errorf("%s: %s: %w", c.backend, req.Path, err)
}

// retryAfter reads a Retry-After header in seconds; dates are ignored.
func retryAfter(h http.Header) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	secs, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || secs < 0 {
		return 0
	}
	return time.Duration(secs) * time.Second
}
