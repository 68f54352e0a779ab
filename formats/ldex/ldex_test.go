package ldex

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// sampleBundle is a synced group of three subscribers, in deliberately
// scrambled list order so the tests see Write's normalisation.
func sampleBundle() *Bundle {
	t0 := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	ny := time.FixedZone("EST", -5*3600)
	return &Bundle{
		BundleID:    "0b9f3c1e-2d4a-4c5e-9f00-5a7d3e2b1c01",
		GeneratedAt: time.Date(2025, 3, 4, 6, 0, 0, 0, ny),
		Partner:     Party{ID: "acme", Name: "ACME Benefits"},
		Customer: Customer{
			GroupID:            "7c1d2e3f-0000-4a4a-8b8b-0f1e2d3c4b5a",
			ExternalIdentifier: "G-1001",
			OrganizationName:   "Harbor & Pine Bakery, LLC",
			FEIN:               MaskFEIN("12-3456789"),
			Address: Address{
				AddressLine1: "100 Main St", AddressLine2: "Suite 4", City: "Portland",
				State: "ME", Zip: "04101", FIPSCountyCode: "005", CountryCode: "US",
			},
			LocationsCount:  2,
			SubscriberCount: 3,
			DependentCount:  2,
			EstablishedDate: "2011-06-15",
		},
		Policy: Policy{
			Carrier:        Party{ID: "bluecross", Name: "Blue Cross Example"},
			PolicyNumber:   "BCX-778812",
			Status:         "synced",
			StatusDatetime: t0.Add(72 * time.Hour),
			EffectiveDate:  "2025-04-01",
			ProductLines:   []string{"dental", "medical"},
		},
		Coverages: []Coverage{
			{ProductLine: "dental", Subscribers: 2, Dependents: 1,
				ByCoverageLevel: map[string]int{"employee_only": 1, "family": 1}},
			{ProductLine: "medical", Subscribers: 3, Dependents: 2,
				ByCoverageLevel: map[string]int{"family": 1, "employee_only": 1, "employee_spouse": 1}},
		},
		Plans: []Plan{
			{PlanID: "BC-DEN-STD", Name: "Dental Standard", ProductLine: "dental", Enrolled: 2},
			{PlanID: "BC-PPO-500", Name: "PPO 500", ProductLine: "medical", Enrolled: 2},
			{PlanID: "BC-HMO-250", Name: "HMO 250", ProductLine: "medical", Enrolled: 1},
		},
		Rates: []Rate{
			{PlanID: "BC-PPO-500",
				MonthlyPremium: map[string]Money{"employee_only": Dollars(512), "employee_spouse": Dollars(1024), "employee_children": Dollars(921.60), "family": Dollars(1433.60)},
				Enrolled:       map[string]int{"employee_only": 1, "family": 1},
				MonthlyTotal:   Dollars(1945.60)},
			{PlanID: "BC-HMO-250",
				MonthlyPremium: map[string]Money{"employee_only": Dollars(431), "employee_spouse": Dollars(862), "employee_children": Dollars(775.80), "family": Dollars(1206.80)},
				Enrolled:       map[string]int{"employee_spouse": 1},
				MonthlyTotal:   Dollars(862)},
			{PlanID: "BC-DEN-STD",
				MonthlyPremium: map[string]Money{"employee_only": Dollars(38), "employee_spouse": Dollars(76), "employee_children": Dollars(84), "family": Dollars(121)},
				Enrolled:       map[string]int{"employee_only": 1, "family": 1},
				MonthlyTotal:   Dollars(159)},
		},
		EstimatedMonthlyTotal: Dollars(2966.60),
		Transmission: Transmission{
			GroupID:            "7c1d2e3f-0000-4a4a-8b8b-0f1e2d3c4b5a",
			LastTransmissionID: "tx-000042",
			ISA13:              "000000042",
			FileNames:          []string{"BLUECROSS-834-000000042.x12"},
			LastAckResult:      "accepted",
			StatusMessages: []StatusMessage{
				{At: t0, Status: "pending", Message: "Accepted from acme-census.csv; waiting for the next transmission."},
				{At: t0.Add(72 * time.Hour), Status: "synced", Message: "Blue Cross Example accepted every member; policy BCX-778812."},
				{At: t0.Add(2 * time.Hour), Status: "submitted", Message: "Sent in BLUECROSS-834-000000042.x12 (ISA13 000000042)."},
			},
		},
	}
}

func writeString(t *testing.T, b *Bundle) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, b); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.String()
}

func TestWriteGolden(t *testing.T) {
	got := writeString(t, sampleBundle())
	path := filepath.Join("testdata", "bundle.golden.json")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("Write output differs from %s (run with -update if intended):\n%s", path, got)
	}
	if !strings.HasSuffix(got, "}\n") || !strings.Contains(got, "\n  \"customer\": {") {
		t.Errorf("want indented JSON ending in a newline, got:\n%s", got)
	}
}

func TestWriteNormalises(t *testing.T) {
	b := sampleBundle()
	before := writeString(t, b) // also checks that Write leaves b alone below
	var doc struct {
		GeneratedAt string `json:"generated_at"`
		Policy      struct {
			ProductLines []string `json:"product_lines"`
		} `json:"policy"`
		Coverages []struct {
			ProductLine string `json:"product_line"`
		} `json:"coverages"`
		Plans []struct {
			PlanID string `json:"plan_id"`
		} `json:"plans"`
		Rates []struct {
			PlanID string `json:"plan_id"`
		} `json:"rates"`
		Transmission struct {
			StatusMessages []struct {
				Status string `json:"status"`
			} `json:"status_messages"`
		} `json:"transmission"`
	}
	if err := json.Unmarshal([]byte(before), &doc); err != nil {
		t.Fatal(err)
	}
	var plans, rates, msgs, covs []string
	for _, p := range doc.Plans {
		plans = append(plans, p.PlanID)
	}
	for _, r := range doc.Rates {
		rates = append(rates, r.PlanID)
	}
	for _, m := range doc.Transmission.StatusMessages {
		msgs = append(msgs, m.Status)
	}
	for _, c := range doc.Coverages {
		covs = append(covs, c.ProductLine)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"generated_at in UTC", doc.GeneratedAt, "2025-03-04T11:00:00Z"},
		{"product lines in canonical order", doc.Policy.ProductLines, []string{"medical", "dental"}},
		{"coverages by product line", covs, []string{"medical", "dental"}},
		{"plans by product line then id", plans, []string{"BC-HMO-250", "BC-PPO-500", "BC-DEN-STD"}},
		{"rates by plan id", rates, []string{"BC-DEN-STD", "BC-HMO-250", "BC-PPO-500"}},
		{"status messages newest first", msgs, []string{"synced", "submitted", "pending"}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	if !reflect.DeepEqual(b, sampleBundle()) {
		t.Error("Write changed the bundle it was given")
	}

	// nil lists and maps encode as [] and {}, never null.
	empty := writeString(t, &Bundle{Coverages: []Coverage{{ProductLine: "medical"}}, Rates: []Rate{{PlanID: "x"}}})
	if strings.Contains(empty, "null") {
		t.Errorf("nil lists or maps encoded as null:\n%s", empty)
	}
	if !strings.Contains(empty, `"bundle_version": "1"`) {
		t.Errorf("empty bundle_version not defaulted to %q:\n%s", Version, empty)
	}
}

func TestBundleValidatesAgainstSchema(t *testing.T) {
	schema, err := newJSONSchema(Schema)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		bundle func() *Bundle
	}{
		{"sample", sampleBundle},
		{"layout carrier, nothing optional", func() *Bundle {
			b := sampleBundle()
			b.Customer.EstablishedDate = ""
			b.Customer.Address = Address{AddressLine1: "1 Elm", City: "Bangor", State: "ME", Zip: "04401-1234"}
			b.Transmission.ISA13 = ""
			b.Transmission.LastAckResult = ""
			b.Transmission.FileNames = nil
			b.Transmission.StatusMessages = nil
			b.Coverages, b.Plans, b.Rates = nil, nil, nil
			b.Customer.FEIN = FEIN{} // unknown FEIN: fully masked
			return b
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst, err := decodeJSON([]byte(writeString(t, tt.bundle())))
			if err != nil {
				t.Fatal(err)
			}
			if errs := schema.Validate(inst); len(errs) > 0 {
				t.Errorf("bundle does not validate:\n%s", strings.Join(errs, "\n"))
			}
		})
	}
}

func TestSchemaRejectsWrongBundles(t *testing.T) {
	schema, err := newJSONSchema(Schema)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		mutate      func(doc map[string]any)
		errContains string
	}{
		{"an ssn field", func(d map[string]any) {
			obj(d, "customer")["social_security_number"] = "123-45-6789"
		}, `additional property "social_security_number"`},
		{"unknown top-level field", func(d map[string]any) { d["extra"] = true }, `additional property "extra"`},
		{"raw FEIN", func(d map[string]any) { obj(d, "customer")["fein"] = "12-3456789" }, `$.customer.fein: "12-3456789" does not match`},
		{"raw FEIN digits", func(d map[string]any) { obj(d, "customer")["fein"] = "123456789" }, `$.customer.fein`},
		{"missing policy number", func(d map[string]any) { delete(obj(d, "policy"), "policy_number") }, `missing required property "policy_number"`},
		{"empty policy number", func(d map[string]any) { obj(d, "policy")["policy_number"] = "" }, `shorter than 1`},
		{"US-style date", func(d map[string]any) { obj(d, "customer")["established_date"] = "06/15/2011" }, `$.customer.established_date: "06/15/2011" does not match`},
		{"impossible date", func(d map[string]any) { obj(d, "policy")["effective_date"] = "2025-13-40" }, `is not a valid date`},
		{"bad date-time", func(d map[string]any) { d["generated_at"] = "2025-03-04 06:00" }, `is not a valid date-time`},
		{"unknown status", func(d map[string]any) { obj(d, "policy")["status"] = "active" }, `"active" is not one of`},
		{"money as a number", func(d map[string]any) { d["estimated_monthly_total"] = json.Number("2966.6") }, `$.estimated_monthly_total: is number, want string`},
		{"money with one decimal", func(d map[string]any) { d["estimated_monthly_total"] = "2966.6" }, `does not match`},
		{"unknown coverage level", func(d map[string]any) {
			obj(item(d, "coverages", 0), "by_coverage_level")["everyone"] = json.Number("3")
		}, `additional property "everyone"`},
		{"negative count", func(d map[string]any) { obj(d, "customer")["subscriber_count"] = json.Number("-1") }, `less than 0`},
		{"fractional count", func(d map[string]any) { item(d, "plans", 0)["enrolled"] = json.Number("1.5") }, `want integer`},
		{"unknown product line", func(d map[string]any) { item(d, "plans", 0)["product_line"] = "pet" }, `"pet" is not one of`},
		{"short ISA13", func(d map[string]any) { obj(d, "transmission")["isa13"] = "42" }, `$.transmission.isa13`},
		{"file names not a list", func(d map[string]any) { obj(d, "transmission")["file_names"] = "a.x12" }, `want array`},
		{"wrong version", func(d map[string]any) { d["bundle_version"] = "2" }, `$.bundle_version: is "2", want "1"`},
		{"bundle id with a slash", func(d map[string]any) { d["bundle_id"] = "../x" }, `$.bundle_id`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst, err := decodeJSON([]byte(writeString(t, sampleBundle())))
			if err != nil {
				t.Fatal(err)
			}
			tt.mutate(inst.(map[string]any))
			errs := schema.Validate(inst)
			if len(errs) == 0 {
				t.Fatalf("schema accepted the wrong bundle")
			}
			if joined := strings.Join(errs, "\n"); !strings.Contains(joined, tt.errContains) {
				t.Errorf("errors do not mention %q:\n%s", tt.errContains, joined)
			}
		})
	}
}

func obj(d map[string]any, key string) map[string]any { return d[key].(map[string]any) }

func item(d map[string]any, key string, i int) map[string]any {
	return d[key].([]any)[i].(map[string]any)
}

// TestValidatorKeywords keeps the test validator honest: each keyword it
// claims to support rejects what it should.
func TestValidatorKeywords(t *testing.T) {
	tests := []struct {
		schema, instance string
		wantErr          string // empty: valid
	}{
		{`{"type":"string"}`, `"a"`, ""},
		{`{"type":"string"}`, `1`, "want string"},
		{`{"type":["string","null"]}`, `null`, ""},
		{`{"type":"integer"}`, `2.0`, ""},
		{`{"type":"integer"}`, `2.5`, "want integer"},
		{`{"const":"1"}`, `"2"`, "want"},
		{`{"enum":["a","b"]}`, `"c"`, "not one of"},
		{`{"required":["a"]}`, `{}`, `missing required property "a"`},
		{`{"properties":{"a":{"type":"string"}}}`, `{"a":1}`, "$.a: is number"},
		{`{"properties":{"a":true},"additionalProperties":false}`, `{"a":1,"b":2}`, `additional property "b"`},
		{`{"additionalProperties":{"type":"integer"}}`, `{"b":"x"}`, "$.b: is string"},
		{`{"items":{"type":"integer"}}`, `[1,"x"]`, "$[1]: is string"},
		{`{"pattern":"^a+$"}`, `"ab"`, "does not match"},
		{`{"format":"date"}`, `"2024-02-30"`, "not a valid date"},
		{`{"format":"date"}`, `"2024-02-29"`, ""},
		{`{"format":"date-time"}`, `"2024-02-29T10:00:00+01:00"`, ""},
		{`{"format":"date-time"}`, `"2024-02-29"`, "not a valid date-time"},
		{`{"minimum":0}`, `-1`, "less than"},
		{`{"minLength":2}`, `"é"`, "shorter than"},
		{`{"$defs":{"n":{"type":"integer"}},"$ref":"#/$defs/n"}`, `"x"`, "want integer"},
		{`{"$ref":"#/$defs/missing"}`, `1`, "does not resolve"},
		{`{"maxLength":2}`, `"abc"`, "not supported"},
		{`false`, `1`, "not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.schema+" "+tt.instance, func(t *testing.T) {
			s, err := newJSONSchema([]byte(tt.schema))
			if err != nil {
				t.Fatal(err)
			}
			inst, err := decodeJSON([]byte(tt.instance))
			if err != nil {
				t.Fatal(err)
			}
			errs := strings.Join(s.Validate(inst), "\n")
			if tt.wantErr == "" && errs != "" {
				t.Errorf("want valid, got %s", errs)
			}
			if tt.wantErr != "" && !strings.Contains(errs, tt.wantErr) {
				t.Errorf("want an error containing %q, got %q", tt.wantErr, errs)
			}
		})
	}
}

func TestContentHash(t *testing.T) {
	base := ContentHash(sampleBundle())
	if len(base) != 64 {
		t.Fatalf("ContentHash = %q, want 64 hex digits", base)
	}
	tests := []struct {
		name   string
		change func(b *Bundle)
		same   bool
	}{
		{"new bundle id", func(b *Bundle) { b.BundleID = "another" }, true},
		{"new generated_at", func(b *Bundle) { b.GeneratedAt = b.GeneratedAt.Add(24 * time.Hour) }, true},
		{"same instant in another zone", func(b *Bundle) { b.Policy.StatusDatetime = b.Policy.StatusDatetime.In(time.FixedZone("X", 3600)) }, true},
		{"lists in another order", func(b *Bundle) {
			b.Plans[0], b.Plans[2] = b.Plans[2], b.Plans[0]
			b.Rates[0], b.Rates[1] = b.Rates[1], b.Rates[0]
		}, true},
		{"policy number", func(b *Bundle) { b.Policy.PolicyNumber = "BCX-778813" }, false},
		{"status", func(b *Bundle) { b.Policy.Status = "errors" }, false},
		{"one more enrolled", func(b *Bundle) { b.Plans[0].Enrolled++ }, false},
		{"a cent", func(b *Bundle) { b.EstimatedMonthlyTotal++ }, false},
		{"new status message", func(b *Bundle) {
			b.Transmission.StatusMessages = append(b.Transmission.StatusMessages,
				StatusMessage{At: b.GeneratedAt, Status: "synced", Message: "Renewed."})
		}, false},
		{"coverage level count", func(b *Bundle) { b.Coverages[0].ByCoverageLevel["family"] = 2 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := sampleBundle()
			tt.change(b)
			got := ContentHash(b)
			if tt.same && got != base {
				t.Errorf("hash changed: %s, want %s", got, base)
			}
			if !tt.same && got == base {
				t.Errorf("hash unchanged after a content change")
			}
		})
	}
	if ContentHash(nil) != "" {
		t.Error("ContentHash(nil) should be empty")
	}
}

func TestReadRoundTrip(t *testing.T) {
	first := writeString(t, sampleBundle())
	b, err := Read(strings.NewReader(first))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if second := writeString(t, b); second != first {
		t.Errorf("Write(Read(x)) != x:\n%s", second)
	}
	if ContentHash(b) != ContentHash(sampleBundle()) {
		t.Error("content hash changed across a round trip")
	}
}

func TestReadErrors(t *testing.T) {
	good := writeString(t, sampleBundle())
	tests := []struct {
		name, input, errContains string
	}{
		{"empty", "", "decoding bundle"},
		{"not JSON", "hello", "decoding bundle"},
		{"unknown field", strings.Replace(good, `"bundle_id"`, `"ssn": "1", "bundle_id"`, 1), `unknown field "ssn"`},
		{"other version", strings.Replace(good, `"bundle_version": "1"`, `"bundle_version": "2"`, 1), `bundle_version "2"`},
		{"trailing data", good + "{}", "after the bundle"},
		{"bad money", strings.Replace(good, `"monthly_total": "159.00"`, `"monthly_total": 159`, 1), "decoding money"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.input))
			if err == nil || !strings.Contains(err.Error(), tt.errContains) {
				t.Errorf("Read error = %v, want one containing %q", err, tt.errContains)
			}
		})
	}
}

func TestWriteNil(t *testing.T) {
	if err := Write(&bytes.Buffer{}, nil); err == nil {
		t.Error("Write(nil) should fail")
	}
}

func FuzzRead(f *testing.F) {
	golden, err := os.ReadFile(filepath.Join("testdata", "bundle.golden.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	f.Add([]byte(`{"bundle_version":"1"}`))
	f.Add([]byte(`{"bundle_version":"1","customer":{"fein":"123456789"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := Write(&out, b); err != nil {
			t.Fatalf("Write after Read: %v", err)
		}
		again, err := Read(&out)
		if err != nil {
			t.Fatalf("Read(Write(Read(x))): %v", err)
		}
		if ContentHash(again) != ContentHash(b) {
			t.Fatal("content hash changed across a round trip")
		}
		if strings.Contains(out.String(), `"fein": "`) && !strings.Contains(out.String(), `"fein": "**-***`) {
			t.Fatalf("unmasked FEIN written:\n%s", out.String())
		}
	})
}
