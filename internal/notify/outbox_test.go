package notify

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/google/go-cmp/cmp"
)

// readOutbox returns the outbox lines decoded into maps, failing on any line
// that is not one JSON object.
func readOutbox(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []map[string]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var line map[string]string
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("outbox line %q: %v", sc.Text(), err)
		}
		lines = append(lines, line)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

func fixedOutbox(path string) *Outbox {
	o := NewOutbox(path)
	o.now = func() time.Time { return time.Date(2026, 3, 1, 12, 30, 0, 0, time.FixedZone("MSK", 3*3600)) }
	return o
}

func TestOutboxMailAndSMS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name string
		send func(o *Outbox) error
		want []map[string]string
	}{
		{
			name: "mail",
			send: func(o *Outbox) error {
				return o.SendMail(context.Background(), "ivan@example.ru", "Подтвердите адрес", "Ссылка:\nhttps://x/confirm?a=1&b=<2>")
			},
			want: []map[string]string{{
				"to": "ivan@example.ru", "subject": "Подтвердите адрес",
				"message": "Ссылка:\nhttps://x/confirm?a=1&b=<2>", "at": "2026-03-01T09:30:00Z",
			}},
		},
		{
			name: "sms through NewSMS",
			send: func(o *Outbox) error {
				return NewSMS(o, "PORTALID").Send(context.Background(), "+79991234567", "Код подтверждения: 123456.")
			},
			want: []map[string]string{{"to": "+79991234567", "message": "Код подтверждения: 123456.", "at": "2026-03-01T09:30:00Z"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, tt.name, ".local", "outbox.jsonl")
			if err := tt.send(fixedOutbox(path)); err != nil {
				t.Fatalf("send = %v", err)
			}
			if diff := cmp.Diff(tt.want, readOutbox(t, path)); diff != "" {
				t.Errorf("outbox mismatch (-want +got):\n%s", diff)
			}
			raw, _ := os.ReadFile(path)
			if strings.Contains(string(raw), `\u0026`) {
				t.Errorf("outbox escapes HTML characters: %s", raw)
			}
			if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
				t.Errorf("outbox mode = %v, %v, want 0600", info.Mode().Perm(), err)
			}
		})
	}
}

func TestOutboxAppendsAndStampsRFC3339(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "mail.jsonl")
	o := NewOutbox(path)
	before := time.Now()
	for i := range 3 {
		if err := o.SendMail(context.Background(), fmt.Sprintf("u%d@example.ru", i), "s", "m"); err != nil {
			t.Fatal(err)
		}
	}
	lines := readOutbox(t, path)
	if len(lines) != 3 {
		t.Fatalf("outbox has %d lines, want 3", len(lines))
	}
	for i, line := range lines {
		at, err := time.Parse(time.RFC3339, line["at"])
		if err != nil || at.Before(before.Add(-time.Second)) || at.After(time.Now().Add(time.Second)) {
			t.Errorf("line %d at = %q (%v), want RFC 3339 now", i, line["at"], err)
		}
		if want := fmt.Sprintf("u%d@example.ru", i); line["to"] != want {
			t.Errorf("line %d to = %q, want %q (appended in order)", i, line["to"], want)
		}
	}
}

func TestOutboxConcurrentWriters(t *testing.T) {
	t.Parallel()
	const writers = 50
	path := filepath.Join(t.TempDir(), "mail.jsonl")
	o := NewOutbox(path)
	// A long message makes torn or interleaved writes visible.
	text := strings.Repeat("Никому не сообщайте код. ", 400)

	gate := make(chan struct{})
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			<-gate
			errs <- o.SendMail(context.Background(), fmt.Sprintf("user%d@example.ru", i), "s", text)
		})
	}
	close(gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("SendMail = %v", err)
		}
	}

	lines := readOutbox(t, path)
	if len(lines) != writers {
		t.Fatalf("outbox has %d lines, want %d", len(lines), writers)
	}
	seen := map[string]bool{}
	for _, line := range lines {
		if line["message"] != text {
			t.Errorf("line for %s has a damaged message", line["to"])
		}
		seen[line["to"]] = true
	}
	if len(seen) != writers {
		t.Errorf("outbox has %d distinct recipients, want %d", len(seen), writers)
	}
}

func TestOutboxRefusals(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sms.jsonl")
	o := NewOutbox(path)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := o.SendMail(ctx, "a@example.ru", "s", "m"); !errors.Is(err, context.Canceled) {
		t.Errorf("SendMail(cancelled) = %v, want context.Canceled", err)
	}
	if _, err := o.Publish(context.Background(), &snsTopicPublish); !errors.Is(err, ErrNotPhone) {
		t.Errorf("Publish(topic) = %v, want ErrNotPhone", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("outbox file exists after refusals (%v), want none", err)
	}
}

var snsTopicPublish = sns.PublishInput{TopicArn: aws.String("arn:aws:sns:eu-central-1:123456789012:t"), Message: aws.String("m")}
