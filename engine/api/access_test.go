package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestPartnersAndAnalyst: two partners and an analyst key across every
// endpoint. A partner sees only its groups: another partner's group, its
// subscribers and history answer exactly as ids that do not exist. The
// analyst reads every partner's and writes nothing (403). No key, or a
// wrong one, is 401 everywhere. No key ever reaches the log.
func TestPartnersAndAnalyst(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.start()
	acme, beta, analyst := w.keys["acme"], w.keys["beta"], w.keys["portfolio"]

	created := func(key, ext string) (group, subscriber string) {
		r := w.do(call{method: "POST", path: "/groups", key: key, body: groupJSON(ext, 2)})
		mustStatus(t, r, http.StatusCreated)
		m := r.json(t)
		return str(m, "group", "id"), str(m, "group", "subscribers", 0, "id")
	}
	aGroup, aSub := created(acme, "A1")
	bGroup, bSub := created(beta, "B1")
	if aGroup == "" || aSub == "" || bGroup == "" || bSub == "" {
		t.Fatal("ids missing from the 201 copies")
	}
	// POST /groups is scoped too: beta sending acme's identifier makes a
	// group of its own and leaves acme's alone.
	if bTwin, _ := created(beta, "A1"); bTwin == aGroup || bTwin == "" {
		t.Errorf("beta's A1 got id %q, acme's is %q", bTwin, aGroup)
	}
	const missing = "01900000-0000-7000-8000-000000000000"
	family := []byte(`{"subscriber": {"external_identifier": "X9", "first_name": "Cy", "last_name": "Doe", "birth_date": "1990-01-01",
		"gender": "male", "location_external_identifier": "L1", "employment_details": {"start_date": "2021-01-01", "status": "full_time"}}}`)

	// Every endpoint with an id, as the owner, as the other partner, and
	// for an id that does not exist.
	type endpoint struct {
		method string
		path   func(group, sub string) string
		body   []byte
		ok     int
	}
	endpoints := []endpoint{
		{"GET", func(g, s string) string { return "/groups/" + g }, nil, 200},
		{"GET", func(g, s string) string { return "/groups/" + g + "/history" }, nil, 200},
		{"GET", func(g, s string) string { return "/subscribers/" + s }, nil, 200},
		{"POST", func(g, s string) string { return "/groups/" + g + "/subscribers" }, family, 201},
	}
	for _, e := range endpoints {
		own := w.do(call{method: e.method, path: e.path(aGroup, aSub), key: acme, body: e.body})
		if own.status != e.ok {
			t.Errorf("%s %s as its partner: %d, want %d\n%s", e.method, e.path(aGroup, aSub), own.status, e.ok, own.body)
		}
		other := w.do(call{method: e.method, path: e.path(aGroup, aSub), key: beta, body: e.body})
		none := w.do(call{method: e.method, path: e.path(missing, missing), key: beta, body: e.body})
		if other.status != http.StatusNotFound || none.status != http.StatusNotFound {
			t.Errorf("%s %s: another partner's %d, a missing one's %d; want 404 for both", e.method, e.path("ID", "ID"), other.status, none.status)
		}
		if !bytes.Equal(other.body, none.body) {
			t.Errorf("%s %s: another partner's group answers otherwise than a missing one:\n%s\n%s", e.method, e.path("ID", "ID"), other.body, none.body)
		}
		if e.method == "GET" {
			for _, g := range [][2]string{{aGroup, aSub}, {bGroup, bSub}} {
				if r := w.do(call{method: e.method, path: e.path(g[0], g[1]), key: analyst}); r.status != http.StatusOK {
					t.Errorf("analyst %s %s: %d", e.method, e.path(g[0], g[1]), r.status)
				}
			}
		} else if r := w.do(call{method: e.method, path: e.path(bGroup, bSub), key: analyst, body: e.body}); r.status != http.StatusForbidden {
			t.Errorf("analyst %s %s: %d, want 403", e.method, e.path("ID", "ID"), r.status)
		}
	}
	if r := w.do(call{method: "POST", path: "/groups", key: analyst, body: groupJSON("Z1", 1)}); r.status != http.StatusForbidden {
		t.Errorf("analyst POST /groups: %d, want 403", r.status)
	}

	// Lists: each partner its own; the analyst every partner's, or one's.
	total := func(key, query string) string {
		r := w.do(call{method: "GET", path: "/groups" + query, key: key})
		mustStatus(t, r, http.StatusOK)
		return r.header.Get("Total")
	}
	if a, b, all, one := total(acme, ""), total(beta, ""), total(analyst, ""), total(analyst, "?partner_id=beta"); a != "1" || b != "2" || all != "3" || one != "2" {
		t.Errorf("totals: acme %s, beta %s, analyst %s, analyst of beta %s", a, b, all, one)
	}
	if r := w.do(call{method: "GET", path: "/groups?partner_id=beta", key: acme}); !strings.Contains(string(r.body), aGroup) || strings.Contains(string(r.body), bGroup) {
		t.Errorf("a partner asking for another's groups: %s", r.body)
	}
	portfolio := func(key string) (groups float64) {
		r := w.do(call{method: "GET", path: "/portfolio", key: key})
		mustStatus(t, r, http.StatusOK)
		var p struct{ Groups float64 }
		json.Unmarshal(r.body, &p)
		return p.Groups
	}
	if a, all := portfolio(acme), portfolio(analyst); a != 1 || all != 3 {
		t.Errorf("portfolio: acme %v groups, analyst %v", a, all)
	}

	// No key, a wrong key, another scheme: 401 on every endpoint.
	paths := []struct{ method, path string }{{"POST", "/groups"}, {"GET", "/groups"}, {"GET", "/groups/" + aGroup},
		{"GET", "/groups/" + aGroup + "/history"}, {"POST", "/groups/" + aGroup + "/subscribers"}, {"GET", "/subscribers/" + aSub}, {"GET", "/portfolio"}}
	for _, p := range paths {
		var body []byte
		if p.method == "POST" {
			body = family
		}
		for _, c := range []call{{key: ""}, {key: strings.ToUpper(acme)}, {header: map[string]string{"Authorization": "Basic " + acme}}} {
			c.method, c.path, c.body = p.method, p.path, body
			if p.path == "/groups" && p.method == "POST" {
				c.body = groupJSON("Z2", 1)
			}
			r := w.do(c)
			if r.status != http.StatusUnauthorized || r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s without a valid key: %d %q", p.method, p.path, r.status, r.header.Get("WWW-Authenticate"))
			}
		}
	}
	if r := w.do(call{method: "GET", path: "/openapi.json"}); r.status != http.StatusOK || !bytes.Contains(r.body, []byte(`"openapi": "3.1.0"`)) {
		t.Errorf("GET /openapi.json: %d", r.status)
	}

	w.stop()
	for who, key := range w.keys {
		if strings.Contains(w.log.String(), key) {
			t.Errorf("the log holds %s's key", who)
		}
	}
}
