package qwquery

import (
	"time"

	"github.com/triage-logs/triage/pkg/query"
)

// datetime resolves a datetime value (RFC 3339, epoch milliseconds or date
// math) to RFC 3339 with nanoseconds, the one form Quickwit parses.
func (p *printer) datetime(field, value string, roundUp bool) (string, error) {
	t, err := query.ParseDateMath(value, p.opts.Now, roundUp)
	if err != nil {
		return "", unsupported(field+":"+value, err.Error())
	}
	return t.UTC().Format(time.RFC3339Nano), nil
}

func (p *printer) termNode(t query.Term) (query.Node, error) {
	fi, ok := p.field(t.Field)
	if ok && fi.Type == query.TypeDatetime {
		v, err := p.datetime(t.Field, t.Value, false)
		if err != nil {
			return nil, err
		}
		t.Value = v
	}
	return t, nil
}

// rangeNode resolves datetime bounds (gt and lte round date math up, as
// Elasticsearch) and refuses ranges the version cannot run.
func (p *printer) rangeNode(r query.Range) (query.Node, error) {
	fi, ok := p.field(r.Field)
	if !ok {
		return r, nil
	}
	shown := r.Field + ":" + query.Print(query.Range{Lower: r.Lower, Upper: r.Upper})
	switch fi.Type {
	case query.TypeDatetime:
		if !r.Lower.Unbounded {
			v, err := p.datetime(r.Field, r.Lower.Value, !r.Lower.Inclusive)
			if err != nil {
				return nil, err
			}
			r.Lower.Value = v
		}
		if !r.Upper.Unbounded {
			v, err := p.datetime(r.Field, r.Upper.Value, r.Upper.Inclusive)
			if err != nil {
				return nil, err
			}
			r.Upper.Value = v
		}
	case query.TypeText:
		if !p.opts.Version.AtLeast(0, 9) {
			return nil, unsupported("the range "+shown+" on the text field '"+r.Field+"'",
				"Quickwit "+p.opts.Version.String()+" ranges only numbers, datetimes and IPs (text ranges need 0.9); filter with terms instead")
		}
	case query.TypeBool:
		return nil, unsupported("the range "+shown, "Quickwit cannot range the "+fi.Type.String()+" field '"+r.Field+"'")
	}
	if p.opts.NotFast != nil && p.opts.NotFast(r.Field) {
		return nil, unsupported("the range "+shown, "Quickwit ranges only fast fields and '"+r.Field+"' is not one; set fast: true in its mapping")
	}
	return r, nil
}
