package config

import (
	"strings"
	"testing"
	"time"
)

// want is an expected problem: its exact "file:line:col: path" and a
// fragment of its message.
type want struct{ at, contains string }

func TestLoadProblems(t *testing.T) {
	tests := []struct {
		name string
		file string
		env  map[string]string
		want []want
	}{
		{"unknown keys", "unknown-key.yaml", nil, []want{
			{"unknown-key.yaml:3:3: reports.every", `unknown key "every"; known keys: dir, schedule`},
			{"unknown-key.yaml:7:24: partners[0].inbound.shedule", `unknown key "shedule"; did you mean "schedule"?`},
			{"unknown-key.yaml:10:5: partners[0].mapping_file", `unknown key "mapping_file"; known keys: id, name, inbound`},
		}},
		{"wrong types", "wrong-type.yaml", nil, []want{
			// One problem per mistake: the "required" and "positive"
			// checks do not repeat what the decoder said.
			{"wrong-type.yaml:2:12: shutdown.timeout", `"soon" must be a duration such as "30s", "5m", "48h" or "90d"`},
			{"wrong-type.yaml:5:11: partners[0].name", "must be a string, not a list"},
			{"wrong-type.yaml:8:15: partners[0].inbound.settle", `"2" must be a duration`},
			{"wrong-type.yaml:9:20: partners[0].inbound.done_marker", `must be true or false, not "maybe"`},
			{"wrong-type.yaml:10:15: partners[0].outbound", "must be a mapping (key: value lines), not a single value"},
			{"wrong-type.yaml:12:20: partners[0].max_file_size", `must be a whole number, not "2GiB"`},
			{"wrong-type.yaml:20:7: carriers[0].plans", "must be a list (lines starting with -), not a mapping"},
		}},
		{"missing required values", "missing-required.yaml", nil, []want{
			{"missing-required.yaml:2:5: partners[0].name", "name is required"},
			{"missing-required.yaml:2:5: partners[0].outbound", "a folder is required: set dir (a local folder) or sftp"},
			{"missing-required.yaml:4:14: partners[0].carrier", `carrier "bluecross" is not configured (no carrier has an id yet)`},
			{"missing-required.yaml:6:5: carriers[0].id", "id is required"},
			{"missing-required.yaml:9:5: carriers[0].x12.receiver_id", "receiver_id is required"},
			{"missing-required.yaml:11:9: carriers[0].plans[0].id", "id is required"},
		}},
		{"unknown carrier reference", "unknown-carrier.yaml", nil, []want{
			{"unknown-carrier.yaml:6:14: partners[0].carrier", `carrier "bluecros" is not configured; configured carriers: bluecross`},
		}},
		{"bad schedules", "bad-schedule.yaml", nil, []want{
			{"bad-schedule.yaml:2:13: reports.schedule", `schedule "@every five minutes" is not valid`},
			{"bad-schedule.yaml:6:34: partners[0].inbound.schedule", "expected exactly 5 fields, found 4"},
			{"bad-schedule.yaml:9:22: partners[0].ldex.schedule", "unknown time zone Mars/Olympus"},
			{"bad-schedule.yaml:13:15: carriers[0].schedule", "above maximum (23)"},
		}},
		{"unreadable files", "unreadable-file.yaml", nil, []want{
			{"unreadable-file.yaml:8:27: partners[0].inbound.sftp.private_key_file", `cannot read "keys/missing_ed25519": no such file or directory`},
			{"unreadable-file.yaml:9:27: partners[0].inbound.sftp.known_hosts_file", `"keys/folder" is a folder, not a file`},
			{"unreadable-file.yaml:18:76: carriers[0].acks.sftp.password_file", `cannot read "nope.pw"`},
		}},
		{"missing environment variables, all listed", "missing-env.yaml", map[string]string{"SET_VAR": "x"}, []want{
			{"missing-env.yaml:3:11: state.sqlite", "environment variable ONBOARD_STATE_DIR is not set"},
			{"missing-env.yaml:6:17: partners[0].name", "environment variable ACME_SUFFIX is not set"},
			{"missing-env.yaml:6:36: partners[0].name", "environment variable ACME_OTHER is not set"},
			{"missing-env.yaml:9:18: partners[0].inbound.sftp.address", "environment variable ACME_HOST is not set"},
			{"missing-env.yaml:11:19: partners[0].inbound.sftp.password", "environment variable ACME_PASSWORD is not set"},
			// SET_VAR is set; the reference in the first line's comment
			// is not expanded.
		}},
		{"inline secrets", "inline-password.yaml", map[string]string{"ACME_PASSPHRASE": "x"}, []want{
			{"inline-password.yaml:8:19: partners[0].inbound.sftp.password", "put the password in an environment variable (password: ${VAR_NAME}) or in a file named by password_file"},
			{"inline-password.yaml:16:21: partners[0].outbound.sftp.passphrase", "put the passphrase in an environment variable"},
		}},
		{"sftp without host-key verification", "no-host-key.yaml", nil, []want{
			{"no-host-key.yaml:5:7: partners[0].inbound.sftp", "sftp has no host-key verification: set known_hosts_file or host_key"},
			{"no-host-key.yaml:11:7: partners[0].outbound.sftp", "sftp needs a way to log in"},
			{"no-host-key.yaml:11:23: partners[0].outbound.sftp.address", `address "sftp.acme.example" must be host:port`},
			{"no-host-key.yaml:11:80: partners[0].outbound.sftp.host_key", "not a public key in authorized_keys form"},
		}},
		{"bad rules", "bad-rule.yaml", nil, []want{
			// At the character of the expression the error names.
			{"bad-rule.yaml:9:68: carriers[0].rules[0].expr", "compiling expression: type model.Enrollment has no field start"},
			{"bad-rule.yaml:11:13: carriers[0].rules[1].on", `unknown target "member"`},
			{"bad-rule.yaml:16:37: carriers[0].rules[2].expr", "compiling expression: unexpected token EOF"},
			{"bad-rule.yaml:18:47: carriers[0].rules[3].expr", "dependent is not available in a rule on enrollment"},
			{"bad-rule.yaml:19:9: carriers[0].rules[4].expr", "expr is required"},
		}},
		{"bad layout, at the layout's own positions", "bad-layout.yaml", nil, []want{
			{"layouts/broken.yaml:4:7", `width is required for field "x"`},
			{"layouts/broken.yaml:4:17", `"widht" is not a known key`},
		}},
		{"codes outside the implementation guide", "bad-codes.yaml", nil, []want{
			{"bad-codes.yaml:13:25: carriers[0].x12.sender_qualifier", `"XX" is not an interchange id qualifier the implementation guide allows (ISA05, ISA07): use "01", "14"`},
			{"bad-codes.yaml:16:32: carriers[0].x12.product_lines.medical", `"MEDICAL" is not an HD03 insurance line code the implementation guide allows for medical: use "AG"`},
			{"bad-codes.yaml:17:33: carriers[0].x12.coverage_levels.family", `"FAMILY" is not an HD05 coverage level code the implementation guide allows for family`},
		}},
		{"API keys, analysts and TLS", "bad-api.yaml", nil, []want{
			{"bad-api.yaml:1:49: http.tls_cert_file", "tls_cert_file and tls_key_file go together"},
			{"bad-api.yaml:1:80: http.rate_limit", "must be a positive number of requests per second"},
			{"bad-api.yaml:3:31: analysts[0].key_file", `cannot read "keys/missing.api-key"`},
			{"bad-api.yaml:4:5: analysts[1].key_file", "key_file is required: a file holding the analyst's API key"},
			{"bad-api.yaml:4:10: analysts[1].id", `id "Portfolio" must use only lowercase letters`},
			// The key itself is never shown.
			{"bad-api.yaml:11:42: partners[0].api.key_files[1]", "the key in this file is shorter than 16 characters"},
			{"bad-api.yaml:17:5: partners[1].api.key_file", "key_file is required: a file holding the partner's API key"},
		}},
		{"not YAML", "syntax.yaml", nil, []want{
			{"syntax.yaml:4:1", "the file is not valid YAML"},
		}},
		{"several documents", "two-docs.yaml", nil, []want{
			{"two-docs.yaml:3:1", "must hold one YAML document, not 2"},
		}},
		{"several problems at once, sorted", "many.yaml", nil, []want{
			{"many.yaml:2:9: partners[0].id", `id "ACME" must use only lowercase letters, digits and -`},
			{"many.yaml:4:32: partners[0].inbound.settle", "must not be negative"},
			{"many.yaml:5:26: partners[0].outbound.sftp", "set either dir (a local folder) or sftp (an SFTP server), not both"},
			{"many.yaml:6:13: partners[0].census", `"partial" is not valid: use "full" or "changes"`},
			{"many.yaml:17:11: carriers[0].mode", `"delta" is not valid: use "change" or "full"`},
			{"many.yaml:20:16: carriers[0].synced_on", `"997" is not valid: use "result" or "999"`},
			{"many.yaml:21:22: carriers[0].x12.sender_id", "longer than the 15 characters ISA allows"},
			{"many.yaml:21:78: carriers[0].x12.usage", `"X" is not valid: use "T" or "P"`},
			{"many.yaml:21:100: carriers[0].x12.element_separator", `"**" must be one printable ASCII character`},
			{"many.yaml:22:32: carriers[0].x12.component_separator", `"~" is already the segment_terminator (by default)`},
			{"many.yaml:22:59: carriers[0].x12.product_lines.life", `"life" is not a product line`},
			{"many.yaml:24:65: carriers[0].plans[0].rates.single", `"single" is not a coverage level`},
			{"many.yaml:25:14: carriers[0].plans[1].id", `plan id "BC-PPO-500" is already used by carriers[0].plans[0]`},
			{"many.yaml:25:40: carriers[0].plans[1].product_line", `"medicl" is not valid`},
			{"many.yaml:26:37: carriers[0].plans[2].product_line", "give the carrier's HD03 code in x12.product_lines (such as basic_life: AC)"},
			{"many.yaml:27:30: carriers[0].result_columns.member", `"member" is not a result file column`},
			{"many.yaml:28:9: carriers[1].id", `carrier id "bluecross" is already used by carriers[0]`},
			{"many.yaml:30:13: carriers[1].format", `format "x12" is neither "x12-834" nor a layout file onboard can read`},
			// The mapping file's problems, at their own positions, sort
			// by file name after many.yaml.
			{"mappings/broken.yaml:1:1", "missing group key"},
			{"mappings/broken.yaml:3:1", `unknown key "colums"`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probs := problemsOf(t, "testdata/"+tt.file, tt.env)
			ok := len(probs) == len(tt.want)
			for i := 0; ok && i < len(tt.want); i++ {
				line := probs[i].String()
				at := "testdata/" + tt.want[i].at + ": "
				ok = strings.HasPrefix(line, at) && strings.Contains(line[len(at):], tt.want[i].contains)
			}
			if !ok {
				var w []string
				for _, x := range tt.want {
					w = append(w, "testdata/"+x.at+": …"+x.contains+"…")
				}
				t.Errorf("problems:\n%v\nwant:\n%s", probs, strings.Join(w, "\n"))
			}
		})
	}
}

func TestProblemsNeverHoldSecrets(t *testing.T) {
	probs := problemsOf(t, "testdata/inline-password.yaml", map[string]string{"ACME_PASSPHRASE": "s3cr3t-pass"})
	if s := probs.Error(); strings.Contains(s, "hunter2") || strings.Contains(s, "s3cr3t") {
		t.Errorf("a secret is in the problems:\n%s", s)
	}
}

func TestProblemString(t *testing.T) {
	p := Problem{File: "onboard.yaml", Line: 3, Column: 7, Path: "partners[0].id", Message: "id is required"}
	if got := p.String(); got != "onboard.yaml:3:7: partners[0].id: id is required" {
		t.Errorf("String() = %q", got)
	}
	p.Path = ""
	if got := p.String(); got != "onboard.yaml:3:7: id is required" {
		t.Errorf("String() without path = %q", got)
	}
	ps := Problems{{File: "b", Line: 1, Column: 1}, {File: "a", Line: 9, Column: 1}, {File: "a", Line: 2, Column: 5}, {File: "a", Line: 2, Column: 3}}
	ps.sort()
	var got []string
	for _, p := range ps {
		got = append(got, p.String())
	}
	if want := "a:2:3: |a:2:5: |a:9:1: |b:1:1: "; strings.Join(got, "|") != want {
		t.Errorf("sorted: %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"30s", 30 * time.Second, false},
		{"48h", 48 * time.Hour, false},
		{"1h30m", 90 * time.Minute, false},
		{"30", 0, true},
		{"soon", 0, true},
	}
	for _, tt := range tests {
		var d Duration
		err := d.UnmarshalText([]byte(tt.in))
		if (err != nil) != tt.wantErr || d.D() != tt.want {
			t.Errorf("UnmarshalText(%q) = %v, %v", tt.in, d, err)
		}
		var y Duration
		err = y.UnmarshalYAML([]byte(`"` + tt.in + `"`))
		if (err != nil) != tt.wantErr || y.D() != tt.want {
			t.Errorf("UnmarshalYAML(%q) = %v, %v", tt.in, y, err)
		}
	}
	if b, _ := Duration(48 * time.Hour).MarshalText(); string(b) != "48h0m0s" {
		t.Errorf("MarshalText = %s", b)
	}
}

func TestParseSchedule(t *testing.T) {
	for _, spec := range []string{"*/15 * * * *", "@every 30s", "@daily", "CRON_TZ=UTC 0 6 * * *", "TZ=UTC @every 1m"} {
		if _, err := ParseSchedule(spec); err != nil {
			t.Errorf("ParseSchedule(%q): %v", spec, err)
		}
	}
	for _, spec := range []string{"", "* * * *", "0 0 6 * * *", "@every", "@sometimes", "TZ="} {
		if _, err := ParseSchedule(spec); err == nil {
			t.Errorf("ParseSchedule(%q) accepted", spec)
		}
	}
}
