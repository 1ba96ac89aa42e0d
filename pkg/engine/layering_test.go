package engine

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const enginePath = "github.com/triage-logs/triage/pkg/engine"

// engineStages lists the packages under pkg/engine in data-flow order: a
// stage may import only stages before it, never a later one and never
// pkg/engine, which orchestrates them all. A new package must be placed
// here, or TestStagesImportOnlyEarlierStages fails.
var engineStages = []string{
	"priority",   // foreground work before background work
	"event",      // the data model
	"durable",    // crash-safe small-file writes
	"jsonscan",   // the JSON scanner
	"quarantine", // damage reports and the quarantine directory
	"column",     // column-chunk encodings
	"wal",        // the write-ahead log
	"split",      // the split format: writer, reader, meta, term index, blooms
	"budget",     // query limits, the memory meter, the error kinds queries share
	"search",     // filters, pruning, row sets, the plan and scan over a snapshot, top-N
	"agg",        // aggregation specs, collectors, passes, results
	"merge",      // merge policy, merge stream, merge markers
}

// testOnlyPackages hold fixtures and oracles; no stage and not pkg/engine
// itself may import them outside tests.
var testOnlyPackages = []string{"internal/fixture", "internal/quickwit", "internal/splittest"}

// maxStageFileLines is the size a file of a stage package may reach
// (tests included) before it is split by concept.
const maxStageFileLines = 400

// goListDeps runs go list -deps for pkg and returns the pkg/engine
// packages it depends on, pkg itself excluded, relative to pkg/engine.
func goListDeps(t *testing.T, pkg string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", pkg)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, stderr.String())
	}
	var deps []string
	for _, line := range strings.Fields(string(out)) {
		if line == pkg {
			continue
		}
		if line == enginePath {
			deps = append(deps, ".")
			continue
		}
		if rel, ok := strings.CutPrefix(line, enginePath+"/"); ok {
			deps = append(deps, rel)
		}
	}
	return deps
}

// TestStagesImportOnlyEarlierStages is the one-way rule of issue 17: what
// go list -deps shows of each stage holds only earlier stages.
func TestStagesImportOnlyEarlierStages(t *testing.T) {
	for i, stage := range engineStages {
		for _, dep := range goListDeps(t, enginePath+"/"+stage) {
			j := slices.Index(engineStages, dep)
			switch {
			case dep == ".":
				t.Errorf("stage %s imports pkg/engine, which orchestrates the stages", stage)
			case slices.Contains(testOnlyPackages, dep):
				t.Errorf("stage %s imports the test-only package %s", stage, dep)
			case j < 0:
				t.Errorf("stage %s imports %s, which is not in engineStages: place it there", stage, dep)
			case j >= i:
				t.Errorf("stage %s imports %s, a later stage (order: %s)", stage, dep, strings.Join(engineStages, " → "))
			}
		}
	}
	for _, dep := range goListDeps(t, enginePath) {
		if slices.Contains(testOnlyPackages, dep) {
			t.Errorf("pkg/engine imports the test-only package %s outside its tests", dep)
		}
	}
}

// TestEveryEnginePackageIsAStage keeps engineStages complete: a package
// under pkg/engine that is neither a stage nor test-only escapes the rule.
func TestEveryEnginePackageIsAStage(t *testing.T) {
	out, err := exec.Command("go", "list", "./...").Output()
	if err != nil {
		t.Fatalf("go list ./...: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		rel, ok := strings.CutPrefix(pkg, enginePath+"/")
		if !ok {
			continue
		}
		if !slices.Contains(engineStages, rel) && !slices.Contains(testOnlyPackages, rel) {
			t.Errorf("package %s is not listed in engineStages (or testOnlyPackages)", rel)
		}
	}
}

// TestStageFilesStaySmall checks that no Go file of a stage package (tests
// included) passes maxStageFileLines.
func TestStageFilesStaySmall(t *testing.T) {
	for _, dir := range append(slices.Clone(engineStages), testOnlyPackages...) {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s (%v)", dir, err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if n := bytes.Count(b, []byte("\n")); n > maxStageFileLines {
				t.Errorf("%s has %d lines; split it by concept below %d", f, n, maxStageFileLines)
			}
		}
	}
}
