// Package api is the partner and analyst HTTP API (DESIGN.md §13): the
// engine behind HTTP in the shape of the Ideon Enrollment API.
//
// Every write goes through engine/intake exactly as a dropped file does
// (intake.Intake.Submit) and is recorded as a file of source api named
// after the request id. Callers authenticate with Authorization: Bearer
// KEY, a partner's key (its own groups, read and write) or an analyst's
// (every partner's groups, read only). The API describes itself at GET
// /openapi.json (OpenAPI 3.1, written by hand, embedded).
//
//	srv, err := api.New(api.Options{Config: cfg, Store: st, Intake: in})
//	if err != nil { ... }
//	mux := http.NewServeMux()
//	srv.Register(mux)
package api
