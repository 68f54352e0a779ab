package api

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/model"
)

// TestOpenAPICoversTheModel: every JSON field of the model types the API
// sends and takes is in the document's schema of that type, and the
// document names no field the model lacks. A field added to the model
// fails here before a partner meets an undocumented one.
func TestOpenAPICoversTheModel(t *testing.T) {
	var d struct {
		OpenAPI    string `json:"openapi"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(OpenAPI, &d); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if d.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q, want 3.1.0", d.OpenAPI)
	}
	types := map[string]any{
		"Group": model.Group{}, "Employer": model.Employer{}, "Location": model.Location{}, "Address": model.Address{},
		"EmployerAddress": model.Address{}, "Subscriber": model.Subscriber{}, "EmploymentDetails": model.EmploymentDetails{},
		"Dependent": model.Dependent{}, "Enrollment": model.Enrollment{}, "QualifyingLifeEvent": model.QualifyingLifeEvent{},
		"Error": model.Error{},
	}
	for name, v := range types {
		s, ok := d.Components.Schemas[name]
		if !ok {
			t.Errorf("no schema %s", name)
			continue
		}
		var fields []string
		rt := reflect.TypeOf(v)
		for i := 0; i < rt.NumField(); i++ {
			tag, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			if tag != "" && tag != "-" {
				fields = append(fields, tag)
			}
		}
		for _, f := range fields {
			if _, ok := s.Properties[f]; !ok {
				t.Errorf("schema %s lacks the model's field %s", name, f)
			}
		}
		for p := range s.Properties {
			if !slices.Contains(fields, p) {
				t.Errorf("schema %s names %s, which the model does not have", name, p)
			}
		}
	}
}
