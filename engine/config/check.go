package config

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/formats/fixedwidth"
	"github.com/onboard/onboard/formats/x12"
	"github.com/onboard/onboard/mappings"
)

// checker validates a decoded configuration, reporting through its decoder
// so every problem has the line and column of the value at fault.
type checker struct {
	*decoder
	cfg *Config
	dir string // the config file's folder, absolute
	// shownDir is the config file's folder as the caller named it: files
	// loaded by other packages are named from it in their problems.
	shownDir string

	mappings    map[string]*mappings.Mapping // by reference, compiled once
	mappingDone map[string]bool
	layouts     map[string]*fixedwidth.Layout
}

var idPattern = regexp.MustCompile(`^[a-z0-9-]+$`)

// ResultColumns are the canonical columns of a carrier result file, the
// keys Carrier.ResultColumns may rename.
var ResultColumns = []string{"transmission", "group_external_identifier", "subscriber_external_identifier",
	"result", "error_code", "message", "policy_number"}

func (c *checker) check() {
	cfg := c.cfg
	if cfg.HTTP.Listen != "" {
		if _, _, err := net.SplitHostPort(cfg.HTTP.Listen); err != nil {
			c.problemAt("http.listen", "listen %q must be host:port, such as 127.0.0.1:8080 (leave it empty to turn the endpoint off)", cfg.HTTP.Listen)
		}
	}
	c.api()
	c.schedule("reports.schedule", cfg.Reports.Schedule)
	c.positive("shutdown.timeout", cfg.Shutdown.Timeout)
	if cfg.Retention.Archive < 0 {
		c.problemAt("retention.archive", "must be a positive duration such as 90d, or empty to keep files forever")
	} else if d := cfg.Retention.Archive.D(); d > 0 && d < 24*time.Hour {
		c.problemAt("retention.archive", "%s is less than a day: archived files are evidence of what partners sent; keep them at least 1d", d)
	}

	carriers := map[string]string{}
	for i := range cfg.Carriers {
		c.carrier(fmt.Sprintf("carriers[%d]", i), &cfg.Carriers[i], carriers)
	}
	partners := map[string]string{}
	for i := range cfg.Partners {
		c.partner(fmt.Sprintf("partners[%d]", i), &cfg.Partners[i], partners)
	}
}

// id checks an id: required, [a-z0-9-]+, unique among seen.
func (c *checker) id(path, id, what string, seen map[string]string) {
	switch first, dup := seen[id]; {
	case id == "":
		c.problemAt(path+".id", "id is required: a short name of lowercase letters, digits and - (such as acme)")
	case !idPattern.MatchString(id):
		c.problemAt(path+".id", "id %q must use only lowercase letters, digits and -", id)
	case dup:
		c.problemAt(path+".id", "%s id %q is already used by %s; ids must be unique", what, id, first)
	default:
		seen[id] = path
	}
}

func (c *checker) required(path, value, hint string) bool {
	if strings.TrimSpace(value) == "" {
		c.problemAt(path, "%s is required: %s", path[strings.LastIndexByte(path, '.')+1:], hint)
		return false
	}
	return true
}

func (c *checker) oneOf(path, value string, allowed ...string) {
	if !slices.Contains(allowed, value) {
		c.problemAt(path, "%q is not valid: use %s", value, orList(allowed))
	}
}

func orList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = fmt.Sprintf("%q", v)
	}
	if len(q) <= 1 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

func (c *checker) positive(path string, d Duration) {
	if d <= 0 {
		c.problemAt(path, "must be a positive duration such as 30s, not %s", d)
	}
}

func (c *checker) partner(path string, p *Partner, seen map[string]string) {
	c.id(path, p.ID, "partner", seen)
	c.required(path+".name", p.Name, "the partner's name as reports show it")
	c.folder(path+".inbound", &p.Inbound.Folder)
	c.schedule(path+".inbound.schedule", p.Inbound.Schedule)
	if p.Inbound.Settle < 0 {
		c.problemAt(path+".inbound.settle", "must not be negative")
	}
	c.folder(path+".outbound", &p.Outbound)
	c.oneOf(path+".census", p.Census, CensusFull, CensusChanges)
	if c.required(path+".carrier", p.Carrier, "the id of the carrier that receives this partner's groups") && c.cfg.Carrier(p.Carrier) == nil {
		var known []string
		for _, cr := range c.cfg.Carriers {
			if cr.ID != "" {
				known = append(known, cr.ID)
			}
		}
		if len(known) == 0 {
			c.problemAt(path+".carrier", "carrier %q is not configured (no carrier has an id yet)", p.Carrier)
		} else {
			c.problemAt(path+".carrier", "carrier %q is not configured; configured carriers: %s", p.Carrier, strings.Join(known, ", "))
		}
	}
	if p.LDEx.Schedule != "" {
		c.schedule(path+".ldex.schedule", p.LDEx.Schedule)
	}
	if p.MaxFileSize <= 0 {
		c.problemAt(path+".max_file_size", "must be a positive number of bytes (default 2147483648, 2 GiB)")
	}
	if p.MaxValueBytes <= 0 {
		c.problemAt(path+".max_value_bytes", "must be a positive number of bytes (default 65536, 64 KiB)")
	}
	if p.MaxGroupMembers <= 0 {
		c.problemAt(path+".max_group_members", "must be a positive number of members (default 300000)")
	}
	if p.QuarantineAfter < 0 {
		c.problemAt(path+".quarantine_after", "must be 0 (never) or a number of interrupted attempts (default 2)")
	}
	c.mapping(path+".mapping", p)
	c.pgp(path+".pgp", p.PGP)
	c.push(path+".push", p.Push)
	c.expect(path+".expect", p.Expect)
}

func (c *checker) carrier(path string, cr *Carrier, seen map[string]string) {
	c.id(path, cr.ID, "carrier", seen)
	c.required(path+".name", cr.Name, "the carrier's name as reports and bundles show it")
	if !cr.IsX12() {
		c.layout(path+".format", cr)
	}
	c.oneOf(path+".mode", cr.Mode, ModeChange, ModeFull)
	c.schedule(path+".schedule", cr.Schedule)
	c.folder(path+".inbox", &cr.Inbox)
	c.folder(path+".acks", &cr.Acks.Folder)
	c.schedule(path+".acks.schedule", cr.Acks.Schedule)
	c.positive(path+".ack_timeout", cr.AckTimeout)
	c.terminationGuard(path+".termination_guard", &cr.TerminationGuard)
	c.pgp(path+".pgp", cr.PGP)
	c.oneOf(path+".synced_on", cr.SyncedOn, SyncedOnResult, SyncedOn999)
	c.enrollmentPolicy(path, cr)
	if cr.IsX12() {
		c.x12(path+".x12", cr)
	}

	ids := map[string]int{}
	for j, pl := range cr.Plans {
		pp := fmt.Sprintf("%s.plans[%d]", path, j)
		if c.required(pp+".id", pl.ID, "the carrier's plan id, as partners send it") {
			if first, dup := ids[pl.ID]; dup {
				c.problemAt(pp+".id", "plan id %q is already used by %s.plans[%d]; plan ids must be unique per carrier", pl.ID, path, first)
			}
			ids[pl.ID] = j
		}
		if c.required(pp+".product_line", pl.ProductLine, "one of "+strings.Join(model.ProductLines, ", ")) {
			c.oneOf(pp+".product_line", pl.ProductLine, model.ProductLines...)
		}
		for _, level := range sortedKeys(pl.Rates) {
			if !slices.Contains(model.CoverageLevels, level) {
				c.problemAt(pp+".rates."+level, "%q is not a coverage level: use %s", level, orList(model.CoverageLevels))
			} else if pl.Rates[level] < 0 {
				c.problemAt(pp+".rates."+level, "a monthly rate must not be negative")
			}
		}
	}

	for _, col := range sortedKeys(cr.ResultColumns) {
		if !slices.Contains(ResultColumns, col) {
			c.problemAt(path+".result_columns."+col, "%q is not a result file column: use %s", col, orList(ResultColumns))
		} else {
			c.required(path+".result_columns."+col, cr.ResultColumns[col], "the carrier's header for the "+col+" column")
		}
	}
	c.rules(path, cr)
}

// x12 checks an X12 carrier's envelope settings and codes.
func (c *checker) x12(path string, cr *Carrier) {
	x := &cr.X12
	delims := []struct{ key, v string }{
		{"element_separator", x.ElementSeparator}, {"component_separator", x.ComponentSeparator},
		{"repetition_separator", x.RepetitionSeparator}, {"segment_terminator", x.SegmentTerminator},
	}
	for i, dl := range delims {
		p := path + "." + dl.key
		switch r := dl.v; {
		case len(r) != 1 || r[0] < '!' || r[0] > '~':
			c.problemAt(p, "%q must be one printable ASCII character, such as %q", r, []string{"*", ":", "^", "~"}[i])
		case isAlnum(r[0]):
			c.problemAt(p, "%q cannot be a delimiter: letters and digits appear in values", r)
		default:
			for _, other := range delims[:i] {
				if other.v != r {
					continue
				}
				// Report it where the operator wrote it, not at a default.
				if op := path + "." + other.key; !c.given(p) && c.given(op) {
					c.problemAt(op, "%q is already the %s (by default); the four delimiters must differ", r, dl.key)
				} else {
					c.problemAt(p, "%q is already the %s; the four delimiters must differ", r, other.key)
				}
			}
		}
	}
	all := x.ElementSeparator + x.ComponentSeparator + x.RepetitionSeparator + x.SegmentTerminator
	for _, id := range []struct {
		key, v string
		max    int
	}{{"sender_qualifier", x.SenderQualifier, 2}, {"sender_id", x.SenderID, 15}, {"receiver_qualifier", x.ReceiverQualifier, 2}, {"receiver_id", x.ReceiverID, 15}} {
		p := path + "." + id.key
		if !c.required(p, id.v, "the interchange "+strings.ReplaceAll(id.key, "_", " ")+" the carrier agreed (ISA)") {
			continue
		}
		if len(id.v) > id.max {
			c.problemAt(p, "%q is longer than the %d characters ISA allows", id.v, id.max)
		} else if strings.ContainsAny(id.v, all) {
			c.problemAt(p, "%q contains one of the X12 delimiters %s", id.v, all)
		} else if id.max == 2 && !x12.GuideAllows("ISA05", id.v) {
			c.problemAt(p, "%q is not an interchange id qualifier the implementation guide allows (ISA05, ISA07): use %s",
				id.v, orList(x12.GuideCodes("ISA05")))
		}
	}
	c.oneOf(path+".usage", x.Usage, UsageTest, UsageProd)
	for _, pl := range sortedKeys(x.ProductLines) {
		if !slices.Contains(model.ProductLines, pl) {
			c.problemAt(path+".product_lines."+pl, "%q is not a product line: use %s", pl, orList(model.ProductLines))
		} else if c.required(path+".product_lines."+pl, x.ProductLines[pl], "the HD03 insurance line code for "+pl) {
			c.guideCode(path+".product_lines."+pl, "HD03", "insurance line", pl, x.ProductLines[pl])
		}
	}
	for _, lvl := range sortedKeys(x.CoverageLevels) {
		if !slices.Contains(model.CoverageLevels, lvl) {
			c.problemAt(path+".coverage_levels."+lvl, "%q is not a coverage level: use %s", lvl, orList(model.CoverageLevels))
		} else if c.required(path+".coverage_levels."+lvl, x.CoverageLevels[lvl], "the HD05 coverage level code for "+lvl) {
			c.guideCode(path+".coverage_levels."+lvl, "HD05", "coverage level", lvl, x.CoverageLevels[lvl])
		}
	}
	// Every plan's product line needs an HD03 code, or its members could
	// not be sent.
	for j, pl := range cr.Plans {
		if slices.Contains(model.ProductLines, pl.ProductLine) && x.ProductLines[pl.ProductLine] == "" {
			c.problemAt(fmt.Sprintf("%s.plans[%d].product_line", parent(path), j),
				"the X12 implementation guide has no code for %s: give the carrier's HD03 code in x12.product_lines (such as %s: %s)",
				pl.ProductLine, pl.ProductLine, map[string]string{model.ProductLife: "AC", model.ProductADD: "ADD"}[pl.ProductLine])
		}
	}
}

// guideCode checks a code of the carrier's configuration against the
// implementation guide's list for elem (embedded in the binary). The one
// deviation allowed is an HD03 for a product line the guide has no code
// for (basic life, AD&D): the carrier's companion guide names it, and it
// is a note, not a problem (DESIGN.md §7).
func (c *checker) guideCode(path, elem, what, key, code string) {
	if x12.GuideAllows(elem, code) {
		return
	}
	if elem == "HD03" && x12.CompanionProductLine(key) {
		c.note(path, "HD03 %q for %s is the carrier's companion-guide code, a declared deviation: the implementation guide has no insurance line code for %s", code, key, key)
		return
	}
	c.problemAt(path, "%q is not an %s code the implementation guide allows for %s: use %s", code, elem+" "+what, key, orList(x12.GuideCodes(elem)))
}

// note records something config check prints without failing the load.
func (c *checker) note(path, format string, args ...any) {
	at := c.where(path)
	c.cfg.Notes = append(c.cfg.Notes, Problem{File: c.file, Line: at.line, Column: at.col, Path: path, Message: "note: " + fmt.Sprintf(format, args...)})
}

func isAlnum(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// terminationGuard parses the guard's share ("20%") into its fraction.
func (c *checker) terminationGuard(path string, g *TerminationGuard) {
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(g.Share), "%")), 64)
	if err != nil || !strings.HasSuffix(strings.TrimSpace(g.Share), "%") || v <= 0 || v > 100 {
		c.problemAt(path+".share", "must be a percentage above 0%% and at most 100%%, such as 20%%, not %q", g.Share)
	} else {
		g.Fraction = v / 100
	}
	if g.MinMembers < 1 {
		c.problemAt(path+".min_members", "must be at least 1 (default 10)")
	}
}
