package config

import (
	"fmt"
	"strings"
	"testing"
)

func TestConnURLMasksPassword(t *testing.T) {
	c := ConnURL("postgres://onboard:s3cret@db.example:5432/onboard?sslmode=require")
	for _, shown := range []string{c.String(), fmt.Sprintf("%v %#v", c, c)} {
		if strings.Contains(shown, "s3cret") {
			t.Errorf("the password shows: %s", shown)
		}
	}
	if b, _ := c.MarshalText(); strings.Contains(string(b), "s3cret") {
		t.Errorf("the password is encoded: %s", b)
	}
	if c.Reveal() != string(c) {
		t.Error("Reveal changed the URL")
	}
	if s := ConnURL("postgres://postgres@/onboard?host=/tmp/pg").String(); s != "postgres://postgres@/onboard?host=/tmp/pg" {
		t.Errorf("a URL without a password: %s", s)
	}
}
