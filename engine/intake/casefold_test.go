package intake

import (
	"bytes"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// TestIDsEqualButForCase: ids that differ only in case passed validation
// but are one id at the carrier once upper-cased (the whole transmission's
// result file then went to acks/failed/). They are rejected per group
// (members), per file and per partner (groups).
func TestIDsEqualButForCase(t *testing.T) {
	census := readTestdata(t, "census-small.csv")
	groupErr := func(t *testing.T, r Result, ext, contains string) {
		t.Helper()
		for _, g := range r.Groups {
			if g.ExternalIdentifier != ext {
				continue
			}
			if g.Outcome != GroupRejected {
				t.Fatalf("group %s: outcome %s, want rejected", ext, g.Outcome)
			}
			for _, e := range g.Errors {
				if e.ErrorType == model.ErrParameterDuplicate && strings.Contains(e.Message, contains) {
					return
				}
			}
			t.Fatalf("group %s errors %+v, want a parameter_duplicate containing %q", ext, g.Errors, contains)
		}
		t.Fatalf("no group %s in the result", ext)
	}

	t.Run("members of one group", func(t *testing.T) {
		e := newEnv(t, "changes", 1<<30)
		e.drop("c.csv", bytes.Replace(census, []byte(",E1003,,employee"), []byte(",e1002,,employee"), 1))
		e.pass()
		groupErr(t, e.result("c.csv"), "GCM-001", "e1002 differs only in upper and lower case from member E1002")
	})
	t.Run("groups of one file", func(t *testing.T) {
		e := newEnv(t, "changes", 1<<30)
		e.drop("c.csv", bytes.ReplaceAll(census, []byte("PDP-014"), []byte("gcm-001")))
		e.pass()
		groupErr(t, e.result("c.csv"), "gcm-001", "gcm-001 differs only in upper and lower case from GCM-001 at line 2 of this file")
	})
	t.Run("groups of one partner", func(t *testing.T) {
		e := newEnv(t, "changes", 1<<30)
		e.drop("a.csv", census)
		if r := e.pass(); len(r.Files) != 1 || r.Files[0].Outcome != store.OutcomeAccepted {
			t.Fatalf("first file: %+v", r.Files)
		}
		lower := bytes.ReplaceAll(census, []byte("GCM-001"), []byte("Gcm-001"))
		e.drop("b.csv", bytes.ReplaceAll(lower, []byte("E10"), []byte("X10")))
		e.pass()
		groupErr(t, e.result("b.csv"), "Gcm-001", "Gcm-001 differs only in upper and lower case from GCM-001 (a group onboard already has")
		if g, err := e.st.Groups(t.Context(), store.GroupFilter{PartnerID: "acme"}); err != nil || len(g) != 2 {
			t.Errorf("%d groups stored (%v), want the first file's 2", len(g), err)
		}
	})
}
