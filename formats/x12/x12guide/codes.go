package x12guide

// Codes returns the codes the guide allows for element ref (e.g. HD03) at
// its first place in the map, in map order; nil when the element has no
// code list there or is not in the map.
func (g *Guide) Codes(ref string) []string {
	var walk func(l *Loop) []string
	walk = func(l *Loop) []string {
		for _, n := range l.Children {
			if n.Loop != nil {
				if c := walk(n.Loop); c != nil {
					return c
				}
				continue
			}
			for _, e := range n.Segment.Elements {
				if e == nil {
					continue
				}
				if e.Ref == ref && e.CodeList != nil {
					return e.CodeList
				}
				for _, c := range e.Components {
					if c != nil && c.Ref == ref && c.CodeList != nil {
						return c.CodeList
					}
				}
			}
		}
		return nil
	}
	return walk(g.Root)
}
