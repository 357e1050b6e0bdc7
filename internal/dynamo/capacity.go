package dynamo

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
)

// Capacity sums the read and write capacity units DynamoDB reports as
// consumed: on an on-demand table, the request units it bills.
type Capacity struct {
	mu           sync.Mutex
	read, writes float64
}

// Units returns the read and write units consumed so far.
func (c *Capacity) Units() (read, write float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.read, c.writes
}

// add adds what one operation consumed; write says whether it was a
// write, for operations that report only a total.
func (c *Capacity) add(write bool, cs []types.ConsumedCapacity) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, u := range cs {
		r, w := deref(u.ReadCapacityUnits), deref(u.WriteCapacityUnits)
		if r == 0 && w == 0 {
			if write {
				w = deref(u.CapacityUnits)
			} else {
				r = deref(u.CapacityUnits)
			}
		}
		c.read += r
		c.writes += w
	}
}

func deref(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}

// MeterCapacity returns a client option that asks DynamoDB for the
// consumed capacity of every item operation (ReturnConsumedCapacity
// TOTAL, on a copy of the input) and adds it to c. Benchmarks use it to
// price requests; failed operations (a condition that did not hold) are
// not counted, as DynamoDB reports nothing for them.
func MeterCapacity(c *Capacity) func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("MeterCapacity",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					in.Parameters = withConsumedCapacity(in.Parameters)
					out, md, err := next.HandleInitialize(ctx, in)
					if err == nil {
						c.add(consumed(out.Result))
					}
					return out, md, err
				}), middleware.After)
		})
	}
}

const total = types.ReturnConsumedCapacityTotal

func withConsumedCapacity(p any) any {
	switch v := p.(type) {
	case *dynamodb.GetItemInput:
		cp := *v
		cp.ReturnConsumedCapacity = total
		return &cp
	case *dynamodb.PutItemInput:
		cp := *v
		cp.ReturnConsumedCapacity = total
		return &cp
	case *dynamodb.UpdateItemInput:
		cp := *v
		cp.ReturnConsumedCapacity = total
		return &cp
	case *dynamodb.DeleteItemInput:
		cp := *v
		cp.ReturnConsumedCapacity = total
		return &cp
	case *dynamodb.QueryInput:
		cp := *v
		cp.ReturnConsumedCapacity = total
		return &cp
	case *dynamodb.ScanInput:
		cp := *v
		cp.ReturnConsumedCapacity = total
		return &cp
	case *dynamodb.BatchGetItemInput:
		cp := *v
		cp.ReturnConsumedCapacity = total
		return &cp
	case *dynamodb.BatchWriteItemInput:
		cp := *v
		cp.ReturnConsumedCapacity = total
		return &cp
	case *dynamodb.TransactGetItemsInput:
		cp := *v
		cp.ReturnConsumedCapacity = total
		return &cp
	case *dynamodb.TransactWriteItemsInput:
		cp := *v
		cp.ReturnConsumedCapacity = total
		return &cp
	}
	return p
}

// consumed returns what an operation's output reports, and whether the
// operation was a write.
func consumed(r any) (bool, []types.ConsumedCapacity) {
	one := func(c *types.ConsumedCapacity) []types.ConsumedCapacity {
		if c == nil {
			return nil
		}
		return []types.ConsumedCapacity{*c}
	}
	switch v := r.(type) {
	case *dynamodb.GetItemOutput:
		return false, one(v.ConsumedCapacity)
	case *dynamodb.QueryOutput:
		return false, one(v.ConsumedCapacity)
	case *dynamodb.ScanOutput:
		return false, one(v.ConsumedCapacity)
	case *dynamodb.BatchGetItemOutput:
		return false, v.ConsumedCapacity
	case *dynamodb.TransactGetItemsOutput:
		return false, v.ConsumedCapacity
	case *dynamodb.PutItemOutput:
		return true, one(v.ConsumedCapacity)
	case *dynamodb.UpdateItemOutput:
		return true, one(v.ConsumedCapacity)
	case *dynamodb.DeleteItemOutput:
		return true, one(v.ConsumedCapacity)
	case *dynamodb.BatchWriteItemOutput:
		return true, v.ConsumedCapacity
	case *dynamodb.TransactWriteItemsOutput:
		return true, v.ConsumedCapacity
	}
	return false, nil
}
