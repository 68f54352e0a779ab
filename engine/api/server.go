package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/intake"
	"github.com/onboard/onboard/engine/store"
)

// MaxBody is the largest request body accepted (413 above).
const MaxBody = 10 << 20

// CrashCommitted is the crash point (engine/crash) between a write's
// commit and its answer: a test kills the daemon there and checks that
// the retry with the same Idempotency-Key gets the stored answer.
const CrashCommitted = "api-committed"

// Options are what the API serves from.
type Options struct {
	Config *config.Config
	Store  store.Store
	Intake *intake.Intake
	Log    *slog.Logger
	// Now and NewID are the clock and the request id source (default
	// time.Now and UUIDv7).
	Now   func() time.Time
	NewID func() string
}

// Server is the API: Register mounts its routes on a mux.
type Server struct {
	cfg    *config.Config
	store  store.Store
	intake *intake.Intake
	log    *slog.Logger
	now    func() time.Time
	newID  func() string
	keys   *keyring
	limit  *limiter
	idem   keyLocks
}

// New reads every API key file (keeping only the keys' hashes) and
// returns the API.
func New(o Options) (*Server, error) {
	keys, err := loadKeys(o.Config)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: o.Config, store: o.Store, intake: o.Intake, log: o.Log, now: o.Now, newID: o.NewID, keys: keys}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newID == nil {
		s.newID = func() string {
			id, err := uuid.NewV7()
			if err != nil {
				return uuid.NewString()
			}
			return id.String()
		}
	}
	rate := o.Config.HTTP.RateLimit
	if rate <= 0 {
		rate = config.DefaultRateLimit
	}
	s.limit = newLimiter(rate)
	return s, nil
}

// Enabled reports whether any partner or analyst has an API key.
func Enabled(cfg *config.Config) bool {
	if len(cfg.Analysts) > 0 {
		return true
	}
	for i := range cfg.Partners {
		if cfg.Partners[i].API != nil {
			return true
		}
	}
	return false
}

// Register mounts the API's routes (DESIGN.md §13) on mux.
func (s *Server) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /openapi.json", serveOpenAPI)
	mux.Handle("POST /groups", s.write(s.postGroup))
	mux.Handle("GET /groups", s.read(s.listGroups))
	mux.Handle("GET /groups/{id}", s.read(s.getGroup))
	mux.Handle("GET /groups/{id}/history", s.read(s.groupHistory))
	mux.Handle("POST /groups/{id}/subscribers", s.write(s.postSubscriber))
	mux.Handle("GET /subscribers/{id}", s.read(s.getSubscriber))
	mux.Handle("GET /portfolio", s.read(s.portfolio))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeErrors(w, http.StatusNotFound, apiError("not_found", "There is no such endpoint; see /openapi.json."))
	})
}

// answer is a response: its status and JSON body.
type answer struct {
	status int
	body   []byte
	header http.Header // more headers (a page's Link and Total)
}

// readFunc answers a GET.
type readFunc func(ctx context.Context, c *Caller, r *http.Request) (answer, error)

// writeFunc decides a POST. save must be called inside the transaction
// that commits the write, with the answer, so an Idempotency-Key finds it
// after a crash; a write that commits nothing may leave it uncalled.
type writeFunc func(ctx context.Context, c *Caller, r *http.Request, body []byte, save saveFunc) (answer, error)

type saveFunc func(ctx context.Context, tx store.Tx, a answer) error

type ctxKey int

const requestIDKey ctxKey = 0

// requestID is the id of the request being served.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// authenticate runs the steps every API request shares: a request id,
// the caller's key (401), its rate limit (429). It logs the request,
// never its key.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*Caller, context.Context, bool) {
	id := s.newID()
	w.Header().Set("X-Request-Id", id)
	ctx := context.WithValue(r.Context(), requestIDKey, id)
	c := s.keys.find(r)
	if c == nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="onboard"`)
		writeErrors(w, http.StatusUnauthorized, apiError("unauthorized", "Send a valid API key as Authorization: Bearer KEY."))
		s.log.Info("api request refused: no valid key", "method", r.Method, "path", r.URL.Path, "request_id", id)
		return nil, nil, false
	}
	if ok, retry := s.limit.take(c.keyHash, s.now()); !ok {
		secs := int(retry/time.Second) + 1
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeErrors(w, http.StatusTooManyRequests, apiError("rate_limited", fmt.Sprintf("Too many requests with this key; retry after %d seconds.", secs)))
		return nil, nil, false
	}
	return c, ctx, true
}

func (s *Server) read(h readFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		c, ctx, ok := s.authenticate(w, r)
		if !ok {
			return
		}
		a, err := h(ctx, c, r)
		s.respond(w, r, c, ctx, a, err, start)
	})
}

func (s *Server) respond(w http.ResponseWriter, r *http.Request, c *Caller, ctx context.Context, a answer, err error, start time.Time) {
	if err != nil {
		s.log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "caller", c.ID, "request_id", requestID(ctx), "err", err)
		writeErrors(w, http.StatusInternalServerError, apiError("internal_error",
			"onboard could not answer this request; retry it (with the same Idempotency-Key for a write) and tell the operator if it persists."))
		return
	}
	for k, v := range a.header {
		w.Header()[k] = v
	}
	writeRaw(w, a.status, a.body)
	s.log.Debug("api request", "method", r.Method, "path", r.URL.Path, "caller", c.ID, "request_id", requestID(ctx),
		"status", a.status, "duration", time.Since(start))
}

func (s *Server) write(h writeFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		c, ctx, ok := s.authenticate(w, r)
		if !ok {
			return
		}
		if c.Analyst() {
			writeErrors(w, http.StatusForbidden, apiError("forbidden", "An analyst key reads every partner's groups and writes nothing; writes need the partner's key."))
			return
		}
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
			writeErrors(w, http.StatusUnsupportedMediaType, apiError("unsupported_media_type", "Send the body as JSON with Content-Type: application/json."))
			return
		}
		body, err := readBody(w, r)
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				writeErrors(w, http.StatusRequestEntityTooLarge, apiError("request_too_large", fmt.Sprintf("The body is larger than %d bytes; send fewer members per request.", MaxBody)))
				return
			}
			writeErrors(w, http.StatusBadRequest, apiError("invalid_request", "The body could not be read."))
			return
		}
		a, err := s.idempotent(ctx, c, r, body, h)
		s.respond(w, r, c, ctx, a, err, start)
	})
}

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	defer r.Body.Close()
	return io.ReadAll(r.Body)
}

// apiErr is one error of an error answer (DESIGN.md §5's shape).
type apiErr struct {
	ErrorType string `json:"error_type"`
	Message   string `json:"message"`
	Parameter string `json:"parameter,omitempty"`
}

func apiError(typ, msg string) apiErr { return apiErr{ErrorType: typ, Message: msg} }

func writeErrors(w http.ResponseWriter, status int, errs ...apiErr) {
	writeJSON(w, status, map[string]any{"errors": errs})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"errors":[{"error_type":"internal_error","message":"The answer could not be encoded."}]}`)
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(b) // the client went away; nothing to do
}

func marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding answer: %w", err)
	}
	return append(b, '\n'), nil
}

func jsonAnswer(status int, v any) (answer, error) {
	b, err := marshal(v)
	return answer{status: status, body: b}, err
}

func errorAnswer(status int, errs ...apiErr) answer {
	a, _ := jsonAnswer(status, map[string]any{"errors": errs})
	return a
}

// notFound is the answer for a group or subscriber that does not exist or
// belongs to another partner: the two are indistinguishable.
func notFound(what string) answer {
	return errorAnswer(http.StatusNotFound, apiError("not_found", fmt.Sprintf("No %s has this id for this key.", what)))
}
