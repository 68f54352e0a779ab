package intake

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestCheckAndIntakeGiveOneVerdict runs every file under the repository's
// testdata/ and this package's (the hostile ones included) through intake,
// each into a fresh store, and through `onboard check`: both must come to
// the same outcome, counts, file-level errors and per-group outcomes (a
// group check calls valid is one intake creates).
func TestCheckAndIntakeGiveOneVerdict(t *testing.T) {
	var files []string
	for _, root := range []string{filepath.Join("..", "..", "testdata"), "testdata"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && !strings.HasPrefix(d.Name(), ".") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) < 15 {
		t.Fatalf("only %d files under testdata/", len(files))
	}
	for _, path := range files {
		t.Run(strings.TrimPrefix(filepath.ToSlash(path), "../../"), func(t *testing.T) {
			e := newEnv(t, "full", 1<<31)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(path)
			e.drop(name, data)
			sum := e.pass()
			if len(sum.Files) != 1 {
				t.Fatalf("intake took %d files", len(sum.Files))
			}
			got := e.resultAt(sum.Files[0].Result)
			chk, err := Check(context.Background(), e.cfg, e.cfg.Partner("acme"), path, e.now, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got.Outcome != chk.Outcome {
				t.Errorf("outcome: intake %s, check %s", got.Outcome, chk.Outcome)
			}
			ic, cc := got.Counts, chk.Counts
			if ic.Groups != cc.Groups || ic.Rejected != cc.Rejected || ic.Errors != cc.Errors || ic.Created+ic.Updated+ic.Unchanged != cc.Created {
				t.Errorf("counts: intake %+v, check %+v", ic, cc)
			}
			if a, b := fileErrorKeys(got), fileErrorKeys(*chk); !reflect.DeepEqual(a, b) {
				t.Errorf("file errors:\nintake %q\ncheck  %q", a, b)
			}
			if a, b := groupOutcomes(got), groupOutcomes(*chk); !reflect.DeepEqual(a, b) {
				t.Errorf("groups: intake %v, check %v", a, b)
			}
			t.Logf("%s: %s, %d group(s), %d error(s)", name, got.Outcome, ic.Groups, ic.Errors)
		})
	}
}

func fileErrorKeys(r Result) []string {
	out := []string{}
	for _, e := range r.Errors {
		out = append(out, string(e.ErrorType)+": "+e.Message)
	}
	return out
}

// groupOutcomes maps each group to valid or rejected (intake's created,
// updated and unchanged are check's valid).
func groupOutcomes(r Result) map[string]string {
	out := map[string]string{}
	for _, g := range r.Groups {
		o := g.Outcome
		if o != GroupRejected {
			o = GroupValid
		}
		out[g.ExternalIdentifier] = o + "/" + itoaErrs(len(g.Errors))
	}
	return out
}

func itoaErrs(n int) string {
	if n == 0 {
		return "clean"
	}
	return "errors"
}

// TestCheckAppliesThePartnersSizeLimit: a file over the partner's
// max_file_size is rejected by check as intake rejects it.
func TestCheckAppliesThePartnersSizeLimit(t *testing.T) {
	e := newEnv(t, "full", 100)
	path := filepath.Join("..", "..", "testdata", "census-small.csv")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	e.drop("census-small.csv", data)
	sum := e.pass()
	got := e.resultAt(sum.Files[0].Result)
	chk, err := Check(context.Background(), e.cfg, e.cfg.Partner("acme"), path, e.now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Outcome != "rejected" || chk.Outcome != "rejected" || !reflect.DeepEqual(fileErrorKeys(got), fileErrorKeys(*chk)) {
		t.Fatalf("intake %s %q, check %s %q", got.Outcome, fileErrorKeys(got), chk.Outcome, fileErrorKeys(*chk))
	}
}
