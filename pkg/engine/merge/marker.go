package merge

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/triage-logs/triage/pkg/engine/quarantine"
	"github.com/triage-logs/triage/pkg/engine/split"
)

// A merged split carries a marker file naming the splits it replaces. The
// marker is written and fsynced inside the split before the rename that
// publishes it, so the rename is the merge's commit point: before it only
// the inputs are visible, after it Open deletes any input still present
// (dropReplacedSplits) before opening splits, so no event is seen twice and
// none is lost, whichever step a crash interrupts.

// MarkerFile is the marker's name inside a merged split's directory;
// the split reader ignores files it does not know.
const MarkerFile = "merged_from.bin"

// mergeMarkerMagic opens the marker: "TRMF", JSON, then the CRC32C of
// magic+JSON (4 bytes LE), like the split metadata.
var mergeMarkerMagic = []byte("TRMF")

// Marker lists the split ids a merged split replaces: its inputs and,
// transitively, the inputs of merged inputs whose directories were not yet
// deleted, so merging a merged split never forgets an input still on disk.
type Marker struct {
	Replaces []string `json:"replaces"`
}

func EncodeMarker(m Marker) ([]byte, error) {
	js, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode merge marker: %w", err)
	}
	b := append(append(make([]byte, 0, len(js)+8), mergeMarkerMagic...), js...)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, split.SplitCRCTable)), nil
}

// DecodeMarker checks and parses a marker; damage yields ErrCorruptSplit.
func DecodeMarker(b []byte) (Marker, error) {
	var m Marker
	if len(b) < len(mergeMarkerMagic)+4 || !bytes.HasPrefix(b, mergeMarkerMagic) {
		return m, fmt.Errorf("%w: merge marker header is missing", split.ErrCorrupt)
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, split.SplitCRCTable) != sum {
		return m, fmt.Errorf("%w: merge marker checksum mismatch", split.ErrCorrupt)
	}
	if err := json.Unmarshal(body[len(mergeMarkerMagic):], &m); err != nil {
		return Marker{}, fmt.Errorf("%w: merge marker: %v", split.ErrCorrupt, err)
	}
	for _, id := range m.Replaces {
		// Ids become paths under the splits directory: refuse anything
		// that could name another directory.
		if id == "" || strings.ContainsAny(id, `/\`) || strings.HasPrefix(id, ".") {
			return Marker{}, fmt.Errorf("%w: merge marker names %q, not a split id", split.ErrCorrupt, id)
		}
	}
	return m, nil
}

// ReadMarker returns a split's marker; a split that was never merged
// has none and replaces nothing.
func ReadMarker(splitPath string) (Marker, error) {
	b, err := os.ReadFile(filepath.Join(splitPath, MarkerFile))
	if errors.Is(err, os.ErrNotExist) {
		return Marker{}, nil
	}
	if err != nil {
		return Marker{}, fmt.Errorf("read merge marker of %s: %w", splitPath, err)
	}
	m, err := DecodeMarker(b)
	if err != nil {
		return Marker{}, fmt.Errorf("split %s: %w", splitPath, err)
	}
	return m, nil
}

// WriteMarker writes and fsyncs the marker into a split directory
// that is not yet published.
func WriteMarker(splitPath string, m Marker) error {
	b, err := EncodeMarker(m)
	if err != nil {
		return err
	}
	path := filepath.Join(splitPath, MarkerFile)
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write merge marker: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = split.SyncSplitParent(splitPath)
	}
	if err != nil {
		return fmt.Errorf("write merge marker %s: %w", path, err)
	}
	return nil
}

// ReplacedIDs is the marker list of a merge of inputs: their ids and the
// still-present splits their own markers list.
func ReplacedIDs(splitsDir string, inputs []*split.Split) ([]string, error) {
	var ids []string
	for _, s := range inputs {
		ids = append(ids, s.Meta.ID)
		m, err := ReadMarker(s.Path())
		if err != nil {
			return nil, err
		}
		for _, id := range m.Replaces {
			if _, err := os.Stat(filepath.Join(splitsDir, id)); err == nil {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// DropReplacedSplits finishes merges a crash interrupted: it deletes every
// split a published merged split replaces. Open calls it before opening
// splits, so the same events are never visible twice. The inputs are
// deleted only once the merged split has passed all its checksums; a
// merged split that fails them while its inputs still hold all its events
// is set aside instead, and the inputs serve. A marker that cannot be read
// is repaired from the splits themselves (merge_marker_repair.go).
func DropReplacedSplits(q quarantine.Dir, splitsDir string) error {
	entries, err := os.ReadDir(splitsDir)
	if err != nil {
		return fmt.Errorf("list splits: %w", err)
	}
	present := map[string]bool{}
	for _, ent := range entries {
		if ent.IsDir() && !strings.HasPrefix(ent.Name(), ".") {
			present[ent.Name()] = true
		}
	}
	inputs := map[string][]string{} // merged split -> its inputs still on disk
	unreadable := map[string]error{}
	var merged []string
	for _, ent := range entries {
		if !present[ent.Name()] {
			continue
		}
		m, err := ReadMarker(filepath.Join(splitsDir, ent.Name()))
		if err != nil {
			unreadable[ent.Name()] = err
			continue
		}
		for _, id := range m.Replaces {
			if present[id] && id != ent.Name() {
				if len(inputs[ent.Name()]) == 0 {
					merged = append(merged, ent.Name())
				}
				inputs[ent.Name()] = append(inputs[ent.Name()], id)
			}
		}
	}
	for _, id := range merged {
		if !present[id] { // itself an input of another merge, already removed
			continue
		}
		if err := finishMerge(q, splitsDir, id, inputs[id], present); err != nil {
			return err
		}
	}
	for _, id := range slices.Sorted(maps.Keys(unreadable)) {
		if present[id] {
			if err := RepairMarker(q, splitsDir, id, unreadable[id], present); err != nil {
				return err
			}
		}
	}
	return nil
}

// finishMerge deletes the inputs of a published merged split once it is
// known whole. A merged split that fails its checksums is set aside when
// its inputs still hold all its events, or when it cannot be opened at all
// (the inputs left are then all there is); one readable in part whose
// other inputs are gone stays, its damage reported by the queries that
// meet it, and the merge is finished.
func finishMerge(q quarantine.Dir, splitsDir, id string, inputs []string, present map[string]bool) error {
	path := filepath.Join(splitsDir, id)
	s, err := split.Open(path)
	opened := err == nil
	if opened {
		err = split.VerifySplit(s)
		s.Close()
	}
	if err != nil && !split.IsDamage(err) {
		return err
	}
	if err == nil {
		return removeSplits(splitsDir, inputs, present)
	}
	served := ""
	if m, merr := split.ReadMeta(path); merr == nil && inputRows(splitsDir, inputs) == m.Rows {
		served = fmt.Sprintf("its inputs %s are whole and serve all its events", strings.Join(inputs, ", "))
	}
	if served == "" && opened {
		return removeSplits(splitsDir, inputs, present)
	}
	present[id] = false
	return split.Quarantine(q, path, err, served)
}

// removeSplits deletes split directories and makes that durable.
func removeSplits(splitsDir string, ids []string, present map[string]bool) error {
	for _, id := range ids {
		if err := os.RemoveAll(filepath.Join(splitsDir, id)); err != nil {
			return fmt.Errorf("remove merged split %s: %w", id, err)
		}
		present[id] = false
	}
	if err := split.SyncSplitParent(splitsDir); err != nil {
		return fmt.Errorf("sync splits directory: %w", err)
	}
	return nil
}

// inputRows sums the rows of splits whose metadata can be read.
func inputRows(splitsDir string, ids []string) int {
	n := 0
	for _, id := range ids {
		if m, err := split.ReadMeta(filepath.Join(splitsDir, id)); err == nil {
			n += m.Rows
		}
	}
	return n
}
