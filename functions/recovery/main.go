// Command recovery is the Lambda function behind the "recovery" routes of
// internal/httpapi's route table.
package main

import "github.com/portalid/portalid/internal/app"

func main() { app.Main("recovery") }
