package acks

import (
	"bufio"
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestReadResults(t *testing.T) {
	const header = "transmission,group_external_identifier,subscriber_external_identifier,result,error_code,message,policy_number\n"
	tests := []struct {
		name        string
		in          string
		columns     map[string]string
		want        []ResultRow
		errContains []string
	}{
		{name: "one row", in: header + "F.834,G1,S1,accepted,,,P1\n",
			want: []ResultRow{{Transmission: "F.834", GroupExternalIdentifier: "G1", SubscriberExternalIdentifier: "S1", Result: "accepted", PolicyNumber: "P1", Line: 2}}},
		{name: "quoted comma, spaces, upper-case result, CRLF, blank line",
			in: "\ufeff" + strings.ReplaceAll(header, "\n", "\r\n") + "\r\n F.834 , G1 ,S1, REJECTED ,E1,\"no, not eligible\",\r\n",
			want: []ResultRow{{Transmission: "F.834", GroupExternalIdentifier: "G1", SubscriberExternalIdentifier: "S1", Result: "rejected",
				ErrorCode: "E1", Message: "no, not eligible", Line: 3}}},
		{name: "headers in any order and case, optional columns left out",
			in:   " Result ,SUBSCRIBER_EXTERNAL_IDENTIFIER,Group_External_Identifier,extra\naccepted,S1,G1,x\n",
			want: []ResultRow{{GroupExternalIdentifier: "G1", SubscriberExternalIdentifier: "S1", Result: "accepted", Line: 2}}},
		{name: "renamed columns", in: "Member,Group No,Outcome,Policy\nS1,G1,accepted,P9\n",
			columns: map[string]string{ColSubscriber: "member", ColGroup: "group no", ColResult: "Outcome", ColPolicyNumber: "POLICY"},
			want:    []ResultRow{{GroupExternalIdentifier: "G1", SubscriberExternalIdentifier: "S1", Result: "accepted", PolicyNumber: "P9", Line: 2}}},
		{name: "renamed column under its own name is unknown", in: header + "F,G1,S1,accepted,,,\n",
			columns: map[string]string{ColSubscriber: "member"}, errContains: []string{"line 1: the header has no member column"}},
		{name: "empty", in: "", errContains: []string{"the file is empty"}},
		{name: "header only", in: header, errContains: []string{"the file has a header but no rows"}},
		{name: "missing columns", in: "a,b\n1,2\n", errContains: []string{"no group_external_identifier column", "no subscriber_external_identifier column", "no result column"}},
		{name: "repeated column", in: "result,result,group_external_identifier,subscriber_external_identifier\n", errContains: []string{"the result column appears twice"}},
		{name: "wrong field count", in: header + "F,G1,S1,accepted\n", errContains: []string{"line 2: wrong number of fields"}},
		{name: "bad values, all reported", in: header + "F,,S1,accepted,,,\nF,G1,S2,ok,,,\n",
			errContains: []string{"line 2: the group_external_identifier column is blank", `line 3: result "ok" is neither accepted nor rejected`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadResults(strings.NewReader(tc.in), tc.columns)
			if len(tc.errContains) > 0 {
				if err == nil {
					t.Fatalf("no error; rows %+v", got)
				}
				if !errors.Is(err, ErrUnreadable) {
					t.Errorf("error %v does not unwrap to ErrUnreadable", err)
				}
				for _, w := range tc.errContains {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("rows = %+v\nwant   %+v", got, tc.want)
			}
		})
	}
}

func TestWriteResultsRoundTrip(t *testing.T) {
	rows := []ResultRow{
		{Transmission: "F.834", GroupExternalIdentifier: "G1", SubscriberExternalIdentifier: "S1", Result: ResultAccepted, PolicyNumber: "P1", Line: 2},
		{Transmission: "F.834", GroupExternalIdentifier: "G1", SubscriberExternalIdentifier: "S2", Result: ResultRejected, ErrorCode: "E1",
			Message: `member not eligible: "date of birth", again`, PolicyNumber: "P1", Line: 3},
	}
	var b bytes.Buffer
	if err := WriteResults(&b, rows); err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(b.String(), "\n"); first != strings.Join(Columns, ",") {
		t.Errorf("header = %q", first)
	}
	got, err := ReadResults(&b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rows) {
		t.Errorf("read back %+v\nwant      %+v", got, rows)
	}
}

func TestIsX12(t *testing.T) {
	for in, want := range map[string]bool{
		"ISA*00*":                        true,
		"\ufeff\r\n  ISA|00|":            true,
		strings.Repeat(" ", 300) + "ISA": true,
		"IS":                             false,
		"":                               false,
		"transmission,group":             false,
		"\ufeffGS*FA":                    false,
	} {
		if got := IsX12(bufio.NewReader(strings.NewReader(in))); got != want {
			t.Errorf("IsX12(%q) = %v, want %v", in, got, want)
		}
	}
}
