package victorialogs

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
)

// Cluster is VictoriaLogs in cluster mode, all from the pinned binary:
// storage nodes, one vlinsert and one vlselect that both know every
// storage node by -storageNode.
type Cluster struct {
	Storage []*Server
	// Insert accepts logs (-select.disable) and shards them across Storage.
	Insert *Server
	// Select answers queries (-insert.disable), merging every storage node.
	Select *Server
}

// StartCluster starts storageNodes vlstorage processes, then a vlinsert and
// a vlselect pointing at them, each with its data under dataDir. Extra
// selectFlags go to the vlselect (e.g. -search.allowPartialResponse).
func StartCluster(ctx context.Context, dataDir string, storageNodes int, selectFlags ...string) (*Cluster, error) {
	if storageNodes < 1 {
		return nil, fmt.Errorf("a VictoriaLogs cluster needs at least one storage node, got %d", storageNodes)
	}
	c := &Cluster{}
	var addrs []string
	for i := range storageNodes {
		s, err := Start(ctx, filepath.Join(dataDir, fmt.Sprintf("vlstorage-%d", i)))
		if err != nil {
			c.Stop()
			return nil, fmt.Errorf("start vlstorage %d: %w", i, err)
		}
		c.Storage = append(c.Storage, s)
		addrs = append(addrs, s.Addr)
	}
	storageFlag := "-storageNode=" + strings.Join(addrs, ",")
	var err error
	if c.Insert, err = Start(ctx, filepath.Join(dataDir, "vlinsert"), storageFlag, "-select.disable"); err != nil {
		c.Stop()
		return nil, fmt.Errorf("start vlinsert: %w", err)
	}
	if c.Select, err = Start(ctx, filepath.Join(dataDir, "vlselect"), append([]string{storageFlag, "-insert.disable"}, selectFlags...)...); err != nil {
		c.Stop()
		return nil, fmt.Errorf("start vlselect: %w", err)
	}
	return c, nil
}

// Stop ends every process of the cluster, query and insert nodes first.
func (c *Cluster) Stop() {
	for _, s := range []*Server{c.Select, c.Insert} {
		if s != nil {
			s.Stop()
		}
	}
	for _, s := range c.Storage {
		s.Stop()
	}
}

// Logs is what every process printed, for failure messages.
func (c *Cluster) Logs() string {
	var b strings.Builder
	for i, s := range c.Storage {
		fmt.Fprintf(&b, "--- vlstorage-%d (%s)\n%s\n", i, s.Addr, s.Log())
	}
	for name, s := range map[string]*Server{"vlinsert": c.Insert, "vlselect": c.Select} {
		if s != nil {
			fmt.Fprintf(&b, "--- %s (%s)\n%s\n", name, s.Addr, s.Log())
		}
	}
	return b.String()
}
