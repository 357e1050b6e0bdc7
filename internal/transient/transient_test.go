package transient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/portalid/portalid/internal/fault"
	"github.com/portalid/portalid/internal/transient"
)

// response is an SDK error for an HTTP answer with status and code.
func response(status int, code string) error {
	return &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "PutItem", Err: &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
			Err:      &smithy.GenericAPIError{Code: code, Message: "m"},
		},
	}}
}

type timeout struct{}

func (timeout) Error() string   { return "i/o timeout" }
func (timeout) Timeout() bool   { return true }
func (timeout) Temporary() bool { return false }

func TestIs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"a bug", errors.New("decode account: unexpected type"), false},
		{"a fault", fault.New(fault.Conflict, "contact-taken"), false},
		{"condition failed", &types.ConditionalCheckFailedException{}, false},
		{"validation", response(400, "ValidationException"), false},
		{"not found", response(400, "ResourceNotFoundException"), false},
		{"throttled", response(400, "ProvisionedThroughputExceededException"), true},
		{"throttling", response(400, "ThrottlingException"), true},
		{"500", response(500, "InternalServerError"), true},
		{"503", response(503, "ServiceUnavailable"), true},
		{"KMS internal", response(500, "KMSInternalException"), true},
		{"retries exhausted", &retry.MaxAttemptsError{Attempt: 3, Err: response(500, "InternalFailure")}, true},
		{"retry quota exceeded", errors.Join(response(400, "ThrottlingException"), ratelimit.QuotaExceededError{Available: 0, Requested: 5}), true},
		{"deadline", fmt.Errorf("get account: %w", context.DeadlineExceeded), true},
		{"cancelled in backoff", &aws.RequestCanceledError{Err: context.Canceled}, true},
		{"http timeout", &smithyhttp.RequestSendError{Err: &url.Error{Op: "Post", URL: "https://x", Err: timeout{}}}, true},
		{"connection refused", &smithyhttp.RequestSendError{Err: &url.Error{Op: "Post", URL: "https://x", Err: errors.New("dial tcp: connection refused")}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := transient.Is(tt.err); got != tt.want {
				t.Errorf("Is(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
