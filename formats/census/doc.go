// Package census reads census CSV files — one row per member, the group's
// columns repeated on every row — through a compiled mapping (package
// mappings), yielding one model.SourcedGroup at a time.
//
// The reader makes one pass over the file to check it (UTF-8 text, valid
// CSV, a header that fits the mapping, at least one row) and to index each
// row's offset by group, then reads each group's rows back by offset: a
// million-member file is never held whole in memory and a group's rows need
// not be contiguous. File-level problems come back as a model.Error of type
// file_invalid; row-level problems go into the group's Errors with the
// file, line and column of the cell.
//
// Where each value came from is recorded per row (its line and the row's
// column indexes) in the group's SourcedGroup.Index, not as a map entry and
// a path string per value: SourceOf and Locate resolve a path only when an
// error needs locating, and AllSources lists every path for inspection.
// The CSV is read with encoding/csv (ReuseRecord), in two passes: the
// first indexes the rows of each group, the second builds the groups.
//
//	m, _ := mappings.Load("census-standard", "")
//	f, _ := os.Open("acme-census.csv")
//	r, err := census.NewReader(f, m, "acme-census.csv")
//	if err != nil {
//		return err // a model.Error (file_invalid) for a bad file
//	}
//	for {
//		sg, err := r.Next()
//		if errors.Is(err, io.EOF) {
//			break
//		}
//		if err != nil {
//			return err
//		}
//		fmt.Println(sg.Group.ExternalIdentifier, len(sg.Group.Subscribers), len(sg.Errors))
//	}
package census
