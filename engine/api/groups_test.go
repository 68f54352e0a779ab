package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// coverageStart is the first day of next month: inside every carrier
// window, and a first of the month as carriers like.
func coverageStart() string {
	now := time.Now().UTC()
	return time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// groupJSON is a group of subscribers employees, each with a spouse
// covered under medical: 2×subscribers members.
func groupJSON(ext string, subscribers int) []byte {
	type m = map[string]any
	start := coverageStart()
	var subs []m
	for i := 0; i < subscribers; i++ {
		id := fmt.Sprintf("%s-E%d", ext, i+1)
		subs = append(subs, m{
			"external_identifier": id, "location_external_identifier": "L1",
			"first_name": "Ann", "last_name": fmt.Sprintf("Lee%d", i), "gender": "female", "birth_date": "1980-01-02",
			"social_security_number": fmt.Sprintf("%03d%02d%04d", 100+i%800, 10+i%80, 1000+i),
			"residential_address":    m{"address_line_1": "1 Main St", "city": "Tallahassee", "state": "FL", "zip": "32301"},
			"employment_details":     m{"start_date": "2020-01-01", "status": "full_time"},
			"enrollments":            []m{{"product_line": "medical", "plan_id": "BC-PPO-500", "coverage_level": "employee_spouse", "start_date": start}},
			"dependents": []m{{"external_identifier": id + "-S", "first_name": "Bo", "last_name": fmt.Sprintf("Lee%d", i),
				"birth_date": "1981-03-04", "gender": "male", "subscriber_relationship": "spouse", "product_lines": []string{"medical"}}},
		})
	}
	g := m{"group": m{
		"external_identifier": ext,
		"employer":            m{"organization_name": "Company " + ext, "fein": "222222222", "established_date": "1999-08-13", "employer_type": "private_sector"},
		"primary_location": m{"external_identifier": "L1", "type": "physical",
			"employer_address": m{"address_line_1": "30 W Live Oak Ave", "city": "Defuniak Springs", "state": "FL", "zip": "32435", "fips_county_code": "12131"}},
		"subscribers": subs,
	}}
	b, _ := json.Marshal(g)
	return b
}

// TestSeedRequest: the Ideon documentation's request body, sent as is, is
// created (201) with a copy carrying every id; sent again it is 200 and
// unchanged, with the same ids; GET answers Ideon's status document.
func TestSeedRequest(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.start()
	acme := w.keys["acme"]
	r := w.do(call{method: "POST", path: "/groups", key: acme, body: seed(t)})
	mustStatus(t, r, http.StatusCreated)
	m := r.json(t)
	id, loc := str(m, "group", "id"), str(m, "group", "primary_location", "id")
	if id == "" || loc == "" {
		t.Fatalf("the copy lacks ids: %s", r.body)
	}
	if got := str(m, "group", "external_identifier"); got != "Group1" {
		t.Errorf("external_identifier %q", got)
	}
	if got := str(m, "group", "primary_location", "employer_address", "address_line_1"); got != "30 W Live Oak Ave" {
		t.Errorf("address_line_1 %q", got)
	}

	again := w.do(call{method: "POST", path: "/groups", key: acme, body: seed(t)})
	mustStatus(t, again, http.StatusOK)
	if str(again.json(t), "group", "id") != id || str(again.json(t), "group", "primary_location", "id") != loc {
		t.Errorf("the same group again got other ids: %s", again.body)
	}

	g := w.do(call{method: "GET", path: "/groups/" + id, key: acme})
	mustStatus(t, g, http.StatusOK)
	gm := g.json(t)
	if str(gm, "status") != "pending" || str(gm, "status_datetime") == "" || str(gm, "group", "id") != id {
		t.Errorf("status document: %s", g.body)
	}
	if errs, _ := gm["errors"].([]any); errs == nil || len(errs) != 0 {
		t.Errorf("errors must be an empty array: %s", g.body)
	}

	h := w.do(call{method: "GET", path: "/groups/" + id + "/history", key: acme})
	mustStatus(t, h, http.StatusOK)
	var hist struct {
		Events []struct{ Reason, Source, To string }
	}
	json.Unmarshal(h.body, &hist)
	if len(hist.Events) != 1 || hist.Events[0].To != "pending" || !strings.HasPrefix(hist.Events[0].Source, "api:") ||
		!strings.Contains(hist.Events[0].Reason, "created from API request "+r.header.Get("X-Request-Id")) {
		t.Errorf("history of a group created by the API: %s", h.body)
	}
}

// TestMissingAddressLine1: the seed without address_line_1 is the Ideon
// documentation's error case: 422 naming that parameter, and nothing
// stored.
func TestMissingAddressLine1(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.start()
	body := strings.Replace(string(seed(t)), `"address_line_1": "30 W Live Oak Ave",`, "", 1)
	if body == string(seed(t)) {
		t.Fatal("the seed has no address_line_1 to remove")
	}
	r := w.do(call{method: "POST", path: "/groups", key: w.keys["acme"], body: []byte(body), invalid: true})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	errs := errorsOf(t, r)
	if !hasParam(errs, "group.primary_location.employer_address.address_line_1") || len(errs) != 1 {
		t.Errorf("errors: %s", r.body)
	}
	if errs[0]["error_type"] != "invalid_request.parameter_required" {
		t.Errorf("error_type %v", errs[0]["error_type"])
	}
	l := w.do(call{method: "GET", path: "/groups", key: w.keys["acme"]})
	if l.header.Get("Total") != "0" {
		t.Errorf("a rejected group was stored: Total %s", l.header.Get("Total"))
	}
}

// TestUnknownFields: fields the model does not have are 422, each named.
func TestUnknownFields(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.start()
	body := strings.Replace(string(seed(t)), `"external_identifier": "Group1",`, `"external_identifier": "Group1", "colour": "red",`, 1)
	body = strings.Replace(body, `"zip": "32435",`, `"zip": "32435", "zip4": "1234",`, 1)
	r := w.do(call{method: "POST", path: "/groups", key: w.keys["acme"], body: []byte(body), invalid: true})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	errs := errorsOf(t, r)
	for _, p := range []string{"group.colour", "group.primary_location.employer_address.zip4"} {
		if !hasParam(errs, p) {
			t.Errorf("no error names %s: %s", p, r.body)
		}
	}
	s := w.do(call{method: "POST", path: "/groups", key: w.keys["acme"], body: seed(t)})
	mustStatus(t, s, http.StatusCreated)
	sub := w.do(call{method: "POST", path: "/groups/" + str(s.json(t), "group", "id") + "/subscribers", key: w.keys["acme"],
		body: []byte(`{"subscriber": {"external_identifier": "E1", "first_name": "A", "last_name": "B", "nickname": "x"}, "note": 1}`), invalid: true})
	mustStatus(t, sub, http.StatusUnprocessableEntity)
	if errs := errorsOf(t, sub); !hasParam(errs, "note") {
		t.Errorf("unknown top-level field not named: %s", sub.body)
	}
}

// TestLimits: a body over 10 MiB is 413; a key past its rate is 429 with
// Retry-After; a body that is not JSON is 415.
func TestLimits(t *testing.T) {
	w := newWorld(t, worldOpts{rateLimit: 2})
	w.start()
	acme := w.keys["acme"]
	big := append([]byte(`{"group": {"external_identifier": "`), []byte(strings.Repeat("x", 10<<20))...)
	big = append(big, `"}}`...)
	r := w.do(call{method: "POST", path: "/groups", key: acme, body: big, invalid: true})
	mustStatus(t, r, http.StatusRequestEntityTooLarge)

	ct := w.do(call{method: "POST", path: "/groups", key: w.keys["beta"], body: seed(t), header: map[string]string{"Content-Type": "text/plain"}, invalid: true})
	mustStatus(t, ct, http.StatusUnsupportedMediaType)

	// A burst of twice the rate passes; then 429 until a token comes back.
	var limited *reply
	for i := 0; i < 10 && limited == nil; i++ {
		g := w.do(call{method: "GET", path: "/groups", key: acme})
		if g.status == http.StatusTooManyRequests {
			limited = &g
		}
	}
	if limited == nil {
		t.Fatal("no 429 after 10 requests at a rate limit of 2/s")
	}
	if ra := limited.header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After %q", ra)
	}
	// Another key has its own bucket.
	mustStatus(t, w.do(call{method: "GET", path: "/groups", key: w.keys["portfolio"]}), http.StatusOK)
	time.Sleep(1100 * time.Millisecond)
	mustStatus(t, w.do(call{method: "GET", path: "/groups", key: acme}), http.StatusOK)
}

// TestPaging: per_page splits the caller's groups; Link and Total say
// where the others are.
func TestPaging(t *testing.T) {
	w := newWorld(t, worldOpts{})
	w.start()
	for i := 1; i <= 3; i++ {
		mustStatus(t, w.do(call{method: "POST", path: "/groups", key: w.keys["acme"], body: groupJSON(fmt.Sprintf("G%d", i), 1)}), http.StatusCreated)
	}
	r := w.do(call{method: "GET", path: "/groups?per_page=2", key: w.keys["acme"]})
	mustStatus(t, r, http.StatusOK)
	if r.header.Get("Total") != "3" {
		t.Errorf("Total %q", r.header.Get("Total"))
	}
	links := strings.Join(r.header.Values("Link"), ", ")
	if !strings.Contains(links, `page=2&per_page=2>; rel="next"`) || !strings.Contains(links, `rel="last"`) {
		t.Errorf("Link %s", links)
	}
	var page struct{ Groups []map[string]any }
	json.Unmarshal(r.body, &page)
	if len(page.Groups) != 2 {
		t.Errorf("%d groups on page 1", len(page.Groups))
	}
	r2 := w.do(call{method: "GET", path: "/groups?per_page=2&page=2", key: w.keys["acme"]})
	json.Unmarshal(r2.body, &page)
	if len(page.Groups) != 1 || !strings.Contains(strings.Join(r2.header.Values("Link"), ","), `rel="prev"`) {
		t.Errorf("page 2: %s %v", r2.body, r2.header.Values("Link"))
	}
	bad := w.do(call{method: "GET", path: "/groups?per_page=1000&status=lost", key: w.keys["acme"], invalid: true})
	mustStatus(t, bad, http.StatusUnprocessableEntity)
	if errs := errorsOf(t, bad); !hasParam(errs, "per_page") || !hasParam(errs, "status") {
		t.Errorf("errors %s", bad.body)
	}
}
