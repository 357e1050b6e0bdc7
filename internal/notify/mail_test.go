package notify

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

type fakeSES struct {
	got []*sesv2.SendEmailInput
	err error
}

func (f *fakeSES) SendEmail(_ context.Context, in *sesv2.SendEmailInput, _ ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error) {
	f.got = append(f.got, in)
	if f.err != nil {
		return nil, f.err
	}
	return &sesv2.SendEmailOutput{MessageId: aws.String("m-1")}, nil
}

func TestSESSendMail(t *testing.T) {
	t.Parallel()
	fake := &fakeSES{}
	err := NewSES(fake, "no-reply@portalid.example").SendMail(context.Background(), "ivan@example.ru", "Подтвердите адрес", "Ссылка: https://x")
	if err != nil {
		t.Fatalf("SendMail = %v", err)
	}
	want := []*sesv2.SendEmailInput{{
		FromEmailAddress: aws.String("no-reply@portalid.example"),
		Destination:      &types.Destination{ToAddresses: []string{"ivan@example.ru"}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String("Подтвердите адрес"), Charset: aws.String("UTF-8")},
			Body:    &types.Body{Text: &types.Content{Data: aws.String("Ссылка: https://x"), Charset: aws.String("UTF-8")}},
		}},
	}}
	ignore := cmpopts.IgnoreUnexported(sesv2.SendEmailInput{}, types.Destination{}, types.EmailContent{}, types.Message{}, types.Content{}, types.Body{})
	if diff := cmp.Diff(want, fake.got, ignore); diff != "" {
		t.Errorf("SendEmail input mismatch (-want +got):\n%s", diff)
	}
}

func TestSESSendMailFailure(t *testing.T) {
	t.Parallel()
	const to = "ivan@example.ru"
	// SES names the addresses that failed verification in its message.
	fake := &fakeSES{err: &smithy.OperationError{ServiceID: "SESv2", OperationName: "SendEmail", Err: &smithy.GenericAPIError{
		Code: "MessageRejected", Message: "Email address is not verified. The following identities failed the check in region EU-CENTRAL-1: " + to,
	}}}
	err := NewSES(fake, "no-reply@portalid.example").SendMail(context.Background(), to, "Subject", "secret text")
	assertUnavailable(t, err, "send mail: api error MessageRejected", to, "secret text")
}
