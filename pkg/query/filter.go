package query

// Filter is a query resolved against an index mapping: field names checked,
// default fields expanded, values typed and date math evaluated. It is what
// the engine executes.
type Filter interface {
	isFilter()
}

// Value is one typed query value; only the member for Type is meaningful.
// Text values are not tokenized here: the engine owns the tokenizer, so index
// and query always agree.
type Value struct {
	Type FieldType
	// Text holds text and json values as written, and IPs in canonical form.
	Text  string
	Int   int64 // i64, and datetime as Unix nanoseconds
	Uint  uint64
	Float float64
	Bool  bool
}

// FilterAll matches every document.
type FilterAll struct{}

// FilterAnd matches documents all Filters match.
type FilterAnd struct{ Filters []Filter }

// FilterOr matches documents any of Filters matches.
type FilterOr struct{ Filters []Filter }

// FilterNot matches documents Filter does not match.
type FilterNot struct{ Filter Filter }

// FilterTerm matches Field equal to Value (for tokenized text: containing
// Value's tokens as a phrase, as Quickwit does).
type FilterTerm struct {
	Field FieldInfo
	Value Value
}

// FilterPhrase matches the words of Text in order in a text or json Field;
// with Prefix the last word is a prefix.
type FilterPhrase struct {
	Field  FieldInfo
	Text   string
	Prefix bool
}

// FilterPrefix matches text or json values (tokens, for tokenized text) that
// start with Prefix.
type FilterPrefix struct {
	Field  FieldInfo
	Prefix string
}

// FilterSet matches Field equal to any of Values.
type FilterSet struct {
	Field  FieldInfo
	Values []Value
}

// FilterRange matches Field between its bounds.
type FilterRange struct {
	Field FieldInfo
	Lower ValueBound
	Upper ValueBound
}

// ValueBound is one end of a FilterRange.
type ValueBound struct {
	Value     Value
	Inclusive bool
	Unbounded bool
}

// FilterExists matches documents with a value in Field.
type FilterExists struct{ Field FieldInfo }

func (FilterAll) isFilter()    {}
func (FilterAnd) isFilter()    {}
func (FilterOr) isFilter()     {}
func (FilterNot) isFilter()    {}
func (FilterTerm) isFilter()   {}
func (FilterPhrase) isFilter() {}
func (FilterPrefix) isFilter() {}
func (FilterSet) isFilter()    {}
func (FilterRange) isFilter()  {}
func (FilterExists) isFilter() {}
