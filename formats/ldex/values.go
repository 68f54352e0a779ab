package ldex

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"

	"github.com/onboard/onboard/engine/model"
)

// FEIN is an employer's FEIN as a bundle may show it: masked, **-***6789.
// Its only field is unexported, so the one way to fill it is MaskFEIN (or
// decoding, which masks again): a raw FEIN cannot reach a bundle.
type FEIN struct{ masked string }

// MaskFEIN masks a FEIN given in any form (12-3456789, 123456789, or already
// masked) with model.MaskFEIN.
func MaskFEIN(fein string) FEIN { return FEIN{masked: model.MaskFEIN(fein)} }

// String returns the masked FEIN; the zero FEIN is fully masked.
func (f FEIN) String() string {
	if f.masked == "" {
		return model.MaskFEIN("")
	}
	return f.masked
}

// MarshalJSON encodes the masked FEIN as a JSON string.
func (f FEIN) MarshalJSON() ([]byte, error) { return json.Marshal(f.String()) }

// UnmarshalJSON decodes a JSON string and masks it, whatever it held.
func (f *FEIN) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("decoding fein: %w", err)
	}
	*f = MaskFEIN(s)
	return nil
}

// Money is an amount in US cents. It encodes as a JSON string with two
// decimals ("1433.60"): exact, unlike a JSON number, and readable, unlike
// integer cents.
type Money int64

// Dollars converts a dollar amount (as the carrier's plan catalog holds
// rates) to Money, rounding to the nearest cent.
func Dollars(d float64) Money { return Money(math.Round(d * 100)) }

// String formats m as dollars with two decimals, e.g. "-3.05".
func (m Money) String() string {
	sign, c := "", int64(m)
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// MarshalJSON encodes m as a JSON string with two decimals.
func (m Money) MarshalJSON() ([]byte, error) { return json.Marshal(m.String()) }

var (
	moneyPattern = regexp.MustCompile(`^(-?)([0-9]{1,15})\.([0-9]{2})$`)
	errMoney     = errors.New("must be a string of dollars with two decimals, like \"512.00\"")
)

// UnmarshalJSON decodes a string of dollars with exactly two decimals.
func (m *Money) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("decoding money: %w", errMoney)
	}
	p := moneyPattern.FindStringSubmatch(s)
	if p == nil {
		return fmt.Errorf("decoding money %q: %w", s, errMoney)
	}
	whole, err := strconv.ParseInt(p[2], 10, 64)
	if err != nil {
		return fmt.Errorf("decoding money %q: %w", s, err)
	}
	cents, err := strconv.ParseInt(p[3], 10, 64)
	if err != nil {
		return fmt.Errorf("decoding money %q: %w", s, err)
	}
	v := whole*100 + cents
	if p[1] == "-" {
		v = -v
	}
	*m = Money(v)
	return nil
}
