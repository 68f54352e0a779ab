package engine

import (
	"context"
	"errors"
	"sync"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/transport"
)

// Pool opens each configured folder once and shares it between stages, so
// an SFTP server gets one connection per endpoint, not one per pass.
type Pool struct {
	mu      sync.Mutex
	folders map[string]transport.Folder
}

// NewPool returns an empty pool.
func NewPool() *Pool { return &Pool{folders: map[string]transport.Folder{}} }

func folderKey(f config.Folder) string {
	if f.SFTP != nil {
		return "sftp://" + f.SFTP.User + "@" + f.SFTP.Address + "/" + f.SFTP.Dir
	}
	return "file://" + f.Dir
}

// Open returns the folder f names, opening it on first use.
func (p *Pool) Open(ctx context.Context, f config.Folder) (transport.Folder, error) {
	key := folderKey(f)
	p.mu.Lock()
	defer p.mu.Unlock()
	if fo, ok := p.folders[key]; ok {
		return fo, nil
	}
	fo, err := transport.Open(ctx, f)
	if err != nil {
		return nil, err
	}
	p.folders[key] = fo
	return fo, nil
}

// Close closes every open folder.
func (p *Pool) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var errs []error
	for k, f := range p.folders {
		errs = append(errs, f.Close())
		delete(p.folders, k)
	}
	return errors.Join(errs...)
}
