// Package durable writes files so that a crash leaves either the old
// content or the new (write to a temporary, fsync, rename, fsync the
// directory), the one way every stage of the engine persists small files.
//
// It imports only the standard library.
package durable
