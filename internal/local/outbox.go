package local

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// OutboxEntry is one message in a local outbox file (SPEC §3 "Local
// outboxes"): one JSON object per line.
type OutboxEntry struct {
	To      string    `json:"to"`
	Message string    `json:"message"`
	At      time.Time `json:"at"` // RFC 3339, UTC
	// Subject is set on mail.
	Subject string `json:"subject,omitempty"`
	// Optional details of an SMS publish.
	SenderID  string `json:"senderId,omitempty"`
	SMSType   string `json:"smsType,omitempty"`
	MessageID string `json:"messageId,omitempty"`
}

// Outbox appends entries to a JSON-lines file. Appends are serialised and
// each entry is one write to a file opened with O_APPEND, so concurrent
// appends never interleave.
type Outbox struct {
	path string
	mu   sync.Mutex
}

// NewOutbox returns an outbox writing to path; the file and its directory
// are created on the first append.
func NewOutbox(path string) *Outbox { return &Outbox{path: path} }

// Path returns the outbox file.
func (o *Outbox) Path() string { return o.path }

// Append writes e as one line.
func (o *Outbox) Append(e OutboxEntry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("append to outbox: %w", err)
	}
	line = append(line, '\n')

	o.mu.Lock()
	defer o.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(o.path), 0o700); err != nil {
		return fmt.Errorf("append to outbox: %w", err)
	}
	f, err := os.OpenFile(o.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("append to outbox: %w", err)
	}
	if _, err := f.Write(line); err != nil {
		_ = f.Close()
		return fmt.Errorf("append to outbox: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("append to outbox: %w", err)
	}
	return nil
}

// ReadOutbox returns the entries of an outbox file in the order they were
// written. A missing file is an empty outbox.
func ReadOutbox(path string) ([]OutboxEntry, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer f.Close()

	var entries []OutboxEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var e OutboxEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("read outbox %s line %d: %w", path, n, err)
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return entries, nil
}
