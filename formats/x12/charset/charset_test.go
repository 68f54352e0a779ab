package charset

import (
	"slices"
	"sync"
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct {
		in, want string
		bad      []rune
	}{
		{"García", "GARCIA", nil},
		{"Đặng Thị Ngọc", "DANG THI NGOC", nil},
		{"NGUYỄN", "NGUYEN", nil},
		{"Straße", "STRASSE", nil},
		{"Øresund Ærø", "ORESUND AERO", nil},
		{"Łódź", "LODZ", nil},
		{"Œuvre", "OEUVRE", nil},
		{"O’Brien", "O'BRIEN", nil},
		{"O`Brien", "O'BRIEN", nil},
		{"“Bud” Smith", `"BUD" SMITH`, nil},
		{"12\u00a0Main\u202fSt", "12 MAIN ST", nil},
		{"Smith–Jones", "SMITH-JONES", nil},
		{"ﬁnn", "FINN", nil},
		{"Zoë Brontë", "ZOE BRONTE", nil},
		{"Çelik Şahin", "CELIK SAHIN", nil},
		{"王伟", "", []rune{'王', '伟'}},
		{"Иван", "", []rune{'И', 'в', 'а', 'н'}},
		{"Ann 王 Lee 王", "ANN  LEE ", []rune{'王'}},
		{"caret^", "CARET", []rune{'^'}},
		{"emoji 😀", "EMOJI ", []rune{'😀'}},
		{"plain ASCII 123", "PLAIN ASCII 123", nil},
	}
	for _, tt := range tests {
		got, bad := Fold(tt.in)
		if got != tt.want || !slices.Equal(bad, tt.bad) {
			t.Errorf("Fold(%q) = %q, %q; want %q, %q", tt.in, got, string(bad), tt.want, string(tt.bad))
		}
		for i := 0; i < len(got); i++ {
			if !Allowed(got[i]) {
				t.Errorf("Fold(%q) = %q holds byte 0x%02X outside the set", tt.in, got, got[i])
			}
		}
	}
}

func TestTransliterateKeepsWhatCannotFold(t *testing.T) {
	if got := Transliterate("Ann 王 Lee^"); got != "ANN 王 LEE^" {
		t.Errorf("Transliterate = %q", got)
	}
	if got := Transliterate("Đặng"); got != "DANG" {
		t.Errorf("Transliterate = %q", got)
	}
}

func TestDescribe(t *testing.T) {
	if got := Describe([]rune{'王', '\u200e'}); got != "'王' (U+738B), U+200E" {
		t.Errorf("Describe = %q", got)
	}
}

// FuzzFold: whatever the input, the result is in the X12 set, and an
// input whose characters all fold gives no bad characters.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"García", "王伟", "Straße", "a\u00a0b", "\xff\xfe", "ǅ", "㎏"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, _ := Fold(s)
		for i := 0; i < len(got); i++ {
			if !Allowed(got[i]) {
				t.Fatalf("Fold(%q) = %q holds byte 0x%02X", s, got, got[i])
			}
		}
	})
}

// TestFoldConcurrently: Fold is called from many goroutines at once (run
// with -race).
func TestFoldConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				if got, _ := Fold("Đặng Nguyễn Zoë"); got != "DANG NGUYEN ZOE" {
					t.Errorf("Fold = %q", got)
					return
				}
			}
		}()
	}
	wg.Wait()
}
