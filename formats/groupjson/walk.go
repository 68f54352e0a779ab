package groupjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/onboard/onboard/engine/model"
)

// maxDepth is the deepest nesting a file may have; the model itself needs
// six levels, so anything near this is not a group.
const maxDepth = 64

var errTooDeep = errors.New("nested too deeply")

// seg is one step of a path: an object key, or an array index (key "").
type seg struct {
	key string
	idx int
}

// problem is a field that does not fit the model.
type problem struct {
	off  int64 // offset in the value
	segs []seg
	msg  string
}

// walker checks a group's JSON against the schema: unknown fields and
// values of the wrong kind are all reported, where json.Unmarshal would
// stop at (or keep only) the first.
type walker struct {
	dec      *json.Decoder
	probs    []problem
	deepAt   int64
	hasGroup bool
	badTimes []int64 // end offsets of date-time strings that do not parse
}

// walk checks one request object; depth is the nesting of the value itself
// (1 in a stream, 2 inside an array).
func walk(raw []byte, depth int) *walker {
	w := &walker{dec: json.NewDecoder(bytes.NewReader(raw)), deepAt: -1}
	w.dec.UseNumber()
	// raw is one value json.Decoder already accepted, so the only error
	// left is errTooDeep, recorded in deepAt.
	_ = w.value(request, nil, depth)
	return w
}

func (w *walker) add(segs []seg, format string, args ...any) {
	w.probs = append(w.probs, problem{off: w.dec.InputOffset(), segs: append([]seg(nil), segs...), msg: fmt.Sprintf(format, args...)})
}

// value walks one value; s nil accepts anything (an unknown field's value).
func (w *walker) value(s *schema, segs []seg, depth int) error {
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	got := ""
	switch t := tok.(type) {
	case json.Delim:
		if depth > maxDepth {
			w.deepAt = w.dec.InputOffset()
			return errTooDeep
		}
		if t == '{' {
			return w.object(s, segs, depth)
		}
		return w.array(s, segs, depth)
	case nil:
		return nil // null leaves the field empty
	case string:
		switch {
		case s == nil || s.kind == kString:
			return nil
		case s.kind == kTime:
			if _, err := time.Parse(time.RFC3339, t); err != nil {
				w.add(segs, "Field %s must be %s, not %q.", fieldName(segs), kindNames[kTime], t)
				w.badTimes = append(w.badTimes, w.dec.InputOffset())
			}
			return nil
		}
		got = "a string"
	case json.Number:
		switch {
		case s == nil || s.kind == kFloat:
			return nil
		case s.kind == kInt:
			if _, err := strconv.ParseInt(t.String(), 10, 64); err != nil {
				w.add(segs, "Field %s must be %s, not %s.", fieldName(segs), kindNames[kInt], t)
			}
			return nil
		}
		got = "a number"
	case bool:
		if s == nil || s.kind == kBool {
			return nil
		}
		got = "true or false"
	}
	w.add(segs, "Field %s must be %s, not %s.", fieldName(segs), kindNames[s.kind], got)
	return nil
}

func (w *walker) object(s *schema, segs []seg, depth int) error {
	if s != nil && s.kind != kObject {
		w.add(segs, "Field %s must be %s, not an object.", fieldName(segs), kindNames[s.kind])
		s = nil
	}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		var fs *schema
		if s != nil {
			var ok bool
			if fs, ok = s.fields[key]; !ok {
				w.add(append(segs, seg{key: key}), "%q is not a field of %s; remove it or check its spelling.", key, s.name)
			}
			if s == request && key == "group" {
				w.hasGroup = true
			}
		}
		if err := w.value(fs, append(segs, seg{key: key}), depth+1); err != nil {
			return err
		}
	}
	_, err := w.dec.Token() // '}'
	return err
}

func (w *walker) array(s *schema, segs []seg, depth int) error {
	var elem *schema
	switch {
	case s == nil:
	case s.kind != kArray:
		w.add(segs, "Field %s must be %s, not an array.", fieldName(segs), kindNames[s.kind])
	default:
		elem = s.elem
	}
	for i := 0; w.dec.More(); i++ {
		if err := w.value(elem, append(segs, seg{idx: i}), depth+1); err != nil {
			return err
		}
	}
	_, err := w.dec.Token() // ']'
	return err
}

// fieldName is the last key of a path.
func fieldName(segs []seg) string {
	for i := len(segs) - 1; i >= 0; i-- {
		if segs[i].key != "" {
			return segs[i].key
		}
	}
	return "group"
}

// paramOf turns a walked path into a canonical parameter path, addressing
// subscribers, dependents and locations by external identifier and
// enrollments by product line where the decoded group knows them.
func paramOf(g *model.Group, segs []seg) string {
	var b strings.Builder
	var sub *model.Subscriber
	for i, s := range segs {
		if s.key != "" {
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.key)
			continue
		}
		label := strconv.Itoa(s.idx)
		array := ""
		if i > 0 {
			array = segs[i-1].key
		}
		switch {
		case i == 2 && array == "subscribers" && s.idx < len(g.Subscribers):
			sub = &g.Subscribers[s.idx]
			label = orIndex(sub.ExternalIdentifier, label)
		case i == 2 && array == "secondary_locations" && s.idx < len(g.SecondaryLocations):
			label = orIndex(g.SecondaryLocations[s.idx].ExternalIdentifier, label)
		case i == 4 && array == "dependents" && sub != nil && s.idx < len(sub.Dependents):
			label = orIndex(sub.Dependents[s.idx].ExternalIdentifier, label)
		case i == 4 && array == "enrollments" && sub != nil && s.idx < len(sub.Enrollments):
			label = orIndex(sub.Enrollments[s.idx].ProductLine, label)
		}
		b.WriteString("[" + label + "]")
	}
	return b.String()
}

func orIndex(id, index string) string {
	if id == "" {
		return index
	}
	return id
}

// nullify returns raw with the strings ending at the given offsets (in
// increasing order) replaced by null; raw itself is kept.
func nullify(raw []byte, ends []int64) []byte {
	if len(ends) == 0 {
		return raw
	}
	out := make([]byte, 0, len(raw))
	prev := int64(0)
	for _, end := range ends {
		if end < prev+2 || end > int64(len(raw)) || raw[end-1] != '"' {
			continue
		}
		start := end - 2
		for ; start >= prev; start-- {
			if raw[start] != '"' {
				continue
			}
			slashes := 0
			for i := start - 1; i >= 0 && raw[i] == '\\'; i-- {
				slashes++
			}
			if slashes%2 == 0 {
				break
			}
		}
		if start < prev {
			continue
		}
		out = append(append(out, raw[prev:start]...), "null"...)
		prev = end
	}
	return append(out, raw[prev:]...)
}
