package ldex

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestFEINNeverRaw(t *testing.T) {
	for _, raw := range []string{"12-3456789", "123456789", " 12 345 6789 "} {
		b := sampleBundle()
		b.Customer.FEIN = MaskFEIN(raw)
		out := writeString(t, b)
		for _, leak := range []string{"123456789", "12-3456789", "3456789", "12-345"} {
			if strings.Contains(out, leak) {
				t.Errorf("FEIN %q: output contains %q", raw, leak)
			}
		}
		if !strings.Contains(out, `"fein": "**-***6789"`) {
			t.Errorf("FEIN %q: output lacks the masked FEIN", raw)
		}
	}
	// Decoding masks too, so a raw FEIN in a hand-edited file goes no further.
	var f FEIN
	if err := json.Unmarshal([]byte(`"98-7654321"`), &f); err != nil || f.String() != "**-***4321" {
		t.Errorf("decoded FEIN = %q, %v; want **-***4321", f, err)
	}
	if got := (FEIN{}).String(); got != "**-*******" {
		t.Errorf("zero FEIN = %q", got)
	}
	// The type has no exported field a raw value could be put in.
	ft := reflect.TypeFor[FEIN]()
	for i := range ft.NumField() {
		if ft.Field(i).IsExported() {
			t.Errorf("FEIN has an exported field %s", ft.Field(i).Name)
		}
	}
}

// TestNoSSNAnywhere walks every type reachable from Bundle and the schema's
// text: neither has a place for a social security number.
func TestNoSSNAnywhere(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type, string)
	walk = func(rt reflect.Type, path string) {
		for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice || rt.Kind() == reflect.Map {
			rt = rt.Elem()
		}
		if rt.Kind() != reflect.Struct || seen[rt] {
			return
		}
		seen[rt] = true
		for i := range rt.NumField() {
			f := rt.Field(i)
			name := strings.ToLower(f.Name + " " + f.Tag.Get("json"))
			if strings.Contains(name, "ssn") || strings.Contains(name, "social") {
				t.Errorf("%s.%s looks like an SSN field", path, f.Name)
			}
			walk(f.Type, path+"."+f.Name)
		}
	}
	walk(reflect.TypeFor[Bundle](), "Bundle")
	if len(seen) < 10 {
		t.Errorf("walked only %d types; the walk is broken", len(seen))
	}
	lower := strings.ToLower(string(Schema))
	for _, word := range []string{`"ssn`, "social_security"} {
		if strings.Contains(lower, word) {
			t.Errorf("schema mentions %s", word)
		}
	}
}

func TestMoney(t *testing.T) {
	tests := []struct {
		m    Money
		text string
	}{
		{0, "0.00"}, {5, "0.05"}, {51200, "512.00"}, {92160, "921.60"}, {-305, "-3.05"}, {-5, "-0.05"},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.m)
		if err != nil || string(b) != `"`+tt.text+`"` {
			t.Errorf("Marshal(%d) = %s, %v; want %q", tt.m, b, err, tt.text)
		}
		var back Money
		if err := json.Unmarshal(b, &back); err != nil || back != tt.m {
			t.Errorf("Unmarshal(%s) = %d, %v; want %d", b, back, err, tt.m)
		}
	}
	for _, bad := range []string{`512`, `"512"`, `"512.0"`, `"5,12.00"`, `"1e3.00"`, `null`, `"9999999999999999.00"`} {
		var m Money
		if err := json.Unmarshal([]byte(bad), &m); err == nil {
			t.Errorf("Unmarshal(%s) = %d, want an error", bad, m)
		}
	}
	for _, tt := range []struct {
		d    float64
		want Money
	}{{921.60, 92160}, {0.1 + 0.2, 30}, {1433.6, 143360}, {2.1, 210}, {6.25, 625}} {
		if got := Dollars(tt.d); got != tt.want {
			t.Errorf("Dollars(%v) = %d, want %d", tt.d, got, tt.want)
		}
	}
}
