package local_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/google/go-cmp/cmp"

	"github.com/portalid/portalid/internal/local"
)

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// newSNS serves the fake SNS on 127.0.0.1 and returns a real SDK client of
// it and the outbox path.
func newSNS(t *testing.T) (*sns.Client, string, string) {
	t.Helper()
	outbox := filepath.Join(t.TempDir(), "nested", "sms-outbox.jsonl")
	srv := httptest.NewServer(local.NewSNS(outbox))
	t.Cleanup(srv.Close)
	cfg, err := local.AWSConfig(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	client := sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	return client, outbox, srv.URL
}

func TestSNSPublish(t *testing.T) {
	t.Parallel()
	client, outbox, _ := newSNS(t)
	before := time.Now().UTC().Add(-time.Second)

	out, err := client.Publish(t.Context(), &sns.PublishInput{
		PhoneNumber: aws.String("+79991234567"),
		Message:     aws.String("Код: 123456. Никому не сообщайте."),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"AWS.SNS.SMS.SenderID": {DataType: aws.String("String"), StringValue: aws.String("PORTALID")},
			"AWS.SNS.SMS.SMSType":  {DataType: aws.String("String"), StringValue: aws.String("Transactional")},
		},
	})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if aws.ToString(out.MessageId) == "" {
		t.Error("Publish returned no MessageId")
	}

	entries, err := local.ReadOutbox(outbox)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("outbox has %d entries, want 1", len(entries))
	}
	got := entries[0]
	if got.At.Before(before) || got.At.After(time.Now().Add(time.Second)) {
		t.Errorf("At = %v, want about now", got.At)
	}
	want := local.OutboxEntry{
		To:        "+79991234567",
		Message:   "Код: 123456. Никому не сообщайте.",
		At:        got.At,
		SenderID:  "PORTALID",
		SMSType:   "Transactional",
		MessageID: aws.ToString(out.MessageId),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outbox entry mismatch (-want +got):\n%s", diff)
	}

	// The line itself carries the SPEC fields, with an RFC 3339 time.
	raw, err := os.ReadFile(outbox)
	if err != nil {
		t.Fatal(err)
	}
	var line map[string]any
	if err := json.Unmarshal(raw, &line); err != nil {
		t.Fatalf("outbox line is not one JSON object: %v", err)
	}
	at, _ := line["at"].(string)
	if _, err := time.Parse(time.RFC3339, at); err != nil {
		t.Errorf("at = %q is not RFC 3339: %v", at, err)
	}
	if line["to"] != "+79991234567" || line["message"] != "Код: 123456. Никому не сообщайте." {
		t.Errorf("outbox line = %s", raw)
	}
}

func TestSNSPublishInvalid(t *testing.T) {
	t.Parallel()
	client, outbox, _ := newSNS(t)
	tests := []struct {
		name string
		in   *sns.PublishInput
	}{
		{"no phone number", &sns.PublishInput{Message: aws.String("hi")}},
		{"phone number not E.164", &sns.PublishInput{PhoneNumber: aws.String("89991234567"), Message: aws.String("hi")}},
		{"empty message", &sns.PublishInput{PhoneNumber: aws.String("+79991234567"), Message: aws.String("")}},
		{"topic publish", &sns.PublishInput{TopicArn: aws.String("arn:aws:sns:us-east-1:000000000000:t"), Message: aws.String("hi")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := client.Publish(t.Context(), tt.in)
			var invalid *types.InvalidParameterException
			if !errors.As(err, &invalid) {
				t.Fatalf("Publish error = %v, want InvalidParameterException", err)
			}
		})
	}
	entries, err := local.ReadOutbox(outbox)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("outbox has %d entries after invalid publishes, want 0", len(entries))
	}
}

func TestSNSUnknownAction(t *testing.T) {
	t.Parallel()
	_, _, endpoint := newSNS(t)
	tests := []struct {
		name string
		form url.Values
	}{
		{"unknown action", url.Values{"Action": {"CreateTopic"}, "Version": {"2010-03-31"}, "Name": {"t"}}},
		{"no action", url.Values{"Version": {"2010-03-31"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := http.PostForm(endpoint, tt.form)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", res.StatusCode)
			}
			var body struct {
				XMLName xml.Name `xml:"ErrorResponse"`
				Error   struct {
					Type string `xml:"Type"`
					Code string `xml:"Code"`
				} `xml:"Error"`
				RequestID string `xml:"RequestId"`
			}
			raw, _ := io.ReadAll(res.Body)
			if err := xml.Unmarshal(raw, &body); err != nil {
				t.Fatalf("body %s: %v", raw, err)
			}
			if body.Error.Code != "InvalidParameter" || body.Error.Type != "Sender" || body.RequestID == "" {
				t.Errorf("error response = %s", raw)
			}
		})
	}
}

func TestSNSConcurrentPublishes(t *testing.T) {
	t.Parallel()
	client, outbox, _ := newSNS(t)
	const n = 64
	// A long message makes interleaved writes visible if they happened.
	pad := strings.Repeat("ж", 2000)

	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			<-start
			_, err := client.Publish(context.Background(), &sns.PublishInput{
				PhoneNumber: aws.String(fmt.Sprintf("+7999%07d", i)),
				Message:     aws.String(fmt.Sprintf("%d:%s", i, pad)),
			})
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}

	raw, err := os.ReadFile(outbox)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("outbox has %d lines, want %d", len(lines), n)
	}
	var got, want []string
	for i, l := range lines {
		var e local.OutboxEntry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("line %d is not well-formed JSON: %v", i+1, err)
		}
		got = append(got, e.To+" "+e.Message)
	}
	for i := range n {
		want = append(want, fmt.Sprintf("+7999%07d %d:%s", i, i, pad))
	}
	sort.Strings(got)
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outbox messages mismatch (-want +got):\n%s", diff)
	}
}

func TestReadOutboxMissingFile(t *testing.T) {
	t.Parallel()
	entries, err := local.ReadOutbox(filepath.Join(t.TempDir(), "none.jsonl"))
	if err != nil || len(entries) != 0 {
		t.Errorf("ReadOutbox(missing) = %v, %v; want empty, nil", entries, err)
	}
}
