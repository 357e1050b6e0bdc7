// Package workflow is the Go side of Step Functions Task states: the
// handler type the Lambda task functions and the local Step Functions
// stand-in (internal/local) both call, and the named error a handler
// returns so that the ASL can match it in Retry and Catch.
package workflow

import (
	"context"
	"encoding/json"
	"errors"
)

// Handler runs one attempt of a Task state. in is the task's input (for
// arn:aws:states:::lambda:invoke, the Payload). token is the task token of
// a .waitForTaskToken task, to be handed to whoever will call
// SendTaskSuccess or SendTaskFailure, and "" otherwise. The returned JSON
// is the task's result; a returned error fails the attempt with the name
// Failure gives it.
type Handler func(ctx context.Context, in json.RawMessage, token string) (json.RawMessage, error)

// TaskFailed is the error name of a failure that is not an *Error.
const TaskFailed = "TaskFailed"

// taskFailedCause is the cause of every TaskFailed: the error itself may
// carry identifiers or internal detail, which must not reach the
// execution history.
const taskFailedCause = "the task failed"

// Error is a task failure the ASL sees by name: Name is matched by the
// ErrorEquals of Retry and Catch (kebab-case slugs are for HTTP; these are
// PascalCase, e.g. "RegistryUnavailable"); Cause is shown in the execution
// history, so it holds no personal data.
type Error struct {
	Name  string
	Cause string
}

// Error returns the name.
func (e *Error) Error() string { return e.Name }

// Is reports whether target is an *Error with the same name, so that
// errors.Is(err, &workflow.Error{Name: "CheckRejected"}) works through
// wrapping.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Name == e.Name
}

// Failure returns the error name and cause the ASL sees for err: those of
// the *Error in its chain, or TaskFailed with a fixed cause for any other
// error.
func Failure(err error) (name, cause string) {
	var e *Error
	if errors.As(err, &e) && e.Name != "" {
		return e.Name, e.Cause
	}
	return TaskFailed, taskFailedCause
}
