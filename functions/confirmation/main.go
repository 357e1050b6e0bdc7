// Command confirmation is the Lambda function behind the "confirmation"
// routes of internal/httpapi's route table: identity confirmation by
// registered letter and by electronic signature (SPEC §2.4).
package main

import "github.com/portalid/portalid/internal/app"

func main() { app.Main("confirmation") }
