package x12guide

import (
	"embed"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Map files of ../shared/x12-maps/ that Load reads.
const (
	Map834   = "834.5010.X220.A1.xml"
	Map999   = "999.5010X231.A1.xml"
	dataFile = "dataele.xml"
	codeFile = "codes.xml"
)

// Guides holds the loaded maps by transaction set id ("834", "999").
type Guides struct {
	Dir  string
	Maps map[string]*Guide
}

// Guide is one implementation guide's map: the loop tree from ISA to IEA.
type Guide struct {
	ID   string // the map's xid, e.g. 834A1
	Name string
	Root *Loop // ISA_LOOP
}

// Loop is a loop of the map; its children are segments and loops in order.
type Loop struct {
	ID       string
	Name     string
	Usage    string // R, S or N
	Repeat   int    // 0: unbounded
	Children []Node
}

// Node is one child of a loop: a segment or a loop.
type Node struct {
	Loop    *Loop
	Segment *Segment
}

// Segment is a segment of the map.
type Segment struct {
	ID       string
	Name     string
	Usage    string
	MaxUse   int // 0: unbounded
	Syntax   []string
	Elements []*Element // by seq, seq 1 at index 0; nil where the map has no element
}

// Element is a simple element or a composite of the map.
type Element struct {
	Ref        string // reference designator, e.g. HD03 or IK401
	DataEle    string // data element number, e.g. 1204
	Name       string
	Usage      string
	Repeat     int // 1 unless the element repeats
	Type       string
	MinLen     int
	MaxLen     int
	Codes      map[string]bool // nil: any value of the type
	CodeList   []string        // the codes in map order, for messages
	External   string          // codes.xml code set id, when the codes live there
	Components []*Element      // a composite's components; nil for a simple element
	Syntax     []string        // a composite's syntax rules
}

// Composite says whether e is a composite.
func (e *Element) Composite() bool { return e.Components != nil }

// Load reads the 834 and 999 maps with the element dictionary and code
// lists from dir.
func Load(dir string) (*Guides, error) {
	gs, err := LoadFS(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	gs.Dir = dir
	return gs, nil
}

// embedded is a copy of ../shared/x12-maps (pyx12's maps, BSD: see
// maps/LICENSE.txt) for the carrier simulator, which runs where the
// repository is not; a test keeps it equal to the shared maps.
//
//go:embed maps/*.xml maps/LICENSE.txt
var embedded embed.FS

// Embedded returns the maps carried in the binary.
func Embedded() (*Guides, error) {
	sub, err := fs.Sub(embedded, "maps")
	if err != nil {
		return nil, err
	}
	gs, err := LoadFS(sub)
	if err != nil {
		return nil, err
	}
	gs.Dir = "(embedded)"
	return gs, nil
}

// LoadFS reads the maps from fsys.
func LoadFS(fsys fs.FS) (*Guides, error) {
	dict, err := loadDataElements(fsys, dataFile)
	if err != nil {
		return nil, err
	}
	sets, err := loadCodeSets(fsys, codeFile)
	if err != nil {
		return nil, err
	}
	gs := &Guides{Maps: map[string]*Guide{}}
	for id, file := range map[string]string{"834": Map834, "999": Map999} {
		g, err := loadMap(fsys, file, dict, sets)
		if err != nil {
			return nil, err
		}
		gs.Maps[id] = g
	}
	return gs, nil
}

type dataElement struct {
	typ      string
	min, max int
}

func loadDataElements(fsys fs.FS, path string) (map[string]dataElement, error) {
	var x xDataElements
	if err := decodeFile(fsys, path, &x); err != nil {
		return nil, err
	}
	m := make(map[string]dataElement, len(x.Elements))
	for _, e := range x.Elements {
		m[e.Num] = dataElement{typ: e.Type, min: e.Min, max: e.Max}
	}
	return m, nil
}

func loadCodeSets(fsys fs.FS, path string) (map[string]map[string]bool, error) {
	var x xCodeSets
	if err := decodeFile(fsys, path, &x); err != nil {
		return nil, err
	}
	m := map[string]map[string]bool{}
	for _, s := range x.Sets {
		set := map[string]bool{}
		for _, v := range s.Versions {
			for _, c := range v.Codes {
				set[strings.TrimSpace(c)] = true
			}
		}
		m[s.ID] = set
	}
	return m, nil
}

func decodeFile(fsys fs.FS, path string, v any) error {
	f, err := fsys.Open(path)
	if err != nil {
		return fmt.Errorf("reading implementation guide map: %w", err)
	}
	defer f.Close()
	if err := xml.NewDecoder(f).Decode(v); err != nil {
		return fmt.Errorf("decoding %s: %w", path, err)
	}
	return nil
}

func loadMap(fsys fs.FS, path string, dict map[string]dataElement, sets map[string]map[string]bool) (*Guide, error) {
	var x xTransaction
	if err := decodeFile(fsys, path, &x); err != nil {
		return nil, err
	}
	b := builder{dict: dict, sets: sets}
	root, err := b.loop(&x.Loop)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Guide{ID: x.XID, Name: strings.TrimSpace(x.Name), Root: root}, nil
}

type builder struct {
	dict map[string]dataElement
	sets map[string]map[string]bool
}

func (b builder) loop(x *xLoop) (*Loop, error) {
	rep, err := count(x.Repeat)
	if err != nil {
		return nil, fmt.Errorf("loop %s: %w", x.XID, err)
	}
	l := &Loop{ID: x.XID, Name: strings.TrimSpace(x.Name), Usage: strings.TrimSpace(x.Usage), Repeat: rep}
	for _, k := range x.Kids {
		if k.loop != nil {
			c, err := b.loop(k.loop)
			if err != nil {
				return nil, err
			}
			l.Children = append(l.Children, Node{Loop: c})
			continue
		}
		s, err := b.segment(k.seg)
		if err != nil {
			return nil, fmt.Errorf("loop %s: %w", x.XID, err)
		}
		l.Children = append(l.Children, Node{Segment: s})
	}
	return l, nil
}

func (b builder) segment(x *xSegment) (*Segment, error) {
	max, err := count(x.MaxUse)
	if err != nil {
		return nil, fmt.Errorf("segment %s: %w", x.XID, err)
	}
	s := &Segment{ID: x.XID, Name: strings.TrimSpace(x.Name), Usage: strings.TrimSpace(x.Usage), MaxUse: max, Syntax: trimAll(x.Syntax)}
	put := func(seq int, e *Element) error {
		for len(s.Elements) < seq {
			s.Elements = append(s.Elements, nil)
		}
		if s.Elements[seq-1] != nil {
			return fmt.Errorf("segment %s: two elements at seq %d", s.ID, seq)
		}
		s.Elements[seq-1] = e
		return nil
	}
	for i := range x.Elements {
		e, seq, err := b.element(&x.Elements[i], "")
		if err != nil {
			return nil, fmt.Errorf("segment %s: %w", s.ID, err)
		}
		if err := put(seq, e); err != nil {
			return nil, err
		}
	}
	for i := range x.Composites {
		c := &x.Composites[i]
		seq, err := seqNum(c.Seq)
		if err != nil {
			return nil, fmt.Errorf("segment %s composite: %w", s.ID, err)
		}
		ref := c.XID
		if ref == "" {
			ref = fmt.Sprintf("%s%02d", s.ID, seq)
		}
		e := &Element{Ref: ref, Name: strings.TrimSpace(c.Name), Usage: strings.TrimSpace(c.Usage), Repeat: 1, Syntax: trimAll(c.Syntax), Components: []*Element{}}
		if c.Repeat != "" {
			if e.Repeat, err = count(c.Repeat); err != nil {
				return nil, fmt.Errorf("composite %s: %w", ref, err)
			}
		}
		for j := range c.Elements {
			ce, cseq, err := b.element(&c.Elements[j], ref)
			if err != nil {
				return nil, fmt.Errorf("composite %s: %w", ref, err)
			}
			for len(e.Components) < cseq {
				e.Components = append(e.Components, nil)
			}
			e.Components[cseq-1] = ce
		}
		if err := put(seq, e); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (b builder) element(x *xElement, composite string) (*Element, int, error) {
	seq, err := seqNum(x.Seq)
	if err != nil {
		return nil, 0, fmt.Errorf("element %s: %w", x.XID, err)
	}
	num := strings.TrimSpace(x.DataEle)
	d, ok := b.dict[num]
	if !ok {
		return nil, 0, fmt.Errorf("element %s: data element %s is not in %s", x.XID, num, dataFile)
	}
	ref := x.XID
	if ref == "" && composite != "" {
		ref = fmt.Sprintf("%s-%02d", composite, seq)
	}
	e := &Element{Ref: ref, DataEle: num, Name: strings.TrimSpace(x.Name), Usage: strings.TrimSpace(x.Usage), Repeat: 1, Type: d.typ, MinLen: d.min, MaxLen: d.max}
	if x.Repeat != "" {
		if e.Repeat, err = count(x.Repeat); err != nil {
			return nil, 0, fmt.Errorf("element %s: %w", ref, err)
		}
	}
	if x.Codes != nil {
		e.Codes = map[string]bool{}
		if ext := strings.TrimSpace(x.Codes.External); ext != "" {
			set, ok := b.sets[ext]
			if !ok {
				return nil, 0, fmt.Errorf("element %s: code set %q is not in %s", ref, ext, codeFile)
			}
			e.External = ext
			for c := range set {
				e.Codes[c] = true
			}
		}
		for _, c := range x.Codes.Codes {
			c = strings.TrimSpace(c)
			e.Codes[c] = true
			e.CodeList = append(e.CodeList, c)
		}
		if len(e.Codes) == 0 {
			e.Codes = nil
		}
	}
	return e, seq, nil
}

func trimAll(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// errNoMaps is returned by MapsDir when no maps directory is found.
var errNoMaps = errors.New("implementation guide maps not found")
