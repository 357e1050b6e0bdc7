package flowtest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one message a flow asked to deliver.
type Message struct {
	Kind, Address, Template string
	Params                  map[string]string
}

// Recorder is a Sender that keeps what it was asked to send.
type Recorder struct {
	mu   sync.Mutex
	msgs []Message
}

// Send records the message.
func (r *Recorder) Send(_ context.Context, kind, address, template, _ string, params map[string]string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, Message{kind, address, template, params})
	return nil
}

// To returns the messages sent to address, oldest first.
func (r *Recorder) To(address string) []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Message
	for _, m := range r.msgs {
		if m.Address == address {
			out = append(out, m)
		}
	}
	return out
}

// Count is how many messages were sent.
func (r *Recorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs)
}

// Since returns the messages sent after the first n.
func (r *Recorder) Since(n int) []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Message(nil), r.msgs[n:]...)
}

// LastCode returns the latest code or link token sent to address.
func (r *Recorder) LastCode(t testing.TB, address string) string {
	t.Helper()
	msgs := r.To(address)
	for i := len(msgs) - 1; i >= 0; i-- {
		if c, ok := msgs[i].Params["code"]; ok {
			return c
		}
		if l, ok := msgs[i].Params["link"]; ok {
			_, tok, _ := strings.Cut(l, "token=")
			return tok
		}
	}
	t.Fatalf("no code was sent to the contact")
	return ""
}

// Clock is a settable time source; with a tick set, every reading moves
// it on by the tick, as a real clock moves between concurrent requests.
type Clock struct {
	mu   sync.Mutex
	now  time.Time
	tick time.Duration
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time, after moving it on by the tick.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.tick)
	return c.now
}

// SetTick makes every reading move the clock on by d.
func (c *Clock) SetTick(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tick = d
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
