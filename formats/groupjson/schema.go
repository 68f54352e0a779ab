package groupjson

import (
	"reflect"
	"strings"
	"time"
	"unicode"

	"github.com/onboard/onboard/engine/model"
)

// kind is what JSON a field accepts.
type kind uint8

const (
	kString kind = iota
	kInt
	kFloat
	kBool
	kObject
	kArray
	kTime // an RFC 3339 string
)

var kindNames = [...]string{kString: "a string", kInt: "a whole number", kFloat: "a number", kBool: "true or false",
	kObject: "an object", kArray: "an array", kTime: "a date-time string (RFC 3339)"}

// schema is the shape of the request, derived once from the model's JSON
// tags, so unknown fields and wrong types are found by walking data.
type schema struct {
	kind   kind
	name   string             // for "is not a field of NAME"
	fields map[string]*schema // kObject
	elem   *schema            // kArray
}

// request is {"group": Group}.
var request = &schema{kind: kObject, name: "the request", fields: map[string]*schema{
	"group": schemaOf(reflect.TypeFor[model.Group]()),
}}

var timeType = reflect.TypeFor[time.Time]()

func schemaOf(t reflect.Type) *schema {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return &schema{kind: kTime}
	case t.Kind() == reflect.String:
		return &schema{kind: kString}
	case t.Kind() == reflect.Bool:
		return &schema{kind: kBool}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return &schema{kind: kInt}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return &schema{kind: kFloat}
	case t.Kind() == reflect.Slice:
		return &schema{kind: kArray, elem: schemaOf(t.Elem())}
	case t.Kind() == reflect.Struct:
		s := &schema{kind: kObject, name: snake(t.Name()), fields: map[string]*schema{}}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			s.fields[name] = schemaOf(f.Type)
		}
		return s
	}
	return &schema{kind: kString}
}

// snake turns EmploymentDetails into employment_details.
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
