//go:build ignore

// Run Triage's mage targets without installing mage: `go run mage.go test`.
package main

import (
	"os"

	"github.com/magefile/mage/mage"
)

func main() { os.Exit(mage.Main()) }
