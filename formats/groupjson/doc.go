// Package groupjson reads group JSON in the Ideon Enrollment API's group
// shape (engine/model's JSON): a single {"group": {...}} object, a JSON
// array of them, or JSON Lines with one per line. The file is streamed with
// encoding/json's Decoder, one group in memory at a time.
//
// Each group's Line is the line where its object starts, and Sources maps
// "group" to it, so every parameter path resolves to that line. A file that
// is not group JSON (a syntax error, nesting deeper than 64 levels, an
// entry that is not an object) ends reading with a model.Error of type
// file_invalid naming its line; an unknown field or a value of the wrong
// kind is an error of its group (parameter_invalid, "... is not a field of
// subscriber ...") with the field's line.
//
//	r := groupjson.NewReader(f, "acme-groups.json")
//	for {
//		sg, err := r.Next()
//		if errors.Is(err, io.EOF) {
//			break
//		}
//		if err != nil {
//			return err // a model.Error (file_invalid) for a bad file
//		}
//		fmt.Println(sg.Group.ExternalIdentifier, sg.Line, len(sg.Errors))
//	}
package groupjson
