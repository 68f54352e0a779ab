package transport

import (
	"context"
	"errors"

	"github.com/onboard/onboard/engine/config"
)

// Open builds the folder f names: a Local folder for Dir, an SFTP folder
// (connected and checked, see NewSFTP) for SFTP. Exactly one must be set.
func Open(ctx context.Context, f config.Folder) (Folder, error) {
	switch {
	case f.SFTP != nil && f.Dir != "":
		return nil, errors.New("opening folder: both dir and sftp are set; choose one")
	case f.SFTP != nil:
		s, err := NewSFTP(ctx, *f.SFTP)
		if err != nil {
			return nil, err // not a nil *SFTP in a non-nil Folder
		}
		return s, nil
	case f.Dir != "":
		l, err := NewLocal(f.Dir)
		if err != nil {
			return nil, err
		}
		return l, nil
	default:
		return nil, errors.New("opening folder: neither dir nor sftp is set")
	}
}
