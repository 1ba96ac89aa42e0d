package query

import "strconv"

// maxDepth bounds nesting of parentheses and NOT so hostile input cannot
// exhaust the stack of the parser, the printer or the engine's executor.
const maxDepth = 100

// parser is a recursive-descent parser over the query text. Lexing is done on
// demand because what a character means depends on where it appears (':' is
// a field separator at a clause start but part of a value after one).
type parser struct {
	text  string
	pos   int
	depth int
	// clauses counts the leaf clauses parsed so far, up to maxClauses.
	clauses, maxClauses int
	// defaultOr makes juxtaposition mean OR (ParseDefaultOr).
	defaultOr bool
}

// Parse parses query text in the Quickwit/Lucene-style syntax into a Node,
// without a mapping: field names stay as written and values stay text.
// Precedence: NOT (and '-') binds tightest, then AND and juxtaposition, then
// OR, so `a OR b c` is `a OR (b AND c)`. A leading '+' (must) returns its
// clause unchanged because clauses are already required by the implicit AND;
// '-' (must not) is NOT. An empty query and `*` match everything.
//
// A Grafana template variable left unreplaced ($var, ${var}, ${var:fmt},
// [[var]], [[var:fmt]]) is an error wherever it appears, inside quoted
// phrases too: a `$service` in a phrase is almost always a variable the
// frontend did not interpolate, and searching it would silently match
// nothing. Write `\$` for a literal dollar. A '-' directly after "field:" is
// part of the value (`delta:-5`), not a negation.
//
// Parse applies the default Limits; ParseWithLimits takes others.
func Parse(text string) (Node, error) {
	return ParseWithLimits(text, Limits{})
}

// parseAll parses all of p's text.
func parseAll(p *parser) (Node, error) {
	p.skipSpace()
	if p.pos == len(p.text) {
		return MatchAll{}, nil
	}
	n, err := p.parseOr("")
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos < len(p.text) {
		// parseOr stops early only at a ')' it did not open.
		return nil, p.errAt(p.pos, "unexpected ')' with no matching '('")
	}
	return n, nil
}

func (p *parser) errAt(offset int, msg string) error {
	return newSyntaxError(p.text, offset, msg)
}

// parseOr parses clauses joined by OR. field is non-empty inside a field group
// (`field:(a OR b)`), where every clause is a value of that field.
func (p *parser) parseOr(field string) (Node, error) {
	required := []bool{p.atPlus()}
	first, err := p.parseAnd(field)
	if err != nil {
		return nil, err
	}
	var clauses []Node
	for {
		p.skipSpace()
		if p.keywordAt() == "OR" {
			opAt := p.pos
			p.pos += 2
			p.skipSpace()
			if err := p.expectClause(opAt, "OR"); err != nil {
				return nil, err
			}
		} else if !p.defaultOr || p.pos == len(p.text) || p.text[p.pos] == ')' {
			break
		}
		required = append(required, p.atPlus())
		next, err := p.parseAnd(field)
		if err != nil {
			return nil, err
		}
		if clauses == nil {
			clauses = append(make([]Node, 0, 4), first)
		}
		clauses = append(clauses, next)
	}
	if clauses == nil {
		return first, nil
	}
	if p.defaultOr {
		return combineDefaultOr(clauses, required), nil
	}
	return joinOr(clauses), nil
}

// parseAnd parses clauses joined by AND or by juxtaposition.
func (p *parser) parseAnd(field string) (Node, error) {
	first, err := p.parseUnary(field)
	if err != nil {
		return nil, err
	}
	var clauses []Node
	for {
		p.skipSpace()
		if p.pos == len(p.text) || p.text[p.pos] == ')' {
			break
		}
		kw := p.keywordAt()
		if kw == "OR" || (p.defaultOr && kw != "AND") {
			break
		}
		if kw == "AND" {
			opAt := p.pos
			p.pos += 3
			p.skipSpace()
			if err := p.expectClause(opAt, "AND"); err != nil {
				return nil, err
			}
		}
		next, err := p.parseUnary(field)
		if err != nil {
			return nil, err
		}
		if clauses == nil {
			clauses = append(make([]Node, 0, 4), first)
		}
		clauses = append(clauses, next)
	}
	if clauses == nil {
		return first, nil
	}
	return joinAnd(clauses), nil
}

// expectClause fails unless a clause starts at p.pos, naming the operator
// (at opAt) that needs one.
func (p *parser) expectClause(opAt int, op string) error {
	if p.pos == len(p.text) {
		return p.errAt(p.pos, "expected a query after '"+op+"'")
	}
	if p.text[p.pos] == ')' {
		return p.errAt(p.pos, "expected a query after '"+op+"', found ')'")
	}
	if kw := p.keywordAt(); kw == "AND" || kw == "OR" {
		return p.errAt(p.pos, "expected a query after '"+op+"', found '"+kw+"'; write '\\"+kw+"' to search for the word")
	}
	return nil
}

// parseUnary parses NOT, '-' and '+' prefixes and then one primary clause.
func (p *parser) parseUnary(field string) (Node, error) {
	switch kw := p.keywordAt(); kw {
	case "AND", "OR":
		return nil, p.errAt(p.pos, "'"+kw+"' needs a query on its left; write '\\"+kw+"' to search for the word")
	case "NOT":
		opAt := p.pos
		p.pos += 3
		p.skipSpace()
		if err := p.expectClause(opAt, "NOT"); err != nil {
			return nil, err
		}
		return p.negate(field, opAt)
	}
	switch p.text[p.pos] {
	case '-':
		opAt := p.pos
		p.pos++
		if err := p.expectAdjacent(opAt, "-"); err != nil {
			return nil, err
		}
		return p.negate(field, opAt)
	case '+':
		opAt := p.pos
		p.pos++
		if err := p.expectAdjacent(opAt, "+"); err != nil {
			return nil, err
		}
		if err := p.enter(opAt); err != nil {
			return nil, err
		}
		defer p.leave()
		return p.parseUnary(field)
	}
	return p.parsePrimary(field)
}

func (p *parser) negate(field string, opAt int) (Node, error) {
	if err := p.enter(opAt); err != nil {
		return nil, err
	}
	defer p.leave()
	clause, err := p.parseUnary(field)
	if err != nil {
		return nil, err
	}
	return Not{Clause: clause}, nil
}

// expectAdjacent fails unless a clause follows '-' or '+' with no space.
func (p *parser) expectAdjacent(opAt int, op string) error {
	if p.pos == len(p.text) || p.text[p.pos] == ')' || (p.text[p.pos] != '(' && atWordEnd(p.text, p.pos, modeValue)) {
		return p.errAt(opAt, "expected a query right after '"+op+"' (no space); write '\\"+op+"' to search for it")
	}
	if kw := p.keywordAt(); kw == "AND" || kw == "OR" {
		return p.errAt(p.pos, "expected a query after '"+op+"', found '"+kw+"'")
	}
	return nil
}

func (p *parser) enter(at int) error {
	p.depth++
	if p.depth > maxDepth {
		return p.errAt(at, "the query nests parentheses or NOT more than "+strconv.Itoa(maxDepth)+" levels deep; simplify it")
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// parsePrimary parses a parenthesised group or one clause.
func (p *parser) parsePrimary(field string) (Node, error) {
	c := p.text[p.pos]
	switch {
	case c == '(':
		return p.parseGroup(field)
	case c == ')':
		// Operators check for ')' before calling here, so only a query that
		// starts with ')' gets here.
		return nil, p.errAt(p.pos, "unexpected ')' with no matching '('")
	case field != "":
		return p.parseFieldValue(field, p.pos)
	case c == '"' || c == '\'':
		if err := p.countClauses(1, p.pos); err != nil {
			return nil, err
		}
		return p.parsePhrase("")
	case c == '[' || c == '{':
		if err := p.checkTemplateVar(p.pos); err != nil {
			return nil, err
		}
		return nil, p.errAt(p.pos, "a range needs a field: write field:"+string(c)+"a TO b"+string(closerOf(c)))
	}
	w, err := p.readWord(modeDefault)
	if err != nil {
		return nil, err
	}
	if !w.colon {
		if w.text == "" && !w.star {
			return nil, p.errAt(p.pos, reservedHint(rune(p.text[p.pos])))
		}
		if err := p.countClauses(1, w.start); err != nil {
			return nil, err
		}
		return leafFor("", w), nil
	}
	colonAt := p.pos
	switch {
	case w.text == "" && w.star:
		return nil, p.errAt(w.start, "a field name cannot be '*'; escape it as '\\*'")
	case w.star:
		return nil, p.errAt(w.end-1, "a field name cannot end with '*'; escape it as '\\*'")
	case w.text == "":
		return nil, p.errAt(colonAt, "expected a field name before ':'; write '\\:' to search for a colon")
	}
	p.pos++ // the ':'
	if p.pos < len(p.text) && p.text[p.pos] == '(' {
		return p.parseGroup(w.text)
	}
	return p.parseFieldValue(w.text, w.start)
}

func closerOf(open byte) byte {
	if open == '{' {
		return '}'
	}
	return ']'
}

// leafFor turns a word into the clause it denotes in field ("" = default fields).
func leafFor(field string, w word) Node {
	switch {
	case w.star && w.text == "":
		if field == "" {
			return MatchAll{}
		}
		return Exists{Field: field}
	case w.star:
		return Prefix{Field: field, Value: w.text}
	}
	return Term{Field: field, Value: w.text}
}

// parseGroup parses "(" query ")"; inside a field group every clause is a
// value of field.
func (p *parser) parseGroup(field string) (Node, error) {
	open := p.pos
	if err := p.enter(open); err != nil {
		return nil, err
	}
	defer p.leave()
	p.pos++
	p.skipSpace()
	if p.pos == len(p.text) {
		return nil, p.errAt(open, "missing ')' for the '(' opened")
	}
	if p.text[p.pos] == ')' {
		return nil, p.errAt(open, "empty parentheses: put a query between '(' and ')'")
	}
	n, err := p.parseOr(field)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos == len(p.text) {
		return nil, p.errAt(open, "missing ')' for the '(' opened")
	}
	p.pos++ // the ')'
	return n, nil
}
