package dynamo

import (
	"context"
	"reflect"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
)

// Capacity sums the read and write capacity units DynamoDB reports as
// consumed: on an on-demand table, the request units it bills.
type Capacity struct {
	mu          sync.Mutex
	read, write float64
}

// Units returns the read and write units consumed so far.
func (c *Capacity) Units() (read, write float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.read, c.write
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
		c.write += w
	}
}

func deref(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}

// MeterCapacity returns a client option that asks DynamoDB for the
// consumed capacity of every operation that can report it
// (ReturnConsumedCapacity TOTAL, set on a copy of the input) and adds it
// to c. Benchmarks use it to price requests; failed operations (a
// condition that did not hold) are not counted, as DynamoDB reports
// nothing for them.
func MeterCapacity(c *Capacity) func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("MeterCapacity",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					write := isWrite(in.Parameters)
					in.Parameters = withTotal(in.Parameters)
					out, md, err := next.HandleInitialize(ctx, in)
					if err == nil {
						c.add(write, consumed(out.Result))
					}
					return out, md, err
				}), middleware.After)
		})
	}
}

// isWrite tells writes (PutItem, UpdateItem, DeleteItem, BatchWriteItem,
// TransactWriteItems) by their input type.
func isWrite(in any) bool {
	t := reflect.TypeOf(in)
	if t == nil || t.Kind() != reflect.Pointer {
		return false
	}
	name := t.Elem().Name()
	return strings.HasPrefix(name, "Put") || strings.HasPrefix(name, "Update") || strings.HasPrefix(name, "Delete") ||
		strings.Contains(name, "Write")
}

var totalValue = reflect.ValueOf(types.ReturnConsumedCapacityTotal)

// withTotal returns a copy of an input with ReturnConsumedCapacity TOTAL,
// or the input itself when it has no such field.
func withTotal(in any) any {
	v := reflect.ValueOf(in)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return in
	}
	f := v.Elem().FieldByName("ReturnConsumedCapacity")
	if !f.IsValid() || f.Type() != totalValue.Type() {
		return in
	}
	cp := reflect.New(v.Elem().Type())
	cp.Elem().Set(v.Elem())
	cp.Elem().FieldByName("ReturnConsumedCapacity").Set(totalValue)
	return cp.Interface()
}

// consumed is the ConsumedCapacity of an output: one value for item
// operations, one per table for batches and transactions.
func consumed(out any) []types.ConsumedCapacity {
	v := reflect.ValueOf(out)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return nil
	}
	switch c := v.Elem().FieldByName("ConsumedCapacity"); {
	case !c.IsValid():
		return nil
	case c.Type() == reflect.TypeOf(&types.ConsumedCapacity{}):
		if c.IsNil() {
			return nil
		}
		return []types.ConsumedCapacity{*c.Interface().(*types.ConsumedCapacity)}
	case c.Type() == reflect.TypeOf([]types.ConsumedCapacity{}):
		return c.Interface().([]types.ConsumedCapacity)
	}
	return nil
}
