package x12guide

import (
	"fmt"
	"sort"
)

// Options tune Validate.
type Options struct {
	// Set is the transaction set whose map is used, "834" or "999"; empty
	// means the file's first ST01 (the 999 map when there is no ST: a
	// TA1 alone).
	Set string
	// Deviations are codes allowed beyond the guide's lists, by reference
	// designator: a carrier's companion-guide codes, e.g. {"HD03": {"AC",
	// "ADD"}} for basic life and AD&D (DESIGN.md §7).
	Deviations map[string][]string
}

// Validate checks data, one or more interchanges, against the map of its
// transaction set and returns every problem found, in file order. The error
// is for data that cannot be read as X12 at all (ErrNotX12, a malformed
// ISA) or a set with no map; problems found before it are returned too.
func (gs *Guides) Validate(data []byte, opts Options) ([]Problem, error) {
	set := opts.Set
	if set == "" {
		set = firstSetID(data)
		if set == "" {
			set = "999"
		}
	}
	g, ok := gs.Maps[set]
	if !ok {
		return nil, fmt.Errorf("no implementation guide map for transaction set %q", set)
	}
	v := &validator{g: g, dev: map[string]map[string]bool{}}
	for ref, codes := range opts.Deviations {
		m := map[string]bool{}
		for _, c := range codes {
			m[c] = true
		}
		v.dev[ref] = m
	}
	root := &Loop{ID: "", Usage: "R", Children: []Node{{Loop: g.Root}}}
	v.stack = []*frame{{loop: root, idx: -1}}
	t := tokenizer{data: data}
	var err error
	for {
		var s rawSegment
		var ok bool
		s, ok, err = t.next()
		if err != nil || !ok {
			break
		}
		v.segment(&s)
	}
	for len(v.stack) > 0 {
		v.pop()
	}
	sort.SliceStable(v.problems, func(i, j int) bool { return v.problems[i].Segment < v.problems[j].Segment })
	return v.problems, err
}

// frame is an open loop: which child the last segment matched and how
// often that child has occurred.
type frame struct {
	loop *Loop
	idx  int  // child last matched, -1 before the first
	uses int  // occurrences of that child (segment uses or loop repetitions)
	ta1  bool // the interchange holds a TA1, so it needs no functional group
}

type validator struct {
	g        *Guide
	dev      map[string]map[string]bool
	stack    []*frame
	problems []Problem
	cur      *rawSegment // the segment being checked
	last     int         // position of the last segment, for problems at the end
	env      envelope
}

func (v *validator) add(p Problem) {
	if p.Segment == 0 {
		if v.cur != nil {
			p.Segment = v.cur.pos
			p.SegmentID = v.cur.id()
		} else {
			p.Segment = v.last
		}
	}
	if p.InSet == 0 && v.env.inSet {
		p.InSet = v.env.setSegs
		p.SetID = v.env.st02
	}
	if p.Loop == "" && len(v.stack) > 1 {
		p.Loop = v.stack[len(v.stack)-1].loop.ID
	}
	v.problems = append(v.problems, p)
}

// firstSegment is the segment that opens a loop: its first child, or the
// first segment of its first child loop.
func firstSegment(l *Loop) *Segment {
	for len(l.Children) > 0 {
		n := l.Children[0]
		if n.Segment != nil {
			return n.Segment
		}
		l = n.Loop
	}
	return nil
}

// matches says whether segment s is node m: its id, and, as pyx12 decides,
// its qualifier when the map's first element is a required ID with codes
// (REF*0F and REF*1L are different nodes).
func matches(m *Segment, s *rawSegment) bool {
	if m == nil || m.ID != s.id() {
		return false
	}
	if len(m.Elements) == 0 || m.Elements[0] == nil {
		return true
	}
	e := m.Elements[0]
	if e.Composite() {
		// Composites match on their first component's codes whatever its
		// type: the 999's two CTX segments differ only there.
		if len(e.Components) > 0 && e.Components[0] != nil && e.Components[0].Codes != nil {
			v := s.value(1)
			for i := 0; i < len(v); i++ {
				if v[i] == s.d.comp {
					v = v[:i]
					break
				}
			}
			return e.Components[0].Codes[v]
		}
		return true
	}
	if e.Type == "ID" && e.Usage == "R" && e.Codes != nil {
		return e.Codes[s.value(1)]
	}
	return true
}

// segment places one segment in the map and checks it.
func (v *validator) segment(s *rawSegment) {
	v.cur = s
	v.last = s.pos
	v.envelopeOpen(s)
	defer func() {
		v.envelopeClose(s)
		v.cur = nil
	}()
	if v.ta1(s) {
		return
	}
	// A segment whose qualifier (first element) no node here knows is
	// placed by its id alone, so that the wrong code is what is reported.
	strict := v.knownHere(s)
	for d := len(v.stack) - 1; d >= 0; d-- {
		f := v.stack[d]
		for k := max(f.idx, 0); k < len(f.loop.Children); k++ {
			n := f.loop.Children[k]
			var m *Segment
			if n.Segment != nil {
				m = n.Segment
			} else {
				m = firstSegment(n.Loop)
			}
			if m == nil || m.ID != s.id() || strict && !matches(m, s) {
				continue
			}
			if n.Segment != nil && k == f.idx && (k == 0 || d != len(v.stack)-1) {
				// The segment opening this loop opens its next repetition;
				// any other segment of a loop whose child loop is open is
				// out of order.
				continue
			}
			for len(v.stack)-1 > d {
				v.pop()
			}
			v.advance(f, k)
			if n.Loop != nil {
				v.enter(n.Loop)
			}
			v.checkSegment(s, m)
			return
		}
	}
	v.add(Problem{Kind: UnexpectedSegment, Message: fmt.Sprintf("segment %s is not allowed here (after %s): out of order, or not in the guide", s.id(), v.where())})
}

// where names the place the walk is at, for messages.
func (v *validator) where() string {
	f := v.stack[len(v.stack)-1]
	if f.idx < 0 {
		return "the start"
	}
	n := f.loop.Children[f.idx]
	if n.Segment != nil {
		return fmt.Sprintf("segment %s of loop %s", n.Segment.ID, f.loop.ID)
	}
	return "loop " + n.Loop.ID
}

// advance moves frame f to child k: a repetition when k is the current
// child, else a step forward past children that had to occur.
func (v *validator) advance(f *frame, k int) {
	n := f.loop.Children[k]
	if k == f.idx {
		f.uses++
		if n.Segment != nil && n.Segment.MaxUse > 0 && f.uses > n.Segment.MaxUse {
			v.add(Problem{Kind: SegmentRepeats, Message: fmt.Sprintf("occurs %d times in loop %s; the guide allows %d", f.uses, f.loop.ID, n.Segment.MaxUse)})
		}
		if n.Loop != nil && n.Loop.Repeat > 0 && f.uses > n.Loop.Repeat {
			v.add(Problem{Kind: LoopRepeats, Loop: n.Loop.ID, Message: fmt.Sprintf("opens repetition %d of loop %s; the guide allows %d", f.uses, n.Loop.ID, n.Loop.Repeat)})
		}
		return
	}
	v.missing(f, f.idx+1, k)
	f.idx, f.uses = k, 1
}

// missing reports the required children of f in [from, to) as absent.
func (v *validator) missing(f *frame, from, to int) {
	for i := from; i < to; i++ {
		n := f.loop.Children[i]
		if n.Segment != nil && n.Segment.Usage == "R" {
			v.add(Problem{Kind: MissingSegment, SegmentID: n.Segment.ID, Segment: v.posOrLast(), Loop: f.loop.ID,
				Message: fmt.Sprintf("required segment %s (%s) of loop %s is missing", n.Segment.ID, n.Segment.Name, f.loop.ID)})
		}
		if n.Loop != nil && n.Loop.Usage == "R" && !(f.ta1 && n.Loop.ID == "GS_LOOP") {
			if first := firstSegment(n.Loop); first != nil {
				v.add(Problem{Kind: MissingSegment, SegmentID: first.ID, Segment: v.posOrLast(), Loop: n.Loop.ID,
					Message: fmt.Sprintf("required loop %s (%s), opened by segment %s, is missing", n.Loop.ID, n.Loop.Name, first.ID)})
			}
		}
	}
}

func (v *validator) posOrLast() int {
	if v.cur != nil {
		return v.cur.pos
	}
	return v.last
}

// enter opens loop l (and its first child loops) with its first segment.
func (v *validator) enter(l *Loop) {
	for {
		v.stack = append(v.stack, &frame{loop: l, idx: 0, uses: 1})
		n := l.Children[0]
		if n.Loop == nil {
			return
		}
		l = n.Loop
	}
}

// pop closes the innermost loop, reporting its required children that
// never occurred.
func (v *validator) pop() {
	f := v.stack[len(v.stack)-1]
	v.missing(f, f.idx+1, len(f.loop.Children))
	v.stack = v.stack[:len(v.stack)-1]
}

// ta1 places a TA1 that follows the ISA (or another TA1), where X12 puts
// interchange acknowledgements; pyx12's maps list TA1 only after the
// functional groups. An interchange holding a TA1 needs no group.
func (v *validator) ta1(s *rawSegment) bool {
	f := v.stack[len(v.stack)-1]
	if s.id() != "TA1" || f.loop != v.g.Root || f.idx != 0 {
		return false
	}
	for _, n := range f.loop.Children {
		if n.Segment != nil && n.Segment.ID == "TA1" {
			f.ta1 = true
			v.checkSegment(s, n.Segment)
			return true
		}
	}
	return false
}

// knownHere says whether some node of the open loops, before or after
// where the walk is, matches s with its qualifier.
func (v *validator) knownHere(s *rawSegment) bool {
	for _, f := range v.stack {
		for _, n := range f.loop.Children {
			m := n.Segment
			if m == nil {
				m = firstSegment(n.Loop)
			}
			if matches(m, s) {
				return true
			}
		}
	}
	return false
}
