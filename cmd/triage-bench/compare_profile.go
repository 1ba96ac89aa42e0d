package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"
)

// serverProfile fetches a CPU profile of the Triage server over `seconds`
// from serve -pprof's /debug/pprof/profile into path, in the background:
// a compare run says where the server's time went without a second run.
// wait returns once the file is written (or the fetch failed).
type serverProfile struct {
	done chan error
}

func startServerProfile(ctx context.Context, baseURL, path string, seconds int) *serverProfile {
	p := &serverProfile{done: make(chan error, 1)}
	go func() {
		p.done <- fetchToFile(ctx, baseURL+"/debug/pprof/profile?seconds="+strconv.Itoa(seconds), path)
	}()
	return p
}

func (p *serverProfile) wait() error {
	if p == nil {
		return nil
	}
	return <-p.done
}

// fetchToFile saves the body of a GET of url into path.
func fetchToFile(ctx context.Context, url, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := (&http.Client{Timeout: 10 * time.Minute}).Do(req)
	if err != nil {
		return fmt.Errorf("profile %s: %w", url, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		return fmt.Errorf("profile %s: %s: %s", url, res.Status, b)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return fmt.Errorf("profile %s: %w", url, err)
	}
	return f.Close()
}
