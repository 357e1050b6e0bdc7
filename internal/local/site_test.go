package local_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/local"
)

func TestSite(t *testing.T) {
	t.Parallel()
	web, state := t.TempDir(), t.TempDir()
	for name, body := range map[string]string{
		"index.html": "<!doctype html><title>portalid</title>",
		"app.js":     "export {};",
		"style.css":  "body{}",
	} {
		if err := os.WriteFile(filepath.Join(web, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(web, "img"), 0o700); err != nil {
		t.Fatal(err)
	}
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"api":"`+r.Method+" "+r.URL.EscapedPath()+`"}`)
	})
	srv := httptest.NewServer(local.Site(api, web, state))
	t.Cleanup(srv.Close)

	tests := []struct {
		name, method, path string
		status             int
		contentType        string
		body               string // a part of it
		csp                bool
	}{
		{"the client", "GET", "/", 200, "text/html; charset=utf-8", "<title>portalid</title>", true},
		{"a script", "GET", "/app.js", 200, "text/javascript; charset=utf-8", "export", true},
		{"a style sheet", "HEAD", "/style.css", 200, "text/css; charset=utf-8", "", true},
		{"a client route", "GET", "/confirm-email", 200, "text/html; charset=utf-8", "<title>portalid</title>", true},
		{"a missing file", "GET", "/missing.js", 404, "", "", false},
		{"a folder", "GET", "/img/", 200, "text/html; charset=utf-8", "<title>", true},
		{"out of the folder", "GET", "/../site.go", 404, "", "", false},
		{"a write", "POST", "/index.html", 405, "", "", false},
		{"the API", "POST", "/v1/registrations/ab%2Fc/confirm", 200, "application/json", `"api":"POST /v1/registrations/ab%2Fc/confirm"`, false},
		{"the keys", "GET", "/.well-known/jwks.json", 200, "application/json", `"api":"GET /.well-known/jwks.json"`, false},
		{"the outbox", "GET", local.OutboxPath, 200, "application/json", `{"messages":[]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.URL.Opaque = tt.path // keep %2F and .. as sent
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.status || (tt.contentType != "" && res.Header.Get("Content-Type") != tt.contentType) || !strings.Contains(string(body), tt.body) {
				t.Errorf("%s %s = %d %q %q, want %d %q containing %q", tt.method, tt.path, res.StatusCode, res.Header.Get("Content-Type"), body, tt.status, tt.contentType, tt.body)
			}
			if got := res.Header.Get("Content-Security-Policy"); tt.csp != strings.Contains(got, "default-src 'self'") {
				t.Errorf("Content-Security-Policy = %q, want one keeping the client to its origin: %v", got, tt.csp)
			}
		})
	}
}

func TestReadOutboxes(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	write := func(file string, entries ...local.OutboxEntry) {
		o := local.NewOutbox(filepath.Join(state, file))
		for _, e := range entries {
			if err := o.Append(e); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("sms-outbox.jsonl",
		local.OutboxEntry{To: "+79123456789", Message: "Код: 111111", At: t0},
		local.OutboxEntry{To: "+79123456789", Message: "Код: 333333", At: t0.Add(2 * time.Minute)})
	write("mail-outbox.jsonl", local.OutboxEntry{To: "anna@example.org", Subject: "Подтвердите адрес", Message: "Код: 222222", At: t0.Add(time.Minute)})
	write("notes.jsonl", local.OutboxEntry{To: "nobody", Message: "not an outbox", At: t0.Add(time.Hour)})

	got, err := local.ReadOutboxes(state, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []local.OutboxMessage{
		{Channel: "sms", OutboxEntry: local.OutboxEntry{To: "+79123456789", Message: "Код: 333333", At: t0.Add(2 * time.Minute)}},
		{Channel: "mail", OutboxEntry: local.OutboxEntry{To: "anna@example.org", Subject: "Подтвердите адрес", Message: "Код: 222222", At: t0.Add(time.Minute)}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadOutboxes(2) (-want +got):\n%s", diff)
	}

	srv := httptest.NewServer(local.Site(http.NotFoundHandler(), t.TempDir(), state))
	t.Cleanup(srv.Close)
	res, err := http.Get(srv.URL + local.OutboxPath)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var listed struct{ Messages []local.OutboxMessage }
	if err := json.NewDecoder(res.Body).Decode(&listed); err != nil {
		t.Fatal(err)
	}
	if len(listed.Messages) != 3 || listed.Messages[0].Message != "Код: 333333" || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("GET %s = %+v, want all three messages, newest first, not cached", local.OutboxPath, listed.Messages)
	}
}
