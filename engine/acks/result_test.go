package acks

import (
	"slices"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// renamedColumns is the result_columns setting of result-renamed.csv.
const renamedColumns = `    result_columns: {subscriber_external_identifier: Member ID, group_external_identifier: Group, result: Status,
                     error_code: Reason Code, message: Reason, policy_number: Policy}`

func TestResultFiles(t *testing.T) {
	tests := []struct {
		name     string
		file     string // testdata file
		as       string // name in the acks folder; default file
		carrier  string
		outcome  string
		result   string
		ackState string
		gcm, pdp string
		policies [2]string // GCM-001, PDP-014
		want     map[string][]string
		failed   []string
	}{
		{name: "all accepted", file: "result-accepted.csv", outcome: OutcomeApplied, result: "accepted (5 accepted, 0 rejected)",
			ackState: store.AckFinal, gcm: "GCM-001=synced E1001=synced E1002=synced E1003=synced",
			pdp: "PDP-014=synced P-77=synced P-78=synced", policies: [2]string{"BC-100200", "BC-100300"}},
		{name: "members rejected", file: "result-rejected.csv", outcome: OutcomeApplied, result: "partially accepted (3 accepted, 2 rejected)",
			ackState: store.AckFinal, gcm: "GCM-001=errors E1001=synced E1002=synced E1003=errors",
			pdp: "PDP-014=errors P-77=synced P-78=errors", policies: [2]string{"BC-100200", "BC-100300"},
			want: map[string][]string{
				"GCM-001/E1003": {"group.subscribers[E1003]: Carrier bluecross reported: member not eligible: date of birth does not match our records (carrier error code E101)."},
				"PDP-014/P-78":  {"group.subscribers[P-78]: Carrier bluecross reported: the enrollment was rejected without a reason."},
			}},
		{name: "group rejected", file: "result-group-rejected.csv", outcome: OutcomeApplied, result: "partially accepted (3 accepted, 0 rejected)",
			ackState: store.AckFinal, gcm: "GCM-001=synced E1001=synced E1002=synced E1003=synced",
			pdp: "PDP-014=errors P-77=errors P-78=errors", policies: [2]string{"BC-100200", ""},
			want: map[string][]string{
				"PDP-014":      {"group: Carrier bluecross reported: group not installed: the employer's FEIN is not on file (carrier error code G310)."},
				"PDP-014/P-77": {"the carrier rejected the whole group, so this member was not enrolled"},
			}},
		// The transmission still waits for PDP-014's answer, so GCM-001
		// (whose own status follows its transmission) stays submitted.
		{name: "some groups answered", file: "result-partial.csv", outcome: OutcomeApplied, result: "accepted (3 accepted, 0 rejected)",
			ackState: store.AckAccepted, gcm: "GCM-001=submitted E1001=synced E1002=synced E1003=synced", pdp: allSubmittedPDP,
			policies: [2]string{"BC-100200", ""}},
		{name: "renamed columns, BOM, CRLF, matched by name", file: "result-renamed.csv", as: sentFile + ".results.csv", carrier: renamedColumns,
			outcome: OutcomeApplied, result: "partially accepted (4 accepted, 1 rejected)", ackState: store.AckFinal,
			gcm: "GCM-001=errors E1001=synced E1002=synced E1003=errors", pdp: "PDP-014=synced P-77=synced P-78=synced",
			policies: [2]string{"BC-100200", "BC-100300"},
			want: map[string][]string{
				"GCM-001/E1003": {"group.subscribers[E1003]: Carrier bluecross reported: coverage start date is earlier than the group's effective date (carrier error code E317)."},
			}},
		{name: "renamed columns not configured", file: "result-renamed.csv", as: sentFile + ".results.csv", outcome: OutcomeFailed,
			gcm: allSubmittedGCM, pdp: allSubmittedPDP, failed: []string{"the header has no subscriber_external_identifier column"}},
		{name: "no transmission column, unknown name", file: "result-renamed.csv", carrier: renamedColumns, outcome: OutcomeFailed,
			gcm: allSubmittedGCM, pdp: allSubmittedPDP, failed: []string{"transmission column is blank and its name does not begin"}},
		{name: "unknown subscriber and group", file: "result-unknown-subscriber.csv", outcome: OutcomeFailed,
			gcm: allSubmittedGCM, pdp: allSubmittedPDP,
			failed: []string{"line 3: subscriber E9999 of group GCM-001 was not in transmission " + sentFile,
				"line 4: group ACME-999 (group_external_identifier) was not in transmission"}},
		{name: "bad values", file: "result-bad-values.csv", outcome: OutcomeFailed, gcm: allSubmittedGCM, pdp: allSubmittedPDP,
			failed: []string{`line 2: result "maybe" is neither accepted nor rejected`, "line 3: the group_external_identifier column is blank"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.carrier)
			name := tc.as
			if name == "" {
				name = tc.file
			}
			e.drop(name, testdata(t, tc.file))
			res := e.run()
			if len(res.Files) != 1 {
				t.Fatalf("files = %+v", res.Files)
			}
			fr := res.Files[0]
			if fr.Outcome != tc.outcome || fr.Result != tc.result {
				t.Errorf("outcome, result = %s, %q (err %v); want %s, %q", fr.Outcome, fr.Result, fr.Err, tc.outcome, tc.result)
			}
			if fr.Outcome == OutcomeApplied && fr.Kind != KindResult {
				t.Errorf("kind = %q", fr.Kind)
			}
			if got := e.statuses("GCM-001"); got != tc.gcm {
				t.Errorf("GCM-001: %s\nwant       %s", got, tc.gcm)
			}
			if got := e.statuses("PDP-014"); got != tc.pdp {
				t.Errorf("PDP-014: %s\nwant       %s", got, tc.pdp)
			}
			if got := [2]string{e.group("GCM-001").PolicyNumber, e.group("PDP-014").PolicyNumber}; got != tc.policies {
				t.Errorf("policy numbers = %v, want %v", got, tc.policies)
			}
			if tr := e.transmission(); tr.AckState != tc.ackState {
				t.Errorf("ack state = %q, want %q", tr.AckState, tc.ackState)
			}
			for key, wants := range tc.want {
				group, sub, _ := strings.Cut(key, "/")
				var lines []string
				if sub == "" {
					lines = messages(e.group(group).Errors)
				} else {
					lines = messages(e.subscriber(group, sub).Errors)
				}
				for _, w := range wants {
					if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, w) }) {
						t.Errorf("%s: no error containing %q in\n  %s", key, w, strings.Join(lines, "\n  "))
					}
				}
			}
			switch tc.outcome {
			case OutcomeApplied:
				if !e.exists("archive/" + name) {
					t.Errorf("%s not in archive/", name)
				}
			case OutcomeFailed:
				if !e.exists("failed/" + name) {
					t.Errorf("%s not in failed/", name)
				}
				text := e.read("failed/" + name + ".error.txt")
				for _, w := range tc.failed {
					if !strings.Contains(text, w) {
						t.Errorf("error text lacks %q:\n%s", w, text)
					}
				}
			}
		})
	}
}

// TestResultErrorSource: a rejected row's error names the result file and
// its line.
func TestResultErrorSource(t *testing.T) {
	e := newEnv(t, "")
	e.drop("result-rejected.csv", nil)
	e.run()
	errs := e.subscriber("GCM-001", "E1003").Errors
	want := model.Source{File: "result-rejected.csv", Line: 4}
	if len(errs) != 1 || errs[0].ErrorType != model.ErrCarrierError || errs[0].Source == nil || *errs[0].Source != want {
		t.Errorf("errors = %+v", errs)
	}
}
