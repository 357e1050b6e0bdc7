// Command catalogue is the Lambda function behind the "catalogue" routes
// of internal/httpapi's route table: the directory of service centres,
// the catalogue of services and the access check.
package main

import "github.com/portalid/portalid/internal/app"

func main() { app.Main("catalogue") }
