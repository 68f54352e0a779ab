// Package transport gives every stage one small interface, Folder, for the
// directories onboard reads and writes: partner inbound and outbound
// folders, carrier inboxes and acknowledgement folders. A folder is either
// a local directory (Local) or a directory on an SFTP server (SFTP); Open
// builds the right one from a config.Folder.
//
// Both implementations write atomically: content goes to ".NAME.tmp" in
// the target directory and is renamed into place only when complete, so a
// reader never sees half a file. Names are slash-separated paths relative
// to the folder's root; names that are absolute, contain "..", control
// bytes or backslashes are refused with ErrUnsafeName. FileInfo.Name, from
// List and Stat, is the file's base name.
//
// An SFTP folder verifies the server's host key (known_hosts_file or
// pinned host_key/host_keys; there is no way to skip this) and survives
// connection faults: every operation has a deadline (config timeout,
// default 30s) after which the connection is closed so nothing stays
// blocked; keepalives detect dead connections; an idle connection is
// checked before it is reused; a lost connection is re-established with a
// capped backoff, a few attempts per operation, so the caller gets an error
// rather than a hang. Transfers (Open's reader, Write) use the timeout as
// an inactivity limit rather than a total.
//
// Usage:
//
//	f, err := transport.Open(ctx, partner.Inbound.Folder)
//	if err != nil {
//		return fmt.Errorf("opening inbound folder: %w", err)
//	}
//	defer f.Close()
//	files, err := f.List(ctx, "")
//	...
//	err = f.Write(ctx, "results/x.result.json", bytes.NewReader(doc), 0o600)
//	err = f.Rename(ctx, "x.csv", "archive/x.csv")
//	archive := transport.Sub(f, "archive")
//
// Package sftptest starts real SFTP servers (in-process, or OpenSSH's
// sshd) for tests of any package.
package transport
