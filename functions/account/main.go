// Command account is the Lambda function behind the "account" routes of
// internal/httpapi's route table.
package main

import "github.com/portalid/portalid/internal/app"

func main() { app.Main("account") }
