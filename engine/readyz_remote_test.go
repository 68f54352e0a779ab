package engine

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestReadyzDetailOnlyForLocalhost: /readyz showed paths, SFTP user@host
// and raw errors to anyone who could reach it. A client on the machine
// (loopback, not relayed by a proxy) gets the detail; any other gets the
// status alone, with the same HTTP code.
func TestReadyzDetailOnlyForLocalhost(t *testing.T) {
	cfg := opsConfig(t.TempDir())
	d := mustDaemon(t, newTestEngine(t, cfg, nil))
	h := d.Handler()
	for _, tc := range []struct {
		name, remote, forwarded string
		detail                  bool
	}{
		{"loopback v4", "127.0.0.1:40000", "", true},
		{"loopback v6", "[::1]:40000", "", true},
		{"another host", "192.0.2.7:40000", "", false},
		{"relayed by a local proxy", "127.0.0.1:40000", "198.51.100.4", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/readyz", nil)
			req.RemoteAddr = tc.remote
			if tc.forwarded != "" {
				req.Header.Set("X-Forwarded-For", tc.forwarded)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			body := rec.Body.String()
			var doc map[string]any
			if err := json.Unmarshal([]byte(body), &doc); err != nil {
				t.Fatalf("body %q: %v", body, err)
			}
			if rec.Code != http.StatusOK || doc["status"] != "ready" {
				t.Fatalf("code %d, body %s", rec.Code, body)
			}
			_, hasFolders := doc["folders"]
			if hasFolders != tc.detail || strings.Contains(body, "inbound") != tc.detail {
				t.Errorf("detail shown = %v, want %v: %s", hasFolders, tc.detail, body)
			}
		})
	}
	// Over real loopback HTTP the operator on the machine sees the detail.
	srv := httptest.NewServer(h)
	defer srv.Close()
	if _, rd := readyz(t, srv); len(rd.Folders) != 4 {
		t.Errorf("over loopback: folders %+v, want the detail", rd.Folders)
	}
}
