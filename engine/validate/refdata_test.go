package validate

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"2016-02-29", true}, {"2017-02-29", false}, {"2000-02-29", true}, {"1900-02-29", false},
		{"2027-01-31", true}, {"2027-01-32", false}, {"2027-04-30", true}, {"2027-04-31", false},
		{"2027-12-31", true}, {"2027-13-01", false}, {"2027-00-10", false}, {"2027-01-00", false},
		{"0001-01-01", true}, {"2027-1-01", false}, {"2027/01/01", false}, {"2027-01-01 ", false},
		{"+027-01-01", false}, {"２027-01-01", false}, {"", false},
	}
	for _, tt := range tests {
		got, err := parseDate(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("parseDate(%q) error = %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if tt.ok {
			// Agrees with the standard library on every valid date.
			want, err := time.Parse(dateLayout, tt.in)
			if err != nil || !got.Equal(want) {
				t.Errorf("parseDate(%q) = %v, time.Parse = %v, %v", tt.in, got, want, err)
			}
		}
	}
}

func TestAge(t *testing.T) {
	d := func(s string) time.Time { tm, _ := parseDate(s); return tm }
	tests := []struct {
		birth, at string
		want      int
	}{
		{"1984-03-02", "2026-03-01", 41}, {"1984-03-02", "2026-03-02", 42}, {"1984-03-02", "2026-12-31", 42},
		{"2016-02-29", "2026-02-28", 9}, {"2016-02-29", "2026-03-01", 10}, {"2026-06-15", "2026-06-15", 0},
	}
	for _, tt := range tests {
		if got := age(d(tt.birth), d(tt.at)); got != tt.want {
			t.Errorf("age(%s, %s) = %d, want %d", tt.birth, tt.at, got, tt.want)
		}
	}
}

func TestStateFIPS(t *testing.T) {
	if len(stateFIPS) != 56 {
		t.Errorf("%d state codes, want 50 states + DC + 5 territories", len(stateFIPS))
	}
	seen := map[string]string{}
	for st, f := range stateFIPS {
		if other, dup := seen[f]; dup {
			t.Errorf("FIPS %s used by %s and %s", f, st, other)
		}
		seen[f] = st
	}
	for _, tt := range []struct{ state, fips string }{{"AL", "01"}, {"ca", "06"}, {"DC", "11"}, {"FL", "12"}, {"WY", "56"}, {"PR", "72"}, {"VI", "78"}} {
		if f, ok := StateFIPS(tt.state); !ok || f != tt.fips {
			t.Errorf("StateFIPS(%s) = %s, %v; want %s", tt.state, f, ok, tt.fips)
		}
	}
	if _, ok := StateFIPS("ZZ"); ok {
		t.Error("StateFIPS(ZZ) known")
	}
}
