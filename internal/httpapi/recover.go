package httpapi

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// errPanic marks the error a recovered panic becomes.
var errPanic = errors.New("handler panicked")

// recovered is the last-resort error handler (ASVS 7.4.3): a panic in h
// becomes an error, so Handle answers the generic 500 problem with the
// request id and logs it once at Error, like any unexpected error, instead
// of the runtime's own answer. The error names the panic's type and the
// function that panicked, never the panic's value, which may hold the
// input that caused it.
func recovered(h handler) handler {
	return func(ctx context.Context, req events.APIGatewayV2HTTPRequest) (res events.APIGatewayV2HTTPResponse, err error) {
		defer func() {
			if v := recover(); v != nil {
				res, err = events.APIGatewayV2HTTPResponse{}, fmt.Errorf("%w: %T in %s", errPanic, v, panicSite())
			}
		}()
		return h(ctx, req)
	}
}

// panicSite is the first function on the panicking goroutine's stack that
// is not the runtime's, as "package.Function file:line".
func panicSite() string {
	pcs := make([]uintptr, 32)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "runtime.") {
			file := f.File
			if i := strings.LastIndex(file, "/"); i >= 0 {
				file = file[i+1:]
			}
			return fmt.Sprintf("%s %s:%d", f.Function, file, f.Line)
		}
		if !more {
			return "unknown"
		}
	}
}
