package x12guide

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// checkSegment checks a placed segment's elements against its map node.
func (v *validator) checkSegment(s *rawSegment, m *Segment) {
	if m.Usage == "N" {
		v.add(Problem{Kind: UnexpectedSegment, Message: "the guide marks this segment not used"})
	}
	vals := s.elems[1:]
	if len(vals) > 0 && vals[len(vals)-1] == "" {
		v.add(Problem{Kind: TrailingSeparator, Message: "ends with an empty element (a trailing element separator)"})
	}
	isa := s.id() == "ISA"
	for i, val := range vals {
		if i >= len(m.Elements) || m.Elements[i] == nil {
			if val != "" {
				v.add(Problem{Kind: TooManyElements, Element: fmt.Sprintf("%s%02d", s.id(), i+1), Position: i + 1,
					Message: fmt.Sprintf("the guide defines %d elements for %s; this one holds %q", len(m.Elements), s.id(), val)})
			}
		}
	}
	for i, e := range m.Elements {
		if e == nil {
			continue
		}
		val := s.value(i + 1)
		pos := i + 1
		if val == "" {
			if e.Usage == "R" {
				v.add(Problem{Kind: MissingElement, Element: e.Ref, DataElement: e.DataEle, Position: pos, Message: fmt.Sprintf("(%s) is required and missing", e.Name)})
			}
			continue
		}
		if e.Usage == "N" {
			v.add(Problem{Kind: NotUsedElement, Element: e.Ref, DataElement: e.DataEle, Position: pos, Message: fmt.Sprintf("(%s) is marked not used by the guide but holds %q", e.Name, val)})
			continue
		}
		reps := []string{val}
		if s.d.hasRep && !isa {
			reps = strings.Split(val, string(s.d.rep))
		}
		if len(reps) > 1 && (e.Repeat == 1 || e.Repeat > 0 && len(reps) > e.Repeat) {
			v.add(Problem{Kind: TooManyRepeats, Element: e.Ref, Position: pos, Message: fmt.Sprintf("(%s) repeats %d times; the guide allows %d", e.Name, len(reps), max(e.Repeat, 1))})
			continue
		}
		for _, r := range reps {
			if e.Composite() {
				v.checkComposite(s, e, pos, r)
				continue
			}
			if !isa && strings.IndexByte(r, s.d.comp) >= 0 {
				v.add(Problem{Kind: TooManyComponents, Element: e.Ref, Position: pos, Message: fmt.Sprintf("(%s) is a simple element but %q holds the component separator %q", e.Name, r, s.d.comp)})
				continue
			}
			v.checkValue(s, e, pos, 0, r)
		}
	}
	v.checkSyntax(m.Syntax, s.id(), func(i int) bool { return s.value(i) != "" }, 0)
}

func (v *validator) checkComposite(s *rawSegment, e *Element, pos int, val string) {
	comps := strings.Split(val, string(s.d.comp))
	if len(comps) > len(e.Components) {
		v.add(Problem{Kind: TooManyComponents, Element: e.Ref, Position: pos, Message: fmt.Sprintf("(%s) has %d components; the guide defines %d", e.Name, len(comps), len(e.Components))})
	}
	for j, c := range e.Components {
		if c == nil {
			continue
		}
		cv := ""
		if j < len(comps) {
			cv = comps[j]
		}
		if cv == "" {
			if c.Usage == "R" {
				v.add(Problem{Kind: MissingElement, Element: c.Ref, DataElement: c.DataEle, Position: pos, Component: j + 1, Message: fmt.Sprintf("(%s) is required and missing", c.Name)})
			}
			continue
		}
		if c.Usage == "N" {
			v.add(Problem{Kind: NotUsedElement, Element: c.Ref, DataElement: c.DataEle, Position: pos, Component: j + 1, Message: fmt.Sprintf("(%s) is marked not used by the guide but holds %q", c.Name, cv)})
			continue
		}
		v.checkValue(s, c, pos, j+1, cv)
	}
	v.checkSyntax(e.Syntax, e.Ref, func(i int) bool { return i <= len(comps) && comps[i-1] != "" }, pos)
}

// checkValue checks one non-empty value of element e: its length, its
// characters and type, its code.
func (v *validator) checkValue(s *rawSegment, e *Element, pos, comp int, val string) {
	p := func(k Kind, format string, args ...any) {
		v.add(Problem{Kind: k, Element: e.Ref, DataElement: e.DataEle, Position: pos, Component: comp, Message: fmt.Sprintf("(%s) ", e.Name) + fmt.Sprintf(format, args...)})
	}
	isa := s.id() == "ISA"
	// ISA11 and ISA16 are the repetition and component separators.
	delimField := isa && (pos == 11 || pos == 16)
	if !delimField {
		if i := badChar(val); i >= 0 {
			p(InvalidCharacter, "value %q holds byte 0x%02X, outside the X12 basic and extended character set", val, val[i])
			return
		}
	}
	n := len(val)
	numeric := e.Type == "R" || strings.HasPrefix(e.Type, "N")
	if numeric {
		n = len(strings.NewReplacer("-", "", ".", "").Replace(val))
	}
	if n < e.MinLen {
		p(TooShort, "value %q has length %d; the minimum is %d", val, n, e.MinLen)
	}
	if e.MaxLen > 0 && n > e.MaxLen {
		p(TooLong, "value %q has length %d; the maximum is %d", val, n, e.MaxLen)
	}
	switch {
	case strings.HasPrefix(e.Type, "N"):
		if !isInteger(val) {
			p(InvalidCharacter, "value %q is not a whole number (type %s)", val, e.Type)
		}
	case e.Type == "R":
		if !isDecimal(val) {
			p(InvalidCharacter, "value %q is not a decimal number", val)
		}
	case e.Type == "DT":
		if !isDate(val) {
			p(InvalidDate, "value %q is not a date (CCYYMMDD or YYMMDD)", val)
		}
	case e.Type == "TM":
		if !isTime(val) {
			p(InvalidTime, "value %q is not a time (HHMM, HHMMSS, HHMMSSD or HHMMSSDD)", val)
		}
	case e.Type == "AN":
		if !isa && strings.Trim(val, " ") == "" {
			p(InvalidCharacter, "value is only spaces")
		}
		// A date-time period (1251) follows its format qualifier (1250).
		if e.DataEle == "1251" && comp == 0 && pos > 1 {
			switch q := s.value(pos - 1); q {
			case "D8":
				if len(val) != 8 || !isDate(val) {
					p(InvalidDate, "value %q is not a CCYYMMDD date (format D8)", val)
				}
			case "RD8":
				from, to, ok := strings.Cut(val, "-")
				if !ok || len(from) != 8 || len(to) != 8 || !isDate(from) || !isDate(to) || to < from {
					p(InvalidDate, "value %q is not a CCYYMMDD-CCYYMMDD range (format RD8)", val)
				}
			}
		}
	}
	if e.Codes != nil && !e.Codes[val] && !v.dev[e.Ref][val] {
		p(InvalidCode, "value %q is not a code the guide allows here (%s)", val, codeHint(e))
	}
}

func codeHint(e *Element) string {
	if e.External != "" {
		return "code list " + e.External
	}
	list := e.CodeList
	if len(list) > 12 {
		list = append(append([]string{}, list[:12]...), "…")
	}
	return strings.Join(list, " ")
}

// badChar returns the index of the first byte outside the X12 basic and
// extended character sets (letters, digits, space and the punctuation
// !"&'()*+,-./:;?=%@[]_{}\|<>~#$), -1 if none.
func badChar(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || c == ' ' {
			continue
		}
		if strings.IndexByte(`!"&'()*+,-./:;?=%@[]_{}\|<>~#$`, c) < 0 {
			return i
		}
	}
	return -1
}

func isInteger(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isDecimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	whole, frac, dot := strings.Cut(s, ".")
	if !dot {
		return isInteger(whole)
	}
	if whole == "" && frac == "" {
		return false
	}
	return (whole == "" || isInteger(whole)) && (frac == "" || isInteger(frac))
}

func isDate(s string) bool {
	var layout string
	switch len(s) {
	case 8:
		layout = "20060102"
	case 6:
		layout = "060102"
	default:
		return false
	}
	if !isInteger(s) {
		return false
	}
	_, err := time.Parse(layout, s)
	return err == nil
}

func isTime(s string) bool {
	if !isInteger(s) || strings.HasPrefix(s, "-") {
		return false
	}
	switch len(s) {
	case 4, 6, 7, 8:
	default:
		return false
	}
	hh, _ := strconv.Atoi(s[0:2])
	mm, _ := strconv.Atoi(s[2:4])
	if hh > 23 || mm > 59 {
		return false
	}
	if len(s) >= 6 {
		ss, _ := strconv.Atoi(s[4:6])
		if ss > 59 {
			return false
		}
	}
	return true
}

// checkSyntax applies the map's syntax rules (X12's relational conditions)
// to the positions present: P paired, R at least one, E at most one, C if
// the first then all the others, L if the first then at least one other.
func (v *validator) checkSyntax(rules []string, owner string, present func(int) bool, pos int) {
	for _, r := range rules {
		if len(r) < 5 || (len(r)-1)%2 != 0 {
			continue
		}
		var idx []int
		for i := 1; i+2 <= len(r); i += 2 {
			n, err := strconv.Atoi(r[i : i+2])
			if err != nil {
				idx = nil
				break
			}
			idx = append(idx, n)
		}
		if len(idx) < 2 {
			continue
		}
		count := 0
		for _, i := range idx {
			if present(i) {
				count++
			}
		}
		names := make([]string, len(idx))
		for i, n := range idx {
			names[i] = fmt.Sprintf("%s%02d", owner, n)
		}
		list := strings.Join(names, ", ")
		bad, kind := false, ConditionalMissing
		switch r[0] {
		case 'P':
			bad = count > 0 && count < len(idx)
		case 'R':
			bad = count == 0
		case 'E':
			bad, kind = count > 1, ExclusionViolated
		case 'C':
			bad = present(idx[0]) && count < len(idx)
		case 'L':
			bad = present(idx[0]) && count < 2
		}
		if bad {
			v.add(Problem{Kind: kind, Element: names[0], Position: max(pos, idx[0]), Message: fmt.Sprintf("breaks syntax rule %s over %s", r, list)})
		}
	}
}
