package plugin

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
)

// remembered is what the plugin keeps on disk about a datasource whose
// ingest listener it ran, so the next plugin process can bring the store and
// the listener up at once instead of waiting for Grafana to create the
// datasource's instance, which Grafana does lazily, at first use.
type remembered struct {
	UID          string `json:"uid"`
	DataDir      string `json:"dataDir"`
	IngestListen string `json:"ingestListen"`
	// Token is a salted hash of the ingest token, never the token: the
	// file must not hand out what Grafana keeps encrypted. Nil means the
	// listener takes loopback clients without a token.
	Token *tokenHash `json:"token,omitempty"`
	// SeenAt is when Grafana last had an instance of the datasource; a
	// datasource not seen for the lease is forgotten (see standby.go).
	SeenAt time.Time `json:"seenAt"`
}

// tokenHash is an argon2id hash (RFC 9106) of an ingest token. The cost
// follows OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane): about
// 20 ms per check, paid once per plugin start (see hashAuthHandler).
type tokenHash struct {
	Algorithm string `json:"algorithm"`
	Time      uint32 `json:"time"`
	MemoryKiB uint32 `json:"memoryKiB"`
	Threads   uint8  `json:"threads"`
	Salt      []byte `json:"salt"`
	Hash      []byte `json:"hash"`
}

const (
	argon2idName   = "argon2id"
	argon2Time     = 2
	argon2MemKiB   = 19 * 1024
	argon2Threads  = 1
	argon2KeyBytes = 32
	saltBytes      = 16
)

func hashToken(token string) (*tokenHash, error) {
	salt := make([]byte, saltBytes)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("salt for the ingest token's hash: %w", err)
	}
	return &tokenHash{
		Algorithm: argon2idName, Time: argon2Time, MemoryKiB: argon2MemKiB, Threads: argon2Threads, Salt: salt,
		Hash: argon2.IDKey([]byte(token), salt, argon2Time, argon2MemKiB, argon2Threads, argon2KeyBytes),
	}, nil
}

// matches reports whether token is the one hashed. Parameters come from the
// file, so they are bounded: a damaged or hostile file must not make each
// check take gigabytes.
func (h *tokenHash) matches(token string) bool {
	if h == nil || h.Algorithm != argon2idName || h.Time == 0 || h.Time > 10 || h.MemoryKiB > 256*1024 ||
		h.Threads == 0 || len(h.Salt) < saltBytes || len(h.Hash) != argon2KeyBytes {
		return false
	}
	got := argon2.IDKey([]byte(token), h.Salt, h.Time, h.MemoryKiB, h.Threads, uint32(len(h.Hash)))
	return subtle.ConstantTimeCompare(got, h.Hash) == 1
}

// Grafana's datasource uids are letters, digits, '-' and '_' (at most 40);
// only such uids name a file.
var rememberableUID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// rememberDir is where the records live: beside the default data
// directories, in a folder no datasource uid can name.
func rememberDir() string {
	return filepath.Join(pluginDataBase(), "triage", ".plugin", "datasources")
}

// rememberable says whether a datasource's listener can be brought up again
// by a new process: only a fixed port can (":0" picks another each time).
func rememberable(uid, listen string) bool {
	if !rememberableUID.MatchString(uid) || listen == "" {
		return false
	}
	_, port, err := net.SplitHostPort(listen)
	return err == nil && port != "0"
}

func recordPath(dir, uid string) string { return filepath.Join(dir, uid+".json") }

// saveRecord writes r atomically, readable by the plugin's user only.
func saveRecord(dir string, r *remembered) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("remember datasource %s: %w", r.UID, err)
	}
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+r.UID+"-*.tmp")
	if err != nil {
		return fmt.Errorf("remember datasource %s: %w", r.UID, err)
	}
	_, werr := tmp.Write(append(raw, '\n'))
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("remember datasource %s: %w", r.UID, err)
	}
	if err := os.Rename(tmp.Name(), recordPath(dir, r.UID)); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("remember datasource %s: %w", r.UID, err)
	}
	return nil
}

func forgetRecord(dir, uid string) error {
	if err := os.Remove(recordPath(dir, uid)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("forget datasource %s: %w", uid, err)
	}
	return nil
}

// loadRecords reads every record in dir. A record that cannot be read is
// reported, not fatal: the datasource comes back when Grafana next uses it.
func loadRecords(dir string) ([]*remembered, []error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, []error{fmt.Errorf("read remembered datasources in %s: %w", dir, err)}
	}
	var out []*remembered
	var problems []error
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".json") {
			continue
		}
		path := filepath.Join(dir, name)
		raw, err := os.ReadFile(path)
		if err != nil {
			problems = append(problems, fmt.Errorf("read %s: %w", path, err))
			continue
		}
		var r remembered
		if err := json.Unmarshal(raw, &r); err != nil {
			problems = append(problems, fmt.Errorf("%s is damaged (%v); the datasource comes back when Grafana next uses it", path, err))
			continue
		}
		if r.UID+".json" != name || !rememberable(r.UID, r.IngestListen) || !filepath.IsAbs(r.DataDir) {
			problems = append(problems, fmt.Errorf("%s does not describe a listener to bring up (uid %q, ingestListen %q, dataDir %q)", path, r.UID, r.IngestListen, r.DataDir))
			continue
		}
		out = append(out, &r)
	}
	return out, problems
}
