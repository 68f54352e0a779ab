package fixedwidth_test

import (
	"fmt"
	"os"
	"time"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/formats/fixedwidth"
)

func Example() {
	l, err := fixedwidth.CompileLayout([]byte(`
kind: fixed-width
records:
  file_header:
    - {name: type, width: 3, const: HDR}
    - {name: created, width: 8, source: file.created, format: YYYYMMDD}
  member:
    - {name: type, width: 3, const: DTL}
    - {name: action, width: 1, source: change.maintenance, values: {add: A, terminate: T}}
    - {name: last, width: 8, source: member.last_name, format: upper}
    - {name: id, width: 5, source: member.external_identifier}
  trailer:
    - {name: type, width: 3, const: TRL}
    - {name: count, width: 8, source: file.record_count, align: right, pad: "0"}
`), "example.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	sub := &model.Subscriber{ExternalIdentifier: "E1001", LastName: "Doe"}
	w := fixedwidth.NewWriter(os.Stdout, l, fixedwidth.FileInfo{Created: time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC)})
	_ = w.WriteGroup(model.GroupChanges{
		Group:   &model.Group{ExternalIdentifier: "ACME"},
		Members: []model.MemberChange{{Maintenance: model.MaintAdd, Subscriber: sub}},
	})
	if err := w.Close(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// HDR20250115
	// DTLADOE     E1001
	// TRL00000003
}

func ExampleCompileLayout_errors() {
	_, err := fixedwidth.CompileLayout([]byte(`
kind: fixed-width
records:
  member:
    - {name: id, width: 0, source: member.external_id}
    - {name: last, source: member.last_name, align: centre}
`), "carrier.yaml")
	fmt.Println(err)
	// Output:
	// carrier.yaml:5:25: width 0 is invalid: expected a whole number from 1 to 9999
	// carrier.yaml:5:36: source "member.external_id" is not a known source path
	// carrier.yaml:6:7: width is required for field "last" in a fixed-width layout
	// carrier.yaml:6:53: align "centre" is invalid: expected left or right
}
