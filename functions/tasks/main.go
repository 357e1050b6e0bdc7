// Command tasks is the Lambda function behind every Task state of the
// Step Functions workflows (statemachines/), dispatching on the payload's
// "task".
package main

import "github.com/portalid/portalid/internal/app"

func main() { app.MainTasks() }
