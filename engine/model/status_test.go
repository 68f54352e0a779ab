package model

import "testing"

func TestGroupStatus(t *testing.T) {
	P, S, Y, E := StatusPending, StatusSubmitted, StatusSynced, StatusErrors
	tests := []struct {
		name string
		f    GroupFacts
		want Status
	}{
		{"no subscribers yet, never sent", GroupFacts{Unsent: true}, P},
		{"no subscribers, sent and acknowledged: still nothing at the carrier", GroupFacts{}, P},
		{"no subscribers, sent and unanswered", GroupFacts{Unacknowledged: true}, P},
		{"no subscribers, group errors", GroupFacts{HasErrors: true}, E},
		{"all synced", GroupFacts{Subscribers: []Status{Y}}, Y},
		{"a subscriber in errors", GroupFacts{Subscribers: []Status{Y, E, P}}, E},
		{"group errors over synced members", GroupFacts{HasErrors: true, Subscribers: []Status{Y}}, E},
		{"a subscriber pending", GroupFacts{Subscribers: []Status{Y, P, S}}, P},
		{"the group's version unsent", GroupFacts{Unsent: true, Subscribers: []Status{Y}}, P},
		{"a subscriber submitted", GroupFacts{Subscribers: []Status{S, Y}}, S},
		{"a transmission unanswered", GroupFacts{Unacknowledged: true, Subscribers: []Status{Y}}, S},
	}
	for _, tt := range tests {
		if got := GroupStatus(tt.f); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}
