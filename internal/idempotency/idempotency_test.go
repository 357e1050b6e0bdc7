package idempotency

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// memStore is an in-memory Store for the rules; the DynamoDB adapter is
// tested against DynamoDB Local in internal/httpapi.
type memStore struct {
	mu   sync.Mutex
	recs map[string]Record
}

func (m *memStore) Claim(_ context.Context, id string, fp []byte, _, _ time.Time) (Record, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r, ok := m.recs[id]; ok {
		return r, false, nil
	}
	m.recs[id] = Record{Fingerprint: fp}
	return Record{}, true, nil
}

func (m *memStore) Finish(_ context.Context, id string, res Response, _ time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.recs[id]
	r.Done, r.Response = true, res
	m.recs[id] = r
	return nil
}

func (m *memStore) Release(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.recs, id)
	return nil
}

func TestKeeper(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name     string
		first    int
		second   []byte
		wantRuns int
		wantErr  error
	}{
		{"same request replays", 201, []byte("body"), 1, nil},
		{"different request refused", 201, []byte("other"), 1, ErrKeyReused},
		{"client error replays", 400, []byte("body"), 1, nil},
		{"rate limit runs again", 429, []byte("body"), 2, nil},
		{"server fault runs again", 503, []byte("body"), 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k := &Keeper{Store: &memStore{recs: map[string]Record{}}, TTL: time.Hour, Now: time.Now}
			runs := 0
			fn := func(status int) func() Response {
				return func() Response { runs++; return Response{Status: status, Body: "answer"} }
			}
			if _, err := k.Do(ctx, "POST /x", "key-1", []byte("body"), fn(tt.first)); err != nil {
				t.Fatalf("first Do() error = %v", err)
			}
			res, err := k.Do(ctx, "POST /x", "key-1", tt.second, fn(201))
			if !errors.Is(err, tt.wantErr) && !(tt.wantErr == nil && err == nil) {
				t.Fatalf("second Do() error = %v, want %v", err, tt.wantErr)
			}
			if runs != tt.wantRuns {
				t.Errorf("handler ran %d times, want %d", runs, tt.wantRuns)
			}
			if err == nil && res.Body != "answer" {
				t.Errorf("second Do() = %+v, want the answer", res)
			}
		})
	}
}

func TestKeyScope(t *testing.T) {
	t.Parallel()
	k := &Keeper{Store: &memStore{recs: map[string]Record{}}, TTL: time.Hour, Now: time.Now}
	runs := 0
	fn := func() Response { runs++; return Response{Status: 201} }
	for _, scope := range []string{"POST /a", "POST /b"} {
		if _, err := k.Do(context.Background(), scope, "k", nil, fn); err != nil {
			t.Fatal(err)
		}
	}
	if runs != 2 {
		t.Errorf("one key on two routes ran %d times, want 2", runs)
	}
}

func TestKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key string
		ok  bool
	}{
		{"", false},
		{"3f1c0d5e-7c1a-4b8e-9f0e-2a6b1c9d8e7f", true},
		{strings.Repeat("a", 255), true},
		{strings.Repeat("a", 256), false},
		{"tab\there", false},
		{"ключ", false},
	}
	for _, tt := range tests {
		if err := Key(tt.key); (err == nil) != tt.ok {
			t.Errorf("Key(%q) = %v, want ok %v", tt.key, err, tt.ok)
		}
	}
}

func FuzzKey(f *testing.F) {
	f.Add("3f1c0d5e-7c1a-4b8e-9f0e-2a6b1c9d8e7f")
	f.Add("")
	f.Fuzz(func(t *testing.T, k string) {
		if Key(k) == nil && (len(k) == 0 || len(k) > 255) {
			t.Errorf("Key(%q) accepted a key of length %d", k, len(k))
		}
	})
}
