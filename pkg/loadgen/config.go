package loadgen

import (
	"fmt"
	"time"
)

// Default values used when a Config field is left zero.
const (
	DefaultCount            = 1_000_000
	DefaultSpan             = 24 * time.Hour
	DefaultIncidentDuration = 20 * time.Minute
	DefaultIncidentService  = "payment-service"
)

// DefaultStart is the first timestamp of a generated span when Config.Start
// is zero; fixed so benchmarks and golden files agree across runs.
var DefaultStart = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)

// Incident describes the window in which one service degrades: more errors,
// more 5xx and a latency spike, so dashboards have something to find.
type Incident struct {
	Start    time.Time
	Duration time.Duration
	Service  string
}

// End is the first instant after the incident.
func (in Incident) End() time.Time { return in.Start.Add(in.Duration) }

// Contains reports whether t falls inside the incident window.
func (in Incident) Contains(t time.Time) bool {
	return !t.Before(in.Start) && t.Before(in.End())
}

// Config fixes everything a Generator produces: the same Config gives the
// same bytes.
type Config struct {
	Seed  uint64
	Start time.Time
	// Span is the time covered by Count events. When zero it is derived
	// from EventsPerSecond, or DefaultSpan if that is zero too.
	Span            time.Duration
	EventsPerSecond float64
	Count           int
	// Incident defaults to DefaultIncidentDuration on
	// DefaultIncidentService, centred in the span.
	Incident Incident
	// Clock, when set, stamps events with its readings (kept strictly
	// increasing) instead of spreading them over Span: live streaming.
	Clock func() time.Time
}

// withDefaults fills zero fields and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.Count < 0 {
		return c, fmt.Errorf("loadgen: count %d is negative; use 0 for the default %d", c.Count, DefaultCount)
	}
	if c.Count == 0 {
		c.Count = DefaultCount
	}
	if c.Start.IsZero() {
		c.Start = DefaultStart
	}
	c.Start = c.Start.UTC()
	if c.Span < 0 || c.EventsPerSecond < 0 {
		return c, fmt.Errorf("loadgen: span %v and events per second %v must not be negative", c.Span, c.EventsPerSecond)
	}
	if c.Span == 0 {
		if c.EventsPerSecond > 0 {
			c.Span = time.Duration(float64(c.Count) / c.EventsPerSecond * float64(time.Second))
		} else {
			c.Span = DefaultSpan
		}
	}
	if c.Span < time.Duration(c.Count) {
		return c, fmt.Errorf("loadgen: span %v is shorter than one nanosecond per event for %d events; lengthen the span or lower the count", c.Span, c.Count)
	}
	if c.Incident.Duration == 0 {
		c.Incident.Duration = min(DefaultIncidentDuration, c.Span/2)
	}
	if c.Incident.Service == "" {
		c.Incident.Service = DefaultIncidentService
	}
	if serviceIndex(c.Incident.Service) < 0 {
		return c, fmt.Errorf("loadgen: incident service %q is not one of the generated services %v", c.Incident.Service, services)
	}
	if c.Incident.Start.IsZero() {
		c.Incident.Start = c.Start.Add(c.Span/2 - c.Incident.Duration/2)
	}
	c.Incident.Start = c.Incident.Start.UTC()
	return c, nil
}
