//go:build mage

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

// testEvent is one line of `go test -json` (cmd/test2json).
type testEvent struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

// runGoTestJSON runs `go test -json`, echoes package results and the full
// output of failed tests, and returns the summary line ("go test: N passed,
// N failed, N skipped") for the caller to print last, after any later step,
// because CI reads the last line.
func runGoTestJSON(env map[string]string, args []string) (string, error) {
	cmd := exec.Command("go", append([]string{"test", "-json"}, args...)...)
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return "", err
	}
	outputs := map[string]*strings.Builder{}
	var passed, failed, skipped int
	var failedTests, failedPackages []string
	scanner := bufio.NewScanner(stdout)
	scanner.Buffer(make([]byte, 1<<20), 64<<20)
	for scanner.Scan() {
		var ev testEvent
		if json.Unmarshal(scanner.Bytes(), &ev) != nil {
			fmt.Println(scanner.Text())
			continue
		}
		key := ev.Package + " " + ev.Test
		switch ev.Action {
		case "build-output":
			fmt.Print(ev.Output)
		case "output":
			b := outputs[key]
			if b == nil {
				b = &strings.Builder{}
				outputs[key] = b
			}
			b.WriteString(ev.Output)
		case "pass", "fail", "skip":
			if ev.Test == "" {
				if ev.Action == "fail" {
					failedPackages = append(failedPackages, ev.Package)
					if b := outputs[key]; b != nil {
						fmt.Print(b.String())
					}
				}
				fmt.Printf("%-4s %s (%.1fs)\n", map[string]string{"pass": "ok", "fail": "FAIL", "skip": "?"}[ev.Action], ev.Package, ev.Elapsed)
				delete(outputs, key)
				continue
			}
			switch ev.Action {
			case "pass":
				passed++
			case "skip":
				skipped++
			case "fail":
				failed++
				failedTests = append(failedTests, ev.Package+"."+ev.Test)
				if b := outputs[key]; b != nil {
					fmt.Print(b.String())
				}
			}
			delete(outputs, key)
		}
	}
	waitErr := cmd.Wait()
	sort.Strings(failedTests)
	for _, name := range failedTests {
		fmt.Println("--- FAIL:", name)
	}
	fmt.Printf("go test finished in %s\n", time.Since(start).Round(time.Second))
	summary := fmt.Sprintf("go test: %d passed, %d failed, %d skipped", passed, failed, skipped)
	if waitErr != nil || failed > 0 || len(failedPackages) > 0 {
		return summary, fmt.Errorf("go test failed (%d tests, packages: %s)", failed, strings.Join(failedPackages, ", "))
	}
	return summary, nil
}
