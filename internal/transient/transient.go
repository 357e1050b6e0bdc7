// Package transient tells an AWS fault that may pass (throttling, a
// server fault, a timeout, a connection that failed, a deadline that ran
// out) from a bug. The SDK's retryer has already retried such faults by
// the time an edge sees them; the edges answer them as Unavailable (HTTP
// 503 with Retry-After, an ASL error that Retry matches) instead of as an
// internal error. It uses the SDK's own classifications (aws/retry), so
// what the retryer retries and what the edges call transient agree.
package transient

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// Is reports whether err is a transient AWS fault the SDK gave up on: its
// retries exhausted (retry.MaxAttemptsError), an error the standard
// retryer retries or counts as throttling (as when the retry quota ran
// out), or an expired or cancelled context (the Lambda deadline).
func Is(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	var exhausted *retry.MaxAttemptsError
	if errors.As(err, &exhausted) {
		return true
	}
	if retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary {
		return true
	}
	return retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err) == aws.TrueTernary
}
