package server

import (
	"fmt"
	"time"

	"github.com/triage-logs/triage/pkg/query"
)

// searchRange turns Quickwit's optional start_timestamp and end_timestamp
// (Unix seconds) into the engine's [start, end) range. Seconds past what
// nanoseconds hold are clamped (see query.UnixSeconds); a range that is
// empty as written is the client's error.
func searchRange(startSec, endSec *int64) (start, end time.Time, err error) {
	if startSec != nil && endSec != nil && *startSec >= *endSec {
		return start, end, fmt.Errorf("start_timestamp (%d) must be before end_timestamp (%d): the range [start, end) would be empty", *startSec, *endSec)
	}
	if startSec != nil {
		start = query.UnixSeconds(*startSec)
	}
	if endSec != nil {
		end = query.UnixSeconds(*endSec)
	}
	return start, end, nil
}
