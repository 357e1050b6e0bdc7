package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// Outbox records messages as JSON lines in a local file instead of sending
// them (make run, tests; SPEC §3 "Local outboxes"). As a Mailer it writes
// {"to","subject","message","at"}; as an SNSPublisher (for NewSMS) it writes
// {"to","message","at"} with the phone number and text SMS.Send would
// publish. Use one Outbox per file: its mutex keeps the lines of concurrent
// writers whole, and O_APPEND keeps writes at the end of the file.
type Outbox struct {
	path string
	now  func() time.Time

	mu sync.Mutex
}

// NewOutbox returns an outbox appending to path; the file and its directory
// are created on the first message.
func NewOutbox(path string) *Outbox {
	return &Outbox{path: path, now: time.Now}
}

// outboxLine is one message; At marshals as RFC 3339 (with fractional seconds).
type outboxLine struct {
	To      string    `json:"to"`
	Subject string    `json:"subject,omitempty"`
	Message string    `json:"message"`
	At      time.Time `json:"at"`
}

// ErrNotPhone reports an SNS publish to a topic or endpoint, which the outbox
// does not record.
var ErrNotPhone = errors.New("outbox records phone-number publishes only")

// SendMail appends the mail to the outbox.
func (o *Outbox) SendMail(ctx context.Context, to, subject, text string) error {
	return o.append(ctx, outboxLine{To: to, Subject: subject, Message: text})
}

// Publish appends the SMS to the outbox, so that the local system runs the
// same SMS code as AWS.
func (o *Outbox) Publish(ctx context.Context, in *sns.PublishInput, _ ...func(*sns.Options)) (*sns.PublishOutput, error) {
	if in.PhoneNumber == nil || in.Message == nil {
		return nil, ErrNotPhone
	}
	if err := o.append(ctx, outboxLine{To: *in.PhoneNumber, Message: *in.Message}); err != nil {
		return nil, err
	}
	return &sns.PublishOutput{}, nil
}

func (o *Outbox) append(ctx context.Context, line outboxLine) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	line.At = o.now().UTC()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep links readable: & stays &, not \u0026
	if err := enc.Encode(line); err != nil {
		return fmt.Errorf("encode outbox line: %w", err)
	}

	o.mu.Lock()
	defer o.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(o.path), 0o700); err != nil {
		return fmt.Errorf("create outbox directory: %w", err)
	}
	f, err := os.OpenFile(o.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open outbox: %w", err)
	}
	_, werr := f.Write(buf.Bytes()) // one write per line
	if err := errors.Join(werr, f.Close()); err != nil {
		return fmt.Errorf("append outbox: %w", err)
	}
	return nil
}
