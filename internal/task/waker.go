package task

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/portalid/portalid/internal/flow/letter"
)

// Waker answers a waiting step's task token through Step Functions:
// SendTaskSuccess with an empty output, or SendTaskFailure with the
// error name and a fixed cause.
type Waker struct {
	Client *sfn.Client
}

var _ letter.Waker = (*Waker)(nil)

// Wake implements letter.Waker. A token whose step no longer waits (timed
// out, answered, or its execution ended) is no error: there is nothing
// left to wake.
func (w *Waker) Wake(ctx context.Context, token, failure string) error {
	var err error
	if failure == "" {
		_, err = w.Client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String("{}")})
	} else {
		_, err = w.Client.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{
			TaskToken: aws.String(token), Error: aws.String(failure), Cause: aws.String("answered by the letter flow"),
		})
	}
	var timedOut *types.TaskTimedOut
	var invalid *types.InvalidToken
	var notExist *types.TaskDoesNotExist
	if errors.As(err, &timedOut) || errors.As(err, &invalid) || errors.As(err, &notExist) {
		return nil
	}
	if err != nil {
		// The error names the operation only: the token is a credential.
		return fmt.Errorf("wake waiting step (%s): %w", orSuccess(failure), err)
	}
	return nil
}

func orSuccess(failure string) string {
	if failure == "" {
		return "success"
	}
	return failure
}
