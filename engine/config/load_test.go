package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// envOf returns a lookup over a fixed environment, so tests need not touch
// the process environment.
func envOf(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

// problemsOf loads a config that must fail and returns its problems.
func problemsOf(t *testing.T, path string, env map[string]string) Problems {
	t.Helper()
	cfg, err := load(path, envOf(env))
	if err == nil {
		t.Fatalf("load(%s) succeeded: %+v", path, cfg)
	}
	if cfg != nil {
		t.Errorf("load(%s) returned a config with its error", path)
	}
	var probs Problems
	if !errors.As(err, &probs) {
		t.Fatalf("load(%s) error %T is not Problems: %v", path, err, err)
	}
	return probs
}

func TestLoadExample(t *testing.T) {
	exampleKeys(t, "../..")
	cfg, err := Load("../../config.example.yaml")
	if err != nil {
		t.Fatalf("config.example.yaml does not load:\n%v", err)
	}
	root, _ := filepath.Abs("../..")
	p := cfg.Partner("acme")
	cr := cfg.Carrier("bluecross")
	if p == nil || cr == nil || len(cfg.Partners) != 1 || len(cfg.Carriers) != 1 {
		t.Fatalf("partners %+v carriers %+v", cfg.Partners, cfg.Carriers)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"sqlite", cfg.State.SQLite, filepath.Join(root, "var/onboard.db")},
		{"staging", cfg.State.Staging, filepath.Join(root, "var/staging")},
		{"reports dir", cfg.Reports.Dir, filepath.Join(root, "var/reports")},
		{"listen", cfg.HTTP.Listen, "127.0.0.1:8080"},
		{"shutdown", cfg.Shutdown.Timeout.D(), 30 * time.Second},
		{"inbound", p.Inbound.Dir, filepath.Join(root, "var/partners/acme/inbound")},
		{"outbound", p.Outbound.Dir, filepath.Join(root, "var/partners/acme/outbound")},
		{"settle", p.Inbound.Settle.D(), 2 * time.Second},
		{"census", p.Census, CensusFull},
		{"ldex", p.LDEx.Schedule, "0 6 * * *"},
		{"max file size", p.MaxFileSize, int64(2 << 30)},
		{"mapping compiled", p.CompiledMapping != nil, true},
		{"format", cr.IsX12(), true},
		{"acks", cr.Acks.Dir, filepath.Join(root, "var/carriers/bluecross/acks")},
		{"ack timeout", cr.AckTimeout.D(), 48 * time.Hour},
		{"plans", len(cr.Plans), 6},
		{"rate", cr.Plan("BC-DEN-STD").Rates["family"], 121.0},
		{"life code", cr.X12.ProductLines["basic_life"], "AC"},
		{"medical code", cr.X12.ProductLines["medical"], "HLT"},
		{"family code", cr.X12.CoverageLevels["family"], "FAM"},
		{"validator", cr.Validator != nil, true},
		{"delimiters", cr.Validator.Delimiters(), "*:^~"},
		{"rule", cr.Rules[0].Expr, "day(enrollment.start_date) == 1"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestLoadValid(t *testing.T) {
	cfg, err := load("testdata/valid.yaml", envOf(map[string]string{
		"ACME_HOST":          "sftp.acme.example",
		"ACME_PASSPHRASE":    "s3cr3t-passphrase",
		"BLUECROSS_PASSWORD": "s3cr3t-password",
	}))
	if err != nil {
		t.Fatalf("valid.yaml:\n%v", err)
	}
	dir, _ := filepath.Abs("testdata")
	acme, beta := &cfg.Partners[0], &cfg.Partners[1]
	bc, fixed := &cfg.Carriers[0], &cfg.Carriers[1]
	in, out := acme.Inbound.SFTP, acme.Outbound.SFTP
	if in == nil || out == nil || bc.Inbox.SFTP == nil || bc.Acks.SFTP == nil {
		t.Fatal("SFTP endpoints not decoded")
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"sqlite resolved", cfg.State.SQLite, filepath.Join(dir, "state/onboard.db")},
		{"staging beside it", cfg.State.Staging, filepath.Join(dir, "state/staging")},
		{"CRON_TZ schedule", cfg.Reports.Schedule, "CRON_TZ=America/Chicago 0 6 * * *"},
		{"$$ escape", acme.Name, "ACME Benefits $ Co"},
		{"expanded through a merge key", in.Address, "sftp.acme.example:22"},
		{"merged key file resolved", out.PrivateKeyFile, filepath.Join(dir, "keys/acme_ed25519")},
		{"own key beside merge", in.Dir, "/outbox"},
		{"other own key", out.Dir, "/inbox"},
		{"sftp timeout default", in.Timeout.D(), 30 * time.Second},
		{"sftp timeout", out.Timeout.D(), time.Minute},
		{"passphrase from env", in.Passphrase.Reveal(), "s3cr3t-passphrase"},
		{"settle given as 0 stays 0", acme.Inbound.Settle.D(), time.Duration(0)},
		{"settle default", beta.Inbound.Settle.D(), 2 * time.Second},
		{"local dir resolved", beta.Inbound.Dir, filepath.Join(dir, "partners/beta/in")},
		{"absolute dir kept", beta.Outbound.Dir, "/srv/beta/out"},
		{"census", beta.Census, CensusChanges},
		{"max file size", beta.MaxFileSize, int64(1 << 20)},
		{"password from env", bc.Inbox.SFTP.Password.Reveal(), "s3cr3t-password"},
		{"password file resolved", bc.Acks.SFTP.PasswordFile, filepath.Join(dir, "keys/bluecross.pw")},
		{"usage", bc.X12.Usage, UsageProd},
		{"terminator", bc.X12.SegmentTerminator, "|"},
		{"newline", *bc.X12.Newline, false},
		{"validator delimiters", bc.Validator.Delimiters(), "*:^|"},
		{"result column", bc.ResultColumns["subscriber_external_identifier"], "member_id"},
		{"layout format resolved", fixed.Format, filepath.Join(dir, "layouts/small-fixed.yaml")},
		{"layout compiled", fixed.Layout != nil, true},
		{"layout carrier has no delimiters", fixed.Validator.Delimiters(), ""},
		{"mode", fixed.Mode, ModeFull},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if acme.CompiledMapping == nil || acme.CompiledMapping != beta.CompiledMapping {
		t.Error("the partners' census-standard mapping is not compiled once and shared")
	}

	// Secrets never print.
	for _, out := range []string{cfg.String(), fmt.Sprintf("%v", *cfg), fmt.Sprintf("%+v", *in), fmt.Sprintf("%#v", *in)} {
		if strings.Contains(out, "s3cr3t") {
			t.Errorf("a secret is printed:\n%s", out)
		}
	}
	if !strings.Contains(cfg.String(), "passphrase: '********'") && !strings.Contains(cfg.String(), `passphrase: "********"`) {
		t.Errorf("String() does not show the masked passphrase:\n%s", cfg.String())
	}
}

func TestLoadEnvironment(t *testing.T) {
	// Through the real environment: set variables expand, unset ones are
	// each reported where they are referenced.
	t.Setenv("SET_VAR", "Example")
	t.Setenv("ACME_HOST", "sftp.acme.example")
	_, err := Load("testdata/missing-env.yaml")
	var probs Problems
	if !errors.As(err, &probs) {
		t.Fatalf("Load: %v", err)
	}
	got := probs.Error()
	want := strings.Join([]string{
		"testdata/missing-env.yaml:3:11: state.sqlite: environment variable ONBOARD_STATE_DIR is not set",
		"testdata/missing-env.yaml:6:17: partners[0].name: environment variable ACME_SUFFIX is not set",
		"testdata/missing-env.yaml:6:36: partners[0].name: environment variable ACME_OTHER is not set",
		"testdata/missing-env.yaml:11:19: partners[0].inbound.sftp.password: environment variable ACME_PASSWORD is not set",
	}, "\n")
	if got != want {
		t.Errorf("problems:\n%s\nwant:\n%s", got, want)
	}
}

func TestLoadUnreadableConfig(t *testing.T) {
	_, err := Load("testdata/no-such-config.yaml")
	var probs Problems
	if err == nil || errors.As(err, &probs) || !strings.Contains(err.Error(), "reading config") {
		t.Errorf("Load(missing file) = %v, want a plain reading error", err)
	}
}
