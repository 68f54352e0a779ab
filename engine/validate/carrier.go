package validate

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"

	"github.com/onboard/onboard/engine/model"
)

// PlanSpec is one plan of a carrier's catalog.
type PlanSpec struct{ ID, ProductLine string }

// RuleSpec is a carrier business rule: Expr must be true for every entity
// of kind On (group, location, subscriber, dependent or enrollment); when it
// is not, Message is reported at Parameter, a path relative to the entity
// (start_date on an enrollment is
// group.subscribers[E1].enrollments[medical].start_date).
type RuleSpec struct{ ID, On, Expr, Message, Parameter string }

// CarrierSpec describes a carrier's catalog and rules as configured.
type CarrierSpec struct {
	ID string
	// Delimiters, when non-empty, are characters no value may contain (X12 carriers:
	// element, component, repetition separators and segment terminator).
	Delimiters string
	Plans      []PlanSpec
	Rules      []RuleSpec
}

// Carrier is a carrier's plan catalog and compiled rules, built once by
// NewCarrier and safe for concurrent use.
type Carrier struct {
	id         string
	delimiters string
	// delimSet marks the delimiters' bytes when every delimiter is ASCII
	// (delimASCII), so text checks scan a value once.
	delimSet    [256]bool
	delimASCII  bool
	plans       map[string]string        // plan id → product line
	rules       [len(ruleTargets)][]rule // by target (ruleIndex), in configured order
	fingerprint [32]byte
	dated       bool
}

// Fingerprint identifies what the carrier's checks are: the SHA-256 of its
// spec (catalog, rules, delimiters). Two carriers with the same fingerprint
// judge any group alike on the same day.
func (c *Carrier) Fingerprint() [32]byte { return c.fingerprint }

// Dated reports whether a rule reads today(), so that a group that passed
// may fail on a later day; without one, Group's outcome for a group moves
// only the way "not in the future" does, from errors to none.
func (c *Carrier) Dated() bool { return c.dated }

type rule struct {
	RuleSpec
	prog *vm.Program
	// ofEnrollment: an enrollment rule that names no entity but the
	// enrollment, so its outcome is a function of the enrollment's value
	// (and the validation clock, fixed for a checker): a checker runs it
	// once per distinct enrollment. A census repeats a handful of them
	// (same plans, same dates) over thousands of members.
	ofEnrollment bool
}

// Rule targets: the entity kinds a rule may be "on".
const (
	OnGroup      = "group"
	OnLocation   = "location"
	OnSubscriber = "subscriber"
	OnDependent  = "dependent"
	OnEnrollment = "enrollment"
)

// RuleTargets lists the values RuleSpec.On may take.
var RuleTargets = []string{OnGroup, OnLocation, OnSubscriber, OnDependent, OnEnrollment}

// ruleTargets are the targets in Carrier.rules order.
var ruleTargets = [...]string{OnGroup, OnLocation, OnSubscriber, OnDependent, OnEnrollment}

// ruleIndex returns the index of a rule target in ruleTargets, or -1.
func ruleIndex(target string) int {
	for i, t := range ruleTargets {
		if t == target {
			return i
		}
	}
	return -1
}

// ruleVars says which variables an expression may use for each target; the
// others are nil when the rule runs.
var ruleVars = map[string][]string{
	OnGroup:      {"group"},
	OnLocation:   {"group", "location"},
	OnSubscriber: {"group", "subscriber"},
	OnDependent:  {"group", "subscriber", "dependent"},
	OnEnrollment: {"group", "subscriber", "enrollment"},
}

// RuleError is a carrier rule that does not compile.
type RuleError struct {
	// Index is the rule's position in CarrierSpec.Rules.
	Index int
	// Field is the rule's field at fault: "expr" or "on".
	Field string
	Err   error
}

// Error implements error.
func (e *RuleError) Error() string {
	return fmt.Sprintf("rule %d: %s: %v", e.Index, e.Field, e.Err)
}

// Unwrap returns the cause.
func (e *RuleError) Unwrap() error { return e.Err }

// env is what a rule expression sees. The entity pointers not meaningful for
// the rule's target are nil; compilation refuses expressions that use them.
type env struct {
	Group      *model.Group      `expr:"group"`
	Location   *model.Location   `expr:"location"`
	Subscriber *model.Subscriber `expr:"subscriber"`
	Dependent  *model.Dependent  `expr:"dependent"`
	Enrollment *model.Enrollment `expr:"enrollment"`
	// Today returns the validation clock's date as YYYY-MM-DD.
	Today func() string `expr:"today"`
}

// Errors of the date functions. errEmptyDate skips the rule (a missing date
// is left to the required-field checks); errBadDate fails it.
var (
	errEmptyDate = errors.New("date is empty")
	errBadDate   = errors.New("date is not a real date written YYYY-MM-DD")
)

func dateArg(v any) (time.Time, error) {
	s, _ := v.(string)
	if s == "" {
		return time.Time{}, errEmptyDate
	}
	t, err := parseDate(s)
	if err != nil {
		return time.Time{}, errBadDate
	}
	return t, nil
}

func datePart(part func(time.Time) int) func(...any) (any, error) {
	return func(args ...any) (any, error) {
		t, err := dateArg(args[0])
		if err != nil {
			return nil, err
		}
		return part(t), nil
	}
}

// exprOptions are the compile options shared by every rule.
var exprOptions = []expr.Option{
	expr.Env(env{}),
	expr.AsBool(),
	expr.Function("day", datePart(func(t time.Time) int { return t.Day() }), new(func(string) int)),
	expr.Function("month", datePart(func(t time.Time) int { return int(t.Month()) }), new(func(string) int)),
	expr.Function("year", datePart(func(t time.Time) int { return t.Year() }), new(func(string) int)),
	expr.Function("age", func(args ...any) (any, error) {
		b, err := dateArg(args[0])
		if err != nil {
			return nil, err
		}
		at, err := dateArg(args[1])
		if err != nil {
			return nil, err
		}
		return age(b, at), nil
	}, new(func(string, string) int)),
}

// NewCarrier compiles the carrier's rules once (expr-lang/expr). On failure it returns
// errors.Join of *RuleError values, one per bad rule.
func NewCarrier(spec CarrierSpec) (*Carrier, error) {
	c := &Carrier{
		id:          spec.ID,
		delimiters:  spec.Delimiters,
		plans:       make(map[string]string, len(spec.Plans)),
		delimASCII:  true,
		fingerprint: sha256.Sum256(fmt.Appendf(nil, "%q", spec)),
	}
	for i := 0; i < len(spec.Delimiters); i++ {
		if b := spec.Delimiters[i]; b < utf8.RuneSelf {
			c.delimSet[b] = true
		} else {
			c.delimASCII = false
		}
	}
	for _, p := range spec.Plans {
		c.plans[p.ID] = p.ProductLine
	}
	var errs []error
	for i, rs := range spec.Rules {
		if !slices.Contains(RuleTargets, rs.On) {
			errs = append(errs, &RuleError{Index: i, Field: "on",
				Err: fmt.Errorf("unknown target %q: use one of %s", rs.On, strings.Join(RuleTargets, ", "))})
			continue
		}
		prog, names, err := compileRule(rs)
		if err != nil {
			errs = append(errs, &RuleError{Index: i, Field: "expr", Err: err})
			continue
		}
		ofEnrollment := rs.On == OnEnrollment
		if slices.Contains(names, "today") {
			c.dated = true
		}
		for _, n := range names {
			if n != OnEnrollment && slices.Contains(RuleTargets, n) {
				ofEnrollment = false
			}
		}
		i := ruleIndex(rs.On)
		c.rules[i] = append(c.rules[i], rule{RuleSpec: rs, prog: prog, ofEnrollment: ofEnrollment})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// compileRule compiles a rule's expression and returns the identifiers it
// names.
func compileRule(rs RuleSpec) (*vm.Program, []string, error) {
	if strings.TrimSpace(rs.Expr) == "" {
		return nil, nil, errors.New("the expression is empty")
	}
	prog, err := expr.Compile(rs.Expr, exprOptions...)
	if err != nil {
		return nil, nil, fmt.Errorf("compiling expression: %w", err)
	}
	// Refuse variables that would be nil for this target, so a typo such
	// as dependent.birth_date on an enrollment rule fails at load, not on
	// every group.
	allowed := ruleVars[rs.On]
	used := &identifiers{}
	node := prog.Node()
	ast.Walk(&node, used)
	for _, name := range used.names {
		if slices.Contains(allowed, name) {
			continue
		}
		if slices.Contains(RuleTargets, name) {
			return nil, nil, fmt.Errorf("%s is not available in a rule on %s: use %s", name, rs.On, strings.Join(allowed, ", "))
		}
	}
	return prog, used.names, nil
}

// identifiers collects the identifiers an expression names.
type identifiers struct{ names []string }

func (v *identifiers) Visit(node *ast.Node) {
	if id, ok := (*node).(*ast.IdentifierNode); ok && !slices.Contains(v.names, id.Value) {
		v.names = append(v.names, id.Value)
	}
}

// ID returns the carrier's id.
func (c *Carrier) ID() string { return c.id }

// PlanProductLine returns the product line of a plan in the catalog and
// whether the plan exists.
func (c *Carrier) PlanProductLine(planID string) (string, bool) {
	pl, ok := c.plans[planID]
	return pl, ok
}

// Delimiters returns the characters no value may contain.
func (c *Carrier) Delimiters() string { return c.delimiters }

// runRules evaluates the rules on target with e and reports each failure
// under base, the entity's canonical path.
func (v *checker) runRules(target string, e *env, value any, base entity) {
	if v.c == nil {
		return
	}
	rules := v.c.rules[ruleIndex(target)]
	for i := range rules {
		r := &rules[i]
		out, err := v.run(r, e)
		if err != nil {
			if errors.Is(err, errEmptyDate) {
				continue
			}
		} else if ok, _ := out.(bool); ok {
			continue
		}
		param := base.String()
		if r.Parameter != "" {
			param = base.field(r.Parameter)
		}
		msg := r.Message
		if msg == "" {
			msg = fmt.Sprintf("Carrier rule %s is not met.", r.ID)
		}
		msg = sentence(msg)
		if err != nil {
			// Say why the rule could not be checked, without echoing
			// values (run-time messages may quote them).
			if errors.Is(err, errBadDate) {
				msg += " A date the rule checks is not a real date written YYYY-MM-DD."
			} else {
				msg += " The rule could not be checked against this data."
			}
		}
		v.errs = append(v.errs, model.Error{ErrorType: model.ErrCarrierRule, Message: msg,
			Parameter: param, Value: fieldValue(value, r.Parameter)})
	}
}

// ruleRun is the outcome of a rule on an enrollment value.
type ruleRun struct {
	out any
	err error
}

// ruleMemoKey names a rule's run on an enrollment value.
type ruleMemoKey struct {
	r *rule
	e model.Enrollment
}

// run runs a rule on e, once per distinct enrollment for a rule that
// depends on nothing else (rule.ofEnrollment).
func (v *checker) run(r *rule, e *env) (any, error) {
	if !r.ofEnrollment || e.Enrollment == nil {
		return v.vm.Run(r.prog, e)
	}
	key := ruleMemoKey{r, *e.Enrollment}
	if done, ok := v.memo[key]; ok {
		return done.out, done.err
	}
	out, err := v.vm.Run(r.prog, e)
	if v.memo == nil {
		v.memo = map[ruleMemoKey]ruleRun{}
	}
	v.memo[key] = ruleRun{out, err}
	return out, err
}

// sentence capitalises msg and ends it with a full stop.
func sentence(msg string) string {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		return msg
	}
	if c := msg[0]; c >= 'a' && c <= 'z' {
		msg = string(c-'a'+'A') + msg[1:]
	}
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "!") && !strings.HasSuffix(msg, "?") {
		msg += "."
	}
	return msg
}
