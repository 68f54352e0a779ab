package ldex

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestValidateAgainstSchema(t *testing.T) {
	var good bytes.Buffer
	if err := Write(&good, sampleBundle()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		doc         string
		errContains string // empty: valid
		schemaErr   bool
	}{
		{"written bundle", good.String(), "", false},
		{"raw FEIN", strings.Replace(good.String(), `"**-***6789"`, `"12-3456789"`, 1), "$.customer.fein", true},
		{"not JSON", "{", "decoding bundle", false},
		{"two documents", good.String() + good.String(), "unexpected data", false},
		{"empty", "", "decoding bundle", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateAgainstSchema([]byte(tt.doc))
			if tt.errContains == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errContains) {
				t.Fatalf("want an error containing %q, got %v", tt.errContains, err)
			}
			if errors.Is(err, ErrSchema) != tt.schemaErr {
				t.Errorf("errors.Is(err, ErrSchema) = %v, want %v", !tt.schemaErr, tt.schemaErr)
			}
		})
	}
}

// FuzzValidateAgainstSchema checks the validator never panics on any input.
func FuzzValidateAgainstSchema(f *testing.F) {
	var good bytes.Buffer
	if err := Write(&good, sampleBundle()); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add([]byte(`{"customer":{"subscriber_count":-1.5},"rates":[{"monthly_premium":{"x":1}}]}`))
	f.Add([]byte(`[[[[]]]]`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		_ = ValidateAgainstSchema(doc)
	})
}
