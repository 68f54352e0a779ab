package x12

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"time"

	"github.com/onboard/onboard/engine/model"
)

// Options834 are the carrier-specific settings of an 834 delivery.
type Options834 struct {
	// Action is BGN08: ActionChange (the default), ActionVerify (a full
	// file) or ActionReplace.
	Action string
	// ReferenceID is BGN02; empty means each set's control number.
	ReferenceID string
	// EffectiveDate is the file effective date (header DTP*007); the zero
	// value means the envelope's date.
	EffectiveDate time.Time
	// CarrierName and CarrierID identify the payer (N1*IN N102, N104).
	CarrierName, CarrierID string
	// CarrierIDQualifier is N103 of N1*IN: FI (federal taxpayer id), 94
	// (code assigned by the receiver) or XV (CMS plan id). Empty means FI
	// when CarrierID is 9 digits, else 94.
	CarrierIDQualifier string
	// ProductCodes maps a product line to its HD03 insurance line code,
	// over DefaultProductCodes (HLT, DEN, VIS).
	ProductCodes map[string]string
	// LevelCodes maps a coverage level to its HD05 code, over
	// DefaultLevelCodes (EMP, ESP, ECH, FAM).
	LevelCodes map[string]string
}

// SetInfo describes a written transaction set.
type SetInfo struct {
	ST02     int64
	Segments int // SE01: segments in the set, ST and SE included
	Members  []MemberPos
}

// MemberPos is where a member's 2000 loop lies in its transaction set
// (positions count from ST = 1, as 999 IK302 does), so that a 999 error
// can be traced back to the member.
type MemberPos struct {
	SubscriberExt string // the subscriber's external identifier
	DependentExt  string // the dependent's, or "" for the subscriber
	First, Last   int    // positions of the INS and of the loop's last segment
}

// Find returns the member whose loop holds set position pos.
func (info SetInfo) Find(pos int) (MemberPos, bool) {
	lo, hi := 0, len(info.Members)
	for lo < hi { // members are in position order
		mid := (lo + hi) / 2
		switch m := info.Members[mid]; {
		case pos < m.First:
			hi = mid
		case pos > m.Last:
			lo = mid + 1
		default:
			return m, true
		}
	}
	return MemberPos{}, false
}

// Writer834 streams an 834 interchange: one functional group (GS01 BE),
// one transaction set per employer group. Only the group being written is
// in memory: its set is built in a buffer, every element checked against
// the delimiters as it is appended, and goes to the underlying writer
// whole once it passed.
type Writer834 struct {
	w      *Writer
	env    Envelope
	opts   Options834
	closed bool
	b      setBuilder // the set being built, its memory reused set to set
}

// NewWriter834 checks env and opts and writes the ISA and GS segments.
func NewWriter834(w io.Writer, env Envelope, opts Options834) (*Writer834, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	d := env.Delimiters.orDefault()
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("writing 834 envelope: %w", err)
	}
	for _, v := range []string{opts.Action, opts.ReferenceID, opts.CarrierName, opts.CarrierID, opts.CarrierIDQualifier} {
		if err := CheckValue(v, d); err != nil {
			return nil, fmt.Errorf("checking 834 options: %w", err)
		}
	}
	for _, m := range []map[string]string{opts.ProductCodes, opts.LevelCodes} {
		for k, v := range m {
			if err := CheckValue(v, d); err != nil {
				return nil, fmt.Errorf("checking 834 options: code for %q: %w", k, err)
			}
		}
	}
	if err := checkGuideCodes(opts); err != nil {
		return nil, err
	}
	wr := NewWriter(w, d)
	if err := wr.BeginInterchange(env); err != nil {
		return nil, fmt.Errorf("writing 834 envelope: %w", err)
	}
	if err := wr.BeginGroup("BE", env.GS06, Version834); err != nil {
		return nil, fmt.Errorf("writing 834 envelope: %w", err)
	}
	return &Writer834{w: wr, env: env, opts: opts}, nil
}

func (o Options834) withDefaults() (Options834, error) {
	switch o.Action {
	case "":
		o.Action = ActionChange
	case ActionChange, ActionVerify, ActionReplace:
	default:
		return o, fmt.Errorf("checking 834 options: action (BGN08) %q is not 2, 4 or RX", o.Action)
	}
	o.ReferenceID = strings.ToUpper(strings.TrimSpace(o.ReferenceID))
	o.CarrierName = strings.ToUpper(strings.TrimSpace(o.CarrierName))
	o.CarrierID = strings.ToUpper(strings.TrimSpace(o.CarrierID))
	if o.CarrierName == "" || o.CarrierID == "" {
		return o, errors.New("checking 834 options: the carrier name and id (N1*IN) are required")
	}
	switch o.CarrierIDQualifier {
	case "":
		o.CarrierIDQualifier = "94"
		if len(o.CarrierID) == 9 && model.Digits(o.CarrierID) == o.CarrierID {
			o.CarrierIDQualifier = "FI"
		}
	case "FI", "94", "XV":
	default:
		return o, fmt.Errorf("checking 834 options: carrier id qualifier (N103) %q is not FI, 94 or XV", o.CarrierIDQualifier)
	}
	o.ProductCodes = mergeCodes(DefaultProductCodes(), o.ProductCodes)
	o.LevelCodes = mergeCodes(DefaultLevelCodes(), o.LevelCodes)
	return o, nil
}

func mergeCodes(base, over map[string]string) map[string]string {
	maps.Copy(base, over)
	for k, v := range base {
		if v = strings.ToUpper(strings.TrimSpace(v)); v == "" {
			delete(base, k)
		} else {
			base[k] = v
		}
	}
	return base
}

// WriteSet writes one transaction set (ST..SE) for one group's changes,
// with control number st02. The set is built in memory, every value
// checked, before any of it is written, so a set with a bad value writes
// nothing (the error is a *FieldError naming the canonical path and the
// X12 element) and the Writer834 stays usable for the next group.
func (w *Writer834) WriteSet(gc model.GroupChanges, st02 int64) (SetInfo, error) {
	if w.closed {
		return SetInfo{}, fmt.Errorf("%w: the 834 is closed", ErrWriterState)
	}
	if err := w.w.Error(); err != nil {
		return SetInfo{}, err
	}
	if err := checkControl("transaction set control number (ST02)", st02); err != nil {
		return SetInfo{}, err
	}
	ext := ""
	if gc.Group != nil {
		ext = gc.Group.ExternalIdentifier
	}
	b := &w.b
	b.reset(w.w.Delimiters())
	if need := setSizeGuess * (len(gc.Members) + 2); cap(b.buf) < need {
		b.buf = make([]byte, 0, need) // one allocation rather than many as it grows
	}
	members, err := w.body(gc, st02, b)
	if err != nil {
		return SetInfo{}, fmt.Errorf("building the 834 for group %s: %w", ext, err)
	}
	if err := w.w.BeginSet("834", st02, Version834); err != nil {
		return SetInfo{}, fmt.Errorf("writing the 834 for group %s: %w", ext, err)
	}
	// Every segment of the body was checked as it was built.
	if err := w.w.writeBuilt(b.buf, b.n-1); err != nil {
		return SetInfo{}, fmt.Errorf("writing the 834 for group %s: %w", ext, err)
	}
	if cap(b.buf) > maxKeptSet {
		b.buf = nil // an outsized group's memory is not kept for the next
	}
	n, err := w.w.EndSet()
	if err != nil {
		return SetInfo{}, fmt.Errorf("writing the 834 for group %s: %w", ext, err)
	}
	return SetInfo{ST02: st02, Segments: n, Members: members}, nil
}

// setSizeGuess is about the bytes of a member's loop (most take 150 to
// 300), to size a set's buffer once.
const setSizeGuess = 256

// maxKeptSet is the largest set buffer a Writer834 keeps for the next set.
const maxKeptSet = 16 << 20

// Close writes the GE and IEA trailers with their counts and flushes. It
// does not close the underlying writer. Closing twice is a no-op.
func (w *Writer834) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if err := w.w.EndGroup(); err != nil {
		return fmt.Errorf("closing the 834: %w", err)
	}
	if err := w.w.EndInterchange(); err != nil {
		return fmt.Errorf("closing the 834: %w", err)
	}
	return nil
}

// body builds the set's segments between ST and SE.
func (w *Writer834) body(gc model.GroupChanges, st02 int64, b *setBuilder) ([]MemberPos, error) {
	g := gc.Group
	if g == nil {
		return nil, fmt.Errorf("%w: the group is missing", ErrRequired)
	}
	if len(gc.Members) == 0 {
		return nil, &FieldError{Parameter: model.PathGroup, Err: fmt.Errorf("%w: a transaction set needs at least one member", ErrRequired)}
	}
	f := &b.fields
	t := w.env.Time
	ref := w.opts.ReferenceID
	if ref == "" {
		ref = controlST(st02)
	}
	eff := w.opts.EffectiveDate
	if eff.IsZero() {
		eff = t
	}
	groupNumber, gp := g.PolicyNumber, param{field: "policy_number"}
	if strings.TrimSpace(groupNumber) == "" {
		groupNumber, gp = g.ExternalIdentifier, param{field: "external_identifier"}
	}
	groupNumber = f.required(gp, "REF02", groupNumber)
	sponsor := f.required(param{field: "employer.organization_name"}, "N102", g.Employer.OrganizationName)
	fein := f.digits(param{field: "employer.fein"}, "N104", g.Employer.FEIN, 9)
	if f.err != nil {
		return nil, f.err
	}
	header := [][]string{
		{"BGN", "00", ref, t.Format("20060102"), t.Format("1504"), "", "", "", w.opts.Action}, // original, reference, date, time, action
		{"REF", "38", groupNumber},                                                    // master policy number
		{"DTP", "007", "D8", eff.Format("20060102")},                                  // file effective date
		{"N1", "P5", sponsor, "FI", fein},                                             // 1000A sponsor
		{"N1", "IN", w.opts.CarrierName, w.opts.CarrierIDQualifier, w.opts.CarrierID}, // 1000B payer
	}
	for _, s := range header {
		if err := b.segment(s[0], s[1:]...); err != nil {
			return nil, err
		}
	}
	members := make([]MemberPos, 0, len(gc.Members))
	for i := range gc.Members {
		mp, err := w.member(b, groupNumber, &gc.Members[i])
		if err != nil {
			return nil, err
		}
		members = append(members, mp)
	}
	return members, nil
}
