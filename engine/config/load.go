package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"

	"github.com/onboard/onboard/formats/yamlnode"
	"github.com/onboard/onboard/mappings"
)

// Load reads, expands, decodes strictly, applies defaults, resolves relative paths against
// the config file's folder, compiles mappings, layouts and rules, and validates. On any
// problem it returns Problems listing ALL of them, sorted by file, line, column
// (errors.As(err, &probs) with probs a Problems); a config file that cannot
// be read at all is a plain error. ${VAR} references are expanded from the
// environment in every value (not in keys or comments); $$ is a literal $.
func Load(path string) (*Config, error) {
	return load(path, os.LookupEnv)
}

func load(path string, env func(string) (string, bool)) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return loadData(path, data, env)
}

// loadData loads the config text data as if read from path.
func loadData(path string, data []byte, env func(string) (string, bool)) (*Config, error) {
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("locating config folder: %w", err)
	}
	cfg := &Config{Path: path}
	d := newDecoder(path, env)
	if !d.parse(data, cfg) {
		return nil, d.probs
	}
	c := &checker{decoder: d, cfg: cfg, dir: dir, shownDir: filepath.Dir(path),
		mappings: map[string]*mappings.Mapping{}, mappingDone: map[string]bool{}}
	c.defaults()
	c.check()
	if len(d.probs) > 0 {
		d.probs.sort()
		return nil, d.probs
	}
	return cfg, nil
}

// parse parses the YAML and decodes it into cfg; false when the file is
// not valid YAML (nothing more can be said then).
func (d *decoder) parse(data []byte, cfg *Config) bool {
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		var ye yaml.Error
		if errors.As(err, &ye) && ye.GetToken() != nil {
			d.problem(tokenPos(ye.GetToken()), "", "the file is not valid YAML: %s", ye.GetMessage())
		} else {
			d.problem(position{1, 1}, "", "the file is not valid YAML: %v", err)
		}
		return false
	}
	if len(file.Docs) == 0 || file.Docs[0].Body == nil {
		return true // empty: all defaults
	}
	if len(file.Docs) > 1 {
		at := position{1, 1}
		if doc := file.Docs[1]; doc.Start != nil {
			at = tokenPos(doc.Start)
		} else if doc.Body != nil {
			at = start(doc.Body)
		}
		d.problem(at, "", "the config file must hold one YAML document, not %d", len(file.Docs))
	}
	body := file.Docs[0].Body
	d.anchors = yamlnode.Anchors(body)
	d.decode(body, reflect.ValueOf(cfg).Elem(), "")
	return true
}
