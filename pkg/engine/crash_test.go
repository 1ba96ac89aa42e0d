package engine

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	crashDirEnv   = "TRIAGE_CRASH_DIR"
	crashStartEnv = "TRIAGE_CRASH_START"
	crashBatch    = 50
)

// TestCrashChild is the process the crash test kills: it ingests batches
// forever and prints each batch's number once Ingest acknowledged it.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("run by TestCrashRecovery as a child process")
	}
	start, _ := strconv.Atoi(os.Getenv(crashStartEnv))
	e, err := Open(dir, Options{CommitTimeout: 10 * time.Millisecond, FlushBytes: 128 << 10, WALSegmentBytes: 64 << 10})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	for b := start; ; b++ {
		if _, err := e.Ingest(context.Background(), "logs", testDocs(b*crashBatch, crashBatch), IngestOptions{Commit: CommitMode(b % 3)}); err != nil {
			fmt.Println("ingest:", err)
			os.Exit(2)
		}
		fmt.Fprintf(out, "ack %d\n", b)
		out.Flush()
	}
}

// killChildAfter starts TestCrashChild on dir from batch next, SIGKILLs it
// after want acknowledgements, adds every batch it acknowledged to acked
// and returns the next batch number to use.
func killChildAfter(t *testing.T, dir string, next, want int, acked map[int]bool) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashStartEnv+"="+strconv.Itoa(next))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	got := 0
	for got < want && sc.Scan() {
		line := sc.Text()
		n, ok := strings.CutPrefix(line, "ack ")
		if !ok {
			t.Fatalf("child said %q", line)
		}
		b, _ := strconv.Atoi(n)
		acked[b] = true
		next = max(next, b+1)
		got++
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Acks printed before the kill landed still count.
	for sc.Scan() {
		if n, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			b, _ := strconv.Atoi(n)
			acked[b] = true
			next = max(next, b+1)
		}
	}
	cmd.Wait()
	if got < want {
		t.Fatalf("child stopped after %d acks", got)
	}
	return next + 1 // the batch in flight at the kill may or may not be stored
}

// TestCrashRecovery SIGKILLs a child mid-ingest several times and checks
// after each crash that every acknowledged event is present exactly once.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	acked := map[int]bool{}
	next := 0
	for round := 0; round < 4; round++ {
		// Kill after a varying number of acknowledgements, so the kill lands
		// in different phases (group commit, commit, flush).
		next = killChildAfter(t, dir, next, 30+round*25, acked)
		e, err := Open(dir, testOptions())
		if err != nil {
			t.Fatalf("round %d: reopen after crash: %v", round, err)
		}
		e.commitAll()
		counts := idCounts(t, allEvents(t, e, "logs"))
		_, st, _ := e.DescribeIndex("logs")
		e.Close()
		for id, n := range counts {
			if n != 1 {
				t.Fatalf("round %d: event %d stored %d times", round, id, n)
			}
		}
		for b := range acked {
			for i := 0; i < crashBatch; i++ {
				if counts[int64(b*crashBatch+i)] != 1 {
					t.Fatalf("round %d: acknowledged event %d of batch %d is missing", round, b*crashBatch+i, b)
				}
			}
		}
		if len(st.Damage) != 0 {
			t.Fatalf("round %d: a crash was reported as damage: %+v", round, st.Damage)
		}
		t.Logf("round %d: %d acknowledged batches, %d events stored, %d in splits, %d torn writes cut", round, len(acked), len(counts), st.Events-int64(st.HeadEvents), st.WALTornWrites)
	}
}
