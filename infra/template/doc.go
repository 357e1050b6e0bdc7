// Package template holds template.yaml right without the SAM CLI, which
// cannot run on the project's machines. It has tests only: they parse the
// template with gopkg.in/yaml.v3 nodes (so !Ref, !GetAtt and !Sub stay
// readable) and with goformation (which rejects unknown resource
// properties), and check it against the Go code it deploys: the route table
// of internal/httpapi, the defaults of internal/config, the table schema of
// internal/dynamo, the build rule of infra/build.mk (run exactly as `sam
// build` runs it), and the AWS calls each function's code makes, derived
// from a call graph of the linked code and a recorded cold start
// (needs_test.go), against its IAM policies both ways. The operations
// checks (alarms, gradual deploys, route throttling, logs, keys, outputs,
// dashboard) are generic over the template's functions and state
// machines; mutation_test.go shows each check failing on the mistake it
// guards against.
package template
