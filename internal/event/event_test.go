package event

import (
	"testing"
	"time"
)

func chain(n int) ([]Event, Head) {
	var head Head
	var out []Event
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		e, h := Seal(head, Event{
			AccountID: "acc", Kind: Login, At: t0.Add(time.Duration(i) * time.Minute),
			IP: "203.0.113.7", UserAgent: "ua", Details: map[string]string{"sessionId": "s", "b": "2"},
		})
		head = h
		out = append(out, e)
	}
	return out, head
}

func TestVerify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func([]Event) []Event
		want   int64
	}{
		{"intact", func(es []Event) []Event { return es }, 0},
		{"all removed", func([]Event) []Event { return nil }, 1},
		{"newest removed", func(es []Event) []Event { return es[:4] }, 5},
		{"oldest dropped by retention", func(es []Event) []Event { return es[2:] }, 0},
		{"kind changed", func(es []Event) []Event { es[2].Kind = Logout; return es }, 3},
		{"time changed", func(es []Event) []Event { es[1].At = es[1].At.Add(time.Second); return es }, 2},
		{"detail changed", func(es []Event) []Event { es[3].Details = map[string]string{"sessionId": "x", "b": "2"}; return es }, 4},
		{"detail added", func(es []Event) []Event {
			es[0].Details = map[string]string{"sessionId": "s", "b": "2", "c": ""}
			return es
		}, 1},
		{"event removed", func(es []Event) []Event { return append(es[:2], es[3:]...) }, 3},
		{"events swapped", func(es []Event) []Event { es[1], es[2] = es[2], es[1]; return es }, 2},
		{"rehashed after a change", func(es []Event) []Event {
			es[2].IP = "198.51.100.1"
			es[2].Hash = digest(es[2])
			return es
		}, 4},
		{"first event re-linked", func(es []Event) []Event { es[0].PrevHash = []byte{1}; return es }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			es, head := chain(5)
			if got := Verify(tt.change(es), head); got != tt.want {
				t.Errorf("Verify() = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestVerifyEmptyAccount(t *testing.T) {
	t.Parallel()
	if got := Verify(nil, Head{}); got != 0 {
		t.Errorf("Verify(nil, zero head) = %d, want 0", got)
	}
}

func TestDigestUnambiguous(t *testing.T) {
	t.Parallel()
	a := Event{AccountID: "ab", Kind: "c"}
	b := Event{AccountID: "a", Kind: "bc"}
	if string(digest(a)) == string(digest(b)) {
		t.Errorf("digest() collides when bytes move between fields")
	}
	c := Event{Details: map[string]string{"ab": "c"}}
	d := Event{Details: map[string]string{"a": "bc"}}
	if string(digest(c)) == string(digest(d)) {
		t.Errorf("digest() collides when bytes move between detail key and value")
	}
}
