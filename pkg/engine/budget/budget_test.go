package budget

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/triage-logs/triage/pkg/engine/event"
)

func TestMeterChargesUpToItsLimit(t *testing.T) {
	tests := []struct {
		name    string
		limit   int64
		charges []int64
		wantErr bool
	}{
		{"exactly the limit", 100, []int64{60, 40}, false},
		{"one byte past", 100, []int64{60, 41}, true},
		{"one charge past", 10, []int64{11}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &Meter{limit: tt.limit}
			var err error
			for _, n := range tt.charges {
				if err = m.Charge(n); err != nil {
					break
				}
			}
			var le *LimitError
			if got := errors.As(err, &le); got != tt.wantErr {
				t.Fatalf("Charge(%v) with limit %d: error %v, want a LimitError: %v", tt.charges, tt.limit, err, tt.wantErr)
			}
			if tt.wantErr && (le.Limit != LimitMemory || le.MaxBytes != tt.limit || !errors.Is(err, ErrInvalidRequest)) {
				t.Errorf("error %+v: want a memory limit of %d that is an invalid request", le, tt.limit)
			}
		})
	}
}

func TestMeterResetStartsAgain(t *testing.T) {
	m := &Meter{limit: 10}
	if err := m.Charge(8); err != nil {
		t.Fatal(err)
	}
	m.Reset()
	if err := m.Charge(8); err != nil {
		t.Fatalf("after Reset, 8 of 10 bytes: %v", err)
	}
}

func TestChargeEventsCountsStringBytes(t *testing.T) {
	short := []event.Event{{Fields: []event.Field{{Name: "m", Value: event.StringValue("a")}}}}
	long := []event.Event{{Fields: []event.Field{{Name: "m", Value: event.StringValue(strings.Repeat("a", 1001))}}}}
	limit := event.MemSize(&short[0])
	if err := (&Meter{limit: limit}).ChargeEvents(short); err != nil {
		t.Fatalf("an event of its own size: %v", err)
	}
	if err := (&Meter{limit: limit}).ChargeEvents(long); err == nil {
		t.Fatalf("an event 1000 string bytes larger fit a limit of %d", limit)
	}
}

func TestStartSetsTheDeadlineAndItsCause(t *testing.T) {
	ctx, cancel, m := Start(context.Background(), Limits{Timeout: time.Nanosecond})
	defer cancel()
	<-ctx.Done()
	var le *LimitError
	if !errors.As(context.Cause(ctx), &le) || le.Limit != LimitTimeout || le.Timeout != time.Nanosecond {
		t.Fatalf("cause %v, want a 1ns timeout LimitError", context.Cause(ctx))
	}
	if m.limit != DefaultMemoryBytes {
		t.Errorf("memory limit %d, want the default %d", m.limit, DefaultMemoryBytes)
	}
}

func TestInvalidRequestKeepsTheMessageAndTheKind(t *testing.T) {
	if InvalidRequest(nil) != nil {
		t.Fatal("InvalidRequest(nil) is not nil")
	}
	cause := fmt.Errorf("limit 0: use 1 to 10")
	err := InvalidRequest(cause)
	if err.Error() != cause.Error() || !errors.Is(err, ErrInvalidRequest) || !errors.Is(err, cause) {
		t.Fatalf("InvalidRequest(%v) = %v: want the same message, ErrInvalidRequest and the cause", cause, err)
	}
}
