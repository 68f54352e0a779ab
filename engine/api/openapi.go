package api

import (
	_ "embed"
	"net/http"
)

// OpenAPI is the API's description (OpenAPI 3.1), written by hand in
// openapi.json and served at GET /openapi.json. The API tests validate
// every request and answer against it.
//
//go:embed openapi.json
var OpenAPI []byte

func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(OpenAPI)
}
