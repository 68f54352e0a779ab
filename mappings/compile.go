package mappings

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	yamlerr "github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/formats/yamlnode"
)

// exprEnv is what a mapping expression sees: the cell's value after the
// steps before it, and the row's cells by lower-case header name.
type exprEnv struct {
	Value string            `expr:"value"`
	Row   map[string]string `expr:"row"`
}

// compiler turns a parsed mapping file into a Mapping.
type compiler struct {
	decoder
	m          *Mapping
	targetLine map[Target]int
}

// Compile compiles a YAML mapping file's content; name is the file name
// used in error positions. The error is a Problems listing every mistake.
func Compile(data []byte, name string) (*Mapping, error) {
	c := &compiler{decoder: decoder{file: name}, targetLine: map[Target]int{}}
	c.m = &Mapping{Name: name, Employee: "employee", trimCells: true, groupKey: -1,
		fingerprint: sha256.Sum256(append(append([]byte(name), 0), data...))}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		var ye yamlerr.Error
		line, col := 1, 1
		msg := err.Error()
		if asYAMLError(err, &ye) {
			msg = ye.GetMessage()
			if tk := ye.GetToken(); tk != nil && tk.Position != nil {
				line, col = tk.Position.Line, tk.Position.Column
			}
		}
		return nil, Problems{{File: name, Line: line, Column: col, Message: "reading YAML: " + msg}}
	}
	var body ast.Node
	if len(f.Docs) > 0 {
		body = f.Docs[0].Body
	}
	if body == nil {
		return nil, Problems{{File: name, Line: 1, Column: 1, Message: "the mapping file is empty; it needs at least columns:"}}
	}
	if len(f.Docs) > 1 && f.Docs[1].Body != nil {
		c.errorf(f.Docs[1].Body, "a mapping file holds one YAML document; remove the second one")
	}
	var columnsKey ast.Node
	c.fields(body, "the mapping", map[string]func(k, v ast.Node){
		"name": func(k, v ast.Node) {
			if s, ok := c.str(v, "name"); ok && s != "" {
				c.m.Name = s
			}
		},
		"description": func(k, v ast.Node) { c.m.Description, _ = c.str(v, "description") },
		"employee": func(k, v ast.Node) {
			if s, ok := c.str(v, "employee"); ok {
				if s == "" {
					c.errorf(v, "employee must name the relationship value that marks a subscriber row")
				}
				c.m.Employee = s
			}
		},
		"trim_cells": func(k, v ast.Node) {
			if b, ok := c.boolean(v, "trim_cells"); ok {
				c.m.trimCells = b
			}
		},
		"columns": func(k, v ast.Node) {
			columnsKey = k
			items, _ := c.sequence(v, "columns")
			for _, item := range items {
				c.column(item)
			}
		},
	})
	c.finish(body, columnsKey)
	if len(c.probs) > 0 {
		c.probs.sort()
		return nil, c.probs
	}
	return c.m, nil
}

func asYAMLError(err error, target *yamlerr.Error) bool {
	ye, ok := err.(yamlerr.Error)
	if ok {
		*target = ye
	}
	return ok
}

// finish checks what only the whole mapping can say.
func (c *compiler) finish(body, columnsKey ast.Node) {
	at := body
	if columnsKey != nil {
		at = columnsKey
	}
	if !c.m.has[GroupExternalID] {
		c.errorf(at, "missing group key: no column has target group.external_identifier, so rows cannot form groups")
	}
	if !c.m.has[MemberExternalID] && (c.m.has[MemberSubscriber] || c.m.has[MemberRelationship]) {
		c.errorf(at, "member.subscriber_external_identifier and member.relationship need a column with target member.external_identifier (the member id)")
	}
	for l, line := range enrollLines() {
		for f := EnrollLevel; f < enrollFields; f++ {
			if c.m.has[Enrollment(l, f)] && !c.m.has[Enrollment(l, EnrollPlan)] {
				c.errorf(at, "enrollments[%s].%s needs a column with target enrollments[%s].plan_id: an enrollment exists only where a plan is named", line, enrollFieldNames[f], line)
			}
		}
	}
	// Structural fields first: Plan.Map decides from them whether a row is
	// a subscriber's before reading the rest.
	var structural, rest []field
	for _, f := range c.m.fields {
		switch f.target {
		case MemberExternalID, MemberSubscriber, MemberRelationship:
			structural = append(structural, f)
		default:
			rest = append(rest, f)
		}
	}
	c.m.fields = append(structural, rest...)
	c.m.nStructural = len(structural)
	for i, f := range c.m.fields {
		if f.target == GroupExternalID {
			c.m.groupKey = i
		}
	}
}

// column compiles one entry of columns.
func (c *compiler) column(item ast.Node) {
	switch yamlnode.Unwrap(item).(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
	default:
		c.errorf(item, "each columns entry must be a mapping with a column (or constant) and a target")
		return
	}
	var f field
	var targetNode, constNode ast.Node
	hasColumn, hasDefault, targetSeen := false, false, false
	c.fields(item, "a columns entry", map[string]func(k, v ast.Node){
		"column": func(k, v ast.Node) {
			hasColumn = true
			s, ok := c.str(v, "column")
			if !ok {
				return
			}
			f.column = strings.TrimSpace(s)
			f.key = strings.ToLower(f.column)
			if f.column == "" {
				c.errorf(v, "column must name a header of the partner's file")
			}
		},
		"target": func(k, v ast.Node) {
			s, ok := c.str(v, "target")
			targetSeen = true
			if !ok {
				return
			}
			targetNode = v
			t, known := targetByName[s]
			if !known {
				c.errorf(v, "unknown target %q%s", s, suggest(s, TargetNames(), "see the targets in the mappings package documentation"))
				targetNode = nil
				return
			}
			f.target = t
		},
		"transforms": func(k, v ast.Node) {
			items, _ := c.sequence(v, "transforms")
			for _, it := range items {
				if s, ok := c.transform(it); ok {
					f.steps = append(f.steps, s)
				}
			}
		},
		"default": func(k, v ast.Node) {
			f.def, _ = c.str(v, "default")
			hasDefault = true
		},
		"constant": func(k, v ast.Node) {
			f.constant, _ = c.str(v, "constant")
			f.isConst, constNode = true, k
		},
		"required": func(k, v ast.Node) { f.required, _ = c.boolean(v, "required") },
		"optional": func(k, v ast.Node) { f.optional, _ = c.boolean(v, "optional") },
	})
	switch {
	case f.isConst && hasColumn:
		c.errorf(constNode, "a columns entry takes a column or a constant, not both")
	case f.isConst && (len(f.steps) > 0 || hasDefault || f.required || f.optional):
		c.errorf(constNode, "a constant is used as written: it takes no transforms, default, required or optional")
	case !f.isConst && !hasColumn:
		c.errorf(item, "a columns entry needs a column (a header of the partner's file) or a constant")
	}
	if targetNode == nil {
		if !targetSeen {
			c.errorf(item, "a columns entry needs a target (a canonical path such as member.first_name)")
		}
		return
	}
	line, _ := yamlnode.Pos(targetNode)
	if first, dup := c.targetLine[f.target]; dup {
		c.errorf(targetNode, "duplicate target %s: line %d already maps a column to it", f.target, first)
		return
	}
	c.targetLine[f.target] = line
	c.m.has[f.target] = true
	f.decl = len(c.m.fields)
	f.pure = len(f.steps) > 0
	for _, s := range f.steps {
		if s.op == opExpr {
			f.pure = false
			c.m.usesRow = c.m.usesRow || s.usesRow
		}
	}
	c.m.fields = append(c.m.fields, f)
}

// transform compiles one transforms entry: a word (trim) or a one-key
// mapping ({pad: {...}}).
func (c *compiler) transform(n ast.Node) (step, bool) {
	if kvs, ok := yamlnode.Unwrap(n).(*ast.MappingNode); ok && len(kvs.Values) != 1 {
		c.errorf(n, "a transform with settings is one key, like {pad: {width: 5}}; this one has %d", len(kvs.Values))
		return step{}, false
	}
	switch v := yamlnode.Unwrap(n).(type) {
	case *ast.MappingNode:
		return c.transformWith(v.Values[0])
	case *ast.MappingValueNode:
		return c.transformWith(v)
	}
	name, ok := c.scalar(n, "a transform")
	if !ok {
		return step{}, false
	}
	if o, ok := scalarOps[name]; ok {
		return step{op: o}, true
	}
	switch name {
	case "pad", "date", "values", "match", "expr":
		c.errorf(n, "transform %s needs settings, as in {%s: ...}", name, name)
	default:
		c.errorf(n, "unknown transform %q%s", name, suggest(name, transformNames, "transforms are "+strings.Join(transformNames, ", ")))
	}
	return step{}, false
}

func (c *compiler) transformWith(kv *ast.MappingValueNode) (step, bool) {
	name, ok := c.scalar(kv.Key, "a transform")
	if !ok {
		return step{}, false
	}
	before := len(c.probs)
	var s step
	switch name {
	case "pad":
		s = c.pad(kv.Value)
	case "date":
		s = c.date(kv.Value)
	case "values":
		s = c.values(kv.Value)
	case "match":
		s = step{op: opMatch}
		pats, nodes, _ := c.strings(kv.Value, "match")
		for i, p := range pats {
			if p == "" {
				c.errorf(nodes[i], "a match pattern cannot be empty; use # for a digit, @ for a letter, * for any character")
			}
		}
		s.patterns = pats
	case "expr":
		s = c.expression(kv.Value)
	default:
		if _, plain := scalarOps[name]; plain {
			c.errorf(kv.Key, "transform %s takes no settings; write it as a plain word", name)
		} else {
			c.errorf(kv.Key, "unknown transform %q%s", name, suggest(name, transformNames, "transforms are "+strings.Join(transformNames, ", ")))
		}
	}
	return s, len(c.probs) == before
}

func (c *compiler) pad(n ast.Node) step {
	s := step{op: opPad, char: " ", left: true}
	hasWidth := false
	c.fields(n, "pad", map[string]func(k, v ast.Node){
		"width": func(k, v ast.Node) {
			hasWidth = true
			if w, ok := c.integer(v, "pad width"); ok {
				if w < 1 || w > 1000 {
					c.errorf(v, "pad width must be between 1 and 1000")
				}
				s.width = w
			}
		},
		"char": func(k, v ast.Node) {
			if ch, ok := c.str(v, "pad char"); ok {
				if utf8.RuneCountInString(ch) != 1 {
					c.errorf(v, "pad char must be exactly one character, like \"0\"")
				}
				s.char = ch
			}
		},
		"side": func(k, v ast.Node) {
			if side, ok := c.str(v, "pad side"); ok {
				switch side {
				case "left":
				case "right":
					s.left = false
				default:
					c.errorf(v, "pad side must be left or right")
				}
			}
		},
	})
	if !hasWidth {
		if _, ok := yamlnode.Unwrap(n).(*ast.MappingNode); ok {
			c.errorf(n, "pad needs a width")
		}
	}
	return s
}

func (c *compiler) date(n ast.Node) step {
	s := step{op: opDate}
	layouts, nodes, _ := c.strings(n, "date")
	shown := make([]string, 0, len(layouts))
	for i, l := range layouts {
		gl, err := dateLayout(l)
		if err != nil {
			c.errorf(nodes[i], "bad date layout %q: %v", l, err)
			continue
		}
		s.layouts = append(s.layouts, gl)
		s.numeric = append(s.numeric, compileNumeric(gl))
		shown = append(shown, showLayout(l))
	}
	if len(layouts) == 0 {
		c.errorf(n, "date needs at least one layout, like [YYYY-MM-DD, MM/DD/YYYY]")
	}
	s.shown = strings.Join(shown, " or ")
	return s
}

func (c *compiler) values(n ast.Node) step {
	s := step{op: opValues, table: map[string]string{}}
	kvs, ok := c.entries(n, "values")
	if !ok {
		return s
	}
	if len(kvs) == 0 {
		c.errorf(n, "values needs at least one entry, like {F: female}")
	}
	keys := make([]string, 0, len(kvs))
	seen := map[string]int{}
	for _, kv := range kvs {
		k, ok1 := c.scalar(kv.Key, "a values key")
		v, ok2 := c.scalar(kv.Value, "a values value")
		if !ok1 || !ok2 {
			continue
		}
		lk := strings.ToLower(k)
		if first, dup := seen[lk]; dup {
			c.errorf(kv.Key, "values has %q twice (also on line %d); keys are matched without regard to case", k, first)
			continue
		}
		seen[lk], _ = yamlnode.Pos(kv.Key)
		s.table[k] = v
		s.table[lk] = v
		keys = append(keys, k)
	}
	s.accepted = strings.Join(keys, ", ")
	return s
}

func (c *compiler) expression(n ast.Node) step {
	src, ok := c.str(n, "expr")
	if !ok {
		return step{}
	}
	prog, err := expr.Compile(src, expr.Env(exprEnv{}), expr.AsKind(reflect.String))
	if err != nil {
		msg := err.Error()
		var fe *file.Error
		if errors.As(err, &fe) {
			msg = fmt.Sprintf("%s (column %d of the expression)", fe.Message, fe.Column+1)
		}
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		c.errorf(n, "bad expression: %s", msg)
		return step{}
	}
	return step{op: opExpr, prog: prog, usesRow: strings.Contains(src, "row")}
}

// suggest returns "; did you mean X?" for the closest known name within
// three edits, or the fallback hint.
func suggest(s string, known []string, fallback string) string {
	if best, ok := yamlnode.Closest(s, known, 3); ok {
		return fmt.Sprintf("; did you mean %s?", best)
	}
	return "; " + fallback
}

func enrollLines() []string { return model.ProductLines }
