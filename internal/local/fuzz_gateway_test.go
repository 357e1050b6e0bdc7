package local

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzGatewayEvent builds the API Gateway event of any request make run
// receives: the handler gets the body back exactly (as text only when it
// is valid UTF-8 of a textual type, else base64), header names in lower
// case, the query as API Gateway joins it and path parameters unescaped.
func FuzzGatewayEvent(f *testing.F) {
	f.Add("/v1/registrations/abc%2Fdef", "a=1&a=2&b=%zz&c", "application/json; charset=utf-8", []byte(`{"surname":"Иванова"}`))
	f.Add("/v1/letters/x", "", "application/octet-stream", []byte{0, 0xff, 0xfe})
	f.Add("/", "cursor=%2B7;limit=5", "text/plain", []byte("\xff"))
	f.Add("/v1/me/events/05", "q=%D1%88%D1%82", "", []byte{})
	f.Fuzz(func(t *testing.T, path, query, contentType string, body []byte) {
		u, err := url.Parse("http://127.0.0.1:8104" + path)
		if err != nil || u.Path == "" {
			return
		}
		u.RawQuery = query
		r, err := http.NewRequest(http.MethodPost, u.String(), nil)
		if err != nil {
			return
		}
		r.Header.Set("Content-Type", contentType)
		r.Header.Set("X-Mixed-Case", "v")
		r.RemoteAddr = "192.0.2.1:5555"
		var segment string
		g := NewGateway(nil, func(_, rawPath string) (string, map[string]string, []string) {
			segment = rawPath[strings.LastIndexByte(rawPath, '/')+1:]
			return "POST /{id}", map[string]string{"id": segment}, nil
		})
		ev := g.Event(r, body)
		got := []byte(ev.Body)
		if ev.IsBase64Encoded {
			if got, err = base64.StdEncoding.DecodeString(ev.Body); err != nil {
				t.Fatalf("Event() base64 body does not decode: %v", err)
			}
		} else if !utf8.ValidString(ev.Body) {
			t.Fatalf("Event() passes a body that is not UTF-8 as text")
		}
		if !bytes.Equal(got, body) {
			t.Fatalf("Event() body %q, want %q", got, body)
		}
		for k := range ev.Headers {
			if k != strings.ToLower(k) {
				t.Fatalf("Event() header %q is not lower case", k)
			}
		}
		values, _ := url.ParseQuery(r.URL.RawQuery)
		for k, v := range values {
			if ev.QueryStringParameters[k] != strings.Join(v, ",") {
				t.Fatalf("Event() query %q = %q, want %q", k, ev.QueryStringParameters[k], strings.Join(v, ","))
			}
		}
		want := segment
		if u, err := url.PathUnescape(segment); err == nil {
			want = u
		}
		if ev.PathParameters["id"] != want || ev.RawPath != r.URL.EscapedPath() {
			t.Fatalf("Event() path parameter %q from %q", ev.PathParameters["id"], segment)
		}
	})
}

// FuzzValidName: the local Step Functions takes an execution name only
// when AWS would: 1 to 80 characters of valid UTF-8 without white space,
// control or reserved characters; a refusal is an InvalidName error.
func FuzzValidName(f *testing.F) {
	for _, s := range []string{"identity-abcdefghijklmnopqrstuvwxyz-1", "", "a b", "a/b", "ё", strings.Repeat("x", 81), "\xff", "a\u0085b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := validName(name)
		if err != nil {
			if e, ok := err.(*sfnError); !ok || e.Code != "InvalidName" { //nolint:errorlint // validName returns the value itself
				t.Fatalf("validName(%q) = %v, want InvalidName", name, err)
			}
			return
		}
		if name == "" || utf8.RuneCountInString(name) > 80 || !utf8.ValidString(name) || strings.ContainsAny(name, " \t\n/<>{}[]?*\"#%\\^|~`$&,;:") {
			t.Fatalf("validName(%q) accepted it", name)
		}
	})
}
