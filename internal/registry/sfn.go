package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// ErrAnswerGone reports an answer to a step that no longer waits: it timed
// out, was answered already, or its execution ended.
var ErrAnswerGone = errors.New("the waiting step is gone")

// StepFunctions answers through Step Functions: SendTaskSuccess with
// the result as the task's output {item, outcome, reason}.
type StepFunctions struct {
	Client *sfn.Client
}

var _ Answerer = (*StepFunctions)(nil)

// Answer implements Answerer.
func (s *StepFunctions) Answer(ctx context.Context, token string, r Result) error {
	out, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode %s answer: %w", r.Item, err)
	}
	_, err = s.Client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(string(out))})
	var timedOut *types.TaskTimedOut
	var invalid *types.InvalidToken
	var notExist *types.TaskDoesNotExist
	if errors.As(err, &timedOut) || errors.As(err, &invalid) || errors.As(err, &notExist) {
		return fmt.Errorf("answer %s: %w", r.Item, ErrAnswerGone)
	}
	if err != nil {
		return fmt.Errorf("answer %s: %w", r.Item, err)
	}
	return nil
}
