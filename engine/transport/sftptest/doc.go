// Package sftptest starts real SFTP servers on loopback for tests: an
// in-process server (github.com/pkg/sftp over golang.org/x/crypto/ssh) and
// OpenSSH's sshd, each with a generated ed25519 host key and client key
// and rooted in a directory the test owns. A Proxy between client and
// server lets a test cut or stall connections.
//
//	srv := sftptest.StartServer(t, t.TempDir())
//	f, err := transport.NewSFTP(ctx, srv.Config())
//
//	ssh := sftptest.StartOpenSSH(t, t.TempDir()) // skipped if sshd is missing, fatal in CI
//
//	p := sftptest.NewProxy(t, srv.Addr)
//	cfg := srv.Config()
//	cfg.Address = p.Addr()
//	cfg.KnownHostsFile, cfg.HostKey = "", srv.HostKey.AuthorizedLine()
//	... p.Cut() ...
//
// Servers and proxies stop when the test ends.
package sftptest
