package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"

	"github.com/robfig/cron/v3"
	"golang.org/x/crypto/ssh"
)

// scheduleParser reads the 5-field cron specs and descriptors (@every 30s,
// @daily) of the config; a CRON_TZ=Zone prefix sets the time zone.
var scheduleParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses a schedule as Load validates it: five cron fields
// ("*/15 * * * *"), a descriptor ("@every 30s", "@hourly"), optionally
// prefixed by "CRON_TZ=America/New_York ".
func ParseSchedule(spec string) (s cron.Schedule, err error) {
	// robfig/cron panics on some malformed specs ("TZ=" alone); a config
	// value must never crash the loader.
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("parsing schedule %q: %w", spec, errMalformedSchedule)
		}
	}()
	s, err = scheduleParser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("parsing schedule %q: %w", spec, err)
	}
	return s, nil
}

var errMalformedSchedule = errors.New("malformed schedule")

func (c *checker) schedule(path, spec string) {
	if _, err := ParseSchedule(spec); err != nil {
		c.problemAt(path, "schedule %q is not valid (%v): use five cron fields such as \"*/15 * * * *\" or a descriptor such as \"@every 30s\"", spec, errors.Unwrap(err))
	}
}

// folder checks a folder: exactly one of dir and sftp.
func (c *checker) folder(path string, f *Folder) {
	switch {
	case f.Dir != "" && f.SFTP != nil:
		c.problemAt(path+".sftp", "set either dir (a local folder) or sftp (an SFTP server), not both")
	case f.Dir == "" && f.SFTP == nil:
		c.problemAt(path, "a folder is required: set dir (a local folder) or sftp (an SFTP server)")
	case f.SFTP != nil:
		c.sftp(path+".sftp", f.SFTP)
	}
}

// sftp checks an SFTP endpoint: where, who, how it logs in, and how the
// server's host key is verified.
func (c *checker) sftp(path string, s *SFTP) {
	if c.required(path+".address", s.Address, "the server as host:port, such as sftp.example.com:22") {
		if _, port, err := net.SplitHostPort(s.Address); err != nil || port == "" {
			c.problemAt(path+".address", "address %q must be host:port, such as sftp.example.com:22", s.Address)
		}
	}
	c.required(path+".user", s.User, "the user name onboard logs in as")
	c.required(path+".dir", s.Dir, "the folder on the server, such as /outbox")

	if s.Password != "" && s.PasswordFile != "" {
		c.problemAt(path+".password_file", "set password or password_file, not both")
	}
	if s.Passphrase != "" && s.PassphraseFile != "" {
		c.problemAt(path+".passphrase_file", "set passphrase or passphrase_file, not both")
	}
	// A password given as an unset variable is reported as that; an empty
	// one is a mistake of its own.
	givenPassword := c.given(path + ".password")
	if givenPassword && s.Password == "" {
		c.problemAt(path+".password", "password is empty: set the environment variable it names, or use private_key_file")
	}
	hasPassword := givenPassword || s.PasswordFile != ""
	if s.PrivateKeyFile == "" && !hasPassword {
		c.problemAt(path, "sftp needs a way to log in: set private_key_file, or password (as ${VAR}) or password_file")
	}
	if s.PrivateKeyFile == "" && (s.Passphrase != "" || s.PassphraseFile != "") {
		c.problemAt(path+".passphrase", "a passphrase unlocks private_key_file, which is not set")
	}
	c.readable(path+".private_key_file", &s.PrivateKeyFile)
	c.readable(path+".passphrase_file", &s.PassphraseFile)
	c.readable(path+".password_file", &s.PasswordFile)
	c.readable(path+".known_hosts_file", &s.KnownHostsFile)

	if s.KnownHostsFile == "" && s.HostKey == "" && len(s.HostKeys) == 0 {
		c.problemAt(path, "sftp has no host-key verification: set known_hosts_file or host_key (the server's public key, such as \"ssh-ed25519 AAAA...\"); "+
			"onboard refuses to connect without it, since an impostor server could otherwise receive or plant files")
	}
	if s.HostKey != "" {
		c.hostKey(path+".host_key", s.HostKey)
	}
	for i, k := range s.HostKeys {
		c.hostKey(fmt.Sprintf("%s.host_keys[%d]", path, i), k)
	}
	c.positive(path+".timeout", s.Timeout)
	c.algorithms(path+".algorithms", s.Algorithms)
}

func (c *checker) hostKey(path, key string) {
	if _, _, _, _, err := ssh.ParseAuthorizedKey([]byte(key)); err != nil {
		c.problemAt(path, "not a public key in authorized_keys form (\"ssh-ed25519 AAAA...\", as ssh-keyscan prints it without the host name)")
	}
}

// readable resolves a referenced file against the config folder and checks
// that onboard can read it.
func (c *checker) readable(path string, file *string) {
	if *file == "" {
		return
	}
	orig := *file
	*file = c.abs(*file)
	f, err := os.Open(*file)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		c.problemAt(path, "cannot read %q: %v", orig, err)
		return
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		c.problemAt(path, "%q is a folder, not a file", orig)
	}
}
