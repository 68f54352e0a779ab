package census

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/mappings"
)

// mapSourceOf is SourceOf over a plain map of every path, as groups kept
// their sources before the index: the reference the index must match.
func mapSourceOf(all map[string]model.Source, sg *model.SourcedGroup, param string) *model.Source {
	for p := param; p != ""; {
		if src, ok := all[p]; ok {
			return &src
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			break
		}
		p = p[:i]
	}
	return &model.Source{File: sg.File, Line: sg.Line}
}

// sourceVariants are census-small with ids that make paths ambiguous
// (a ']' in an id), a dependent without its employee, a blank subscriber
// reference, and rows out of order.
func sourceVariants(t *testing.T) map[string][]byte {
	small := string(readFile(t, "census-small.csv"))
	lines := strings.Split(strings.TrimSpace(small), "\n")
	return map[string][]byte{
		"small":      []byte(small),
		"bracket":    []byte(strings.ReplaceAll(small, "E1001-S", "E1001].dependents[E1001-S")),
		"brackets2":  []byte(strings.ReplaceAll(strings.ReplaceAll(small, ",E1002,", ",E1]002,"), "P-77", "P-77].first_name")),
		"locbracket": []byte(strings.ReplaceAll(small, "LOC-PCB", "LOC].employer_address[PCB")),
		"orphan":     []byte(strings.Replace(small, ",E1001,spouse", ",E9999,spouse", 1)),
		"blankref":   []byte(strings.Replace(small, ",E1003,spouse", ",,spouse", 1)),
		"shuffled":   []byte(strings.Join([]string{lines[0], lines[9], lines[3], lines[1], lines[7], lines[2], lines[4], lines[8], lines[5], lines[6]}, "\n")),
	}
}

// TestSourceIndexMatchesMap: for every recorded path, its ancestors, paths
// below it and paths of every member, SourceOf answers as a map of every
// path would.
func TestSourceIndexMatchesMap(t *testing.T) {
	for name, data := range sourceVariants(t) {
		for _, sg := range readAll(t, standard(t), data) {
			all := sg.AllSources()
			if len(all) == 0 {
				t.Fatalf("%s: no sources", name)
			}
			var probes []string
			for p := range all {
				probes = append(probes, p, p+".x", p+"[x]", p+"]", p[:len(p)-1])
			}
			for _, s := range sg.Group.Subscribers {
				base := model.SubscriberPath(s.ExternalIdentifier)
				probes = append(probes, base+".enrollments[medical].start_date", base+".enrollments[nope].plan_id", base+".dependents[x]")
				for _, d := range s.Dependents {
					probes = append(probes, model.SubscriberPath(d.ExternalIdentifier), model.DependentPath(s.ExternalIdentifier, d.ExternalIdentifier)+".end_date",
						model.DependentPath("", d.ExternalIdentifier), model.DependentPath(d.ExternalIdentifier, s.ExternalIdentifier))
				}
			}
			for _, e := range sg.Errors {
				probes = append(probes, e.Parameter)
			}
			for _, p := range probes {
				if got, want := sg.SourceOf(p), mapSourceOf(all, sg, p); *got != *want {
					t.Errorf("%s: SourceOf(%q) = %+v, want %+v", name, p, *got, *want)
				}
			}
		}
	}
}

// TestSourcesJSON: a group's JSON lists every source, as AllSources does.
func TestSourcesJSON(t *testing.T) {
	sg := readAll(t, standard(t), readFile(t, "census-small.csv"))[0]
	var got struct{ Sources map[string]model.Source }
	b, err := json.Marshal(sg)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	all := sg.AllSources()
	if len(got.Sources) != len(all) || got.Sources["group.subscribers[E1001].first_name"] != all["group.subscribers[E1001].first_name"] {
		t.Errorf("JSON has %d sources, AllSources %d", len(got.Sources), len(all))
	}
}

// TestGroupsOutliveNext: a group read earlier is not changed by reading the
// next ones (the reader reuses its buffers from group to group).
func TestGroupsOutliveNext(t *testing.T) {
	data := sourceVariants(t)["shuffled"]
	r, err := NewReader(bytes.NewReader(data), standard(t), "test.csv")
	if err != nil {
		t.Fatal(err)
	}
	var groups []*model.SourcedGroup
	var when [][]byte
	for {
		sg, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(sg)
		groups, when = append(groups, sg), append(when, b)
	}
	if len(groups) != 2 {
		t.Fatalf("%d groups", len(groups))
	}
	for i, sg := range groups {
		if b, _ := json.Marshal(sg); !bytes.Equal(b, when[i]) {
			t.Errorf("group %s changed after later groups were read", sg.Group.ExternalIdentifier)
		}
	}
	// Appending to a member's slices does not write into a neighbour's.
	subs := groups[1].Group.Subscribers
	before := slices.Clone(subs[1].Enrollments)
	subs[0].Enrollments = append(subs[0].Enrollments, model.Enrollment{ProductLine: "x"})
	if !slices.Equal(subs[1].Enrollments, before) {
		t.Errorf("appending to one subscriber's enrollments changed the next one's")
	}
}

// TestKeyByExpression: a group key computed from other cells groups the
// rows as well (the indexing pass then reads whole rows).
func TestKeyByExpression(t *testing.T) {
	m, err := mappings.Compile([]byte(`name: k
employee: employee
columns:
  - {column: group_id, target: group.external_identifier, transforms: [{expr: 'value + "/" + row["employer_type"]'}]}
  - {column: member_id, target: member.external_identifier}
  - {column: subscriber_id, target: member.subscriber_external_identifier}
  - {column: relationship, target: member.relationship}
  - {column: first_name, target: member.first_name}
`), "k")
	if err != nil {
		t.Fatal(err)
	}
	groups := readAll(t, m, readFile(t, "census-small.csv"))
	var keys []string
	for _, sg := range groups {
		keys = append(keys, sg.Group.ExternalIdentifier)
	}
	if !slices.Equal(keys, []string{"GCM-001/private_sector", "PDP-014/private_sector"}) || len(groups[0].Group.Subscribers) != 3 {
		t.Errorf("groups %v", keys)
	}
}
