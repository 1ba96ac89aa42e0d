package query

// parseFieldValue parses what follows "field:" (or one clause of a field
// group): a term, prefix, `*`, phrase, set, range or comparison. fieldStart
// is where the field name starts, to quote it in errors.
func (p *parser) parseFieldValue(field string, fieldStart int) (Node, error) {
	if p.pos == len(p.text) || atWordEnd(p.text, p.pos, modeValue) {
		return nil, p.errAt(p.pos, "expected a value after '"+p.text[fieldStart:p.pos]+"'")
	}
	if err := p.countClauses(1, p.pos); err != nil {
		return nil, err
	}
	switch c := p.text[p.pos]; c {
	case '"', '\'':
		return p.parsePhrase(field)
	case '[', '{':
		if err := p.checkTemplateVar(p.pos); err != nil {
			return nil, err
		}
		return p.parseRange(field)
	case '>', '<':
		return p.parseComparison(field)
	}
	w, err := p.readWord(modeValue)
	if err != nil {
		return nil, err
	}
	if w.text == "IN" && !w.escaped && !w.star {
		save := p.pos
		p.skipSpace()
		if p.pos < len(p.text) && p.text[p.pos] == '[' {
			p.clauses-- // a set counts its values instead
			return p.parseSet(field)
		}
		p.pos = save
	}
	return leafFor(field, w), nil
}

// parsePhrase parses a quoted phrase, optionally followed by '*' (prefix).
func (p *parser) parsePhrase(field string) (Node, error) {
	text, err := p.readQuoted()
	if err != nil {
		return nil, err
	}
	prefix := false
	if p.pos < len(p.text) && p.text[p.pos] == '*' {
		if !atWordEnd(p.text, p.pos+1, modeValue) {
			return nil, p.errAt(p.pos, "'*' after a phrase must end it (a phrase prefix search)")
		}
		prefix = true
		p.pos++
	}
	return Phrase{Field: field, Text: text, Prefix: prefix}, nil
}

// parseRange parses [a TO b], {a TO b} and the mixed forms; '*' is an open end.
func (p *parser) parseRange(field string) (Node, error) {
	open := p.pos
	lowerInclusive := p.text[open] == '['
	p.pos++
	p.skipSpace()
	lower, err := p.parseBound(open, "a lower bound")
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	w, err := p.readWord(modeBound)
	if err != nil {
		return nil, err
	}
	if w.text != "TO" || w.escaped || w.star {
		return nil, p.errAt(w.start, "expected 'TO' between the range bounds, as in [a TO b]")
	}
	p.skipSpace()
	upper, err := p.parseBound(open, "an upper bound")
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos == len(p.text) {
		return nil, p.errAt(open, "missing ']' or '}' for the range opened")
	}
	closer := p.text[p.pos]
	if closer != ']' && closer != '}' {
		return nil, p.errAt(p.pos, "expected ']' or '}' after the range's upper bound")
	}
	p.pos++
	lower.Inclusive = lowerInclusive && !lower.Unbounded
	upper.Inclusive = closer == ']' && !upper.Unbounded
	return Range{Field: field, Lower: lower, Upper: upper}, nil
}

// parseBound parses one range end: a value, a quoted value, or '*'.
func (p *parser) parseBound(open int, what string) (Bound, error) {
	if p.pos == len(p.text) {
		return Bound{}, p.errAt(open, "missing ']' or '}' for the range opened")
	}
	switch p.text[p.pos] {
	case '"', '\'':
		text, err := p.readQuoted()
		if err != nil {
			return Bound{}, err
		}
		return Bound{Value: text}, nil
	case ']', '}':
		return Bound{}, p.errAt(p.pos, "expected "+what+" before '"+string(p.text[p.pos])+"'")
	}
	w, err := p.readWord(modeBound)
	if err != nil {
		return Bound{}, err
	}
	switch {
	case w.star && w.text == "":
		return Bound{Unbounded: true}, nil
	case w.star:
		return Bound{}, p.errAt(w.end-1, "a range bound cannot be a prefix; escape '*' as '\\*'")
	case w.text == "TO" && !w.escaped:
		return Bound{}, p.errAt(w.start, "expected "+what+" before 'TO'; use '*' for an open end")
	}
	return Bound{Value: w.text}, nil
}

// parseComparison parses >v, >=v, <v and <=v into a one-sided Range.
func (p *parser) parseComparison(field string) (Node, error) {
	opStart := p.pos
	greater := p.text[p.pos] == '>'
	p.pos++
	inclusive := false
	if p.pos < len(p.text) && p.text[p.pos] == '=' {
		inclusive = true
		p.pos++
	}
	op := p.text[opStart:p.pos]
	if p.pos == len(p.text) || atWordEnd(p.text, p.pos, modeValue) {
		return nil, p.errAt(p.pos, "expected a value after '"+op+"'")
	}
	var value string
	if c := p.text[p.pos]; c == '"' || c == '\'' {
		text, err := p.readQuoted()
		if err != nil {
			return nil, err
		}
		value = text
	} else {
		w, err := p.readWord(modeComparand)
		if err != nil {
			return nil, err
		}
		if w.star {
			return nil, p.errAt(w.end-1, "a comparison needs a value, not a prefix or '*'; escape '*' as '\\*'")
		}
		value = w.text
	}
	b := Bound{Value: value, Inclusive: inclusive}
	if greater {
		return Range{Field: field, Lower: b, Upper: Bound{Unbounded: true}}, nil
	}
	return Range{Field: field, Lower: Bound{Unbounded: true}, Upper: b}, nil
}

// parseSet parses the "[a b c]" after "field:IN".
func (p *parser) parseSet(field string) (Node, error) {
	if err := p.checkTemplateVar(p.pos); err != nil {
		return nil, err
	}
	open := p.pos
	p.pos++
	values := make([]string, 0, 4)
	for {
		p.skipSpace()
		if p.pos == len(p.text) {
			return nil, p.errAt(open, "missing ']' for the set opened")
		}
		switch p.text[p.pos] {
		case ']':
			if len(values) == 0 {
				return nil, p.errAt(open, "a set needs at least one value, as in field:IN [a b]")
			}
			p.pos++
			return Set{Field: field, Values: values}, nil
		case '"', '\'':
			at := p.pos
			text, err := p.readQuoted()
			if err != nil {
				return nil, err
			}
			if err := p.countClauses(1, at); err != nil {
				return nil, err
			}
			values = append(values, text)
			continue
		case '}':
			return nil, p.errAt(p.pos, "a set is closed by ']', not '}'")
		}
		w, err := p.readWord(modeBound)
		if err != nil {
			return nil, err
		}
		if w.star {
			return nil, p.errAt(w.end-1, "a set cannot hold a prefix or '*'; escape '*' as '\\*'")
		}
		if err := p.countClauses(1, w.start); err != nil {
			return nil, err
		}
		values = append(values, w.text)
	}
}
