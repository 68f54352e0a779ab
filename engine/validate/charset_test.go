package validate

import (
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

// TestX12CharacterSet: names and addresses in other Latin scripts are
// accepted (the 834 carries their transliteration); what has no Latin
// spelling is refused for an X12 carrier, naming the characters, and
// accepted for a carrier that takes no X12 files.
func TestX12CharacterSet(t *testing.T) {
	type G = *model.Group
	last := func(g G, v string) { g.Subscribers[0].LastName = v }
	city := func(g G, v string) { g.Subscribers[0].ResidentialAddress.City = v }
	first := func(g G, v string) { g.Subscribers[0].Dependents[0].FirstName = v }
	tests := []struct {
		name  string
		set   func(G, string)
		value string
		param string
		names string // "" when accepted
	}{
		{"vietnamese", last, "ĐẶNG", "", ""},
		{"german", city, "Großenhain", "", ""},
		{"curly quote and nbsp", last, "O’Brien\u00a0Jr", "", ""},
		{"ligature", first, "Æbba", "", ""},
		{"chinese", last, "王", ".last_name", "'王' (U+738B)"},
		{"vietnamese with chinese", last, "NGUYỄN 王伟", ".last_name", "'王' (U+738B), '伟' (U+4F1F)"},
		{"cyrillic city", city, "Москва", ".residential_address.city", "'М' (U+041C)"},
		{"greek dependent", first, "Σοφία", ".first_name", "'Σ' (U+03A3)"},
		{"backtick folds", last, "O`Brien", "", ""},
		{"emoji", city, "Miami 🌴", ".residential_address.city", "'🌴' (U+1F334);"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := validGroup()
			tc.set(g, tc.value)
			var found []model.Error
			for _, e := range Group(g, testCarrier(t), now) {
				if strings.Contains(e.Message, "no Latin spelling") {
					found = append(found, e)
				}
			}
			if tc.names == "" {
				if len(found) != 0 {
					t.Fatalf("refused:%s", format(found))
				}
				return
			}
			if len(found) != 1 {
				t.Fatalf("want one character-set error, got:%s", format(found))
			}
			e := found[0]
			if e.ErrorType != model.ErrParameterInvalid || !strings.HasSuffix(e.Parameter, tc.param) ||
				!strings.Contains(e.Message, "X12 files cannot carry and that have no Latin spelling: "+tc.names) {
				t.Errorf("error %s %s: %s", e.ErrorType, e.Parameter, e.Message)
			}
			g = validGroup()
			tc.set(g, tc.value)
			for _, e := range Group(g, nonX12Carrier(t), now) {
				if strings.Contains(e.Message, "no Latin spelling") {
					t.Errorf("a carrier without X12 files refused it: %s", e.Message)
				}
			}
		})
	}
}

// TestX12LimitCountsTheTransliteration: ß is written SS, so a 35-letter
// first name with a ß is 36 characters in the 834.
func TestX12LimitCountsTheTransliteration(t *testing.T) {
	g := validGroup()
	g.Subscribers[0].FirstName = strings.Repeat("A", 34) + "ß"
	var found bool
	for _, e := range Group(g, testCarrier(t), now) {
		found = found || strings.Contains(e.Message, "is 36 characters; carrier bluecross's X12 files allow at most 35 (NM104)")
	}
	if !found {
		t.Fatal("a name whose transliteration is too long was accepted")
	}
}
