package config

import (
	"time"

	"github.com/onboard/onboard/engine/validate"
	"github.com/onboard/onboard/formats/fixedwidth"
	"github.com/onboard/onboard/mappings"
)

// Config is onboard's whole configuration (DESIGN.md §9). Relative paths are
// resolved against the config file's folder by Load.
type Config struct {
	// Path is the config file the configuration was loaded from.
	Path string `yaml:"-"`
	// Notes are what config check prints without failing: the declared
	// deviations from the X12 implementation guide (a companion-guide HD03
	// for basic life or AD&D), each at its file:line:column.
	Notes []Problem `yaml:"-"`

	State State `yaml:"state"`
	HTTP  HTTP  `yaml:"http"`
	// Analysts hold read-only API keys to every partner's groups (§13).
	Analysts []Analyst `yaml:"analysts"`
	Reports  Reports   `yaml:"reports"`
	// Retention bounds how long processed partner files are kept.
	Retention Retention `yaml:"retention"`
	Shutdown  Shutdown  `yaml:"shutdown"`
	Partners  []Partner `yaml:"partners"`
	Carriers  []Carrier `yaml:"carriers"`
}

// State says where onboard keeps its state.
type State struct {
	// SQLite is the database file (default var/onboard.db).
	SQLite string `yaml:"sqlite"`
	// Postgres, when set, is the PostgreSQL connection URL of a store that
	// several daemons share (DESIGN.md §12); it replaces SQLite, whose
	// folder then only places the default staging folder. ${VAR} keeps a
	// password out of the file.
	Postgres ConnURL `yaml:"postgres"`
	// Staging is where files are copied while processed (default: the
	// database's folder + /staging).
	Staging string `yaml:"staging"`
}

// Retention says how long sources are kept in partners' inbound archive/
// and failed/ folders; zero keeps them forever.
type Retention struct {
	Archive Duration `yaml:"archive"`
}

// HTTP configures the operations endpoint; empty Listen turns it off.
type HTTP struct {
	Listen string `yaml:"listen"`
	// TLSCertFile and TLSKeyFile serve the endpoint over TLS (both or neither).
	TLSCertFile string `yaml:"tls_cert_file"`
	TLSKeyFile  string `yaml:"tls_key_file"`
	// RateLimit is the API requests per second one key may make (default
	// 50); a key may burst to twice that.
	RateLimit float64 `yaml:"rate_limit"`
}

// Reports configures status reports.
type Reports struct {
	Dir      string `yaml:"dir"`
	Schedule string `yaml:"schedule"`
}

// Shutdown bounds a graceful stop.
type Shutdown struct {
	// Timeout is how long work in flight may take to finish after SIGTERM
	// (default 30s).
	Timeout Duration `yaml:"timeout"`
}

// Partner is a broker, benefit administrator or aggregator that drops files.
type Partner struct {
	ID       string  `yaml:"id"`
	Name     string  `yaml:"name"`
	Inbound  Inbound `yaml:"inbound"`
	Outbound Folder  `yaml:"outbound"`
	// Mapping is a built-in mapping name or a YAML mapping file path.
	Mapping string `yaml:"mapping"`
	// Census is "full" (default) or "changes".
	Census  string `yaml:"census"`
	Carrier string `yaml:"carrier"`
	LDEx    LDEx   `yaml:"ldex"`
	// API gives the partner access to the HTTP API (§13); nil: none.
	API *APIKeys `yaml:"api"`
	// MaxFileSize refuses larger inbound files (bytes; default 2 GiB).
	MaxFileSize int64 `yaml:"max_file_size"`
	// MaxValueBytes refuses a file holding a longer CSV cell or JSON token
	// (bytes; default 64 KiB): the readers check it as they read.
	MaxValueBytes int `yaml:"max_value_bytes"`
	// MaxGroupMembers refuses a group with more members in one file
	// (default 300,000), which bounds the memory of one group's intake.
	MaxGroupMembers int `yaml:"max_group_members"`
	// QuarantineAfter moves a file to failed/ once this many processes
	// died while processing it (default 2; 0: never), so one file that
	// takes the daemon down (out of memory, say) cannot block the others.
	QuarantineAfter int `yaml:"quarantine_after"`
	// PGP decrypts the partner's files and encrypts what it receives.
	PGP *PGP `yaml:"pgp"`
	// Push POSTs the partner's LDEx bundles to its HTTPS receiver.
	Push *Push `yaml:"push"`
	// Expect raises an alarm when the partner sends nothing for a while.
	Expect *Expect `yaml:"expect"`

	// CompiledMapping is Mapping compiled by Load.
	CompiledMapping *mappings.Mapping `yaml:"-"`
}

// Census modes.
const (
	CensusFull    = "full"
	CensusChanges = "changes"
)

// Inbound is a partner's drop folder and how it is watched.
type Inbound struct {
	Folder     `yaml:",inline"`
	Schedule   string   `yaml:"schedule"`
	Settle     Duration `yaml:"settle"`
	DoneMarker bool     `yaml:"done_marker"`
}

// LDEx configures customer bundles.
type LDEx struct {
	Schedule string `yaml:"schedule"`
}

// Folder is a local directory or an SFTP directory; exactly one is set.
type Folder struct {
	Dir  string `yaml:"dir"`
	SFTP *SFTP  `yaml:"sftp"`
}

// SFTP is an SFTP endpoint. Host keys must be verified: KnownHostsFile or
// HostKeys is required. Secrets come only from files or ${ENV} expansion.
type SFTP struct {
	Address        string `yaml:"address"`
	User           string `yaml:"user"`
	PrivateKeyFile string `yaml:"private_key_file"`
	// Passphrase for the private key: ${ENV} only, or PassphraseFile.
	Passphrase     Secret `yaml:"passphrase"`
	PassphraseFile string `yaml:"passphrase_file"`
	// Password authentication: ${ENV} only, or PasswordFile.
	Password       Secret `yaml:"password"`
	PasswordFile   string `yaml:"password_file"`
	KnownHostsFile string `yaml:"known_hosts_file"`
	// HostKey pins one key ("ssh-ed25519 AAAA..."); HostKeys several, for rotation.
	HostKey  string   `yaml:"host_key"`
	HostKeys []string `yaml:"host_keys"`
	Dir      string   `yaml:"dir"`
	// Timeout bounds every operation (default 30s).
	Timeout Duration `yaml:"timeout"`
	// Algorithms widens Go's defaults for an old server.
	Algorithms *SSHAlgorithms `yaml:"algorithms"`
}

// Secret is a string that never prints.
type Secret string

// String masks the secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "********"
}

// Carrier is an insurance carrier that receives enrollment files.
type Carrier struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Format is "x12-834" or a layout file path.
	Format     string   `yaml:"format"`
	Mode       string   `yaml:"mode"`
	Schedule   string   `yaml:"schedule"`
	Inbox      Folder   `yaml:"inbox"`
	Acks       Acks     `yaml:"acks"`
	AckTimeout Duration `yaml:"ack_timeout"`
	SyncedOn   string   `yaml:"synced_on"`
	X12        X12      `yaml:"x12"`
	Plans      []Plan   `yaml:"plans"`
	Rules      []Rule   `yaml:"rules"`
	// ResultColumns renames the columns of the carrier's result files:
	// canonical name (transmission, group_external_identifier, ...) → header.
	ResultColumns map[string]string `yaml:"result_columns"`
	// PGP encrypts the carrier's files and decrypts its acknowledgements.
	PGP *PGP `yaml:"pgp"`
	// TerminationPolicy dates the end of a member a full census drops, and
	// of a product line a partner drops: end_of_month (the default),
	// file_date or day_before_next_start (DESIGN.md §4).
	TerminationPolicy string `yaml:"termination_policy"`
	// MaxRetroDays is how far in the past a change may take effect
	// (default 60); an older one is rejected at intake.
	MaxRetroDays int `yaml:"max_retro_days"`
	// NewHireWindow is how soon after the hire date coverage must start
	// for a new employee to be a new hire (default 90d).
	NewHireWindow Duration `yaml:"new_hire_window"`
	// OpenEnrollment is the carrier's open enrollment window; nil: none.
	OpenEnrollment *OpenEnrollment `yaml:"open_enrollment"`
	// FullTerminations: explicit (the default: a full file carries a 024
	// for each member ended since the last one) or omission.
	FullTerminations string `yaml:"full_terminations"`
	// FullPurpose: replace (the default, BGN08 RX) or verify (BGN08 4,
	// 030 only).
	FullPurpose string `yaml:"full_purpose"`
	// TerminationGuard holds a full census that would end too many of a
	// group's (or of the file's) active members for an operator's approval.
	TerminationGuard TerminationGuard `yaml:"termination_guard"`

	// Validator is the carrier's catalog and compiled rules, built by Load.
	Validator *validate.Carrier `yaml:"-"`
	// Layout is Format loaded and compiled when it is a layout file.
	Layout *fixedwidth.Layout `yaml:"-"`
}

// Formats and modes.
const (
	FormatX12  = "x12-834"
	ModeChange = "change"
	ModeFull   = "full"
)

// Termination policies, full-mode terminations and purposes.
const (
	TerminateEndOfMonth         = "end_of_month"
	TerminateFileDate           = "file_date"
	TerminateDayBeforeNextStart = "day_before_next_start"
	FullTerminationsExplicit    = "explicit"
	FullTerminationsOmission    = "omission"
	FullPurposeReplace          = "replace"
	FullPurposeVerify           = "verify"
)

// OpenEnrollment is a carrier's yearly open enrollment window: files dated
// From to To (MM-DD, inclusive) carry elections effective on Effective
// (MM-DD, the next one after the file's date).
type OpenEnrollment struct {
	From      string `yaml:"from"`
	To        string `yaml:"to"`
	Effective string `yaml:"effective"`
}

// IsX12 reports whether the carrier receives X12 834 files.
func (c *Carrier) IsX12() bool { return c.Format == FormatX12 }

// Acks is the carrier's acknowledgement folder and its poll schedule.
type Acks struct {
	Folder   `yaml:",inline"`
	Schedule string `yaml:"schedule"`
}

// X12 holds a carrier's X12 envelope and code settings.
type X12 struct {
	SenderQualifier   string `yaml:"sender_qualifier"`
	SenderID          string `yaml:"sender_id"`
	ReceiverQualifier string `yaml:"receiver_qualifier"`
	ReceiverID        string `yaml:"receiver_id"`
	// Usage is T (test) or P (production).
	Usage string `yaml:"usage"`
	// Delimiters; defaults * : ^ ~ with a newline after each segment.
	ElementSeparator    string `yaml:"element_separator"`
	ComponentSeparator  string `yaml:"component_separator"`
	RepetitionSeparator string `yaml:"repetition_separator"`
	SegmentTerminator   string `yaml:"segment_terminator"`
	Newline             *bool  `yaml:"newline"`
	// ProductLines maps a product line to its HD03 code (defaults:
	// medical HLT, dental DEN, vision VIS).
	ProductLines map[string]string `yaml:"product_lines"`
	// CoverageLevels maps a coverage level to its HD05 code (defaults:
	// employee_only EMP, employee_spouse ESP, employee_children ECH, family FAM).
	CoverageLevels map[string]string `yaml:"coverage_levels"`
}

// Plan is one plan of a carrier's catalog with monthly rates by coverage level.
type Plan struct {
	ID          string             `yaml:"id"`
	ProductLine string             `yaml:"product_line"`
	Name        string             `yaml:"name"`
	Rates       map[string]float64 `yaml:"rates"`
}

// Rule is a carrier business rule: an expression that must hold.
type Rule struct {
	ID        string `yaml:"id"`
	On        string `yaml:"on"`
	Expr      string `yaml:"expr"`
	Message   string `yaml:"message"`
	Parameter string `yaml:"parameter"`
}

// Duration is a time.Duration written as "30s" or "48h" in YAML.
type Duration time.Duration

// D returns the duration as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Partner returns the partner with the id, or nil.
func (c *Config) Partner(id string) *Partner {
	for i := range c.Partners {
		if c.Partners[i].ID == id {
			return &c.Partners[i]
		}
	}
	return nil
}

// Carrier returns the carrier with the id, or nil.
func (c *Config) Carrier(id string) *Carrier {
	for i := range c.Carriers {
		if c.Carriers[i].ID == id {
			return &c.Carriers[i]
		}
	}
	return nil
}

// Plan returns the carrier's plan with the id, or nil.
func (c *Carrier) Plan(id string) *Plan {
	for i := range c.Plans {
		if c.Plans[i].ID == id {
			return &c.Plans[i]
		}
	}
	return nil
}

// TerminationGuard is the share of active members a full census may end
// by omission, and the least number of them that trips it (DESIGN §9).
type TerminationGuard struct {
	// Share is a percentage, such as "20%" (the default).
	Share string `yaml:"share"`
	// MinMembers is the fewest terminations that trip the guard (default
	// 10), so a small group may lose a few members.
	MinMembers int `yaml:"min_members"`
	// Fraction is Share as a fraction (0.2), set by Load.
	Fraction float64 `yaml:"-"`
}
