package transport

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/triage-logs/triage/pkg/backend"
)

// tlsConfig builds the client's TLS settings: an extra trusted CA, a client
// certificate for mutual TLS, the expected server name, or no verification.
func tlsConfig(s backend.TLSSettings) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: s.ServerName, InsecureSkipVerify: s.SkipVerify} //nolint:gosec // SkipVerify is the user's explicit choice
	if s.CACertPEM != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM([]byte(s.CACertPEM)) {
			return nil, errors.New("the CA certificate is not PEM-encoded (expected -----BEGIN CERTIFICATE-----)")
		}
		cfg.RootCAs = pool
	}
	if s.ClientCertPEM != "" || s.ClientKeyPEM != "" {
		cert, err := tls.X509KeyPair([]byte(s.ClientCertPEM), []byte(s.ClientKeyPEM))
		if err != nil {
			return nil, fmt.Errorf("client certificate and key: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}
