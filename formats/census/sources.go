package census

import (
	"iter"
	"strings"
	"sync"

	"github.com/onboard/onboard/engine/model"
	m "github.com/onboard/onboard/mappings"
)

// sourceIndex is the model.SourceIndex of a census group: where each value
// came from, kept as a few integers per member (its line, the row's column
// indexes, which enrollments it has) instead of a map entry and a path
// string per value. Paths and sources are made only when asked for, which
// is when an error needs locating: a clean group of 500 members costs 500
// small records instead of 15,000 map entries.
//
// It answers exactly as the map of every value's path would: Source(p) is
// the map's entry for p, All its entries.
type sourceIndex struct {
	file string
	plan *m.Plan // for headers; bound once per file, never changed

	group   [nGroupTargets]cellRef
	locs    []locSrc
	locByID map[string]int // location id → index in locs (the builder's)
	members []memberSrc
	byID    map[string]int32       // member id → index in members (the builder's)
	cols    []*[m.NumTargets]int32 // the Reader's (see Reader.colsOf), set by finish

	// unsafe is set when a member id holds ']': paths then need not parse
	// back to one member, so lookups go through the full map, built once.
	unsafe bool
	once   sync.Once
	full   map[string]model.Source
}

// nGroupTargets counts the group targets, which come first.
const nGroupTargets = int(m.EmployerSIC) + 1

// cellRef is a line and a column index; line 0: nothing recorded.
type cellRef struct {
	line int
	col  int32
}

// nLocTargets counts the location targets (location.*).
const nLocTargets = int(m.LocationCountry-m.LocationExternalID) + 1

// locSrc is where a location's values came from.
type locSrc struct {
	id   string
	idx  int   // -1: the primary location; else its index in SecondaryLocations
	line int   // the line that first named it: the source of its path
	col  int32 // that row's location id column
	// cells holds, per location target, the cell that set (or left blank)
	// its value.
	cells [nLocTargets]cellRef
}

// path returns the location's canonical path.
func (l *locSrc) path() string { return model.LocationPath(l.id, l.idx < 0) }

// addLocation records a location first named on a row and returns its index.
func (x *sourceIndex) addLocation(l locSrc) int {
	if x.locByID == nil {
		x.locByID = map[string]int{}
	}
	x.locByID[l.id] = len(x.locs)
	x.locs = append(x.locs, l)
	return len(x.locs) - 1
}

// memberSrc is what a member's row recorded.
type memberSrc struct {
	id, ref string // ref: a dependent's subscriber; "" for a subscriber
	line    int
	subIdx  int32  // a subscriber's index in Group.Subscribers
	cols    uint16 // the row's Column, as an index in sourceIndex.cols
	sub     bool
	// A subscriber's product lines with a plan, and those whose start or
	// end date came from the row's coverage columns (bit l: line l).
	enrolled, startVia, endVia uint8
	// plFirst is the first product line a dependent is covered under; -1
	// for none.
	plFirst int8
}

func newSourceIndex(r *Reader, rows int) *sourceIndex {
	return &sourceIndex{file: r.file, plan: r.plan, members: make([]memberSrc, 0, rows), byID: make(map[string]int32, rows)}
}

func (x *sourceIndex) source(line int, col int32) model.Source {
	return model.Source{File: x.file, Line: line, Column: x.plan.Header(int(col))}
}

// colsOf returns the index of a row's Column array in the Reader's list,
// adding it if new. A plan gives two at most (a subscriber's row and a
// dependent's), so the list is shared by every group of the file: an
// index keeps the list as it was when its group was read.
func (r *Reader) colsOf(c *[m.NumTargets]int32) uint16 {
	for i := len(r.cols) - 1; i >= 0; i-- {
		if *r.cols[i] == *c {
			return uint16(i)
		}
	}
	cp := *c
	r.cols = append(r.cols, &cp)
	return uint16(len(r.cols) - 1)
}

// add records a member's row, whose Column array has index cols (colsOf),
// and returns its record, valid until the next add.
func (x *sourceIndex) add(ms memberSrc, cols uint16) *memberSrc {
	if strings.IndexByte(ms.id, ']') >= 0 || strings.IndexByte(ms.ref, ']') >= 0 {
		x.unsafe = true
	}
	ms.cols = cols
	x.byID[ms.id] = int32(len(x.members))
	x.members = append(x.members, ms)
	return &x.members[len(x.members)-1]
}

// basePath returns a member's canonical path.
func (ms *memberSrc) basePath() string {
	if ms.sub {
		return model.SubscriberPath(ms.id)
	}
	return model.DependentPath(ms.ref, ms.id)
}

// subscriberFields are the targets below a subscriber's path whose column
// gives their source (besides enrollments), in the order they are recorded.
var subscriberFields = concat(memberTargets, []m.Target{m.LocationExternalID}, homeTargets, employmentTargets)

// dependentFields are those of a dependent with a subscriber.
var dependentFields = concat(memberTargets, []m.Target{m.MemberRelationship, m.CoverageEnd})

func concat(ts ...[]m.Target) []m.Target {
	var out []m.Target
	for _, t := range ts {
		out = append(out, t...)
	}
	return out
}

// fieldSuffix is a target's path below its member: Suffix, except that a
// subscriber's location is its location_external_identifier.
func fieldSuffix(t m.Target) string {
	if t == m.LocationExternalID {
		return ".location_external_identifier"
	}
	return t.Suffix()
}

// fields returns the targets recorded below a member's path by their columns.
func (ms *memberSrc) fields() []m.Target {
	switch {
	case ms.sub:
		return subscriberFields
	case ms.ref == "":
		return memberTargets // a dependent without a subscriber is reported, not attached
	}
	return dependentFields
}

// each yields a member's paths and sources in the order the rows set them.
func (x *sourceIndex) each(ms *memberSrc, yield func(string, model.Source) bool) bool {
	base := ms.basePath()
	if !yield(base, model.Source{File: x.file, Line: ms.line}) {
		return false
	}
	cols := x.cols[ms.cols]
	for _, t := range ms.fields() {
		if c := cols[t]; c >= 0 && !yield(base+fieldSuffix(t), x.source(ms.line, c)) {
			return false
		}
	}
	if !ms.sub {
		if ms.plFirst >= 0 && ms.ref != "" {
			return yield(base+".product_lines", x.source(ms.line, cols[m.Enrollment(int(ms.plFirst), m.EnrollPlan)]))
		}
		return true
	}
	for l, name := range model.ProductLines {
		if ms.enrolled&(1<<l) == 0 {
			continue
		}
		path := model.EnrollmentPath(ms.id, name)
		if !yield(path, x.source(ms.line, cols[m.Enrollment(l, m.EnrollPlan)])) {
			return false
		}
		for f := m.EnrollPlan; f <= m.EnrollEnd; f++ {
			t := m.Enrollment(l, f)
			if c, ok := x.enrollCol(ms, cols, l, f); ok && !yield(path+t.Suffix(), x.source(ms.line, c)) {
				return false
			}
		}
	}
	return true
}

// enrollCol returns the column that gave field f of a subscriber's
// enrollment in product line l, if one did.
func (x *sourceIndex) enrollCol(ms *memberSrc, cols *[m.NumTargets]int32, l, f int) (int32, bool) {
	if c := cols[m.Enrollment(l, f)]; c >= 0 {
		return c, true
	}
	switch {
	case f == m.EnrollStart && ms.startVia&(1<<l) != 0:
		return cols[m.CoverageStart], true
	case f == m.EnrollEnd && ms.endVia&(1<<l) != 0:
		return cols[m.CoverageEnd], true
	}
	return 0, false
}

// All implements model.SourceIndex.
func (x *sourceIndex) All() iter.Seq2[string, model.Source] {
	return func(yield func(string, model.Source) bool) {
		for _, t := range groupTargets {
			if c := x.group[t]; c.line != 0 && !yield(t.Suffix(), x.source(c.line, c.col)) {
				return
			}
		}
		for i := range x.locs {
			l := &x.locs[i]
			path := l.path()
			if !yield(path, x.source(l.line, l.col)) {
				return
			}
			for _, t := range locationTargets {
				if c := l.cells[t-m.LocationExternalID]; c.line != 0 && !yield(path+t.Suffix(), x.source(c.line, c.col)) {
					return
				}
			}
		}
		for i := range x.members {
			if !x.each(&x.members[i], yield) {
				return
			}
		}
	}
}

const (
	subscribersPrefix = "group.subscribers["
	primaryPath       = "group.primary_location"
	secondaryPrefix   = "group.secondary_locations["
)

// Source implements model.SourceIndex.
func (x *sourceIndex) Source(path string) (model.Source, bool) {
	rest, ok := strings.CutPrefix(path, subscribersPrefix)
	if !ok {
		return x.groupSource(path)
	}
	if x.unsafe {
		x.once.Do(func() {
			x.full = map[string]model.Source{}
			for i := range x.members {
				x.each(&x.members[i], func(p string, src model.Source) bool {
					x.full[p] = src
					return true
				})
			}
		})
		src, ok := x.full[path]
		return src, ok
	}
	// No id holds ']': the first one ends it.
	id, rest, ok := strings.Cut(rest, "]")
	if !ok {
		return model.Source{}, false
	}
	if dep, ok := strings.CutPrefix(rest, ".dependents["); ok {
		did, rest, ok := strings.Cut(dep, "]")
		if !ok {
			return model.Source{}, false
		}
		ms := x.member(did)
		if ms == nil || ms.sub || ms.ref != id {
			return model.Source{}, false
		}
		return x.below(ms, rest)
	}
	ms := x.member(id)
	if ms == nil || !ms.sub {
		return model.Source{}, false
	}
	if en, ok := strings.CutPrefix(rest, ".enrollments["); ok {
		name, rest, ok := strings.Cut(en, "]")
		if !ok {
			return model.Source{}, false
		}
		l := productLine(name)
		if l < 0 || ms.enrolled&(1<<l) == 0 {
			return model.Source{}, false
		}
		cols := x.cols[ms.cols]
		if rest == "" {
			return x.source(ms.line, cols[m.Enrollment(l, m.EnrollPlan)]), true
		}
		for f := m.EnrollPlan; f <= m.EnrollEnd; f++ {
			if rest == m.Enrollment(l, f).Suffix() {
				if c, ok := x.enrollCol(ms, cols, l, f); ok {
					return x.source(ms.line, c), true
				}
				break
			}
		}
		return model.Source{}, false
	}
	return x.below(ms, rest)
}

// groupSource is Source for the paths of the group and its locations.
func (x *sourceIndex) groupSource(path string) (model.Source, bool) {
	var l *locSrc
	var rest string
	switch {
	case strings.HasPrefix(path, primaryPath):
		if len(x.locs) == 0 || x.locs[0].idx >= 0 {
			return model.Source{}, false
		}
		l, rest = &x.locs[0], path[len(primaryPath):]
	case strings.HasPrefix(path, secondaryPrefix):
		// A location path ends its id at its last ']': no suffix holds one.
		j := strings.LastIndexByte(path, ']')
		if j < len(secondaryPrefix) {
			return model.Source{}, false
		}
		i, ok := x.locByID[path[len(secondaryPrefix):j]]
		if !ok || x.locs[i].idx < 0 {
			return model.Source{}, false
		}
		l, rest = &x.locs[i], path[j+1:]
	default:
		for _, t := range groupTargets {
			if c := x.group[t]; c.line != 0 && path == t.Suffix() {
				return x.source(c.line, c.col), true
			}
		}
		return model.Source{}, false
	}
	if rest == "" {
		return x.source(l.line, l.col), true
	}
	for _, t := range locationTargets {
		if rest == t.Suffix() {
			if c := l.cells[t-m.LocationExternalID]; c.line != 0 {
				return x.source(c.line, c.col), true
			}
			break
		}
	}
	return model.Source{}, false
}

func (x *sourceIndex) member(id string) *memberSrc {
	if i, ok := x.byID[id]; ok {
		return &x.members[i]
	}
	return nil
}

// below returns the source of suffix below a member's path ("" for the
// member itself), enrollments aside.
func (x *sourceIndex) below(ms *memberSrc, suffix string) (model.Source, bool) {
	if suffix == "" {
		return model.Source{File: x.file, Line: ms.line}, true
	}
	cols := x.cols[ms.cols]
	for _, t := range ms.fields() {
		if suffix == fieldSuffix(t) {
			if c := cols[t]; c >= 0 {
				return x.source(ms.line, c), true
			}
			return model.Source{}, false
		}
	}
	if suffix == ".product_lines" && !ms.sub && ms.ref != "" && ms.plFirst >= 0 {
		return x.source(ms.line, cols[m.Enrollment(int(ms.plFirst), m.EnrollPlan)]), true
	}
	return model.Source{}, false
}

// productLine returns the index of a product line in model.ProductLines, or -1.
func productLine(name string) int {
	for l, n := range model.ProductLines {
		if n == name {
			return l
		}
	}
	return -1
}
