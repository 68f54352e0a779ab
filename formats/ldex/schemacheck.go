package ldex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrSchema is wrapped by ValidateAgainstSchema when a document breaks the
// bundle schema.
var ErrSchema = errors.New("does not match the bundle schema")

// ValidateAgainstSchema checks that doc, one JSON document, validates
// against Schema (bundle.schema.json). The error lists every violation
// with its JSON path ("$.customer.fein: ...") and wraps ErrSchema; a doc
// that is not JSON is an error too. It lets a producer or a test check a
// written bundle without a JSON Schema dependency; only the keywords the
// schema uses are supported.
func ValidateAgainstSchema(doc []byte) error {
	schema, err := newJSONSchema(Schema)
	if err != nil {
		return err
	}
	inst, err := decodeJSON(doc)
	if err != nil {
		return fmt.Errorf("decoding bundle: %w", err)
	}
	if errs := schema.Validate(inst); len(errs) > 0 {
		return fmt.Errorf("validating bundle: %w:\n%s", ErrSchema, strings.Join(errs, "\n"))
	}
	return nil
}

// jsonSchema is a small JSON Schema (draft 2020-12) validator for the
// keywords bundle.schema.json uses: $ref into $defs, type, const, enum,
// required, properties, additionalProperties, items, pattern, format
// (date, date-time), minimum and minLength. Any other keyword is reported
// as an error, so the schema cannot silently rely on one the tests ignore.
type jsonSchema struct {
	root any
}

// annotations are keywords that do not constrain an instance.
var annotations = map[string]bool{
	"$schema": true, "$id": true, "$comment": true, "$defs": true,
	"title": true, "description": true,
}

func newJSONSchema(data []byte) (*jsonSchema, error) {
	root, err := decodeJSON(data)
	if err != nil {
		return nil, fmt.Errorf("decoding schema: %w", err)
	}
	return &jsonSchema{root: root}, nil
}

// decodeJSON decodes one JSON value with json.Number so integers are told
// from floats; anything after the value is an error.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON value")
	}
	return v, nil
}

// Validate returns every violation found, each prefixed by its JSON path.
func (s *jsonSchema) Validate(instance any) []string {
	var errs []string
	s.check(s.root, instance, "$", &errs, 0)
	sort.Strings(errs)
	return errs
}

func (s *jsonSchema) check(schema, inst any, path string, errs *[]string, depth int) {
	fail := func(format string, args ...any) {
		*errs = append(*errs, path+": "+fmt.Sprintf(format, args...))
	}
	if depth > 64 {
		fail("schema nesting too deep (a $ref loop?)")
		return
	}
	switch sc := schema.(type) {
	case bool:
		if !sc {
			fail("not allowed")
		}
		return
	case map[string]any:
		keys := make([]string, 0, len(sc))
		for k := range sc {
			keys = append(keys, k)
		}
		sort.Strings(keys) // deterministic error order
		for _, k := range keys {
			s.keyword(sc, k, inst, path, errs, depth, fail)
		}
	default:
		fail("schema is %T, not an object or boolean", schema)
	}
}

func (s *jsonSchema) keyword(sc map[string]any, k string, inst any, path string, errs *[]string, depth int, fail func(string, ...any)) {
	val := sc[k]
	switch k {
	case "$ref":
		target, err := s.resolve(val)
		if err != nil {
			fail("%v", err)
			return
		}
		s.check(target, inst, path, errs, depth+1)
	case "type":
		var types []string
		switch t := val.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, fmt.Sprint(x))
			}
		}
		if !slices.ContainsFunc(types, func(t string) bool { return hasType(inst, t) }) {
			fail("is %s, want %s", typeName(inst), strings.Join(types, " or "))
		}
	case "const":
		if !sameJSON(val, inst) {
			fail("is %s, want %s", compact(inst), compact(val))
		}
	case "enum":
		opts, _ := val.([]any)
		if !slices.ContainsFunc(opts, func(o any) bool { return sameJSON(o, inst) }) {
			fail("%s is not one of %s", compact(inst), compact(val))
		}
	case "required":
		obj, ok := inst.(map[string]any)
		if !ok {
			return
		}
		req, _ := val.([]any)
		for _, r := range req {
			if _, ok := obj[fmt.Sprint(r)]; !ok {
				fail("missing required property %q", r)
			}
		}
	case "properties":
		obj, ok := inst.(map[string]any)
		if !ok {
			return
		}
		props, _ := val.(map[string]any)
		for name, sub := range props {
			if v, ok := obj[name]; ok {
				s.check(sub, v, path+"."+name, errs, depth+1)
			}
		}
	case "additionalProperties":
		obj, ok := inst.(map[string]any)
		if !ok {
			return
		}
		props, _ := sc["properties"].(map[string]any)
		for name, v := range obj {
			if _, known := props[name]; known {
				continue
			}
			if b, ok := val.(bool); ok && !b {
				fail("additional property %q is not allowed", name)
				continue
			}
			s.check(val, v, path+"."+name, errs, depth+1)
		}
	case "items":
		arr, ok := inst.([]any)
		if !ok {
			return
		}
		for i, v := range arr {
			s.check(val, v, fmt.Sprintf("%s[%d]", path, i), errs, depth+1)
		}
	case "pattern":
		str, ok := inst.(string)
		if !ok {
			return
		}
		re, err := regexp.Compile(fmt.Sprint(val))
		if err != nil {
			fail("bad pattern in schema: %v", err)
			return
		}
		if !re.MatchString(str) {
			fail("%q does not match %s", str, val)
		}
	case "format":
		str, ok := inst.(string)
		if !ok {
			return
		}
		layout := map[string]string{"date": time.DateOnly, "date-time": time.RFC3339}[fmt.Sprint(val)]
		if layout == "" {
			fail("format %q is not supported by this validator", val)
			return
		}
		if _, err := time.Parse(layout, str); err != nil {
			fail("%q is not a valid %s", str, val)
		}
	case "minimum":
		n, ok := inst.(json.Number)
		if !ok {
			return
		}
		f, _ := n.Float64()
		limit, ok := val.(json.Number)
		if !ok {
			fail("minimum in schema is %s, not a number", compact(val))
			return
		}
		min, _ := limit.Float64()
		if f < min {
			fail("%s is less than %s", n, val)
		}
	case "minLength":
		str, ok := inst.(string)
		if !ok {
			return
		}
		limit, ok := val.(json.Number)
		if !ok {
			fail("minLength in schema is %s, not a number", compact(val))
			return
		}
		min, _ := limit.Int64()
		if int64(utf8.RuneCountInString(str)) < min {
			fail("%q is shorter than %d", str, min)
		}
	default:
		if !annotations[k] {
			fail("keyword %q is not supported by this validator", k)
		}
	}
}

// resolve follows a local reference such as "#/$defs/money".
func (s *jsonSchema) resolve(ref any) (any, error) {
	str, _ := ref.(string)
	if !strings.HasPrefix(str, "#") {
		return nil, fmt.Errorf("$ref %q: only local references are supported", str)
	}
	cur := s.root
	for _, part := range strings.Split(strings.TrimPrefix(str, "#"), "/")[1:] {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("$ref %q does not resolve", str)
		}
		if cur, ok = obj[part]; !ok {
			return nil, fmt.Errorf("$ref %q does not resolve", str)
		}
	}
	return cur, nil
}

func hasType(v any, t string) bool {
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		if _, err := n.Int64(); err == nil {
			return true
		}
		f, err := n.Float64()
		return err == nil && f == float64(int64(f))
	}
	return false
}

func typeName(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	case nil:
		return "null"
	case json.Number:
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

func sameJSON(a, b any) bool {
	if na, ok := a.(json.Number); ok {
		nb, ok := b.(json.Number)
		if !ok {
			return false
		}
		fa, _ := na.Float64()
		fb, _ := nb.Float64()
		return fa == fb
	}
	return reflect.DeepEqual(a, b)
}

func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
