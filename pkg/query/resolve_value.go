package query

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
)

// typeValue converts query text to a typed value for fi, with an error that
// names the field, what it holds and the offending text.
func (r *resolver) typeValue(fi FieldInfo, s string, roundUp bool) (Value, error) {
	v := Value{Type: fi.Type}
	switch fi.Type {
	case TypeText, TypeJSON:
		v.Text = s
	case TypeI64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return v, notA(fi, s, "a whole number", err)
		}
		v.Int = n
	case TypeU64:
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return v, notA(fi, s, "a non-negative whole number", err)
		}
		v.Uint = n
	case TypeF64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return v, notA(fi, s, "a number", err)
		}
		v.Float = f
	case TypeBool:
		switch strings.ToLower(s) {
		case "true":
			v.Bool = true
		case "false":
		default:
			return v, fmt.Errorf("field '%s' holds booleans; '%s' is not true or false", fi.Name, s)
		}
	case TypeDatetime:
		t, err := ParseDateMath(s, r.now, roundUp)
		if err != nil {
			return v, fmt.Errorf("field '%s' holds datetimes: %w", fi.Name, err)
		}
		v.Int = UnixNanos(t)
	case TypeIP:
		a, err := netip.ParseAddr(s)
		if err != nil {
			return v, fmt.Errorf("field '%s' holds IP addresses; '%s' is not an IPv4 or IPv6 address", fi.Name, s)
		}
		v.Text = a.Unmap().String()
	default:
		return v, fmt.Errorf("field '%s' has an unknown type %d", fi.Name, fi.Type)
	}
	return v, nil
}

func notA(fi FieldInfo, s, what string, err error) error {
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
		return fmt.Errorf("field '%s' holds %s; '%s' is out of range", fi.Name, fi.Type.holds(), s)
	}
	return fmt.Errorf("field '%s' holds %s; '%s' is not %s", fi.Name, fi.Type.holds(), s, what)
}
