package notify

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
)

// Mailer sends one plain-text e-mail.
type Mailer interface {
	SendMail(ctx context.Context, to, subject, text string) error
}

var (
	_ Mailer = (*SES)(nil)
	_ Mailer = (*Outbox)(nil)
)

// SESSender is the part of the SES v2 client SES uses.
type SESSender interface {
	SendEmail(ctx context.Context, in *sesv2.SendEmailInput, optFns ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

var _ SESSender = (*sesv2.Client)(nil)

// SES sends mail through Amazon SES v2 from one configured address.
type SES struct {
	client SESSender
	from   string
}

// NewSES returns a Mailer sending from the address from.
func NewSES(client SESSender, from string) *SES {
	return &SES{client: client, from: from}
}

const charset = "UTF-8"

// SendMail sends a simple UTF-8 text message. A failure is a *DeliveryError
// ("send mail: …", errors.Is(err, ErrUnavailable)) that contains neither
// the address nor the message.
func (s *SES) SendMail(ctx context.Context, to, subject, text string) error {
	_, err := s.client.SendEmail(ctx, &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(s.from),
		Destination:      &types.Destination{ToAddresses: []string{to}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(subject), Charset: aws.String(charset)},
			Body:    &types.Body{Text: &types.Content{Data: aws.String(text), Charset: aws.String(charset)}},
		}},
	})
	return delivery("send mail", err)
}
