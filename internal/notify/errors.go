package notify

import (
	"errors"

	"github.com/aws/smithy-go"

	"github.com/portalid/portalid/internal/fault"
)

// ErrUnavailable is the client-meaningful outcome of a message the provider
// did not accept: errors.Is(err, ErrUnavailable) holds for every
// *DeliveryError.
var ErrUnavailable = fault.New(fault.Unavailable, "notification-unavailable")

// DeliveryError reports a message that SNS or SES did not accept. The SDK's
// retryer has already retried throttling and 5xx answers by then, so every
// failure left is surfaced as Unavailable.
//
// Unwrap returns both a fresh *fault.Error (kind Unavailable, slug
// "notification-unavailable") and the cause, so errors.As finds the fault
// for the edges and errors.Is/As still reach the SDK error or a context
// error. A wrapper type rather than errors.Join because the message must be
// controlled: provider messages may echo the recipient (SES names the
// addresses that failed verification), so Error gives only the operation and,
// for a service error, its AWS error code.
type DeliveryError struct {
	Op    string // what was being done: "publish sms", "send mail"
	Cause error
}

// Error returns "<op>: <reason>", where reason is the AWS error code for a
// service error and the cause's message otherwise (transport, context and
// SDK validation errors, which name fields and endpoints, not values).
func (e *DeliveryError) Error() string {
	var api smithy.APIError
	switch {
	case errors.As(e.Cause, &api):
		return e.Op + ": api error " + api.ErrorCode()
	case e.Cause == nil:
		return e.Op + ": failed"
	default:
		return e.Op + ": " + e.Cause.Error()
	}
}

// Unwrap returns the Unavailable fault and the cause.
func (e *DeliveryError) Unwrap() []error {
	return []error{fault.New(fault.Unavailable, ErrUnavailable.Slug), e.Cause}
}

// delivery wraps a provider error; a context error keeps its identity
// through Unwrap, so errors.Is(err, context.DeadlineExceeded) still works.
func delivery(op string, err error) error {
	if err == nil {
		return nil
	}
	return &DeliveryError{Op: op, Cause: err}
}
