package harness

import (
	"context"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// Plugin is one running plugin process, connected as Grafana connects.
type Plugin struct {
	client      *goplugin.Client
	Data        pluginv2.DataClient
	Diagnostics pluginv2.DiagnosticsClient
	Resource    pluginv2.ResourceClient
	Stream      pluginv2.StreamClient
}

// Options tunes how the plugin process is started.
type Options struct {
	// Env adds variables to the child's environment (which otherwise holds
	// only PATH, PLUGIN_UNIX_SOCKET_DIR and GF_PATHS_DATA, as the SDK's
	// notes require). GF_PATHS_DATA defaults to a directory of this process
	// alone, so what one plugin process remembers (its datasources'
	// listeners) never reaches another test's; pass the same one to two
	// processes to restart the plugin as Grafana would.
	Env []string
	// Log receives the plugin's log lines; nil discards them.
	Log io.Writer
}

// Start launches the plugin and performs the go-plugin handshake. The
// process is stopped when the test ends.
func Start(t testing.TB, opts Options) *Plugin {
	t.Helper()
	p, err := StartProcess(Binary(t), t.TempDir(), opts)
	if err != nil {
		t.Fatalf("start plugin: %v", err)
	}
	t.Cleanup(p.Stop)
	return p
}

// StartProcess is Start without a testing.TB, for benchmarks and tools.
func StartProcess(binary, socketDir string, opts Options) (*Plugin, error) {
	cmd := exec.Command(binary)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "PLUGIN_UNIX_SOCKET_DIR=" + socketDir}, opts.Env...)
	if !slices.ContainsFunc(opts.Env, func(kv string) bool { return strings.HasPrefix(kv, "GF_PATHS_DATA=") }) {
		cmd.Env = append(cmd.Env, "GF_PATHS_DATA="+filepath.Join(socketDir, "grafana-data"))
	}
	logOut := opts.Log
	if logOut == nil {
		logOut = io.Discard
	}
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig: goplugin.HandshakeConfig{
			ProtocolVersion:  grpcplugin.ProtocolVersion,
			MagicCookieKey:   grpcplugin.MagicCookieKey,
			MagicCookieValue: grpcplugin.MagicCookieValue,
		},
		VersionedPlugins: map[int]goplugin.PluginSet{
			grpcplugin.ProtocolVersion: {
				"data":        &grpcplugin.DataGRPCPlugin{},
				"diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{},
				"resource":    &grpcplugin.ResourceGRPCPlugin{},
				"stream":      &grpcplugin.StreamGRPCPlugin{},
			},
		},
		Cmd:              cmd,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		SkipHostEnv:      true,
		StartTimeout:     30 * time.Second,
		Logger:           hclog.New(&hclog.LoggerOptions{Name: "plugin", Output: logOut, Level: hclog.Debug}),
		// Grafana lifts the client's receive limit; large frames must not be
		// cut by the test client where Grafana would accept them.
		GRPCDialOptions: []grpc.DialOption{grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(math.MaxInt32), grpc.MaxCallSendMsgSize(math.MaxInt32))},
	})
	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		return nil, err
	}
	p := &Plugin{client: client}
	for name, dst := range map[string]func(any){
		"data":        func(v any) { p.Data = v.(pluginv2.DataClient) },
		"diagnostics": func(v any) { p.Diagnostics = v.(pluginv2.DiagnosticsClient) },
		"resource":    func(v any) { p.Resource = v.(pluginv2.ResourceClient) },
		"stream":      func(v any) { p.Stream = v.(pluginv2.StreamClient) },
	} {
		v, err := rpc.Dispense(name)
		if err != nil {
			client.Kill()
			return nil, err
		}
		dst(v)
	}
	return p, nil
}

// Stop ends the plugin process as Grafana does on shutdown.
func (p *Plugin) Stop() { p.client.Kill() }

// Exited reports whether the plugin process has ended.
func (p *Plugin) Exited() bool { return p.client.Exited() }

// context for one call; tests never wait forever on a hung plugin.
func callContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 60*time.Second)
}

// Metrics returns the plugin's Prometheus metrics in the text format, as
// Grafana collects them for its own /metrics.
func (p *Plugin) Metrics(t testing.TB) string {
	t.Helper()
	ctx, cancel := callContext()
	defer cancel()
	res, err := p.Diagnostics.CollectMetrics(ctx, &pluginv2.CollectMetricsRequest{})
	if err != nil {
		t.Fatalf("CollectMetrics: %v", err)
	}
	return string(res.GetMetrics().GetPrometheus())
}
