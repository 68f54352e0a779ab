package main

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onboard/onboard/engine/acks"
	"github.com/onboard/onboard/formats/x12"
	"github.com/onboard/onboard/formats/x12/x12guide"
)

// simOptions are how the simulated carrier answers.
type simOptions struct {
	// Reject rejects every Nth subscriber of a file (counted in file
	// order); 0 accepts all.
	Reject int
	// TA1 answers every interchange with a TA1.
	TA1 bool
	// PolicyPrefix begins every policy number.
	PolicyPrefix string
	// Guide checks each transaction set against the implementation
	// guide's 834 map, as a carrier's translator does: a set that breaks
	// it is rejected with IK3/IK4 detail. Nil checks envelopes only.
	Guide *x12guide.Guides
	// Companion are the HD03 codes the carrier's companion guide adds.
	Companion []string
	// NextControl returns the carrier's next control number, the ISA13
	// and GS06 of each answer (never the 834's).
	NextControl func() int64
}

// simFile is one answer file.
type simFile struct {
	Name string
	Data []byte
}

// simRejections are the carrier messages of rejected members, in turn.
var simRejections = []struct{ code, message string }{
	{"E101", "member not eligible: date of birth does not match our records"},
	{"E204", "member not eligible: already covered under another group policy with us"},
	{"E317", "coverage start date is earlier than the group's effective date"},
	{"E422", "residential address could not be verified: send a corrected address"},
}

// answer834 plays the carrier for one inbox file: it checks the envelopes
// (x12.Interchange.Validate) and returns the answers to write, with a
// one-line summary.
//
//   - An interchange-level problem (an IEA count or control number wrong,
//     the IEA missing) is answered with a TA1 R carrying its note code, and
//     nothing else.
//   - Otherwise a TA1 A when asked (-ta1, or ISA14 = 1), then per
//     functional group a 999: sets with envelope problems are rejected
//     (IK5 R with their IK502 code), a group with envelope problems is
//     rejected as a whole (AK9 R with its AK905 codes).
//   - Then one result file (NAME.result.csv) for the accepted sets: a row
//     per subscriber with the group's policy number, every Nth subscriber
//     rejected with a carrier message and error code.
func answer834(name string, data []byte, o simOptions, now time.Time) ([]simFile, string) {
	ic, err := x12.Read834(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Sprintf("not an X12 interchange, left unanswered (%v)", err)
	}
	control := ic.Control
	if control < 1 || control > 999_999_999 {
		control = 1
	}
	usage := ic.Usage
	if usage != "P" {
		usage = "T"
	}
	env := x12.Envelope{SenderQualifier: strings.TrimSpace(ic.ReceiverQualifier), SenderID: ic.ReceiverID,
		ReceiverQualifier: strings.TrimSpace(ic.SenderQualifier), ReceiverID: ic.SenderID, Usage: usage,
		Time: now, Delimiters: ic.Delimiters}
	next := o.NextControl
	if next == nil {
		var n int64
		next = func() int64 { n++; return n }
	}
	// TA101..TA103 echo the 834's ISA13, ISA09 and ISA10.
	ref := x12.InterchangeRef{Control: control, Date: ic.Date, Time: ic.Time}
	if len(ref.Date) != 6 || len(ref.Time) != 4 {
		ref.Date, ref.Time = now.Format("060102"), now.Format("1504") // a malformed ISA: nothing to echo
	}
	guideProblems := map[int64][]x12guide.Problem{} // by ST02
	if o.Guide != nil {
		ps, _ := o.Guide.Validate(data, x12guide.Options{Set: "834", Deviations: map[string][]string{"HD03": o.Companion}})
		for _, p := range ps {
			if st02, err := strconv.ParseInt(p.SetID, 10, 64); err == nil && p.InSet > 0 {
				guideProblems[st02] = append(guideProblems[st02], p)
			}
		}
	}

	var icProblems []*x12.EnvelopeError
	groupProblems := map[int64][]string{} // GS06 → AK905 codes
	setProblems := map[int64][]string{}   // ST02 → IK502 codes
	for _, err := range ic.Validate() {
		var ee *x12.EnvelopeError
		if !errors.As(err, &ee) {
			continue
		}
		switch ee.Level {
		case x12.LevelInterchange:
			icProblems = append(icProblems, ee)
		case x12.LevelGroup:
			groupProblems[ee.Control] = appendNew(groupProblems[ee.Control], ee.Code)
		case x12.LevelSet:
			setProblems[ee.Control] = appendNew(setProblems[ee.Control], ee.Code)
		}
	}

	var out []simFile
	write := func(fname string, fn func(io.Writer) error) error {
		env.ISA13 = next() // each answer is an interchange of the carrier's own
		env.GS06 = env.ISA13
		var b bytes.Buffer
		if err := fn(&b); err != nil {
			return err
		}
		out = append(out, simFile{Name: fname, Data: b.Bytes()})
		return nil
	}
	if len(icProblems) > 0 {
		p := icProblems[0]
		err := write(name+".ta1", func(w io.Writer) error { return x12.WriteTA1(w, env, ref, "R", p.Code) })
		if err != nil {
			return nil, fmt.Sprintf("envelope rejected (%v) but the TA1 could not be written: %v", p, err)
		}
		return out, fmt.Sprintf("interchange rejected with TA1 note %s: %v", p.Code, p)
	}
	if o.TA1 || ic.AckRequested {
		if err := write(name+".ta1", func(w io.Writer) error { return x12.WriteTA1(w, env, ref, "A", "000") }); err != nil {
			return nil, fmt.Sprintf("the TA1 could not be written: %v", err)
		}
	}

	refs := groupNumbers(data)
	var rows []acks.ResultRow
	var parts []string
	counted, rejected := 0, 0
	for _, g := range ic.Groups {
		sets := make([]x12.SetAck, 0, len(g.Sets))
		for _, s := range g.Sets {
			sa := x12.SetAck{ID: s.ID, ST02: s.Control, Version: s.Version, Code: "A"}
			if codes := setProblems[s.Control]; len(codes) > 0 {
				sa.Code, sa.SyntaxErrors = "R", codes
			}
			if errs := setErrors(guideProblems[s.Control]); len(errs) > 0 {
				sa.Code, sa.Errors = "R", errs
				sa.SyntaxErrors = appendNew(sa.SyntaxErrors, "5") // one or more segments in error
			}
			sets = append(sets, sa)
		}
		fname := name + ".999"
		if len(ic.Groups) > 1 {
			fname = fmt.Sprintf("%s.%d.999", name, g.Control)
		}
		codes := groupProblems[g.Control]
		err := write(fname, func(w io.Writer) error {
			if len(codes) > 0 {
				return writeRejected999(w, env, g.Control, sets, codes)
			}
			return x12.Write999(w, env, g.Control, sets)
		})
		if err != nil {
			return out, fmt.Sprintf("the 999 could not be written: %v", err)
		}
		accepted := 0
		for i, s := range g.Sets {
			if len(codes) > 0 || sets[i].Code != "A" || s.ID != "834" {
				continue
			}
			accepted++
			group := refs[refKey{g.Control, s.Control}]
			if group == "" {
				group = s.Sponsor
			}
			policy := policyNumber(o.PolicyPrefix, group)
			for _, sub := range subscribersOf(s) {
				counted++
				row := acks.ResultRow{Transmission: name, GroupExternalIdentifier: group, SubscriberExternalIdentifier: sub,
					Result: acks.ResultAccepted, PolicyNumber: policy}
				if o.Reject > 0 && counted%o.Reject == 0 {
					why := simRejections[rejected%len(simRejections)]
					row.Result, row.ErrorCode, row.Message = acks.ResultRejected, why.code, why.message
					rejected++
				}
				rows = append(rows, row)
			}
		}
		parts = append(parts, fmt.Sprintf("999 for group %d: %d of %d sets accepted", g.Control, accepted, len(g.Sets)))
	}
	if len(rows) > 0 {
		if err := write(name+".result.csv", func(w io.Writer) error { return acks.WriteResults(w, rows) }); err != nil {
			return out, fmt.Sprintf("the result file could not be written: %v", err)
		}
		parts = append(parts, fmt.Sprintf("result file: %d subscribers, %d rejected", len(rows), rejected))
	}
	if len(parts) == 0 {
		parts = append(parts, "no functional group to answer")
	}
	return out, strings.Join(parts, "; ")
}

// maxSetErrors caps the IK3 detail of one rejected set, as translators do.
const maxSetErrors = 50

// setErrors turns a set's implementation guide problems into IK3/IK4
// detail: a segment problem is an IK3 with its IK304 code, an element
// problem an IK3 (code 8) with an IK4 naming the element, its data
// element number and its IK403 code. The bad value is not copied (IK404
// is situational, and it may be an SSN).
func setErrors(ps []x12guide.Problem) []x12.SetError {
	var out []x12.SetError
	for _, p := range ps {
		if len(out) == maxSetErrors {
			break
		}
		seg, el := p.SegmentCode(), p.ElementCode()
		if seg == "" && el == "" {
			continue // an envelope count: IK502 says it
		}
		e := x12.SetError{Segment: p.SegmentID, Position: p.InSet, Code: seg}
		if p.Loop != "" && p.Loop[0] >= '0' && p.Loop[0] <= '9' {
			e.Loop = p.Loop
		}
		if el != "" {
			e.Code, e.Element, e.Component, e.ElementRef, e.ElementCode = "8", p.Position, p.Component, p.DataElement, el
		}
		out = append(out, e)
	}
	return out
}

// writeRejected999 writes a 999 rejecting functional group gs06 as a whole
// (AK9 R with the AK905 codes), listing its sets.
func writeRejected999(w io.Writer, env x12.Envelope, gs06 int64, sets []x12.SetAck, codes []string) error {
	wr := x12.NewWriter(w, env.Delimiters)
	steps := []func() error{
		func() error { return wr.BeginInterchange(env) },
		func() error { return wr.BeginGroup("FA", env.GS06, x12.Version999) },
		func() error { return wr.BeginSet("999", 1, x12.Version999) },
		func() error { return wr.WriteSegment("AK1", "BE", strconv.FormatInt(gs06, 10), x12.Version834) },
	}
	for _, s := range sets {
		code := append([]string{"R"}, s.SyntaxErrors...)
		steps = append(steps,
			func() error { return wr.WriteSegment("AK2", s.ID, fmt.Sprintf("%04d", s.ST02), s.Version) },
			func() error { return wr.WriteSegment("IK5", code...) })
	}
	n := strconv.Itoa(len(sets))
	steps = append(steps,
		func() error { return wr.WriteSegment("AK9", append([]string{"R", n, n, "0"}, codes...)...) },
		func() error { _, err := wr.EndSet(); return err },
		wr.EndGroup, wr.EndInterchange)
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("writing 999: %w", err)
		}
	}
	return nil
}

// refKey names a transaction set: GS06 and ST02.
type refKey struct{ gs06, st02 int64 }

// groupNumbers returns each 834 set's group number (REF*38, the master
// policy number: onboard sends the policy number once known, else the
// group's external identifier).
func groupNumbers(data []byte) map[refKey]string {
	out := map[refKey]string{}
	rd := x12.NewReader(bytes.NewReader(data))
	var gs06, st02 int64
	for {
		seg, err := rd.Next()
		if err != nil {
			return out
		}
		switch seg.ID {
		case "GS":
			gs06, _ = strconv.ParseInt(strings.TrimSpace(seg.Element(6)), 10, 64)
		case "ST":
			st02, _ = strconv.ParseInt(strings.TrimSpace(seg.Element(2)), 10, 64)
		case "REF":
			k := refKey{gs06, st02}
			if _, ok := out[k]; !ok && seg.Element(1) == "38" {
				out[k] = seg.Element(2)
			}
		}
	}
}

// subscribersOf lists the subscribers of a set's members (REF*0F), in
// order, each once: a dependent's change answers for its subscriber.
func subscribersOf(s *x12.TransactionSet) []string {
	var out []string
	for _, m := range s.Members {
		if m.SubscriberID != "" && !slices.Contains(out, m.SubscriberID) {
			out = append(out, m.SubscriberID)
		}
	}
	return out
}

// policyNumber is the policy number the carrier assigns a group: the
// prefix and eight digits derived from the group number, so the same group
// always gets the same one. A group number that already is one of ours
// (onboard sends it once it knows it) is kept.
func policyNumber(prefix, group string) string {
	g := strings.ToUpper(strings.TrimSpace(group))
	if prefix != "" && strings.HasPrefix(g, strings.ToUpper(prefix)) {
		return prefix + g[len(prefix):]
	}
	h := fnv.New32a()
	h.Write([]byte(g))
	return fmt.Sprintf("%s%08d", prefix, h.Sum32()%100_000_000)
}

func appendNew(list []string, v string) []string {
	if v == "" || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}
