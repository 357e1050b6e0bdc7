package local

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// OutboxPath is the development route that lists the newest messages of
// the local outboxes, for the web client's development panel. It exists
// only in the local stack: the Lambda route table has no such route.
const OutboxPath = "/local/outbox"

// OutboxLimit is how many messages OutboxPath answers, newest first.
const OutboxLimit = 30

// siteCSP keeps the web client to its own origin: scripts, styles, images
// and API calls from the server itself only, nothing fetched elsewhere.
const siteCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Site serves the web client beside the API on one origin, as a deployment
// puts the static client and API Gateway under one domain: paths under
// /v1/ and /.well-known/ go to api; GET OutboxPath lists the messages of
// state's *-outbox.jsonl files; any other GET or HEAD is a file of the
// web client in dir, and a path without a file extension that names no
// file (a client route such as /confirm-email, the e-mail link) gets
// dir/index.html.
func Site(api http.Handler, dir, state string) http.Handler {
	return &site{api: api, files: os.DirFS(dir), state: state}
}

type site struct {
	api   http.Handler
	files fs.FS
	state string
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/v1/") || strings.HasPrefix(p, "/.well-known/"):
		s.api.ServeHTTP(w, r)
	case p == OutboxPath:
		s.outbox(w, r)
	default:
		s.static(w, r)
	}
}

func (s *site) static(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	f, err := s.files.Open(name)
	if err == nil {
		if fi, statErr := f.Stat(); statErr != nil || fi.IsDir() {
			f.Close()
			f, err = nil, fs.ErrNotExist
		}
	}
	if errors.Is(err, fs.ErrNotExist) && path.Ext(name) == "" {
		name = "index.html"
		f, err = s.files.Open(name)
	}
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	rs, ok := f.(io.ReadSeeker)
	if err != nil || !ok {
		http.Error(w, "cannot read "+name, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", siteCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, fi.ModTime(), rs)
}

// OutboxMessage is one message as OutboxPath lists it.
type OutboxMessage struct {
	// Channel names the outbox: "sms" for sms-outbox.jsonl, "mail", …
	Channel string `json:"channel"`
	OutboxEntry
}

// outbox answers the newest OutboxLimit messages of every outbox file in
// the state folder (an outbox added later, such as the postal provider's
// letters, appears by itself).
func (s *site) outbox(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	msgs, err := ReadOutboxes(s.state, OutboxLimit)
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		http.Error(w, "cannot read the outboxes", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(struct {
		Messages []OutboxMessage `json:"messages"`
	}{msgs})
}

// ReadOutboxes returns the newest limit messages of the *-outbox.jsonl
// files in dir, newest first.
func ReadOutboxes(dir string, limit int) ([]OutboxMessage, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*-outbox.jsonl"))
	if err != nil {
		return nil, err
	}
	msgs := []OutboxMessage{}
	for _, file := range files {
		channel := strings.TrimSuffix(filepath.Base(file), "-outbox.jsonl")
		entries, err := ReadOutbox(file)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			msgs = append(msgs, OutboxMessage{Channel: channel, OutboxEntry: e})
		}
	}
	slices.SortStableFunc(msgs, func(a, b OutboxMessage) int { return b.At.Compare(a.At) })
	return msgs[:min(limit, len(msgs))], nil
}
