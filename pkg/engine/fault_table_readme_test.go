package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeCarriesFaultTable keeps the README's operations section in step
// with what TestFaultScenarios measures: operators read the table there, so
// a changed outcome must change the README too.
func TestReadmeCarriesFaultTable(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("testdata", "fault_table.golden"))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), string(golden)) {
		t.Fatalf("README.md's Damaged data section differs from testdata/fault_table.golden; copy the golden table into it")
	}
}
