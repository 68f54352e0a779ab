package validate

import (
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

// TestIsBlank: isBlank is strings.TrimSpace(s) == "".
func TestIsBlank(t *testing.T) {
	for _, s := range []string{"", " ", "\t\n\v\f\r ", "a", " a", "a ", "\u00a0", " \u2003 ", "\u2003x", "\x00", "\x85", "\u0085",
		"\xff", " \xff", "é", "\u200b", strings.Repeat(" ", 50) + "x"} {
		if got, want := isBlank(s), strings.TrimSpace(s) == ""; got != want {
			t.Errorf("isBlank(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestStateFIPSCase: codes are found in any case, by the letters table and
// by upper-casing alike (ı upper-cases to I); anything else is unknown.
func TestStateFIPSCase(t *testing.T) {
	for code, fips := range stateFIPS {
		for _, s := range []string{code, strings.ToLower(code), code[:1] + strings.ToLower(code[1:])} {
			if f, ok := StateFIPS(s); !ok || f != fips {
				t.Errorf("StateFIPS(%q) = %q, %v; want %q", s, f, ok, fips)
			}
		}
	}
	for s, want := range map[string]string{"ıl": "17", "ſc": "45", "F": "", "FLA": "", "F1": "", "": "", "@A": "", "[A": "", "zz": ""} {
		if f, ok := StateFIPS(s); f != want || ok != (want != "") {
			t.Errorf("StateFIPS(%q) = %q, %v; want %q", s, f, ok, want)
		}
	}
}

// TestDelimiterChecks: a control character is reported before a
// delimiter wherever it is, and a carrier's non-ASCII delimiter is found.
func TestDelimiterChecks(t *testing.T) {
	tests := []struct {
		delims, name, want string
	}{
		{"*:^~", "Ma*ria", "the character '*'"},
		{"*:^~", "Ma*ri\x01a", "control characters"},
		{"*:^é", "Maéri*a", "the character 'é'"},
		{"*:^é", "Mari*aé", "the character '*'"},
		{"|", "Ma~ria", ""},
	}
	for _, tt := range tests {
		spec := testSpec()
		spec.Delimiters = tt.delims
		c, err := NewCarrier(spec)
		if err != nil {
			t.Fatal(err)
		}
		g := validGroup()
		g.Subscribers[0].FirstName = tt.name
		var got []model.Error
		for _, e := range Group(g, c, now) {
			if strings.HasSuffix(e.Parameter, "[E1001].first_name") {
				got = append(got, e)
			}
		}
		switch {
		case tt.want == "" && len(got) != 0:
			t.Errorf("%q with %q: %v", tt.name, tt.delims, got)
		case tt.want != "" && (len(got) != 1 || !strings.Contains(got[0].Message, tt.want)):
			t.Errorf("%q with %q: %v, want one error with %q", tt.name, tt.delims, got, tt.want)
		}
	}
}
