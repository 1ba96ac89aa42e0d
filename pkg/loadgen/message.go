package loadgen

import "strconv"

// Message probabilities: exceptions are rare so that searching for one is
// a needle-in-haystack query.
const (
	exceptionShare         = 0.01 // of error events outside the incident
	incidentExceptionShare = 0.05 // of the incident service's errors in the window
)

var methods = [...]string{"GET", "POST", "PUT", "DELETE"}

var orderStates = [...]string{"created", "paid", "packed", "shipped", "delivered", "cancelled"}

var flags = [...]string{"new-checkout-flow", "fast-search", "dark-mode", "smart-retry"}

// appendMessage renders a templated message with variable parts into dst.
// Every piece is plain ASCII without quotes or backslashes, so it needs no
// JSON escaping.
func (g *Generator) appendMessage(dst []byte, r *record) []byte {
	ep := endpoints[r.endpoint].path
	n := r.orderID
	switch r.severity {
	case sevInfo:
		switch g.rng.intn(5) {
		case 0:
			dst = append(dst, methods[r.endpoint%len(methods)]...)
			dst = append(dst, ' ')
			dst = append(dst, ep...)
			dst = append(dst, " completed with "...)
			dst = strconv.AppendInt(dst, int64(r.status), 10)
			dst = append(dst, " in "...)
			dst = strconv.AppendInt(dst, int64(r.latency), 10)
			dst = append(dst, "ms"...)
		case 1:
			dst = append(dst, "processed request for user "...)
			dst = appendUser(dst, r.user)
			dst = append(dst, " on "...)
			dst = append(dst, hosts[r.host]...)
		case 2:
			dst = append(dst, "cache hit for key "...)
			dst = append(dst, tables[n%uint64(len(tables))]...)
			dst = append(dst, ':')
			dst = strconv.AppendUint(dst, n, 10)
		case 3:
			dst = append(dst, "order "...)
			dst = strconv.AppendUint(dst, n, 10)
			dst = append(dst, " moved to state "...)
			dst = append(dst, orderStates[g.rng.intn(len(orderStates))]...)
		default:
			dst = append(dst, "user "...)
			dst = appendUser(dst, r.user)
			dst = append(dst, " session refreshed, expires in "...)
			dst = strconv.AppendInt(dst, int64(5+g.rng.intn(55)), 10)
			dst = append(dst, " minutes"...)
		}
	case sevDebug:
		switch g.rng.intn(3) {
		case 0:
			t := tables[n%uint64(len(tables))]
			dst = append(dst, "query plan for "...)
			dst = append(dst, t...)
			dst = append(dst, " used index idx_"...)
			dst = append(dst, t...)
			dst = append(dst, "_created_at"...)
		case 1:
			dst = append(dst, "feature flag "...)
			dst = append(dst, flags[g.rng.intn(len(flags))]...)
			dst = append(dst, " evaluated to "...)
			dst = strconv.AppendBool(dst, g.rng.intn(2) == 0)
			dst = append(dst, " for user "...)
			dst = appendUser(dst, r.user)
		default:
			dst = append(dst, "exported span batch of "...)
			dst = strconv.AppendInt(dst, int64(1+g.rng.intn(512)), 10)
			dst = append(dst, " spans"...)
		}
	case sevWarn:
		switch g.rng.intn(4) {
		case 0:
			dst = append(dst, "slow query on table "...)
			dst = append(dst, tables[n%uint64(len(tables))]...)
			dst = append(dst, " took "...)
			dst = strconv.AppendInt(dst, int64(r.latency), 10)
			dst = append(dst, "ms"...)
		case 1:
			dst = append(dst, "retrying call to "...)
			dst = append(dst, upstreams[g.rng.intn(len(upstreams))]...)
			dst = append(dst, " (attempt "...)
			dst = strconv.AppendInt(dst, int64(1+g.rng.intn(3)), 10)
			dst = append(dst, "/3)"...)
		case 2:
			dst = append(dst, "connection pool at "...)
			dst = strconv.AppendInt(dst, int64(80+g.rng.intn(20)), 10)
			dst = append(dst, "% capacity"...)
		default:
			dst = append(dst, ep...)
			dst = append(dst, " answered "...)
			dst = strconv.AppendInt(dst, int64(r.status), 10)
			dst = append(dst, " for user "...)
			dst = appendUser(dst, r.user)
		}
	default:
		if r.inIncident && r.service == g.incidentService && g.rng.float64() < incidentExceptionShare {
			dst = append(dst, IncidentException...)
			dst = append(dst, ": gateway stripe-gateway did not respond within 30000ms for order "...)
			return strconv.AppendUint(dst, n, 10)
		}
		if g.rng.float64() < exceptionShare {
			dst = append(dst, "unhandled "...)
			dst = append(dst, exceptions[g.rng.intn(len(exceptions))]...)
			dst = append(dst, " in handler for "...)
			return append(dst, ep...)
		}
		switch g.rng.intn(4) {
		case 0:
			dst = append(dst, "upstream "...)
			dst = append(dst, upstreams[g.rng.intn(len(upstreams))]...)
			dst = append(dst, " returned "...)
			dst = strconv.AppendInt(dst, int64(r.status), 10)
			dst = append(dst, ": connection reset by peer"...)
		case 1:
			dst = append(dst, "failed to process order "...)
			dst = strconv.AppendUint(dst, n, 10)
			dst = append(dst, ": timeout after "...)
			dst = strconv.AppendInt(dst, int64(r.latency), 10)
			dst = append(dst, "ms"...)
		case 2:
			dst = append(dst, "database connection refused by postgres-primary:5432 from "...)
			dst = append(dst, hosts[r.host]...)
		default:
			dst = append(dst, "request to "...)
			dst = append(dst, ep...)
			dst = append(dst, " failed with "...)
			dst = strconv.AppendInt(dst, int64(r.status), 10)
			dst = append(dst, ": internal error"...)
		}
	}
	return dst
}

// appendUser renders a user id; ids are zero-padded so they sort as text.
func appendUser(dst []byte, user int) []byte {
	dst = append(dst, "user-"...)
	return appendPadded(dst, uint64(user), 7)
}

func appendPadded(dst []byte, v uint64, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for v > 0 || i > len(buf)-width {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, buf[i:]...)
}
