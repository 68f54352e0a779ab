// Package pushtest is a partner's LDEx push receiver for tests: an HTTPS
// server on loopback whose certificate comes from a test CA written to a
// file, for push.ca_file.
package pushtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Request is one request the receiver got.
type Request struct {
	Header http.Header
	Path   string
	Body   []byte
}

// Receiver records every request and answers through Answer.
type Receiver struct {
	// URL is the server's base address (https://127.0.0.1:PORT).
	URL string
	// CAFile holds the test CA's certificate (PEM).
	CAFile string

	srv    *httptest.Server
	mu     sync.Mutex
	got    []Request
	answer func(n int, w http.ResponseWriter, r *http.Request)
}

// New starts a receiver; answer is called for request n (from 1).
func New(t testing.TB, answer func(n int, w http.ResponseWriter, r *http.Request)) *Receiver {
	t.Helper()
	rcv := &Receiver{answer: answer}
	var leaf tls.Certificate
	rcv.CAFile, leaf = NewCA(t, t.TempDir())
	rcv.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rcv.mu.Lock()
		rcv.got = append(rcv.got, Request{Header: r.Header.Clone(), Path: r.URL.Path, Body: body})
		n := len(rcv.got)
		rcv.mu.Unlock()
		rcv.answer(n, w, r)
	}))
	rcv.srv.TLS = &tls.Config{Certificates: []tls.Certificate{leaf}}
	rcv.srv.StartTLS()
	rcv.URL = rcv.srv.URL
	t.Cleanup(rcv.srv.Close)
	return rcv
}

// Requests returns the requests so far.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.got...)
}

// NewCA writes a test CA's certificate to dir/ca.pem and returns it with a
// server certificate it signed for 127.0.0.1.
func NewCA(t testing.TB, dir string) (caFile string, leaf tls.Certificate) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "onboard test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "receiver"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caFile = filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return caFile, tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
