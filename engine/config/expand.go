package config

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/onboard/onboard/formats/yamlnode"
)

// envName is what a variable name may be.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// expand replaces each ${NAME} in a scalar's text with the environment
// variable's value; $$ stands for a literal $. Every reference to an unset
// variable is a problem at its own line and column; the scalar is then not
// usable (ok is false).
func (d *decoder) expand(s string, n ast.Node, path string) (string, bool) {
	if !strings.Contains(s, "$") {
		return s, true
	}
	var b strings.Builder
	ok := true
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c != '$':
			b.WriteByte(c)
			i++
		case strings.HasPrefix(s[i:], "$$"):
			b.WriteByte('$')
			i += 2
		case strings.HasPrefix(s[i:], "${"):
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				d.problem(d.offset(n, s, i), path, "${ has no closing }; write $$ for a literal $")
				return "", false
			}
			name := s[i+2 : i+end]
			switch val, set := d.env(name); {
			case !envName.MatchString(name):
				d.problem(d.offset(n, s, i), path, "${%s} is not a valid variable reference: names are letters, digits and _; write $$ for a literal $", name)
				ok = false
			case !set:
				if at := d.offset(n, s, i); !d.unset[at] {
					d.unset[at] = true
					d.problem(at, path, "environment variable %s is not set", name)
				}
				ok = false
			default:
				b.WriteString(val)
			}
			i += end + 1
		default:
			b.WriteByte(c) // a lone $ is itself
			i++
		}
	}
	return b.String(), ok
}

// offset is the position of byte i of a scalar's text: exact for a scalar
// on one line (plain or quoted without escapes before i), the scalar's
// own position otherwise.
func (d *decoder) offset(n ast.Node, s string, i int) position {
	at := posOf(n)
	if _, literal := n.(*ast.LiteralNode); literal || strings.Contains(s[:i], "\n") {
		return at
	}
	if quoted(n) {
		at.col++
	}
	at.col += utf8.RuneCountInString(s[:i])
	return at
}

// secretRef is a value made of one ${NAME} reference.
var secretRef = regexp.MustCompile(`^\$\{[A-Za-z_][A-Za-z0-9_]*\}$`)

// checkSecret refuses a password or passphrase written in the file itself:
// it may only be a ${VAR} reference (or come from its *_file key).
func (d *decoder) checkSecret(n ast.Node, path string) {
	s, ok := yamlnode.Scalar(n)
	if !ok || s == "" || secretRef.MatchString(s) {
		return
	}
	key := path[strings.LastIndexByte(path, '.')+1:]
	d.problem(posOf(n), path,
		"%[1]s must not be written in the config file, where anyone who can read it sees it: put the %[1]s in an environment variable (%[1]s: ${VAR_NAME}) or in a file named by %[1]s_file",
		key)
}
