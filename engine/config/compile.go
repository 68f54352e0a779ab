package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr/file"

	"github.com/onboard/onboard/engine/validate"
	"github.com/onboard/onboard/formats/fixedwidth"
	"github.com/onboard/onboard/formats/yamlnode"
	"github.com/onboard/onboard/mappings"
)

// mapping compiles a partner's mapping, once per reference. Problems inside
// a mapping file are reported at their own file, line and column.
func (c *checker) mapping(path string, p *Partner) {
	ref := p.Mapping
	if m, ok := c.mappings[ref]; ok || c.mappingDone[ref] {
		p.CompiledMapping = m
		return
	}
	c.mappingDone[ref] = true
	m, err := mappings.Load(ref, c.shownDir)
	if err != nil {
		var mp mappings.Problems
		if errors.As(err, &mp) && len(mp) > 0 {
			for _, x := range mp {
				c.probs = append(c.probs, Problem{File: x.File, Line: x.Line, Column: x.Column, Message: x.Message})
			}
			return
		}
		c.foreign(path, "mapping "+strconv.Quote(ref), err)
		return
	}
	c.mappings[ref] = m
	p.CompiledMapping = m
}

// layout loads a carrier's layout file (its format), once per file.
func (c *checker) layout(path string, cr *Carrier) {
	orig := cr.Format
	cr.Format = c.abs(cr.Format)
	if l, ok := c.layouts[cr.Format]; ok {
		cr.Layout = l
		return
	}
	if c.layouts == nil {
		c.layouts = map[string]*fixedwidth.Layout{}
	}
	c.layouts[cr.Format] = nil // reported once
	if _, err := os.Stat(cr.Format); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		c.problemAt(path, "format %q is neither %q nor a layout file onboard can read (%v)", orig, FormatX12, err)
		return
	}
	shown := orig
	if !filepath.IsAbs(shown) {
		shown = filepath.Join(c.shownDir, orig)
	}
	l, err := fixedwidth.LoadLayout(shown)
	if err != nil {
		var les fixedwidth.LayoutErrors
		if errors.As(err, &les) && len(les) > 0 {
			for _, e := range les {
				c.probs = append(c.probs, Problem{File: e.File, Line: e.Line, Column: e.Column, Message: e.Err.Error()})
			}
			return
		}
		c.foreign(path, "layout "+strconv.Quote(orig), err)
		return
	}
	c.layouts[cr.Format] = l
	cr.Layout = l
}

// positioned matches an error line that starts "FILE:LINE:COL: ".
var positioned = regexp.MustCompile(`^(.+?):(\d+):(\d+): (.*)$`)

// foreign reports the error of another package's loader: each line that
// names its own file position becomes a problem there; otherwise the error
// is reported at path.
func (c *checker) foreign(path, what string, err error) {
	var found bool
	for _, line := range strings.Split(err.Error(), "\n") {
		m := positioned.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		ln, _ := strconv.Atoi(m[2]) // cannot fail: \d+
		col, _ := strconv.Atoi(m[3])
		c.probs = append(c.probs, Problem{File: m[1], Line: ln, Column: col, Message: m[4]})
		found = true
	}
	if !found {
		c.problemAt(path, "%s: %v", what, err)
	}
}

// rules checks a carrier's rules and builds its validator.
func (c *checker) rules(path string, cr *Carrier) {
	spec := validate.CarrierSpec{ID: cr.ID}
	if cr.IsX12() {
		x := cr.X12
		spec.Delimiters = x.ElementSeparator + x.ComponentSeparator + x.RepetitionSeparator + x.SegmentTerminator
	}
	for _, pl := range cr.Plans {
		spec.Plans = append(spec.Plans, validate.PlanSpec{ID: pl.ID, ProductLine: pl.ProductLine})
	}
	ids := map[string]int{}
	for j, r := range cr.Rules {
		rp := fmt.Sprintf("%s.rules[%d]", path, j)
		if c.required(rp+".id", r.ID, "a short name for the rule, such as first-of-month") {
			if first, dup := ids[r.ID]; dup {
				c.problemAt(rp+".id", "rule id %q is already used by %s.rules[%d]", r.ID, path, first)
			}
			ids[r.ID] = j
		}
		c.required(rp+".message", r.Message, "the sentence partners see when the rule fails")
		spec.Rules = append(spec.Rules, validate.RuleSpec{ID: r.ID, On: r.On, Expr: r.Expr, Message: r.Message, Parameter: r.Parameter})
	}
	v, err := validate.NewCarrier(spec)
	if err == nil {
		cr.Validator = v
		return
	}
	errs := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs = joined.Unwrap()
	}
	for _, e := range errs {
		var re *validate.RuleError
		if !errors.As(e, &re) {
			c.problemAt(path+".rules", "%v", e)
			continue
		}
		rp := fmt.Sprintf("%s.rules[%d].%s", path, re.Index, re.Field)
		r := cr.Rules[re.Index]
		switch {
		case re.Field == "on" && r.On == "":
			c.problemAt(rp, "on is required: one of %s", strings.Join(validate.RuleTargets, ", "))
		case re.Field == "expr" && strings.TrimSpace(r.Expr) == "":
			c.problemAt(rp, "expr is required: a condition every %s must meet, such as day(enrollment.start_date) == 1", r.On)
		default:
			c.exprProblem(rp, re.Err)
		}
	}
}

// exprProblem reports a rule's compile error at the character of the
// expression it names (for a one-line expression), without expr's source
// excerpt.
func (c *checker) exprProblem(path string, err error) {
	msg := err.Error()
	var fe *file.Error
	if errors.As(err, &fe) {
		msg = "compiling expression: " + fe.Message
		if n, ok := c.scalars[path]; ok && fe.Line == 1 {
			s, _ := yamlnode.Scalar(n)
			i := 0 // byte index of the fe.Column'th rune
			for col := 0; col < fe.Column && i < len(s); col++ {
				_, size := utf8.DecodeRuneInString(s[i:])
				i += size
			}
			c.problem(c.offset(n, s, i), path, "%s", msg)
			return
		}
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i] // drop expr's source excerpt; the position says where
	}
	c.problemAt(path, "%s", msg)
}
