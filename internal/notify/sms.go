package notify

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
)

// SNSPublisher is the part of the SNS client SMS uses. The local system
// passes an *Outbox instead.
type SNSPublisher interface {
	Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
}

var (
	_ SNSPublisher = (*sns.Client)(nil)
	_ SNSPublisher = (*Outbox)(nil)
)

// SMS sends text messages by publishing directly to phone numbers.
type SMS struct {
	client   SNSPublisher
	senderID string
}

// NewSMS returns an SMS sender. An empty senderID sends without the
// AWS.SNS.SMS.SenderID attribute (SNS rejects an empty one).
func NewSMS(client SNSPublisher, senderID string) *SMS {
	return &SMS{client: client, senderID: senderID}
}

// Send publishes text to phoneE164 as a transactional SMS. A failure is a
// *DeliveryError ("publish sms: …", errors.Is(err, ErrUnavailable)) that
// contains neither the phone number nor the text.
func (s *SMS) Send(ctx context.Context, phoneE164, text string) error {
	attrs := map[string]types.MessageAttributeValue{
		"AWS.SNS.SMS.SMSType": {DataType: aws.String("String"), StringValue: aws.String("Transactional")},
	}
	if s.senderID != "" {
		attrs["AWS.SNS.SMS.SenderID"] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(s.senderID)}
	}
	_, err := s.client.Publish(ctx, &sns.PublishInput{
		PhoneNumber:       aws.String(phoneE164),
		Message:           aws.String(text),
		MessageAttributes: attrs,
	})
	return delivery("publish sms", err)
}
