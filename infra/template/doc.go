// Package template holds template.yaml right without the SAM CLI, which
// cannot run on the project's machines. It has tests only: they parse the
// template with gopkg.in/yaml.v3 nodes (so !Ref, !GetAtt and !Sub stay
// readable) and with goformation (which rejects unknown resource
// properties), and check it against the Go code it deploys: the route table
// of internal/httpapi, the defaults of internal/config, the table schema of
// internal/dynamo, the DynamoDB calls the adapter makes, and the build rule
// of infra/build.mk, run exactly as `sam build` runs it.
package template
