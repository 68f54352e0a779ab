package mappings

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

//go:embed census-standard.yaml
var builtinFS embed.FS

// builtins maps a built-in mapping's name to its embedded file.
var builtins = map[string]string{"census-standard": "census-standard.yaml"}

// Mapping is a compiled mapping: how a partner's CSV columns become
// canonical model values. It is read-only once compiled, so one Mapping
// serves every file of a partner; Bind makes the per-file Plan.
type Mapping struct {
	// Name is the mapping's name: its name key, else the file it came from.
	Name string
	// Description is the mapping's description key.
	Description string
	// Employee is the member.relationship value (after its transforms)
	// that marks a subscriber row.
	Employee string

	trimCells   bool
	fields      []field // structural fields (member id, subscriber, relationship) first
	nStructural int
	groupKey    int // index in fields of the group.external_identifier field
	has         [NumTargets]bool
	usesRow     bool
	fingerprint [32]byte
}

// Fingerprint identifies the mapping's definition: the SHA-256 of its name
// and its file's content, as compiled. Two mappings with the same
// fingerprint map any file alike.
func (m *Mapping) Fingerprint() [32]byte { return m.fingerprint }

// field is one compiled columns entry.
type field struct {
	column   string // the header as the mapping writes it
	key      string // lower-case, trimmed: how headers are matched
	target   Target
	steps    []step
	def      string
	constant string
	isConst  bool
	required bool
	optional bool
	decl     int // position in the file's columns list
	// pure: the field has steps and none is an expression, so its value
	// is a function of its cell alone (see Plan.memo).
	pure bool
}

// declared returns the fields in the order the mapping file lists them.
func (m *Mapping) declared() []*field {
	out := make([]*field, len(m.fields))
	for i := range m.fields {
		out[m.fields[i].decl] = &m.fields[i]
	}
	return out
}

// Has reports whether the mapping has a column or constant for t.
func (m *Mapping) Has(t Target) bool { return int(t) < NumTargets && m.has[t] }

// Columns returns the header names the mapping reads, in mapping order;
// the optional ones may be absent from a file.
func (m *Mapping) Columns() (required, optional []string) {
	for _, f := range m.declared() {
		switch {
		case f.isConst:
		case f.optional:
			optional = append(optional, f.column)
		default:
			required = append(required, f.column)
		}
	}
	return required, optional
}

// Builtin returns the names of the built-in mappings.
func Builtin() []string {
	names := make([]string, 0, len(builtins))
	for n := range builtins {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

var (
	builtinOnce     sync.Once
	builtinCompiled map[string]*Mapping
	builtinErr      error
)

// Load returns a built-in mapping by name ("census-standard") or compiles the
// YAML mapping file at ref (relative paths against baseDir). Errors list
// every problem, each line starting "FILE:LINE:COL: ", sorted.
func Load(ref, baseDir string) (*Mapping, error) {
	if _, ok := builtins[ref]; ok {
		builtinOnce.Do(compileBuiltins)
		if builtinErr != nil {
			return nil, builtinErr
		}
		return builtinCompiled[ref], nil
	}
	path := ref
	if !filepath.IsAbs(path) && baseDir != "" {
		path = filepath.Join(baseDir, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) && !strings.ContainsAny(ref, `/\.`) {
			return nil, fmt.Errorf("loading mapping %q: it is neither a built-in mapping (%s) nor a file: %w",
				ref, strings.Join(Builtin(), ", "), err)
		}
		return nil, fmt.Errorf("loading mapping: %w", err)
	}
	return Compile(data, path)
}

func compileBuiltins() {
	builtinCompiled = map[string]*Mapping{}
	for name, file := range builtins {
		data, err := builtinFS.ReadFile(file)
		if err == nil {
			var m *Mapping
			m, err = Compile(data, file)
			builtinCompiled[name] = m
		}
		if err != nil {
			builtinErr = fmt.Errorf("compiling built-in mapping %s: %w", name, err)
			return
		}
	}
}
