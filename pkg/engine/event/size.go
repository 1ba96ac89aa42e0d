package event

import "unsafe"

// MemSize estimates the memory an event holds: the event in two slices
// (the head keeps it twice while a commit merges), its fields and their
// string values. Field names are shared across a batch and not counted.
// The head's MaxBufferBytes and a query's memory budget both count with it.
func MemSize(e *Event) int64 {
	n := 2*int64(unsafe.Sizeof(Event{})) + int64(len(e.Fields))*int64(unsafe.Sizeof(Field{}))
	for i := range e.Fields {
		n += int64(len(e.Fields[i].Value.Str))
	}
	return n
}
