package notify

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/portalid/portalid/internal/fault"
)

type fakeSNS struct {
	got []*sns.PublishInput
	err error
}

func (f *fakeSNS) Publish(_ context.Context, in *sns.PublishInput, _ ...func(*sns.Options)) (*sns.PublishOutput, error) {
	f.got = append(f.got, in)
	if f.err != nil {
		return nil, f.err
	}
	return &sns.PublishOutput{MessageId: aws.String("m-1")}, nil
}

var ignoreSNSUnexported = cmpopts.IgnoreUnexported(sns.PublishInput{}, types.MessageAttributeValue{})

func TestSMSSend(t *testing.T) {
	t.Parallel()
	str := func(v string) types.MessageAttributeValue {
		return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	tests := []struct {
		name     string
		senderID string
		want     *sns.PublishInput
	}{
		{"with sender id", "PORTALID", &sns.PublishInput{
			PhoneNumber: aws.String("+79991234567"),
			Message:     aws.String("Код подтверждения: 123456."),
			MessageAttributes: map[string]types.MessageAttributeValue{
				"AWS.SNS.SMS.SMSType":  str("Transactional"),
				"AWS.SNS.SMS.SenderID": str("PORTALID"),
			},
		}},
		{"without sender id", "", &sns.PublishInput{
			PhoneNumber: aws.String("+79991234567"),
			Message:     aws.String("Код подтверждения: 123456."),
			MessageAttributes: map[string]types.MessageAttributeValue{
				"AWS.SNS.SMS.SMSType": str("Transactional"),
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := &fakeSNS{}
			if err := NewSMS(fake, tt.senderID).Send(context.Background(), "+79991234567", "Код подтверждения: 123456."); err != nil {
				t.Fatalf("Send = %v", err)
			}
			if diff := cmp.Diff([]*sns.PublishInput{tt.want}, fake.got, ignoreSNSUnexported); diff != "" {
				t.Errorf("Publish input mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSMSSendFailure(t *testing.T) {
	t.Parallel()
	const phone, text = "+79991234567", "Код подтверждения: 654321."
	tests := []struct {
		name      string
		err       error
		wantCause error
		wantText  string
	}{
		{
			name: "service error echoing the phone",
			err: &smithy.OperationError{ServiceID: "SNS", OperationName: "Publish", Err: &smithy.GenericAPIError{
				Code: "InvalidParameter", Message: "Invalid parameter: PhoneNumber Reason: " + phone + " is not valid",
			}},
			wantText: "publish sms: api error InvalidParameter",
		},
		{
			name:      "deadline",
			err:       &smithy.OperationError{ServiceID: "SNS", OperationName: "Publish", Err: context.DeadlineExceeded},
			wantCause: context.DeadlineExceeded,
			wantText:  "publish sms: operation error SNS: Publish, context deadline exceeded",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := NewSMS(&fakeSNS{err: tt.err}, "PORTALID").Send(context.Background(), phone, text)
			assertUnavailable(t, err, tt.wantText, phone, text)
			if tt.wantCause != nil && !errors.Is(err, tt.wantCause) {
				t.Errorf("errors.Is(%v, %v) = false, want true", err, tt.wantCause)
			}
			var op *smithy.OperationError
			if !errors.As(err, &op) {
				t.Errorf("errors.As(%v, *smithy.OperationError) = false, want the cause reachable", err)
			}
		})
	}
}

// assertUnavailable checks the contract of every provider failure.
func assertUnavailable(t *testing.T, err error, wantText string, secrets ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("err = nil, want a delivery error")
	}
	if err.Error() != wantText {
		t.Errorf("err = %q, want %q", err, wantText)
	}
	for _, s := range secrets {
		if strings.Contains(err.Error(), s) {
			t.Errorf("err %q contains %q", err, s)
		}
	}
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("errors.Is(%v, ErrUnavailable) = false", err)
	}
	f, ok := fault.As(err)
	if !ok || f.Kind != fault.Unavailable || f.Slug != "notification-unavailable" {
		t.Errorf("fault.As(%v) = %+v, %v, want Unavailable notification-unavailable", err, f, ok)
	}
	var d *DeliveryError
	if !errors.As(err, &d) {
		t.Errorf("errors.As(%v, *DeliveryError) = false", err)
	}
}
