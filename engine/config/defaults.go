package config

import (
	"fmt"
	"path/filepath"
	"time"
)

// Defaults (DESIGN.md §9), applied by Load to every value left unset.
const (
	DefaultSQLite           = "var/onboard.db"
	DefaultReportsDir       = "var/reports"
	DefaultReportsSchedule  = "@every 5m"
	DefaultShutdown         = 30 * time.Second
	DefaultInboundSchedule  = "@every 30s"
	DefaultSettle           = 2 * time.Second
	DefaultMapping          = "census-standard"
	DefaultMaxFileSize      = 2 << 30 // 2 GiB
	DefaultMaxValueBytes    = 64 << 10
	DefaultMaxGroupMembers  = 300_000
	DefaultQuarantineAfter  = 2
	DefaultTerminationShare = "20%"
	DefaultTerminationMin   = 10
	DefaultCarrierSchedule  = "*/15 * * * *"
	DefaultAcksSchedule     = "@every 1m"
	DefaultAckTimeout       = 48 * time.Hour
	DefaultSyncedOn         = SyncedOnResult
	DefaultSFTPTimeout      = 30 * time.Second
)

// Values of Carrier.SyncedOn and X12.Usage.
const (
	SyncedOnResult = "result"
	SyncedOn999    = "999"
	UsageTest      = "T"
	UsageProd      = "P"
)

// DefaultX12ProductLines are the HD03 codes of the product lines the
// implementation guide names; basic life and AD&D have none, so the carrier
// config supplies them.
var DefaultX12ProductLines = map[string]string{"medical": "HLT", "dental": "DEN", "vision": "VIS"}

// DefaultX12CoverageLevels are the HD05 coverage-level codes.
var DefaultX12CoverageLevels = map[string]string{
	"employee_only": "EMP", "employee_spouse": "ESP", "employee_children": "ECH", "family": "FAM",
}

// defaults fills in every value left unset and resolves local paths
// against the config file's folder.
func (c *checker) defaults() {
	cfg := c.cfg
	or(&cfg.State.SQLite, DefaultSQLite)
	cfg.State.SQLite = c.abs(cfg.State.SQLite)
	or(&cfg.State.Staging, filepath.Join(filepath.Dir(cfg.State.SQLite), "staging"))
	cfg.State.Staging = c.abs(cfg.State.Staging)
	or(&cfg.Reports.Dir, DefaultReportsDir)
	cfg.Reports.Dir = c.abs(cfg.Reports.Dir)
	or(&cfg.Reports.Schedule, DefaultReportsSchedule)
	c.orDuration(&cfg.Shutdown.Timeout, "shutdown.timeout", DefaultShutdown)

	for i := range cfg.Partners {
		p := &cfg.Partners[i]
		or(&p.Inbound.Schedule, DefaultInboundSchedule)
		c.orDuration(&p.Inbound.Settle, fmt.Sprintf("partners[%d].inbound.settle", i), DefaultSettle)
		or(&p.Census, CensusFull)
		or(&p.Mapping, DefaultMapping)
		if !c.given(fmt.Sprintf("partners[%d].max_file_size", i)) {
			p.MaxFileSize = DefaultMaxFileSize
		}
		if !c.given(fmt.Sprintf("partners[%d].max_value_bytes", i)) {
			p.MaxValueBytes = DefaultMaxValueBytes
		}
		if !c.given(fmt.Sprintf("partners[%d].max_group_members", i)) {
			p.MaxGroupMembers = DefaultMaxGroupMembers
		}
		if !c.given(fmt.Sprintf("partners[%d].quarantine_after", i)) {
			p.QuarantineAfter = DefaultQuarantineAfter
		}
		c.folderDefaults(&p.Inbound.Folder, fmt.Sprintf("partners[%d].inbound", i))
		c.folderDefaults(&p.Outbound, fmt.Sprintf("partners[%d].outbound", i))
	}
	for i := range cfg.Carriers {
		cr := &cfg.Carriers[i]
		or(&cr.Format, FormatX12)
		or(&cr.Mode, ModeChange)
		or(&cr.Schedule, DefaultCarrierSchedule)
		or(&cr.Acks.Schedule, DefaultAcksSchedule)
		c.orDuration(&cr.AckTimeout, fmt.Sprintf("carriers[%d].ack_timeout", i), DefaultAckTimeout)
		or(&cr.SyncedOn, DefaultSyncedOn)
		or(&cr.TerminationPolicy, TerminateEndOfMonth)
		or(&cr.FullTerminations, FullTerminationsExplicit)
		or(&cr.FullPurpose, FullPurposeReplace)
		if !c.given(fmt.Sprintf("carriers[%d].max_retro_days", i)) {
			cr.MaxRetroDays = DefaultMaxRetroDays
		}
		c.orDuration(&cr.NewHireWindow, fmt.Sprintf("carriers[%d].new_hire_window", i), DefaultNewHireWindow)
		or(&cr.TerminationGuard.Share, DefaultTerminationShare)
		if !c.given(fmt.Sprintf("carriers[%d].termination_guard.min_members", i)) {
			cr.TerminationGuard.MinMembers = DefaultTerminationMin
		}
		c.folderDefaults(&cr.Inbox, fmt.Sprintf("carriers[%d].inbox", i))
		c.folderDefaults(&cr.Acks.Folder, fmt.Sprintf("carriers[%d].acks", i))
		x := &cr.X12
		or(&x.SenderQualifier, "ZZ")
		or(&x.ReceiverQualifier, "ZZ")
		or(&x.Usage, UsageTest)
		or(&x.ElementSeparator, "*")
		or(&x.ComponentSeparator, ":")
		or(&x.RepetitionSeparator, "^")
		or(&x.SegmentTerminator, "~")
		if x.Newline == nil {
			yes := true
			x.Newline = &yes
		}
		x.ProductLines = withDefaults(x.ProductLines, DefaultX12ProductLines)
		x.CoverageLevels = withDefaults(x.CoverageLevels, DefaultX12CoverageLevels)
	}
}

// folderDefaults resolves a local folder and an SFTP endpoint's files, and
// sets the SFTP timeout.
func (c *checker) folderDefaults(f *Folder, path string) {
	if f.Dir != "" && f.SFTP == nil {
		f.Dir = c.abs(f.Dir)
	}
	if s := f.SFTP; s != nil {
		c.orDuration(&s.Timeout, path+".sftp.timeout", DefaultSFTPTimeout)
	}
}

// given reports whether the file sets the value at path (perhaps to zero).
func (c *checker) given(path string) bool {
	_, ok := c.pos[path]
	return ok
}

// abs resolves a path against the config file's folder.
func (c *checker) abs(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.dir, p)
}

func or(s *string, def string) {
	if *s == "" {
		*s = def
	}
}

// orDuration sets a duration the file does not give; one given as 0 stays
// 0, for validation to judge.
func (c *checker) orDuration(d *Duration, path string, def time.Duration) {
	if !c.given(path) {
		*d = Duration(def)
	}
}

// withDefaults returns m with the defaults' keys it lacks added.
func withDefaults(m, defaults map[string]string) map[string]string {
	out := make(map[string]string, len(m)+len(defaults))
	for k, v := range defaults {
		out[k] = v
	}
	for k, v := range m {
		out[k] = v
	}
	return out
}
