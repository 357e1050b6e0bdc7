// Command baseline is the bare aws-lambda-go handler make bench starts
// beside the real functions: the cold start of a Go Lambda that does
// nothing, which theirs are divided by.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"content-type": "application/json"}, Body: "{}"}, nil
	})
}
