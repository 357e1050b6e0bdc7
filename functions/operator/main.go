// Command operator is the Lambda function behind the "operator" routes of
// internal/httpapi's route table: service-centre operators, authenticated
// by API Gateway's IAM authorizer.
package main

import "github.com/portalid/portalid/internal/app"

func main() { app.Main("operator") }
