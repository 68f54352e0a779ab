package mappings

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr/vm"
	"github.com/onboard/onboard/engine/model"
)

// HeaderError is what Bind reports about a header that does not fit the
// mapping: every required column that is missing, every repeated name.
type HeaderError struct {
	// Missing are the mapping's required columns the header lacks, as the
	// mapping names them.
	Missing []string
	// Duplicate are header names that appear more than once, as written.
	Duplicate []string
}

// Error describes the header's problems.
func (e *HeaderError) Error() string {
	var parts []string
	if len(e.Missing) > 0 {
		parts = append(parts, "missing columns "+strings.Join(e.Missing, ", "))
	}
	if len(e.Duplicate) > 0 {
		parts = append(parts, "repeated columns "+strings.Join(e.Duplicate, ", "))
	}
	return "matching header: " + strings.Join(parts, "; ")
}

// Plan is a mapping bound to one file's header: each field knows the index
// of its column, so mapping a row is a walk over slices. A Plan is not safe
// for concurrent use (it reuses its expression machine and buffers).
type Plan struct {
	m      *Mapping
	header []string // trimmed, as written
	keys   []string // lower-case header names, for expressions' row
	cols   []int    // per field: its column index, or -1

	machine  vm.VM
	env      exprEnv
	rec      []string
	rowBuilt bool

	// memo holds, per field whose steps are pure (no expression), the last
	// cell it mapped and the result: a census repeats the group's, the
	// location's and the plans' cells on row after row.
	memo     []memo
	unmapped []Target // targets no field writes, cleared by Map
}

// memo is a field's last cell and its value after the steps.
type memo struct {
	in, out string
	ok      bool
}

// Bind matches the mapping's columns to a file's header (names matched
// exactly but without regard to case or surrounding spaces). The error is
// a *HeaderError listing every missing required column and repeated name.
func (m *Mapping) Bind(header []string) (*Plan, error) {
	p := &Plan{m: m, header: make([]string, len(header)), keys: make([]string, len(header)), cols: make([]int, len(m.fields))}
	index := make(map[string]int, len(header))
	var herr HeaderError
	for i, h := range header {
		h = strings.TrimSpace(h)
		p.header[i] = h
		p.keys[i] = strings.ToLower(h)
		if h == "" {
			continue
		}
		if _, dup := index[p.keys[i]]; dup {
			herr.Duplicate = append(herr.Duplicate, h)
			continue
		}
		index[p.keys[i]] = i
	}
	for fi, f := range m.fields {
		p.cols[fi] = -1
		if i, ok := index[f.key]; ok && !f.isConst {
			p.cols[fi] = i
		}
	}
	missing := map[string]bool{}
	for _, f := range m.declared() {
		if _, ok := index[f.key]; !ok && !f.isConst && !f.optional && !missing[f.key] {
			missing[f.key] = true
			herr.Missing = append(herr.Missing, f.column)
		}
	}
	if len(herr.Missing) > 0 || len(herr.Duplicate) > 0 {
		return nil, &herr
	}
	if m.usesRow {
		p.env.Row = make(map[string]string, len(header))
	}
	p.memo = make([]memo, len(m.fields))
	var written [NumTargets]bool
	for i := range m.fields {
		written[m.fields[i].target] = true
	}
	for t := range written {
		if !written[t] {
			p.unmapped = append(p.unmapped, Target(t))
		}
	}
	return p, nil
}

// Mapping returns the plan's mapping.
func (p *Plan) Mapping() *Mapping { return p.m }

// Header returns column i's header as written in the file (trimmed).
func (p *Plan) Header(i int) string {
	if i < 0 || i >= len(p.header) {
		return ""
	}
	return p.header[i]
}

// Width returns the number of header columns.
func (p *Plan) Width() int { return len(p.header) }

// Row is one record mapped to canonical values. Rows are reused: Map resets
// every field.
type Row struct {
	// Values holds each target's value after transforms and default; ""
	// where the row has none.
	Values [NumTargets]string
	// Column holds, per target, the index of the header column the value
	// was read from (even when blank), or -1 (constant, unmapped, absent
	// optional column, or not read on this kind of row).
	Column [NumTargets]int32
	// Subscriber is true for a subscriber's row (its relationship is the
	// mapping's Employee value or, without one, its subscriber reference is
	// blank or its own member id); false for a dependent's.
	Subscriber bool
	// Errors are the row's cell problems, in mapping order.
	Errors []CellError
}

// CellError is a cell that could not be mapped.
type CellError struct {
	Target Target
	// Column is the header as written in the file; "" for a constant.
	Column string
	// Value is the cell as it may be shown: a FEIN masked, an SSN omitted.
	Value string
	// Err wraps one of the sentinels (ErrRequired, ErrNotAccepted, ...).
	Err error
}

// Error returns a sentence a partner can act on.
func (e CellError) Error() string {
	name := e.Column
	if name == "" {
		name = e.Target.String()
	}
	reason := e.Err.Error()
	if targets[e.Target].sensitive != plain && errors.Is(e.Err, ErrExpression) {
		reason = ErrExpression.Error() // the cause could quote the value
	}
	switch {
	case errors.Is(e.Err, ErrRequired):
		return fmt.Sprintf("Column %s is blank; it is required.", name)
	case targets[e.Target].sensitive == secret:
		return fmt.Sprintf("Column %s: the value %s.", name, reason)
	}
	return fmt.Sprintf("Column %s: %q %s.", name, e.Value, reason)
}

// Unwrap returns the sentinel-wrapping cause.
func (e CellError) Unwrap() error { return e.Err }

// Type returns the error type of the canonical Error shape.
func (e CellError) Type() model.ErrorType {
	if errors.Is(e.Err, ErrRequired) {
		return model.ErrParameterRequired
	}
	return model.ErrParameterInvalid
}

// Key returns the row's group key (group.external_identifier) as mapped,
// ignoring cell errors, which Map reports.
func (p *Plan) Key(rec []string) string {
	if p.m.groupKey < 0 {
		return ""
	}
	p.rec, p.rowBuilt = rec, false
	v, _, _ := p.value(p.m.groupKey, rec)
	return v
}

// KeyColumn returns the header column the group key is read from and
// whether the key depends on that cell alone (its steps hold no
// expression, which could read other cells): then Key gives the same key
// for any two records with the same cell there. col is -1 when the key
// depends on no cell (a constant, or no group key).
func (p *Plan) KeyColumn() (col int, alone bool) {
	if p.m.groupKey < 0 {
		return -1, true
	}
	for _, s := range p.m.fields[p.m.groupKey].steps {
		if s.op == opExpr {
			return p.cols[p.m.groupKey], false
		}
	}
	return p.cols[p.m.groupKey], true
}

// Map maps one record into row. Fields of subscriber-only targets are not
// read on a dependent's row. rec may be shorter than the header (its
// missing cells read as blank).
func (p *Plan) Map(rec []string, row *Row) {
	// Every field writes its target's value (a skipped one is cleared
	// below): clearing the rest is clearing all.
	for _, t := range p.unmapped {
		row.Values[t] = ""
	}
	for i := range row.Column {
		row.Column[i] = -1
	}
	row.Errors = row.Errors[:0]
	p.rec, p.rowBuilt = rec, false
	fs := p.m.fields
	for i := 0; i < p.m.nStructural; i++ {
		p.mapField(i, rec, row)
	}
	row.Subscriber = p.subscriberRow(row)
	for i := p.m.nStructural; i < len(fs); i++ {
		if !row.Subscriber && targets[fs[i].target].scope == scopeSubscriber {
			row.Values[fs[i].target] = ""
			continue
		}
		p.mapField(i, rec, row)
	}
}

func (p *Plan) subscriberRow(row *Row) bool {
	if rel := row.Values[MemberRelationship]; rel != "" && !row.Failed(MemberRelationship) {
		return strings.EqualFold(rel, p.m.Employee)
	}
	sub := row.Values[MemberSubscriber]
	return sub == "" || sub == row.Values[MemberExternalID]
}

// Failed reports whether the row has a cell error for t.
func (row *Row) Failed(t Target) bool {
	for i := range row.Errors {
		if row.Errors[i].Target == t {
			return true
		}
	}
	return false
}

func (p *Plan) mapField(i int, rec []string, row *Row) {
	f := &p.m.fields[i]
	v, col, err := p.value(i, rec)
	t := f.target
	if err == nil && v == "" && f.required {
		err = ErrRequired
	}
	if err == nil && v != "" {
		switch targets[t].kind {
		case kindCents:
			if _, perr := strconv.ParseInt(v, 10, 64); perr != nil {
				err = fmt.Errorf("%w; write a whole number of cents", ErrNotNumber)
			}
		case kindNumber:
			if _, perr := strconv.ParseFloat(v, 64); perr != nil {
				err = fmt.Errorf("%w; write it like 40 or 37.5", ErrNotNumber)
			}
		}
	}
	row.Values[t] = v
	row.Column[t] = int32(col)
	if err != nil {
		row.Errors = append(row.Errors, CellError{Target: t, Column: p.Header(col), Value: t.display(v), Err: err})
	}
}

// value runs field i on rec: the cell (trimmed unless the mapping says
// otherwise), its steps (on a blank cell only expressions run) and its
// default. On a step error it returns the value as it was before the step.
func (p *Plan) value(i int, rec []string) (v string, col int, err error) {
	f := &p.m.fields[i]
	if f.isConst {
		return f.constant, -1, nil
	}
	col = p.cols[i]
	if col >= 0 && col < len(rec) {
		v = rec[col]
		if p.m.trimCells {
			v = trimCell(v)
		}
	}
	if f.pure {
		mm := &p.memo[i]
		if mm.ok && mm.in == v {
			v = mm.out
		} else {
			in := v
			if v, err = p.steps(f, v); err != nil {
				return v, col, err
			}
			*mm = memo{in: in, out: v, ok: true}
		}
	} else if v, err = p.steps(f, v); err != nil {
		return v, col, err
	}
	if v == "" {
		v = f.def
	}
	return v, col, nil
}

// trimCell is strings.TrimSpace without the call for a cell that starts
// and ends with a printable ASCII character.
func trimCell(v string) string {
	if v == "" {
		return v
	}
	if a, b := v[0], v[len(v)-1]; a > ' ' && a < utf8.RuneSelf && b > ' ' && b < utf8.RuneSelf {
		return v
	}
	return strings.TrimSpace(v)
}

// steps runs a field's steps on v: on a blank value only expressions. On
// a step error it returns the value as it was before the step.
func (p *Plan) steps(f *field, v string) (string, error) {
	for si := range f.steps {
		s := &f.steps[si]
		if v == "" && s.op != opExpr {
			continue
		}
		out, err := s.apply(v, p)
		if err != nil {
			return v, err
		}
		v = out
	}
	return v, nil
}

// eval runs an expression step.
func (p *Plan) eval(prog *vm.Program, v string) (string, error) {
	p.env.Value = v
	if p.m.usesRow && !p.rowBuilt {
		clear(p.env.Row)
		for i, k := range p.keys {
			if k == "" {
				continue
			}
			cell := ""
			if i < len(p.rec) {
				cell = p.rec[i]
				if p.m.trimCells {
					cell = strings.TrimSpace(cell)
				}
			}
			p.env.Row[k] = cell
		}
		p.rowBuilt = true
	}
	out, err := p.machine.Run(prog, p.env)
	if err != nil {
		msg := err.Error()
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		return v, fmt.Errorf("%w: %s", ErrExpression, msg)
	}
	s, _ := out.(string)
	return s, nil
}
