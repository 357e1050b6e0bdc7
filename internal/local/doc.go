// Package local is the local stack of make run and make test: DynamoDB Local
// bound to loopback, a fake SNS endpoint that writes SMS to an outbox file,
// an API Gateway (HTTP API, payload 2.0) stand-in over net/http, and the AWS
// client construction every local process and test shares. Everything it
// starts listens on 127.0.0.1 only.
package local
